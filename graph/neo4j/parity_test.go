package neo4j_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
	"github.com/dossiergraph/dossier/graph/synth"
)

// TestParityWithBolt loads the same synthetic graph into this store and the embedded one
// and asks both the same questions: Neo4j's Cypher (shortest-path search, full-text
// candidates, index-ordered pages) must give exactly the embedded store's answers.
func TestParityWithBolt(t *testing.T) {
	n4j := neo4jtest.OpenStore(t)
	ctx := testContext(t)
	embedded, err := bolt.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = embedded.Close() })
	cfg := synth.Config{Seed: 7, Entities: 400, Relationships: 1500, Chunk: 700}
	info, err := synth.Load(ctx, n4j, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := synth.Load(ctx, embedded, cfg); err != nil {
		t.Fatal(err)
	}

	same := func(what string, call func(s graph.Store) (any, error)) {
		t.Helper()
		want, werr := call(embedded)
		got, gerr := call(n4j)
		if graph.ErrorCode(gerr) != graph.ErrorCode(werr) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n neo4j    %v %+v\n embedded %v %+v", what, gerr, got, werr, want)
		}
	}
	var pathsFound, nodesFound int
	same("stats", func(s graph.Store) (any, error) { return s.Stats(ctx) })
	filters := []graph.RelationshipFilter{
		{},
		{IncludeNegated: true, Since: "2019", Until: "2021-06"},
		{Types: []graph.RelationType{graph.Warned, graph.MemberOf, graph.Denied}, MinSources: 1},
	}
	samples := info.Sample[:min(len(info.Sample), 12)]
	for fi, f := range filters {
		for i, id := range samples {
			other := samples[(i*5+3)%len(samples)]
			same(fmt.Sprintf("neighbourhood %s filter %d", id, fi), func(s graph.Store) (any, error) {
				sub, err := s.Neighborhood(ctx, graph.NeighborhoodQuery{Center: id, Depth: 2, Limit: 40, RelationshipFilter: f})
				nodesFound += len(sub.Nodes)
				return sub, err
			})
			same(fmt.Sprintf("paths %s→%s filter %d", id, other, fi), func(s graph.Store) (any, error) {
				paths, err := s.Paths(ctx, graph.PathQuery{From: id, To: other, MaxDepth: 4, RelationshipFilter: f})
				pathsFound += len(paths)
				return paths, err
			})
			same(fmt.Sprintf("timeline %s filter %d", id, fi), func(s graph.Store) (any, error) {
				return s.Timeline(ctx, graph.TimelineQuery{Entity: id, RelationshipFilter: f})
			})
			same(fmt.Sprintf("relationships of %s filter %d", id, fi), func(s graph.Store) (any, error) {
				return s.ListRelationships(ctx, graph.RelationshipQuery{Entity: id, RelationshipFilter: f, Page: graph.Page{First: 7}})
			})
			same(fmt.Sprintf("articles of %s", id), func(s graph.Store) (any, error) {
				return s.ListArticles(ctx, graph.ArticleQuery{Entity: id, Page: graph.Page{First: 5}})
			})
		}
		for _, after := range info.RelationshipIDs[:5] {
			same(fmt.Sprintf("relationship page after %s filter %d", after, fi), func(s graph.Store) (any, error) {
				return s.ListRelationships(ctx, graph.RelationshipQuery{RelationshipFilter: f, Page: graph.Page{First: 25, After: after}})
			})
		}
	}
	for _, term := range info.SearchTerms[:min(len(info.SearchTerms), 20)] {
		same("search "+term, func(s graph.Store) (any, error) {
			return s.SearchEntities(ctx, graph.SearchQuery{Text: term, Limit: 30})
		})
	}
	same("entities page", func(s graph.Store) (any, error) {
		return s.ListEntities(ctx, graph.EntityQuery{Kind: graph.Person, Page: graph.Page{First: 30, After: samples[0]}})
	})
	// Equal answers prove little if they are all empty.
	if pathsFound == 0 || nodesFound <= 2*len(filters)*len(samples) {
		t.Errorf("the questions found %d paths and %d neighbourhood nodes: the synthetic graph is too sparse to compare", pathsFound, nodesFound)
	}
}
