package graph_test

import (
	"context"
	"slices"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// memStore is the smallest store a Writer runs on: one entity, one relationship, and an
// Apply that checks preconditions, expands patches and records every batch. Another writer
// may change the entity just before an Apply (interfere), as a concurrent client would.
type memStore struct {
	entity    graph.Entity
	rel       graph.Relationship
	batches   []graph.Batch
	interfere bool
}

func (m *memStore) Apply(_ context.Context, b graph.Batch) (graph.BatchResult, error) {
	m.batches = append(m.batches, b)
	if err := b.Validate(); err != nil {
		return graph.BatchResult{}, err
	}
	if m.interfere {
		m.entity.Role += " (changed by another writer)"
	}
	if err := b.CheckRequire(m); err != nil {
		return graph.BatchResult{}, err
	}
	b, err := b.Expand(m)
	if err != nil {
		return graph.BatchResult{}, err
	}
	if len(b.Entities) > 0 {
		m.entity = b.Entities[0]
	}
	res := graph.BatchResult{EntitiesUpdated: len(b.Entities)}
	res.Stored, err = b.StoredIn(m)
	return res, err
}

// Lookup for CheckRequire and StoredIn.
func (m *memStore) Entities(ids []string) (map[string]graph.Entity, error) {
	out := map[string]graph.Entity{}
	for _, id := range ids {
		if id == m.entity.ID {
			out[id] = m.entity
		}
	}
	return out, nil
}
func (m *memStore) Articles([]string) (map[string]graph.Article, error) { return nil, nil }
func (m *memStore) Relationships(ids []string) (map[string]graph.Relationship, error) {
	if slices.Contains(ids, m.rel.ID) {
		return map[string]graph.Relationship{m.rel.ID: m.rel}, nil
	}
	return nil, nil
}

func TestWriterBuildsOneBatchPerWrite(t *testing.T) {
	m := &memStore{entity: graph.Entity{ID: "ada", Kind: graph.Person, Name: "Ada"}}
	w := graph.NewWriter(m)
	ctx := graph.WithActor(t.Context(), "analyst-1")

	// A new entity without an id gets one from its name and a must-not-exist precondition.
	_, err := w.CreateEntity(ctx, graph.Entity{Kind: graph.Person, Name: "Grace Hopper"})
	wantErrCode(t, "create", err, "")
	b := m.batches[len(m.batches)-1]
	want := graph.Precondition{Record: graph.EntityRecord, ID: "grace-hopper"}
	if len(b.Require) != 1 || b.Require[0] != want || b.Entities[0].ID != "grace-hopper" {
		t.Errorf("CreateEntity batch: require %+v, entities %+v; want %+v and id grace-hopper", b.Require, b.Entities, want)
	}
	if b.Change != (graph.Change{Actor: "analyst-1", Operation: "create entity"}) || !b.Return {
		t.Errorf("CreateEntity batch: change %+v, return %v; want the context's actor and the operation, with Return", b.Change, b.Return)
	}

	// Invalid input is refused with BAD_INPUT, by the batch's validation, writing nothing.
	before := m.entity
	_, err = w.CreateEntity(ctx, graph.Entity{ID: "x", Kind: "ROBOT", Name: "X"})
	wantErrCode(t, "create with an unknown kind", err, graph.EINVALID)
	wantErrCode(t, "merge into itself", errOf(w.MergeEntities(ctx, "ada", []string{"ada"})), graph.EINVALID)
	wantErrCode(t, "delete of a malformed id", w.DeleteEntity(ctx, "Not An Id"), graph.EINVALID)
	wantErrCode(t, "evidence from a malformed article id", errOf(w.AddEvidence(ctx, "r", graph.Evidence{Article: "Not An Id"})), graph.EINVALID)
	if m.entity.ID != before.ID || m.entity.Name != before.Name {
		t.Errorf("invalid writes changed the store: %+v", m.entity)
	}
}

func TestWriterPatchesTheEntityAsStoredWhenItApplies(t *testing.T) {
	m := &memStore{entity: graph.Entity{ID: "ada", Kind: graph.Person, Name: "Ada", Role: "analyst"}, interfere: true}
	name := "Ada Lovelace"
	got, err := graph.NewWriter(m).UpdateEntity(t.Context(), "ada", graph.EntityPatch{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	// One batch carries the patch; the store applies it to what it holds then, so the other
	// writer's change survives.
	if len(m.batches) != 1 || len(m.batches[0].Patches) != 1 || len(m.batches[0].Entities) != 0 {
		t.Errorf("update sent %+v, want one batch holding only the patch", m.batches)
	}
	if got.Name != name || got.Role != "analyst (changed by another writer)" {
		t.Errorf("update returned %+v: want the new name over the other writer's role", got)
	}
	_, err = graph.NewWriter(m).UpdateEntity(t.Context(), "ghost", graph.EntityPatch{Name: &name})
	wantErrCode(t, "update of a missing entity", err, graph.ENOTFOUND)
	empty := ""
	_, err = graph.NewWriter(m).UpdateEntity(t.Context(), "ada", graph.EntityPatch{Name: &empty})
	wantErrCode(t, "update to an empty name", err, graph.EINVALID)
}

func errOf[T any](_ T, err error) error { return err }

func wantErrCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if graph.ErrorCode(err) != code {
		t.Errorf("%s: error %v (code %q), want code %q", what, err, graph.ErrorCode(err), code)
	}
}
