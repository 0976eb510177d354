package neo4j_test

import (
	"fmt"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/neo4j"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
	"github.com/dossiergraph/dossier/graph/synth"
)

// BenchmarkReadRoundTrips runs the statements behind the bench's two questions (a page of
// 20 entities; an entity's first 50 outgoing relationships with their ends) from 32
// goroutines, in a managed transaction (BEGIN and RUN, then COMMIT: two round trips) and
// as an auto-commit transaction (one), alternating for a few rounds so that the load of a
// shared machine falls on both alike:
//
//	DOSSIER_NEO4J_URI=$(scripts/neo4j-test-server start | tail -n 1) \
//	DOSSIER_NEO4J_PID=$(cat .neo4j-test/pid) go test -run '^$' -bench ReadRoundTrips -benchtime 2000x ./graph/neo4j
func BenchmarkReadRoundTrips(b *testing.B) {
	s := neo4jtest.OpenStore(b)
	info, err := synth.Load(b.Context(), s, synth.Config{Seed: 1, Entities: 2000, Relationships: 10_000, Chunk: 2000})
	if err != nil {
		b.Fatal(err)
	}
	type statement struct {
		cypher string
		params map[string]any
	}
	var pages, rels []statement
	for _, id := range info.Sample {
		cypher, params, err := neo4j.EntityPageQuery(graph.EntityQuery{Page: graph.Page{First: 20, After: id, SkipTotal: true}})
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, statement{cypher, params})
		cypher, params, err = neo4j.WithEndsQuery(graph.RelationshipQuery{Entity: id, Direction: graph.Out, Page: graph.Page{First: 50, SkipTotal: true}})
		if err != nil {
			b.Fatal(err)
		}
		rels = append(rels, statement{cypher, params})
	}
	modes := map[string]func(st statement) error{
		"managed":     func(st statement) error { return neo4j.ReadManaged(b.Context(), s, st.cypher, st.params) },
		"auto-commit": func(st statement) error { return neo4j.ReadAutoCommit(b.Context(), s, st.cypher, st.params) },
	}
	for round := range 3 {
		for _, q := range []struct {
			name       string
			statements []statement
		}{{"entity-page", pages}, {"relationships-with-ends", rels}} {
			for _, mode := range []string{"managed", "auto-commit"} {
				b.Run(fmt.Sprintf("%s/%s/round-%d", q.name, mode, round), func(b *testing.B) {
					b.SetParallelism(16) // 32 goroutines on the 2-core machine
					cpu := neo4jtest.StartCPU(b)
					defer cpu.Report(b)
					b.RunParallel(func(pb *testing.PB) {
						i := 0
						for pb.Next() {
							if err := modes[mode](q.statements[i%len(q.statements)]); err != nil {
								b.Error(err)
								return
							}
							i++
						}
					})
				})
			}
		}
	}
}
