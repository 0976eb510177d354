package bolt

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/tidwall/btree"

	"github.com/dossiergraph/dossier/graph"
)

// state is the in-memory copy of the graph and its indexes. Readers use it under the store's
// read lock; it changes only through apply, under the write lock, once the change it applies
// is committed to bbolt. Nothing in state is handed to callers uncopied, except strings,
// which nobody can change.
type state struct {
	entities map[string]graph.Entity
	// articles numbers every article that exists or that evidence cites, and its slot holds
	// the article and the relationships citing it: one map keyed by article id, not two,
	// which at 250k articles cost 20 MB each.
	articles map[string]int32
	slots    []articleSlot

	entityIDs, articleIDs []string // sorted
	// rels holds every relationship encoded (codec.go), under a number that edges and
	// index lists name it by (rels.go); order lists the numbers sorted by id.
	rels  []string
	order []relRef
	dated *btree.BTreeG[datedItem] // the dated ones in timeline order (timeline.go)

	byKind   sortedIndex[string] // kind → entity ids
	byOutlet sortedIndex[string] // outlet id → article ids
	// Entities also have dense numbers, so that walks mark visited entities in arrays and
	// edges name their other end without a string. Numbers of deleted entities stay unused.
	number map[string]int32
	names  []string // number → entity id, "" once deleted
	// touch lists, for each entity, the relationships it is From or To of, so that walks
	// and entity pages read them without a lookup.
	touch    sortedIndex[edge]
	about    sortedIndex[relRef]       // entity id → relationships it is About
	words    sortedIndex[*searchEntry] // folded word of a name or alias → entities
	wordList []string                  // the keys of words, sorted, for prefix search
	counters
}

// counters count the relationships that counting queries ask about.
type counters struct {
	relsByType    map[graph.RelationType]int
	negatedByType map[graph.RelationType]int
	rejected      int            // relationships whose review is REJECTED: counters answer only while none is
	negatedTouch  map[string]int // entity id → negated relationships in its touch list
	loops         map[string]int // entity id → relationships from it to itself
}

func newCounters() counters {
	return counters{
		relsByType:    map[graph.RelationType]int{},
		negatedByType: map[graph.RelationType]int{},
		negatedTouch:  map[string]int{},
		loops:         map[string]int{},
	}
}

// add adds o's counts to c's.
func (c *counters) add(o *counters) {
	for _, pair := range []struct{ to, from map[graph.RelationType]int }{{c.relsByType, o.relsByType}, {c.negatedByType, o.negatedByType}} {
		for k, n := range pair.from {
			pair.to[k] += n
		}
	}
	c.rejected += o.rejected
	for _, pair := range []struct{ to, from map[string]int }{{c.negatedTouch, o.negatedTouch}, {c.loops, o.loops}} {
		for k, n := range pair.from {
			pair.to[k] += n
		}
	}
}

// newState returns an empty state with room for the given numbers of records.
func newState(entities, articles int) *state {
	s := &state{}
	s.reset(entities, articles)
	return s
}

// reset empties s, making room for the given numbers of records. The timeline's order
// is bound to s: a state is reset in place, never copied over another.
func (s *state) reset(entities, articles int) {
	*s = state{
		entities: make(map[string]graph.Entity, entities),
		articles: make(map[string]int32, articles),
		slots:    make([]articleSlot, 0, articles),
		byKind:   sortedIndex[string]{},
		byOutlet: sortedIndex[string]{},
		number:   make(map[string]int32, entities),
		names:    make([]string, 0, entities),
		touch:    make(sortedIndex[edge], entities),
		about:    sortedIndex[relRef]{},
		words:    sortedIndex[*searchEntry]{},
		counters: newCounters(),
	}
	s.dated = s.newDated()
}

// searchEntry is what search needs of an entity, in one place: its folded names to score
// it, and its name and kind to rank and filter it. Entries are replaced, never changed.
type searchEntry struct {
	id, name string
	kind     graph.Kind
	key      graph.SearchKey
}

func newSearchEntry(e graph.Entity) *searchEntry {
	return &searchEntry{id: e.ID, name: e.Name, kind: e.Kind, key: graph.NewSearchKey(e)}
}

func entryID(e *searchEntry) string { return e.id }

// articleSlot is an article's place in the state.
type articleSlot struct {
	// v is the article encoded (codec.go), "" while it does not exist: decoding one is
	// cheap, and its strings are cut out of the value, so it costs less memory than the
	// struct and its strings.
	v      string
	citing []relRef // the relationships citing it, in id order
}

