package export

import (
	"context"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/seed"
)

// fixture is a small story with what exports find hard: several outlets per relationship,
// a negated act, partial dates of each precision, an undated membership, a relationship
// without a counterpart, an isolated entity, and text with markup, quotes, semicolons and
// newlines.
var fixture = graph.Batch{
	Entities: []graph.Entity{
		{ID: "amlo", Kind: graph.Person, Name: "Andrés Manuel López Obrador", Aliases: []string{"AMLO", "López Obrador"}, Country: "Mexico", Role: "President of Mexico (2018–2024)"},
		{ID: "mexico", Kind: graph.Government, Name: "Government of Mexico", Country: "Mexico"},
		{ID: "us-gov", Kind: graph.Government, Name: "United States government", Country: "United States"},
		{ID: "cia", Kind: graph.Agency, Name: "CIA", Aliases: []string{"Central Intelligence Agency"}, Country: "United States", Description: "Foreign intelligence <agency> & \"service\";\nsecond line"},
		{ID: "gru", Kind: graph.Agency, Name: "GRU", Country: "Russia"},
		{ID: "party", Kind: graph.Group, Name: "Morena"},
		{ID: "loner", Kind: graph.Person, Name: "Isolated Person"},
		{ID: "daily", Kind: graph.Outlet, Name: "The Daily"},
		{ID: "wire", Kind: graph.Outlet, Name: "Wire Service"},
		{ID: "diario", Kind: graph.Outlet, Name: "El Diario"},
	},
	Articles: []graph.Article{
		{ID: "a1", Title: "Agency warned the president", Outlet: "daily", URL: "https://daily.example/a1", Published: "2022-03-15", Authors: []string{"A. Writer", "B. Writer"}},
		{ID: "a2", Title: "Warning confirmed", Outlet: "wire", URL: "https://wire.example/a2", Published: "2022-03"},
		{ID: "a3", Title: "Mexico will not expel", Outlet: "diario", Published: "2022"},
	},
	Relationships: []graph.Relationship{
		{ID: "r-warned", Type: graph.Warned, From: "cia", To: "amlo", About: []string{"gru"}, Date: "2022-03", DateText: "in March 2022",
			Summary: "Warned about GRU officers", Evidence: []graph.Evidence{{Article: "a1", Excerpt: "the agency warned; he listened \"briefly\""}, {Article: "a2"}}},
		{ID: "r-denied", Type: graph.Denied, From: "amlo", To: "cia", Date: "2022-03-14", Evidence: []graph.Evidence{{Article: "a1"}}},
		{ID: "r-expel", Type: graph.Expelled, From: "mexico", To: "gru", Negated: true, Date: "2022", Quantity: "more than 100",
			Evidence: []graph.Evidence{{Article: "a2"}, {Article: "a3"}}},
		{ID: "r-member", Type: graph.MemberOf, From: "cia", To: "us-gov"},
		{ID: "r-leads", Type: graph.Leads, From: "amlo", To: "mexico", Date: "2018-12"},
		{ID: "r-party", Type: graph.Leads, From: "amlo", To: "party"},
		{ID: "r-asked", Type: graph.Requested, From: "us-gov", To: "mexico", About: []string{"gru"}, Date: "2022-04", Evidence: []graph.Evidence{{Article: "a3"}}},
		{ID: "r-deployed", Type: graph.Deployed, From: "gru", Date: "2021", Evidence: []graph.Evidence{{Article: "a3"}}},
	},
}

// openStore opens an empty embedded store in a temporary directory.
func openStore(t testing.TB) graph.Store {
	t.Helper()
	s, err := bolt.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fixtureStore returns a store holding fixture.
func fixtureStore(t testing.TB) graph.Store {
	t.Helper()
	s := openStore(t)
	if _, err := s.Apply(context.Background(), fixture); err != nil {
		t.Fatalf("apply fixture: %v", err)
	}
	return s
}

// contents reads everything s holds, negated relationships included.
type contents struct {
	Entities      []graph.Entity
	Articles      []graph.Article
	Relationships []graph.Relationship
}

func readAll(t testing.TB, s graph.Store) contents {
	t.Helper()
	ctx := context.Background()
	var c contents
	if err := s.ScanEntities(ctx, func(e graph.Entity) error { c.Entities = append(c.Entities, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.ScanArticles(ctx, func(a graph.Article) error { c.Articles = append(c.Articles, a); return nil }); err != nil {
		t.Fatal(err)
	}
	q := graph.RelationshipQuery{RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true, Review: graph.ReviewStates}}
	if err := s.ScanRelationships(ctx, q, func(r graph.Relationship) error { c.Relationships = append(c.Relationships, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return c
}

// seedStore returns a store holding Dossier's seed story.
func seedStore(t testing.TB) graph.Store {
	t.Helper()
	s := openStore(t)
	if _, err := seed.Load(context.Background(), s, "seed.yaml", seed.Default()); err != nil {
		t.Fatalf("load seed: %v", err)
	}
	return s
}

// stores returns the fixture and the seed story, each in its own store.
func stores(t testing.TB) map[string]graph.Store {
	return map[string]graph.Store{"fixture": fixtureStore(t), "seed": seedStore(t)}
}

// seedCentre is the seed story's central figure.
const seedCentre = "andres-manuel-lopez-obrador"

// storeQueries returns the queries to export from the named store: the fixture's, or for
// the seed the whole graph and the neighbourhood of its central figure.
func storeQueries(store string) map[string]Query {
	if store != "seed" {
		return queries
	}
	return map[string]Query{
		"whole":   {RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}},
		"centred": {Center: seedCentre, Depth: 2, RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}},
	}
}
