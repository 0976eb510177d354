package resolvers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// bigStore holds n relationships among a few entities, each with about, two pieces of
// evidence from different outlets, so that a page of them touches every batched field.
func bigStore(t testing.TB, n int) *countingStore {
	t.Helper()
	s := storyStore(t)
	b := graph.Batch{}
	for i := range 20 {
		b.Entities = append(b.Entities, graph.Entity{ID: fmt.Sprintf("person-%02d", i), Kind: graph.Person, Name: fmt.Sprintf("Person %02d", i)})
	}
	for i := range n {
		b.Articles = append(b.Articles, graph.Article{ID: fmt.Sprintf("art-%03d", i), Title: "T", Outlet: []string{idTimes, idWire}[i%2]})
	}
	for i := range n {
		b.Relationships = append(b.Relationships, graph.Relationship{
			ID: fmt.Sprintf("rel-%03d", i), Type: graph.Warned,
			From: fmt.Sprintf("person-%02d", i%20), To: fmt.Sprintf("person-%02d", (i+1)%20),
			About:    []string{fmt.Sprintf("person-%02d", (i+2)%20)},
			Evidence: []graph.Evidence{{Article: fmt.Sprintf("art-%03d", i)}, {Article: fmt.Sprintf("art-%03d", (i+1)%n)}},
		})
	}
	if _, err := s.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return newCountingStore(s)
}

const pageQuery = `query($n: Int) { relationships(first: $n) { edges { node {
	id from { name } to { name } about { name } outlets { name }
	evidence { excerpt article { title outlet { name } } } } } } }`

// TestNoNPlusOne checks that a page of relationships with every batched field costs a few
// store calls whatever its size.
func TestNoNPlusOne(t *testing.T) {
	store := bigStore(t, 120)
	e := newTestExecutor(t, store, Options{})
	calls := map[int]int{}
	for _, n := range []int{10, 100} {
		store.reset()
		data := query(t, e, pageQuery, map[string]any{"n": n})
		edges := path(data, "relationships", "edges").([]any)
		if len(edges) != n {
			t.Fatalf("page of %d: got %d", n, len(edges))
		}
		last := path(edges[n-1], "node")
		if path(last, "from", "name") == nil || path(last, "outlets", 1, "name") == nil || path(last, "evidence", 1, "article", "outlet", "name") == nil {
			t.Fatalf("fields not resolved: %v", last)
		}
		calls[n] = store.total()
		t.Logf("page of %d: %d store calls %v", n, calls[n], store.calls)
	}
	// One list, one entity batch for from/to/about, one article batch, one entity batch for
	// outlets; graphql-go resolves fields in map order, so the two entity batches may merge.
	const bound = 4
	if calls[10] > bound || calls[100] > bound {
		t.Errorf("store calls: %v for pages of 10 and 100, want at most %d for both", calls, bound)
	}
}

func nested(depth int) string {
	// Each level adds relationships/edges/node/from: four fields.
	q := "name"
	for range depth {
		q = "relationships(first: 1) { edges { node { from { " + q + " } } } }"
	}
	return `{ entity(id: "us-government") { ` + q + ` } }`
}

func TestDepthLimit(t *testing.T) {
	store := newCountingStore(storyStore(t))
	e := newTestExecutor(t, store, Options{MaxDepth: 10})
	query(t, e, nested(2), nil) // 1 + 2×4 + 1 = 10 levels
	store.reset()
	wantCode(t, e, Request{Query: nested(3)}, CodeQueryTooDeep, "14", "10")
	// Through fragments too.
	wantCode(t, e, Request{Query: `query { ...F } fragment F on Query { entity(id: "x") { ...G } }
		fragment G on Entity { relationships(first: 1) { edges { node { from { relationships(first: 1) { edges { node { to { relationships(first: 1) { edges { node { id } } } } } } } } } } } }`},
		CodeQueryTooDeep)
	if store.total() != 0 {
		t.Errorf("a rejected query reached the store: %v", store.calls)
	}
	// Introspection has a depth limit of its own, deep enough for the playground.
	data := query(t, e, `{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name ofType { name ofType { name ofType { name } } } } } } } } } } }`, nil)
	if len(path(data, "__schema", "types").([]any)) == 0 {
		t.Error("introspection returned no types")
	}
	// A fragment cycle is reported by the spec rules, not looped on.
	wantCode(t, e, Request{Query: `{ entity(id: "x") { ...A } } fragment A on Entity { ...B } fragment B on Entity { ...A }`}, graph.EINVALID)
}

