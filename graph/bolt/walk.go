package bolt

import (
	"cmp"
	"context"
	"iter"
	"slices"

	"github.com/dossiergraph/dossier/graph"
)

// matcher returns f.Match for edges; it decodes the relationship only when the filter asks
// more than whether it is negated.
func (st *state) matcher(f graph.RelationshipFilter) func(edge) bool {
	if len(f.Types) == 0 && f.Since == "" && f.Until == "" && f.MinSources == 0 && len(f.Review) == 0 {
		return func(e edge) bool { return (f.IncludeNegated || !e.negated) && !e.rejected }
	}
	var r graph.Relationship // scratch
	return func(e edge) bool {
		st.decode(e.rel, &r)
		return f.Match(r)
	}
}

// steps yields, in id order, the matching edges that join the entity to another one.
// Relationships without a To, and loops, lead nowhere.
func (st *state) steps(id string, match func(edge) bool) iter.Seq[edge] {
	self := st.number[id]
	return func(yield func(edge) bool) {
		for _, e := range st.touch[id] {
			if e.other == noEnd || e.other == self || !match(e) {
				continue
			}
			if !yield(e) {
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
		match := st.matcher(q.RelationshipFilter)
		in := newNodeSet(q.Limit)
		in.set(st.number[q.Center], 1)
		order := []string{q.Center}
		level := []string{q.Center}
		for depth := 1; depth <= q.Depth && len(order) < q.Limit && len(level) > 0; depth++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			// The nearest come first, ties by id, up to the limit.
			near := newSmallest(q.Limit - len(order))
			for _, id := range level {
				for e := range st.steps(id, match) {
					if in.get(e.other) == 0 {
						near.offer(st.names[e.other])
					}
				}
			}
			level = near.sorted()
			for _, id := range level {
				in.set(st.number[id], 1)
			}
			order = append(order, level...)
		}
		sub.Nodes = make([]graph.Entity, 0, len(order))
		for _, id := range order {
			sub.Nodes = append(sub.Nodes, cloneEntity(st.entities[id]))
		}
		edges := st.sortByID(st.inducedEdges(order, match))
		sub.Edges = make([]graph.Relationship, len(edges))
		for i, ref := range edges {
			sub.Edges[i] = st.decoded(ref)
		}
		return nil
	})
	return sub, err
}

// inducedEdges returns the matching relationships between two of the nodes (loops
// included). Each edge is taken from the touch list of whichever of its ends comes first
// in ascending degree, so the list of the best connected node, often a hub with thousands
// of relationships, is read only when it has loops.
func (st *state) inducedEdges(nodes []string, match func(edge) bool) []relRef {
	const (
		pending = 1 + iota
		done
	)
	mark := newNodeSet(len(nodes))
	for _, id := range nodes {
		mark.set(st.number[id], pending)
	}
	byDegree := slices.Clone(nodes)
	slices.SortFunc(byDegree, func(a, b string) int { return cmp.Compare(len(st.touch[a]), len(st.touch[b])) })
	if last := byDegree[len(byDegree)-1]; st.loops[last] == 0 {
		byDegree = byDegree[:len(byDegree)-1]
	}
	var edges []relRef
	for _, id := range byDegree {
		for _, e := range st.touch[id] {
			if e.other != noEnd && mark.get(e.other) == pending && match(e) {
				edges = append(edges, e.rel)
			}
		}
		mark.set(st.number[id], done)
	}
	return edges
}

// nodeSet marks entities by number at a cost that follows the marked ones, not the graph:
// a walk's per-request state must not grow with the store. A small bitmap in front of the
// map answers most look-ups of unmarked entities, which are most of a hub's relationships.
type nodeSet struct {
	bits  [16]uint64 // bit n%1024 is set when some marked number has it
	marks map[int32]int8
}

func newNodeSet(size int) *nodeSet { return &nodeSet{marks: make(map[int32]int8, size)} }

func (s *nodeSet) set(n int32, mark int8) {
	b := uint32(n) % 1024
	s.bits[b/64] |= 1 << (b % 64)
	s.marks[n] = mark
}

