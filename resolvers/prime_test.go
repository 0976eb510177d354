package resolvers

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
	"github.com/dossiergraph/dossier/seed"
)

// withEnds gives a counted store graph.EndsLister, answered the way the interface defines
// it: the page, and EntitiesByID of its ends and anchors, read from the store uncounted.
type withEnds struct{ *countingStore }

func (w withEnds) ListRelationshipsWithEnds(ctx context.Context, q graph.RelationshipQuery) (graph.RelationshipPage, map[string]graph.Entity, error) {
	w.count("ListRelationshipsWithEnds")
	page, err := w.Store.ListRelationships(ctx, q)
	if err != nil {
		return page, nil, err
	}
	ids := []string{q.Entity, q.From, q.To}
	for _, r := range page.Relationships {
		ids = append(ids, r.From, r.To)
	}
	ends, err := w.Store.EntitiesByID(ctx, ids)
	return page, ends, err
}

// countedEndsLister is the store's own EndsLister, counted.
type countedEndsLister struct {
	*countingStore
	lister graph.EndsLister
}

func (c countedEndsLister) ListRelationshipsWithEnds(ctx context.Context, q graph.RelationshipQuery) (graph.RelationshipPage, map[string]graph.Entity, error) {
	c.count("ListRelationshipsWithEnds")
	return c.lister.ListRelationshipsWithEnds(ctx, q)
}

// primeCase is a query whose answer must not change when the store reads ends, and the
// store calls it may cost then (0: not checked).
type primeCase struct {
	query string
	vars  map[string]any
	calls int
}

func primeCases(entity, missing string) map[string]primeCase {
	return map[string]primeCase{
		"entity, its outgoing relationships and their other ends (the bench's Q1)": {query: `{ entity(id: "` + entity + `") { id name
			relationships(direction: OUT, first: 50) { edges { node { type summary sourceCount to { name } } } } } }`, calls: 1},
		"variables, a total and both ends": {query: `query($id: ID!, $dir: Direction, $n: Int) { entity(id: $id) {
			relationships(direction: $dir, first: $n) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id from { name } to { id kind } } } } } }`,
			vars: map[string]any{"id": entity, "dir": "BOTH", "n": 2}, calls: 1},
		"filters as literals": {query: `{ entity(id: "` + entity + `") { relationships(types: [WARNED, DENIED, REQUESTED], includeNegated: true, review: [PROPOSED, CONFIRMED]) {
			edges { node { id type negated to { name } } } } } }`, calls: 1},
		"no ends asked for": {query: `{ entity(id: "` + entity + `") { relationships { totalCount edges { node { id } } } } }`, calls: 1},
		"a missing entity":  {query: `{ entity(id: "` + missing + `") { name relationships { edges { node { id } } } } }`, calls: 1},
		"a malformed id":    {query: `{ entity(id: "Not An Id!") { relationships { edges { node { id } } } } }`},
		"an oversized page": {query: `{ entity(id: "` + entity + `") { relationships(first: 100000) { edges { node { id } } } } }`},
		"a bad cursor":      {query: `{ entity(id: "` + entity + `") { relationships(after: "%%%") { edges { node { id } } } } }`},
		"two pages under aliases": {query: `{ entity(id: "` + entity + `") { out: relationships(direction: OUT) { edges { node { to { name } } } }
			in: relationships(direction: IN, first: 1) { edges { node { from { name } } } } } }`},
		"a fragment": {query: `{ entity(id: "` + entity + `") { ...rels } }
			fragment rels on Entity { relationships(direction: OUT) { edges { node { to { name } } } } }`},
		"an inline fragment under node": {query: `{ entity(id: "` + entity + `") { relationships { edges { node { ... on Relationship { to { name } } } } } } }`},
		"a directive": {query: `query($on: Boolean!) { entity(id: "` + entity + `") { relationships @include(if: $on) { edges { node { to { name } } } } } }`,
			vars: map[string]any{"on": false}},
		"a list of entities": {query: `{ entities(first: 4) { edges { node { id relationships(first: 3) { edges { node { from { name } to { name } } } } } } } }`,
			calls: 5},
		"the same entity twice": {query: `{ a: entity(id: "` + entity + `") { relationships { edges { node { id } } } }
			b: entity(id: "` + entity + `") { relationships { edges { node { to { id } } } } } }`},
	}
}

// answer is a whole response as JSON, errors included.
func answer(t *testing.T, e *Executor, c primeCase) string {
	t.Helper()
	res := e.Execute(context.Background(), Request{Query: c.query, Variables: c.vars})
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func checkPrimed(t *testing.T, plain graph.Store, counted *countingStore, primed graph.Store, cases map[string]primeCase) {
	t.Helper()
	without, with := newTestExecutor(t, plain, Options{}), newTestExecutor(t, primed, Options{})
	for name, c := range cases {
		want := answer(t, without, c)
		counted.reset()
		got := answer(t, with, c)
		if got != want {
			t.Errorf("%s: reading ends changed the answer\n got  %s\n want %s", name, got, want)
		}
		if c.calls > 0 && counted.total() != c.calls {
			t.Errorf("%s: store calls %v, want %d", name, counted.calls, c.calls)
		}
		if len(want) < 20 {
			t.Errorf("%s: suspiciously short answer %s", name, want)
		}
	}
}

func TestEndsPrimeTheEntityLoader(t *testing.T) {
	store := storyStore(t)
	counted := newCountingStore(store)
	checkPrimed(t, store, counted, withEnds{counted}, primeCases(idMexico, "ghost"))
}

// The same on Neo4j's own EndsLister, against the embedded store's answers.
func TestEndsOnNeo4jMatchTheEmbeddedStore(t *testing.T) {
	neo := neo4jtest.OpenStore(t)
	embedded := openStore(t)
	for _, s := range []graph.Store{embedded, neo} {
		if _, err := seed.Load(context.Background(), s, "seed.yaml", seed.Default()); err != nil {
			t.Fatal(err)
		}
	}
	counted := newCountingStore(neo)
	checkPrimed(t, embedded, counted, countedEndsLister{counted, neo}, primeCases("mexico", "ghost"))
}
