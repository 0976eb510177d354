package bolt

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/dossiergraph/dossier/graph"
)

// Memory holds relationships encoded, as bbolt does, and decodes one when it is read: a
// decoded relationship is a struct of about twenty pointers, and the garbage collector read
// all of them, half a million at a time, on Open and in every cycle after it. What walks,
// counts and the default filter need of a relationship is kept in its edges and counters.

// relRef is a relationship's number: its place in state.rels. Numbers of deleted
// relationships stay unused.
type relRef int32

// refID returns the id of the relationship numbered ref, in the value's memory.
func (s *state) refID(ref relRef) string { return relationshipID(s.rels[ref]) }

// refIDs returns the ids of the relationships numbered refs.
func (s *state) refIDs(refs []relRef) []string {
	ids := make([]string, len(refs))
	for i, ref := range refs {
		ids[i] = s.refID(ref)
	}
	return ids
}

// sortByID sorts refs by their relationships' ids, each read once.
func (s *state) sortByID(refs []relRef) []relRef {
	type withID struct {
		id  string
		ref relRef
	}
	byID := make([]withID, len(refs))
	for i, ref := range refs {
		byID[i] = withID{s.refID(ref), ref}
	}
	slices.SortFunc(byID, func(a, b withID) int { return strings.Compare(a.id, b.id) })
	for i, x := range byID {
		refs[i] = x.ref
	}
	return refs
}

// find returns the number of the relationship with the id.
func (s *state) find(id string) (relRef, bool) {
	// A new id past the last, as a bulk load's ids are, is answered without the search's
	// twenty cache misses.
	if n := len(s.order); n == 0 || s.refID(s.order[n-1]) < id {
		return 0, false
	}
	i, ok := slices.BinarySearchFunc(s.order, id, func(ref relRef, id string) int { return strings.Compare(s.refID(ref), id) })
	if !ok {
		return 0, false
	}
	return s.order[i], true
}

// decode decodes the relationship numbered ref into *r, reusing r's lists (see
// decodeRelationshipInto). r's strings are cut out of the value, which nobody changes.
func (s *state) decode(ref relRef, r *graph.Relationship) {
	if err := decodeRelationshipInto(&decoder{s: s.rels[ref]}, r); err != nil {
		panic("bolt: a relationship in memory does not decode: " + err.Error())
	}
}

// decoded returns the relationship numbered ref, in memory of its own but for its strings.
func (s *state) decoded(ref relRef) graph.Relationship {
	var r graph.Relationship
	s.decode(ref, &r)
	return r
}

// relationship returns the relationship with the id.
func (s *state) relationship(id string) (graph.Relationship, bool) {
	ref, ok := s.find(id)
	if !ok {
		return graph.Relationship{}, false
	}
	return s.decoded(ref), true
}

// addRel numbers a new relationship, encoded as v.
func (s *state) addRel(v string) relRef {
	s.rels = append(s.rels, v)
	return relRef(len(s.rels) - 1)
}

