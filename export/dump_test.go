package export

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
	"github.com/dossiergraph/dossier/resolvers"
)

// readmeQuestions returns the GraphQL queries of the README's "Five questions" section, so
// that the round trip is judged on the questions analysts are shown first.
func readmeQuestions(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, "## Five questions")
	end := strings.Index(text[start+1:], "\n## ")
	if start < 0 || end < 0 {
		t.Fatal("README has no \"## Five questions\" section")
	}
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(text[start:start+1+end], -1)
	if len(blocks) != 5 {
		t.Fatalf("the README's five questions section has %d graphql blocks", len(blocks))
	}
	var qs []string
	for _, b := range blocks {
		qs = append(qs, b[1])
	}
	return qs
}

// answers asks s the README's questions through the GraphQL executor.
func answers(t *testing.T, s graph.Store, questions []string) []string {
	t.Helper()
	exec, err := resolvers.New(s, resolvers.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, q := range questions {
		res := exec.Execute(context.Background(), resolvers.Request{Query: q})
		if len(res.Errors) > 0 {
			t.Fatalf("question %s: %v", q, res.Errors)
		}
		b, err := json.Marshal(res.Data)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// richStore holds the seed story and the fixture's hard cases (a relationship without a
// counterpart, an isolated entity, markup in text, authors), so that a dump has everything
// to lose.
func richStore(t *testing.T) graph.Store {
	s := seedStore(t)
	if _, err := s.Apply(context.Background(), fixture); err != nil {
		t.Fatal(err)
	}
	// An extracted edge an analyst rejected: a dump must keep it, review and all, though
	// lists leave it out by default.
	r := fixture.Relationships[0]
	r.ID, r.Negated = "rejected-extracted-edge", false
	r.Origin, r.Confidence = graph.Extracted, 0.62
	r.Review = graph.Review{State: graph.Rejected, Reviewer: "editor", Time: "2025-01-02T03:04:05Z", Note: "not in the article"}
	if _, err := s.Apply(context.Background(), graph.Batch{Relationships: []graph.Relationship{r}}); err != nil {
		t.Fatal(err)
	}
	return s
}

func dump(t *testing.T, s graph.Store) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := Dump(context.Background(), &buf, s); err != nil {
		t.Fatalf("dump: %v", err)
	}
	return buf.Bytes()
}

// sameStore fails unless got holds exactly what want holds and answers the README's
// questions alike.
func sameStore(t *testing.T, got, want graph.Store, questions []string) {
	t.Helper()
	ctx := context.Background()
	if g, w := readAll(t, got), readAll(t, want); !equalJSON(g, w) {
		t.Errorf("the restored store differs:\n got %s\nwant %s", asJSON(g), asJSON(w))
	}
	gs, err := got.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := want.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !equalJSON(gs, ws) {
		t.Errorf("stats %+v, want %+v", gs, ws)
	}
	if ws.NegatedRelationships == 0 {
		t.Fatal("the source holds no negated relationship: the test would prove nothing")
	}
	ga, wa := answers(t, got, questions), answers(t, want, questions)
	for i := range wa {
		if ga[i] != wa[i] {
			t.Errorf("README question %d answered differently:\n got %s\nwant %s", i+1, ga[i], wa[i])
		}
		if len(wa[i]) < 100 {
			t.Errorf("README question %d has a suspiciously short answer: %s", i+1, wa[i])
		}
	}
}

// A dump restored into an empty store of either kind gives back every record, the same
// counts and the same answers; dumping the restored store gives the same records again.
func TestDumpRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	questions := readmeQuestions(t)
	src := richStore(t)
	data := dump(t, src)

	t.Run("bolt", func(t *testing.T) {
		dst := openStore(t)
		res, n, err := Restore(ctx, dst, bytes.NewReader(data), RestoreOptions{})
		if err != nil {
			t.Fatalf("restore: %v", err)
		}
		want := readAll(t, src)
		if n.Entities != len(want.Entities) || n.Articles != len(want.Articles) || n.Relationships != len(want.Relationships) ||
			res.EntitiesCreated != n.Entities || res.RelationshipsCreated != n.Relationships {
			t.Errorf("restore counted %+v and wrote %+v for %d/%d/%d", n, res, len(want.Entities), len(want.Articles), len(want.Relationships))
		}
		sameStore(t, dst, src, questions)
		if again := dump(t, dst); !bytes.Equal(dropHeader(again), dropHeader(data)) {
			t.Error("dumping the restored store gives other records")
		}
	})
	t.Run("neo4j", func(t *testing.T) {
		neo := neo4jtest.Open(t)
		if _, _, err := Restore(ctx, neo, bytes.NewReader(data), RestoreOptions{}); err != nil {
			t.Fatalf("restore into Neo4j: %v", err)
		}
		sameStore(t, neo, src, questions)
		// and back: Neo4j's dump restores into bolt as the original
		back := openStore(t)
		if _, _, err := Restore(ctx, back, bytes.NewReader(dump(t, neo)), RestoreOptions{}); err != nil {
			t.Fatalf("restore Neo4j's dump into bolt: %v", err)
		}
		sameStore(t, back, src, questions)
	})
}

// dropHeader drops a dump's first line, which carries the time it was made.
func dropHeader(dump []byte) []byte {
	_, rest, _ := bytes.Cut(dump, []byte("\n"))
	return rest
}

func TestRestoreRefusesBadDumps(t *testing.T) {
	ctx := context.Background()
	data := dump(t, fixtureStore(t))
	lines := strings.SplitAfter(string(data), "\n")
	relLine := 0
	for i, l := range lines {
		if strings.HasPrefix(l, `{"relationship":`) {
			relLine = i
			break
		}
	}
	replace := func(i int, with string) string {
		c := append([]string(nil), lines...)
		c[i] = with
		return strings.Join(c, "")
	}
	cases := map[string]struct {
		dump    string
		mention []string
	}{
		"empty":          {"", []string{"empty"}},
		"not a dump":     {`{"nodes":[]}` + "\n", []string{"line 1", "not a Dossier dump"}},
		"newer version":  {replace(0, `{"dossier":"dump","version":99}`+"\n"), []string{"version 99", "newer dossier"}},
		"cut short":      {strings.Join(lines[:len(lines)-3], ""), []string{"no end line", "cut short"}},
		"wrong counts":   {replace(len(lines)-2, `{"end":{"entities":1,"articles":3,"relationships":8}}`+"\n"), []string{"end line counts"}},
		"unknown field":  {replace(relLine, strings.Replace(lines[relLine], `{"relationship":{`, `{"relationship":{"sentiment":0.5,`, 1)), []string{"line " + strconv.Itoa(relLine+1), "sentiment"}},
		"unknown record": {replace(1, `{"note":{"text":"x"}}`+"\n"), []string{"line 2", "note"}},
		"dangling reference": {replace(relLine, strings.Replace(lines[relLine], `"from":"`, `"from":"nobody-`, 1)),
			[]string{"line " + strconv.Itoa(relLine+1), "nobody-"}},
		"invalid record": {replace(1, `{"entity":{"id":"x","kind":"ROBOT","name":"X"}}`+"\n"), []string{"line 2", "ROBOT"}},
		"two records":    {replace(1, `{"entity":{"id":"x","kind":"PERSON","name":"X"},"article":{"id":"y"}}`+"\n"), []string{"line 2", "exactly one"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dst := openStore(t)
			_, _, err := Restore(ctx, dst, strings.NewReader(c.dump), RestoreOptions{})
			if err == nil {
				t.Fatal("restored a bad dump")
			}
			if graph.ErrorCode(err) != graph.EINVALID {
				t.Errorf("code %s, want %s: %v", graph.ErrorCode(err), graph.EINVALID, err)
			}
			for _, m := range c.mention {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
			if st, _ := dst.Stats(ctx); st.Entities+st.Articles+st.Relationships != 0 {
				t.Errorf("a refused restore wrote %+v", st)
			}
		})
	}
}

func TestRestoreRefusesNonEmptyStoreUnlessForced(t *testing.T) {
	ctx := context.Background()
	data := dump(t, fixtureStore(t))
	dst := seedStore(t)
	before := readAll(t, dst)
	_, _, err := Restore(ctx, dst, bytes.NewReader(data), RestoreOptions{})
	if graph.ErrorCode(err) != graph.ECONFLICT || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restore into a seeded store: %v, want a CONFLICT naming --force", err)
	}
	if !equalJSON(readAll(t, dst), before) {
		t.Fatal("a refused restore changed the store")
	}
	res, _, err := Restore(ctx, dst, bytes.NewReader(data), RestoreOptions{Force: true})
	if err != nil {
		t.Fatalf("forced restore: %v", err)
	}
	if res.EntitiesCreated+res.EntitiesUpdated != len(fixture.Entities) {
		t.Errorf("forced restore wrote %+v", res)
	}
	st, _ := dst.Stats(ctx)
	if want := len(before.Relationships) + len(fixture.Relationships); st.Relationships != want {
		t.Errorf("after a forced restore the store holds %d relationships, want %d", st.Relationships, want)
	}
}

// A dump streams: it fails with the writer's error and says so.
func TestDumpReportsWriteErrors(t *testing.T) {
	_, err := Dump(context.Background(), failingWriter{}, fixtureStore(t))
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("dump into a failing writer: %v", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
