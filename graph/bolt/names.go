package bolt

import (
	"context"
	"slices"
	"strings"

	"github.com/dossiergraph/dossier/graph"
)

var _ graph.NameFinder = (*Store)(nil)

// EntitiesNamed implements graph.NameFinder from the word index: an exact name has every
// one of its words, so the shortest list among the key's words holds every match.
func (s *Store) EntitiesNamed(ctx context.Context, keys []string) ([]graph.Entity, error) {
	var out []graph.Entity
	err := s.read(ctx, func(st *state) error {
		seen := map[string]bool{}
		for _, key := range keys {
			for _, entry := range st.named(key) {
				if !seen[entry.id] {
					seen[entry.id] = true
					out = append(out, cloneEntity(st.entities[entry.id]))
				}
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b graph.Entity) int { return strings.Compare(a.ID, b.ID) })
	return out, err
}

// named returns the entries with a name or alias that folds to key.
func (st *state) named(key string) []*searchEntry {
	words := strings.Fields(key)
	if len(words) == 0 {
		return nil
	}
	list := st.words[words[0]]
	for _, w := range words[1:] {
		if l := st.words[w]; len(l) < len(list) {
			list = l
		}
	}
	var out []*searchEntry
	for _, entry := range list {
		if entry.key.Names(key) {
			out = append(out, entry)
		}
	}
	return out
}
