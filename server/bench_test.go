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

// BenchmarkPostGraphQL measures a typical POST /graphql, an entity with its relationships
// and their evidence, through the whole handler over the embedded store.
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
	const body = `{"query":"query Story($id: ID!) { entity(id: $id) { id name kind relationships(includeNegated: true, first: 20) { totalCount edges { node { type negated date from { name } to { name } evidence { excerpt article { title outlet { name } } } } } } } }","variables":{"id":"mexico"}}`
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
}
