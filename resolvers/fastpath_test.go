package resolvers

import (
	"encoding/json"
	"testing"
)

// TestEndsPrefetched checks that a page of relationships outside any list fetches its ends
// in one call, that the same page under a list still makes one call for all its items, and
// that the answers are those of the thunks, fragments (which the prefetch does not read)
// included.
func TestEndsPrefetched(t *testing.T) {
	store := newCountingStore(storyStore(t))
	e := newTestExecutor(t, store, Options{})
	cases := []struct {
		name, query string
		want        string
		byID        int // EntitiesByID calls
	}{
		{"one entity", `{ entity(id: "` + idUS + `") { relationships(direction: OUT) { edges { node { id from { name } to { name kind } } } } } }`,
			`{"entity":{"relationships":{"edges":[{"node":{"from":{"name":"United States Government"},"id":"r-requested","to":{"kind":"GOVERNMENT","name":"Government of Mexico"}}},{"node":{"from":{"name":"United States Government"},"id":"r-warned","to":{"kind":"GOVERNMENT","name":"Government of Mexico"}}}]}}}`, 1},
		{"root page", `{ relationships(first: 2) { edges { node { id to { id } } } } }`,
			`{"relationships":{"edges":[{"node":{"id":"r-denied","to":{"id":"us-government"}}},{"node":{"id":"r-leads","to":{"id":"mexico-government"}}}]}}`, 1},
		{"through a fragment", `{ entity(id: "` + idAMLO + `") { relationships { edges { node { ...Ends } } } } } fragment Ends on Relationship { to { name } }`,
			`{"entity":{"relationships":{"edges":[{"node":{"to":{"name":"Government of Mexico"}}}]}}}`, 1},
		{"under a list", `{ entities(first: 3) { edges { node { id relationships { edges { node { to { id } } } } } } } }`, "", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			store.reset()
			data := query(t, e, c.query, nil)
			if c.want != "" {
				got, err := json.Marshal(data)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != c.want {
					t.Errorf("got  %s\nwant %s", got, c.want)
				}
			}
			if n := store.calls["EntitiesByID"]; n != c.byID {
				t.Errorf("%d EntitiesByID calls, want %d (%v)", n, c.byID, store.calls)
			}
		})
	}
}

// TestEdgesAndNodesAnswerAlike checks the connection's lazy cursors and pointer nodes
// against the values they stand for: a cursor read back pages on from its item, and
// optional fields answer null when empty.
func TestEdgesAndNodesAnswerAlike(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	first := query(t, e, `{ entities(first: 2) { edges { cursor node { id description country role } } pageInfo { endCursor } } }`, nil)
	edges := path(first, "entities", "edges").([]any)
	if len(edges) != 2 {
		t.Fatalf("%d edges", len(edges))
	}
	second := path(edges[1], "cursor")
	if second != path(first, "entities", "pageInfo", "endCursor") {
		t.Errorf("last cursor %v ≠ endCursor %v", second, path(first, "entities", "pageInfo", "endCursor"))
	}
	next := query(t, e, `query($a: String) { entities(first: 1, after: $a) { edges { node { id } } } }`, map[string]any{"a": path(edges[0], "cursor")})
	if got := path(next, "entities", "edges", 0, "node", "id"); got != path(edges[1], "node", "id") {
		t.Errorf("page after the first cursor starts at %v, want %v", got, path(edges[1], "node", "id"))
	}
	for _, edge := range edges {
		node := path(edge, "node").(map[string]any)
		for _, f := range []string{"description", "country", "role"} {
			if v, ok := node[f]; !ok || v == "" {
				t.Errorf("%v.%s = %#v, want a value or null", node["id"], f, v)
			}
		}
	}
}

// TestValueSourcesResolve checks the fields that take pointer sources on the lists that
// hand on values (search, a neighbourhood's nodes), history included.
func TestValueSourcesResolve(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	data := query(t, e, `{
		search(text: "GRU") { id name kind description country history { changes { seq } } }
		neighborhood(id: "`+idAMLO+`", depth: 1) { nodes { id name } edges { id type summary to { name } } }
	}`, nil)
	if got := path(data, "search", 0, "name"); got != "GRU" {
		t.Errorf("search name %v, want GRU", got)
	}
	if got := path(data, "search", 0, "description"); got != "Russian military intelligence" {
		t.Errorf("search description %v", got)
	}
	if got := path(data, "search", 0, "country"); got != nil {
		t.Errorf("search country %#v, want null", got)
	}
	if got := path(data, "search", 0, "history", "changes", 0, "seq"); got != float64(1) {
		t.Errorf("history of a search result: first seq %v, want 1", got)
	}
	names := map[any]bool{}
	for _, n := range path(data, "neighborhood", "nodes").([]any) {
		names[path(n, "name")] = true
	}
	if !names["Andrés Manuel López Obrador"] || !names["Government of Mexico"] {
		t.Errorf("neighbourhood names %v", names)
	}
	if got := path(data, "neighborhood", "edges", 0, "type"); got != "LEADS" {
		t.Errorf("neighbourhood edge type %v, want LEADS", got)
	}
}

// TestBudgetCountsStringPointers checks that a string answered as a pointer costs the
// response budget what the string costs, so that the size estimate still stops big answers.
func TestBudgetCountsStringPointers(t *testing.T) {
	s := "a name of some length"
	if got, want := valueSize(&s), valueSize(s); got != want {
		t.Errorf("valueSize(*string) = %d, valueSize(string) = %d", got, want)
	}
}
