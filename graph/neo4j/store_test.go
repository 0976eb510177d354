package neo4j_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/neo4j"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
)

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// story is a small graph: two governments, an outlet with two articles, a warning with
// evidence from both, a denial, and a briefing with no counterpart.
func story() graph.Batch {
	return graph.Batch{
		Entities: []graph.Entity{
			{ID: "us", Kind: graph.Government, Name: "United States Government", Aliases: []string{"Washington"}},
			{ID: "mx", Kind: graph.Government, Name: "Gobierno de México", Aliases: []string{"Mexico"}},
			{ID: "gru", Kind: graph.Agency, Name: "GRU"},
			{ID: "paper", Kind: graph.Outlet, Name: "The Paper"},
			{ID: "wire", Kind: graph.Outlet, Name: "The Wire"},
		},
		Articles: []graph.Article{
			{ID: "a1", Title: "Warning", Outlet: "paper", Published: "2022-03"},
			{ID: "a2", Title: "Follow-up", Outlet: "wire", Published: "2022-04-02", Authors: []string{"A. B."}},
		},
		Relationships: []graph.Relationship{
			{ID: "r1", Type: graph.Warned, From: "us", To: "mx", About: []string{"gru"}, Date: "2022-03",
				Evidence: []graph.Evidence{{Article: "a1", Excerpt: "says so"}, {Article: "a2"}}},
			{ID: "r2", Type: graph.Denied, From: "mx", To: "us", Date: "2022-04", Negated: false,
				Evidence: []graph.Evidence{{Article: "a2"}}},
			{ID: "r3", Type: graph.Warned, From: "us", About: []string{"gru"}, Date: "2022-03-10"},
		},
	}
}

func openWithStory(t *testing.T) (*neo4j.Store, context.Context) {
	s := neo4jtest.OpenStore(t)
	ctx := testContext(t)
	res, err := s.Apply(ctx, story())
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	want := graph.BatchResult{EntitiesCreated: 5, ArticlesCreated: 2, RelationshipsCreated: 3}
	if res != want {
		t.Fatalf("Apply = %+v, want %+v", res, want)
	}
	return s, ctx
}

