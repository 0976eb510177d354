package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkPostGraphQL measures POST /graphql through the whole handler (middleware, body
// reading, execution, encoding) over the embedded store.
func BenchmarkPostGraphQL(b *testing.B) {
	ctx := b.Context()
	_, h := fixtureHandler(b)
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
