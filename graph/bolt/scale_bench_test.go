package bolt_test

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.etcd.io/bbolt"

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
	benchLoad(b, synth.DefaultChunk, openStore)
}

// BenchmarkLoadOneBatch loads the same graph in a single batch, as dossier restore writes
// a dump: one transaction of every record.
func BenchmarkLoadOneBatch(b *testing.B) {
	benchLoad(b, math.MaxInt, openStore)
}

func openStore(b *testing.B, dir string) (graph.Applier, func() error) {
	s, err := bolt.Open(b.Context(), dir)
	if err != nil {
		b.Fatal(err)
	}
	return s, s.Close
}

// BenchmarkLoadFloor is BenchmarkLoad's floor: the same batches from the same generator,
// each written to bbolt in one transaction, the records encoded and sorted as the store
// writes them, with no validation, change log or index. What BenchmarkLoad spends beyond
// it is the store's own work.
func BenchmarkLoadFloor(b *testing.B) {
	benchLoad(b, synth.DefaultChunk, func(b *testing.B, dir string) (graph.Applier, func() error) {
		db, err := bbolt.Open(filepath.Join(dir, "floor.db"), 0o600, &bbolt.Options{InitialMmapSize: 1 << 30})
		if err != nil {
			b.Fatal(err)
		}
		return rawWriter{db}, db.Close
	})
}

func benchLoad(b *testing.B, chunk int, open func(b *testing.B, dir string) (graph.Applier, func() error)) {
	cfg := graphtest.BenchConfig(b)
	cfg.Chunk = chunk
	var total, cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		s, closeStore := open(b, b.TempDir())
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		if _, err := synth.Load(b.Context(), s, cfg); err != nil {
			b.Fatal(err)
		}
		total, cpu = total+time.Since(start), cpu+cpuTime()-cpu0
		b.StopTimer()
		if err := closeStore(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(cfg.Relationships)*float64(b.N)/total.Seconds(), "rel/s")
	b.ReportMetric(float64(cfg.Relationships)*float64(b.N)/cpu.Seconds(), "rel/cpu-s")
}

// rawWriter writes a batch's records to bbolt and nothing else.
type rawWriter struct{ db *bbolt.DB }

func (w rawWriter) Apply(_ context.Context, batch graph.Batch) (graph.BatchResult, error) {
	return graph.BatchResult{}, w.db.Update(func(tx *bbolt.Tx) error {
		if err := putSorted(tx, "entities", batch.Entities, func(e *graph.Entity) (string, []byte) { return e.ID, bolt.EncodeEntity(e) }); err != nil {
			return err
		}
		if err := putSorted(tx, "articles", batch.Articles, func(a *graph.Article) (string, []byte) { return a.ID, bolt.EncodeArticle(a) }); err != nil {
			return err
		}
		return putSorted(tx, "relationships", batch.Relationships, func(r *graph.Relationship) (string, []byte) { return r.ID, bolt.EncodeRelationship(r) })
	})
}

// putSorted writes the records in key order, packing pages as the store does.
func putSorted[T any](tx *bbolt.Tx, bucket string, records []T, encode func(*T) (string, []byte)) error {
	bk, err := tx.CreateBucketIfNotExists([]byte(bucket))
	if err != nil {
		return err
	}
	bk.FillPercent = bolt.SequentialFill
	type kv struct {
		key   string
		value []byte
	}
	pairs := make([]kv, len(records))
	for i := range records {
		pairs[i].key, pairs[i].value = encode(&records[i])
	}
	slices.SortFunc(pairs, func(a, b kv) int { return strings.Compare(a.key, b.key) })
	for _, p := range pairs {
		if err := bk.Put([]byte(p.key), p.value); err != nil {
			return err
		}
	}
	return nil
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