func TestStoryRoundTrip(t *testing.T) {
	s, ctx := openWithStory(t)
	r1, err := s.Relationship(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if r1.SourceCount != 2 || r1.To != "mx" || len(r1.Evidence) != 2 || r1.Evidence[0].Excerpt != "says so" {
		t.Errorf("r1 = %+v", r1)
	}
	r3, err := s.Relationship(ctx, "r3")
	if err != nil {
		t.Fatal(err)
	}
	if r3.To != "" || r3.Evidence != nil {
		t.Errorf("r3 = %+v, want no To and no evidence", r3)
	}
	a2, err := s.Article(ctx, "a2")
	if err != nil {
		t.Fatal(err)
	}
	if a2.Outlet != "wire" || !reflect.DeepEqual(a2.Authors, []string{"A. B."}) {
		t.Errorf("a2 = %+v", a2)
	}
	if _, err := s.Entity(ctx, "nobody"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("Entity(nobody) error = %v, want %s", err, graph.ENOTFOUND)
	}

	// Applying the same batch again changes nothing but the counts.
	res, err := s.Apply(ctx, story())
	if err != nil {
		t.Fatal(err)
	}
	if res.RelationshipsUpdated != 3 || res.EntitiesUpdated != 5 {
		t.Errorf("second Apply = %+v", res)
	}
	again, err := s.Relationship(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, r1) {
		t.Errorf("after re-apply r1 = %+v, want %+v", again, r1)
	}
}

func TestWalks(t *testing.T) {
	s, ctx := openWithStory(t)
	sub, err := s.Neighborhood(ctx, graph.NeighborhoodQuery{Center: "us", Depth: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := entityIDs(sub.Nodes); !reflect.DeepEqual(got, []string{"us", "mx"}) {
		t.Errorf("neighbourhood nodes = %v", got)
	}
	if got := relIDs(sub.Edges); !reflect.DeepEqual(got, []string{"r1", "r2"}) {
		t.Errorf("neighbourhood edges = %v", got)
	}
	paths, err := s.Paths(ctx, graph.PathQuery{From: "mx", To: "us"})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 || relIDs(paths[0].Edges)[0] != "r1" || relIDs(paths[1].Edges)[0] != "r2" {
		t.Errorf("paths = %+v", paths)
	}
	tl, err := s.Timeline(ctx, graph.TimelineQuery{RelationshipFilter: graph.RelationshipFilter{Since: "2022-03-05"}})
	if err != nil {
		t.Fatal(err)
	}
	// r1 ("2022-03") overlaps since 2022-03-05 and starts on 03-01, before r3.
	if got := relIDs(tl); !reflect.DeepEqual(got, []string{"r1", "r3", "r2"}) {
		t.Errorf("timeline = %v", got)
	}
	page, err := s.ListRelationships(ctx, graph.RelationshipQuery{Entity: "us", Direction: graph.Out, Page: graph.Page{First: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalCount != 2 || !page.HasNextPage || page.EndCursor != "r1" {
		t.Errorf("page = %+v", page.PageInfo)
	}
	arts, err := s.ListArticles(ctx, graph.ArticleQuery{Entity: "gru"})
	if err != nil {
		t.Fatal(err)
	}
	if got := articleIDs(arts.Articles); !reflect.DeepEqual(got, []string{"a1", "a2"}) {
		t.Errorf("articles about gru = %v", got)
	}
	found, err := s.SearchEntities(ctx, graph.SearchQuery{Text: "mexi"})
	if err != nil {
		t.Fatal(err)
	}
	if got := entityIDs(found); !reflect.DeepEqual(got, []string{"mx"}) {
		t.Errorf("search mexi = %v", got)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Entities != 5 || st.Relationships != 3 || st.RelationshipsByType[graph.Warned] != 2 || st.EntitiesByKind[graph.Outlet] != 2 {
		t.Errorf("stats = %+v", st)
	}
}

func TestHostileInput(t *testing.T) {
	s, ctx := openWithStory(t)
	before, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hostile := []string{
		"'", `"`, "`", "\\", "'}) MATCH (n) DETACH DELETE n //",
		"}) MATCH (n) DETACH DELETE n //", "` MATCH (n) DETACH DELETE n //", "x\" OR 1=1 --",
	}
	for i, h := range hostile {
		e, err := graph.NewWriter(s).CreateEntity(ctx, graph.Entity{Kind: graph.Person, Name: fmt.Sprintf("Agent %d %s", i, h), Aliases: []string{h + " alias"}, Description: h})
		if err != nil {
			t.Fatalf("CreateEntity(%q): %v", h, err)
		}
		got, err := s.Entity(ctx, e.ID)
		if err != nil || got.Name != fmt.Sprintf("Agent %d %s", i, h) || got.Description != h {
			t.Errorf("entity %d = %+v, %v", i, got, err)
		}
		// Hostile ids are refused before they reach Neo4j.
		if _, err := s.Entity(ctx, h); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("Entity(%q) error = %v, want %s", h, err, graph.EINVALID)
		}
		if _, err := s.SearchEntities(ctx, graph.SearchQuery{Text: h + " agent"}); err != nil && graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("SearchEntities(%q): %v", h, err)
		}
		if _, err := s.ListRelationships(ctx, graph.RelationshipQuery{RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{graph.RelationType(h)}}}); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("ListRelationships(type %q) error = %v, want %s", h, err, graph.EINVALID)
		}
		if _, err := graph.NewWriter(s).CreateRelationship(ctx, graph.Relationship{Type: graph.RelationType(h), From: "us", To: "mx"}); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("CreateRelationship(type %q) error = %v, want %s", h, err, graph.EINVALID)
		}
	}
	after, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Entities != before.Entities+len(hostile) || after.Relationships != before.Relationships || after.Articles != before.Articles {
		t.Errorf("stats after hostile input = %+v, before %+v", after, before)
	}
	for _, id := range []string{"r1", "r2", "r3"} {
		if _, err := s.Relationship(ctx, id); err != nil {
			t.Errorf("relationship %s after hostile input: %v", id, err)
		}
	}
}

func TestApplyIsAllOrNothing(t *testing.T) {
	s, ctx := openWithStory(t)
	b := graph.Batch{
		Entities:      []graph.Entity{{ID: "new-one", Kind: graph.Person, Name: "New One"}},
		Relationships: []graph.Relationship{{ID: "r9", Type: graph.Accused, From: "new-one", To: "missing"}},
	}
	if _, err := s.Apply(ctx, b); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Fatalf("Apply with a dangling reference: %v, want %s", err, graph.ENOTFOUND)
	}
	if _, err := s.Entity(ctx, "new-one"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("entity of a failed batch exists: %v", err)
	}
}

func TestOpenFailsClearly(t *testing.T) {
	cfg := neo4jtest.Config(t)
	ctx := testContext(t)
	bad := cfg
	bad.Password = "not-the-password"
	if _, err := neo4j.Open(ctx, bad); err == nil || !strings.Contains(err.Error(), "credentials") {
		t.Errorf("Open with a wrong password: %v, want a credentials error", err)
	}
	if _, err := neo4j.Open(ctx, neo4j.Config{URI: "bolt://127.0.0.1:1"}); err == nil || !strings.Contains(err.Error(), "cannot reach") {
		t.Errorf("Open on a closed port: %v, want an unreachable error", err)
	}
	if _, err := neo4j.Open(ctx, neo4j.Config{}); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("Open without URI: %v, want %s", err, graph.EINVALID)
	}
}

func entityIDs(es []graph.Entity) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func relIDs(rs []graph.Relationship) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func articleIDs(as []graph.Article) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

func TestOpenErrorsHideURIPasswords(t *testing.T) {
	_, err := neo4j.Open(t.Context(), neo4j.Config{URI: "bolt://user:s3cret-pw@127.0.0.1:1", Username: "neo4j", Password: "x"})
	if err == nil || strings.Contains(err.Error(), "s3cret-pw") || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("an unreachable server must be named without the password in its URI: %v", err)
	}
}
