package ingest

import (
	"context"
	"testing"

	"github.com/dossiergraph/dossier/extract"
	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
	"github.com/dossiergraph/dossier/seed"
)

// onBothStores runs f against a seeded embedded store and, when DOSSIER_NEO4J_URI is set,
// a seeded Neo4j store.
func onBothStores(t *testing.T, f func(t *testing.T, in *Ingester, s graph.Store)) {
	x, err := extract.New()
	if err != nil {
		t.Fatal(err)
	}
	stores := map[string]func(t *testing.T) graph.Store{
		"bolt": func(t *testing.T) graph.Store {
			s, err := bolt.Open(context.Background(), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			return s
		},
		"neo4j": func(t *testing.T) graph.Store { return neo4jtest.Open(t) },
	}
	for _, name := range []string{"bolt", "neo4j"} {
		t.Run(name, func(t *testing.T) {
			s := stores[name](t)
			if _, err := seed.Load(context.Background(), s, "seed.yaml", seed.Default()); err != nil {
				t.Fatal(err)
			}
			f(t, New(x, s, WithMinConfidence(0)), s)
		})
	}
}

// nearMiss is an article naming an actor that resembles one of the store's.
type nearMiss struct {
	name     string
	store    []graph.Entity // added to the seed first
	text     string
	newActor string // the entity the article's act must come from, created by the article
	notActor string // the look-alike that must not be credited
	typ      graph.RelationType
}

var nearMisses = []nearMiss{
	{name: "another embassy of the same state",
		text:     "The Russian Embassy in Warsaw denied the accusations made by Polish prosecutors.",
		newActor: "russian-embassy-in-warsaw", notActor: "russian-embassy-mexico-city", typ: graph.Denied},
	{name: "the same embassy named later without its city",
		text:     "The Russian Embassy in Warsaw called the report slander. Later the Russian Embassy denied the accusations again.",
		newActor: "russian-embassy-in-warsaw", notActor: "russian-embassy-mexico-city", typ: graph.Denied},
	{name: "another person with the surname",
		text:     "Pierre Ebrard, a French senator, warned Mexico about Russian agents. Ebrard dismissed the reply.",
		newActor: "pierre-ebrard", notActor: "marcelo-ebrard", typ: graph.Warned},
	{name: "a ministry is not its government",
		text:     "Mexico's Interior Ministry denied the reports of Russian agents in the capital.",
		newActor: "mexico-interior-ministry", notActor: "mexico", typ: graph.Denied},
	{name: "an outlet's owner is not the outlet",
		store: []graph.Entity{
			{ID: "harbour-herald", Kind: graph.Outlet, Name: "The Harbour Herald", Aliases: []string{"Harbour Herald"}},
			{ID: "harbour-media-group", Kind: graph.Group, Name: "Harbour Media Group"},
		},
		text:     "Harbour Media Group denied the allegations from Moscow.",
		newActor: "harbour-media-group", notActor: "harbour-herald", typ: graph.Denied},
}

func TestNearMissesStayApart(t *testing.T) {
	onBothStores(t, func(t *testing.T, in *Ingester, s graph.Store) {
		ctx := context.Background()
		for _, c := range nearMisses {
			if len(c.store) > 0 {
				if _, err := s.Apply(ctx, graph.Batch{Entities: c.store}); err != nil {
					t.Fatal(err)
				}
			}
			_, err := s.Entity(ctx, c.newActor)
			isNew := graph.ErrorCode(err) == graph.ENOTFOUND
			sum, err := in.Ingest(ctx, Article{Text: c.text, Title: c.name, Outlet: "Test Wire", Published: "2025-06-02"}, false)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if _, err := s.Entity(ctx, c.newActor); err != nil {
				t.Errorf("%s: want entity %s after ingest: %v (summary %+v)", c.name, c.newActor, err, sum)
			}
			if isNew && sum.EntitiesCreated == 0 {
				t.Errorf("%s: ingest created no entity: %+v", c.name, sum)
			}
			if n := countFrom(t, s, c.typ, c.newActor); n == 0 {
				t.Errorf("%s: want a %s from %s", c.name, c.typ, c.newActor)
			}
			if n := countFrom(t, s, c.typ, c.notActor); n > countSeeded(t, c.typ, c.notActor) {
				t.Errorf("%s: %s gained a %s it never made", c.name, c.notActor, c.typ)
			}
		}
	})
}

func TestSharedShortNameResolvesToNoOne(t *testing.T) {
	onBothStores(t, func(t *testing.T, in *Ingester, s graph.Store) {
		ctx := context.Background()
		// Two store entities answer to "NSC"; the article says which neither is.
		other := graph.Entity{ID: "nordic-security-committee", Kind: graph.Agency, Name: "Nordic Security Committee", Aliases: []string{"NSC"}}
		if _, err := s.Apply(ctx, graph.Batch{Entities: []graph.Entity{other}}); err != nil {
			t.Fatal(err)
		}
		if _, err := in.Ingest(ctx, Article{Text: "The NSC warned Mexico about Russian agents.", Title: "NSC", Outlet: "Test Wire", Published: "2025-06-02"}, false); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"us-national-security-council", "nordic-security-committee"} {
			if n := countFrom(t, s, graph.Warned, id); n > countSeeded(t, graph.Warned, id) {
				t.Errorf("an ambiguous acronym was resolved to %s", id)
			}
		}
		// Unambiguous in store and article: the full name resolves.
		if _, err := in.Ingest(ctx, Article{Text: "The Nordic Security Committee warned Mexico about Russian agents.", Title: "Nordic", Outlet: "Test Wire", Published: "2025-06-03"}, false); err != nil {
			t.Fatal(err)
		}
		if countFrom(t, s, graph.Warned, "nordic-security-committee") != 1 {
			t.Error("the full name should resolve to the committee")
		}
	})
}

