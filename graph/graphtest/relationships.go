package graphtest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

func (s suite) testRelationships(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	for _, r := range Fixture().Relationships {
		sameRel(t, "fixture relationship "+r.ID, must(st.Relationship(ctx, r.ID))(t), fixtureRel(r.ID))
	}

	r := graph.Relationship{ID: "r-new", Type: graph.Accused, From: ebrard, To: russiaGov, About: []string{gru, gru, diplomats},
		Date: "2022-06-30", Summary: "a summary", Evidence: []graph.Evidence{{Article: nyt2, Excerpt: "says so"}},
		SourceCount: 99}
	want := r
	want.About, want.SourceCount = []string{gru, diplomats}, 1
	want.Evidence = slices.Clone(r.Evidence)
	sameRel(t, "CreateRelationship result (About without repeats, SourceCount computed)", must(st.CreateRelationship(ctx, r))(t), want)
	sameRel(t, "created relationship", must(st.Relationship(ctx, r.ID))(t), want)

	_, err := st.CreateRelationship(ctx, r)
	wantCode(t, "CreateRelationship with a taken id", err, graph.ECONFLICT)

	// Values going in and coming out are copies: changing them must not change the store.
	r.About[0], r.Evidence[0].Excerpt = "changed", "changed"
	created := must(st.Relationship(ctx, r.ID))(t)
	created.About[0], created.Evidence[0].Excerpt = "changed", "changed"
	added := must(st.AddEvidence(ctx, r.ID, graph.Evidence{Article: nyt2, Excerpt: "says so"}))(t)
	added.About[0], added.Evidence[0].Excerpt = "changed", "changed"
	page := must(st.ListRelationships(ctx, graph.RelationshipQuery{From: ebrard}))(t)
	for _, listed := range page.Relationships {
		if len(listed.Evidence) > 0 {
			listed.Evidence[0].Excerpt = "changed"
		}
	}
	sameRel(t, "relationship after callers changed their copies", must(st.Relationship(ctx, r.ID))(t), want)

	generated := must(st.CreateRelationship(ctx, graph.Relationship{Type: graph.Supported, From: russiaGov, To: gru}))(t)
	if graph.ValidateID("relationship", generated.ID) != nil {
		t.Errorf("generated id %q is not a valid id", generated.ID)
	}
	sameRel(t, "relationship with a generated id", must(st.Relationship(ctx, generated.ID))(t), generated)

	noTo := must(st.CreateRelationship(ctx, graph.Relationship{ID: "r-no-to", Type: graph.Monitored, From: russiaGov}))(t)
	if noTo.To != "" {
		t.Errorf("relationship without a counterpart got To %q", noTo.To)
	}

	bad := map[string]struct {
		r    graph.Relationship
		code string
	}{
		"unknown type":      {graph.Relationship{ID: "b1", Type: "HUGGED", From: usGov, To: mexicoGov}, graph.EINVALID},
		"no from":           {graph.Relationship{ID: "b2", Type: graph.Warned, To: mexicoGov}, graph.EINVALID},
		"bad date":          {graph.Relationship{ID: "b3", Type: graph.Warned, From: usGov, To: mexicoGov, Date: "March"}, graph.EINVALID},
		"missing from":      {graph.Relationship{ID: "b4", Type: graph.Warned, From: "ghost", To: mexicoGov}, graph.ENOTFOUND},
		"missing to":        {graph.Relationship{ID: "b5", Type: graph.Warned, From: usGov, To: "ghost"}, graph.ENOTFOUND},
		"missing about":     {graph.Relationship{ID: "b6", Type: graph.Warned, From: usGov, To: mexicoGov, About: []string{"ghost"}}, graph.ENOTFOUND},
		"missing article":   {graph.Relationship{ID: "b7", Type: graph.Warned, From: usGov, To: mexicoGov, Evidence: []graph.Evidence{{Article: "ghost"}}}, graph.ENOTFOUND},
		"bad evidence id":   {graph.Relationship{ID: "b8", Type: graph.Warned, From: usGov, To: mexicoGov, Evidence: []graph.Evidence{{Article: "A B"}}}, graph.EINVALID},
		"summary too long":  {graph.Relationship{ID: "b9", Type: graph.Warned, From: usGov, To: mexicoGov, Summary: strings.Repeat("s", graph.MaxTextLen+1)}, graph.EINVALID},
		"too much evidence": {graph.Relationship{ID: "b10", Type: graph.Warned, From: usGov, To: mexicoGov, Evidence: manyEvidence(graph.MaxListLen + 1)}, graph.EINVALID},
	}
	for name, c := range bad {
		_, err := st.CreateRelationship(ctx, c.r)
		wantCode(t, "CreateRelationship "+name, err, c.code)
		_, err = st.Relationship(ctx, c.r.ID)
		wantCode(t, "Relationship refused as "+name, err, graph.ENOTFOUND)
	}
	_, err = st.Relationship(ctx, "ghost")
	wantCode(t, "Relationship of a missing id", err, graph.ENOTFOUND)
}

