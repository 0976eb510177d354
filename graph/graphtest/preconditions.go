package graphtest

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// testPreconditions checks that Apply checks a batch's preconditions inside its
// transaction, before it writes anything.
func (s suite) testPreconditions(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	before := snapshot(t, st)
	newcomer := graph.Entity{ID: "newcomer", Kind: graph.Person, Name: "Newcomer"}
	refused := []struct {
		name string
		cond graph.Precondition
		code string
	}{
		{"taken entity id", graph.Precondition{Record: graph.EntityRecord, ID: amlo}, graph.ECONFLICT},
		{"taken article id", graph.Precondition{Record: graph.ArticleRecord, ID: nyt1}, graph.ECONFLICT},
		{"taken relationship id", graph.Precondition{Record: graph.RelationshipRecord, ID: rWarned}, graph.ECONFLICT},
		{"missing entity", graph.Precondition{Record: graph.EntityRecord, ID: "ghost", Exists: true}, graph.ENOTFOUND},
		{"missing article", graph.Precondition{Record: graph.ArticleRecord, ID: "ghost", Exists: true}, graph.ENOTFOUND},
		{"missing relationship", graph.Precondition{Record: graph.RelationshipRecord, ID: "ghost", Exists: true}, graph.ENOTFOUND},
		{"stale entity version", graph.Precondition{Record: graph.EntityRecord, ID: amlo, Exists: true, Version: graph.Version(graph.Entity{ID: amlo})}, graph.ECONFLICT},
		{"stale relationship version", graph.Precondition{Record: graph.RelationshipRecord, ID: rWarned, Exists: true, Version: "0"}, graph.ECONFLICT},
		{"unknown record", graph.Precondition{Record: "edge", ID: rWarned}, graph.EINVALID},
		{"malformed id", graph.Precondition{Record: graph.EntityRecord, ID: "Not An Id"}, graph.EINVALID},
	}
	for _, c := range refused {
		// The batch's other items are valid: only the precondition can refuse it.
		_, err := st.Apply(ctx, graph.Batch{Require: []graph.Precondition{c.cond}, Entities: []graph.Entity{newcomer}})
		wantCode(t, c.name, err, c.code)
	}
	if after := snapshot(t, st); !after.equal(before) {
		t.Fatalf("refused batches wrote: %s", after.diff(before))
	}

	// Versions as read pass; the batch's own records come back as stored.
	amloNow := must(st.Entity(ctx, amlo))(t)
	warned := must(st.Relationship(ctx, rWarned))(t)
	article := must(st.Article(ctx, nyt1))(t)
	renamed := amloNow
	renamed.Description = "renamed under a version check"
	res := must(st.Apply(ctx, graph.Batch{
		Require: []graph.Precondition{
			{Record: graph.EntityRecord, ID: amlo, Exists: true, Version: graph.Version(amloNow)},
			{Record: graph.RelationshipRecord, ID: rWarned, Exists: true, Version: graph.Version(warned)},
			{Record: graph.ArticleRecord, ID: nyt1, Exists: true, Version: graph.Version(article)},
			{Record: graph.EntityRecord, ID: newcomer.ID},
		},
		Entities: []graph.Entity{renamed, newcomer},
		Return:   true,
		Change:   graph.Change{Actor: "graphtest", Operation: "precondition test"},
	}))(t)
	if res.Stored == nil || len(res.Stored.Entities) != 2 || res.Stored.Entities[0].Description != renamed.Description || res.Stored.Entities[1].ID != newcomer.ID {
		t.Errorf("Apply with Return gave %+v, want %s renamed and %s", res.Stored, amlo, newcomer.ID)
	}
	if res.EntitiesUpdated != 1 || res.EntitiesCreated != 1 {
		t.Errorf("Apply counted %+v, want 1 entity updated and 1 created", res)
	}
	// The version read before that write is stale now.
	_, err := st.Apply(ctx, graph.Batch{
		Require:  []graph.Precondition{{Record: graph.EntityRecord, ID: amlo, Exists: true, Version: graph.Version(amloNow)}},
		Entities: []graph.Entity{amloNow},
	})
	wantCode(t, "write on a version overtaken by another", err, graph.ECONFLICT)
	sameEntity(t, "entity after the refused write", must(st.Entity(ctx, amlo))(t), renamed.Canonical())

	// Deletions through Apply: each id must exist, and a refused one deletes nothing.
	_, err = st.Apply(ctx, graph.Batch{DeleteRelationships: []string{rWarned, "ghost"}})
	wantCode(t, "deleting a missing relationship among others", err, graph.ENOTFOUND)
	must(st.Relationship(ctx, rWarned))(t)
	_, err = st.Apply(ctx, graph.Batch{DeleteEntities: []string{gru, "ghost"}})
	wantCode(t, "deleting a missing entity among others", err, graph.ENOTFOUND)
	must(st.Entity(ctx, gru))(t)
	// An id named twice is deleted once.
	res = must(st.Apply(ctx, graph.Batch{DeleteRelationships: []string{rWarned, rDenied, rWarned}, DeleteEntities: []string{gru, gru}}))(t)
	if res.RelationshipsDeleted != 2 || res.EntitiesDeleted != 1 {
		t.Errorf("deletions counted %+v, want 2 relationships and 1 entity", res)
	}

	// A batch is one of upserts, a merge, or deletions.
	for name, b := range map[string]graph.Batch{
		"merge with upserts":   {Merges: []graph.Merge{{Survivor: usGov, Others: []string{russiaGov}}}, Entities: []graph.Entity{newcomer}},
		"two merges":           {Merges: []graph.Merge{{Survivor: usGov, Others: []string{russiaGov}}, {Survivor: amlo, Others: []string{ebrard}}}},
		"deletion and upserts": {DeleteEntities: []string{newcomer.ID}, Entities: []graph.Entity{newcomer}},
		"merge into itself":    {Merges: []graph.Merge{{Survivor: usGov, Others: []string{usGov}}}},
	} {
		_, err := st.Apply(ctx, b)
		wantCode(t, name, err, graph.EINVALID)
	}
	must(st.Entity(ctx, russiaGov))(t)
}

// testConcurrentUpdates checks that single writes that read before they write (AddEvidence,
// UpdateEntity) lose nothing when they race: each is applied on the state it read, or
// prepared again.
func (s suite) testConcurrentUpdates(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	articles := []string{nyt1, nyt2, pais1, reuters1, reuters2}
	var wg sync.WaitGroup
	errs := make(chan error, len(articles)*2)
	for i, a := range articles {
		wg.Go(func() {
			if _, err := st.AddEvidence(ctx, rLeads, graph.Evidence{Article: a, Excerpt: fmt.Sprintf("excerpt %d", i)}); err != nil {
				errs <- fmt.Errorf("add evidence %s: %w", a, err)
			}
		})
		wg.Go(func() {
			role := fmt.Sprintf("role %d", i)
			if _, err := st.UpdateEntity(ctx, ebrard, graph.EntityPatch{Role: &role}); err != nil {
				errs <- fmt.Errorf("update %s: %w", ebrard, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	r := must(st.Relationship(ctx, rLeads))(t)
	for _, a := range articles {
		if !slices.ContainsFunc(r.Evidence, func(ev graph.Evidence) bool { return ev.Article == a }) {
			t.Errorf("%s lost the evidence from %s to a concurrent write: %+v", rLeads, a, r.Evidence)
		}
	}
	if n := must(st.Relationship(ctx, rLeads))(t).SourceCount; n != 3 {
		t.Errorf("%s SourceCount = %d with evidence from all three outlets, want 3", rLeads, n)
	}
}
