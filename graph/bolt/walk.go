package bolt

import (
	"cmp"
	"context"
	"slices"

	"github.com/dossiergraph/dossier/graph"
)

// step is one relationship seen from one of its ends.
type step struct {
	rel  string
	next string // the other end
}

// steps returns the matching relationships that join e to another entity, in id order.
// Relationships without a To, and loops, lead nowhere.
func (st *state) steps(e string, f graph.RelationshipFilter) []step {
	var out []step
	for _, rid := range st.touching(e) {
		r := st.rels[rid]
		if r.To == "" || r.From == r.To || !f.Match(r) {
			continue
		}
		next := r.To
		if next == e {
			next = r.From
		}
		out = append(out, step{rid, next})
	}
	return out
}

// Neighborhood implements graph.RelationshipReader.
func (s *Store) Neighborhood(ctx context.Context, q graph.NeighborhoodQuery) (graph.Subgraph, error) {
	if err := q.Normalize(); err != nil {
		return graph.Subgraph{}, err
	}
	sub := graph.Subgraph{Nodes: []graph.Entity{}, Edges: []graph.Relationship{}}
	err := s.read(ctx, func(st *state) error {
		if _, ok := st.entities[q.Center]; !ok {
			return graph.Errorf(graph.ENOTFOUND, "center entity %q does not exist", q.Center)
		}
		in := map[string]bool{q.Center: true}
		order := []string{q.Center}
		level := []string{q.Center}
		for depth := 1; depth <= q.Depth && len(order) < q.Limit && len(level) > 0; depth++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			var next []string
			for _, id := range level {
				for _, sp := range st.steps(id, q.RelationshipFilter) {
					if !in[sp.next] {
						in[sp.next] = true
						next = append(next, sp.next)
					}
				}
			}
			slices.Sort(next)
			if room := q.Limit - len(order); len(next) > room {
				for _, id := range next[room:] {
					delete(in, id)
				}
				next = next[:room]
			}
			order = append(order, next...)
			level = next
		}
		for _, id := range order {
			sub.Nodes = append(sub.Nodes, cloneEntity(st.entities[id]))
			for _, rid := range st.out[id] {
				if r := st.rels[rid]; r.To != "" && in[r.To] && q.RelationshipFilter.Match(r) {
					sub.Edges = append(sub.Edges, cloneRelationship(r))
				}
			}
		}
		return nil
	})
	slices.SortFunc(sub.Edges, func(a, b graph.Relationship) int { return cmp.Compare(a.ID, b.ID) })
	return sub, err
}

// Paths implements graph.RelationshipReader.
func (s *Store) Paths(ctx context.Context, q graph.PathQuery) ([]graph.Path, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	paths := []graph.Path{}
	err := s.read(ctx, func(st *state) error {
		for what, id := range map[string]string{"from": q.From, "to": q.To} {
			if _, ok := st.entities[id]; !ok {
				return graph.Errorf(graph.ENOTFOUND, "path %s entity %q does not exist", what, id)
			}
		}
		if q.From == q.To {
			paths = append(paths, graph.Path{Nodes: []graph.Entity{cloneEntity(st.entities[q.From])}, Edges: []graph.Relationship{}})
			return nil
		}
		toDist, length := st.distances(ctx, q)
		if length < 0 {
			return ctx.Err()
		}
		// Walk forward from From over steps that keep to a shortest path, trying edges in
		// id order so that paths come out ordered by their edges' ids.
		var nodes, edges []string
		var walk func(at string)
		walk = func(at string) {
			if len(paths) >= graph.MaxPaths {
				return
			}
			if at == q.To {
				p := graph.Path{}
				for _, id := range append(slices.Clone(nodes), at) {
					p.Nodes = append(p.Nodes, cloneEntity(st.entities[id]))
				}
				for _, id := range edges {
					p.Edges = append(p.Edges, cloneRelationship(st.rels[id]))
				}
				paths = append(paths, p)
				return
			}
			left := length - len(edges)
			for _, sp := range st.steps(at, q.RelationshipFilter) {
				if d, ok := toDist[sp.next]; ok && d == left-1 {
					nodes, edges = append(nodes, at), append(edges, sp.rel)
					walk(sp.next)
					nodes, edges = nodes[:len(nodes)-1], edges[:len(edges)-1]
				}
			}
		}
		walk(q.From)
		return nil
	})
	return paths, err
}

// distances runs a breadth-first search from q.To and returns each reached entity's
// distance to it, and the length of the shortest path from q.From (-1 if there is none
// within q.MaxDepth).
func (st *state) distances(ctx context.Context, q graph.PathQuery) (map[string]int, int) {
	dist := map[string]int{q.To: 0}
	level := []string{q.To}
	for d := 1; d <= q.MaxDepth && len(level) > 0; d++ {
		if ctx.Err() != nil {
			return nil, -1
		}
		var next []string
		for _, id := range level {
			for _, sp := range st.steps(id, q.RelationshipFilter) {
				if _, seen := dist[sp.next]; !seen {
					dist[sp.next] = d
					next = append(next, sp.next)
				}
			}
		}
		if _, ok := dist[q.From]; ok {
			return dist, d
		}
		level = next
	}
	return nil, -1
}

// Timeline implements graph.RelationshipReader.
func (s *Store) Timeline(ctx context.Context, q graph.TimelineQuery) ([]graph.Relationship, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	out := []graph.Relationship{}
	err := s.read(ctx, func(st *state) error {
		ids := st.relIDs
		if q.Entity != "" {
			if _, ok := st.entities[q.Entity]; !ok {
				return graph.Errorf(graph.ENOTFOUND, "timeline entity %q does not exist", q.Entity)
			}
			ids = st.touching(q.Entity)
		}
		for _, id := range ids {
			if r := st.rels[id]; r.Date != "" && q.RelationshipFilter.Match(r) {
				out = append(out, cloneRelationship(r))
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b graph.Relationship) int {
		return cmp.Or(cmp.Compare(a.Date.Start(), b.Date.Start()), cmp.Compare(a.ID, b.ID))
	})
	return out, err
}
