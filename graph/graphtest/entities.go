package graphtest

import (
	"slices"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

func (s suite) testEntities(t *testing.T) {
	st, ctx := s.empty(t), t.Context()
	want := graph.Entity{ID: "marcelo-ebrard", Kind: graph.Person, Name: "Marcelo Ebrard", Aliases: []string{"Ebrard"},
		Description: "Mexican diplomat", Country: "MX", Role: "Foreign minister"}
	sameEntity(t, "CreateEntity result", must(st.CreateEntity(ctx, want))(t), want)
	sameEntity(t, "Entity", must(st.Entity(ctx, want.ID))(t), want)

	_, err := st.CreateEntity(ctx, graph.Entity{ID: want.ID, Kind: graph.Group, Name: "Another"})
	wantCode(t, "CreateEntity with a taken id", err, graph.ECONFLICT)
	sameEntity(t, "entity after a refused duplicate", must(st.Entity(ctx, want.ID))(t), want)

	derived := must(st.CreateEntity(ctx, graph.Entity{Kind: graph.Person, Name: "Andrés Manuel López Obrador"}))(t)
	if derived.ID != "andres-manuel-lopez-obrador" {
		t.Errorf("id derived from the name = %q, want the slug andres-manuel-lopez-obrador", derived.ID)
	}
	sameEntity(t, "entity with derived id", must(st.Entity(ctx, derived.ID))(t), derived)

	_, err = st.Entity(ctx, "nobody")
	wantCode(t, "Entity of a missing id", err, graph.ENOTFOUND)

	got := must(st.EntitiesByID(ctx, []string{want.ID, "nobody", derived.ID, want.ID}))(t)
	if len(got) != 2 {
		t.Errorf("EntitiesByID returned %d entities, want 2: %v", len(got), got)
	}
	sameEntity(t, "EntitiesByID[ebrard]", got[want.ID], want)
	sameEntity(t, "EntitiesByID[amlo]", got[derived.ID], derived)
	if empty := must(st.EntitiesByID(ctx, nil))(t); len(empty) != 0 {
		t.Errorf("EntitiesByID(nil) = %v, want empty", empty)
	}

	// A returned value is a copy: changing it must not change the store.
	e := must(st.Entity(ctx, want.ID))(t)
	e.Aliases[0] = "changed"
	sameEntity(t, "entity after the caller changed its copy", must(st.Entity(ctx, want.ID))(t), want)
}

func (s suite) testEntityValidation(t *testing.T) {
	st, ctx := s.empty(t), t.Context()
	bad := map[string]graph.Entity{
		"no name":          {ID: "x", Kind: graph.Person},
		"blank name":       {ID: "x", Kind: graph.Person, Name: "   "},
		"unknown kind":     {ID: "x", Kind: "PLANET", Name: "X"},
		"no kind":          {ID: "x", Name: "X"},
		"upper-case id":    {ID: "Bad-ID", Kind: graph.Person, Name: "X"},
		"id with a space":  {ID: "a b", Kind: graph.Person, Name: "X"},
		"id too long":      {ID: strings.Repeat("a", graph.MaxIDLen+1), Kind: graph.Person, Name: "X"},
		"name too long":    {ID: "x", Kind: graph.Person, Name: strings.Repeat("n", graph.MaxNameLen+1)},
		"empty alias":      {ID: "x", Kind: graph.Person, Name: "X", Aliases: []string{""}},
		"invalid UTF-8":    {ID: "x", Kind: graph.Person, Name: "X\xff"},
		"NUL byte":         {ID: "x", Kind: graph.Person, Name: "X\x00Y"},
		"description huge": {ID: "x", Kind: graph.Person, Name: "X", Description: strings.Repeat("d", graph.MaxTextLen+1)},
		"name of no words": {Kind: graph.Person, Name: "!!!"},
	}
	for name, e := range bad {
		_, err := st.CreateEntity(ctx, e)
		wantCode(t, "CreateEntity "+name, err, graph.EINVALID)
	}
	if n := must(st.Stats(ctx))(t).Entities; n != 0 {
		t.Errorf("refused entities were stored: %d entities", n)
	}
}

func (s suite) testUpdateEntity(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	name, role := "Marcelo Luis Ebrard", "Economy minister"
	want := fixtureEntity(ebrard)
	want.Name, want.Role = name, role
	sameEntity(t, "UpdateEntity result", must(st.UpdateEntity(ctx, ebrard, graph.EntityPatch{Name: &name, Role: &role}))(t), want)
	sameEntity(t, "entity after update", must(st.Entity(ctx, ebrard))(t), want)
	if found := must(st.SearchEntities(ctx, graph.SearchQuery{Text: "marcelo luis"}))(t); len(found) != 1 || found[0].ID != ebrard {
		t.Errorf("search by the new name = %q, want [%s]", entityIDs(found), ebrard)
	}

	aliases := []string{"Ebrard", "MEC"}
	want.Aliases = aliases
	sameEntity(t, "aliases replaced", must(st.UpdateEntity(ctx, ebrard, graph.EntityPatch{Aliases: &aliases}))(t), want)

	blank, planet := " ", graph.Kind("PLANET")
	_, err := st.UpdateEntity(ctx, ebrard, graph.EntityPatch{Name: &blank})
	wantCode(t, "UpdateEntity to a blank name", err, graph.EINVALID)
	_, err = st.UpdateEntity(ctx, ebrard, graph.EntityPatch{Kind: &planet})
	wantCode(t, "UpdateEntity to an unknown kind", err, graph.EINVALID)
	sameEntity(t, "entity after refused updates", must(st.Entity(ctx, ebrard))(t), want)

	_, err = st.UpdateEntity(ctx, "nobody", graph.EntityPatch{Name: &name})
	wantCode(t, "UpdateEntity of a missing id", err, graph.ENOTFOUND)

	person := graph.Person
	_, err = st.UpdateEntity(ctx, nyt, graph.EntityPatch{Kind: &person})
	wantCode(t, "turning an outlet with articles into a person", err, graph.ECONFLICT)
	if e := must(st.Entity(ctx, nyt))(t); e.Kind != graph.Outlet {
		t.Errorf("outlet kind changed to %s by a refused update", e.Kind)
	}
}

func (s suite) testArticles(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	a := graph.Article{ID: "nyt-new", Title: "A \"quoted\" title", Outlet: nyt, URL: "https://example.com/a?b=c&d=e",
		Published: "2023-01", Authors: []string{"One", "Two"}}
	sameArticle(t, "CreateArticle result", must(st.CreateArticle(ctx, a))(t), a)
	sameArticle(t, "Article", must(st.Article(ctx, a.ID))(t), a)

	_, err := st.CreateArticle(ctx, a)
	wantCode(t, "CreateArticle with a taken id", err, graph.ECONFLICT)
	_, err = st.CreateArticle(ctx, graph.Article{ID: "x1", Title: "T", Outlet: "no-such-outlet"})
	wantCode(t, "CreateArticle with a missing outlet", err, graph.ENOTFOUND)
	_, err = st.CreateArticle(ctx, graph.Article{ID: "x2", Title: "T", Outlet: ebrard})
	wantCode(t, "CreateArticle with a person as outlet", err, graph.EINVALID)
	_, err = st.CreateArticle(ctx, graph.Article{ID: "x3", Title: " ", Outlet: nyt})
	wantCode(t, "CreateArticle without a title", err, graph.EINVALID)
	_, err = st.CreateArticle(ctx, graph.Article{ID: "x4", Title: "T", Outlet: nyt, Published: "2022-13"})
	wantCode(t, "CreateArticle with a bad date", err, graph.EINVALID)
	_, err = st.Article(ctx, "x1")
	wantCode(t, "Article of a refused id", err, graph.ENOTFOUND)

	got := must(st.ArticlesByID(ctx, []string{nyt1, "nothing", a.ID}))(t)
	if len(got) != 2 {
		t.Errorf("ArticlesByID returned %d articles, want 2", len(got))
	}
	sameArticle(t, "ArticlesByID[new]", got[a.ID], a)
	if got[nyt1].Outlet != nyt || got[nyt1].Title != Fixture().Articles[0].Title {
		t.Errorf("ArticlesByID[%s] = %+v", nyt1, got[nyt1])
	}
	var scanned []string
	if err := st.ScanArticles(ctx, func(a graph.Article) error { scanned = append(scanned, a.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	want := []string{pais1, a.ID, nyt1, nyt2, reuters1, reuters2}
	slices.Sort(want)
	sameIDs(t, "ScanArticles order", scanned, want)
}