// addRelationships fills an empty state's relationships and their indexes, after its
// entities and articles. The values must be sorted by id and stay unchanged: they become
// the state's. Workers read each value once, in ranges of id order; each gathers its items
// for every index, and merging the ranges in order keeps every list in id order.
func (s *state) addRelationships(ctx context.Context, values []string) error {
	s.rels = values
	s.order = make([]relRef, len(values))
	for i := range s.order {
		s.order[i] = relRef(i)
	}
	workers := min(runtime.GOMAXPROCS(0), 1+len(values)/1024)
	parts := make([]relItems, workers)
	share := (len(values) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range parts {
		lo, hi := w*share, min((w+1)*share, len(values))
		wg.Go(func() { parts[w] = s.readRelationships(ctx, lo, hi) })
	}
	wg.Wait()
	var touch []keyed[edge]
	var about, citing []keyed[relRef]
	var dated []uint64
	for i := range parts {
		p := &parts[i]
		if p.err != nil {
			return p.err
		}
		touch, about, citing = append(touch, p.touch...), append(about, p.about...), append(citing, p.citing...)
		dated = append(dated, p.dated...)
		s.counters.add(&p.counters)
		// An id that names no entity or article, which no consistent store has, is kept as
		// apply would keep it.
		for _, u := range p.unknownEnds {
			s.touch[u.key] = append(s.touch[u.key], u.item)
		}
		for _, u := range p.unknownAbout {
			s.about[u.key] = append(s.about[u.key], u.item)
		}
	}
	for i := range parts {
		for _, u := range parts[i].unknownCited {
			citing = append(citing, keyed[relRef]{s.slotOf(u.key), u.item})
		}
	}
	var build sync.WaitGroup
	build.Go(func() { s.dated = s.buildDated(dated) })
	for n, edges := range cutLists(len(s.names), touch) {
		if len(edges) > 0 {
			s.touch[s.names[n]] = edges
		}
	}
	for n, refs := range cutLists(len(s.names), about) {
		if len(refs) > 0 {
			s.about[s.names[n]] = refs
		}
	}
	for n, refs := range cutLists(len(s.slots), citing) {
		if len(refs) > 0 {
			s.slots[n].citing = refs
		}
	}
	build.Wait()
	return nil
}

// relItems is what a worker of addRelationships gathers for the indexes.
type relItems struct {
	touch                      []keyed[edge]
	about, citing              []keyed[relRef]
	dated                      []uint64 // see buildDated
	unknownEnds                []unkeyed[edge]
	unknownAbout, unknownCited []unkeyed[relRef]
	counters
	err error
}

// unkeyed is an index item whose list has no number: its key names no entity or article.
type unkeyed[T any] struct {
	key  string
	item T
}

// readRelationships reads the relationships numbered lo to hi for the indexes. It only
// reads the state, which nothing changes meanwhile.
func (s *state) readRelationships(ctx context.Context, lo, hi int) relItems {
	p := relItems{counters: newCounters()}
	p.touch = make([]keyed[edge], 0, 2*(hi-lo))
	p.citing = make([]keyed[relRef], 0, hi-lo)
	var r graph.Relationship // scratch: nothing of it is kept but strings of the value
	for i := lo; i < hi; i++ {
		if (i-lo)%4096 == 0 && ctx.Err() != nil {
			p.err = fmt.Errorf("load relationships: %w", ctx.Err())
			return p
		}
		ref := relRef(i)
		if err := decodeRelationshipInto(&decoder{s: s.rels[i]}, &r); err != nil {
			p.err = fmt.Errorf("decode relationships %q: %w", relationshipID(s.rels[i]), err)
			return p
		}
		p.addEnds(s, ref, &r)
		for _, e := range r.About {
			if n, ok := s.number[e]; ok {
				p.about = append(p.about, keyed[relRef]{n, ref})
			} else {
				p.unknownAbout = append(p.unknownAbout, unkeyed[relRef]{e, ref})
			}
		}
		for _, ev := range r.Evidence {
			if n, ok := s.articles[ev.Article]; ok {
				p.citing = append(p.citing, keyed[relRef]{n, ref})
			} else {
				p.unknownCited = append(p.unknownCited, unkeyed[relRef]{ev.Article, ref})
			}
		}
		if r.Date != "" {
			p.dated = append(p.dated, uint64(startDay(r.Date))<<32|uint64(ref))
		}
		s.count(&p.counters, &r, +1)
	}
	return p
}

// addEnds gathers r's edges for the touch lists of its ends.
func (p *relItems) addEnds(s *state, ref relRef, r *graph.Relationship) {
	ends, n := s.endsOf(ref, r)
	for _, e := range ends[:n] {
		if e.known {
			p.touch = append(p.touch, keyed[edge]{e.n, e.edge})
		} else {
			p.unknownEnds = append(p.unknownEnds, unkeyed[edge]{e.key, e.edge})
		}
	}
}
