package bolt

import (
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/tidwall/btree"

	"github.com/dossiergraph/dossier/graph"
)

// state is the in-memory copy of the graph and its indexes. Readers use it under the store's
// read lock; it changes only through apply, under the write lock, once the change it applies
// is committed to bbolt. Stored relationships are never changed in place: a write stores a
// new value, so lists may point at them. Nothing in state is handed to callers uncopied.
type state struct {
	entities map[string]graph.Entity
	// articles numbers every article that exists or that evidence cites, and its slot holds
	// the article and the relationships citing it: one map keyed by article id, not two,
	// which at 250k articles cost 20 MB each.
	articles map[string]int32
	slots    []articleSlot

	entityIDs, articleIDs []string // sorted
	// allRels holds every relationship, sorted by id: a binary search finds one as fast as
	// a map would, at a tenth of the memory (see relationship).
	allRels []*graph.Relationship
	dated   *btree.BTreeG[datedItem] // the dated ones in timeline order (timeline.go)

	byKind   sortedIndex[string] // kind → entity ids
	byOutlet sortedIndex[string] // outlet id → article ids
	// Entities also have dense numbers, so that walks mark visited entities in arrays and
	// edges name their other end without a string. Numbers of deleted entities stay unused.
	number map[string]int32
	names  []string // number → entity id, "" once deleted
	// touch lists, for each entity, the relationships it is From or To of, so that walks
	// and entity pages read them without a lookup.
	touch    sortedIndex[edge]
	about    sortedIndex[string]       // entity id → ids of relationships it is About
	words    sortedIndex[*searchEntry] // folded word of a name or alias → entities
	wordList []string                  // the keys of words, sorted, for prefix search

	relsByType    map[graph.RelationType]int
	negatedByType map[graph.RelationType]int
	rejected      int            // relationships whose review is REJECTED: counters answer only while none is
	negatedTouch  map[string]int // entity id → negated relationships in its touch list
	loops         map[string]int // entity id → relationships from it to itself
}

// newState returns an empty state with room for the given numbers of records.
func newState(entities, articles int) *state {
	return &state{
		entities:      make(map[string]graph.Entity, entities),
		articles:      make(map[string]int32, articles),
		slots:         make([]articleSlot, 0, articles),
		dated:         newDated(),
		byKind:        sortedIndex[string]{},
		byOutlet:      sortedIndex[string]{},
		number:        make(map[string]int32, entities),
		names:         make([]string, 0, entities),
		touch:         make(sortedIndex[edge], entities),
		about:         sortedIndex[string]{},
		words:         sortedIndex[*searchEntry]{},
		relsByType:    map[graph.RelationType]int{},
		negatedByType: map[graph.RelationType]int{},
		negatedTouch:  map[string]int{},
		loops:         map[string]int{},
	}
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
	citing []string // ids of the relationships citing it, sorted
}

// edge is a relationship in the touch list of one of its ends.
type edge struct {
	r       *graph.Relationship
	other   int32 // number of the other end (of itself for a loop), noEnd without a To
	negated bool  // r.Negated, read here to spare walks a visit to r
	// rejected: r's review is REJECTED, which filters leave out by default
	rejected bool
}

// noEnd is the other end of an edge whose relationship has no To.
const noEnd = -1

func edgeID(e edge) string { return e.r.ID }

// edgeFrom returns r as an edge in the touch list of entity id.
func (s *state) edgeFrom(id string, r *graph.Relationship) edge {
	switch {
	case r.To == "":
		return newEdge(r, noEnd)
	case r.From == id:
		return newEdge(r, s.number[r.To])
	}
	return newEdge(r, s.number[r.From])
}

// newEdge returns r as an edge whose other end has the number other.
func newEdge(r *graph.Relationship, other int32) edge {
	return edge{r: r, other: other, negated: r.Negated, rejected: r.ReviewOf() == graph.Rejected}
}

// addNumber gives a new entity the next number.
func (s *state) addNumber(id string) {
	s.number[id] = int32(len(s.names))
	s.names = append(s.names, id)
}

