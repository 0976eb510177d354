package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/resolvers"
	"github.com/dossiergraph/dossier/server"
)

// BenchmarkPostGraphQL measures POST /graphql through the whole handler (middleware, body
// reading, execution, encoding) over the embedded store.
func BenchmarkPostGraphQL(b *testing.B) {
	ctx := b.Context()
	store, err := bolt.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Apply(ctx, fixture); err != nil {
		b.Fatal(err)
	}
	exec, err := resolvers.New(store, resolvers.Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(store, exec, server.Config{Addr: "127.0.0.1:0", WriteToken: testToken})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	for name, body := range map[string]string{
		// An entity with its relationships, their ends and evidence: what the playground and
		// the notebook ask most.
		"typical": `{"query":"query Story($id: ID!) { entity(id: $id) { id name kind relationships(includeNegated: true, first: 20) { totalCount edges { node { type negated date from { name } to { name } evidence { excerpt article { title outlet { name } } } } } } } }","variables":{"id":"mexico"}}`,
		// The HTTP layer's own cost, with next to nothing to execute.
		"minimal": `{"query":"{ __typename }"}`,
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
					b.Fatalf("got %d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
