package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/extract"
	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
	"github.com/dossiergraph/dossier/ingest"
	"github.com/dossiergraph/dossier/seed"
)

// run executes the dossier command line in-process and returns what it printed.
func run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := newRootCommand(&out, &errOut)
	cmd.SetArgs(args)
	err = cmd.ExecuteContext(t.Context())
	return out.String(), errOut.String(), err
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := run(t, args...)
	if err != nil {
		t.Fatalf("dossier %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}

func stats(t *testing.T, dir string) graph.Stats {
	t.Helper()
	s, err := bolt.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := s.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

const article = `---
title: Mexico again declines to act
outlet: The Wire
date: 2025-12-10
---
Mexico refused to expel the Russian officers named on the CIA list. Washington warned Mexico City again last week.
`

func TestSeedExportImport(t *testing.T) {
	data := t.TempDir()
	out := mustRun(t, "seed", "--data", data)
	want, err := seed.Parse("seed.yaml", seed.Default())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "seeded from seed.yaml") {
		t.Errorf("seed summary: %q", out)
	}
	st := stats(t, data)
	if st.Entities != len(want.Entities) || st.Relationships != len(want.Relationships) || st.Articles != len(want.Articles) {
		t.Fatalf("seeded %+v, the seed file has %d entities, %d articles, %d relationships", st, len(want.Entities), len(want.Articles), len(want.Relationships))
	}
	mustRun(t, "seed", "--data", data) // idempotent
	if again := stats(t, data); again.Entities != st.Entities || again.Relationships != st.Relationships {
		t.Errorf("reseeding changed the counts: %+v → %+v", st, again)
	}

	doc := mustRun(t, "export", "--data", data, "--format", "nodelink", "--include-negated")
	var nl struct {
		Nodes []struct{ ID string }  `json:"nodes"`
		Edges []struct{ Key string } `json:"edges"`
	}
	if err := json.Unmarshal([]byte(doc), &nl); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	if len(nl.Nodes) < st.Entities || len(nl.Edges) == 0 {
		t.Fatalf("whole-graph export has %d nodes and %d edges for %+v", len(nl.Nodes), len(nl.Edges), st)
	}
	file := filepath.Join(t.TempDir(), "graph.json")
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	mustRun(t, "import", "--data", other, "--format", "nodelink", file)
	if got := stats(t, other); got.Entities != st.Entities || got.Articles != st.Articles {
		t.Errorf("import holds %+v, the source %+v", got, st)
	}

	if _, _, err := run(t, "export", "--data", data, "--format", "pdf"); err == nil || !strings.Contains(err.Error(), "pdf") {
		t.Errorf("an unknown format must be named: %v", err)
	}
	if _, _, err := run(t, "export", "--data", data, "--format", "gexf", "--types", "WARNS"); err == nil || !strings.Contains(err.Error(), "WARNS") {
		t.Errorf("an unknown type must be named: %v", err)
	}
}

func TestExtractAndIngest(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "seed", "--data", data)
	file := filepath.Join(t.TempDir(), "article.md")
	if err := os.WriteFile(file, []byte(article), 0o600); err != nil {
		t.Fatal(err)
	}

	out := mustRun(t, "extract", "--data", data, file)
	var res struct {
		Relationships []struct {
			Type     string  `json:"type"`
			From     string  `json:"from"`
			To       *string `json:"to"`
			Negated  bool    `json:"negated"`
			Evidence []struct {
				Start, End int
				Text       string
			} `json:"evidence"`
		} `json:"relationships"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("extract output is not the JSON contract: %v\n%s", err, out)
	}
	var refused bool
	for _, r := range res.Relationships {
		for _, ev := range r.Evidence {
			// Offsets point into the file itself, front matter included.
			if article[ev.Start:ev.End] != ev.Text {
				t.Errorf("evidence [%d,%d) is %q in the file, reported %q", ev.Start, ev.End, article[ev.Start:ev.End], ev.Text)
			}
		}
		if r.Type == "EXPELLED" && r.From == "mexico" {
			refused = r.Negated
		}
	}
	if !refused {
		t.Errorf("Mexico's refusal to expel must be a negated EXPELLED: %s", out)
	}

	before := stats(t, data)
	out = mustRun(t, "ingest", "--data", data, file)
	if !strings.Contains(out, "ingested 1 of 1 articles") {
		t.Errorf("ingest summary: %q", out)
	}
	after := stats(t, data)
	if after.Articles != before.Articles+1 {
		t.Errorf("ingest wrote %d articles, want 1", after.Articles-before.Articles)
	}
	mustRun(t, "ingest", "--data", data, file)
	if again := stats(t, data); again.Articles != after.Articles || again.Relationships != after.Relationships || again.Entities != after.Entities {
		t.Errorf("ingesting twice changed the graph: %+v → %+v", after, again)
	}

	bad := filepath.Join(t.TempDir(), "bad.txt")
	if err := os.WriteFile(bad, []byte("Mexico \xff\xfe warned"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, "ingest", "--data", data, "--outlet", "The Wire", bad); err == nil {
		t.Error("invalid UTF-8 must fail the ingest")
	}
	if got := stats(t, data); got.Articles != after.Articles {
		t.Errorf("a failed ingest wrote something: %+v → %+v", after, got)
	}
}

func TestBadStoreFlags(t *testing.T) {
	if _, _, err := run(t, "seed", "--store", "mongo"); err == nil || !strings.Contains(err.Error(), "mongo") {
		t.Errorf("unknown store must be named: %v", err)
	}
	_, _, err := run(t, "seed", "--store", "neo4j", "--neo4j-uri", "bolt://127.0.0.1:1", "--neo4j-password", "secret-password")
	if err == nil || strings.Contains(err.Error(), "secret-password") {
		t.Errorf("unreachable Neo4j must fail without echoing the password: %v", err)
	}
}

func TestCopyBoltToNeo4jAndBack(t *testing.T) {
	target := neo4jtest.OpenStore(t) // holds the test database for this test
	cfg := neo4jtest.Config(t)
	neo := []string{"--neo4j-uri", cfg.URI, "--neo4j-user", cfg.Username, "--neo4j-password", cfg.Password}
	if cfg.Database != "" {
		neo = append(neo, "--neo4j-database", cfg.Database)
	}
	data := t.TempDir()
	mustRun(t, "seed", "--data", data)
	want := stats(t, data)

	_, progress, err := run(t, append([]string{"copy", "--data", data, "--from", "bolt", "--to", "neo4j"}, neo...)...)
	if err != nil {
		t.Fatalf("copy to Neo4j: %v\n%s", err, progress)
	}
	got, err := target.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got.Entities != want.Entities || got.Articles != want.Articles || got.Relationships != want.Relationships ||
		got.NegatedRelationships != want.NegatedRelationships {
		t.Fatalf("Neo4j holds %+v after the copy, bolt %+v", got, want)
	}

	back := t.TempDir()
	if _, progress, err := run(t, append([]string{"copy", "--data", back, "--from", "neo4j", "--to", "bolt"}, neo...)...); err != nil {
		t.Fatalf("copy back: %v\n%s", err, progress)
	}
	if again := stats(t, back); again.Relationships != want.Relationships || again.Entities != want.Entities {
		t.Errorf("the round trip holds %+v, the original %+v", again, want)
	}
}

func TestArticleSizeLimit(t *testing.T) {
	data := t.TempDir()
	file := filepath.Join(t.TempDir(), "long.txt")
	if err := os.WriteFile(file, []byte(strings.Repeat("Mexico warned Russia. ", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := run(t, "extract", "--gazetteer", "none", "--max-article-bytes", "1000", "--data", data, file)
	if err == nil || !strings.Contains(err.Error(), "1000") {
		t.Errorf("a text over --max-article-bytes must be refused naming the limit: %v", err)
	}
	t.Setenv("DOSSIER_MAX_ARTICLE_BYTES", "lots")
	if _, _, err := run(t, "extract", "--gazetteer", "none", file); err == nil || !strings.Contains(err.Error(), "DOSSIER_MAX_ARTICLE_BYTES") {
		t.Errorf("a malformed DOSSIER_MAX_ARTICLE_BYTES must be named: %v", err)
	}
}

func TestIngestMinConfidence(t *testing.T) {
	data := t.TempDir()
	file := filepath.Join(t.TempDir(), "weak.md")
	// The expulsion is extracted with high confidence, the bare denial (no counterpart) low.
	text := "---\noutlet: Test Wire\ndate: 2025-06-02\n---\nEstonia expelled two Russian diplomats. Hungary denied the report.\n"
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "ingest", "--data", data, file)
	if !strings.Contains(out, "1 created, 0 corroborated, 1 held below confidence 0.65") {
		t.Errorf("default threshold: %q", out)
	}
	other := t.TempDir()
	out = mustRun(t, "ingest", "--data", other, "--min-confidence", "0", file)
	if !strings.Contains(out, "2 created, 0 corroborated, 0 held") {
		t.Errorf("--min-confidence 0 writes everything: %q", out)
	}
	if _, _, err := run(t, "ingest", "--data", other, "--min-confidence", "2", file); err == nil || !strings.Contains(err.Error(), "between 0 and 1") {
		t.Errorf("--min-confidence 2 must be refused with the valid range, got %v", err)
	}
}

// dossier extract lists what ingest would write under "relationships" and the rest under
// "held", at the same default threshold.
func TestExtractHoldsWeakRelationships(t *testing.T) {
	file := filepath.Join(t.TempDir(), "weak.md")
	text := "---\noutlet: Test Wire\ndate: 2025-06-02\n---\nEstonia expelled two Russian diplomats. Hungary denied the report.\n"
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	types := func(rels []extract.Relation) []string {
		var out []string
		for _, r := range rels {
			out = append(out, string(r.Type)+" "+r.From)
		}
		return out
	}
	decode := func(out string) extract.Result {
		var res extract.Result
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("extract output is not JSON: %v\n%s", err, out)
		}
		return res
	}
	res := decode(mustRun(t, "extract", "--gazetteer", "none", file))
	if got := types(res.Relationships); !slices.Equal(got, []string{"EXPELLED estonia"}) {
		t.Errorf("relationships at the default threshold = %q, want the expulsion only", got)
	}
	if got := types(res.Held); !slices.Equal(got, []string{"DENIED hungary"}) || res.Held[0].Confidence >= ingest.DefaultMinConfidence || len(res.Held[0].Evidence) == 0 {
		t.Errorf("held = %+v, want the weak denial with its confidence and evidence", res.Held)
	}
	res = decode(mustRun(t, "extract", "--gazetteer", "none", "--min-confidence", "0", file))
	if len(res.Relationships) != 2 || len(res.Held) != 0 {
		t.Errorf("--min-confidence 0: relationships %q, held %q; want both listed, none held", types(res.Relationships), types(res.Held))
	}
	if _, _, err := run(t, "extract", "--gazetteer", "none", "--min-confidence", "-1", file); err == nil || !strings.Contains(err.Error(), "between 0 and 1") {
		t.Errorf("--min-confidence -1 must be refused with the valid range, got %v", err)
	}
}

// TestLocalWritesNameTheCommand checks that local writes are recorded in the change log as
// made by the command that made them.
func TestLocalWritesNameTheCommand(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "seed", "--data", data)
	file := filepath.Join(t.TempDir(), "article.md")
	if err := os.WriteFile(file, []byte(article), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "ingest", "--data", data, file)
	s, err := bolt.Open(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	page, err := s.Changes(t.Context(), graph.ChangeQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range page.Changes {
		got = append(got, e.Actor+": "+e.Operation)
	}
	if len(got) != 2 || !strings.HasPrefix(got[0], "dossier seed: seed") || got[1] != "dossier ingest: ingest article" {
		t.Errorf("change log after seed and ingest: %q", got)
	}
}
