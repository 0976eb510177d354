package graphtest

import (
	"context"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// testCanceled checks that every method gives up on a canceled context, writing nothing.
func (s suite) testCanceled(t *testing.T) {
	st := s.withFixture(t)
	before := snapshot(t, st)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	name := "Renamed"
	calls := map[string]func() error{
		"Entity":       func() error { _, err := st.Entity(ctx, usGov); return err },
		"EntitiesByID": func() error { _, err := st.EntitiesByID(ctx, []string{usGov}); return err },
		"ListEntities": func() error { _, err := st.ListEntities(ctx, graph.EntityQuery{}); return err },
		"Search":       func() error { _, err := st.SearchEntities(ctx, graph.SearchQuery{Text: "mexico"}); return err },
		"ScanEntities": func() error { return st.ScanEntities(ctx, func(graph.Entity) error { return nil }) },
		"Article":      func() error { _, err := st.Article(ctx, nyt1); return err },
		"ListArticles": func() error { _, err := st.ListArticles(ctx, graph.ArticleQuery{}); return err },
		"Relationship": func() error { _, err := st.Relationship(ctx, rWarned); return err },
		"List":         func() error { _, err := st.ListRelationships(ctx, graph.RelationshipQuery{}); return err },
		"Neighborhood": func() error { _, err := st.Neighborhood(ctx, graph.NeighborhoodQuery{Center: usGov}); return err },
		"Paths":        func() error { _, err := st.Paths(ctx, graph.PathQuery{From: usGov, To: ebrard}); return err },
		"Timeline":     func() error { _, err := st.Timeline(ctx, graph.TimelineQuery{}); return err },
		"Stats":        func() error { _, err := st.Stats(ctx); return err },
		"CreateEntity": func() error {
			_, err := st.CreateEntity(ctx, graph.Entity{ID: "late", Kind: graph.Person, Name: "Late"})
			return err
		},
		"UpdateEntity": func() error { _, err := st.UpdateEntity(ctx, usGov, graph.EntityPatch{Name: &name}); return err },
		"DeleteEntity": func() error { return st.DeleteEntity(ctx, ebrard) },
		"Merge":        func() error { _, err := st.MergeEntities(ctx, usGov, []string{amlo}); return err },
		"AddEvidence":  func() error { _, err := st.AddEvidence(ctx, rLeads, graph.Evidence{Article: nyt1}); return err },
		"DeleteRel":    func() error { return st.DeleteRelationship(ctx, rWarned) },
		"Apply":        func() error { _, err := st.Apply(ctx, Fixture()); return err },
		"CreateArticle": func() error {
			_, err := st.CreateArticle(ctx, graph.Article{ID: "late", Title: "T", Outlet: nyt})
			return err
		},
	}
	for name, call := range calls {
		if err := call(); err == nil {
			t.Errorf("%s with a canceled context: no error", name)
		}
	}
	if after := snapshot(t, st); !after.equal(before) {
		t.Errorf("writes with a canceled context changed the store: %s", after.diff(before))
	}
}
