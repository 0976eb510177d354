package graphtest

import (
	"context"
	"fmt"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// writes is the write API the benchmarks drive: Apply and the single writes.
type writes interface {
	Apply(ctx context.Context, b graph.Batch) (graph.BatchResult, error)
	CreateEntity(ctx context.Context, e graph.Entity) (graph.Entity, error)
	UpdateEntity(ctx context.Context, id string, p graph.EntityPatch) (graph.Entity, error)
	AddEvidence(ctx context.Context, relationship string, ev graph.Evidence) (graph.Relationship, error)
	CreateRelationship(ctx context.Context, r graph.Relationship) (graph.Relationship, error)
}

// RunWriteBenchmarks measures the write path on an empty store st: single writes through
// graph.Writer, and Apply of a 100-relationship batch. Every backend runs the same
// benchmarks.
func RunWriteBenchmarks(b *testing.B, st graph.Store) {
	runWriteBenchmarks(b, withWriter(st))
}

// runWriteBenchmarks measures the single writes and a 100-relationship batch on a store
// that holds the conformance fixture.
func runWriteBenchmarks(b *testing.B, st writes) {
	ctx := b.Context()
	if _, err := st.Apply(ctx, Fixture()); err != nil {
		b.Fatal(err)
	}
	b.Run("CreateEntity", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if _, err := st.CreateEntity(ctx, graph.Entity{ID: fmt.Sprintf("bench-entity-%d", i), Kind: graph.Person, Name: fmt.Sprintf("Bench %d", i)}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("UpdateEntity", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			d := fmt.Sprintf("description %d", i%2)
			if _, err := st.UpdateEntity(ctx, ebrard, graph.EntityPatch{Description: &d}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("AddEvidence", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if _, err := st.AddEvidence(ctx, rLeads, graph.Evidence{Article: nyt1, Excerpt: fmt.Sprintf("excerpt %d", i%2)}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("CreateRelationship", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.CreateRelationship(ctx, graph.Relationship{Type: graph.Warned, From: usGov, To: mexicoGov, Evidence: []graph.Evidence{{Article: nyt1}}}); err != nil {
				b.Fatal(err)
			}
		}
	})
	batch := graph.Batch{}
	for i := range 100 {
		batch.Relationships = append(batch.Relationships, graph.Relationship{ID: fmt.Sprintf("bench-rel-%03d", i), Type: graph.Accused, From: amlo, To: usGov, Evidence: []graph.Evidence{{Article: nyt2}}})
	}
	b.Run("ApplyBatch100", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.Apply(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
	})
}
