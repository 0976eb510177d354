package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/graph/synth"
	"github.com/dossiergraph/dossier/resolvers"
	"github.com/dossiergraph/dossier/server"
)

// BenchmarkOverhead measures the GraphQL layer's own cost on the bench's two questions over
// its default graph (20k entities, 100k relationships), against the floor that scripts/bench
// runs: floorHandler answering each request body with the bytes Dossier gave for it. Both are
// served over loopback TCP with keep-alive connections, as the bench serves them, so the
// floor carries the cost of HTTP itself; floor ns/op ÷ Dossier ns/op from one run is
// embedded ÷ floor in requests/s.
//
//	go test -run '^$' -bench Overhead -benchmem -count 3 ./tools/bench
//
// Dossier logs as `dossier serve` does at level info (text, to io.Discard).
func BenchmarkOverhead(b *testing.B) {
	ctx := b.Context()
	store, err := bolt.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	info, err := synth.Load(ctx, store, synth.Config{Seed: 1, Entities: 20_000, Relationships: 100_000})
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	exec, err := resolvers.New(store, resolvers.Options{Logger: log})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(store, exec, server.Config{Addr: "127.0.0.1:0", WriteToken: strings.Repeat("t", 32), Logger: log})
	if err != nil {
		b.Fatal(err)
	}
	dossier := srv.Handler()

	bodies := map[string][]string{}
	for _, id := range info.Sample {
		bodies["Q1"] = append(bodies["Q1"], requestBody(dossierQ1, map[string]any{"id": id}))
	}
	for i, c := range walkCursors(b, dossier) {
		if i%(info.Entities/len(info.Sample)) == 0 {
			bodies["Q2"] = append(bodies["Q2"], requestBody(dossierQ2, map[string]any{"after": c}))
		}
	}
	answers := map[string][]byte{} // captured before timing
	for _, list := range bodies {
		for _, body := range list {
			rec := serve(dossier, body)
			if rec.Code != http.StatusOK {
				b.Fatalf("got %d %s", rec.Code, clip(rec.Body.Bytes()))
			}
			answers[body] = rec.Body.Bytes()
		}
	}
	floor := floorHandler(answers)
	for _, q := range []string{"Q1", "Q2"} {
		for _, sys := range []struct {
			name string
			h    http.Handler
		}{{"dossier", dossier}, {"floor", floor}} {
			ts := httptest.NewServer(sys.h)
			defer ts.Close()
			client := ts.Client()
			client.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
			for _, clients := range []int{1, 8} {
				b.Run(fmt.Sprintf("%s/%s/clients=%d", q, sys.name, clients), func(b *testing.B) {
					b.ReportAllocs()
					var next atomic.Int64
					post := func() { postHTTP(b, client, ts.URL, bodies[q][int(next.Add(1))%len(bodies[q])]) }
					if clients == 1 {
						for b.Loop() {
							post()
						}
						return
					}
					b.SetParallelism(max(1, clients/runtime.GOMAXPROCS(0)))
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							post()
						}
					})
				})
			}
		}
	}
}

// postHTTP posts a GraphQL request body over HTTP and drains the answer, failing on an error.
func postHTTP(b *testing.B, client *http.Client, url, body string) {
	resp, err := client.Post(url+"/graphql", "application/json", strings.NewReader(body))
	if err != nil {
		b.Error(err)
		return
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != http.StatusOK {
		b.Errorf("got %d %v", resp.StatusCode, err)
	}
}
