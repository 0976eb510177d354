package bolt

import (
	"context"
	"slices"
	"strings"

	"github.com/dossiergraph/dossier/graph"
)

// CreateEntity implements graph.Writer.
func (s *Store) CreateEntity(ctx context.Context, e graph.Entity) (graph.Entity, error) {
	if e.ID == "" {
		e.ID = graph.Slug(e.Name)
	}
	if err := e.Validate(); err != nil {
		return graph.Entity{}, err
	}
	err := s.write(ctx, func(t *tx) error {
		if _, ok := t.entity(e.ID); ok {
			return graph.Errorf(graph.ECONFLICT, "entity %q already exists", e.ID)
		}
		t.putEntity(e)
		return nil
	})
	if err != nil {
		return graph.Entity{}, err
	}
	return e.Canonical(), nil
}

// UpdateEntity implements graph.Writer.
func (s *Store) UpdateEntity(ctx context.Context, id string, p graph.EntityPatch) (graph.Entity, error) {
	if err := graph.ValidateID("entity", id); err != nil {
		return graph.Entity{}, err
	}
	var updated graph.Entity
	err := s.write(ctx, func(t *tx) error {
		old, err := t.requireEntity("update", id)
		if err != nil {
			return err
		}
		updated = p.Apply(old)
		if err := updated.Validate(); err != nil {
			return err
		}
		if err := t.checkKindChange(old, updated.Kind); err != nil {
			return err
		}
		t.putEntity(updated)
		updated = updated.Canonical()
		return nil
	})
	if err != nil {
		return graph.Entity{}, err
	}
	return updated, nil
}

// checkKindChange refuses to turn an outlet with articles into another kind, which would
// leave its articles without an outlet.
func (t *tx) checkKindChange(old graph.Entity, kind graph.Kind) error {
	if old.Kind == graph.Outlet && kind != graph.Outlet && len(t.st.byOutlet[old.ID]) > 0 {
		return graph.Errorf(graph.ECONFLICT, "entity %s published %d articles and must stay an %s", old.ID, len(t.st.byOutlet[old.ID]), graph.Outlet)
	}
	return nil
}

// DeleteEntity implements graph.Writer.
func (s *Store) DeleteEntity(ctx context.Context, id string) error {
	if err := graph.ValidateID("entity", id); err != nil {
		return err
	}
	return s.write(ctx, func(t *tx) error {
		if _, err := t.requireEntity("delete", id); err != nil {
			return err
		}
		if n := len(t.st.byOutlet[id]); n > 0 {
			return graph.Errorf(graph.ECONFLICT, "entity %s published %d articles; delete or move them first (merge it into another outlet)", id, n)
		}
		for _, e := range t.st.touch[id] {
			t.deleteRelationship(e.r.ID)
		}
		for _, rid := range t.st.about[id] {
			r, ok := t.relationship(rid)
			if !ok {
				continue // deleted above
			}
			r.About = nilIfEmpty(slices.DeleteFunc(slices.Clone(r.About), func(a string) bool { return a == id }))
			t.putRelationship(r)
		}
		t.deleteEntity(id)
		return nil
	})
}

// MergeEntities implements graph.Writer.
func (s *Store) MergeEntities(ctx context.Context, survivor string, others []string) (graph.Entity, error) {
	others, err := graph.ValidateMerge(survivor, others)
	if err != nil {
		return graph.Entity{}, err
	}
	var merged graph.Entity
	err = s.write(ctx, func(t *tx) error {
		surv, err := t.requireEntity("merge survivor", survivor)
		if err != nil {
			return err
		}
		gone := make([]graph.Entity, len(others))
		isGone := map[string]bool{}
		for i, id := range others {
			if gone[i], err = t.requireEntity("merge", id); err != nil {
				return err
			}
			isGone[id] = true
			if err := t.checkKindChange(gone[i], surv.Kind); err != nil {
				return err
			}
		}
		surv.Aliases = graph.MergeAliases(surv, gone...)
		if err := surv.Validate(); err != nil {
			return err
		}
		moveTo := func(id string) string {
			if isGone[id] {
				return survivor
			}
			return id
		}
		var movedArticles []string
		for _, id := range others {
			for _, aid := range t.st.byOutlet[id] {
				a, _ := t.article(aid)
				a.Outlet = survivor
				t.putArticle(a)
				movedArticles = append(movedArticles, aid)
			}
			for _, rid := range slices.Concat(relIDsOf(t.st.touch[id]), t.st.about[id]) {
				r, _ := t.relationship(rid)
				r.From, r.To = moveTo(r.From), moveTo(r.To)
				about := make([]string, len(r.About))
				for i, a := range r.About {
					about[i] = moveTo(a)
				}
				r.About = nilIfEmpty(graph.Dedupe(about))
				t.putRelationship(r)
			}
			t.deleteEntity(id)
		}
		t.putEntity(surv)
		t.recountSources(movedArticles)
		merged = surv.Canonical()
		return nil
	})
	if err != nil {
		return graph.Entity{}, err
	}
	return merged, nil
}

