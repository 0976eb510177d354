package neo4j_test

import (
	"testing"

	"github.com/dossiergraph/dossier/graph/graphtest"
	"github.com/dossiergraph/dossier/graph/neo4j"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
)

// BenchmarkWrites runs the shared write benchmarks on the emptied test database.
func BenchmarkWrites(b *testing.B) {
	graphtest.RunWriteBenchmarks(b, neo4jtest.Open(b))
}

// BenchmarkWritesChangeLog runs the write benchmarks with the change log and without it,
// in one run, so that the two compare: the ratio is what the log costs a write.
func BenchmarkWritesChangeLog(b *testing.B) {
	for _, logged := range []bool{true, false} {
		b.Run(map[bool]string{true: "log=on", false: "log=off"}[logged], func(b *testing.B) {
			s := neo4jtest.OpenStore(b)
			if !logged {
				neo4j.DisableChangeLog(s)
			}
			graphtest.RunWriteBenchmarks(b, s)
		})
	}
}
