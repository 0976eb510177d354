package bolt_test

import (
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/graph/graphtest"
	"github.com/dossiergraph/dossier/graph/synth"
)

// BenchmarkStore loads the synthetic graph (100k entities, 500k relationships unless
// DOSSIER_BENCH_ENTITIES / DOSSIER_BENCH_RELATIONSHIPS say otherwise; a tenth under
// -short) once, then runs the shared benchmarks on it. It reports the load time, the time
// to reopen the file, and the process's memory. DOSSIER_BENCH_DIR keeps the store in that
// directory and reuses it on later runs.
func BenchmarkStore(b *testing.B) {
	cfg := graphtest.BenchConfig(b)
	ctx, dir := b.Context(), os.Getenv("DOSSIER_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}

	s, err := bolt.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	stats, err := s.Stats(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var info synth.Info
	if stats.Entities == 0 {
		start, cpu := time.Now(), cpuTime()
		if info, err = synth.Load(ctx, s, cfg); err != nil {
			b.Fatal(err)
		}
		b.Logf("loaded in %v (CPU %v)", time.Since(start).Round(time.Millisecond), (cpuTime() - cpu).Round(time.Millisecond))
	} else {
		if stats.Entities != cfg.Entities || stats.Relationships != cfg.Relationships {
			b.Fatalf("%s holds %d entities and %d relationships, not the %d and %d asked for", dir, stats.Entities, stats.Relationships, cfg.Entities, cfg.Relationships)
		}
		if info, err = synth.Describe(cfg); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	b.Run("Open", func(b *testing.B) { benchOpen(b, dir) })
	start, cpu := time.Now(), cpuTime()
	s, err = bolt.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	reopen, reopenCPU := time.Since(start), cpuTime()-cpu
	fi, err := os.Stat(s.Path())
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	b.Logf("graph: %d entities, %d articles, %d relationships; reopen %v (CPU %v), file %d MiB, heap in use %d MiB, %s",
		info.Entities, info.Articles, info.Relationships, reopen.Round(time.Millisecond), reopenCPU.Round(time.Millisecond),
		fi.Size()>>20, mem.HeapInuse>>20, rss())

	graphtest.RunBenchmarks(b, s, info)
}

// rss reads the resident and peak memory of the process from /proc, where there is one.
func rss() string {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "RSS unknown"
	}
	var parts []string
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmRSS:") || strings.HasPrefix(line, "VmHWM:") {
			parts = append(parts, strings.Join(strings.Fields(line), " "))
		}
	}
	return strings.Join(parts, ", ")
}
