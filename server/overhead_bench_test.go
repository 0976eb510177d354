package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/graph/synth"
	"github.com/dossiergraph/dossier/resolvers"
	"github.com/dossiergraph/dossier/server"
)

// BenchmarkOverhead measures the GraphQL layer's own cost on scripts/bench's two questions
// over its default graph (20k entities, 100k relationships), against a floor: a plain gin
// handler that answers each request body with the bytes Dossier gave for it. The ratio
// floor ns/op ÷ Dossier ns/op, from one run, is embedded ÷ floor in requests/s.
//
//	go test -run '^$' -bench Overhead -benchmem -count 3 ./server
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
	srv, err := server.New(store, exec, server.Config{Addr: "127.0.0.1:0", WriteToken: testToken, Logger: log})
	if err != nil {
		b.Fatal(err)
	}
	dossier := srv.Handler()

	const (
		q1 = `query Q1($id: ID!) { entity(id: $id) { id name relationships(direction: OUT, first: 50) { edges { node { type summary sourceCount to { name } } } } } }`
		q2 = `query Q2($after: String) { entities(first: 20, after: $after) { edges { node { id name kind } } } }`
	)
	var first struct {
		Data struct {
			Entities struct{ Edges []struct{ Cursor string } }
		}
	}
	if err := json.Unmarshal(postBody(b, dossier, `{"query":"{ entities(first: 500) { edges { cursor } } }"}`), &first); err != nil {
		b.Fatal(err)
	}
	bodies := map[string][]string{}
	for _, id := range info.Sample {
		bodies["Q1"] = append(bodies["Q1"], fmt.Sprintf(`{"query":%q,"variables":{"id":%q}}`, q1, id))
	}
	for _, e := range first.Data.Entities.Edges {
		bodies["Q2"] = append(bodies["Q2"], fmt.Sprintf(`{"query":%q,"variables":{"after":%q}}`, q2, e.Cursor))
	}
	// The floor's answers are Dossier's, captured before timing.
	answers := map[string][]byte{}
	for _, list := range bodies {
		for _, body := range list {
			answers[body] = postBody(b, dossier, body)
		}
	}
	// Both systems are served over loopback TCP with keep-alive connections, as scripts/bench
	// serves them, so that the floor carries the cost of HTTP itself.
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

// floorHandler answers POST /graphql with the captured answer to its exact body: the least
// a gin handler can do per request.
func floorHandler(answers map[string][]byte) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.POST("/graphql", func(c *gin.Context) {
		body, err := io.ReadAll(c.Request.Body)
		if err != nil {
			c.Status(http.StatusBadRequest)
			return
		}
		ans, ok := answers[string(body)]
		if !ok {
			c.Status(http.StatusNotFound)
			return
		}
		c.Data(http.StatusOK, "application/json; charset=utf-8", ans)
	})
	return r
}

// postBody posts a GraphQL request body to h and returns the answer, failing on an error.
func postBody(b *testing.B, h http.Handler, body string) []byte {
	req := httptest.NewRequestWithContext(b.Context(), http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
		b.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}
