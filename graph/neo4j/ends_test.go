package neo4j_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
	"github.com/dossiergraph/dossier/graph/synth"
)

// ListRelationshipsWithEnds must answer ListRelationships' page and, for the ends, exactly
// what EntitiesByID gives for the page's From and To and the query's anchors.
func TestListRelationshipsWithEndsMatchesTheirParts(t *testing.T) {
	s := neo4jtest.OpenStore(t)
	ctx := slowContext(t)
	info, err := synth.Load(ctx, s, synth.Config{Seed: 3, Entities: 120, Relationships: 500, Chunk: 500})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, story()); err != nil {
		t.Fatal(err)
	}
	hub, other := info.Sample[0], info.Sample[1]
	queries := []graph.RelationshipQuery{
		{Entity: hub, Direction: graph.Out, Page: graph.Page{First: 50, SkipTotal: true}},
		{Entity: hub, Direction: graph.In, Page: graph.Page{First: 3}},
		{Entity: hub, Page: graph.Page{First: 2, After: info.RelationshipIDs[0]}},
		{Entity: other, RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true, Types: []graph.RelationType{graph.Warned, graph.Denied}}},
		{From: hub, To: other},
		{Entity: "us", Direction: graph.Out}, // r3 has no To: its end is Unnamed, no entity
		{Article: "a2"},
		{Page: graph.Page{First: 10}}, // no anchor: the global page
		{RelationshipFilter: graph.RelationshipFilter{MinSources: 2}, Page: graph.Page{First: 5, After: info.RelationshipIDs[3]}},
		{Entity: "ghost", Direction: graph.Out}, // names nothing: an empty page, no ends
		{Entity: "gru", Direction: graph.Out},   // exists, no relationships of its own: itself
	}
	var ends int
	for i, q := range queries {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			want, err := s.ListRelationships(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			page, got, err := s.ListRelationshipsWithEnds(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(page, want) {
				t.Errorf("page\n got  %+v\n want %+v", page, want)
			}
			ids := []string{q.Entity, q.From, q.To}
			for _, r := range want.Relationships {
				ids = append(ids, r.From, r.To)
			}
			wantEnds, err := s.EntitiesByID(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, wantEnds) {
				t.Errorf("ends\n got  %v\n want %v", keys(got), keys(wantEnds))
			}
			ends += len(got)
		})
	}
	if ends < 2*len(queries) {
		t.Errorf("%d ends over %d queries: the graph is too sparse to compare", ends, len(queries))
	}
	if _, _, err := s.ListRelationshipsWithEnds(ctx, graph.RelationshipQuery{Entity: "Bad Id!"}); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("a malformed entity id gave %v, want EINVALID", err)
	}
	if _, _, err := s.ListRelationshipsWithEnds(ctx, graph.RelationshipQuery{Page: graph.Page{First: graph.MaxPageSize + 1}}); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("an oversized page gave %v, want EINVALID", err)
	}
}

func keys(m map[string]graph.Entity) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
