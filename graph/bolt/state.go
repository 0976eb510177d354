package bolt

import (
	"slices"
	"strings"

	"github.com/dossiergraph/dossier/graph"
)

// state is the in-memory copy of the graph and its indexes. Readers use it under the store's
// read lock; it changes only through apply, under the write lock, once the change it applies
// is committed to bbolt. Lists in it are never handed to callers.
type state struct {
	entities map[string]graph.Entity
	articles map[string]graph.Article
	rels     map[string]graph.Relationship

	entityIDs, articleIDs, relIDs []string // sorted

	byKind   multiIndex // kind → entity ids
	byOutlet multiIndex // outlet id → article ids
	out      multiIndex // entity id → ids of relationships it is From of
	in       multiIndex // entity id → ids of relationships it is To of
	about    multiIndex // entity id → ids of relationships it is About
	citing   multiIndex // article id → ids of relationships citing it
	words    multiIndex // folded word of a name or alias → entity ids
	wordList []string   // the keys of words, sorted, for prefix search

	relsByType    map[graph.RelationType]int
	negatedByType map[graph.RelationType]int
}

func newState() *state {
	return &state{
		entities:      map[string]graph.Entity{},
		articles:      map[string]graph.Article{},
		rels:          map[string]graph.Relationship{},
		byKind:        multiIndex{},
		byOutlet:      multiIndex{},
		out:           multiIndex{},
		in:            multiIndex{},
		about:         multiIndex{},
		citing:        multiIndex{},
		words:         multiIndex{},
		relsByType:    map[graph.RelationType]int{},
		negatedByType: map[graph.RelationType]int{},
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

// apply makes c part of s and brings every index up to date.
func (s *state) apply(c *change) {
	s.applyEntities(c.entities)
	s.applyArticles(c.articles)
	s.applyRelationships(c.rels)
}

func (s *state) applyEntities(changes map[string]*graph.Entity) {
	ids, kinds, words := indexDelta{}, indexDelta{}, indexDelta{}
	for id, e := range changes {
		old, had := s.entities[id]
		var oldKind, newKind, oldWords, newWords []string
		if had {
			oldKind, oldWords = []string{string(old.Kind)}, entityWords(old)
		}
		if e != nil {
			newKind, newWords = []string{string(e.Kind)}, entityWords(*e)
			s.entities[id] = *e
		} else {
			delete(s.entities, id)
		}
		switch {
		case !had && e != nil:
			ids.at("").add = append(ids.at("").add, id)
		case had && e == nil:
			ids.at("").del[id] = true
		}
		kinds.move(id, oldKind, newKind)
		words.move(id, oldWords, newWords)
	}
	if c := ids[""]; c != nil {
		s.entityIDs = applyIDs(s.entityIDs, c)
	}
	kinds.applyTo(s.byKind)
	created, dropped := words.applyTo(s.words)
	if len(created)+len(dropped) > 0 {
		c := &idChanges{add: created, del: map[string]bool{}}
		for _, w := range dropped {
			c.del[w] = true
		}
		s.wordList = applyIDs(s.wordList, c)
	}
}

func (s *state) applyArticles(changes map[string]*graph.Article) {
	ids, outlets := indexDelta{}, indexDelta{}
	for id, a := range changes {
		old, had := s.articles[id]
		var oldOutlet, newOutlet []string
		if had {
			oldOutlet = []string{old.Outlet}
		}
		if a != nil {
			newOutlet = []string{a.Outlet}
			s.articles[id] = *a
		} else {
			delete(s.articles, id)
		}
		switch {
		case !had && a != nil:
			ids.at("").add = append(ids.at("").add, id)
		case had && a == nil:
			ids.at("").del[id] = true
		}
		outlets.move(id, oldOutlet, newOutlet)
	}
	if c := ids[""]; c != nil {
		s.articleIDs = applyIDs(s.articleIDs, c)
	}
	outlets.applyTo(s.byOutlet)
}

func (s *state) applyRelationships(changes map[string]*graph.Relationship) {
	ids, out, in, about, citing := indexDelta{}, indexDelta{}, indexDelta{}, indexDelta{}, indexDelta{}
	for id, r := range changes {
		old, had := s.rels[id]
		var oldR, newR graph.Relationship
		if had {
			oldR = old
			s.count(old, -1)
		}
		if r != nil {
			newR = *r
			s.rels[id] = *r
			s.count(*r, +1)
		} else {
			delete(s.rels, id)
		}
		switch {
		case !had && r != nil:
			ids.at("").add = append(ids.at("").add, id)
		case had && r == nil:
			ids.at("").del[id] = true
		}
		out.move(id, nonEmpty(oldR.From), nonEmpty(newR.From))
		in.move(id, nonEmpty(oldR.To), nonEmpty(newR.To))
		about.move(id, oldR.About, newR.About)
		citing.move(id, oldR.Articles(), newR.Articles())
	}
	if c := ids[""]; c != nil {
		s.relIDs = applyIDs(s.relIDs, c)
	}
	out.applyTo(s.out)
	in.applyTo(s.in)
	about.applyTo(s.about)
	citing.applyTo(s.citing)
}

func (s *state) count(r graph.Relationship, n int) {
	s.relsByType[r.Type] += n
	if r.Negated {
		s.negatedByType[r.Type] += n
	}
}

func nonEmpty(id string) []string {
	if id == "" {
		return nil
	}
	return []string{id}
}

// entityWords returns the distinct folded words of e's name and aliases.
func entityWords(e graph.Entity) []string {
	var words []string
	for _, name := range append([]string{e.Name}, e.Aliases...) {
		for _, w := range strings.Fields(graph.Fold(name)) {
			if !slices.Contains(words, w) {
				words = append(words, w)
			}
		}
	}
	return words
}

// touching returns the ids of the relationships e is From or To of, sorted, each once.
func (s *state) touching(e string) []string {
	return mergeSorted(s.out[e], s.in[e])
}
