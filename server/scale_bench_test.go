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
// are what grew with the graph). Both graphs are loaded first and each request is then
// measured on one right after the other (BenchmarkScale/<request>/<size>), so that the
// two sides of a ratio see the same load on a shared machine.
//
// DOSSIER_SCALE_STORE=neo4j measures Neo4j instead of the embedded store: the graphs need
// a test server each, DOSSIER_SCALE_NEO4J_URIS="<small>,<big>" (a server that already
// holds its graph is not loaded again).
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
	var uris []string
	if os.Getenv("DOSSIER_SCALE_STORE") == "neo4j" {
		if uris = strings.Split(os.Getenv("DOSSIER_SCALE_NEO4J_URIS"), ","); len(uris) != 2 {
			b.Fatal(`DOSSIER_SCALE_STORE=neo4j needs DOSSIER_SCALE_NEO4J_URIS="<small>,<big>": one test server per graph`)
		}
	}
	var graphs []*scaleGraph
	for i, cfg := range []synth.Config{small, big} {
		var uri string
		if uris != nil {
			uri = uris[i]
		}
		graphs = append(graphs, openScaleGraph(b, cfg, uri))
	}
	for _, r := range scaleRequests {
		b.Run(r.name, func(b *testing.B) {
			for _, g := range graphs {
				b.Run(g.name, func(b *testing.B) {
					ids := g.ids(r.ids)
					b.ReportAllocs()
					i := 0
					for b.Loop() {
						id := ids[i%len(ids)]
						i++
						g.post(b, fmt.Sprintf(`{"query":%q,"variables":{"id":%q}}`, r.query, id))
					}
				})
			}
		})
	}
	b.Run("IngestArticle", func(b *testing.B) {
		for _, g := range graphs {
			b.Run(g.name, g.benchIngest)
		}
	})
}

// scaleRequests are the GraphQL requests BenchmarkScale sends; ids names the ids that
// fill $id (see scaleGraph.ids).
var scaleRequests = []struct{ name, query, ids string }{
	{"Q1EntityOut50", `query($id: ID!) { entity(id: $id) { relationships(direction: OUT, first: 50) { edges { node { type summary sourceCount to { name } } } } } }`, "entities"},
	{"Q2Entities20", `query($id: String) { entities(first: 20, after: $id) { edges { node { id name kind } } } }`, "cursors"},
	{"ArticleRelationships", `query($id: ID!) { article(id: $id) { relationships(includeNegated: true) { id type from { name } to { name } } } }`, "articles"},
	{"Neighborhood2Hop", `query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 100) { nodes { id } edges { id } } }`, "entities"},
}

// scaleGraph is one loaded graph and the handler serving it.
type scaleGraph struct {
	name    string
	store   graph.Store
	info    synth.Info
	h       http.Handler
	cursors []string // Q2 pages start at cursors spread over the first 500 entities
}

func openScaleGraph(b *testing.B, cfg synth.Config, neo4jURI string) *scaleGraph {
	g := &scaleGraph{name: fmt.Sprintf("%dk-%dk", cfg.Entities/1000, cfg.Relationships/1000)}
	if cfg.Copies > 1 {
		g.name = fmt.Sprintf("%dx%s", cfg.Copies, g.name)
	}
	if neo4jURI != "" {
		g.store, g.info = neo4jtest.OpenLoaded(b, neo4jURI, cfg)
	} else {
		store, err := bolt.Open(b.Context(), b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = store.Close() })
		if g.info, err = synth.Load(b.Context(), store, cfg); err != nil {
			b.Fatal(err)
		}
		g.store = store
	}
	exec, err := resolvers.New(g.store, resolvers.Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(g.store, exec, server.Config{Addr: "127.0.0.1:0", WriteToken: testToken})
	if err != nil {
		b.Fatal(err)
	}
	g.h = srv.Handler()
	var first struct {
		Data struct {
			Entities struct{ Edges []struct{ Cursor string } }
		}
	}
	if err := json.Unmarshal(g.post(b, `{"query":"{ entities(first: 500) { edges { cursor } } }"}`), &first); err != nil {
		b.Fatal(err)
	}
	for _, e := range first.Data.Entities.Edges {
		g.cursors = append(g.cursors, e.Cursor)
	}
	return g
}

func (g *scaleGraph) ids(which string) []string {
	switch which {
	case "entities":
		return g.info.Sample
	case "articles":
		return g.info.ArticleIDs
	}
	return g.cursors
}

func (g *scaleGraph) post(b *testing.B, body string) []byte {
	req := httptest.NewRequestWithContext(b.Context(), http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	g.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
		b.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

func (g *scaleGraph) benchIngest(b *testing.B) {
	ctx := b.Context()
	x, err := extract.New()
	if err != nil {
		b.Fatal(err)
	}
	in := ingest.New(x, g.store)
	ents, err := g.store.EntitiesByID(ctx, g.info.Sample[:64])
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
}
