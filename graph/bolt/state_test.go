package bolt

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/synth"
)

// TestBuildStateMatchesApply checks the bulk build used on Open against the incremental
// apply used by writes: both must give the same indexes.
func TestBuildStateMatchesApply(t *testing.T) {
	b := synth.Generate(9, 300, 1500)
	// Some writes apply in one change, as a batch would; the rest one by one.
	incremental := newState(0, 0)
	c := newChange()
	for i := range b.Entities {
		c.entities[b.Entities[i].ID] = &b.Entities[i]
	}
	for i := range b.Articles {
		c.articles[b.Articles[i].ID] = &b.Articles[i]
	}
	incremental.apply(&c)
	for i := range b.Relationships {
		c := newChange()
		c.rels[b.Relationships[i].ID] = &b.Relationships[i]
		incremental.apply(&c)
	}

	entities, articles := slices.Clone(b.Entities), slices.Clone(b.Articles)
	slices.SortFunc(entities, func(x, y graph.Entity) int { return strings.Compare(x.ID, y.ID) })
	slices.SortFunc(articles, func(x, y graph.Article) int { return strings.Compare(x.ID, y.ID) })
	rels := make([]*graph.Relationship, len(b.Relationships))
	for i := range b.Relationships {
		rels[i] = &b.Relationships[i]
	}
	slices.SortFunc(rels, func(x, y *graph.Relationship) int { return strings.Compare(x.ID, y.ID) })
	built := buildState(entities, articles, rels)

	// The same relationships in one change, as a bulk load's batch, take the path that
	// updates the indexes side by side.
	whole := newState(0, 0)
	c = changeOf(b)
	if len(c.rels) < parallelApply || whole.rebuilds(&c) {
		t.Fatalf("%d relationships do not take the side-by-side path", len(c.rels))
	}
	whole.apply(&c)
	sameState(t, "build and apply", viewOf(built), viewOf(incremental))
	sameState(t, "build and one large apply", viewOf(built), viewOf(whole))

	// A large change rewriting dates, ends and evidence and deleting some keeps the
	// indexes equal to one by one writes.
	rewrite := newChange()
	for i := range b.Relationships {
		r := b.Relationships[i]
		switch i % 3 {
		case 0:
			rewrite.rels[r.ID] = nil
		case 1:
			r.Date, r.To, r.Negated = "2001-02-03", b.Relationships[(i+7)%len(b.Relationships)].From, !r.Negated
			r.Evidence = slices.Clone(b.Relationships[(i+11)%len(b.Relationships)].Evidence)
			rewrite.rels[r.ID] = &r
		}
	}
	for id, r := range rewrite.rels {
		one := newChange()
		one.rels[id] = r
		incremental.apply(&one)
	}
	whole.apply(&rewrite)
	sameState(t, "one by one and one large rewrite", viewOf(incremental), viewOf(whole))

	// Deleting everything through apply leaves every index empty.
	del := newChange()
	for _, e := range b.Entities {
		del.entities[e.ID] = nil
	}
	for _, a := range b.Articles {
		del.articles[a.ID] = nil
	}
	for _, r := range b.Relationships {
		del.rels[r.ID] = nil
	}
	built.apply(&del)
	for name, n := range map[string]int{
		"entities": len(built.entities), "entityIDs": len(built.entityIDs), "byKind": len(built.byKind), "words": len(built.words),
		"wordList": len(built.wordList), "articles": len(built.articles), "byOutlet": len(built.byOutlet), "dated": built.dated.Len(),
		"order": len(built.order), "touch": len(built.touch), "about": len(built.about), "articleIDs": len(built.articleIDs),
		"negatedTouch": len(built.negatedTouch), "number": len(built.number), "loops": len(built.loops),
	} {
		if n != 0 {
			t.Errorf("%s holds %d items after deleting everything", name, n)
		}
	}
}

// TestRebuildMatchesApply checks that a change at least as large as the state, which
// rebuilds it, leaves the state that writing its records one at a time leaves. The change
// replaces records (the two graphs share ids), adds others and deletes some.
func TestRebuildMatchesApply(t *testing.T) {
	small, big := synth.Generate(9, 300, 1500), synth.Generate(10, 1000, 5000)
	c := changeOf(big)
	// Some of what the small graph holds is deleted rather than replaced.
	for i, r := range small.Relationships {
		if i%5 == 0 {
			c.rels[r.ID] = nil
		}
	}
	for i, a := range small.Articles {
		if i%7 == 0 {
			c.articles[a.ID] = nil
		}
	}
	rebuilt, each := newState(0, 0), newState(0, 0)
	start := changeOf(small)
	rebuilt.apply(&start)
	if rebuilt.rebuilds(&start) || !rebuilt.rebuilds(&c) {
		t.Fatalf("rebuilds: the small graph (%d records) should not, the change (%d) should", len(start.rels), len(c.rels))
	}
	rebuilt.apply(&c)
	each.apply(&start)
	for _, id := range slices.Sorted(maps.Keys(c.entities)) {
		one := newChange()
		one.entities[id] = c.entities[id]
		each.apply(&one)
	}
	for _, id := range slices.Sorted(maps.Keys(c.articles)) {
		one := newChange()
		one.articles[id] = c.articles[id]
		each.apply(&one)
	}
	for _, id := range slices.Sorted(maps.Keys(c.rels)) {
		one := newChange()
		one.rels[id] = c.rels[id]
		each.apply(&one)
	}
	sameState(t, "a rebuild and one by one writes", viewOf(each), viewOf(rebuilt))
	// The rebuilt state keeps working incrementally, its timeline included.
	r := big.Relationships[0]
	r.Date = "1999-12-31"
	for _, st := range []*state{each, rebuilt} {
		one := newChange()
		one.rels[r.ID] = &r
		st.apply(&one)
	}
	sameState(t, "a rebuilt state and another after one more write", viewOf(each), viewOf(rebuilt))
}

