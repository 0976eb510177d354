package resolvers

import (
	"io"
	"log/slog"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// readOnly hides every method of a store but the reads, as a read-only deployment's would.
type readOnly struct{ graph.Querier }

func TestReadOnlyStoreAnswersQueriesAndRefusesMutations(t *testing.T) {
	store := storyStore(t)
	e, err := New(readOnly{store}, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if got := path(query(t, e, `{ entity(id: "`+idUS+`") { id } }`, nil), "entity", "id"); got != idUS {
		t.Errorf("entity on a read-only store = %v, want %s", got, idUS)
	}
	wantCode(t, e, Request{Query: `mutation { createEntity(input: {id: "new-one", kind: PERSON, name: "New One"}) { id } }`, CanWrite: true},
		CodeMutationNotAllowed, "read-only")
	if _, err := store.Entity(t.Context(), "new-one"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("a mutation on a read-only store wrote: %v", err)
	}
}

// The store answers NOT_FOUND for the entity a walk starts from; the resolvers look
// nothing up first.
func TestWalksFromMissingEntitiesCostOneStoreCall(t *testing.T) {
	store := newCountingStore(storyStore(t))
	e := newTestExecutor(t, store, Options{})
	for walk, q := range map[string]string{
		"Neighborhood": `{ neighborhood(id: "ghost") { nodes { id } } }`,
		"Paths":        `{ paths(from: "ghost", to: "` + idUS + `") { nodes { id } } }`,
		"Timeline":     `{ timeline(entity: "ghost") { id } }`,
	} {
		store.reset()
		wantCode(t, e, Request{Query: q}, graph.ENOTFOUND, "ghost")
		if store.total() != 1 || store.calls[walk] != 1 {
			t.Errorf("%s: store calls %v, want %s alone", q, store.calls, walk)
		}
	}
}
