package neo4j_test

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/dossiergraph/dossier/graph/graphtest"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
	"github.com/dossiergraph/dossier/graph/synth"
)

// BenchmarkStore loads the synthetic graph into the test server (100k entities, 500k
// relationships unless DOSSIER_BENCH_ENTITIES / DOSSIER_BENCH_RELATIONSHIPS say otherwise;
// a tenth under -short), then runs the benchmarks every store shares. Loading goes through
// Apply in synth's chunks, so the load time measures the write path too.
func BenchmarkStore(b *testing.B) {
	entities, rels := 100_000, 500_000
	if testing.Short() {
		entities, rels = 10_000, 50_000
	}
	cfg := synth.Config{Seed: 1, Entities: envInt(b, "DOSSIER_BENCH_ENTITIES", entities), Relationships: envInt(b, "DOSSIER_BENCH_RELATIONSHIPS", rels)}
	s := neo4jtest.OpenStore(b)
	start := time.Now()
	info, err := synth.Load(b.Context(), s, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d entities, %d articles, %d relationships in %v",
		info.Entities, info.Articles, info.Relationships, time.Since(start).Round(time.Millisecond))
	graphtest.RunBenchmarks(b, s, info)
}

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		b.Fatalf("%s=%q: want a non-negative number", name, v)
	}
	return n
}
