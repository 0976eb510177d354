package bolt

import (
	"cmp"
	"context"
	"iter"
	"slices"

	"github.com/dossiergraph/dossier/graph"
)

// matcher returns f.Match for stored relationships, with a shortcut for the common
// filter that only leaves out negated relationships.
func matcher(f graph.RelationshipFilter) func(*graph.Relationship) bool {
	if len(f.Types) == 0 && f.Since == "" && f.Until == "" && f.MinSources == 0 {
		return func(r *graph.Relationship) bool { return f.IncludeNegated || !r.Negated }
	}
	return func(r *graph.Relationship) bool { return f.Match(*r) }
}

// steps yields, in id order, the matching relationships that join e to another entity,
// with that entity. Relationships without a To, and loops, lead nowhere.
func (st *state) steps(e string, match func(*graph.Relationship) bool) iter.Seq2[*graph.Relationship, string] {
	return func(yield func(*graph.Relationship, string) bool) {
		for _, r := range st.touch[e] {
			if r.To == "" || r.From == r.To || !match(r) {
				continue
			}
			next := r.To
			if next == e {
				next = r.From
			}
			if !yield(r, next) {
				return
			}
		}
	}
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
		match := matcher(q.RelationshipFilter)
		in := map[string]bool{q.Center: true}
		order := []string{q.Center}
		level := []string{q.Center}
		for depth := 1; depth <= q.Depth && len(order) < q.Limit && len(level) > 0; depth++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			// The nearest come first, ties by id, up to the limit.
			near := newSmallest(q.Limit - len(order))
			for _, id := range level {
				for _, other := range st.steps(id, match) {
					if !in[other] {
						near.offer(other)
					}
				}
			}
			level = near.sorted()
			for _, id := range level {
				in[id] = true
			}
			order = append(order, level...)
		}
		sub.Nodes = make([]graph.Entity, 0, len(order))
		for _, id := range order {
			sub.Nodes = append(sub.Nodes, cloneEntity(st.entities[id]))
		}
		edges := st.inducedEdges(order, match)
		slices.SortFunc(edges, func(a, b *graph.Relationship) int { return cmp.Compare(a.ID, b.ID) })
		sub.Edges = make([]graph.Relationship, len(edges))
		for i, r := range edges {
			sub.Edges[i] = cloneRelationship(r)
		}
		return nil
	})
	return sub, err
}

// inducedEdges returns the matching relationships between two of the nodes (loops
// included). Each edge is taken from the touch list of whichever of its ends comes first
// in ascending degree, so the list of the best connected node, often a hub with thousands
// of relationships, is read only when it has loops.
func (st *state) inducedEdges(nodes []string, match func(*graph.Relationship) bool) []*graph.Relationship {
	const (
		pending = 1 + iota
		done
	)
	mark := make(map[string]int8, len(nodes))
	for _, id := range nodes {
		mark[id] = pending
	}
	byDegree := slices.Clone(nodes)
	slices.SortFunc(byDegree, func(a, b string) int { return cmp.Compare(len(st.touch[a]), len(st.touch[b])) })
	if last := byDegree[len(byDegree)-1]; st.loops[last] == 0 {
		byDegree = byDegree[:len(byDegree)-1]
	}
	var edges []*graph.Relationship
	for _, id := range byDegree {
		for _, r := range st.touch[id] {
			other := r.To
			if other == id {
				other = r.From
			}
			if r.To != "" && mark[other] == pending && match(r) {
				edges = append(edges, r)
			}
		}
		mark[id] = done
	}
	return edges
}

// Paths implements graph.RelationshipReader.
func (s *Store) Paths(ctx context.Context, q graph.PathQuery) ([]graph.Path, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	paths := []graph.Path{}
	err := s.read(ctx, func(st *state) error {
		for _, end := range [][2]string{{"from", q.From}, {"to", q.To}} {
			if _, ok := st.entities[end[1]]; !ok {
				return graph.Errorf(graph.ENOTFOUND, "path %s entity %q does not exist", end[0], end[1])
			}
		}
		if q.From == q.To {
			paths = append(paths, graph.Path{Nodes: []graph.Entity{cloneEntity(st.entities[q.From])}, Edges: []graph.Relationship{}})
			return nil
		}
		match := matcher(q.RelationshipFilter)
		m, err := st.meet(ctx, q, match)
		if err != nil || m == nil {
			return err
		}
		for _, p := range m.walk(st, q, match) {
			path := graph.Path{}
			for _, id := range p.nodes {
				path.Nodes = append(path.Nodes, cloneEntity(st.entities[id]))
			}
			for _, r := range p.edges {
				path.Edges = append(path.Edges, cloneRelationship(r))
			}
			paths = append(paths, path)
		}
		return nil
	})
	return paths, err
}

// meeting is the result of a bidirectional breadth-first search: distances from q.From
// (up to a) and to q.To (up to b), where a+b is the length of the shortest paths.
type meeting struct {
	fromDist, toDist map[string]int
	a, b             int
	levels           [][]string // levels[i]: the entities at distance i from q.From, i ≤ a
}

