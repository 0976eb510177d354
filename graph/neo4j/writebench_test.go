package neo4j_test

import (
	"testing"

	"github.com/dossiergraph/dossier/graph/graphtest"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
)

// BenchmarkWrites runs the shared write benchmarks on the emptied test database.
func BenchmarkWrites(b *testing.B) {
	graphtest.RunWriteBenchmarks(b, neo4jtest.Open(b))
}
