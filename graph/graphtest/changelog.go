package graphtest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// changeLogOf returns the store's change log, skipping the test when it keeps none.
func changeLogOf(t *testing.T, st store) graph.ChangeLog {
	t.Helper()
	cl, ok := st.Store.(graph.ChangeLog)
	if !ok {
		t.Skip("the store keeps no change log")
	}
	return cl
}

// history returns every entry of q, reading pages of two to exercise the cursors.
func history(t *testing.T, cl graph.ChangeLog, q graph.ChangeQuery) []graph.LogEntry {
	t.Helper()
	var out []graph.LogEntry
	q.Page = graph.Page{First: 2}
	for range 1000 {
		page, err := cl.Changes(t.Context(), q)
		if err != nil {
			t.Fatalf("changes %+v: %v", q, err)
		}
		out = append(out, page.Changes...)
		if !page.HasNextPage {
			return out
		}
		q.Page.After = page.EndCursor
	}
	t.Fatalf("changes %+v: pages never end", q)
	return nil
}

// recordOf finds the change of one record in an entry.
func recordOf(e graph.LogEntry, rec graph.Record, id string) (graph.RecordChange, bool) {
	i := slices.IndexFunc(e.Records, func(rc graph.RecordChange) bool { return rc.Record == rec && rc.ID == id })
	if i < 0 {
		return graph.RecordChange{}, false
	}
	return e.Records[i], true
}

func decode[T any](t *testing.T, what string, raw json.RawMessage) *T {
	t.Helper()
	if string(raw) == "null" {
		return nil
	}
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: decode %s: %v", what, raw, err)
	}
	return &v
}

// testChangeLog checks that every write leaves one entry with who, what and the values
// before and after, that merged and deleted records keep their history, that failed and
// empty writes leave none, and that the feed pages in order.
func (s suite) testChangeLog(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	cl := changeLogOf(t, st)
	start := history(t, cl, graph.ChangeQuery{})
	if len(start) != 1 || len(start[0].Records) != 11+5+10 {
		t.Fatalf("the fixture left %d entries (want 1 with 26 records): %+v", len(start), start)
	}

	alice, bob := graph.WithActor(ctx, "alice"), graph.WithActor(ctx, "bob")
	must(st.CreateEntity(alice, graph.Entity{ID: "ana-garcia", Kind: graph.Person, Name: "Ana García"}))(t)
	role := "Consul"
	must(st.UpdateEntity(bob, "ana-garcia", graph.EntityPatch{Role: &role}))(t)
	got := history(t, cl, graph.ChangeQuery{Record: graph.EntityRecord, ID: "ana-garcia"})
	if len(got) != 2 {
		t.Fatalf("history of ana-garcia: %d entries, want 2: %+v", len(got), got)
	}
	for i, want := range []struct{ actor, op, roleBefore, roleAfter string }{
		{"alice", "create entity", "", ""}, {"bob", "update entity", "", "Consul"},
	} {
		e := got[i]
		if e.Actor != want.actor || e.Operation != want.op || e.Time.IsZero() {
			t.Errorf("entry %d: %s by %q at %v, want %s by %q", i, e.Operation, e.Actor, e.Time, want.op, want.actor)
		}
		rc, ok := recordOf(e, graph.EntityRecord, "ana-garcia")
		if !ok {
			t.Fatalf("entry %d does not record ana-garcia: %+v", i, e)
		}
		before, after := decode[graph.Entity](t, "before", rc.Before), decode[graph.Entity](t, "after", rc.After)
		if (before == nil) != (i == 0) || after == nil || after.Role != want.roleAfter || before != nil && before.Role != want.roleBefore {
			t.Errorf("entry %d: before %+v after %+v, want role %q → %q", i, before, after, want.roleBefore, want.roleAfter)
		}
	}
	if got[1].Seq <= got[0].Seq || got[1].Time.Before(got[0].Time) {
		t.Errorf("entries out of order: %+v", got)
	}

	// A merge records both sides; the absorbed entity's history stays readable by its id.
	carol := graph.WithActor(ctx, "carol")
	must(st.MergeEntities(carol, mexicoGov, []string{amlo}))(t)
	for _, id := range []string{mexicoGov, amlo} {
		h := history(t, cl, graph.ChangeQuery{Record: graph.EntityRecord, ID: id})
		last := h[len(h)-1]
		if last.Operation != "merge entities" || last.Actor != "carol" {
			t.Fatalf("history of %s ends with %s by %q, want the merge by carol", id, last.Operation, last.Actor)
		}
		gone, ok1 := recordOf(last, graph.EntityRecord, amlo)
		surv, ok2 := recordOf(last, graph.EntityRecord, mexicoGov)
		if !ok1 || !ok2 || string(gone.After) != "null" || decode[graph.Entity](t, "gone", gone.Before).Name != "Andrés Manuel López Obrador" {
			t.Fatalf("merge entry lacks a side: %+v", last)
		}
		if after := decode[graph.Entity](t, "survivor", surv.After); !slices.Contains(after.Aliases, "AMLO") {
			t.Errorf("survivor after the merge: %+v, want AMLO among its aliases", after)
		}
		if rc, ok := recordOf(last, graph.RelationshipRecord, rAccused); !ok || decode[graph.Relationship](t, "accused", rc.After).From != mexicoGov {
			t.Errorf("merge entry does not show %s moving to the survivor: %+v", rAccused, last.Records)
		}
	}

	// A deletion, with its cascade, is one entry; the deleted record's history remains.
	must(0, st.DeleteEntity(bob, diplomats))(t)
	h := history(t, cl, graph.ChangeQuery{Record: graph.EntityRecord, ID: diplomats})
	last := h[len(h)-1]
	if last.Operation != "delete entity" || last.Actor != "bob" {
		t.Fatalf("history of deleted %s ends with %+v", diplomats, last)
	}
	if rc, ok := recordOf(last, graph.RelationshipRecord, rDiplomats); !ok || string(rc.After) != "null" {
		t.Errorf("deletion entry lacks the cascaded %s: %+v", rDiplomats, last.Records)
	}
	if rc, ok := recordOf(last, graph.RelationshipRecord, rRequested); !ok || len(decode[graph.Relationship](t, "requested", rc.After).About) != 0 {
		t.Errorf("deletion entry lacks %s losing its About: %+v", rRequested, last.Records)
	}

	// Writes that change nothing, or fail, leave no entry.
	all := history(t, cl, graph.ChangeQuery{})
	if _, err := st.Apply(alice, graph.Batch{Entities: []graph.Entity{{ID: ebrard, Kind: graph.Person, Name: "Marcelo Ebrard", Country: "MX", Role: "Foreign minister (2018–2023)"}}}); err != nil {
		t.Fatal(err)
	}
	_, err := st.CreateEntity(alice, graph.Entity{ID: ebrard, Kind: graph.Person, Name: "Taken"})
	wantCode(t, "create a taken id", err, graph.ECONFLICT)
	if again := history(t, cl, graph.ChangeQuery{}); len(again) != len(all) {
		t.Errorf("a write that changed nothing and a failed one added %d entries", len(again)-len(all))
	}

	// The feed: in Seq order from 1, each entry once; since keeps the later ones.
	for i, e := range all {
		if e.Seq != int64(i+1) {
			t.Fatalf("feed entry %d has seq %d", i, e.Seq)
		}
	}
	since := all[2].Time
	later := history(t, cl, graph.ChangeQuery{Since: since})
	if len(later) == 0 || later[0].Seq > all[2].Seq || later[len(later)-1].Seq != all[len(all)-1].Seq {
		t.Errorf("since %v: entries %v, want from at most seq %d to the last", since, seqs(later), all[2].Seq)
	}
	for _, e := range later {
		if e.Time.Before(since) {
			t.Errorf("since %v returned entry %d of %v", since, e.Seq, e.Time)
		}
	}

	for name, q := range map[string]graph.ChangeQuery{
		"bad cursor":     {Page: graph.Page{After: "x"}},
		"id, no record":  {ID: amlo},
		"unknown record": {Record: "edge", ID: amlo},
		"huge page":      {Page: graph.Page{First: graph.MaxPageSize + 1}},
	} {
		_, err := cl.Changes(ctx, q)
		wantCode(t, name, err, graph.EINVALID)
	}
}