// changeOf returns a change writing every record of b.
func changeOf(b graph.Batch) change {
	c := newChange()
	for i := range b.Entities {
		c.entities[b.Entities[i].ID] = &b.Entities[i]
	}
	for i := range b.Articles {
		c.articles[b.Articles[i].ID] = &b.Articles[i]
	}
	for i := range b.Relationships {
		c.rels[b.Relationships[i].ID] = &b.Relationships[i]
	}
	return c
}

// sameState reports the fields in which two states' views differ.
func sameState(t *testing.T, what string, a, b stateView) {
	t.Helper()
	v1, v2 := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range v1.NumField() {
		if !reflect.DeepEqual(v1.Field(i).Interface(), v2.Field(i).Interface()) {
			t.Errorf("%s differs between %s", v1.Type().Field(i).Name, what)
		}
	}
}

// stateView is a state with entity numbers replaced by ids, which two states numbering
// their entities in different orders share.
type stateView struct {
	Entities      map[string]graph.Entity
	Articles      map[string]string
	EntityIDs     []string
	ArticleIDs    []string
	AllRels       []graph.Relationship
	Dated         []string // ids in timeline order
	ByKind        sortedIndex[string]
	ByOutlet      sortedIndex[string]
	Touch         map[string][]string // "relationship>other end"
	About         sortedIndex[string] // entity → relationship ids, as for Citing
	Citing        sortedIndex[string]
	Words         sortedIndex[*searchEntry]
	WordList      []string
	RelsByType    map[graph.RelationType]int
	NegatedByType map[graph.RelationType]int
	NegatedTouch  map[string]int
	Loops         map[string]int
	Numbers       []string // the entities numbered, sorted
}

func viewOf(s *state) stateView {
	v := stateView{
		Entities: s.entities, Articles: map[string]string{}, Citing: sortedIndex[string]{},
		EntityIDs: s.entityIDs, ArticleIDs: s.articleIDs, AllRels: s.allRelationships(),
		ByKind: s.byKind, ByOutlet: s.byOutlet, About: sortedIndex[string]{}, Words: s.words, WordList: s.wordList,
		RelsByType: nonZero(s.relsByType), NegatedByType: nonZero(s.negatedByType), NegatedTouch: s.negatedTouch, Loops: s.loops,
		Touch: map[string][]string{},
	}
	for id, n := range s.number {
		if s.names[n] != id {
			panic("entity numbers and names disagree for " + id)
		}
		v.Numbers = append(v.Numbers, id)
	}
	slices.Sort(v.Numbers)
	for id, n := range s.articles { // slot numbers depend on the order of writes
		slot := s.slots[n]
		if slot.v == "" && len(slot.citing) == 0 {
			panic("article " + id + " keeps a slot that holds nothing")
		}
		if slot.v != "" {
			v.Articles[id] = slot.v
		}
		if len(slot.citing) > 0 {
			v.Citing[id] = s.refIDs(slot.citing)
		}
	}
	for id, refs := range s.about { // relationship numbers depend on the order of writes too
		v.About[id] = s.refIDs(refs)
	}
	s.dated.Scan(func(item datedItem) bool {
		v.Dated = append(v.Dated, s.refID(item.rel))
		return true
	})
	for id, edges := range s.touch {
		for _, e := range edges {
			other := "(none)"
			if e.other != noEnd {
				other = s.names[e.other]
			}
			if r := s.decoded(e.rel); e != newEdge(e.rel, &r, e.other) {
				other += " (stale flags)"
			}
			v.Touch[id] = append(v.Touch[id], s.edgeID(e)+">"+other)
		}
	}
	return v
}

// allRelationships returns every relationship of s, decoded, in id order.
func (s *state) allRelationships() []graph.Relationship {
	out := make([]graph.Relationship, len(s.order))
	for i, ref := range s.order {
		out[i] = s.decoded(ref)
	}
	return out
}

// nonZero drops the counters that fell back to zero, which a fresh state never holds.
func nonZero(counts map[graph.RelationType]int) map[graph.RelationType]int {
	out := map[graph.RelationType]int{}
	for k, n := range counts {
		if n != 0 {
			out[k] = n
		}
	}
	return out
}
