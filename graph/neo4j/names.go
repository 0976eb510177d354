package neo4j

import (
	"context"
	"slices"
	"strings"

	"github.com/dossiergraph/dossier/graph"
)

var _ graph.NameFinder = (*Store)(nil)

// EntitiesNamed implements graph.NameFinder through the full-text index: a phrase query
// finds the entities whose name or alias words hold the key's words in a row, and the
// exact comparison then drops those where the phrase is only part of a name, or runs from
// one name into the next (the index sees them one after another).
func (s *Store) EntitiesNamed(ctx context.Context, keys []string) ([]graph.Entity, error) {
	var phrases []string
	for _, key := range keys {
		words := strings.Fields(key)
		if len(words) == 0 {
			continue
		}
		for i, w := range words {
			words[i] = luceneEscape(w)
		}
		phrases = append(phrases, `"`+strings.Join(words, " ")+`"`)
	}
	if len(phrases) == 0 {
		return []graph.Entity{}, nil
	}
	const cypher = `
UNWIND $phrases AS phrase
CALL db.index.fulltext.queryNodes($index, phrase) YIELD node
WITH DISTINCT node
RETURN node {.*} AS n`
	params := map[string]any{"index": searchIndex, "phrases": phrases}
	candidates, err := readEntities(ctx, s, "entities named", cypher, params)
	if err != nil {
		return nil, err
	}
	out := []graph.Entity{}
	for _, e := range candidates {
		if slices.ContainsFunc(keys, graph.NewSearchKey(e).Names) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b graph.Entity) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}
