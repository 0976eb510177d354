package graphtest

import (
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// RunPersistence checks that a store keeps everything across a reopen. open(t, dir) opens
// the store kept in dir (for a server-backed store, dir may name the database or be
// ignored); the first call on a dir gets an empty store. The suite closes every store
// before it opens the next.
func RunPersistence(t *testing.T, open func(t *testing.T, dir string) graph.Store) {
	dir := t.TempDir()
	ctx := t.Context()
	st := withWriter(open(t, dir))
	must(st.Apply(ctx, Fixture()))(t)
	hostile := graph.Entity{ID: "hostile", Kind: graph.Group, Name: hostileStrings[2], Aliases: hostileStrings[:2]}
	must(st.CreateEntity(ctx, hostile))(t)
	must(st.AddEvidence(ctx, rLeads, graph.Evidence{Article: reuters1, Excerpt: "x"}))(t)
	if err := st.DeleteRelationship(ctx, rBriefing); err != nil {
		t.Fatal(err)
	}
	must(st.MergeEntities(ctx, nyt, []string{elPais}))(t)
	before := snapshot(t, st)
	if err := st.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	st = withWriter(open(t, dir))
	t.Cleanup(func() { _ = st.Close() })
	after := snapshot(t, st)
	if !after.equal(before) {
		t.Fatalf("the reopened store differs: %s", after.diff(before))
	}
	// Indexes are rebuilt too, not only the records.
	if found := must(st.SearchEntities(ctx, graph.SearchQuery{Text: "El País"}))(t); len(found) == 0 || found[0].ID != nyt {
		t.Errorf("search after reopen = %q, want %s (merged El País)", entityIDs(found), nyt)
	}
	if p := must(st.ListRelationships(ctx, graph.RelationshipQuery{Entity: mexicoGov, Direction: graph.In}))(t); len(p.Relationships) == 0 {
		t.Error("adjacency lost on reopen: no relationships into mexico-government")
	}
	paths := must(st.Paths(ctx, graph.PathQuery{From: ebrard, To: usGov}))(t)
	if len(paths) != 3 {
		t.Errorf("paths after reopen: %d, want 3", len(paths))
	}
	if n := must(st.Relationship(ctx, rExpelled))(t).SourceCount; n != 2 {
		t.Errorf("%s SourceCount after reopen = %d, want 2", rExpelled, n)
	}
	// And the reopened store takes writes.
	must(st.CreateEntity(ctx, graph.Entity{ID: "after-reopen", Kind: graph.Person, Name: "After"}))(t)
}