func manyEvidence(n int) []graph.Evidence {
	out := make([]graph.Evidence, n)
	for i := range out {
		out[i] = graph.Evidence{Article: fmt.Sprintf("a%d", i)}
	}
	return out
}

func (s suite) testSourceCount(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	for id, n := range fixtureSources {
		if got := must(st.Relationship(ctx, id))(t).SourceCount; got != n {
			t.Errorf("%s: SourceCount = %d, want %d distinct outlets", id, got, n)
		}
	}
	// Re-publishing an article under another outlet changes the count of what cites it.
	moved := Fixture().Articles[4] // reuters2
	moved.Outlet = nyt
	must(st.Apply(ctx, graph.Batch{Articles: []graph.Article{moved}}))(t)
	if got := must(st.Relationship(ctx, rDenied))(t).SourceCount; got != 2 {
		t.Errorf("after %s moved to %s: %s SourceCount = %d, want 2", reuters2, nyt, rDenied, got)
	}
	if got := must(st.Relationship(ctx, rExpelled))(t).SourceCount; got != 2 {
		t.Errorf("after %s moved to %s: %s SourceCount = %d, want 2 (El País, NYT)", reuters2, nyt, rExpelled, got)
	}
}

func (s suite) testAddEvidence(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	want := fixtureRel(rRequested)
	want.Evidence = append(want.Evidence, graph.Evidence{Article: reuters1, Excerpt: "confirms the request"})
	want.SourceCount = 2
	sameRel(t, "AddEvidence result", must(st.AddEvidence(ctx, rRequested, graph.Evidence{Article: reuters1, Excerpt: "confirms the request"}))(t), want)
	sameRel(t, "AddEvidence again (idempotent)", must(st.AddEvidence(ctx, rRequested, graph.Evidence{Article: reuters1, Excerpt: "confirms the request"}))(t), want)

	want.Evidence[1].Excerpt = "a better excerpt"
	sameRel(t, "AddEvidence with a new excerpt replaces it", must(st.AddEvidence(ctx, rRequested, graph.Evidence{Article: reuters1, Excerpt: "a better excerpt"}))(t), want)
	sameRel(t, "relationship after AddEvidence", must(st.Relationship(ctx, rRequested))(t), want)
	// The article's index follows the new evidence.
	cited := must(st.ListRelationships(ctx, graph.RelationshipQuery{Article: reuters1}))(t)
	sameIDs(t, "relationships of "+reuters1+" after AddEvidence", relIDs(cited.Relationships), []string{rDenied, rRequested})

	_, err := st.AddEvidence(ctx, rRequested, graph.Evidence{Article: "ghost"})
	wantCode(t, "AddEvidence of a missing article", err, graph.ENOTFOUND)
	_, err = st.AddEvidence(ctx, "ghost", graph.Evidence{Article: nyt1})
	wantCode(t, "AddEvidence to a missing relationship", err, graph.ENOTFOUND)
	_, err = st.AddEvidence(ctx, rRequested, graph.Evidence{Article: nyt1, Excerpt: strings.Repeat("x", graph.MaxTextLen+1)})
	wantCode(t, "AddEvidence with a huge excerpt", err, graph.EINVALID)
	sameRel(t, "relationship after refused evidence", must(st.Relationship(ctx, rRequested))(t), want)
}

