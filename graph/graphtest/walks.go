package graphtest

import (
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

func (s suite) testNeighborhood(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	cases := []struct {
		name         string
		q            graph.NeighborhoodQuery
		nodes, edges []string
	}{
		{"depth 1, induced edges", graph.NeighborhoodQuery{Center: mexicoGov},
			[]string{mexicoGov, amlo, ebrard, usGov},
			[]string{rAccused, rDenied, rEbrard, rLeads, rRequested, rWarned}},
		{"negated included", graph.NeighborhoodQuery{Center: mexicoGov, RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}},
			[]string{mexicoGov, amlo, ebrard, diplomats, usGov},
			[]string{rAccused, rDenied, rEbrard, rExpelled, rLeads, rRequested, rWarned}},
		{"depth 2 with negated", graph.NeighborhoodQuery{Center: mexicoGov, Depth: 2, RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}},
			[]string{mexicoGov, amlo, ebrard, diplomats, usGov, russiaGov},
			[]string{rAccused, rDenied, rDiplomats, rEbrard, rExpelled, rLeads, rRequested, rWarned}},
		{"depth 3 reaches gru", graph.NeighborhoodQuery{Center: mexicoGov, Depth: 3, RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}},
			[]string{mexicoGov, amlo, ebrard, diplomats, usGov, russiaGov, gru},
			[]string{rAccused, rDenied, rDiplomats, rEbrard, rExpelled, rGRU, rLeads, rRequested, rWarned}},
		{"limit keeps the nearest, ties by id", graph.NeighborhoodQuery{Center: mexicoGov, Limit: 2},
			[]string{mexicoGov, amlo}, []string{rLeads}},
		{"types filter", graph.NeighborhoodQuery{Center: usGov, Depth: 2, RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{graph.Warned, graph.MemberOf}}},
			[]string{usGov, mexicoGov, ebrard}, []string{rEbrard, rWarned}},
		{"date filter", graph.NeighborhoodQuery{Center: usGov, Depth: 2, RelationshipFilter: graph.RelationshipFilter{Since: "2022-04"}},
			[]string{usGov, amlo, mexicoGov}, []string{rAccused, rDenied}},
		{"min sources", graph.NeighborhoodQuery{Center: usGov, RelationshipFilter: graph.RelationshipFilter{MinSources: 2}},
			[]string{usGov, mexicoGov}, []string{rWarned}},
		{"About is not followed, no To leads nowhere", graph.NeighborhoodQuery{Center: sherwood, Depth: 3},
			[]string{sherwood}, nil},
		{"from a leaf", graph.NeighborhoodQuery{Center: gru, Depth: 2},
			[]string{gru, russiaGov, diplomats}, []string{rDiplomats, rGRU}},
	}
	for _, c := range cases {
		sub := must(st.Neighborhood(ctx, c.q))(t)
		sameIDs(t, "neighbourhood nodes, "+c.name, entityIDs(sub.Nodes), c.nodes)
		sameIDs(t, "neighbourhood edges, "+c.name, relIDs(sub.Edges), c.edges)
		for _, e := range sub.Nodes {
			sameEntity(t, "neighbourhood node "+e.ID, e, fixtureEntity(e.ID))
		}
		for _, r := range sub.Edges {
			sameRel(t, "neighbourhood edge "+r.ID, r, fixtureRel(r.ID))
		}
	}
	_, err := st.Neighborhood(ctx, graph.NeighborhoodQuery{Center: "ghost"})
	wantCode(t, "neighbourhood of a missing entity", err, graph.ENOTFOUND)
	for name, q := range map[string]graph.NeighborhoodQuery{
		"depth too big": {Center: usGov, Depth: graph.MaxDepth + 1},
		"limit too big": {Center: usGov, Limit: graph.MaxNodeLimit + 1},
		"negative":      {Center: usGov, Depth: -1},
		"bad type":      {Center: usGov, RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{"X"}}},
	} {
		_, err := st.Neighborhood(ctx, q)
		wantCode(t, "neighbourhood with "+name, err, graph.EINVALID)
	}
}

