package bolt_test

import (
	"testing"

	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/graph/graphtest"
)

// BenchmarkWrites runs the shared write benchmarks on a new store in a temporary
// directory; every write is committed and fsynced.
func BenchmarkWrites(b *testing.B) {
	s, err := bolt.Open(b.Context(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	graphtest.RunWriteBenchmarks(b, s)
}