// get returns n's mark, 0 for none.
func (s *nodeSet) get(n int32) int8 {
	b := uint32(n) % 1024
	if s.bits[b/64]&(1<<(b%64)) == 0 {
		return 0
	}
	return s.marks[n]
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
		match := st.matcher(q.RelationshipFilter)
		m, err := st.meet(ctx, q, match)
		if err != nil || m == nil {
			return err
		}
		for _, p := range m.walk(st, match) {
			path := graph.Path{}
			for _, n := range p.nodes {
				path.Nodes = append(path.Nodes, cloneEntity(st.entities[st.names[n]]))
			}
			for _, ref := range p.edges {
				path.Edges = append(path.Edges, st.decoded(ref))
			}
			paths = append(paths, path)
		}
		return nil
	})
	return paths, err
}

// meeting is the result of a bidirectional breadth-first search: distances from the start
// (up to a) and to the goal (up to b), where a+b is the length of the shortest paths.
type meeting struct {
	start            int32
	fromDist, toDist map[int32]int
	a, b             int
	levels           [][]int32 // levels[i]: the entities at distance i from the start, i ≤ a
}

// meet searches from both ends, each time widening the smaller frontier, until the two
// searches touch; it returns nil when no path of at most q.MaxDepth hops exists.
func (st *state) meet(ctx context.Context, q graph.PathQuery, match func(edge) bool) (*meeting, error) {
	start, goal := st.number[q.From], st.number[q.To]
	m := &meeting{start: start, fromDist: map[int32]int{start: 0}, toDist: map[int32]int{goal: 0}, levels: [][]int32{{start}}}
	toFrontier := []int32{goal}
	for m.a+m.b < q.MaxDepth {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fromFrontier := m.levels[m.a]
		forward := len(fromFrontier) <= len(toFrontier)
		frontier, dist, other, depth := toFrontier, m.toDist, m.fromDist, m.b+1
		if forward {
			frontier, dist, other, depth = fromFrontier, m.fromDist, m.toDist, m.a+1
		}
		var next []int32
		met := false
		for _, n := range frontier {
			for e := range st.steps(st.names[n], match) {
				if _, seen := dist[e.other]; !seen {
					dist[e.other] = depth
					next = append(next, e.other)
					_, hit := other[e.other]
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
	nodes []int32
	edges []relRef
}

// walk lists the shortest paths in the order of their edges' ids, at most graph.MaxPaths.
// Up to distance a it keeps to entities from which the meeting level is reachable; past
// it, every step toward the goal shortens the distance by one, so no step is wasted.
func (m *meeting) walk(st *state, match func(edge) bool) []walked {
	length := m.a + m.b
	useful := map[int32]bool{}
	for _, n := range m.levels[m.a] {
		if d, ok := m.toDist[n]; ok && d == m.b {
			useful[n] = true
		}
	}
	for i := m.a - 1; i >= 0; i-- {
		for _, n := range m.levels[i] {
			for e := range st.steps(st.names[n], match) {
				if d, ok := m.fromDist[e.other]; ok && d == i+1 && useful[e.other] {
					useful[n] = true
					break
				}
			}
		}
	}
	var out []walked
	var cur walked
	var visit func(at int32)
	visit = func(at int32) {
		if len(out) >= graph.MaxPaths {
			return
		}
		pos := len(cur.edges)
		if pos == length {
			out = append(out, walked{nodes: append(slices.Clone(cur.nodes), at), edges: slices.Clone(cur.edges)})
			return
		}
		for e := range st.steps(st.names[at], match) {
			var ok bool
			if pos < m.a {
				d, known := m.fromDist[e.other]
				ok = known && d == pos+1 && useful[e.other]
			} else {
				d, known := m.toDist[e.other]
				ok = known && d == length-pos-1
			}
			if ok {
				cur.nodes, cur.edges = append(cur.nodes, at), append(cur.edges, e.rel)
				visit(e.other)
				cur.nodes, cur.edges = cur.nodes[:len(cur.nodes)-1], cur.edges[:len(cur.edges)-1]
			}
		}
	}
	visit(m.start)
	return out
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
