// Package graphtest is the conformance suite of graph.Store: every store runs Run (and
// RunPersistence when it can be reopened) so that every backend answers alike. The suite
// builds its own data through the store's Apply and the graph.Writer built on it, and
// compares results by content; lists are compared with nil and empty alike.
//
// What a backend owes is documented once, on the interfaces and methods of graph/store.go
// and on graph.Batch; the suite checks those rules and nothing else.
package graphtest

import (
	"reflect"
	"slices"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// Run runs the conformance suite. Every call of open must return a new, empty store; the
// suite closes it.
func Run(t *testing.T, open func(t *testing.T) graph.Store) {
	s := suite{open: open}
	t.Run("Entities", s.testEntities)
	t.Run("EntityValidation", s.testEntityValidation)
	t.Run("UpdateEntity", s.testUpdateEntity)
	t.Run("Articles", s.testArticles)
	t.Run("Relationships", s.testRelationships)
	t.Run("SourceCount", s.testSourceCount)
	t.Run("AddEvidence", s.testAddEvidence)
	t.Run("ListEntities", s.testListEntities)
	t.Run("ListArticles", s.testListArticles)
	t.Run("ListRelationships", s.testListRelationships)
	t.Run("RelationshipFilters", s.testRelationshipFilters)
	t.Run("Pagination", s.testPagination)
	t.Run("ScanRelationships", s.testScan)
	t.Run("Search", s.testSearch)
	t.Run("Names", s.testNames)
	t.Run("Merge", s.testMerge)
	t.Run("DeleteEntity", s.testDeleteEntity)
	t.Run("DeleteRelationship", s.testDeleteRelationship)
	t.Run("Neighborhood", s.testNeighborhood)
	t.Run("Paths", s.testPaths)
	t.Run("Timeline", s.testTimeline)
	t.Run("TimelinePages", s.testTimelinePages)
	t.Run("Stats", s.testStats)
	t.Run("ApplyAtomic", s.testApplyAtomic)
	t.Run("ApplyIdempotent", s.testApplyIdempotent)
	t.Run("Preconditions", s.testPreconditions)
	t.Run("ConcurrentUpdates", s.testConcurrentUpdates)
	t.Run("Hostile", s.testHostile)
	t.Run("Concurrency", s.testConcurrency)
	t.Run("AgainstModel", s.testAgainstModel)
	t.Run("CanceledContext", s.testCanceled)
	t.Run("ChangeLog", s.testChangeLog)
	t.Run("Review", s.testReview)
}

type suite struct {
	open func(t *testing.T) graph.Store
}

// store is a backend with the single writes that graph.Writer builds on its Apply: the
// suite judges both, as every caller uses them together.
type store struct {
	graph.Store
	*graph.Writer
}

func withWriter(st graph.Store) store { return store{Store: st, Writer: graph.NewWriter(st)} }

// empty opens a store and closes it when the test ends.
func (s suite) empty(t *testing.T) store {
	t.Helper()
	st := s.open(t)
	t.Cleanup(func() { _ = st.Close() })
	return withWriter(st)
}

// withFixture opens a store holding the fixture.
func (s suite) withFixture(t *testing.T) store {
	t.Helper()
	st := s.empty(t)
	if _, err := st.Apply(t.Context(), Fixture()); err != nil {
		t.Fatalf("apply fixture: %v", err)
	}
	return st
}

// must(call())(t) returns call's value, failing the test on an error.
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

// wantCode fails unless err carries one of codes.
func wantCode(t *testing.T, what string, err error, codes ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want %v", what, codes)
		return
	}
	if !slices.Contains(codes, graph.ErrorCode(err)) {
		t.Errorf("%s: error %q has code %s, want %v", what, err, graph.ErrorCode(err), codes)
	}
}

// Content comparison ignores the difference between nil and empty lists, which stores
// (and JSON) do not preserve.
func normEntity(e graph.Entity) graph.Entity {
	if len(e.Aliases) == 0 {
		e.Aliases = nil
	}
	return e
}

func normArticle(a graph.Article) graph.Article {
	if len(a.Authors) == 0 {
		a.Authors = nil
	}
	return a
}

func normRel(r graph.Relationship) graph.Relationship {
	if len(r.About) == 0 {
		r.About = nil
	}
	if len(r.Evidence) == 0 {
		r.Evidence = nil
	}
	return r
}

func sameEntity(t *testing.T, what string, got, want graph.Entity) {
	t.Helper()
	if !reflect.DeepEqual(normEntity(got), normEntity(want)) {
		t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

func sameArticle(t *testing.T, what string, got, want graph.Article) {
	t.Helper()
	if !reflect.DeepEqual(normArticle(got), normArticle(want)) {
		t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

func sameRel(t *testing.T, what string, got, want graph.Relationship) {
	t.Helper()
	if !reflect.DeepEqual(normRel(got), normRel(want)) {
		t.Errorf("%s:\n got  %#v\n want %#v", what, got, want)
	}
}

func entityIDs(es []graph.Entity) []string {
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	return ids
}

func relIDs(rs []graph.Relationship) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

func sameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// fixtureRel returns the fixture relationship with the id, as a store must return it.
func fixtureRel(id string) graph.Relationship {
	for _, r := range Fixture().Relationships {
		if r.ID == id {
			r.SourceCount = fixtureSources[id]
			return r
		}
	}
	panic("no fixture relationship " + id)
}

func fixtureEntity(id string) graph.Entity {
	for _, e := range Fixture().Entities {
		if e.ID == id {
			return e
		}
	}
	panic("no fixture entity " + id)
}

// expectedRels filters the fixture's relationships with q's Match, sorted by id: the
// reference answer for list queries.
func expectedRels(q graph.RelationshipQuery) []string {
	var ids []string
	for _, r := range Fixture().Relationships {
		r.SourceCount = fixtureSources[r.ID]
		if q.Match(r) {
			ids = append(ids, r.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// allRels lists every relationship matching q, following pages of the given size.
func allRels(t *testing.T, st graph.Querier, q graph.RelationshipQuery, size int) []graph.Relationship {
	t.Helper()
	var out []graph.Relationship
	q.Page = graph.Page{First: size}
	for range 1000 {
		p := must(st.ListRelationships(t.Context(), q))(t)
		out = append(out, p.Relationships...)
		if !p.HasNextPage {
			return out
		}
		q.Page.After = p.EndCursor
	}
	t.Fatal("pagination does not end")
	return nil
}