func (s suite) testListEntities(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	var all []string
	for _, e := range Fixture().Entities {
		all = append(all, e.ID)
	}
	slices.Sort(all)
	p := must(st.ListEntities(ctx, graph.EntityQuery{}))(t)
	sameIDs(t, "ListEntities", entityIDs(p.Entities), all)
	if p.TotalCount != len(all) || p.HasNextPage || p.EndCursor != all[len(all)-1] {
		t.Errorf("ListEntities page info = %+v, want total %d, no next page, cursor %s", p.PageInfo, len(all), all[len(all)-1])
	}
	sameEntity(t, "listed entity", p.Entities[slices.Index(all, amlo)], fixtureEntity(amlo))

	people := must(st.ListEntities(ctx, graph.EntityQuery{Kind: graph.Person}))(t)
	sameIDs(t, "ListEntities(PERSON)", entityIDs(people.Entities), []string{amlo, sherwood, ebrard})
	if people.TotalCount != 3 {
		t.Errorf("ListEntities(PERSON).TotalCount = %d, want 3", people.TotalCount)
	}
	people2 := must(st.ListEntities(ctx, graph.EntityQuery{Kind: graph.Person, Page: graph.Page{First: 2, After: amlo, SkipTotal: true}}))(t)
	sameIDs(t, "ListEntities(PERSON) after amlo without total", entityIDs(people2.Entities), []string{sherwood, ebrard})
	arts := must(st.ListArticles(ctx, graph.ArticleQuery{Page: graph.Page{First: 2, SkipTotal: true}}))(t)
	if len(arts.Articles) != 2 || !arts.HasNextPage {
		t.Errorf("ListArticles first 2 without total: %d articles, next page %v", len(arts.Articles), arts.HasNextPage)
	}
	_, err := st.ListEntities(ctx, graph.EntityQuery{Kind: "PLANET"})
	wantCode(t, "ListEntities of an unknown kind", err, graph.EINVALID)

	var scanned []string
	if err := st.ScanEntities(ctx, func(e graph.Entity) error { scanned = append(scanned, e.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	sameIDs(t, "ScanEntities order", scanned, all)
	stop := fmt.Errorf("stop")
	n := 0
	err = st.ScanEntities(ctx, func(graph.Entity) error { n++; return stop })
	if err == nil || n != 1 {
		t.Errorf("ScanEntities did not stop at the first error: %d calls, error %v", n, err)
	}
}

func (s suite) testListArticles(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	p := must(st.ListArticles(ctx, graph.ArticleQuery{}))(t)
	sameIDs(t, "ListArticles", articleIDs(p.Articles), sorted(pais1, nyt1, nyt2, reuters1, reuters2))
	if p.TotalCount != 5 {
		t.Errorf("ListArticles.TotalCount = %d, want 5", p.TotalCount)
	}
	p = must(st.ListArticles(ctx, graph.ArticleQuery{Outlet: reuters}))(t)
	sameIDs(t, "ListArticles(outlet reuters)", articleIDs(p.Articles), sorted(reuters1, reuters2))
	// Evidence of relationships the entity is From, To or About of.
	p = must(st.ListArticles(ctx, graph.ArticleQuery{Entity: gru}))(t)
	sameIDs(t, "ListArticles(entity gru, as About)", articleIDs(p.Articles), sorted(pais1, nyt1, nyt2))
	p = must(st.ListArticles(ctx, graph.ArticleQuery{Entity: diplomats}))(t)
	sameIDs(t, "ListArticles(entity diplomats)", articleIDs(p.Articles), sorted(pais1, nyt1, reuters1, reuters2))
	// An outlet's own articles count too.
	p = must(st.ListArticles(ctx, graph.ArticleQuery{Entity: elPais}))(t)
	sameIDs(t, "ListArticles(entity el-pais)", articleIDs(p.Articles), []string{pais1})
	p = must(st.ListArticles(ctx, graph.ArticleQuery{Entity: diplomats, Outlet: reuters, Page: graph.Page{First: 1}}))(t)
	first := sorted(reuters1, reuters2)[0]
	sameIDs(t, "ListArticles(entity and outlet, first 1)", articleIDs(p.Articles), []string{first})
	if p.TotalCount != 2 || !p.HasNextPage || p.EndCursor != first {
		t.Errorf("ListArticles(entity and outlet, first 1) page info = %+v", p.PageInfo)
	}
}

func sorted(ids ...string) []string {
	slices.Sort(ids)
	return ids
}

func articleIDs(as []graph.Article) []string {
	ids := make([]string, len(as))
	for i, a := range as {
		ids[i] = a.ID
	}
	return ids
}

func (s suite) testListRelationships(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	p := must(st.ListRelationships(ctx, graph.RelationshipQuery{}))(t)
	want := expectedRels(graph.RelationshipQuery{})
	sameIDs(t, "ListRelationships (negated left out)", relIDs(p.Relationships), want)
	if slices.Contains(relIDs(p.Relationships), rExpelled) {
		t.Errorf("a negated relationship is listed without IncludeNegated")
	}
	if p.TotalCount != len(want) || p.HasNextPage {
		t.Errorf("ListRelationships page info = %+v, want total %d", p.PageInfo, len(want))
	}
	for _, r := range p.Relationships {
		sameRel(t, "listed "+r.ID, r, fixtureRel(r.ID))
	}
}

func (s suite) testRelationshipFilters(t *testing.T) {
	st := s.withFixture(t)
	queries := map[string]graph.RelationshipQuery{
		"with negated":          {RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}},
		"types":                 {RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{graph.Warned, graph.Denied}}},
		"type expelled":         {RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{graph.Expelled}}},
		"type expelled negated": {RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{graph.Expelled}, IncludeNegated: true}},
		"from us":               {From: usGov},
		"to mexico":             {To: mexicoGov},
		"from us to mexico":     {From: usGov, To: mexicoGov},
		"entity mexico both":    {Entity: mexicoGov},
		"entity mexico out":     {Entity: mexicoGov, Direction: graph.Out},
		"entity mexico in":      {Entity: mexicoGov, Direction: graph.In},
		"entity mexico negated": {Entity: mexicoGov, RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}},
		"entity gru (About only)": {Entity: gru,
			RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}},
		"since 2022-03-05":         {RelationshipFilter: graph.RelationshipFilter{Since: "2022-03-05"}},
		"until 2021":               {RelationshipFilter: graph.RelationshipFilter{Until: "2021"}},
		"overlap March to April":   {RelationshipFilter: graph.RelationshipFilter{Since: "2022-03-05", Until: "2022-04-15"}},
		"min sources 2":            {RelationshipFilter: graph.RelationshipFilter{MinSources: 2}},
		"min sources 2 negated":    {RelationshipFilter: graph.RelationshipFilter{MinSources: 2, IncludeNegated: true}},
		"min sources 1 from us":    {From: usGov, RelationshipFilter: graph.RelationshipFilter{MinSources: 1, Since: "2022"}},
		"nothing matches":          {From: ebrard, RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{graph.Warned}}},
		"article nyt1":             {Article: nyt1},
		"article reuters1 negated": {Article: reuters1, RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}},
		"article nyt1 from us":     {Article: nyt1, From: usGov},
		"article pais1 entity":     {Article: pais1, Entity: mexicoGov, Direction: graph.In},
		"article reuters2 negated": {Article: reuters2, RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}},
		"nothing: absent article":  {Article: "no-such-article"},
		"nothing: nyt2 to mexico":  {Article: nyt2, To: mexicoGov},
	}
	for name, q := range queries {
		want := expectedRels(q)
		if !strings.HasPrefix(name, "nothing") && name != "type expelled" && len(want) == 0 {
			t.Fatalf("%s: the fixture has no match, the case tests nothing", name)
		}
		p := must(st.ListRelationships(t.Context(), q))(t)
		sameIDs(t, "ListRelationships "+name, relIDs(p.Relationships), want)
		if p.TotalCount != len(want) {
			t.Errorf("ListRelationships %s: TotalCount = %d, want %d", name, p.TotalCount, len(want))
		}
		// A page without its total is the same page.
		q.Page.SkipTotal = true
		skipped := must(st.ListRelationships(t.Context(), q))(t)
		sameIDs(t, "ListRelationships without total "+name, relIDs(skipped.Relationships), want)
		if skipped.HasNextPage != p.HasNextPage || skipped.EndCursor != p.EndCursor {
			t.Errorf("ListRelationships %s without total: page info %+v, want %+v", name, skipped.PageInfo, p.PageInfo)
		}
	}
	// Spot checks of the semantics the reference relies on.
	overlap := expectedRels(queries["overlap March to April"])
	if !slices.Contains(overlap, rWarned) || slices.Contains(overlap, rRequested) || slices.Contains(overlap, rLeads) {
		t.Errorf("interval overlap: got %q; want %s (dated March 2022) without %s (2022-03-01) and undated %s", overlap, rWarned, rRequested, rLeads)
	}
	if got := expectedRels(queries["min sources 2"]); !slices.Equal(got, []string{rWarned}) {
		t.Errorf("min sources 2 = %q, want only %s", got, rWarned)
	}

	bad := map[string]graph.RelationshipQuery{
		"unknown type":       {RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{"HUGGED"}}},
		"bad since":          {RelationshipFilter: graph.RelationshipFilter{Since: "2022-02-30"}},
		"negative sources":   {RelationshipFilter: graph.RelationshipFilter{MinSources: -1}},
		"bad direction":      {Entity: usGov, Direction: "SIDEWAYS"},
		"bad entity id":      {Entity: "Not An Id"},
		"bad article id":     {Article: "Not An Id"},
		"page too big":       {Page: graph.Page{First: graph.MaxPageSize + 1}},
		"negative page size": {Page: graph.Page{First: -1}},
	}
	for name, q := range bad {
		_, err := st.ListRelationships(t.Context(), q)
		wantCode(t, "ListRelationships "+name, err, graph.EINVALID)
	}
}

