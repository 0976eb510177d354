package graphtest

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

func (s suite) testSearch(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	firsts := map[string]string{
		"AMLO":              amlo,
		"amlo":              amlo,
		"lopez obrador":     amlo,
		"LÓPEZ-OBRADOR":     amlo,
		"andres man":        amlo,
		"obrador lopez":     amlo,
		"sherw":             sherwood,
		"Sherwood Randall":  sherwood,
		"el pais":           elPais,
		"mexico":            mexicoGov,
		"Main Intelligence": gru,
		"nyt":               nyt,
	}
	for text, want := range firsts {
		got := must(st.SearchEntities(ctx, graph.SearchQuery{Text: text}))(t)
		if len(got) == 0 || got[0].ID != want {
			t.Errorf("search %q = %q, want %s first", text, entityIDs(got), want)
		}
	}
	// The full ranking is MatchScore, then name, then id.
	for _, text := range []string{"mexico", "russia", "r", "m", "gobierno", "united states", "e", "lopez"} {
		var want []graph.Entity
		for _, e := range Fixture().Entities {
			if graph.MatchScore(text, e) > 0 {
				want = append(want, e)
			}
		}
		slices.SortFunc(want, func(a, b graph.Entity) int {
			return cmp.Or(cmp.Compare(graph.MatchScore(text, b), graph.MatchScore(text, a)), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
		})
		got := must(st.SearchEntities(ctx, graph.SearchQuery{Text: text}))(t)
		sameIDs(t, "search ranking for "+text, entityIDs(got), entityIDs(want))
		for _, e := range got {
			sameEntity(t, "search result "+e.ID, e, fixtureEntity(e.ID))
		}
	}
	if got := must(st.SearchEntities(ctx, graph.SearchQuery{Text: "mexico", Kinds: []graph.Kind{graph.Group}}))(t); !slices.Equal(entityIDs(got), []string{diplomats}) {
		t.Errorf("search mexico among groups = %q, want [%s]", entityIDs(got), diplomats)
	}
	if got := must(st.SearchEntities(ctx, graph.SearchQuery{Text: "r", Limit: 2}))(t); len(got) != 2 {
		t.Errorf("search with limit 2 returned %d", len(got))
	}
	for _, text := range []string{"brador", "zzz", "united kingdom"} {
		if got := must(st.SearchEntities(ctx, graph.SearchQuery{Text: text}))(t); len(got) != 0 {
			t.Errorf("search %q = %q, want nothing", text, entityIDs(got))
		}
	}
	bad := map[string]graph.SearchQuery{
		"empty text":   {Text: "  "},
		"huge text":    {Text: strings.Repeat("a", graph.MaxQueryRunes+1)},
		"unknown kind": {Text: "a", Kinds: []graph.Kind{"PLANET"}},
		"limit over":   {Text: "a", Limit: graph.MaxSearch + 1},
		"bad UTF-8":    {Text: "\xff"},
	}
	for name, q := range bad {
		_, err := st.SearchEntities(ctx, q)
		wantCode(t, "search with "+name, err, graph.EINVALID)
	}
}
