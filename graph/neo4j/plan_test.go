package neo4j_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/neo4j"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
	"github.com/dossiergraph/dossier/graph/synth"
)

// The reads behind the bench's two questions, a page of entities after an id and an
// entity's relationships with their ends, must be served from indexes: no scan of a label
// or a type, and a number of database hits bounded by the page, not the graph.
func TestBenchReadsUseIndexes(t *testing.T) {
	s := neo4jtest.OpenStore(t)
	ctx := slowContext(t)
	const entities = 3000
	info, err := synth.Load(ctx, s, synth.Config{Seed: 5, Entities: entities, Relationships: 6000, Chunk: 3000})
	if err != nil {
		t.Fatal(err)
	}
	// bound is the most database hits a read may take: some per item of the page, plus a
	// few per relationship an entity's page must sort.
	type read struct {
		name   string
		cypher string
		params map[string]any
		bound  int64
	}
	var reads []read
	for _, q := range []graph.EntityQuery{
		{Page: graph.Page{First: 20, After: info.Sample[0], SkipTotal: true}},
		{Page: graph.Page{First: 20, After: info.Sample[1]}}, // the total from the count store
		{Kind: graph.Person, Page: graph.Page{First: 20, After: info.Sample[2], SkipTotal: true}},
		// The rarest kind: filtering every entity by kind would read most of the graph.
		{Kind: graph.Outlet, Page: graph.Page{First: 20, SkipTotal: true}},
	} {
		cypher, params, err := neo4j.EntityPageQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		reads = append(reads, read{"entity page " + string(q.Kind), cypher, params, 20 * 40})
	}
	for _, id := range info.Hubs[:3] {
		cypher, params, err := neo4j.WithEndsQuery(graph.RelationshipQuery{Entity: id, Direction: graph.Out, Page: graph.Page{First: 50, SkipTotal: true}})
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.ListRelationships(ctx, graph.RelationshipQuery{Entity: id, Direction: graph.Out,
			RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true, Review: graph.ReviewStates}})
		if err != nil {
			t.Fatal(err)
		}
		// Projecting a relationship or an entity reads each of its properties: tens of hits.
		reads = append(reads, read{"relationships with ends of " + id, cypher, params, 200 + 40*50 + 8*int64(out.TotalCount)})
	}
	// A page of the whole graph's timeline reads at most a page per relationship type from
	// the dateStart indexes, whatever the graph's size; tens of hits per relationship read.
	tl, err := s.Timeline(ctx, graph.TimelineQuery{Page: graph.Page{First: 20}})
	if err != nil || len(tl) != 20 {
		t.Fatalf("timeline page: %d relationships, %v", len(tl), err)
	}
	last := tl[len(tl)-1]
	for name, after := range map[string][2]string{"first": {"", ""}, "after a cursor": {last.Date.Start(), last.ID}} {
		cypher, params, err := neo4j.TimelineQuery(graph.TimelineQuery{Page: graph.Page{First: 20, After: after[1]}}, after[0])
		if err != nil {
			t.Fatal(err)
		}
		reads = append(reads, read{"timeline page, " + name, cypher, params, 200 + 40*20*int64(len(graph.RelationTypes))})
	}
	for _, r := range reads {
		ops, err := neo4j.Profile(ctx, s, r.cypher, r.params)
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		var hits int64
		var names []string
		for _, op := range ops {
			hits += op.DbHits
			names = append(names, op.Name)
			if strings.Contains(op.Name, "Scan") && !strings.Contains(op.Name, "Index") {
				t.Errorf("%s: plan scans (%s): %v", r.name, op.Name, names)
			}
		}
		if hits == 0 || r.bound > 0 && hits > r.bound {
			t.Errorf("%s: %d database hits for one page (plan %v)", r.name, hits, names)
		}
		t.Logf("%s: %d db hits (at most %d)", r.name, hits, r.bound)
	}
}

// slowContext bounds a test that loads a synthetic graph: on a loaded machine that takes
// minutes, not testContext's one.
func slowContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
