package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/graph/synth"
	"github.com/dossiergraph/dossier/resolvers"
	"github.com/dossiergraph/dossier/server"
)

// BenchmarkGin runs the bench's Q1 and Q2 through Dossier's whole gin handler over the embedded
// store, in process, so that a CPU or memory profile shows where a request's time goes:
//
//	DOSSIER_BENCH_PROFILE=/tmp/prof go test -run '^$' -bench Gin -benchmem ./tools/bench
//	go tool pprof -top -nodecount 40 /tmp/prof/Q1-logged.cpu
//	go tool pprof -sample_index=alloc_space -top -diff_base /tmp/prof/Q1-logged.heap0 /tmp/prof/Q1-logged.heap1
//
// With DOSSIER_BENCH_PROFILE set, each sub-benchmark writes a CPU profile of its timed loop
// only (not of loading the graph, which -cpuprofile would include) and heap profiles before
// and after it, whose difference is what the loop allocated.
//
// The graph is scripts/bench's default (20k entities, 100k relationships). "logged" logs like
// `dossier serve` at level info (text, to io.Discard, so the formatting is counted but no
// write); "quiet" has no logger.
func BenchmarkGin(b *testing.B) {
	store, info := benchStore(b)
	for _, logging := range []string{"logged", "quiet"} {
		var log *slog.Logger
		if logging == "logged" {
			log = serveLogger()
		}
		h := dossierHandler(b, store, log)
		q1, q2 := questionBodies(b, h, info)
		for _, q := range []struct {
			name   string
			bodies []string
		}{{"Q1", q1}, {"Q2", q2}} {
			b.Run(q.name+"/"+logging, func(b *testing.B) {
				b.ReportAllocs()
				i, bytes := 0, 0
				defer profileLoop(b, q.name+"-"+logging)()
				for b.Loop() {
					rec := serve(h, q.bodies[i%len(q.bodies)])
					i++
					if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
						b.Fatalf("got %d %s", rec.Code, rec.Body)
					}
					bytes += rec.Body.Len()
				}
				b.ReportMetric(float64(bytes)/float64(b.N), "answer-bytes/op")
			})
		}
	}
}

// benchStore opens an embedded store holding scripts/bench's default graph (20k entities,
// 100k relationships), closed when the benchmark ends.
func benchStore(tb testing.TB) (*bolt.Store, synth.Info) {
	return loadedStore(tb, synth.Config{Seed: 1, Entities: 20_000, Relationships: 100_000})
}

// smallStore is benchStore's graph shape at a size quick enough for a test.
func smallStore(tb testing.TB) (*bolt.Store, synth.Info) {
	return loadedStore(tb, synth.Config{Seed: 1, Entities: 2_000, Relationships: 10_000})
}

func loadedStore(tb testing.TB, cfg synth.Config) (*bolt.Store, synth.Info) {
	store, err := bolt.Open(tb.Context(), tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	info, err := synth.Load(tb.Context(), store, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return store, info
}

// serveLogger logs as `dossier serve` does at level info: text, here to io.Discard, so the
// formatting is paid but nothing is written.
func serveLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// dossierHandler is Dossier's whole gin handler over store; log may be nil for none.
func dossierHandler(tb testing.TB, store *bolt.Store, log *slog.Logger) http.Handler {
	exec, err := resolvers.New(store, resolvers.Options{Logger: log})
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := server.New(store, exec, server.Config{Addr: "127.0.0.1:0", WriteToken: strings.Repeat("t", 32), Logger: log})
	if err != nil {
		tb.Fatal(err)
	}
	return srv.Handler()
}

// questionBodies returns the request bodies of Q1, one per sampled id, and of Q2, as many
// pages spread evenly over all entities.
func questionBodies(tb testing.TB, h http.Handler, info synth.Info) (q1, q2 []string) {
	for _, id := range info.Sample {
		q1 = append(q1, requestBody(dossierQ1, map[string]any{"id": id}))
	}
	for i, c := range walkCursors(tb, h) {
		if i%(info.Entities/len(info.Sample)) == 0 {
			q2 = append(q2, requestBody(dossierQ2, map[string]any{"after": c}))
		}
	}
	return q1, q2
}

// profileLoop starts the profiles DOSSIER_BENCH_PROFILE asks for and returns what stops them.
func profileLoop(b *testing.B, name string) func() {
	dir := os.Getenv("DOSSIER_BENCH_PROFILE")
	if dir == "" {
		return func() {}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	writeHeap := func(suffix string) {
		runtime.GC() // the heap profile reports as of the last GC
		f, err := os.Create(filepath.Join(dir, name+suffix))
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			b.Fatal(err)
		}
	}
	writeHeap(".heap0")
	cpu, err := os.Create(filepath.Join(dir, name+".cpu"))
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		cpu.Close()
		writeHeap(".heap1")
	}
}

func serve(h http.Handler, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// walkCursors returns the cursor of every entity, in order, as Dossier hands them out.
func walkCursors(tb testing.TB, h http.Handler) []string {
	var cursors []string
	var after any
	for {
		rec := serve(h, requestBody(dossierCursors, map[string]any{"after": after}))
		var v struct {
			Data struct {
				Entities struct {
					Edges    []struct{ Cursor string }
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
				}
			}
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || rec.Code != http.StatusOK {
			tb.Fatalf("walk entities: %d %v %s", rec.Code, err, clip(rec.Body.Bytes()))
		}
		for _, e := range v.Data.Entities.Edges {
			cursors = append(cursors, e.Cursor)
		}
		if !v.Data.Entities.PageInfo.HasNextPage {
			return cursors
		}
		after = v.Data.Entities.PageInfo.EndCursor
	}
}
