package resolvers

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
	"github.com/dossiergraph/dossier/seed"
)

// seedQueries are the analyst's questions of the README and the playground, and the other
// query shapes whose order or content a backend could change.
var seedQueries = map[string]string{
	"who warned López Obrador": `{ relationships(types: [WARNED], to: "andres-manuel-lopez-obrador") {
		edges { node { from { name } dateText summary sourceCount outlets { name } } } } }`,
	"who denied what": `{ relationships(types: [DENIED]) { totalCount
		edges { cursor node { id from { name } to { name } about { id } dateText summary sourceCount } } } }`,
	"expulsions in several outlets": `{ relationships(types: [EXPELLED], minSources: 2, includeNegated: true) {
		edges { node { id from { name } to { name } negated quantity date sourceCount outlets { name } } } } }`,
	"paths VanHerck to Ebrard": `{ paths(from: "glen-vanherck", to: "marcelo-ebrard", maxDepth: 4) {
		nodes { id } edges { id type } } }`,
	"search": `{ a: search(text: "lopez obrador") { id } b: search(text: "AMLO") { id }
		c: search(text: "russian", first: 20) { id } d: search(text: "ministry", kinds: [AGENCY]) { id } }`,
	"neighbourhood of Mexico": `{ neighborhood(id: "mexico", depth: 2, includeNegated: true) { nodes { id } edges { id } } }`,
	"timeline":                `{ timeline(types: [WARNED, DENIED, EXPELLED], since: "2022", until: "2024") { id date } }`,
	"entity with pages": `{ entity(id: "mexico") { name aliases
		relationships(direction: OUT, first: 5, includeNegated: true) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } }
		articles(first: 3) { totalCount edges { node { id title outlet { id } } } } } }`,
	"stats": `{ stats { entities articles relationships negatedRelationships
		entitiesByKind { kind count } relationshipsByType { type count } } }`,
}

// The GraphQL API must answer the same questions the same way on both stores.
func TestSeedAnswersMatchAcrossStores(t *testing.T) {
	neo := neo4jtest.Open(t) // skips without a Neo4j test server, fails under CI=true
	embedded := openStore(t)
	for _, s := range []graph.Store{embedded, neo} {
		if _, err := seed.Load(context.Background(), s, "seed.yaml", seed.Default()); err != nil {
			t.Fatal(err)
		}
	}
	onBolt, onNeo4j := newTestExecutor(t, embedded, Options{}), newTestExecutor(t, neo, Options{})
	for name, q := range seedQueries {
		a, err := json.Marshal(query(t, onBolt, q, nil))
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(query(t, onNeo4j, q, nil))
		if err != nil {
			t.Fatal(err)
		}
		if string(a) != string(b) {
			t.Errorf("%s: the stores disagree\nbolt:  %s\nneo4j: %s", name, a, b)
		}
		if len(a) < 40 {
			t.Errorf("%s: suspiciously empty answer %s", name, a)
		}
	}
}
