package seed

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
)

func openStore(t *testing.T) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return s
}

func allRelationships(ctx context.Context, t *testing.T, s graph.Store) []graph.Relationship {
	t.Helper()
	var out []graph.Relationship
	q := graph.RelationshipQuery{RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}}
	if err := s.ScanRelationships(ctx, q, func(r graph.Relationship) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatalf("scan relationships: %v", err)
	}
	return out
}

func TestLoadIsIdempotent(t *testing.T) {
	ctx := t.Context()
	s := openStore(t)
	b := defaultBatch(t)

	first, err := Load(ctx, s, "seed.yaml", Default())
	if err != nil {
		t.Fatalf("first load: %v", err)
	}
	want := graph.BatchResult{
		EntitiesCreated: len(b.Entities), ArticlesCreated: len(b.Articles), RelationshipsCreated: len(b.Relationships),
	}
	if first != want {
		t.Errorf("first load: %+v, want %+v", first, want)
	}
	stats1, err := s.Stats(ctx)
	if err != nil {
		t.Fatalf("stats: %v", err)
	}
	rels1 := allRelationships(ctx, t, s)

	second, err := Load(ctx, s, "seed.yaml", Default())
	if err != nil {
		t.Fatalf("second load: %v", err)
	}
	want = graph.BatchResult{
		EntitiesUpdated: len(b.Entities), ArticlesUpdated: len(b.Articles), RelationshipsUpdated: len(b.Relationships),
	}
	if second != want {
		t.Errorf("second load: %+v, want %+v", second, want)
	}
	stats2, err := s.Stats(ctx)
	if err != nil {
		t.Fatalf("stats: %v", err)
	}
	if !reflect.DeepEqual(stats1, stats2) {
		t.Errorf("stats changed on reload:\n%+v\n%+v", stats1, stats2)
	}
	if rels2 := allRelationships(ctx, t, s); !reflect.DeepEqual(rels1, rels2) {
		t.Errorf("relationships changed on reload")
	}

	if stats2.Entities != len(b.Entities) || stats2.Articles != len(b.Articles) || stats2.Relationships != len(b.Relationships) {
		t.Errorf("store holds %d entities, %d articles, %d relationships; the seed has %d, %d, %d",
			stats2.Entities, stats2.Articles, stats2.Relationships, len(b.Entities), len(b.Articles), len(b.Relationships))
	}
	var negated int
	for _, r := range b.Relationships {
		if r.Negated {
			negated++
		}
	}
	if stats2.NegatedRelationships != negated {
		t.Errorf("store counts %d negated relationships, the seed has %d", stats2.NegatedRelationships, negated)
	}
}

func TestLoadedSeedCountsOutlets(t *testing.T) {
	ctx := t.Context()
	s := openStore(t)
	if _, err := Load(ctx, s, "seed.yaml", Default()); err != nil {
		t.Fatalf("load: %v", err)
	}
	b := defaultBatch(t)
	outletOf := map[string]string{}
	for _, a := range b.Articles {
		outletOf[a.ID] = a.Outlet
	}
	for _, want := range b.Relationships {
		got, err := s.Relationship(ctx, want.ID)
		if err != nil {
			t.Fatalf("relationship %s: %v", want.ID, err)
		}
		if n := graph.CountSources(want.Evidence, func(a string) string { return outletOf[a] }); got.SourceCount != n {
			t.Errorf("%s: source count %d, want %d", got, got.SourceCount, n)
		}
	}
}

func TestLoadRejectsBadSeedAndWritesNothing(t *testing.T) {
	ctx := t.Context()
	s := openStore(t)
	// A good prefix (the valid entities) followed by a broken relationship: nothing may land.
	bad := strings.Replace(valid, "from: alice", "from: nobody", 1)
	_, err := Load(ctx, s, "bad.yaml", []byte(bad))
	if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), "bad.yaml:16:") {
		t.Fatalf("Load of a broken seed: %v, want a BAD_INPUT error at bad.yaml:16", err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatalf("stats: %v", err)
	}
	if st.Entities != 0 || st.Articles != 0 || st.Relationships != 0 {
		t.Errorf("a rejected seed left %+v in the store", st)
	}
}