func seqs(es []graph.LogEntry) []int64 {
	out := make([]int64, len(es))
	for i, e := range es {
		out[i] = e.Seq
	}
	return out
}

// testReview checks origins and review states: extracted relationships wait as PROPOSED,
// a decision is recorded (again and again), REJECTED is left out unless asked for, and a
// write that makes no decision never undoes one.
func (s suite) testReview(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	if r := must(st.Relationship(ctx, rWarned))(t); r.OriginOf() != graph.Curated || r.ReviewOf() != graph.Confirmed {
		t.Errorf("a fixture relationship reads as %s/%s, want CURATED/CONFIRMED", r.OriginOf(), r.ReviewOf())
	}
	extracted := graph.Relationship{ID: "x-accused", Type: graph.Accused, From: russiaGov, To: usGov, Origin: graph.Extracted,
		Confidence: 0.7, Review: graph.Review{State: graph.Proposed}, Evidence: []graph.Evidence{{Article: nyt2, Excerpt: "machine-read"}}}
	if _, err := st.Apply(ctx, graph.Batch{Relationships: []graph.Relationship{extracted}}); err != nil {
		t.Fatal(err)
	}
	r := must(st.Relationship(ctx, "x-accused"))(t)
	if r.Origin != graph.Extracted || r.Confidence != 0.7 || r.ReviewOf() != graph.Proposed {
		t.Fatalf("extracted relationship stored as %+v", r)
	}
	listed := func(review ...graph.ReviewState) []string {
		return relIDs(allRels(t, st, graph.RelationshipQuery{From: russiaGov,
			RelationshipFilter: graph.RelationshipFilter{Review: review}}, 10))
	}
	sameIDs(t, "proposed by default", listed(), []string{"x-accused"})
	sameIDs(t, "proposed only", listed(graph.Proposed), []string{"x-accused"})

	dana := graph.WithActor(ctx, "dana")
	_, err := st.ReviewRelationship(dana, "x-accused", graph.Rejected, "  the article says the opposite ")
	if err != nil {
		t.Fatal(err)
	}
	r = must(st.Relationship(ctx, "x-accused"))(t)
	if r.Review.State != graph.Rejected || r.Review.Reviewer != "dana" || r.Review.Note != "the article says the opposite" || r.Review.Time == "" {
		t.Fatalf("after rejection: %+v", r.Review)
	}
	sameIDs(t, "rejected left out by default", listed(), nil)
	for name, q := range map[string]graph.RelationshipQuery{"all": {}, "of an entity": {Entity: usGov}} {
		for _, review := range [][]graph.ReviewState{nil, graph.ReviewStates, {graph.Rejected}} {
			q.Review = review
			page := must(st.ListRelationships(ctx, q))(t)
			if want := len(allRels(t, st, q, 100)); page.TotalCount != want {
				t.Errorf("%s, review %v: totalCount %d, want the %d listed", name, review, page.TotalCount, want)
			}
		}
	}
	sameIDs(t, "rejected when asked for", listed(graph.Rejected), []string{"x-accused"})
	sub := must(st.Neighborhood(ctx, graph.NeighborhoodQuery{Center: russiaGov, Depth: 1}))(t)
	if slices.Contains(relIDs(sub.Edges), "x-accused") {
		t.Errorf("a rejected relationship is an edge of a neighbourhood")
	}

	// The extractor writing the same relationship again keeps the rejection.
	extracted.Evidence = []graph.Evidence{{Article: reuters1}}
	if _, err := st.Apply(ctx, graph.Batch{Relationships: []graph.Relationship{extracted}}); err != nil {
		t.Fatal(err)
	}
	if r = must(st.Relationship(ctx, "x-accused"))(t); r.ReviewOf() != graph.Rejected || len(r.Evidence) != 2 {
		t.Fatalf("re-extraction: review %s with %d evidence, want REJECTED with 2", r.ReviewOf(), len(r.Evidence))
	}
	// So does the extractor corroborating a curated relationship.
	curated := fixtureRel(rAccused)
	curated.Origin, curated.Review = graph.Extracted, graph.Review{State: graph.Proposed}
	if _, err := st.Apply(ctx, graph.Batch{Relationships: []graph.Relationship{curated}}); err != nil {
		t.Fatal(err)
	}
	if r := must(st.Relationship(ctx, rAccused))(t); r.OriginOf() != graph.Curated || r.ReviewOf() != graph.Confirmed {
		t.Errorf("corroborated curated relationship became %s/%s", r.OriginOf(), r.ReviewOf())
	}

	// Deciding again is a new change, with the old decision as its before.
	if _, err := st.ReviewRelationship(graph.WithActor(ctx, "erin"), "x-accused", graph.Confirmed, ""); err != nil {
		t.Fatal(err)
	}
	if cl, ok := st.Store.(graph.ChangeLog); ok {
		h := history(t, cl, graph.ChangeQuery{Record: graph.RelationshipRecord, ID: "x-accused"})
		var ops []string
		for _, e := range h {
			ops = append(ops, e.Operation+" by "+e.Actor)
		}
		want := []string{" by ", "review relationship by dana", " by ", "review relationship by erin"}
		if strings.Join(ops, "|") != strings.Join(want, "|") {
			t.Errorf("history of x-accused: %q, want %q", ops, want)
		}
		last := h[len(h)-1].Records[0]
		if b, a := decode[graph.Relationship](t, "before", last.Before), decode[graph.Relationship](t, "after", last.After); b.Review.State != graph.Rejected || a.Review.State != graph.Confirmed || a.Review.Reviewer != "erin" {
			t.Errorf("second decision: before %+v after %+v", b.Review, a.Review)
		}
	}

	_, err = st.ReviewRelationship(dana, "ghost", graph.Confirmed, "")
	wantCode(t, "review of a missing id", err, graph.ENOTFOUND)
	_, err = st.ReviewRelationship(dana, "x-accused", "MAYBE", "")
	wantCode(t, "unknown decision", err, graph.EINVALID)
	if err == nil || !strings.Contains(err.Error(), "CONFIRMED, REJECTED") {
		t.Errorf("unknown decision: %v, want the valid decisions named", err)
	}
	_, err = st.ReviewRelationship(dana, "x-accused", graph.Proposed, "")
	wantCode(t, "PROPOSED is no decision", err, graph.EINVALID)
	_, err = st.ListRelationships(ctx, graph.RelationshipQuery{RelationshipFilter: graph.RelationshipFilter{Review: []graph.ReviewState{"LATER"}}})
	wantCode(t, "unknown review filter", err, graph.EINVALID)
	bad := extracted
	bad.Confidence = 2
	_, err = st.Apply(ctx, graph.Batch{Relationships: []graph.Relationship{bad}})
	wantCode(t, "confidence above 1", err, graph.EINVALID)
}
