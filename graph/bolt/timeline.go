package bolt

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/tidwall/btree"

	"github.com/dossiergraph/dossier/graph"
)

// The state keeps every dated relationship in timeline order (start date, then id) in a
// B-tree, state.dated, so that a page of the whole graph's timeline costs its page and the
// relationships its filter skips, and a write costs a few comparisons. A sorted list would
// cost a copy of all of it for every batch of writes whose dates fall anywhere in it.

// datedDegree is the B-tree's degree: nodes of up to 63 items of 16 bytes, a few cache
// lines each.
const datedDegree = 32

// newDated returns an empty timeline index. The state's lock guards it: it needs none of
// its own.
func newDated() *btree.BTreeG[datedItem] {
	return btree.NewBTreeGOptions(datedLess, btree.Options{Degree: datedDegree, NoLocks: true})
}

// datedItem is a relationship in the timeline index, with its start day read once.
type datedItem struct {
	day int32 // the first day its date covers, as the number YYYYMMDD
	r   *graph.Relationship
}

func newDatedItem(r *graph.Relationship) datedItem {
	return datedItem{day: startDay(r.Date), r: r}
}

// compareDated orders a timeline: by start day, then by id.
func compareDated(a, b datedItem) int {
	if c := cmp.Compare(a.day, b.day); c != 0 {
		return c
	}
	return strings.Compare(a.r.ID, b.r.ID)
}

// datedLess is compareDated as the B-tree takes it.
func datedLess(a, b datedItem) bool { return compareDated(a, b) < 0 }

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

// buildDated returns the timeline index of rels, which must be sorted by id. It loads them
// in timeline order, which the B-tree appends without a search: inserting them in id order,
// at random places, cost twice as much. Ordered by start day and then by position in rels,
// which is id order, the sort compares integers only.
func buildDated(rels []*graph.Relationship) *btree.BTreeG[datedItem] {
	keys := make([]uint64, 0, len(rels))
	for i, r := range rels {
		if r.Date != "" {
			keys = append(keys, uint64(startDay(r.Date))<<32|uint64(i))
		}
	}
	slices.Sort(keys)
	t := newDated()
	for _, k := range keys {
		t.Load(datedItem{day: int32(k >> 32), r: rels[uint32(k)]})
	}
	return t
}

// moveDated brings the timeline index up to date with a write that replaced old (nil:
// none) by r (nil: a deletion).
func moveDated(t *btree.BTreeG[datedItem], old, r *graph.Relationship) {
	if old != nil && old.Date != "" {
		t.Delete(newDatedItem(old))
	}
	if r != nil && r.Date != "" {
		t.Set(newDatedItem(r))
	}
}

// Timeline implements graph.RelationshipReader.
func (s *Store) Timeline(ctx context.Context, q graph.TimelineQuery) ([]graph.Relationship, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	out := []graph.Relationship{} // an empty page is a list, as on Neo4j
	err := s.read(ctx, func(st *state) error {
		var cursor *datedItem // the page starts after it
		if q.Page.After != "" {
			r, ok := st.relationship(q.Page.After)
			if !ok || r.Date == "" {
				return graph.Errorf(graph.ENOTFOUND, "timeline after %q: no dated relationship has that id", graph.Clip(q.Page.After))
			}
			item := newDatedItem(r)
			cursor = &item
		}
		lastDay := int32(0) // the filter's latest start: past it, nothing overlaps until
		if q.Until != "" {
			lastDay = startDay(graph.PartialDate(q.Until.End()))
		}
		// visit adds item to the page if the filter takes it; false ends the page.
		visit := func(item datedItem) bool {
			if cursor != nil && !datedLess(*cursor, item) {
				return true
			}
			if len(out) == q.Page.First || lastDay != 0 && item.day > lastDay {
				return false
			}
			if q.RelationshipFilter.Match(*item.r) {
				out = append(out, cloneRelationship(item.r))
			}
			return true
		}
		if q.Entity == "" {
			if cursor == nil {
				st.dated.Scan(visit)
			} else {
				st.dated.Ascend(*cursor, visit)
			}
			return nil
		}
		if _, ok := st.entities[q.Entity]; !ok {
			return graph.Errorf(graph.ENOTFOUND, "timeline entity %q does not exist", q.Entity)
		}
		// An entity's list is bounded by its degree: sorting it costs no more than reading it.
		for _, item := range entityDated(st.touch[q.Entity]) {
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
func entityDated(edges []edge) []datedItem {
	var items []datedItem
	for _, e := range edges {
		if e.r.Date != "" {
			items = append(items, newDatedItem(e.r))
		}
	}
	slices.SortFunc(items, compareDated)
	return items
}
