package resolvers

import (
	"context"
	"slices"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

func TestMutationsNeedWriteAccess(t *testing.T) {
	store := newCountingStore(storyStore(t))
	e := newTestExecutor(t, store, Options{})
	const create = `mutation { createEntity(input: {id: "new-one", kind: PERSON, name: "New One"}) { id } }`
	wantCode(t, e, Request{Query: create, ReadOnly: true, CanWrite: true}, CodeMutationNotAllowed)
	wantCode(t, e, Request{Query: create}, CodeUnauthenticated)
	// A mutation among several operations is refused too when it is the one selected.
	wantCode(t, e, Request{Query: `query Q { stats { entities } } ` + create[:8] + ` M ` + create[9:], OperationName: "M"}, CodeUnauthenticated)
	if n := store.total(); n != 0 {
		t.Errorf("refused mutations reached the store %d times: %v", n, store.calls)
	}
	if _, err := store.Entity(context.Background(), "new-one"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Fatalf("a refused mutation wrote: %v", err)
	}
	r := do(t, e, Request{Query: create, CanWrite: true})
	if len(r.Errors) > 0 || path(r.Data, "createEntity", "id") != "new-one" {
		t.Fatalf("allowed mutation: %+v", r)
	}
}

func TestMutations(t *testing.T) {
	store := storyStore(t)
	e := newTestExecutor(t, store, Options{})
	write := func(q string, vars map[string]any) map[string]any {
		t.Helper()
		r := do(t, e, Request{Query: q, Variables: vars, CanWrite: true})
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", q, r.Errors)
		}
		return r.Data
	}
	data := write(`mutation {
		createEntity(input: {kind: PERSON, name: "Ken Salazar", aliases: ["Ambassador Salazar"], role: "US ambassador"}) { id name aliases role }
	}`, nil)
	if path(data, "createEntity", "id") != "ken-salazar" || path(data, "createEntity", "role") != "US ambassador" {
		t.Errorf("createEntity derives the id from the name: %v", data)
	}
	data = write(`mutation { updateEntity(id: "ken-salazar", input: {country: "US"}) { name country role } }`, nil)
	if path(data, "updateEntity", "country") != "US" || path(data, "updateEntity", "role") != "US ambassador" {
		t.Errorf("updateEntity must change only the given fields: %v", data)
	}
	data = write(`mutation { createArticle(input: {id: "times-salazar", title: "Ambassador speaks", outlet: "the-times", published: "2022-05"}) {
		id published outlet { name } } }`, nil)
	if path(data, "createArticle", "outlet", "name") != "The Times" || path(data, "createArticle", "published") != "2022-05" {
		t.Errorf("createArticle: %v", data)
	}
	data = write(`mutation($in: RelationshipInput!) { createRelationship(input: $in) { id type from { id } to { id } sourceCount evidence { article { id } } } }`,
		map[string]any{"in": map[string]any{"type": "SUPPORTED", "from": "ken-salazar", "to": idMexico, "date": "2022-05",
			"evidence": []any{map[string]any{"article": "times-salazar", "excerpt": "says he backs Mexico"}}}})
	relID := path(data, "createRelationship", "id").(string)
	if relID == "" || path(data, "createRelationship", "from", "id") != "ken-salazar" || path(data, "createRelationship", "sourceCount") != float64(1) {
		t.Errorf("createRelationship: %v", data)
	}
	data = write(`mutation($r: ID!) { addEvidence(relationship: $r, evidence: {article: "wire-refusal"}) { sourceCount outlets { id } } }`, map[string]any{"r": relID})
	if path(data, "addEvidence", "sourceCount") != float64(2) || len(path(data, "addEvidence", "outlets").([]any)) != 2 {
		t.Errorf("addEvidence: %v", data)
	}
	// Mutations run in order, and a later one sees what an earlier one wrote.
	data = write(`mutation {
		a: createEntity(input: {id: "salazar-dup", kind: PERSON, name: "K. Salazar"}) { id }
		merge: mergeEntities(survivor: "ken-salazar", others: ["salazar-dup"]) { id aliases }
		check: updateEntity(id: "ken-salazar", input: {description: "diplomat"}) { aliases description }
	}`, nil)
	if !slices.Contains(toStrings(path(data, "merge", "aliases")), "K. Salazar") || path(data, "check", "description") != "diplomat" {
		t.Errorf("merge: %v", data)
	}
	data = write(`mutation($r: ID!) { deleteRelationship(id: $r) }`, map[string]any{"r": relID})
	if path(data, "deleteRelationship") != relID {
		t.Errorf("deleteRelationship returns the id: %v", data)
	}
	data = write(`mutation { deleteEntity(id: "ken-salazar") }`, nil)
	if path(data, "deleteEntity") != "ken-salazar" {
		t.Errorf("deleteEntity: %v", data)
	}
	if _, err := store.Entity(context.Background(), "ken-salazar"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("deleted entity still there: %v", err)
	}
}

func TestMutationErrors(t *testing.T) {
	store := storyStore(t)
	e := newTestExecutor(t, store, Options{})
	w := func(q string) Request { return Request{Query: q, CanWrite: true} }
	wantCode(t, e, w(`mutation { createEntity(input: {id: "gru", kind: AGENCY, name: "GRU"}) { id } }`), graph.ECONFLICT, "gru")
	wantCode(t, e, w(`mutation { updateEntity(id: "nobody", input: {name: "X"}) { id } }`), graph.ENOTFOUND, "nobody")
	wantCode(t, e, w(`mutation { createEntity(input: {id: "Bad Id", kind: PERSON, name: "X"}) { id } }`), graph.EINVALID, "Bad Id")
	wantCode(t, e, w(`mutation { createArticle(input: {id: "a1", title: "T", outlet: "gru"}) { id } }`), graph.EINVALID)
	wantCode(t, e, w(`mutation { createRelationship(input: {type: WARNED, from: "gru", to: "nobody"}) { id } }`), graph.ENOTFOUND, "nobody")
	wantCode(t, e, w(`mutation { addEvidence(relationship: "r-warned", evidence: {article: "no-such-article"}) { id } }`), graph.ENOTFOUND, "no-such-article")
	wantCode(t, e, w(`mutation { deleteEntity(id: "the-wire") }`), graph.ECONFLICT)
	wantCode(t, e, w(`mutation { createEntity(input: {kind: SPY, name: "X"}) { id } }`), graph.EINVALID, "SPY")
	// Nothing of the failed mutations was written.
	st, err := store.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Entities != len(storyBatch().Entities) || st.Articles != len(storyBatch().Articles) || st.Relationships != len(storyBatch().Relationships) {
		t.Errorf("failed mutations changed the store: %+v", st)
	}
	rel, err := store.Relationship(context.Background(), idRelWarn)
	if err != nil || len(rel.Evidence) != 2 {
		t.Errorf("failed addEvidence changed %s: %v %v", idRelWarn, rel.Evidence, err)
	}
}
