package main

import (
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
	"github.com/dossiergraph/dossier/graph/synth"
	"github.com/dossiergraph/dossier/resolvers"
	"github.com/dossiergraph/dossier/server"
)

// plainStore hides a store's optional capabilities, as a store without them would be.
type plainStore struct{ graph.Store }

// BenchmarkGinNeo4j sends the bench's Q1 and Q2 through Dossier's whole gin handler on the
// Neo4j test server, from 32 goroutines as scripts/bench's busiest cell does, with the
// store's optional reads ("ends": Q1's entity, relationships and other ends in one
// statement) and without them ("plain": three), in one run so that the two compare:
//
//	DOSSIER_NEO4J_URI=$(scripts/neo4j-test-server start | tail -n 1) \
//	DOSSIER_NEO4J_PID=$(cat .neo4j-test/pid) go test -run '^$' -bench GinNeo4j -benchtime 2000x ./tools/bench
//
// The graph has scripts/bench's shape, 4k entities and 20k relationships unless
// DOSSIER_BENCH_ENTITIES / DOSSIER_BENCH_RELATIONSHIPS say otherwise: the questions read
// one entity's neighbourhood or one page, so their cost does not depend on the graph's
// size, and a smaller one loads in a minute.
func BenchmarkGinNeo4j(b *testing.B) {
	store := neo4jtest.OpenStore(b)
	cfg := synth.Config{Seed: 1, Entities: envInt(b, "DOSSIER_BENCH_ENTITIES", 4000),
		Relationships: envInt(b, "DOSSIER_BENCH_RELATIONSHIPS", 20_000), Chunk: neo4jChunk}
	start := time.Now()
	info, err := synth.Load(b.Context(), store, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d entities, %d relationships in %v", info.Entities, info.Relationships, time.Since(start).Round(time.Second))
	handlers := map[string]http.Handler{}
	for name, s := range map[string]graph.Store{"plain": plainStore{store}, "ends": store} {
		exec, err := resolvers.New(s, resolvers.Options{})
		if err != nil {
			b.Fatal(err)
		}
		srv, err := server.New(s, exec, server.Config{Addr: "127.0.0.1:0", WriteToken: strings.Repeat("t", 32)})
		if err != nil {
			b.Fatal(err)
		}
		handlers[name] = srv.Handler()
	}
	var q1, q2 []string
	for _, id := range info.Sample {
		q1 = append(q1, requestBody(dossierQ1, map[string]any{"id": id}))
	}
	for i, c := range walkCursors(b, handlers["plain"]) {
		if i%(info.Entities/len(info.Sample)) == 0 {
			q2 = append(q2, requestBody(dossierQ2, map[string]any{"after": c}))
		}
	}
	for _, q := range []struct {
		name   string
		bodies []string
	}{{"Q1", q1}, {"Q2", q2}} {
		for _, mode := range []string{"plain", "ends"} {
			h := handlers[mode]
			b.Run(q.name+"/"+mode, func(b *testing.B) {
				b.SetParallelism(16) // 32 goroutines on the 2-core machine
				cpu := neo4jtest.StartCPU(b)
				defer cpu.Report(b)
				b.RunParallel(func(pb *testing.PB) {
					i := 0
					for pb.Next() {
						rec := serve(h, q.bodies[i%len(q.bodies)])
						i++
						if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
							b.Errorf("got %d %s", rec.Code, clip(rec.Body.Bytes()))
							return
						}
					}
				})
			})
		}
	}
}

func envInt(b *testing.B, key string, fallback int) int {
	v := os.Getenv(key)
	if v == "" {
		return fallback
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		b.Fatalf("%s=%q: %v", key, v, err)
	}
	return n
}