// edge is a relationship in the touch list of one of its ends, with what walks and the
// default filter read of it, so that they decode nothing. It holds no pointer, so the
// garbage collector does not read touch lists.
type edge struct {
	rel     relRef
	other   int32 // number of the other end (of itself for a loop), noEnd without a To
	day     int32 // the start day of its date (see datedItem), 0 when it has none
	negated bool  // the relationship's Negated
	// rejected: its review is REJECTED, which filters leave out by default
	rejected bool
}

// noEnd is the other end of an edge whose relationship has no To.
const noEnd = -1

func (s *state) edgeID(e edge) string { return s.refID(e.rel) }

// touchEnd is an end of a relationship as its touch list sees it: the list's key (the
// state's copy of the entity id, when the entity exists), the entity's number, and the edge
// the list holds.
type touchEnd struct {
	key   string
	n     int32
	known bool // the entity exists; n is 0 otherwise, as the edge's other end is
	edge  edge
}

// endsOf returns the ends of r, numbered ref, whose touch lists hold it: its From and To,
// once each, every entity looked up once. The array keeps the loading of millions of
// relationships free of an allocation each.
func (s *state) endsOf(ref relRef, r *graph.Relationship) (ends [2]touchEnd, count int) {
	from, okFrom := s.number[r.From]
	fromKey := r.From
	if okFrom {
		fromKey = s.names[from]
	}
	switch r.To {
	case "":
		ends[0] = touchEnd{fromKey, from, okFrom, newEdge(ref, r, noEnd)}
		return ends, 1
	case r.From: // a loop: its other end is itself
		ends[0] = touchEnd{fromKey, from, okFrom, newEdge(ref, r, from)}
		return ends, 1
	}
	to, okTo := s.number[r.To]
	toKey := r.To
	if okTo {
		toKey = s.names[to]
	}
	ends[0] = touchEnd{fromKey, from, okFrom, newEdge(ref, r, to)}
	ends[1] = touchEnd{toKey, to, okTo, newEdge(ref, r, from)}
	return ends, 2
}

// newEdge returns r, numbered ref, as an edge whose other end has the number other.
func newEdge(ref relRef, r *graph.Relationship, other int32) edge {
	return edge{rel: ref, other: other, day: dayOf(r.Date), negated: r.Negated, rejected: r.ReviewOf() == graph.Rejected}
}

// addNumber gives a new entity the next number.
func (s *state) addNumber(id string) {
	s.number[id] = int32(len(s.names))
	s.names = append(s.names, id)
}

// buildState returns the state holding the records, which must be sorted by id.
func buildState(entities []graph.Entity, articles []graph.Article, rels []*graph.Relationship) *state {
	encoded := make([]string, len(articles))
	for i := range articles {
		encoded[i] = string(encodeArticle(&articles[i]))
	}
	values := make([]string, len(rels))
	for i, r := range rels {
		values[i] = relationshipValue(r)
	}
	s := &state{}
	s.fill(entities, encoded, values)
	return s
}

// fill resets s to hold the records, sorted by id, articles and relationships encoded,
// which become the state's.
func (s *state) fill(entities []graph.Entity, articles, rels []string) {
	s.reset(len(entities), len(articles))
	s.addEntities(entities)
	s.addArticles(articles)
	if err := s.addRelationships(context.Background(), rels); err != nil {
		panic("bolt: an encoded relationship does not decode: " + err.Error())
	}
}

// addEntities, addArticles and addRelationships fill an empty state, in that order, with
// records sorted by id. Appending in id order keeps every index list sorted, so nothing
// needs sorting but the words.
func (s *state) addEntities(entities []graph.Entity) {
	s.entityIDs = make([]string, len(entities))
	for i, e := range entities {
		s.entityIDs[i] = e.ID
		s.entities[e.ID] = e
		s.addNumber(e.ID)
		entry := newSearchEntry(e)
		s.byKind[string(e.Kind)] = append(s.byKind[string(e.Kind)], e.ID)
		for _, w := range entry.key.Words() {
			s.words[w] = append(s.words[w], entry)
		}
	}
	s.wordList = slices.Sorted(maps.Keys(s.words))
}

// addArticles reads only the id and outlet of each article, which decoding the whole of it
// would leave as garbage between the lists kept.
func (s *state) addArticles(encoded []string) {
	s.articleIDs = make([]string, len(encoded))
	items := make([]keyed[string], 0, len(encoded))
	for i, v := range encoded {
		id, outlet := articleID(v), articleOutlet(v)
		s.articleIDs[i] = id
		s.articles[id] = int32(len(s.slots))
		s.slots = append(s.slots, articleSlot{v: v})
		if n, ok := s.number[outlet]; ok {
			items = append(items, keyed[string]{n, id})
		} else { // as for touch lists
			s.byOutlet[outlet] = append(s.byOutlet[outlet], id)
		}
	}
	for n, ids := range cutLists(len(s.names), items) {
		if len(ids) > 0 {
			s.byOutlet[s.names[n]] = ids
		}
	}
}

