package graphtest

import (
	"slices"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

func (s suite) testMerge(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	// A duplicate of Mexico's government, with its own relationship and a mention in About.
	must(st.Apply(ctx, graph.Batch{
		Entities: []graph.Entity{{ID: "mexico", Kind: graph.Government, Name: "Mexico", Aliases: []string{"Estados Unidos Mexicanos"}}},
		Relationships: []graph.Relationship{
			{ID: "r-dup-agreed", Type: graph.Agreed, From: "mexico", To: usGov, About: []string{"mexico", mexicoGov}},
			{ID: "r-dup-loop", Type: graph.Supported, From: "mexico", To: mexicoGov},
		},
	}))(t)
	merged := must(st.MergeEntities(ctx, mexicoGov, []string{"mexico"}))(t)
	want := fixtureEntity(mexicoGov)
	want.Aliases = graph.MergeAliases(want, graph.Entity{Name: "Mexico", Aliases: []string{"Estados Unidos Mexicanos"}})
	sameEntity(t, "MergeEntities result", merged, want)
	sameEntity(t, "survivor after merge", must(st.Entity(ctx, mexicoGov))(t), want)
	if !slices.Contains(merged.Aliases, "Estados Unidos Mexicanos") {
		t.Errorf("merged aliases %q lack the duplicate's alias", merged.Aliases)
	}
	_, err := st.Entity(ctx, "mexico")
	wantCode(t, "merged entity", err, graph.ENOTFOUND)
	agreed := must(st.Relationship(ctx, "r-dup-agreed"))(t)
	if agreed.From != mexicoGov || !slices.Equal(agreed.About, []string{mexicoGov}) {
		t.Errorf("after merge: %v About %q; want From %s and About [%s]", agreed, agreed.About, mexicoGov, mexicoGov)
	}
	loop := must(st.Relationship(ctx, "r-dup-loop"))(t)
	if loop.From != mexicoGov || loop.To != mexicoGov {
		t.Errorf("after merge: %v, want both ends on %s", loop, mexicoGov)
	}
	// A loop is an edge of the neighbourhood (between the node and itself), never a step.
	for _, center := range []string{mexicoGov, ebrard} {
		sub := must(st.Neighborhood(ctx, graph.NeighborhoodQuery{Center: center}))(t)
		if !slices.Contains(relIDs(sub.Edges), "r-dup-loop") {
			t.Errorf("neighbourhood of %s: edges %q lack the loop r-dup-loop", center, relIDs(sub.Edges))
		}
	}
	if ps := must(st.Paths(ctx, graph.PathQuery{From: ebrard, To: usGov}))(t); len(ps) != 4 || len(ps[0].Edges) != 2 {
		t.Errorf("paths from %s to %s after merge: %q, want 4 of 2 hops, no loop", ebrard, usGov, pathEdges(ps))
	}
	out := must(st.ListRelationships(ctx, graph.RelationshipQuery{From: mexicoGov}))(t)
	if !slices.Contains(relIDs(out.Relationships), "r-dup-agreed") {
		t.Errorf("relationships from the survivor %q lack the moved r-dup-agreed", relIDs(out.Relationships))
	}
	if got := must(st.ListRelationships(ctx, graph.RelationshipQuery{Entity: "mexico"}))(t); len(got.Relationships) != 0 {
		t.Errorf("the merged id still has relationships: %q", relIDs(got.Relationships))
	}

	// Merging outlets moves their articles and recounts sources.
	must(st.MergeEntities(ctx, reuters, []string{elPais}))(t)
	if a := must(st.Article(ctx, pais1))(t); a.Outlet != reuters {
		t.Errorf("article %s outlet = %s after merging %s into %s", pais1, a.Outlet, elPais, reuters)
	}
	if n := must(st.Relationship(ctx, rExpelled))(t).SourceCount; n != 1 {
		t.Errorf("%s SourceCount = %d after its two outlets merged, want 1", rExpelled, n)
	}
	if p := must(st.ListArticles(ctx, graph.ArticleQuery{Outlet: reuters}))(t); !slices.Contains(articleIDs(p.Articles), pais1) {
		t.Errorf("articles of %s = %q, want %s among them", reuters, articleIDs(p.Articles), pais1)
	}

	_, err = st.MergeEntities(ctx, usGov, []string{"ghost"})
	wantCode(t, "merge of a missing entity", err, graph.ENOTFOUND)
	_, err = st.MergeEntities(ctx, "ghost", []string{usGov})
	wantCode(t, "merge into a missing survivor", err, graph.ENOTFOUND)
	_, err = st.MergeEntities(ctx, usGov, []string{usGov})
	wantCode(t, "merge into itself", err, graph.EINVALID)
	_, err = st.MergeEntities(ctx, usGov, nil)
	wantCode(t, "merge of nothing", err, graph.EINVALID)
	_, err = st.MergeEntities(ctx, ebrard, []string{nyt})
	wantCode(t, "merge of an outlet with articles into a person", err, graph.ECONFLICT)
	_, err = st.MergeEntities(ctx, usGov, []string{amlo, "ghost"})
	wantCode(t, "merge with one missing entity", err, graph.ENOTFOUND)
	if _, err := st.Entity(ctx, amlo); err != nil {
		t.Errorf("a refused merge removed %s: %v", amlo, err)
	}
}

func (s suite) testDeleteEntity(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	if err := st.DeleteEntity(ctx, gru); err != nil {
		t.Fatal(err)
	}
	_, err := st.Entity(ctx, gru)
	wantCode(t, "deleted entity", err, graph.ENOTFOUND)
	_, err = st.Relationship(ctx, rGRU)
	wantCode(t, "relationship of the deleted entity", err, graph.ENOTFOUND)
	if r := must(st.Relationship(ctx, rWarned))(t); slices.Contains(r.About, gru) {
		t.Errorf("%s still names the deleted entity in About: %q", rWarned, r.About)
	}
	briefing := must(st.Relationship(ctx, rBriefing))(t)
	if len(briefing.About) != 0 {
		t.Errorf("%s About = %q, want empty after deleting its only subject", rBriefing, briefing.About)
	}
	if got := must(st.SearchEntities(ctx, graph.SearchQuery{Text: "GRU"}))(t); len(got) != 0 {
		t.Errorf("search finds the deleted entity: %q", entityIDs(got))
	}
	err = st.DeleteEntity(ctx, nyt)
	wantCode(t, "deleting an outlet with articles", err, graph.ECONFLICT)
	if _, err := st.Entity(ctx, nyt); err != nil {
		t.Errorf("refused delete removed the outlet: %v", err)
	}
	err = st.DeleteEntity(ctx, gru)
	wantCode(t, "deleting twice", err, graph.ENOTFOUND)

	// Deleting a hub removes every relationship it is From or To of, negated ones included.
	if err := st.DeleteEntity(ctx, mexicoGov); err != nil {
		t.Fatal(err)
	}
	left := must(st.ListRelationships(ctx, graph.RelationshipQuery{RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}}))(t)
	for _, r := range left.Relationships {
		if r.From == mexicoGov || r.To == mexicoGov {
			t.Errorf("%v survives the deletion of %s", r, mexicoGov)
		}
	}
	sameIDs(t, "relationships left", relIDs(left.Relationships), []string{rAccused, rBriefing, rDiplomats})
}