// buildState returns the state holding the records, which must be sorted by id.
func buildState(entities []graph.Entity, articles []graph.Article, rels []*graph.Relationship) *state {
	s := newState(len(entities), len(articles))
	s.addEntities(entities)
	encoded := make([]string, len(articles))
	for i := range articles {
		encoded[i] = string(encodeArticle(&articles[i]))
	}
	s.addArticles(encoded)
	s.addRelationships(rels)
	return s
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

// citedBy returns the ids of the relationships citing the article, sorted. The list is
// the state's: read it under the read lock only.
func (s *state) citedBy(article string) []string {
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
		s.articles[id] = n
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

func (s *state) addRelationships(rels []*graph.Relationship) {
	s.allRels = rels
	// The indexes are independent of each other: built at once, open waits for the
	// longest, not for their sum.
	var wg sync.WaitGroup
	wg.Go(func() { s.dated = buildDated(rels) })
	wg.Go(func() { s.addTouch(rels) })
	for _, r := range rels {
		s.count(r, +1)
	}
	s.addAbout(rels)
	s.addCiting(rels)
	wg.Wait()
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

// addTouch fills the touch lists, gathered by entity number.
func (s *state) addTouch(rels []*graph.Relationship) {
	items := make([]keyed[edge], 0, 2*len(rels))
	for _, r := range rels {
		from, okFrom := s.number[r.From]
		to, okTo := int32(noEnd), true
		if r.To != "" && r.To != r.From {
			to, okTo = s.number[r.To]
		}
		if !okFrom || !okTo { // an end names no entity, which no consistent store has: kept as apply would keep it
			for _, k := range touchKeys(r) {
				if n, ok := s.number[k]; ok {
					items = append(items, keyed[edge]{n, s.edgeFrom(k, r)})
				} else {
					s.touch[k] = append(s.touch[k], s.edgeFrom(k, r))
				}
			}
			continue
		}
		other := to
		switch {
		case to != noEnd:
			items = append(items, keyed[edge]{to, newEdge(r, from)})
		case r.To != "": // a loop: its other end is itself
			other = from
		}
		items = append(items, keyed[edge]{from, newEdge(r, other)})
	}
	for n, edges := range cutLists(len(s.names), items) {
		if len(edges) > 0 {
			s.touch[s.names[n]] = edges
		}
	}
}

// addAbout fills the about lists, gathered by entity number.
func (s *state) addAbout(rels []*graph.Relationship) {
	var items []keyed[string]
	for _, r := range rels {
		for _, e := range r.About {
			if n, ok := s.number[e]; ok {
				items = append(items, keyed[string]{n, r.ID})
			} else { // as for touch lists
				s.about[e] = append(s.about[e], r.ID)
			}
		}
	}
	for n, ids := range cutLists(len(s.names), items) {
		if len(ids) > 0 {
			s.about[s.names[n]] = ids
		}
	}
}

// addCiting fills the citing lists, gathered by article number.
func (s *state) addCiting(rels []*graph.Relationship) {
	items := make([]keyed[string], 0, len(rels))
	for _, r := range rels {
		for _, ev := range r.Evidence {
			items = append(items, keyed[string]{s.slotOf(ev.Article), r.ID})
		}
	}
	for n, ids := range cutLists(len(s.slots), items) {
		if len(ids) > 0 {
			s.slots[n].citing = ids
		}
	}
}

// relationship returns the relationship with the id.
func (s *state) relationship(id string) (*graph.Relationship, bool) {
	i, ok := slices.BinarySearchFunc(s.allRels, id, func(r *graph.Relationship, id string) int { return strings.Compare(r.ID, id) })
	if !ok {
		return nil, false
	}
	return s.allRels[i], true
}

// entityString returns the state's copy of the entity id v, if there is one.
func (s *state) entityString(v string) (string, bool) {
	n, ok := s.number[v]
	if !ok {
		return v, false
	}
	return s.names[n], true
}

// articleString returns the state's copy of the article id v, if there is one.
func (s *state) articleString(v string) (string, bool) {
	if a, ok := s.articleValue(v); ok {
		return articleID(a), true
	}
	return v, false
}

// loadedArticleString is articleString for a state that addArticles just filled, whose
// slots are in articleIDs' order: reading the id there spares decoding the article's value,
// one more cache miss for each of the million pieces of evidence Open reads.
func (s *state) loadedArticleString(v string) (string, bool) {
	if n, ok := s.articles[v]; ok && int(n) < len(s.articleIDs) {
		return s.articleIDs[n], true
	}
	return v, false
}

// shareEntities replaces the entity ids r refers to with the state's copies of them, so
// that a written relationship costs no more memory than a loaded one (finishRelationship
// shares the article ids). r's lists must be its own.
func (s *state) shareEntities(r *graph.Relationship) {
	r.From, _ = s.entityString(r.From)
	r.To, _ = s.entityString(r.To)
	for i := range r.About {
		r.About[i], _ = s.entityString(r.About[i])
	}
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
	s.applyEntities(c.entities)
	s.applyArticles(c.articles)
	s.applyRelationships(c.rels)
}

func relID(r *graph.Relationship) string { return r.ID }

// applyIDs adds the created ids to and removes the deleted ones from a sorted id list.
func applyIDs(list []string, created, deleted []string) []string {
	c := &listChanges[string]{add: created}
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

func (s *state) applyRelationships(changes map[string]*graph.Relationship) {
	all := &listChanges[*graph.Relationship]{}
	// Every relationship has one or two ends and cites an article or two.
	touch := newDelta(edgeID, 2*len(changes))
	about, citing := newDelta(self, 0), newDelta(self, 2*len(changes))
	for id, r := range changes {
		old, had := s.relationship(id)
		moveDated(s.dated, old, r)
		var oldEnds, newEnds, oldAbout, newAbout, oldCited, newCited []string
		if had {
			s.count(old, -1)
			oldEnds, oldAbout, oldCited = touchKeys(old), old.About, old.Articles()
		}
		if r != nil {
			s.count(r, +1)
			newEnds, newAbout, newCited = touchKeys(r), r.About, r.Articles()
		}
		if r != nil {
			all.add = append(all.add, r) // replaces the old value, if any
		} else if had {
			all.remove(id)
		}
		for _, k := range oldEnds {
			if !slices.Contains(newEnds, k) {
				touch.remove(k, id)
			}
		}
		for _, k := range newEnds {
			touch.add(k, s.edgeFrom(k, r)) // replaces the old edge, if any
		}
		about.move(id, oldAbout, newAbout)
		citing.move(id, oldCited, newCited)
	}
	s.allRels = applySorted(s.allRels, all, relID)
	touch.applyTo(s.touch)
	about.applyTo(s.about)
	citing.applyWith(s.citedBy, func(article string, ids []string) {
		if len(ids) > 0 {
			s.slots[s.slotOf(article)].citing = ids
		} else if n, ok := s.articles[article]; ok {
			s.slots[n].citing = nil
			s.dropUnused(article)
		}
	})
}

// touchKeys returns the entities whose touch list holds r: its From and To, once each.
func touchKeys(r *graph.Relationship) []string {
	if r.To == "" || r.To == r.From {
		return []string{r.From}
	}
	return []string{r.From, r.To}
}

// count adds n times r to the counters.
func (s *state) count(r *graph.Relationship, n int) {
	s.relsByType[r.Type] += n
	if r.ReviewOf() == graph.Rejected {
		s.rejected += n
	}
	if r.From == r.To {
		if s.loops[r.From] += n; s.loops[r.From] == 0 {
			delete(s.loops, r.From)
		}
	}
	if !r.Negated {
		return
	}
	s.negatedByType[r.Type] += n
	for _, e := range touchKeys(r) {
		if s.negatedTouch[e] += n; s.negatedTouch[e] == 0 {
			delete(s.negatedTouch, e)
		}
	}
}
