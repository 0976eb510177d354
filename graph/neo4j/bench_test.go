package neo4j_test

import (
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
	cfg := graphtest.BenchConfig(b)
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
