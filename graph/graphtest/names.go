package graphtest

import (
	"slices"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// testNames checks graph.NameFinder, for stores that have it, against what a scan of every
// entity would find: exact folded names and aliases, never a part of one or a prefix.
func (s suite) testNames(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	f, ok := st.Store.(graph.NameFinder)
	if !ok {
		t.Skip("the store has no name index")
	}
	scanned := func(keys []string) []string {
		var ids []string
		for _, e := range must(st.ListEntities(ctx, graph.EntityQuery{Page: graph.Page{First: graph.MaxPageSize}}))(t).Entities {
			k := graph.NewSearchKey(e)
			if slices.ContainsFunc(keys, k.Names) {
				ids = append(ids, e.ID)
			}
		}
		slices.Sort(ids)
		return ids
	}
	cases := map[string]struct {
		keys []string
		want []string
	}{
		"a name":                            {[]string{"marcelo ebrard"}, []string{ebrard}},
		"an alias":                          {[]string{"lopez obrador"}, []string{amlo}},
		"accents and case folded by caller": {[]string{graph.Fold("Gobierno de México")}, []string{mexicoGov}},
		"one word alias":                    {[]string{"mexico"}, []string{mexicoGov}},
		"words in another order":            {[]string{"obrador lopez"}, nil},
		"part of a name":                    {[]string{"ebrard"}, nil},
		"a prefix of a word":                {[]string{"russia government"}, nil},
		"the end of one name and the next":  {[]string{"obrador amlo"}, nil},
		"several keys, ordered by id":       {[]string{"reuters", "gru", "us", "nowhere"}, []string{gru, reuters, usGov}},
		"two keys of one entity":            {[]string{"russia", "kremlin"}, []string{russiaGov}},
		"hyphen folded to a space":          {[]string{graph.Fold("Liz Sherwood-Randall")}, []string{sherwood}},
		"no keys":                           {nil, nil},
		"a blank key":                       {[]string{""}, nil},
	}
	for name, c := range cases {
		got := must(f.EntitiesNamed(ctx, c.keys))(t)
		sameIDs(t, "EntitiesNamed, "+name, entityIDs(got), c.want)
		sameIDs(t, "EntitiesNamed against a scan, "+name, entityIDs(got), scanned(c.keys))
		for _, e := range got {
			sameEntity(t, "EntitiesNamed result "+e.ID, e, fixtureEntity(e.ID))
		}
	}
	// Renames, new aliases and deletions show at once.
	name, aliases := "Marcelo Luis Ebrard Casaubón", []string{"Canciller"}
	must(st.UpdateEntity(ctx, ebrard, graph.EntityPatch{Name: &name, Aliases: &aliases}))(t)
	sameIDs(t, "EntitiesNamed, the old name after a rename", entityIDs(must(f.EntitiesNamed(ctx, []string{"marcelo ebrard"}))(t)), nil)
	sameIDs(t, "EntitiesNamed, the new name", entityIDs(must(f.EntitiesNamed(ctx, []string{graph.Fold(name)}))(t)), []string{ebrard})
	sameIDs(t, "EntitiesNamed, a new alias", entityIDs(must(f.EntitiesNamed(ctx, []string{"canciller"}))(t)), []string{ebrard})
	if err := st.DeleteEntity(ctx, gru); err != nil {
		t.Fatal(err)
	}
	sameIDs(t, "EntitiesNamed, a deleted entity", entityIDs(must(f.EntitiesNamed(ctx, []string{"gru"}))(t)), nil)
	created := must(st.CreateEntity(ctx, graph.Entity{Kind: graph.Agency, Name: "GRU"}))(t)
	sameIDs(t, "EntitiesNamed, a new entity", entityIDs(must(f.EntitiesNamed(ctx, []string{"gru"}))(t)), []string{created.ID})
}
