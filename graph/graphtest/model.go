package graphtest

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/synth"
)

// model is a plain reference implementation of the read semantics, over a batch held in
// memory: slow, obvious, and independent of any store.
type model struct {
	entities map[string]graph.Entity
	rels     []graph.Relationship // sorted by id, SourceCount computed
}

func newModel(b graph.Batch) model {
	m := model{entities: map[string]graph.Entity{}}
	outlet := map[string]string{}
	for _, a := range b.Articles {
		outlet[a.ID] = a.Outlet
	}
	for _, e := range b.Entities {
		m.entities[e.ID] = e
	}
	for _, r := range b.Relationships {
		r.Evidence = graph.MergeEvidence(nil, r.Evidence)
		r.SourceCount = graph.CountSources(r.Evidence, func(a string) string { return outlet[a] })
		m.rels = append(m.rels, r)
	}
	slices.SortFunc(m.rels, func(a, b graph.Relationship) int { return cmp.Compare(a.ID, b.ID) })
	return m
}

func (m model) list(q graph.RelationshipQuery) []string {
	var ids []string
	for _, r := range m.rels {
		if q.Match(r) {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// adjacent returns the matching relationships joining id to another entity, by id.
func (m model) adjacent(id string, f graph.RelationshipFilter) []graph.Relationship {
	var out []graph.Relationship
	for _, r := range m.rels {
		if r.To != "" && r.From != r.To && (r.From == id || r.To == id) && f.Match(r) {
			out = append(out, r)
		}
	}
	return out
}

func other(r graph.Relationship, id string) string {
	if r.From == id {
		return r.To
	}
	return r.From
}

func (m model) neighborhood(q graph.NeighborhoodQuery) (nodes, edges []string) {
	dist := map[string]int{q.Center: 0}
	nodes = []string{q.Center}
	level := []string{q.Center}
	for d := 1; d <= q.Depth && len(nodes) < q.Limit; d++ {
		var next []string
		for _, id := range level {
			for _, r := range m.adjacent(id, q.RelationshipFilter) {
				if n := other(r, id); !slices.Contains(next, n) {
					if _, seen := dist[n]; !seen {
						next = append(next, n)
					}
				}
			}
		}
		slices.Sort(next)
		next = next[:min(len(next), q.Limit-len(nodes))]
		for _, n := range next {
			dist[n] = d
		}
		nodes = append(nodes, next...)
		level = next
	}
	for _, r := range m.rels {
		_, from := dist[r.From]
		_, to := dist[r.To]
		if r.To != "" && from && to && q.RelationshipFilter.Match(r) {
			edges = append(edges, r.ID)
		}
	}
	return nodes, edges
}

// distances returns every entity's hop count from start over matching relationships.
func (m model) distances(start string, f graph.RelationshipFilter) map[string]int {
	dist := map[string]int{start: 0}
	queue := []string{start}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, r := range m.adjacent(id, f) {
			if n := other(r, id); !has(dist, n) {
				dist[n] = dist[id] + 1
				queue = append(queue, n)
			}
		}
	}
	return dist
}

func has(m map[string]int, k string) bool { _, ok := m[k]; return ok }

// paths returns the edge ids of every shortest path, sorted; ok is false when there are
// too many to list.
func (m model) paths(q graph.PathQuery) (paths [][]string, ok bool) {
	fromDist, toDist := m.distances(q.From, q.RelationshipFilter), m.distances(q.To, q.RelationshipFilter)
	length, reachable := fromDist[q.To]
	if !reachable || length > q.MaxDepth {
		return nil, true
	}
	var walk func(at string, edges []string) bool
	walk = func(at string, edges []string) bool {
		if at == q.To {
			paths = append(paths, slices.Clone(edges))
			return len(paths) < 5000
		}
		for _, r := range m.adjacent(at, q.RelationshipFilter) {
			n := other(r, at)
			if has(toDist, n) && fromDist[at]+1+toDist[n] == length && !walk(n, append(edges, r.ID)) {
				return false
			}
		}
		return true
	}
	if !walk(q.From, nil) {
		return nil, false
	}
	slices.SortFunc(paths, slices.Compare)
	return paths[:min(len(paths), graph.MaxPaths)], true
}

func (m model) timeline(q graph.TimelineQuery) []string {
	var rs []graph.Relationship
	for _, r := range m.rels {
		if r.Date != "" && (q.Entity == "" || r.From == q.Entity || r.To == q.Entity) && q.RelationshipFilter.Match(r) {
			rs = append(rs, r)
		}
	}
	slices.SortStableFunc(rs, func(a, b graph.Relationship) int { return cmp.Compare(a.Date.Start(), b.Date.Start()) })
	return relIDs(rs)
}

// randomFilter draws a filter that keeps a fair share of a synthetic graph.
func randomFilter(r *rand.Rand) graph.RelationshipFilter {
	var f graph.RelationshipFilter
	if r.IntN(3) == 0 {
		for _, t := range graph.RelationTypes {
			if r.IntN(2) == 0 {
				f.Types = append(f.Types, t)
			}
		}
	}
	if r.IntN(4) == 0 {
		f.Since = graph.PartialDate(fmt.Sprint(1995 + r.IntN(30)))
	}
	if r.IntN(4) == 0 {
		f.Until = graph.PartialDate(fmt.Sprintf("%d-%02d", 2000+r.IntN(26), 1+r.IntN(12)))
	}
	f.MinSources = max(0, r.IntN(5)-2)
	f.IncludeNegated = r.IntN(2) == 0
	return f
}

// testAgainstModel loads a random synthetic graph and compares the store's answers to the
// reference model's, over many random queries.
func (s suite) testAgainstModel(t *testing.T) {
	st, ctx := s.empty(t), t.Context()
	b := synth.Generate(42, 80, 400)
	must(st.Apply(ctx, b))(t)
	m := newModel(b)
	r := rand.New(rand.NewPCG(42, 1))
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range m.entities {
			if !yield(id) {
				return
			}
		}
	})
	entity := func() string { return ids[r.IntN(len(ids))] }
	for i := range 75 {
		q := graph.RelationshipQuery{RelationshipFilter: randomFilter(r)}
		switch i % 5 {
		case 4:
			q.Article = b.Articles[r.IntN(len(b.Articles))].ID
			if i%2 == 0 {
				q.Entity = entity()
			}
		case 1:
			q.Entity, q.Direction = entity(), []graph.Direction{graph.Out, graph.In, graph.Both}[r.IntN(3)]
		case 2:
			q.From = entity()
		case 3:
			q.To = entity()
		}
		got := allRels(t, st, q, 1+r.IntN(40))
		want := m.list(q)
		sameIDs(t, fmt.Sprintf("list %+v", q), relIDs(got), want)
		p := must(st.ListRelationships(ctx, q))(t)
		if p.TotalCount != len(want) {
			t.Errorf("list %+v: TotalCount %d, want %d", q, p.TotalCount, len(want))
		}
		for _, rel := range got {
			if i := slices.IndexFunc(m.rels, func(x graph.Relationship) bool { return x.ID == rel.ID }); i >= 0 {
				sameRel(t, "listed "+rel.ID, rel, m.rels[i])
			}
		}
	}
	for range 40 {
		q := graph.NeighborhoodQuery{Center: entity(), Depth: 1 + r.IntN(3), Limit: 1 + r.IntN(40), RelationshipFilter: randomFilter(r)}
		sub := must(st.Neighborhood(ctx, q))(t)
		nodes, edges := m.neighborhood(q)
		sameIDs(t, fmt.Sprintf("neighbourhood nodes %+v", q), entityIDs(sub.Nodes), nodes)
		sameIDs(t, fmt.Sprintf("neighbourhood edges %+v", q), relIDs(sub.Edges), edges)
	}
	checked := 0
	for range 80 {
		q := graph.PathQuery{From: entity(), To: entity(), MaxDepth: 1 + r.IntN(4), RelationshipFilter: randomFilter(r)}
		if q.From == q.To {
			continue
		}
		want, ok := m.paths(q)
		if !ok {
			continue
		}
		checked++
		got := pathEdges(must(st.Paths(ctx, q))(t))
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("paths %+v:\n got  %q\n want %q", q, got, want)
		}
	}
	if checked < 40 {
		t.Errorf("only %d path queries checked", checked)
	}
	for i := range 20 {
		q := graph.TimelineQuery{RelationshipFilter: randomFilter(r)}
		if i%2 == 1 {
			q.Entity = entity()
		}
		// Paged through with a small page size, the pages join into the model's timeline.
		q.Page.First = 1 + r.IntN(40)
		var got []string
		for {
			ids := relIDs(must(st.Timeline(ctx, q))(t))
			got = append(got, ids...)
			if len(ids) < q.Page.First {
				break
			}
			q.Page.After = ids[len(ids)-1]
		}
		q.Page.After = ""
		sameIDs(t, fmt.Sprintf("timeline %+v", q), got, m.timeline(q))
	}
	for range 30 {
		e := m.entities[entity()]
		words := []rune(graph.Fold(e.Name))
		text := string(words[:1+r.IntN(len(words))])
		var want []graph.Entity
		for _, x := range m.entities {
			if graph.MatchScore(text, x) > 0 {
				want = append(want, x)
			}
		}
		slices.SortFunc(want, func(a, b graph.Entity) int {
			return cmp.Or(cmp.Compare(graph.MatchScore(text, b), graph.MatchScore(text, a)), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
		})
		got := must(st.SearchEntities(ctx, graph.SearchQuery{Text: text, Limit: graph.MaxSearch}))(t)
		sameIDs(t, "search "+text, entityIDs(got), entityIDs(want[:min(len(want), graph.MaxSearch)]))
	}
}
