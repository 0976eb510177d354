package bolt_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/graph/graphtest"
	"github.com/dossiergraph/dossier/graph/synth"
)

// BenchmarkLoad loads the benchmark graph (graphtest.BenchConfig) into a new store per
// iteration through synth.Load, and reports relationships per second of the whole load
// (entities and articles included in the time), per second of wall time and of the
// process's CPU time, which a busy machine disturbs less.
func BenchmarkLoad(b *testing.B) {
	cfg := graphtest.BenchConfig(b)
	var total, cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		s, err := bolt.Open(b.Context(), dir)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		if _, err := synth.Load(b.Context(), s, cfg); err != nil {
			b.Fatal(err)
		}
		total, cpu = total+time.Since(start), cpu+cpuTime()-cpu0
		b.StopTimer()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(cfg.Relationships)*float64(b.N)/total.Seconds(), "rel/s")
	b.ReportMetric(float64(cfg.Relationships)*float64(b.N)/cpu.Seconds(), "rel/cpu-s")
}

// openChildEnv tells the test binary, started again as a child, to open the store in that
// directory, print what the open cost and exit: a fresh process's memory is the store's,
// not the loader's.
const openChildEnv = "DOSSIER_BOLT_OPEN_DIR"

// TestOpenChild is the child of BenchmarkStore/Open; without openChildEnv it does nothing.
func TestOpenChild(t *testing.T) {
	dir := os.Getenv(openChildEnv)
	if dir == "" {
		t.Skip("run by BenchmarkStore/Open")
	}
	start, cpu := time.Now(), cpuTime()
	s, err := bolt.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	took, tookCPU := time.Since(start), cpuTime()-cpu
	defer s.Close()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status")
	}
	fmt.Printf("open-ns %d\nopen-cpu-ns %d\n", took.Nanoseconds(), tookCPU.Nanoseconds())
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[2] == "kB" {
			switch f[0] {
			case "VmRSS:", "RssAnon:", "RssFile:", "VmHWM:":
				fmt.Printf("%s %s\n", strings.TrimSuffix(f[0], ":"), f[1])
			}
		}
	}
}

// benchOpen reopens the store in dir in a child process per iteration and reports the
// open's wall time and the child's resident memory right after it.
func benchOpen(b *testing.B, dir string) {
	sums := map[string]float64{}
	for b.Loop() {
		cmd := exec.CommandContext(b.Context(), os.Args[0], "-test.run=^TestOpenChild$", "-test.v")
		cmd.Env = append(os.Environ(), openChildEnv+"="+dir)
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("open child: %v\n%s", err, out)
		}
		lines := bufio.NewScanner(strings.NewReader(string(out)))
		for lines.Scan() {
			f := strings.Fields(lines.Text())
			if len(f) != 2 {
				continue
			}
			if n, err := strconv.ParseFloat(f[1], 64); err == nil {
				sums[f[0]] += n
			}
		}
	}
	if sums["open-ns"] == 0 {
		b.Fatal("the open child reported nothing")
	}
	n := float64(b.N)
	b.ReportMetric(sums["open-ns"]/n/1e6, "open-ms")
	b.ReportMetric(sums["open-cpu-ns"]/n/1e6, "open-cpu-ms")
	for _, k := range []string{"VmRSS", "RssAnon", "RssFile", "VmHWM"} {
		b.ReportMetric(sums[k]/n/1024, k+"-MiB")
	}
}

// BenchmarkConcurrentWriters has 64 goroutines create relationships one acknowledged
// write at a time, as many API clients would, and reports acknowledged writes per second.
func BenchmarkConcurrentWriters(b *testing.B) {
	const writers = 64
	s, err := bolt.Open(b.Context(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := b.Context()
	if _, err := s.Apply(ctx, graph.Batch{Entities: []graph.Entity{
		{ID: "w-from", Kind: graph.Person, Name: "Writer From"},
		{ID: "w-to", Kind: graph.Person, Name: "Writer To"},
	}}); err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	start := time.Now()
	for b.Loop() {
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := range writers {
			wg.Go(func() {
				for i := range 16 {
					id := fmt.Sprintf("w%02d-%d-%d", w, n.Load(), i)
					if _, err := graph.NewWriter(s).CreateRelationship(ctx, graph.Relationship{ID: id, Type: graph.Warned, From: "w-from", To: "w-to"}); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
		n.Add(writers * 16)
	}
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "writes/s")
}