func (s suite) testDeleteRelationship(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	if err := st.DeleteRelationship(ctx, rWarned); err != nil {
		t.Fatal(err)
	}
	_, err := st.Relationship(ctx, rWarned)
	wantCode(t, "deleted relationship", err, graph.ENOTFOUND)
	wantCode(t, "deleting twice", st.DeleteRelationship(ctx, rWarned), graph.ENOTFOUND)
	p := must(st.ListRelationships(ctx, graph.RelationshipQuery{From: usGov}))(t)
	sameIDs(t, "relationships from us after delete", relIDs(p.Relationships), []string{rRequested})
	if n := must(st.Stats(ctx))(t).Relationships; n != len(Fixture().Relationships)-1 {
		t.Errorf("Stats.Relationships = %d after one delete, want %d", n, len(Fixture().Relationships)-1)
	}
}

func (s suite) testStats(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	got := must(st.Stats(ctx))(t)
	f := Fixture()
	want := graph.Stats{
		Entities: len(f.Entities), Articles: len(f.Articles), Relationships: len(f.Relationships), NegatedRelationships: 1,
		EntitiesByKind:      map[graph.Kind]int{},
		RelationshipsByType: map[graph.RelationType]int{},
	}
	for _, e := range f.Entities {
		want.EntitiesByKind[e.Kind]++
	}
	for _, r := range f.Relationships {
		want.RelationshipsByType[r.Type]++
	}
	if got.Entities != want.Entities || got.Articles != want.Articles || got.Relationships != want.Relationships || got.NegatedRelationships != want.NegatedRelationships {
		t.Errorf("Stats = %+v, want %+v", got, want)
	}
	for k, n := range want.EntitiesByKind {
		if got.EntitiesByKind[k] != n {
			t.Errorf("EntitiesByKind[%s] = %d, want %d", k, got.EntitiesByKind[k], n)
		}
	}
	for k, n := range want.RelationshipsByType {
		if got.RelationshipsByType[k] != n {
			t.Errorf("RelationshipsByType[%s] = %d, want %d", k, got.RelationshipsByType[k], n)
		}
	}
	empty := must(s.empty(t).Stats(ctx))(t)
	if empty.Entities+empty.Articles+empty.Relationships != 0 {
		t.Errorf("empty store Stats = %+v", empty)
	}
}