// articleValue returns the article with the id, encoded.
func (s *state) articleValue(id string) (string, bool) {
	n, ok := s.articles[id]
	if !ok || s.slots[n].v == "" {
		return "", false
	}
	return s.slots[n].v, true
}

// article returns the article with the id, decoded.
func (s *state) article(id string) (graph.Article, bool) {
	v, ok := s.articleValue(id)
	if !ok {
		return graph.Article{}, false
	}
	return mustArticle(v), true
}

// outlet returns the outlet of the article with the id.
func (s *state) outlet(id string) (string, bool) {
	v, ok := s.articleValue(id)
	if !ok {
		return "", false
	}
	return articleOutlet(v), true
}

// citedBy returns the relationships citing the article, in id order. The list is the
// state's: read it under the read lock only.
func (s *state) citedBy(article string) []relRef {
	if n, ok := s.articles[article]; ok {
		return s.slots[n].citing
	}
	return nil
}

// slotOf returns the number of the article's slot, giving it one if it has none.
func (s *state) slotOf(id string) int32 {
	n, ok := s.articles[id]
	if !ok {
		n = int32(len(s.slots))
		s.articles[strings.Clone(id)] = n // id may be cut out of a relationship's value
		s.slots = append(s.slots, articleSlot{})
	}
	return n
}

// dropUnused forgets the article's slot once it neither exists nor is cited. Its number
// stays unused, as a deleted entity's does.
func (s *state) dropUnused(id string) {
	if n, ok := s.articles[id]; ok && s.slots[n].v == "" && len(s.slots[n].citing) == 0 {
		delete(s.articles, id)
		s.slots[n] = articleSlot{}
	}
}

// mustArticle decodes an article of state.articles, all checked when they got there.
func mustArticle(v string) graph.Article {
	a, err := decodeArticle(&decoder{s: v})
	if err != nil {
		panic("bolt: an article in memory does not decode: " + err.Error())
	}
	return a
}

// keyed is an item of an index list, with the number of the list it goes to.
type keyed[T any] struct {
	key  int32
	item T
}

// cutLists returns n lists holding the items by key, in the order given, each cut to its
// length from one array: map operations and growing lists are most of what building the
// indexes costs, and the garbage of grown lists would stay between the lists kept. Each
// list is full, so that an append by apply copies it.
func cutLists[T any](n int, items []keyed[T]) [][]T {
	count := make([]int, n)
	for _, it := range items {
		count[it.key]++
	}
	backing := make([]T, len(items))
	lists := make([][]T, n)
	for k, c := range count {
		lists[k], backing = backing[:0:c], backing[c:]
	}
	for _, it := range items {
		lists[it.key] = append(lists[it.key], it.item)
	}
	return lists
}

// entityString returns the state's copy of the entity id v, if there is one.
func (s *state) entityString(v string) (string, bool) {
	n, ok := s.number[v]
	if !ok {
		return v, false
	}
	return s.names[n], true
}

// change is a set of writes: a nil value deletes the id.
type change struct {
	entities map[string]*graph.Entity
	articles map[string]*graph.Article
	rels     map[string]*graph.Relationship
}

func newChange() change {
	return change{
		entities: map[string]*graph.Entity{},
		articles: map[string]*graph.Article{},
		rels:     map[string]*graph.Relationship{},
	}
}

// apply makes c part of s and brings every index up to date. It keeps c's relationship
// values, which nobody may change afterwards.
func (s *state) apply(c *change) {
	if s.rebuilds(c) {
		s.rebuild(c)
		return
	}
	s.applyEntities(c.entities)
	s.applyArticles(c.articles)
	s.applyRelationships(c.rels)
}

// rebuildMin is the fewest records a change must write to be applied by rebuilding the state.
const rebuildMin = 4096

// rebuilds reports whether c is applied by building the state again, as Open builds it,
// rather than by updating each index: for a change at least as large as the state, such as
// a restore's single batch, building in parallel from sorted records is several times
// faster than sorting and merging every index's share of c.
func (s *state) rebuilds(c *change) bool {
	n := len(c.entities) + len(c.articles) + len(c.rels)
	return n >= rebuildMin && n >= len(s.entities)+len(s.articleIDs)+len(s.order)
}

