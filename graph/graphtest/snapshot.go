package graphtest

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// state is everything a store holds, read through the interface.
type state struct {
	entities      map[string]graph.Entity
	articles      map[string]graph.Article
	relationships map[string]graph.Relationship
}

func snapshot(t *testing.T, st graph.Querier) state {
	t.Helper()
	ctx := t.Context()
	s := state{map[string]graph.Entity{}, map[string]graph.Article{}, map[string]graph.Relationship{}}
	if err := st.ScanEntities(ctx, func(e graph.Entity) error { s.entities[e.ID] = normEntity(e); return nil }); err != nil {
		t.Fatalf("scan entities: %v", err)
	}
	if err := st.ScanArticles(ctx, func(a graph.Article) error { s.articles[a.ID] = normArticle(a); return nil }); err != nil {
		t.Fatalf("scan articles: %v", err)
	}
	all := graph.RelationshipQuery{RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}}
	if err := st.ScanRelationships(ctx, all, func(r graph.Relationship) error { s.relationships[r.ID] = normRel(r); return nil }); err != nil {
		t.Fatalf("scan relationships: %v", err)
	}
	return s
}

func (s state) equal(o state) bool { return reflect.DeepEqual(s, o) }

// diff names the records that differ, for failure messages.
func (s state) diff(o state) string {
	var out []string
	for id := range union(s.entities, o.entities) {
		if !reflect.DeepEqual(s.entities[id], o.entities[id]) {
			out = append(out, "entity "+id)
		}
	}
	for id := range union(s.articles, o.articles) {
		if !reflect.DeepEqual(s.articles[id], o.articles[id]) {
			out = append(out, "article "+id)
		}
	}
	for id := range union(s.relationships, o.relationships) {
		if !reflect.DeepEqual(s.relationships[id], o.relationships[id]) {
			out = append(out, "relationship "+id)
		}
	}
	return fmt.Sprintf("%d records differ: %q", len(out), out)
}

func union[V any](a, b map[string]V) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}
