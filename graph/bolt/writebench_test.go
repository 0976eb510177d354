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

// BenchmarkWritesChangeLog runs the write benchmarks with the change log and without it,
// in one run, so that the two compare: the ratio is what the log costs a write.
func BenchmarkWritesChangeLog(b *testing.B) {
	for _, logged := range []bool{true, false} {
		b.Run(map[bool]string{true: "log=on", false: "log=off"}[logged], func(b *testing.B) {
			s, err := bolt.Open(b.Context(), b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if !logged {
				bolt.DisableChangeLog(s)
			}
			graphtest.RunWriteBenchmarks(b, s)
		})
	}
}