// rebuild builds s again from its records with c applied.
func (s *state) rebuild(c *change) {
	entities := merged(s.entityIDs, func(i int) graph.Entity { return s.entities[s.entityIDs[i]] },
		c.entities, func(e *graph.Entity) graph.Entity { return *e })
	articles := merged(s.articleIDs, func(i int) string { v, _ := s.articleValue(s.articleIDs[i]); return v },
		c.articles, func(a *graph.Article) string { return string(encodeArticle(a)) })
	rels := merged(s.refIDs(s.order), func(i int) string { return s.rels[s.order[i]] },
		c.rels, relationshipValue)
	s.fill(entities, articles, rels)
}

// merged returns the records whose sorted ids are old (value(i) is the i-th) with changes
// applied, in id order: a change replaces the record with its id, a nil one deletes it.
func merged[T, V any](old []string, value func(i int) V, changes map[string]*T, convert func(*T) V) []V {
	ids := slices.Sorted(maps.Keys(changes))
	out := make([]V, 0, len(old)+len(ids))
	i := 0
	for _, id := range ids {
		for ; i < len(old) && old[i] < id; i++ {
			out = append(out, value(i))
		}
		if i < len(old) && old[i] == id {
			i++ // replaced or deleted
		}
		if rec := changes[id]; rec != nil {
			out = append(out, convert(rec))
		}
	}
	for ; i < len(old); i++ {
		out = append(out, value(i))
	}
	return out
}

// applyIDs adds the created ids to and removes the deleted ones from a sorted id list.
func applyIDs(list []string, created, deleted []string) []string {
	c := &listChanges[string]{add: withIDs(created)}
	if len(deleted) > 0 {
		c.del = make(map[string]bool, len(deleted))
		for _, id := range deleted {
			c.del[id] = true
		}
	}
	return applySorted(list, c, self)
}

func (s *state) applyEntities(changes map[string]*graph.Entity) {
	var created, deleted []string
	kinds, words := newDelta(self, 0), newDelta(entryID, 2*len(changes))
	for id, e := range changes {
		old, had := s.entities[id]
		var oldKind, newKind, oldWords, newWords []string
		var entry *searchEntry
		if had {
			// Folded again rather than kept per entity: a map of 100k entries costs more
			// than the writes that replace an entity fold.
			oldKind, oldWords = []string{string(old.Kind)}, graph.NewSearchKey(old).Words()
		}
		if e != nil {
			entry = newSearchEntry(*e)
			newKind, newWords = []string{string(e.Kind)}, entry.key.Words()
			s.entities[id] = *e
		} else {
			delete(s.entities, id)
		}
		switch {
		case !had && e != nil:
			created = append(created, id)
			s.addNumber(id)
		case had && e == nil:
			deleted = append(deleted, id)
			s.names[s.number[id]] = ""
			delete(s.number, id)
		}
		kinds.move(id, oldKind, newKind)
		for _, w := range oldWords {
			if !slices.Contains(newWords, w) {
				words.remove(w, id)
			}
		}
		for _, w := range newWords {
			words.add(w, entry) // replaces the old entry, if any
		}
	}
	s.entityIDs = applyIDs(s.entityIDs, created, deleted)
	kinds.applyTo(s.byKind)
	newWords, goneWords := words.applyTo(s.words)
	s.wordList = applyIDs(s.wordList, newWords, goneWords)
}

func (s *state) applyArticles(changes map[string]*graph.Article) {
	var created, deleted []string
	outlets := newDelta(self, 0)
	for id, a := range changes {
		old, had := s.outlet(id)
		var oldOutlet, newOutlet []string
		if had {
			oldOutlet = []string{old}
		}
		if a != nil {
			outlet, _ := s.entityString(a.Outlet)
			newOutlet = []string{outlet}
			s.slots[s.slotOf(id)].v = string(encodeArticle(a))
		} else if had {
			s.slots[s.articles[id]].v = ""
			s.dropUnused(id)
		}
		switch {
		case !had && a != nil:
			created = append(created, id)
		case had && a == nil:
			deleted = append(deleted, id)
		}
		outlets.move(id, oldOutlet, newOutlet)
	}
	s.articleIDs = applyIDs(s.articleIDs, created, deleted)
	outlets.applyTo(s.byOutlet)
}

// parallelApply is the number of relationships from which a write updates the indexes
// side by side: below it, starting goroutines costs more than it saves.
const parallelApply = 256