func pathEdges(ps []graph.Path) [][]string {
	out := make([][]string, len(ps))
	for i, p := range ps {
		out[i] = relIDs(p.Edges)
	}
	return out
}

func (s suite) testPaths(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	cases := []struct {
		name  string
		q     graph.PathQuery
		paths [][]string // edge ids of each path, in order
	}{
		{"all shortest, direct", graph.PathQuery{From: usGov, To: mexicoGov},
			[][]string{{rDenied}, {rRequested}, {rWarned}}},
		{"undirected, two hops, ordered by edge ids", graph.PathQuery{From: ebrard, To: usGov},
			[][]string{{rEbrard, rDenied}, {rEbrard, rRequested}, {rEbrard, rWarned}}},
		{"reverse direction", graph.PathQuery{From: usGov, To: ebrard},
			[][]string{{rDenied, rEbrard}, {rRequested, rEbrard}, {rWarned, rEbrard}}},
		{"types filter", graph.PathQuery{From: ebrard, To: usGov, RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{graph.MemberOf, graph.Warned}}},
			[][]string{{rEbrard, rWarned}}},
		{"unreachable without negated", graph.PathQuery{From: amlo, To: russiaGov}, nil},
		{"through a negated edge", graph.PathQuery{From: amlo, To: russiaGov, RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}},
			[][]string{{rLeads, rExpelled, rDiplomats}}},
		{"too far for maxDepth", graph.PathQuery{From: amlo, To: russiaGov, MaxDepth: 2, RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}}, nil},
		{"About is not an edge", graph.PathQuery{From: usGov, To: gru}, nil},
		{"from an entity to itself: the entity alone", graph.PathQuery{From: amlo, To: amlo}, [][]string{{}}},
		{"date filter reroutes", graph.PathQuery{From: amlo, To: mexicoGov, RelationshipFilter: graph.RelationshipFilter{Since: "2022"}},
			[][]string{{rAccused, rDenied}, {rAccused, rRequested}, {rAccused, rWarned}}},
	}
	for _, c := range cases {
		ps := must(st.Paths(ctx, c.q))(t)
		got := pathEdges(ps)
		if len(got) != len(c.paths) {
			t.Errorf("paths %s: got %q, want %q", c.name, got, c.paths)
			continue
		}
		for i := range got {
			sameIDs(t, "path edges, "+c.name, got[i], c.paths[i])
		}
		for _, p := range ps {
			if len(p.Nodes) != len(p.Edges)+1 || p.Nodes[0].ID != c.q.From || p.Nodes[len(p.Nodes)-1].ID != c.q.To {
				t.Errorf("paths %s: malformed path nodes %q for edges %q", c.name, entityIDs(p.Nodes), relIDs(p.Edges))
				continue
			}
			for i, e := range p.Edges {
				a, b := p.Nodes[i].ID, p.Nodes[i+1].ID
				if !(e.From == a && e.To == b || e.From == b && e.To == a) {
					t.Errorf("paths %s: edge %v does not join %s and %s", c.name, e, a, b)
				}
				sameRel(t, "path edge "+e.ID, e, fixtureRel(e.ID))
			}
		}
	}
	_, err := st.Paths(ctx, graph.PathQuery{From: usGov, To: "ghost"})
	wantCode(t, "path to a missing entity", err, graph.ENOTFOUND)
	_, err = st.Paths(ctx, graph.PathQuery{From: usGov, To: mexicoGov, MaxDepth: graph.MaxDepth + 1})
	wantCode(t, "path with maxDepth too big", err, graph.EINVALID)
}

