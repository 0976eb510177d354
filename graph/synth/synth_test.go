package synth_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/graph/synth"
)

func TestDeterministicWhateverTheChunk(t *testing.T) {
	a := synth.Generate(7, 300, 1200)
	if b := synth.Generate(7, 300, 1200); !reflect.DeepEqual(a, b) {
		t.Fatal("two graphs from the same seed differ")
	}
	var streamed graph.Batch
	batches := 0
	if _, err := synth.Stream(synth.Config{Seed: 7, Entities: 300, Relationships: 1200, Chunk: 97}, func(b graph.Batch) error {
		batches++
		if n := len(b.Entities) + len(b.Articles) + len(b.Relationships); n > 97 {
			t.Errorf("batch of %d records, chunk is 97", n)
		}
		streamed.Entities = append(streamed.Entities, b.Entities...)
		streamed.Articles = append(streamed.Articles, b.Articles...)
		streamed.Relationships = append(streamed.Relationships, b.Relationships...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, streamed) {
		t.Error("the graph streamed in chunks of 97 differs from the generated one")
	}
	if batches < (300+600+1200)/97 {
		t.Errorf("%d batches, want one per chunk", batches)
	}
	if c := synth.Generate(8, 300, 1200); reflect.DeepEqual(a, c) {
		t.Error("another seed gives the same graph")
	}
}

func TestShape(t *testing.T) {
	const entities, rels = 2000, 10000
	b := synth.Generate(1, entities, rels)
	if len(b.Entities) != entities || len(b.Relationships) != rels || len(b.Articles) == 0 {
		t.Fatalf("sizes: %d entities, %d articles, %d relationships", len(b.Entities), len(b.Articles), len(b.Relationships))
	}
	kinds, types := map[graph.Kind]int{}, map[graph.RelationType]int{}
	ids := map[string]bool{}
	for _, e := range b.Entities {
		if err := e.Validate(); err != nil {
			t.Fatalf("invalid entity: %v", err)
		}
		if ids[e.ID] {
			t.Fatalf("duplicate entity id %s", e.ID)
		}
		ids[e.ID] = true
		kinds[e.Kind]++
	}
	degree := map[string]int{}
	negated, undated, multiSource := 0, 0, 0
	for _, r := range b.Relationships {
		if err := r.Validate(); err != nil {
			t.Fatalf("invalid relationship: %v", err)
		}
		types[r.Type]++
		degree[r.From]++
		if r.To != "" {
			degree[r.To]++
		}
		if r.Negated {
			negated++
		}
		if r.Date == "" {
			undated++
		}
		if len(r.Evidence) > 1 {
			multiSource++
		}
	}
	for _, k := range graph.Kinds {
		if kinds[k] == 0 {
			t.Errorf("no entity of kind %s", k)
		}
	}
	for _, ty := range graph.RelationTypes {
		if types[ty] == 0 {
			t.Errorf("no relationship of type %s", ty)
		}
	}
	if negated == 0 || undated == 0 || multiSource == 0 {
		t.Errorf("negated %d, undated %d, with several articles %d: want some of each", negated, undated, multiSource)
	}
	degrees := slices.Sorted(func(yield func(int) bool) {
		for _, d := range degree {
			if !yield(d) {
				return
			}
		}
	})
	median, top := degrees[len(degrees)/2], degrees[len(degrees)-1]
	if top < 20*median {
		t.Errorf("degrees are not skewed: median %d, max %d", median, top)
	}
}

func TestLoadIntoStore(t *testing.T) {
	s, err := bolt.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	info, err := synth.Load(t.Context(), s, synth.Config{Seed: 3, Entities: 500, Relationships: 3000, Chunk: 400})
	if err != nil {
		t.Fatal(err)
	}
	stats, err := s.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if stats.Entities != info.Entities || stats.Articles != info.Articles || stats.Relationships != info.Relationships {
		t.Errorf("store holds %+v, info says %+v", stats, info)
	}
	for _, id := range slices.Concat(info.Hubs, info.Sample) {
		if _, err := s.Entity(t.Context(), id); err != nil {
			t.Errorf("info names entity %s: %v", id, err)
		}
	}
	for _, text := range info.SearchTerms {
		found, err := s.SearchEntities(t.Context(), graph.SearchQuery{Text: text})
		if err != nil || len(found) == 0 {
			t.Errorf("search term %q finds %d entities, error %v", text, len(found), err)
		}
	}
	hub, err := s.ListRelationships(t.Context(), graph.RelationshipQuery{Entity: info.Hubs[0]})
	if err != nil || hub.TotalCount < 3000/100 {
		t.Errorf("the top hub has %d relationships (error %v), want a hub", hub.TotalCount, err)
	}
}

func TestDescribeMatchesStream(t *testing.T) {
	cfg := synth.Config{Seed: 5, Entities: 200, Relationships: 700}
	streamed, err := synth.Stream(cfg, func(graph.Batch) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	described, err := synth.Describe(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(streamed, described) {
		t.Errorf("Describe = %+v, Stream said %+v", described, streamed)
	}
	if _, err := synth.Describe(synth.Config{Entities: 3}); err == nil {
		t.Error("Describe accepts a graph of 3 entities")
	}
}

func TestCopies(t *testing.T) {
	one := synth.Generate(3, 300, 1200)
	var all graph.Batch
	info, err := synth.Stream(synth.Config{Seed: 3, Entities: 300, Relationships: 1200, Copies: 3}, func(b graph.Batch) error {
		all.Entities = append(all.Entities, b.Entities...)
		all.Articles = append(all.Articles, b.Articles...)
		all.Relationships = append(all.Relationships, b.Relationships...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Entities) != 900 || len(all.Articles) != 3*len(one.Articles) || len(all.Relationships) != 3600 {
		t.Fatalf("sizes: %d entities, %d articles, %d relationships", len(all.Entities), len(all.Articles), len(all.Relationships))
	}
	if info.Entities != 900 || info.Articles != len(all.Articles) || info.Relationships != 3600 {
		t.Errorf("info counts %d/%d/%d, want those of all copies", info.Entities, info.Articles, info.Relationships)
	}
	single, err := synth.Describe(synth.Config{Seed: 3, Entities: 300, Relationships: 1200})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(info.Sample, single.Sample) || !slices.Equal(info.ArticleIDs, single.ArticleIDs) {
		t.Error("the samples are not those of the first copy")
	}
	// The first copy is the single graph; every id and name of the others is its own.
	if !reflect.DeepEqual(all.Entities[:300], one.Entities) || !reflect.DeepEqual(all.Relationships[:1200], one.Relationships) {
		t.Error("the first copy differs from the single graph")
	}
	ids, firstNames := map[string]bool{}, map[string]bool{}
	for i, e := range all.Entities {
		if err := e.Validate(); err != nil {
			t.Fatalf("invalid entity: %v", err)
		}
		if ids[e.ID] {
			t.Fatalf("entity %s repeats", e.ID)
		}
		ids[e.ID] = true
		if i < 300 {
			firstNames[e.Name] = true
		} else if firstNames[e.Name] || !strings.HasSuffix(e.Name, fmt.Sprintf(" c%d", i/300)) {
			t.Fatalf("entity %s of copy %d is named %q", e.ID, i/300, e.Name)
		}
	}
	for _, r := range all.Relationships[1200*2:] {
		if !ids[r.From] || r.To != "" && !ids[r.To] || !strings.HasPrefix(r.ID, "c2-") || !strings.HasPrefix(r.From, "c2-") {
			t.Fatalf("relationship %+v of the third copy leaves it", r)
		}
		for _, ev := range r.Evidence {
			if !strings.HasPrefix(ev.Article, "c2-") {
				t.Fatalf("relationship %s cites %s of another copy", r.ID, ev.Article)
			}
		}
	}
}

// failingApplier fails its third Apply and counts every call.
type failingApplier struct{ calls int }

var errThird = errors.New("third batch refused")

func (f *failingApplier) Apply(context.Context, graph.Batch) (graph.BatchResult, error) {
	if f.calls++; f.calls == 3 {
		return graph.BatchResult{}, errThird
	}
	return graph.BatchResult{}, nil
}

// TestLoadStopsAtAFailedApply checks that Load reports the store's error and applies
// nothing after it, though the generator ran ahead.
func TestLoadStopsAtAFailedApply(t *testing.T) {
	var f failingApplier
	_, err := synth.Load(t.Context(), &f, synth.Config{Seed: 3, Entities: 500, Relationships: 3000, Chunk: 100})
	if !errors.Is(err, errThird) {
		t.Errorf("Load = %v, want the third Apply's error", err)
	}
	if f.calls != 3 {
		t.Errorf("Load called Apply %d times, want 3", f.calls)
	}
}