func (s suite) testApplyAtomic(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	before := snapshot(t, st)
	good := graph.Batch{
		Entities:      []graph.Entity{{ID: "new-person", Kind: graph.Person, Name: "New Person"}},
		Articles:      []graph.Article{{ID: "new-article", Title: "New", Outlet: nyt}},
		Relationships: []graph.Relationship{{ID: "r-new", Type: graph.Warned, From: "new-person", To: usGov, Evidence: []graph.Evidence{{Article: "new-article"}}}},
	}
	breakers := map[string]func(b *graph.Batch){
		"missing end":     func(b *graph.Batch) { b.Relationships[0].To = "ghost" },
		"missing article": func(b *graph.Batch) { b.Relationships[0].Evidence[0].Article = "ghost" },
		"missing outlet":  func(b *graph.Batch) { b.Articles[0].Outlet = "ghost" },
		"invalid entity": func(b *graph.Batch) {
			b.Entities = append(b.Entities, graph.Entity{ID: "x", Kind: "PLANET", Name: "X"})
		},
		"relationship bad": func(b *graph.Batch) {
			b.Relationships = append(b.Relationships, graph.Relationship{ID: "r-bad", Type: "HUGGED", From: usGov})
		},
		"no relationship id": func(b *graph.Batch) { b.Relationships[0].ID = "" },
		"outlet demoted": func(b *graph.Batch) {
			b.Entities = append(b.Entities, graph.Entity{ID: reuters, Kind: graph.Person, Name: "Reuters"})
		},
	}
	for name, breakIt := range breakers {
		b := cloneBatch(good)
		breakIt(&b)
		_, err := st.Apply(ctx, b)
		if err == nil {
			t.Errorf("Apply with %s: no error", name)
		}
		if code := graph.ErrorCode(err); code == graph.EINTERNAL {
			t.Errorf("Apply with %s: internal error %v, want a domain error", name, err)
		}
		if after := snapshot(t, st); !after.equal(before) {
			t.Errorf("Apply with %s wrote part of the batch: %s", name, after.diff(before))
		}
	}
	res := must(st.Apply(ctx, good))(t)
	if res.EntitiesCreated != 1 || res.ArticlesCreated != 1 || res.RelationshipsCreated != 1 {
		t.Errorf("Apply of the good batch = %+v", res)
	}
	if n := must(st.Relationship(ctx, "r-new"))(t).SourceCount; n != 1 {
		t.Errorf("batch relationship SourceCount = %d, want 1", n)
	}
}

func cloneBatch(b graph.Batch) graph.Batch {
	out := graph.Batch{Entities: slices.Clone(b.Entities), Articles: slices.Clone(b.Articles)}
	for _, r := range b.Relationships {
		r.Evidence = slices.Clone(r.Evidence)
		r.About = slices.Clone(r.About)
		out.Relationships = append(out.Relationships, r)
	}
	return out
}

func (s suite) testApplyIdempotent(t *testing.T) {
	st, ctx := s.empty(t), t.Context()
	first := must(st.Apply(ctx, Fixture()))(t)
	f := Fixture()
	if first.EntitiesCreated != len(f.Entities) || first.ArticlesCreated != len(f.Articles) || first.RelationshipsCreated != len(f.Relationships) {
		t.Errorf("first Apply = %+v", first)
	}
	once := snapshot(t, st)
	second := must(st.Apply(ctx, Fixture()))(t)
	if second.EntitiesCreated+second.ArticlesCreated+second.RelationshipsCreated != 0 ||
		second.EntitiesUpdated != len(f.Entities) || second.RelationshipsUpdated != len(f.Relationships) {
		t.Errorf("second Apply = %+v, want everything updated and nothing created", second)
	}
	if twice := snapshot(t, st); !twice.equal(once) {
		t.Errorf("applying the fixture twice changed the store: %s", twice.diff(once))
	}

	// An upsert replaces fields and merges evidence by article.
	r := fixtureRel(rDenied)
	r.Summary = "new summary"
	r.Evidence = []graph.Evidence{{Article: reuters1, Excerpt: "new excerpt"}, {Article: nyt2}}
	must(st.Apply(ctx, graph.Batch{Relationships: []graph.Relationship{r}}))(t)
	got := must(st.Relationship(ctx, rDenied))(t)
	want := fixtureRel(rDenied)
	want.Summary = "new summary"
	want.Evidence = []graph.Evidence{{Article: reuters1, Excerpt: "new excerpt"}, {Article: reuters2}, {Article: nyt2}}
	want.SourceCount = 2
	sameRel(t, "relationship upserted by Apply", got, want)
}
