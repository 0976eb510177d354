package bolt

import (
	"context"
	"slices"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// TestGroupCommit prepares queued writes as one group, as concurrent writers would be,
// and checks that each sees the ones before it, that a failed write leaves the others,
// that a write reading an index the group changes is prepared again after it, and that
// every write has its own change log entry, in order, on disk.
func TestGroupCommit(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, graph.Batch{Entities: []graph.Entity{
		{ID: "a", Kind: graph.Person, Name: "Ann"}, {ID: "b", Kind: graph.Person, Name: "Bo"},
	}}); err != nil {
		t.Fatal(err)
	}
	batches := []graph.Batch{
		{Relationships: []graph.Relationship{{ID: "r1", Type: graph.Warned, From: "a", To: "b"}}, Change: graph.Change{Operation: "one"}},
		{Relationships: []graph.Relationship{{ID: "r2", Type: graph.Warned, From: "a", To: "missing"}}, Change: graph.Change{Operation: "fails"}},
		// Sees r1, created earlier in the group, though only the tx knows of it yet.
		{Relationships: []graph.Relationship{{ID: "r1", Type: graph.Warned, From: "a", To: "b", Summary: "again"}}, Change: graph.Change{Operation: "two"}},
		// The cascade reads the touch index, which does not hold r1 yet: prepared again.
		{DeleteEntities: []string{"b"}, Change: graph.Change{Operation: "three"}},
		{Entities: []graph.Entity{{ID: "c", Kind: graph.Person, Name: "Cy"}}, Change: graph.Change{Operation: "four"}},
	}
	results := make([]graph.BatchResult, len(batches))
	var queued []*pendingWrite
	for i, b := range batches {
		queued = append(queued, &pendingWrite{ctx: ctx, fn: prepare(ctx, b, &results[i]), done: make(chan error, 1)})
	}
	s.writeMu.Lock()
	s.commitQueued(queued)
	s.writeMu.Unlock()
	for i, w := range queued {
		if err := <-w.done; (err != nil) != (i == 1) {
			t.Errorf("write %d (%s): %v", i, batches[i].Change.Operation, err)
		}
	}
	if results[2].RelationshipsUpdated != 1 || results[3].EntitiesDeleted != 1 {
		t.Errorf("results: update %+v, delete %+v", results[2], results[3])
	}

	check := func(s *Store, when string) {
		t.Helper()
		if _, err := s.Relationship(ctx, "r1"); graph.ErrorCode(err) != graph.ENOTFOUND {
			t.Errorf("%s: r1 outlived the deletion of its end: %v", when, err)
		}
		if _, err := s.Entity(ctx, "c"); err != nil {
			t.Errorf("%s: entity c: %v", when, err)
		}
		page, err := s.Changes(ctx, graph.ChangeQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var ops []string
		for _, e := range page.Changes[1:] {
			ops = append(ops, e.Operation)
		}
		if want := []string{"one", "two", "three", "four"}; !slices.Equal(ops, want) {
			t.Errorf("%s: change log operations %v, want %v", when, ops, want)
		}
	}
	check(s, "after the group")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(context.WithoutCancel(ctx), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check(s, "after reopening")
}

// TestGroupCommitPanic checks that a write panicking while its group is prepared fails
// the others it took instead of leaving them waiting, and leaves the store usable.
func TestGroupCommitPanic(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var res graph.BatchResult
	other := &pendingWrite{ctx: ctx, fn: prepare(ctx, graph.Batch{Entities: []graph.Entity{{ID: "a", Kind: graph.Person, Name: "Ann"}}}, &res), done: make(chan error, 1)}
	s.queue = append(s.queue, other)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not reach the panicking writer")
			}
		}()
		_ = s.write(ctx, func(*tx) error { panic("boom") })
	}()
	if err := <-other.done; err == nil {
		t.Error("a write of the panicked group succeeded")
	}
	if _, err := s.Apply(ctx, graph.Batch{Entities: []graph.Entity{{ID: "b", Kind: graph.Person, Name: "Bo"}}}); err != nil {
		t.Errorf("write after the panic: %v", err)
	}
	if _, err := s.Entity(ctx, "a"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("the failed write shows: %v", err)
	}
}
