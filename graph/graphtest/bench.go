package graphtest

import (
	"os"
	"strconv"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/synth"
)

// BenchConfig is the synthetic graph every benchmark over a large store uses: 100k entities
// and 500k relationships, a tenth under -short, unless DOSSIER_BENCH_ENTITIES or
// DOSSIER_BENCH_RELATIONSHIPS say otherwise.
func BenchConfig(tb testing.TB) synth.Config {
	entities, rels := 100_000, 500_000
	if testing.Short() {
		entities, rels = 10_000, 50_000
	}
	return synth.Config{Seed: 1, Entities: benchEnv(tb, "DOSSIER_BENCH_ENTITIES", entities),
		Relationships: benchEnv(tb, "DOSSIER_BENCH_RELATIONSHIPS", rels)}
}

func benchEnv(tb testing.TB, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		tb.Fatalf("%s=%q: want a non-negative number", name, v)
	}
	return n
}

// RunBenchmarks measures the reads the API serves most, on a store holding the synthetic
// graph that g describes (see synth.Load). Every backend runs the same benchmarks.
func RunBenchmarks(b *testing.B, s graph.Querier, g synth.Info) {
	if len(g.Sample) == 0 || len(g.SearchTerms) == 0 || len(g.RelationshipIDs) == 0 {
		b.Fatal("the synthetic graph info has no samples")
	}
	b.Run("EntityWithRelationships", func(b *testing.B) {
		ctx := b.Context()
		i := 0
		for b.Loop() {
			id := g.Sample[i%len(g.Sample)]
			i++
			if _, err := s.Entity(ctx, id); err != nil {
				b.Fatal(err)
			}
			page, err := s.ListRelationships(ctx, graph.RelationshipQuery{Entity: id})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.ArticlesByID(ctx, evidenceIDs(page.Relationships)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Neighborhood2Hop", func(b *testing.B) {
		ctx := b.Context()
		i := 0
		nodes := 0
		for b.Loop() {
			sub, err := s.Neighborhood(ctx, graph.NeighborhoodQuery{Center: g.Sample[i%len(g.Sample)], Depth: 2})
			if err != nil {
				b.Fatal(err)
			}
			i++
			nodes += len(sub.Nodes)
		}
		b.ReportMetric(float64(nodes)/float64(b.N), "nodes/op")
	})
	b.Run("Search", func(b *testing.B) {
		ctx := b.Context()
		i := 0
		for b.Loop() {
			if _, err := s.SearchEntities(ctx, graph.SearchQuery{Text: g.SearchTerms[i%len(g.SearchTerms)]}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("RelationshipsPage100", func(b *testing.B) {
		ctx := b.Context()
		i := 0
		for b.Loop() {
			page, err := s.ListRelationships(ctx, graph.RelationshipQuery{Page: graph.Page{First: 100, After: g.RelationshipIDs[i%len(g.RelationshipIDs)]}})
			if err != nil {
				b.Fatal(err)
			}
			i++
			var ends []string
			for _, r := range page.Relationships {
				ends = append(ends, r.Ends()...)
			}
			if _, err := s.EntitiesByID(ctx, ends); err != nil {
				b.Fatal(err)
			}
			if _, err := s.ArticlesByID(ctx, evidenceIDs(page.Relationships)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("TimelinePage50", func(b *testing.B) {
		ctx := b.Context()
		after := "" // pages through the whole graph's timeline, and starts again at its end
		for b.Loop() {
			page, err := s.Timeline(ctx, graph.TimelineQuery{Page: graph.Page{First: 50, After: after}})
			if err != nil {
				b.Fatal(err)
			}
			after = ""
			if len(page) == 50 {
				after = page[len(page)-1].ID
			}
		}
	})
	b.Run("ShortestPaths", func(b *testing.B) {
		ctx := b.Context()
		i := 0
		for b.Loop() {
			from, to := g.Sample[i%len(g.Sample)], g.Sample[(i*7+3)%len(g.Sample)]
			i++
			if _, err := s.Paths(ctx, graph.PathQuery{From: from, To: to, MaxDepth: 3}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func evidenceIDs(rs []graph.Relationship) []string {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.Articles()...)
	}
	return ids
}
