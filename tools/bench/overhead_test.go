package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

// BenchmarkOverhead measures the GraphQL layer's own cost on the bench's two questions over
// its default graph (20k entities, 100k relationships), against the floor that scripts/bench
// runs: floorHandler answering each request body with the bytes Dossier gave for it. Both are
// served over loopback TCP with keep-alive connections, as the bench serves them, so the
// floor carries the cost of HTTP itself; floor ns/op ÷ Dossier ns/op from one run is
// embedded ÷ floor in requests/s. The system "graphql-go" is the executor floor
// (executor_floor_test.go) behind gin: floor ns/op ÷ its ns/op is the most any graphql-go
// server can reach of the floor on these questions.
//
//	go test -run '^$' -bench Overhead -benchmem -count 3 ./tools/bench
//
// Dossier logs as `dossier serve` does at level info (text, to io.Discard).
func BenchmarkOverhead(b *testing.B) {
	store, info := benchStore(b)
	dossier := dossierHandler(b, store, serveLogger())
	bodies := map[string][]string{}
	bodies["Q1"], bodies["Q2"] = questionBodies(b, dossier, info)
	answers := dossierAnswers(b, dossier, bodies["Q1"], bodies["Q2"]) // captured before timing
	floor := floorHandler(answers)
	executor, err := newExecutorFloor(answers)
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{"Q1", "Q2"} {
		for _, sys := range []struct {
			name string
			h    http.Handler
		}{{"dossier", dossier}, {"floor", floor}, {"graphql-go", executor.handler()}} {
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
