package export

import (
	"context"
	"errors"
	"io"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/graphtest"
	"github.com/dossiergraph/dossier/graph/synth"
)

// BenchmarkExport writes the whole synthetic graph, and the two-hop neighbourhood of its
// biggest hub, in every format. Size: DOSSIER_BENCH_ENTITIES and
// DOSSIER_BENCH_RELATIONSHIPS (default 100k / 500k, a tenth under -short). Besides time it
// reports the output size (out-MB) and peak-live-MB: the largest live heap seen while
// exporting, above what the loaded store already held.
func BenchmarkExport(b *testing.B) {
	ctx := context.Background()
	s := openStore(b)
	cfg := graphtest.BenchConfig(b)
	start := time.Now()
	info, err := synth.Load(ctx, s, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d entities, %d articles, %d relationships in %s", info.Entities, info.Articles, info.Relationships, time.Since(start).Round(time.Millisecond))
	queries := map[string]Query{
		"whole":  {RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}},
		"hub2":   {Center: info.Hubs[0], Depth: 2, Limit: graph.MaxNodeLimit, RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}},
		"warned": {RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{graph.Warned}}},
	}
	// The store's own scans, for comparison: what the export adds on top of them.
	b.Run("whole/scan-only", func(b *testing.B) {
		run := func() {
			err := errors.Join(s.ScanEntities(ctx, func(graph.Entity) error { return nil }),
				s.ScanArticles(ctx, func(graph.Article) error { return nil }),
				s.ScanRelationships(ctx, graph.RelationshipQuery{RelationshipFilter: queries["whole"].RelationshipFilter}, func(graph.Relationship) error { return nil }))
			if err != nil {
				b.Fatal(err)
			}
		}
		for b.Loop() {
			run()
		}
		b.ReportMetric(float64(watchHeap(run))/(1<<20), "peak-live-MB")
	})
	for _, name := range []string{"whole", "hub2", "warned"} {
		for _, f := range Formats {
			b.Run(name+"/"+string(f), func(b *testing.B) {
				var written int64
				run := func() {
					w := &countingWriter{}
					if err := Write(ctx, w, s, f, queries[name]); err != nil {
						b.Fatal(err)
					}
					written = w.n
				}
				for b.Loop() {
					run()
				}
				b.ReportMetric(float64(written)/1e6, "out-MB")
				b.ReportMetric(float64(watchHeap(run))/(1<<20), "peak-live-MB")
			})
		}
	}
}

// watchHeap runs fn once, untimed, while sampling the live heap, and returns its peak
// above the live heap before fn: the memory the export holds, garbage not counted. The
// live heap is known at each GC, so GC runs far more often than usual meanwhile.
func watchHeap(fn func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	live := func() uint64 {
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	runtime.GC()
	base := live()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if l := live(); l > base && l-base > peak.Load() {
					peak.Store(l - base)
				}
			}
		}
	})
	fn()
	close(stop)
	wg.Wait()
	return peak.Load()
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)
