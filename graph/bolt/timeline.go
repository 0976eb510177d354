package bolt

import (
	"cmp"
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/tidwall/btree"

	"github.com/dossiergraph/dossier/graph"
)

// The state keeps every dated relationship in timeline order (start date, then id) in a
// B-tree, state.dated, so that a page of the whole graph's timeline costs its page and the
// relationships its filter skips, and a write costs a few comparisons. A sorted list would
// cost a copy of all of it for every batch of writes whose dates fall anywhere in it.

// datedDegree is the B-tree's degree: nodes of up to 63 items of 8 bytes.
const datedDegree = 32

// newDated returns an empty timeline index of s's relationships. The state's lock guards
// it: it needs none of its own.
func (s *state) newDated() *btree.BTreeG[datedItem] {
	return btree.NewBTreeGOptions(func(a, b datedItem) bool { return s.compareDated(a, b) < 0 }, btree.Options{Degree: datedDegree, NoLocks: true})
}

// datedItem is a relationship in the timeline index, with its start day read once.
type datedItem struct {
	day int32 // the first day its date covers, as the number YYYYMMDD
	rel relRef
}

// compareDated orders a timeline: by start day, then by id.
func (s *state) compareDated(a, b datedItem) int {
	if c := cmp.Compare(a.day, b.day); c != 0 {
		return c
	}
	return strings.Compare(s.refID(a.rel), s.refID(b.rel))
}

// dayOf returns startDay of d, 0 for the unknown date, which no timeline holds.
func dayOf(d graph.PartialDate) int32 {
	if d == "" {
		return 0
	}
	return startDay(d)
}

// startDay returns the first day the known date d covers as the number YYYYMMDD, without
// building its string as graph.PartialDate.Start does.
func startDay(d graph.PartialDate) int32 {
	digits := func(s graph.PartialDate) int32 {
		n := int32(0)
		for _, c := range []byte(s) {
			n = 10*n + int32(c-'0')
		}
		return n
	}
	month, day := int32(1), int32(1)
	if len(d) >= 7 {
		month = digits(d[5:7])
	}
	if len(d) == 10 {
		day = digits(d[8:10])
	}
	return digits(d[:4])*10000 + month*100 + day
}

// buildDated returns the timeline index of relationships numbered in id order, given as
// keys of start day and number (day<<32 | number). It loads them in timeline order, which
// the B-tree appends without a search: inserting them in id order, at random places, cost
// twice as much. Sorted by day and number, which is id order, the keys compare as integers.
func (s *state) buildDated(keys []uint64) *btree.BTreeG[datedItem] {
	slices.Sort(keys)
	t := s.newDated()
	for _, k := range keys {
		t.Load(datedItem{day: int32(k >> 32), rel: relRef(uint32(k))})
	}
	return t
}

// Timeline implements graph.RelationshipReader.
func (s *Store) Timeline(ctx context.Context, q graph.TimelineQuery) ([]graph.Relationship, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	var out []graph.Relationship
	err := s.read(ctx, func(st *state) error {
		// The page is sized once: growing it copies the relationships it holds. An empty
		// page is a list, as on Neo4j.
		out = make([]graph.Relationship, 0, min(q.Page.First, st.dated.Len()))
		var cursor *datedItem // the page starts after it
		if q.Page.After != "" {
			ref, ok := st.find(q.Page.After)
			var date graph.PartialDate
			if ok {
				date = st.decoded(ref).Date
			}
			if date == "" {
				return graph.Errorf(graph.ENOTFOUND, "timeline after %q: no dated relationship has that id", graph.Clip(q.Page.After))
			}
			cursor = &datedItem{day: startDay(date), rel: ref}
		}
		lastDay := int32(0) // the filter's latest start: past it, nothing overlaps until
		if q.Until != "" {
			lastDay = startDay(graph.PartialDate(q.Until.End()))
		}
		var r graph.Relationship // scratch until it joins the page
		// visit adds item, which comes after the cursor, to the page if the filter takes
		// it; false ends the page.
		visit := func(item datedItem) bool {
			if len(out) == q.Page.First || lastDay != 0 && item.day > lastDay {
				return false
			}
			st.decode(item.rel, &r)
			if q.RelationshipFilter.Match(r) {
				out = append(out, r)
				r = graph.Relationship{}
			}
			return true
		}
		if q.Entity == "" {
			if cursor == nil {
				st.dated.Scan(visit)
			} else { // from the cursor itself, which is in the index
				st.dated.Ascend(*cursor, func(item datedItem) bool { return item.rel == cursor.rel || visit(item) })
			}
			return nil
		}
		if _, ok := st.entities[q.Entity]; !ok {
			return graph.Errorf(graph.ENOTFOUND, "timeline entity %q does not exist", q.Entity)
		}
		// An entity's list is bounded by its degree: sorting it costs no more than reading it.
		items := st.entityDated(st.touch[q.Entity])
		if cursor != nil {
			items = items[sort.Search(len(items), func(i int) bool { return st.compareDated(items[i], *cursor) > 0 }):]
		}
		for _, item := range items {
			if !visit(item) {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// entityDated returns the dated relationships of a touch list in timeline order.
func (s *state) entityDated(edges []edge) []datedItem {
	var items []datedItem
	for _, e := range edges {
		if e.day != 0 {
			items = append(items, datedItem{day: e.day, rel: e.rel})
		}
	}
	slices.SortFunc(items, s.compareDated)
	return items
}