// CreateArticle implements graph.Writer.
func (s *Store) CreateArticle(ctx context.Context, a graph.Article) (graph.Article, error) {
	err := s.write(ctx, func(t *tx) error {
		if err := t.checkArticle(a); err != nil {
			return err
		}
		if _, ok := t.article(a.ID); ok {
			return graph.Errorf(graph.ECONFLICT, "article %q already exists", a.ID)
		}
		t.putArticle(a)
		return nil
	})
	if err != nil {
		return graph.Article{}, err
	}
	return a.Canonical(), nil
}

// CreateRelationship implements graph.Writer.
func (s *Store) CreateRelationship(ctx context.Context, r graph.Relationship) (graph.Relationship, error) {
	if r.ID == "" {
		r.ID = graph.NewID(strings.ToLower(string(r.Type)))
	}
	err := s.write(ctx, func(t *tx) error {
		var err error
		if r, err = t.finishRelationship(r); err != nil {
			return err
		}
		if _, ok := t.relationship(r.ID); ok {
			return graph.Errorf(graph.ECONFLICT, "relationship %q already exists", r.ID)
		}
		t.putRelationship(r)
		return nil
	})
	if err != nil {
		return graph.Relationship{}, err
	}
	return cloneRelationship(&r), nil
}

// AddEvidence implements graph.Writer.
func (s *Store) AddEvidence(ctx context.Context, relationship string, ev graph.Evidence) (graph.Relationship, error) {
	if err := graph.ValidateID("relationship", relationship); err != nil {
		return graph.Relationship{}, err
	}
	if err := ev.Validate("relationship " + relationship); err != nil {
		return graph.Relationship{}, err
	}
	var r graph.Relationship
	err := s.write(ctx, func(t *tx) error {
		old, ok := t.relationship(relationship)
		if !ok {
			return graph.Errorf(graph.ENOTFOUND, "relationship %q does not exist", relationship)
		}
		old.Evidence = graph.MergeEvidence(old.Evidence, []graph.Evidence{ev})
		var err error
		if r, err = t.finishRelationship(old); err != nil {
			return err
		}
		t.putRelationship(r)
		return nil
	})
	if err != nil {
		return graph.Relationship{}, err
	}
	return cloneRelationship(&r), nil
}

// DeleteRelationship implements graph.Writer.
func (s *Store) DeleteRelationship(ctx context.Context, id string) error {
	if err := graph.ValidateID("relationship", id); err != nil {
		return err
	}
	return s.write(ctx, func(t *tx) error {
		if _, ok := t.relationship(id); !ok {
			return graph.Errorf(graph.ENOTFOUND, "relationship %q does not exist", id)
		}
		t.deleteRelationship(id)
		return nil
	})
}

// Apply implements graph.Writer.
func (s *Store) Apply(ctx context.Context, b graph.Batch) (graph.BatchResult, error) {
	var res graph.BatchResult
	for _, e := range b.Entities {
		if err := e.Validate(); err != nil {
			return res, err
		}
	}
	err := s.write(ctx, func(t *tx) error {
		for _, e := range b.Entities {
			old, ok := t.entity(e.ID)
			if ok {
				if err := t.checkKindChange(old, e.Kind); err != nil {
					return err
				}
				res.EntitiesUpdated++
			} else {
				res.EntitiesCreated++
			}
			t.putEntity(e)
		}
		var outletChanged []string
		for _, a := range b.Articles {
			if err := t.checkArticle(a); err != nil {
				return err
			}
			if old, ok := t.article(a.ID); ok {
				res.ArticlesUpdated++
				if old.Outlet != a.Outlet {
					outletChanged = append(outletChanged, a.ID)
				}
			} else {
				res.ArticlesCreated++
			}
			t.putArticle(a)
		}
		for _, r := range b.Relationships {
			if err := ctx.Err(); err != nil {
				return err
			}
			old, ok := t.relationship(r.ID)
			if ok {
				r.Evidence = graph.MergeEvidence(old.Evidence, r.Evidence)
				res.RelationshipsUpdated++
			} else {
				res.RelationshipsCreated++
			}
			r, err := t.finishRelationship(r)
			if err != nil {
				return err
			}
			t.putRelationship(r)
		}
		t.recountSources(outletChanged)
		return nil
	})
	if err != nil {
		return graph.BatchResult{}, err
	}
	return res, nil
}

func relIDsOf(edges []edge) []string {
	ids := make([]string, len(edges))
	for i, e := range edges {
		ids[i] = e.r.ID
	}
	return ids
}