func TestMinConfidenceHoldsWeakEdges(t *testing.T) {
	in, s := newIngester(t)
	ctx := context.Background()
	// "denied the report" names no counterpart: extracted, but below the default threshold.
	text := "Estonia expelled two Russian diplomats. Hungary denied the report."
	sum, err := in.Ingest(ctx, Article{Text: text, Title: "Weak", Outlet: "Test Wire", Published: "2025-06-02"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if sum.RelationshipsHeld != 1 || countFrom(t, s, graph.Denied, "hungary") != 0 || countFrom(t, s, graph.Expelled, "estonia") != 1 {
		t.Errorf("want the expulsion written and the bare denial held: %+v", sum)
	}
	all := New(in.x, s, WithMinConfidence(0))
	if sum, err = all.Ingest(ctx, Article{Text: text, Title: "Weak", Outlet: "Test Wire", Published: "2025-06-02"}, false); err != nil {
		t.Fatal(err)
	}
	if sum.RelationshipsHeld != 0 || countFrom(t, s, graph.Denied, "hungary") != 1 {
		t.Errorf("with --min-confidence 0 every relationship is written: %+v", sum)
	}
	for _, bad := range []float64{-0.1, 1.5} {
		if err := ValidMinConfidence(bad); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("ValidMinConfidence(%v) = %v, want EINVALID", bad, err)
		}
	}
}

func countFrom(t *testing.T, s graph.Store, typ graph.RelationType, from string) int {
	t.Helper()
	n := 0
	q := graph.RelationshipQuery{From: from, RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{typ}, IncludeNegated: true}}
	if err := s.ScanRelationships(context.Background(), q, func(graph.Relationship) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// countSeeded counts the seed story's own relationships of typ from an entity.
func countSeeded(t *testing.T, typ graph.RelationType, from string) int {
	t.Helper()
	b, err := seed.Parse("seed.yaml", seed.Default())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range b.Relationships {
		if r.Type == typ && r.From == from {
			n++
		}
	}
	return n
}
