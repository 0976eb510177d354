package bolt

import (
	"context"
	"slices"

	"github.com/dossiergraph/dossier/graph"
)

// Apply implements graph.Applier: the batch is prepared on a tx and committed by write.
func (s *Store) Apply(ctx context.Context, b graph.Batch) (graph.BatchResult, error) {
	if err := b.Validate(); err != nil {
		return graph.BatchResult{}, err
	}
	var res graph.BatchResult
	if err := s.write(ctx, prepare(ctx, b, &res)); err != nil {
		return graph.BatchResult{}, err
	}
	return res, nil
}

// prepare returns the write of a valid batch on a tx, which reports into res.
func prepare(ctx context.Context, b graph.Batch, res *graph.BatchResult) func(t *tx) error {
	return func(t *tx) error {
		*res = graph.BatchResult{} // the write may be prepared again: nothing carries over
		t.log = b.Change
		if err := b.CheckRequire(t); err != nil {
			return err
		}
		b, err := b.Expand(t)
		if err != nil {
			return err
		}
		t.reserve(len(b.Entities), len(b.Articles), len(b.Relationships))
		outletChanged, err := t.upsert(ctx, b, res)
		if err != nil {
			return err
		}
		for _, m := range b.Merges {
			moved, err := t.merge(m)
			if err != nil {
				return err
			}
			outletChanged = append(outletChanged, moved...)
		}
		for _, id := range graph.Dedupe(b.DeleteRelationships) {
			if _, ok := t.relationship(id); !ok {
				return graph.Errorf(graph.ENOTFOUND, "relationship %q does not exist", id)
			}
			t.deleteRelationship(id)
			res.RelationshipsDeleted++
		}
		for _, id := range graph.Dedupe(b.DeleteEntities) {
			if err := t.deleteEntityCascade(id); err != nil {
				return err
			}
			res.EntitiesDeleted++
		}
		t.recountSources(outletChanged)
		if b.Return {
			res.Stored, err = b.StoredIn(t)
		}
		return err
	}
}

// Entities, Articles and Relationships implement graph.Lookup on the tx's state.
func (t *tx) Entities(ids []string) (map[string]graph.Entity, error) {
	return lookup(ids, t.entity, cloneEntity), nil
}

func (t *tx) Articles(ids []string) (map[string]graph.Article, error) {
	return lookup(ids, t.article, cloneArticle), nil
}

func (t *tx) Relationships(ids []string) (map[string]graph.Relationship, error) {
	return lookup(ids, t.relationship, cloneRelationship), nil
}

func lookup[T any](ids []string, get func(string) (T, bool), clone func(T) T) map[string]T {
	out := make(map[string]T, len(ids))
	for _, id := range ids {
		if v, ok := get(id); ok {
			out[id] = clone(v)
		}
	}
	return out
}

// upsert writes the batch's entities, articles and relationships and returns the articles
// whose outlet changed.
func (t *tx) upsert(ctx context.Context, b graph.Batch, res *graph.BatchResult) ([]string, error) {
	for _, e := range b.Entities {
		old, ok := t.entity(e.ID)
		if ok {
			if err := graph.CheckKindChange(old, len(t.outletArticles(old.ID)), e.Kind); err != nil {
				return nil, err
			}
			res.EntitiesUpdated++
		} else {
			res.EntitiesCreated++
		}
		t.putEntity(e)
	}
	var outletChanged []string
	for _, a := range b.Articles {
		if err := t.checkOutlet(a); err != nil {
			return nil, err
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
			return nil, err
		}
		old, found := t.relationship(r.ID)
		r, err := res.Upsert(old, found, r)
		if err != nil {
			return nil, err
		}
		if r, err = t.finishRelationship(r); err != nil {
			return nil, err
		}
		t.putRelationship(r)
	}
	return outletChanged, nil
}

// merge applies m and returns the articles that changed outlet.
func (t *tx) merge(m graph.Merge) ([]string, error) {
	m.Others = graph.Dedupe(m.Others)
	surv, err := t.requireEntity("merge survivor", m.Survivor)
	if err != nil {
		return nil, err
	}
	gone := make([]graph.Entity, len(m.Others))
	for i, id := range m.Others {
		if gone[i], err = t.requireEntity("merge", id); err != nil {
			return nil, err
		}
		if err := graph.CheckKindChange(gone[i], len(t.outletArticles(id)), surv.Kind); err != nil {
			return nil, err
		}
	}
	merged, err := m.Merged(surv, gone)
	if err != nil {
		return nil, err
	}
	var moved []string
	for _, id := range m.Others {
		for _, aid := range t.outletArticles(id) {
			a, _ := t.article(aid)
			a.Outlet = m.Survivor
			t.putArticle(a)
			moved = append(moved, aid)
		}
		for _, rid := range slices.Concat(t.st.edgeIDs(t.touching(id)), t.aboutOf(id)) {
			r, _ := t.relationship(rid)
			t.putRelationship(m.Retarget(r))
		}
		t.deleteEntity(id)
	}
	t.putEntity(merged)
	return moved, nil
}

// deleteEntityCascade deletes the entity, the relationships it is an end of, and its
// mentions in About.
func (t *tx) deleteEntityCascade(id string) error {
	if !t.hasEntity(id) {
		return graph.ErrMissing("delete", "entity", id)
	}
	if err := graph.CheckDeletable(id, len(t.outletArticles(id))); err != nil {
		return err
	}
	for _, rid := range t.st.edgeIDs(t.touching(id)) {
		t.deleteRelationship(rid)
	}
	for _, rid := range t.aboutOf(id) {
		r, ok := t.relationship(rid)
		if !ok {
			continue // deleted above
		}
		r.About = slices.DeleteFunc(slices.Clone(r.About), func(a string) bool { return a == id })
		t.putRelationship(r.Canonical())
	}
	t.deleteEntity(id)
	return nil
}

// edgeIDs returns the ids of the edges' relationships.
func (s *state) edgeIDs(edges []edge) []string {
	ids := make([]string, len(edges))
	for i, e := range edges {
		ids[i] = s.edgeID(e)
	}
	return ids
}
