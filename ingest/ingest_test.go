package ingest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/extract"
	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/seed"
)

const storyText = `U.S. officials warned Mexico in March 2023 that Russian agents were operating from its capital.
Mexico rejected U.S. requests to expel the Russian officers. Dutch authorities expelled a Russian spy last year.`

func newIngester(t *testing.T) (*Ingester, graph.Store) {
	t.Helper()
	ctx := context.Background()
	s, err := bolt.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	x, err := extract.New()
	if err != nil {
		t.Fatal(err)
	}
	return New(x, s), s
}

func stats(t *testing.T, s graph.Store) graph.Stats {
	t.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func findRel(t *testing.T, s graph.Store, typ graph.RelationType, from, to string, negated bool) graph.Relationship {
	t.Helper()
	var found []graph.Relationship
	q := graph.RelationshipQuery{From: from, To: to, RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{typ}, IncludeNegated: true}}
	err := s.ScanRelationships(context.Background(), q, func(r graph.Relationship) error {
		if r.Negated == negated && r.To == to {
			found = append(found, r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 {
		t.Fatalf("want exactly one %s %s→%s (negated %v), got %v", typ, from, to, negated, found)
	}
	return found[0]
}

func TestIngestCreatesThenChangesNothing(t *testing.T) {
	ctx := context.Background()
	in, s := newIngester(t)
	a := Article{Text: storyText, Title: "Warnings and refusals", Outlet: "The Daily Courier", Published: "2024-05-10", URL: "https://example.org/a"}
	sum, err := in.Ingest(ctx, a, false)
	if err != nil {
		t.Fatal(err)
	}
	if sum.RelationshipsCreated < 3 || sum.EntitiesCreated < 4 || sum.RelationshipsCorroborated != 0 {
		t.Errorf("first ingest summary %+v", sum)
	}
	outlet, err := s.Entity(ctx, sum.Article.Outlet)
	if err != nil || outlet.Kind != graph.Outlet || outlet.Name != "The Daily Courier" {
		t.Errorf("outlet %+v, %v", outlet, err)
	}
	warned := findRel(t, s, graph.Warned, "united-states", "mexico", false)
	if warned.Date != "2023-03" || warned.SourceCount != 1 || len(warned.Evidence) != 1 || warned.Evidence[0].Article != sum.Article.ID {
		t.Errorf("warned %+v", warned)
	}
	if !strings.Contains(warned.Evidence[0].Excerpt, "warned Mexico") {
		t.Errorf("excerpt should be the sentence: %q", warned.Evidence[0].Excerpt)
	}
	findRel(t, s, graph.Expelled, "mexico", "russian-intelligence-officers", true)
	findRel(t, s, graph.Denied, "mexico", "united-states", false)

	before := stats(t, s)
	again, err := in.Ingest(ctx, a, false)
	if err != nil {
		t.Fatal(err)
	}
	if again.Article.ID != sum.Article.ID {
		t.Errorf("article id changed: %s then %s", sum.Article.ID, again.Article.ID)
	}
	if again.EntitiesCreated+again.RelationshipsCreated+again.RelationshipsCorroborated != 0 {
		t.Errorf("second ingest should change nothing: %+v", again)
	}
	if after := stats(t, s); after.Entities != before.Entities || after.Relationships != before.Relationships || after.Articles != before.Articles {
		t.Errorf("stats changed: %+v → %+v", before, after)
	}
}

func TestSecondOutletCorroborates(t *testing.T) {
	ctx := context.Background()
	in, s := newIngester(t)
	a := Article{Text: storyText, Title: "First report", Outlet: "The Daily Courier", Published: "2024-05-10"}
	if _, err := in.Ingest(ctx, a, false); err != nil {
		t.Fatal(err)
	}
	b := Article{Text: "Mexico rejected U.S. requests to expel the Russian officers, officials said.", Title: "Follow-up", Outlet: "NYT", Published: "2024-05-12"}
	sum, err := in.Ingest(ctx, b, false)
	if err != nil {
		t.Fatal(err)
	}
	if sum.RelationshipsCorroborated < 1 {
		t.Errorf("want corroboration, got %+v", sum)
	}
	if sum.Article.Outlet != "the-new-york-times" {
		t.Errorf("NYT should resolve to the world outlet, got %q", sum.Article.Outlet)
	}
	denied := findRel(t, s, graph.Denied, "mexico", "united-states", false)
	if denied.SourceCount != 2 || len(denied.Evidence) != 2 {
		t.Errorf("denied should have two sources: %+v", denied)
	}
}

func TestIngestWithSeedMatchesExistingEntities(t *testing.T) {
	ctx := context.Background()
	in, s := newIngester(t)
	if _, err := seed.Load(ctx, s, "seed.yaml", seed.Default()); err != nil {
		t.Fatal(err)
	}
	before := stats(t, s)
	sum, err := in.Ingest(ctx, Article{Text: "AMLO dismissed the warnings from Washington. Ebrard denied everything.", Title: "Dismissals", Outlet: "SpyTalk", Published: "2023"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if sum.EntitiesCreated != 0 || sum.EntitiesMatched < 3 || sum.Article.Outlet != "spytalk" {
		t.Errorf("seeded ingest should match existing entities and the outlet: %+v", sum)
	}
	if after := stats(t, s); after.Entities != before.Entities {
		t.Errorf("entities grew from %d to %d", before.Entities, after.Entities)
	}
	findRel(t, s, graph.Denied, "andres-manuel-lopez-obrador", "united-states", false)
}

func TestDryRunWritesNothing(t *testing.T) {
	ctx := context.Background()
	in, s := newIngester(t)
	sum, err := in.Ingest(ctx, Article{Text: storyText, Title: "Dry", Outlet: "The Daily Courier", Published: "2024"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Batch.Relationships) == 0 || len(sum.Batch.Articles) != 1 || len(sum.Batch.Entities) == 0 {
		t.Errorf("dry run should report the batch it would apply: %+v", sum.Batch)
	}
	if st := stats(t, s); st.Entities+st.Articles+st.Relationships != 0 {
		t.Errorf("dry run wrote %+v", st)
	}
}

func TestBadInputWritesNothing(t *testing.T) {
	ctx := context.Background()
	in, s := newIngester(t)
	cases := map[string]Article{
		"empty text":  {Text: " ", Title: "x", Outlet: "o"},
		"no outlet":   {Text: storyText, Title: "x"},
		"binary":      {Text: "abc\x00def", Title: "x", Outlet: "o"},
		"bad date":    {Text: storyText, Title: "x", Outlet: "o", Published: "2024-02-30"},
		"bad utf8":    {Text: "Mexico \xff", Title: "x", Outlet: "o"},
		"long author": {Text: storyText, Title: "x", Outlet: "o", Authors: []string{strings.Repeat("a", graph.MaxNameLen+1)}},
	}
	for name, a := range cases {
		if _, err := in.Ingest(ctx, a, false); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("%s: got %v, want BAD_INPUT", name, err)
		}
	}
	if st := stats(t, s); st.Entities+st.Articles+st.Relationships != 0 {
		t.Errorf("bad input wrote %+v", st)
	}
}

func TestParseFrontMatter(t *testing.T) {
	a, err := ParseFrontMatter([]byte("---\ntitle: Spies stay\noutlet: NDTV\ndate: 2025-12\nurl: https://example.org/x\nauthors: [A. Writer]\n---\nMexico refused to expel the Russian diplomats.\n"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Spies stay" || a.Outlet != "NDTV" || a.Published != "2025-12" || a.URL != "https://example.org/x" ||
		!slices.Equal(a.Authors, []string{"A. Writer"}) || !strings.HasPrefix(a.Text, "Mexico refused") {
		t.Errorf("parsed %+v", a)
	}
	// One author may be written without a list, as people write front matter by hand.
	for header, want := range map[string][]string{
		"authors: Anna Kowalska":                     {"Anna Kowalska"},
		"authors:\n  - Anna Kowalska\n  - B. Writer": {"Anna Kowalska", "B. Writer"},
		"authors:": nil,
	} {
		one, err := ParseFrontMatter([]byte("---\n" + header + "\n---\ntext"))
		if err != nil || !slices.Equal(one.Authors, want) {
			t.Errorf("%q: authors %q, %v; want %q", header, one.Authors, err, want)
		}
	}
	plain, err := ParseFrontMatter([]byte("Just text."))
	if err != nil || plain.Text != "Just text." || plain.Title != "" {
		t.Errorf("plain %+v, %v", plain, err)
	}
	for name, bad := range map[string]string{
		"unclosed":    "---\ntitle: x\nMexico.",
		"unknown key": "---\ntitel: x\n---\ntext",
		"bad date":    "---\ndate: 2025-13\n---\ntext",
		"bad utf8":    "---\ntitle: \xff\n---\ntext",
		"authors map": "---\nauthors: {name: x}\n---\ntext",
	} {
		if _, err := ParseFrontMatter([]byte(bad)); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("%s: got %v, want BAD_INPUT", name, err)
		}
	}
}

// TestStoreGazetteerAgreesWithScan checks that looking names up through the store's name
// index resolves every key as the gazetteer built from reading every entity did: names win
// over aliases, the lowest id among equals, a leading "the" dropped.
func TestStoreGazetteerAgreesWithScan(t *testing.T) {
	_, s := newIngester(t)
	ctx := t.Context()
	if _, err := s.Apply(ctx, graph.Batch{Entities: []graph.Entity{
		{ID: "guardian-paper", Kind: graph.Outlet, Name: "The Guardian"},
		{ID: "a-watch", Kind: graph.Group, Name: "Border Watch", Aliases: []string{"Guardian", "The Watch"}},
		{ID: "b-watch", Kind: graph.Group, Name: "The Watch", Aliases: []string{"Border Watch"}},
		{ID: "c-watch", Kind: graph.Group, Name: "Coast Watch", Aliases: []string{"BW", "Sentinel"}},
		{ID: "d-watch", Kind: graph.Group, Name: "Délta Wátch", Aliases: []string{"bw", "Sentinel"}},
	}}); err != nil {
		t.Fatal(err)
	}
	var all []graph.Entity
	keys := []string{"nobody at all", "watch", "the"}
	if err := s.ScanEntities(ctx, func(e graph.Entity) error {
		all = append(all, e)
		for _, n := range append([]string{e.Name}, e.Aliases...) {
			keys = append(keys, strings.TrimPrefix(graph.Fold(n), "the "))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(graph.NameFinder); !ok {
		t.Fatal("the embedded store has no name index: the test compares nothing")
	}
	indexed, err := extract.StoreGazetteer(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	scanned := extract.NewGazetteer(all)
	for _, key := range keys {
		got, gotOK := indexed.Lookup(key)
		want, wantOK := scanned.Lookup(key)
		if got.ID != want.ID || gotOK != wantOK {
			t.Errorf("Lookup(%q) = %q %v through the index, %q %v by scanning", key, got.ID, gotOK, want.ID, wantOK)
		}
	}
	if err := extract.LookupErr(indexed); err != nil {
		t.Errorf("LookupErr = %v", err)
	}
	if e, _ := indexed.Lookup("guardian"); e.ID != "guardian-paper" {
		t.Errorf(`Lookup("guardian") = %q, want the outlet named "The Guardian"`, e.ID)
	}
}
