package resolvers

import (
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// A malformed PartialDate, given inline or as a variable, is answered with the format.
func TestPartialDateErrorGivesTheFormat(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	wantCode(t, e, Request{Query: `{ relationships(since: "2022-13") { totalCount } }`}, graph.EINVALID, "2022-13", "YYYY, YYYY-MM or YYYY-MM-DD")
	wantCode(t, e, Request{Query: `query($d: PartialDate) { timeline(until: $d) { id } }`, Variables: map[string]any{"d": "March 2022"}},
		graph.EINVALID, "March 2022", "YYYY, YYYY-MM or YYYY-MM-DD")
}

func TestOperationType(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	for _, tc := range []struct {
		req  Request
		want string
	}{
		{Request{Query: `{ stats { entities } }`}, "query"},
		{Request{Query: `query Q { stats { entities } }`}, "query"},
		{Request{Query: `mutation { deleteEntity(id: "x") }`}, "mutation"},
		{Request{Query: `query A { stats { entities } } mutation B { deleteEntity(id: "x") }`, OperationName: "B"}, "mutation"},
		{Request{Query: `query A { stats { entities } } mutation B { deleteEntity(id: "x") }`}, ""}, // ambiguous
		{Request{Query: `query A { stats { entities } }`, OperationName: "C"}, ""},
		{Request{Query: `{ stats {`}, ""},
	} {
		e.Execute(t.Context(), tc.req) // fills the cache for valid documents
		if got := e.OperationType(tc.req); got != tc.want {
			t.Errorf("OperationType(%q, %q) = %q, want %q", tc.req.Query, tc.req.OperationName, got, tc.want)
		}
	}
}