func TestComplexityLimit(t *testing.T) {
	store := newCountingStore(storyStore(t))
	e := newTestExecutor(t, store, Options{MaxComplexity: 20000})
	const q = `query($n: Int) { entities(first: $n) { edges { node { relationships(first: $n) { edges { node { id } } } } } } }`
	wantCode(t, e, Request{Query: q, Variables: map[string]any{"n": 500}}, CodeQueryTooComplex, "20000")
	wantCode(t, e, Request{Query: `{ entities(first: 200) { edges { node { relationships(first: 200) { totalCount } } } } }`}, CodeQueryTooComplex)
	// Defaults count: neighborhood's limit is 500 nodes.
	wantCode(t, e, Request{Query: `{ neighborhood(id: "gru") { nodes { relationships { edges { node { id } } } } } }`}, CodeQueryTooComplex)
	if store.total() != 0 {
		t.Errorf("a rejected query reached the store: %v", store.calls)
	}
	query(t, e, q, map[string]any{"n": 5})
	query(t, e, `{ neighborhood(id: "gru", limit: 20) { nodes { relationships(first: 10) { edges { node { id } } } } } }`, nil)
}

func TestComplexityEstimate(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	cases := map[string]int{
		`{ stats { entities } }`:                                          2,
		`{ entities(first: 10) { edges { node { id name } } } }`:          1 + 10*(1+1+2),
		`{ search(text: "x") { id } }`:                                    1 + 10*1, // default first: 10
		`{ entities { totalCount } }`:                                     1 + graph.DefaultPageSize,
		`{ relationships(first: 3) { edges { node { about { id } } } } }`: 1 + 3*(1+1+(1+assumedListLength)),
	}
	for q, want := range cases {
		doc, res := e.document(q)
		if res != nil {
			t.Fatalf("%s: %v", q, res.Errors)
		}
		if got := e.cost(doc, operation(doc, ""), nil); got != want {
			t.Errorf("complexity of %s = %d, want %d", q, got, want)
		}
	}
}