func (s suite) testPagination(t *testing.T) {
	st, ctx := s.empty(t), t.Context()
	b := graph.Batch{Entities: []graph.Entity{{ID: "hub", Kind: graph.Group, Name: "Hub"}}}
	const n = 23
	for i := range n {
		id := fmt.Sprintf("e%02d", i)
		b.Entities = append(b.Entities, graph.Entity{ID: id, Kind: graph.Person, Name: "Person " + id})
		b.Relationships = append(b.Relationships, graph.Relationship{ID: fmt.Sprintf("r%02d", i), Type: graph.MemberOf, From: id, To: "hub", Negated: i%5 == 0})
	}
	must(st.Apply(ctx, b))(t)
	want := expectedFrom(b, graph.RelationshipQuery{})
	for _, size := range []int{1, 4, 7, n, graph.MaxPageSize} {
		q := graph.RelationshipQuery{Entity: "hub"}
		if size%2 == 0 {
			q = graph.RelationshipQuery{}
		}
		var got []string
		q.Page = graph.Page{First: size}
		for pages := 0; ; pages++ {
			p := must(st.ListRelationships(ctx, q))(t)
			if p.TotalCount != len(want) {
				t.Fatalf("page size %d: TotalCount = %d, want %d", size, p.TotalCount, len(want))
			}
			if len(p.Relationships) > size {
				t.Fatalf("page size %d: page of %d", size, len(p.Relationships))
			}
			got = append(got, relIDs(p.Relationships)...)
			if len(p.Relationships) > 0 && p.EndCursor != p.Relationships[len(p.Relationships)-1].ID {
				t.Fatalf("EndCursor %q is not the last id of the page", p.EndCursor)
			}
			if !p.HasNextPage {
				break
			}
			if pages > n {
				t.Fatal("pagination does not end")
			}
			q.Page.After = p.EndCursor
		}
		sameIDs(t, fmt.Sprintf("all pages of size %d", size), got, want)
	}
	// The default page size applies when First is 0.
	var many graph.Batch
	for i := range graph.DefaultPageSize + 5 {
		many.Entities = append(many.Entities, graph.Entity{ID: fmt.Sprintf("z%03d", i), Kind: graph.Group, Name: "Z"})
	}
	must(st.Apply(ctx, many))(t)
	p := must(st.ListEntities(ctx, graph.EntityQuery{Kind: graph.Group}))(t)
	if len(p.Entities) != graph.DefaultPageSize || !p.HasNextPage || p.TotalCount != graph.DefaultPageSize+6 {
		t.Errorf("default page: %d entities, info %+v; want %d with a next page of %d total", len(p.Entities), p.PageInfo, graph.DefaultPageSize, graph.DefaultPageSize+6)
	}
	// A cursor between ids, or past the end, still works.
	p = must(st.ListEntities(ctx, graph.EntityQuery{Page: graph.Page{First: 2, After: "e05a"}}))(t)
	sameIDs(t, "page after a cursor that is no id", entityIDs(p.Entities), []string{"e06", "e07"})
	p = must(st.ListEntities(ctx, graph.EntityQuery{Page: graph.Page{After: "zzz"}}))(t)
	if len(p.Entities) != 0 || p.HasNextPage || p.EndCursor != "" {
		t.Errorf("page past the end = %q, info %+v; want empty", entityIDs(p.Entities), p.PageInfo)
	}
	_, err := st.ListEntities(ctx, graph.EntityQuery{Page: graph.Page{First: graph.MaxPageSize + 1}})
	wantCode(t, "ListEntities page too big", err, graph.EINVALID)
}

// expectedFrom filters the batch's relationships with q's Match, sorted by id.
func expectedFrom(b graph.Batch, q graph.RelationshipQuery) []string {
	var ids []string
	for _, r := range b.Relationships {
		if q.Match(r) {
			ids = append(ids, r.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

func (s suite) testScan(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	q := graph.RelationshipQuery{Entity: mexicoGov, RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}, Page: graph.Page{First: 1}}
	var got []string
	err := st.ScanRelationships(ctx, q, func(r graph.Relationship) error {
		sameRel(t, "scanned "+r.ID, r, fixtureRel(r.ID))
		got = append(got, r.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sameIDs(t, "ScanRelationships ignores the page", got, expectedRels(q))
	sameIDs(t, "pages of 1 list the same", relIDs(allRels(t, st, q, 1)), got)
}
