// Package seed holds Dossier's curated seed story (seed.yaml, embedded in the binary) and
// the strict loader that turns a seed file into a graph.Batch.
//
// A seed file is YAML with three top-level keys, entities, articles and relationships,
// whose items map field for field onto graph.Entity, graph.Article and graph.Relationship.
// The loader rejects anything it does not understand, and names the file and line of every
// problem, because seed files are edited by hand.
package seed

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"

	"github.com/dossiergraph/dossier/graph"
)

//go:embed seed.yaml
var embedded []byte

// Default returns the seed story built into the binary. The bytes are a copy, so callers
// may change them freely.
func Default() []byte { return bytes.Clone(embedded) }

// Load parses data (named name in errors) and applies it to s as one atomic batch. Loading
// the same data again creates nothing: entities and articles are replaced by id, and
// relationships are updated in place with their evidence merged by article.
func Load(ctx context.Context, s graph.Applier, name string, data []byte) (graph.BatchResult, error) {
	batch, err := Parse(name, data)
	if err != nil {
		return graph.BatchResult{}, err
	}
	batch.Change = graph.ChangeOf(ctx, "seed "+name)
	res, err := s.Apply(ctx, batch)
	if err != nil {
		return graph.BatchResult{}, fmt.Errorf("load seed %s: %w", name, err)
	}
	return res, nil
}