func (s *state) applyRelationships(changes map[string]*graph.Relationship) {
	order := &listChanges[relRef]{}
	// Every relationship has one or two ends and cites an article or two.
	touch := newDelta(s.edgeID, 2*len(changes))
	about, citing := newDelta(s.refID, 0), newDelta(s.refID, 2*len(changes))
	var gone []relRef
	var dated, undated []datedItem
	var old graph.Relationship // scratch: what the write replaces
	for id, r := range changes {
		ref, had := s.find(id)
		var oldEnds, newEnds, oldAbout, newAbout, oldCited, newCited []string
		var ends [2]touchEnd
		var oldDay, newDay int32
		if had {
			s.decode(ref, &old)
			s.count(&s.counters, &old, -1)
			oldEnds, oldAbout, oldCited = s.entityStrings(touchKeys(&old)), s.entityStrings(old.About), old.Articles()
			oldDay = dayOf(old.Date)
		}
		switch {
		case r != nil && had:
			s.rels[ref] = relationshipValue(r) // same id: every list keeps its place
		case r != nil:
			ref = s.addRel(relationshipValue(r))
			order.add = append(order.add, withID[relRef]{id, ref})
		case had:
			order.remove(id)
			gone = append(gone, ref) // its value names it until every list has dropped it
		}
		if r != nil {
			s.count(&s.counters, r, +1)
			var n int
			ends, n = s.endsOf(ref, r)
			newEnds = make([]string, n)
			for i := range n {
				newEnds[i] = ends[i].key
			}
			newAbout, newCited = s.entityStrings(r.About), r.Articles()
			newDay = dayOf(r.Date)
		}
		// A rewrite that keeps the start day keeps its place in the timeline: same day, same
		// number, same item.
		if oldDay != newDay {
			if oldDay != 0 {
				undated = append(undated, datedItem{day: oldDay, rel: ref})
			}
			if newDay != 0 {
				dated = append(dated, datedItem{day: newDay, rel: ref})
			}
		}
		for _, k := range oldEnds {
			if !slices.Contains(newEnds, k) {
				touch.remove(k, id)
			}
		}
		for i, k := range newEnds {
			touch.add(k, ends[i].edge) // replaces the old edge, if any
		}
		about.move(ref, oldAbout, newAbout)
		citing.move(ref, oldCited, newCited)
	}
	// Each index is its own structure, and while they change only reads s.rels: a large
	// batch, such as a bulk load's, updates them side by side.
	var wg sync.WaitGroup
	run := func(f func()) { f() }
	if len(changes) >= parallelApply {
		run = wg.Go
	}
	run(func() {
		for _, item := range undated {
			s.dated.Delete(item)
		}
		for _, item := range dated {
			s.dated.Set(item)
		}
	})
	run(func() { s.order = applySorted(s.order, order, s.refID) })
	run(func() { touch.applyTo(s.touch) })
	run(func() { about.applyTo(s.about) })
	citing.applyWith(func(article string, change func([]relRef) []relRef) {
		n, ok := s.articles[article]
		if !ok {
			if refs := change(nil); len(refs) > 0 {
				s.slots[s.slotOf(article)].citing = refs
			}
			return
		}
		if s.slots[n].citing = change(s.slots[n].citing); len(s.slots[n].citing) == 0 {
			s.slots[n].citing = nil
			s.dropUnused(article)
		}
	})
	wg.Wait()
	for _, ref := range gone {
		s.rels[ref] = ""
	}
}

// entityStrings returns ids with each replaced by the state's copy of it, if there is one:
// a map keeps the key last stored under it, which must not keep a relationship's value alive.
func (s *state) entityStrings(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i], _ = s.entityString(id)
	}
	return out
}

// touchKeys returns the entities whose touch list holds r: its From and To, once each.
func touchKeys(r *graph.Relationship) []string {
	if r.To == "" || r.To == r.From {
		return []string{r.From}
	}
	return []string{r.From, r.To}
}

// count adds n times r to c, keyed by the state's copies of entity ids.
func (s *state) count(c *counters, r *graph.Relationship, n int) {
	c.relsByType[r.Type] += n
	if r.ReviewOf() == graph.Rejected {
		c.rejected += n
	}
	if r.From == r.To {
		from, _ := s.entityString(r.From)
		if c.loops[from] += n; c.loops[from] == 0 {
			delete(c.loops, from)
		}
	}
	if !r.Negated {
		return
	}
	c.negatedByType[r.Type] += n
	for _, e := range touchKeys(r) {
		e, _ = s.entityString(e)
		if c.negatedTouch[e] += n; c.negatedTouch[e] == 0 {
			delete(c.negatedTouch, e)
		}
	}
}
