package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/extract"
	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/graph/graphtest"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
	"github.com/dossiergraph/dossier/graph/synth"
	"github.com/dossiergraph/dossier/ingest"
	"github.com/dossiergraph/dossier/resolvers"
	"github.com/dossiergraph/dossier/server"
)

// BenchmarkScale runs the same requests on two synthetic graphs, a tenth of BenchConfig and
// BenchConfig itself (10k/50k and 100k/500k entities/relationships; a tenth of each under
// -short), so that the per-request cost can be compared across a tenfold growth: what a
// request costs must follow its answer, not the graph. Q1 is an entity with its outgoing
// relationships, Q2 a page of entities, then an article's relationships, a 2-hop
// neighbourhood, and ingesting one article (a dry run: extraction and name look-ups, which
// are what grew with the graph; the write is one small Apply). DOSSIER_SCALE_STORE=neo4j
// measures Neo4j (the test server of DOSSIER_NEO4J_URI) instead of the embedded store.
//
// In synth's graphs the biggest hubs grow with the graph (as the power of the rank law
// says: tenfold the entities, about four times the relationships of the top hub), and a
// neighbourhood through a hub reads the hub's relationships to find its nearest nodes.
// DOSSIER_SCALE_GROWTH=copies makes the big graph ten disjoint copies of the small one
// instead (synth.Config.Copies), where every request asks the same of the first copy: a
// request that still costs more there pays for the size of the graph, not of its answer.
func BenchmarkScale(b *testing.B) {
	big := graphtest.BenchConfig(b)
	small := big
	small.Entities, small.Relationships = big.Entities/10, big.Relationships/10
	switch growth := os.Getenv("DOSSIER_SCALE_GROWTH"); growth {
	case "":
	case "copies":
		big = small
		big.Copies = 10
	default:
		b.Fatalf("DOSSIER_SCALE_GROWTH=%q: want copies or nothing", growth)
	}
	for _, cfg := range []synth.Config{small, big} {
		name := fmt.Sprintf("%dk-%dk", cfg.Entities/1000, cfg.Relationships/1000)
		if cfg.Copies > 1 {
			name = fmt.Sprintf("%dx%s", cfg.Copies, name)
		}
		b.Run(name, func(b *testing.B) {
			benchScale(b, cfg)
		})
	}
}

// openScaleStore returns the store DOSSIER_SCALE_STORE names ("bolt", the default, or
// "neo4j") holding the graph cfg describes; the benchmark closes it.
func openScaleStore(b *testing.B, cfg synth.Config) (graph.Store, synth.Info) {
	switch kind := os.Getenv("DOSSIER_SCALE_STORE"); kind {
	case "", "bolt":
		store, err := bolt.Open(b.Context(), b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = store.Close() })
		info, err := synth.Load(b.Context(), store, cfg)
		if err != nil {
			b.Fatal(err)
		}
		return store, info
	case "neo4j":
		return neo4jtest.OpenLoaded(b, cfg)
	default:
		b.Fatalf("DOSSIER_SCALE_STORE=%q: want bolt or neo4j", kind)
		return nil, synth.Info{}
	}
}

func benchScale(b *testing.B, cfg synth.Config) {
	ctx := b.Context()
	store, info := openScaleStore(b, cfg)
	exec, err := resolvers.New(store, resolvers.Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(store, exec, server.Config{Addr: "127.0.0.1:0", WriteToken: testToken})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	post := func(b *testing.B, body string) []byte {
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
			b.Fatalf("got %d %s", rec.Code, rec.Body)
		}
		return rec.Body.Bytes()
	}
	// Q2 pages start at cursors spread over the first 500 entities.
	var first struct {
		Data struct {
			Entities struct{ Edges []struct{ Cursor string } }
		}
	}
	if err := json.Unmarshal(post(b, `{"query":"{ entities(first: 500) { edges { cursor } } }"}`), &first); err != nil {
		b.Fatal(err)
	}
	var cursors []string
	for _, e := range first.Data.Entities.Edges {
		cursors = append(cursors, e.Cursor)
	}
	requests := map[string]struct {
		query string
		ids   []string
	}{
		"Q1EntityOut50":        {`query($id: ID!) { entity(id: $id) { relationships(direction: OUT, first: 50) { edges { node { type summary sourceCount to { name } } } } } }`, info.Sample},
		"Q2Entities20":         {`query($id: String) { entities(first: 20, after: $id) { edges { node { id name kind } } } }`, cursors},
		"ArticleRelationships": {`query($id: ID!) { article(id: $id) { relationships(includeNegated: true) { id type from { name } to { name } } } }`, info.ArticleIDs},
		"Neighborhood2Hop":     {`query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 100) { nodes { id } edges { id } } }`, info.Sample},
	}
	for name, r := range requests {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				id := r.ids[i%len(r.ids)]
				i++
				post(b, fmt.Sprintf(`{"query":%q,"variables":{"id":%q}}`, r.query, id))
			}
		})
	}
	b.Run("IngestArticle", func(b *testing.B) {
		x, err := extract.New()
		if err != nil {
			b.Fatal(err)
		}
		in := ingest.New(x, store)
		ents, err := store.EntitiesByID(ctx, info.Sample[:64])
		if err != nil {
			b.Fatal(err)
		}
		var names []string
		for _, e := range ents {
			if e.Kind == graph.Person || e.Kind == graph.Government {
				names = append(names, e.Name)
			}
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			a, c := names[i%len(names)], names[(i+1)%len(names)]
			i++
			text := fmt.Sprintf("%s warned %s about the deal on Monday, officials said. %s denied the claim. "+
				"Later %s accused %s of lying to reporters in the capital.", a, c, c, a, c)
			if _, err := in.Ingest(ctx, ingest.Article{Text: text, Title: "Bench", Outlet: "Reuters", Published: "2024-05-01"}, true); err != nil {
				b.Fatal(err)
			}
		}
	})
}