// TestInternalErrorsDoNotLeak closes the store under the executor: the failure is logged
// with its details and answered with code INTERNAL and a generic message.
func TestInternalErrorsDoNotLeak(t *testing.T) {
	store := storyStore(t)
	var logs bytes.Buffer
	e := newTestExecutor(t, store, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	r := do(t, e, Request{Query: `mutation { createEntity(input: {kind: PERSON, name: "Late Comer"}) { id } }`, CanWrite: true})
	if len(r.Errors) != 1 || r.codes()[0] != graph.EINTERNAL {
		t.Fatalf("want one INTERNAL error, got %+v", r.Errors)
	}
	if msg := r.Errors[0].Message; msg != "internal error" {
		t.Errorf("internal error message leaks details: %q", msg)
	}
	if !strings.Contains(logs.String(), "createEntity") {
		t.Errorf("internal error not logged with its context: %q", logs.String())
	}
}

func TestDocumentCache(t *testing.T) {
	c := newDocumentCache(2)
	e := newTestExecutor(t, storyStore(t), Options{})
	for _, q := range []string{"{ stats { entities } }", "{ stats { articles } }", "{ stats { relationships } }"} {
		doc, res := e.document(q)
		if res != nil {
			t.Fatal(res.Errors)
		}
		c.put(q, doc)
	}
	if _, ok := c.get("{ stats { entities } }"); ok {
		t.Error("the least recently used document must be evicted")
	}
	if _, ok := c.get("{ stats { relationships } }"); !ok {
		t.Error("the newest document must be cached")
	}
	// The same text twice gives the same answer from the cache.
	for range 2 {
		if data := query(t, e, "{ stats { entities } }", nil); path(data, "stats", "entities") != float64(9) {
			t.Errorf("cached query: %v", data)
		}
	}
	if _, ok := e.cache.get("{ stats { entities } }"); !ok {
		t.Error("a valid document must be cached")
	}
	if _, ok := e.cache.get("{ nosuch }"); ok {
		t.Error("an invalid document must not be cached")
	}
}

func benchmarkExecute(b *testing.B, cacheSize int, req Request) {
	store := bigStore(b, 120)
	e := newTestExecutor(b, store, Options{CacheSize: cacheSize})
	if r := e.Execute(context.Background(), req); len(r.Errors) > 0 {
		b.Fatal(r.Errors)
	}
	b.ReportAllocs()
	for b.Loop() {
		e.Execute(context.Background(), req)
	}
}

// BenchmarkExecute runs typical queries with and without the document cache: a page of 20
// relationships with their ends, outlets and evidence, and an entity with five of its
// relationships.
func BenchmarkExecute(b *testing.B) {
	page := Request{Query: pageQuery, Variables: map[string]any{"n": 20}}
	entity := Request{Query: `query($id: ID!) { entity(id: $id) { name kind aliases
		relationships(first: 5) { totalCount edges { node { type date to { name } } } } } }`, Variables: map[string]any{"id": "person-01"}}
	b.Run("page/cached", func(b *testing.B) { benchmarkExecute(b, DefaultCacheSize, page) })
	b.Run("page/uncached", func(b *testing.B) { benchmarkExecute(b, -1, page) })
	b.Run("entity/cached", func(b *testing.B) { benchmarkExecute(b, DefaultCacheSize, entity) })
	b.Run("entity/uncached", func(b *testing.B) { benchmarkExecute(b, -1, entity) })
}

// failingEntities is the real store except that batch look-ups of entities fail, as a
// broken disk would make them.
type failingEntities struct{ graph.Store }

func (failingEntities) EntitiesByID(context.Context, []string) (map[string]graph.Entity, error) {
	return nil, errors.New("read entities: disk on fire")
}

// TestDeferredFieldErrors checks errors raised inside thunks, whose extensions graphql-go
// drops: they must still carry their code, stay generic, be logged, and null only their field.
func TestDeferredFieldErrors(t *testing.T) {
	var logs bytes.Buffer
	e := newTestExecutor(t, failingEntities{storyStore(t)}, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	r := do(t, e, Request{Query: `{ relationships(first: 2) { totalCount edges { node { id to { name } } } } }`})
	if len(r.Errors) != 2 {
		t.Fatalf("want one error per failed field, got %+v", r.Errors)
	}
	for _, err := range r.Errors {
		if err.Extensions["code"] != graph.EINTERNAL || err.Message != "internal error" || len(err.Path) == 0 {
			t.Errorf("deferred error = %+v, want INTERNAL, generic and located", err)
		}
	}
	if path(r.Data, "relationships", "totalCount") != float64(4) || path(r.Data, "relationships", "edges", 0, "node", "id") != idRelDeny {
		t.Errorf("fields that did not fail must still be answered: %v", r.Data)
	}
	if !strings.Contains(logs.String(), "disk on fire") {
		t.Errorf("the cause is not logged: %q", logs.String())
	}
}

// TestConcurrentExecute runs requests in parallel over one executor and its document cache;
// run with -race.
func TestConcurrentExecute(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{CacheSize: 2})
	queries := []string{`{ stats { entities } }`, `{ entity(id: "gru") { name } }`, `{ search(text: "gru") { id } }`}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 20 {
				q := queries[(i+j)%len(queries)]
				if r := e.Execute(context.Background(), Request{Query: q}); len(r.Errors) > 0 {
					t.Errorf("%s: %v", q, r.Errors)
				}
			}
		})
	}
	wg.Wait()
}

// Deep brackets are refused from the text before graphql-go's validation, whose time grows
// steeply with nesting; brackets in strings and comments do not count.
func TestDeepBracketsRefusedBeforeParsing(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	deep := `{ search(text: ` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `) { id } }`
	wantCode(t, e, Request{Query: deep}, CodeQueryTooDeep, "64")
	quoted := `# ` + strings.Repeat("{", 100) + "\n" + `{ search(text: "` + strings.Repeat("{[(", 30) + `") { id } }`
	if r := do(t, e, Request{Query: quoted}); len(r.Errors) > 0 {
		t.Errorf("brackets in strings and comments must not count: %+v", r.Errors)
	}
}