func (s suite) testTimeline(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	cases := []struct {
		name string
		q    graph.TimelineQuery
		want []string
	}{
		// rRequested (2022-03-01) and rWarned (2022-03) start on the same day: id breaks the tie.
		{"all dated, undated left out", graph.TimelineQuery{},
			[]string{rEbrard, rGRU, rRequested, rWarned, rBriefing, rDenied, rAccused}},
		{"entity, negated included", graph.TimelineQuery{Entity: mexicoGov, RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}},
			[]string{rEbrard, rRequested, rWarned, rDenied, rExpelled}},
		{"since", graph.TimelineQuery{RelationshipFilter: graph.RelationshipFilter{Since: "2022-04"}},
			[]string{rDenied, rAccused}},
		{"types", graph.TimelineQuery{RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{graph.Warned}}},
			[]string{rWarned, rBriefing}},
	}
	for _, c := range cases {
		got := must(st.Timeline(ctx, c.q))(t)
		sameIDs(t, "timeline "+c.name, relIDs(got), c.want)
		for _, r := range got {
			sameRel(t, "timeline item "+r.ID, r, fixtureRel(r.ID))
		}
	}
	_, err := st.Timeline(ctx, graph.TimelineQuery{Entity: "ghost"})
	wantCode(t, "timeline of a missing entity", err, graph.ENOTFOUND)
}

func (s suite) testTimelinePages(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	page := func(q graph.TimelineQuery) []string { return relIDs(must(st.Timeline(ctx, q))(t)) }
	mexico := graph.TimelineQuery{Entity: mexicoGov, RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}}
	// rRequested and rWarned start on the same day: the cursor between them is the id.
	sameIDs(t, "first page", page(graph.TimelineQuery{Page: graph.Page{First: 3}}), []string{rEbrard, rGRU, rRequested})
	sameIDs(t, "after a tie", page(graph.TimelineQuery{Page: graph.Page{First: 2, After: rRequested}}), []string{rWarned, rBriefing})
	sameIDs(t, "after the last", page(graph.TimelineQuery{Page: graph.Page{After: rAccused}}), nil)
	mexico.Page = graph.Page{First: 2, After: rRequested}
	sameIDs(t, "entity page", page(mexico), []string{rWarned, rDenied})
	// The cursor's place is its date, so it may lie outside the filter.
	sameIDs(t, "cursor outside the filter", page(graph.TimelineQuery{RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{graph.Warned}}, Page: graph.Page{After: rGRU}}), []string{rWarned, rBriefing})
	sameIDs(t, "until stops the page", page(graph.TimelineQuery{RelationshipFilter: graph.RelationshipFilter{Until: "2022-03"}}), []string{rEbrard, rGRU, rRequested, rWarned, rBriefing})

	for name, q := range map[string]graph.TimelineQuery{
		"after an unknown id":  {Page: graph.Page{After: "ghost"}},
		"after an undated one": {Page: graph.Page{After: rLeads}},
	} {
		_, err := st.Timeline(ctx, q)
		wantCode(t, "timeline "+name, err, graph.ENOTFOUND)
	}
	_, err := st.Timeline(ctx, graph.TimelineQuery{Page: graph.Page{First: graph.MaxPageSize + 1}})
	wantCode(t, "timeline page too big", err, graph.EINVALID)

	// A write that moves a relationship's date moves it in the timeline; a deleted one leaves it.
	moved := fixtureRel(rWarned)
	moved.Date = "2017"
	must(st.Apply(ctx, graph.Batch{Relationships: []graph.Relationship{moved}}))(t)
	sameIDs(t, "after a date moved", page(graph.TimelineQuery{Page: graph.Page{First: 2}}), []string{rWarned, rEbrard})
	if err := st.DeleteRelationship(ctx, rWarned); err != nil {
		t.Fatal(err)
	}
	sameIDs(t, "after a deletion", page(graph.TimelineQuery{Page: graph.Page{First: 2}}), []string{rEbrard, rGRU})
	_, err = st.Timeline(ctx, graph.TimelineQuery{Page: graph.Page{After: rWarned}})
	wantCode(t, "timeline after a deleted relationship", err, graph.ENOTFOUND)
}
