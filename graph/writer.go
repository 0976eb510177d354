package graph

import (
	"context"
	"strings"
)

// Writer makes single changes to a store. Each is one Batch on the store's Apply, written
// here once for every backend: the default id, validation and the existence checks (as
// preconditions, checked in the backend's transaction) live nowhere else, and a change
// that depends on the stored record (a patch, added evidence) is worked out inside the
// transaction, so concurrent writers never overwrite each other. Every method either
// applies all of its change or none of it; errors carry codes (see ErrorCode).
type Writer struct {
	store Applier
}

// NewWriter returns a Writer on s.
func NewWriter(s Applier) *Writer { return &Writer{store: s} }

// actorKey carries the actor of the writes made with a context.
type actorKey struct{}

// WithActor returns ctx with the actor that Writer records on every Batch it applies.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorOf returns the actor set by WithActor, or "".
func ActorOf(ctx context.Context) string {
	a, _ := ctx.Value(actorKey{}).(string)
	return a
}

// ChangeOf describes operation op made with ctx, for Batch.Change.
func ChangeOf(ctx context.Context, op string) Change {
	return Change{Actor: ActorOf(ctx), Operation: op}
}

func (w *Writer) apply(ctx context.Context, op string, b Batch) (BatchResult, error) {
	b.Return = true
	b.Change = ChangeOf(ctx, op)
	return w.store.Apply(ctx, b)
}

// CreateEntity adds e; ECONFLICT if the id is taken. An empty id is derived from the name
// (Slug).
func (w *Writer) CreateEntity(ctx context.Context, e Entity) (Entity, error) {
	if e.ID == "" {
		e.ID = Slug(e.Name)
	}
	return one(ctx, w, "create entity", Batch{Require: free(EntityRecord, e.ID), Entities: []Entity{e}},
		func(s *Stored) []Entity { return s.Entities })
}

// one applies b, which writes one record, and returns that record as stored. Input is
// validated by Apply (Batch.Validate), once.
func one[T any](ctx context.Context, w *Writer, op string, b Batch, stored func(*Stored) []T) (T, error) {
	res, err := w.apply(ctx, op, b)
	if err != nil {
		var zero T
		return zero, err
	}
	return stored(res.Stored)[0], nil
}

// free is the precondition that the id names no record yet.
func free(record Record, id string) []Precondition {
	return []Precondition{{Record: record, ID: id}}
}

// UpdateEntity applies p to the entity. Turning an outlet that published articles into
// another kind is ECONFLICT.
func (w *Writer) UpdateEntity(ctx context.Context, id string, p EntityPatch) (Entity, error) {
	return one(ctx, w, "update entity", Batch{Patches: []Patch{{ID: id, Patch: p}}},
		func(s *Stored) []Entity { return s.Entities })
}

// DeleteEntity removes the entity and every relationship it is From or To of, and drops it
// from other relationships' About. An outlet that published articles cannot be deleted
// (ECONFLICT).
func (w *Writer) DeleteEntity(ctx context.Context, id string) error {
	_, err := w.apply(ctx, "delete entity", Batch{
		Require:        []Precondition{{Record: EntityRecord, ID: id, Exists: true, What: "delete"}},
		DeleteEntities: []string{id},
	})
	return err
}

// MergeEntities folds the others into the survivor (see Merge) and returns the survivor.
func (w *Writer) MergeEntities(ctx context.Context, survivor string, others []string) (Entity, error) {
	others, err := ValidateMerge(survivor, others)
	if err != nil {
		return Entity{}, err
	}
	require := []Precondition{{Record: EntityRecord, ID: survivor, Exists: true, What: "merge survivor"}}
	for _, id := range others {
		require = append(require, Precondition{Record: EntityRecord, ID: id, Exists: true, What: "merge"})
	}
	res, err := w.apply(ctx, "merge entities", Batch{Require: require, Merges: []Merge{{Survivor: survivor, Others: others}}})
	if err != nil {
		return Entity{}, err
	}
	for _, e := range res.Stored.Entities {
		if e.ID == survivor {
			return e, nil
		}
	}
	return Entity{}, Errorf(EINTERNAL, "merge into %s: the store did not return the survivor", survivor)
}

// CreateArticle adds a; ECONFLICT if the id is taken. Its outlet must exist and be an
// OUTLET.
func (w *Writer) CreateArticle(ctx context.Context, a Article) (Article, error) {
	return one(ctx, w, "create article", Batch{Require: free(ArticleRecord, a.ID), Articles: []Article{a}},
		func(s *Stored) []Article { return s.Articles })
}

// CreateRelationship adds r; ECONFLICT if the id is taken. Its ends and evidence articles
// must exist. An empty id is generated from the type.
func (w *Writer) CreateRelationship(ctx context.Context, r Relationship) (Relationship, error) {
	if r.ID == "" {
		r.ID = NewID(strings.ToLower(string(r.Type)))
	}
	return one(ctx, w, "create relationship", Batch{Require: free(RelationshipRecord, r.ID), Relationships: []Relationship{r}},
		func(s *Stored) []Relationship { return s.Relationships })
}

// AddEvidence adds ev to the relationship, replacing the excerpt of an existing evidence
// from the same article.
func (w *Writer) AddEvidence(ctx context.Context, relationship string, ev Evidence) (Relationship, error) {
	return one(ctx, w, "add evidence", Batch{Evidence: []EvidenceAddition{{Relationship: relationship, Evidence: ev}}},
		func(s *Stored) []Relationship { return s.Relationships })
}

// DeleteRelationship removes the relationship.
func (w *Writer) DeleteRelationship(ctx context.Context, id string) error {
	_, err := w.apply(ctx, "delete relationship", Batch{
		Require:             []Precondition{{Record: RelationshipRecord, ID: id, Exists: true}},
		DeleteRelationships: []string{id},
	})
	return err
}