// meet searches from both ends, each time widening the smaller frontier, until the two
// searches touch; it returns nil when no path of at most q.MaxDepth hops exists.
func (st *state) meet(ctx context.Context, q graph.PathQuery, match func(*graph.Relationship) bool) (*meeting, error) {
	m := &meeting{fromDist: map[string]int{q.From: 0}, toDist: map[string]int{q.To: 0}, levels: [][]string{{q.From}}}
	toFrontier := []string{q.To}
	for m.a+m.b < q.MaxDepth {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fromFrontier := m.levels[m.a]
		forward := len(fromFrontier) <= len(toFrontier)
		frontier, dist, other := toFrontier, m.toDist, m.fromDist
		if forward {
			frontier, dist, other = fromFrontier, m.fromDist, m.toDist
		}
		depth := dist[frontier[0]] + 1
		var next []string
		met := false
		for _, id := range frontier {
			for _, n := range st.steps(id, match) {
				if _, seen := dist[n]; !seen {
					dist[n] = depth
					next = append(next, n)
					_, hit := other[n]
					met = met || hit
				}
			}
		}
		if forward {
			m.a++
			m.levels = append(m.levels, next)
		} else {
			m.b++
			toFrontier = next
		}
		if met {
			return m, nil
		}
		if len(next) == 0 {
			return nil, nil
		}
	}
	return nil, nil
}

type walked struct {
	nodes []string
	edges []*graph.Relationship
}

// walk lists the shortest paths in the order of their edges' ids, at most graph.MaxPaths.
// Up to distance a it keeps to entities from which the meeting level is reachable; past
// it, every step toward q.To shortens the distance by one, so no step is wasted.
func (m *meeting) walk(st *state, q graph.PathQuery, match func(*graph.Relationship) bool) []walked {
	length := m.a + m.b
	useful := map[string]bool{}
	for _, id := range m.levels[m.a] {
		if d, ok := m.toDist[id]; ok && d == m.b {
			useful[id] = true
		}
	}
	for i := m.a - 1; i >= 0; i-- {
		for _, id := range m.levels[i] {
			for _, n := range st.steps(id, match) {
				if d, ok := m.fromDist[n]; ok && d == i+1 && useful[n] {
					useful[id] = true
					break
				}
			}
		}
	}
	var out []walked
	var cur walked
	var visit func(at string)
	visit = func(at string) {
		if len(out) >= graph.MaxPaths {
			return
		}
		pos := len(cur.edges)
		if pos == length {
			out = append(out, walked{nodes: append(slices.Clone(cur.nodes), at), edges: slices.Clone(cur.edges)})
			return
		}
		for r, n := range st.steps(at, match) {
			var ok bool
			if pos < m.a {
				d, known := m.fromDist[n]
				ok = known && d == pos+1 && useful[n]
			} else {
				d, known := m.toDist[n]
				ok = known && d == length-pos-1
			}
			if ok {
				cur.nodes, cur.edges = append(cur.nodes, at), append(cur.edges, r)
				visit(n)
				cur.nodes, cur.edges = cur.nodes[:len(cur.nodes)-1], cur.edges[:len(cur.edges)-1]
			}
		}
	}
	visit(q.From)
	return out
}

// Timeline implements graph.RelationshipReader.
func (s *Store) Timeline(ctx context.Context, q graph.TimelineQuery) ([]graph.Relationship, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	var found []*graph.Relationship
	err := s.read(ctx, func(st *state) error {
		list := relList{global: true, rels: st.allRels}
		if q.Entity != "" {
			if _, ok := st.entities[q.Entity]; !ok {
				return graph.Errorf(graph.ENOTFOUND, "timeline entity %q does not exist", q.Entity)
			}
			list = relList{rels: st.touch[q.Entity]}
		}
		for i := range list.len() {
			if r := list.at(i); r.Date != "" && q.RelationshipFilter.Match(*r) {
				found = append(found, r)
			}
		}
		slices.SortFunc(found, func(a, b *graph.Relationship) int {
			return cmp.Or(cmp.Compare(a.Date.Start(), b.Date.Start()), cmp.Compare(a.ID, b.ID))
		})
		return nil
	})
	out := make([]graph.Relationship, len(found))
	for i, r := range found {
		out[i] = cloneRelationship(r)
	}
	return out, err
}

// smallest keeps the n smallest distinct ids offered to it, in a max-heap, so that picking
// the nearest nodes around a hub costs no more memory than the limit.
type smallest struct {
	n    int
	heap []string // heap[0] is the largest kept
	kept map[string]bool
}

func newSmallest(n int) *smallest { return &smallest{n: n, kept: map[string]bool{}} }

func (s *smallest) offer(id string) {
	if s.n <= 0 || len(s.heap) == s.n && id >= s.heap[0] || s.kept[id] {
		return
	}
	s.kept[id] = true
	if len(s.heap) < s.n {
		s.heap = append(s.heap, id)
		s.up(len(s.heap) - 1)
		return
	}
	delete(s.kept, s.heap[0])
	s.heap[0] = id
	s.down(0)
}

func (s *smallest) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if s.heap[parent] >= s.heap[i] {
			return
		}
		s.heap[parent], s.heap[i] = s.heap[i], s.heap[parent]
		i = parent
	}
}

func (s *smallest) down(i int) {
	for {
		largest := i
		for _, c := range []int{2*i + 1, 2*i + 2} {
			if c < len(s.heap) && s.heap[c] > s.heap[largest] {
				largest = c
			}
		}
		if largest == i {
			return
		}
		s.heap[i], s.heap[largest] = s.heap[largest], s.heap[i]
		i = largest
	}
}

// sorted returns the kept ids in order.
func (s *smallest) sorted() []string {
	out := slices.Clone(s.heap)
	slices.Sort(out)
	return out
}
