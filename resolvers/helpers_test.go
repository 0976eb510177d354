package resolvers

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
)

func openStore(t testing.TB) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func newTestExecutor(t testing.TB, store graph.Store, opts Options) *Executor {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	e, err := New(store, opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// Ids of the test story: the United States warns Mexico about Russian officers under
// diplomatic cover and asks it to expel them; Mexico denies it and expels no one.
const (
	idUS       = "us-government"
	idMexico   = "mexico-government"
	idRussia   = "russia-government"
	idAMLO     = "andres-manuel-lopez-obrador"
	idObrador  = "obrador-foundation"
	idGRU      = "gru"
	idOfficers = "russian-officers"
	idTimes    = "the-times"
	idWire     = "the-wire"
	idArtWarn  = "times-warning"
	idArtWire  = "wire-refusal"
	idArtWire2 = "wire-followup"
	idRelWarn  = "r-warned"
	idRelAsk   = "r-requested"
	idRelDeny  = "r-denied"
	idRelExpel = "r-expelled" // negated
	idRelLeads = "r-leads"
)

func storyBatch() graph.Batch {
	return graph.Batch{
		Entities: []graph.Entity{
			{ID: idUS, Kind: graph.Government, Name: "United States Government", Aliases: []string{"Washington"}, Country: "US"},
			{ID: idMexico, Kind: graph.Government, Name: "Government of Mexico", Aliases: []string{"Mexico"}, Country: "MX"},
			{ID: idRussia, Kind: graph.Government, Name: "Russian Government", Country: "RU"},
			{ID: idAMLO, Kind: graph.Person, Name: "Andrés Manuel López Obrador", Aliases: []string{"AMLO"}, Role: "President of Mexico"},
			{ID: idObrador, Kind: graph.Group, Name: "Obrador Foundation"},
			{ID: idGRU, Kind: graph.Agency, Name: "GRU", Description: "Russian military intelligence"},
			{ID: idOfficers, Kind: graph.Group, Name: "Russian officers in Mexico"},
			{ID: idTimes, Kind: graph.Outlet, Name: "The Times"},
			{ID: idWire, Kind: graph.Outlet, Name: "The Wire"},
		},
		Articles: []graph.Article{
			{ID: idArtWarn, Title: "Washington warns Mexico", Outlet: idTimes, Published: "2022-03-17", Authors: []string{"A. Writer"}},
			{ID: idArtWire, Title: "Mexico says no", Outlet: idWire, Published: "2022-04-02"},
			{ID: idArtWire2, Title: "No expulsions", Outlet: idWire, Published: "2022-04-09"},
		},
		Relationships: []graph.Relationship{
			{ID: idRelWarn, Type: graph.Warned, From: idUS, To: idMexico, About: []string{idGRU}, Date: "2022-03",
				Evidence: []graph.Evidence{{Article: idArtWarn, Excerpt: "reports the warning"}, {Article: idArtWire}}},
			{ID: idRelAsk, Type: graph.Requested, From: idUS, To: idMexico, About: []string{idOfficers}, Date: "2022-03-01",
				Evidence: []graph.Evidence{{Article: idArtWarn}}},
			{ID: idRelDeny, Type: graph.Denied, From: idMexico, To: idUS, Date: "2022-04",
				Evidence: []graph.Evidence{{Article: idArtWire}, {Article: idArtWire2}}},
			{ID: idRelExpel, Type: graph.Expelled, From: idMexico, To: idOfficers, Negated: true, Date: "2022-04",
				Evidence: []graph.Evidence{{Article: idArtWire2}}},
			{ID: idRelLeads, Type: graph.Leads, From: idAMLO, To: idMexico},
		},
	}
}

// storyStore is a real store holding the test story.
func storyStore(t testing.TB) *bolt.Store {
	t.Helper()
	s := openStore(t)
	if _, err := s.Apply(context.Background(), storyBatch()); err != nil {
		t.Fatal(err)
	}
	return s
}

// response is a result decoded the way a client sees it.
type response struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (r response) codes() []string {
	var codes []string
	for _, e := range r.Errors {
		codes = append(codes, fmt.Sprint(e.Extensions["code"]))
	}
	return codes
}

func do(t testing.TB, e *Executor, req Request) response {
	t.Helper()
	res := e.Execute(context.Background(), req)
	body, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var out response
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	for _, e := range out.Errors {
		if _, ok := e.Extensions["code"]; !ok {
			t.Errorf("error without extensions.code: %s", e.Message)
		}
	}
	return out
}

// query runs a read and fails the test on any error.
func query(t testing.TB, e *Executor, q string, vars map[string]any) map[string]any {
	t.Helper()
	r := do(t, e, Request{Query: q, Variables: vars})
	if len(r.Errors) > 0 {
		t.Fatalf("query %s: errors %+v", q, r.Errors)
	}
	return r.Data
}

// wantCode runs req and checks that it fails with code and a message containing each of
// mention.
func wantCode(t testing.TB, e *Executor, req Request, code string, mention ...string) response {
	t.Helper()
	r := do(t, e, req)
	if len(r.Errors) == 0 {
		t.Fatalf("%s: no error, want %s; data %v", req.Query, code, r.Data)
	}
	if got := r.codes(); got[0] != code {
		t.Errorf("%s: codes %v, want %s (%s)", req.Query, got, code, r.Errors[0].Message)
	}
	for _, m := range mention {
		if !strings.Contains(r.Errors[0].Message, m) {
			t.Errorf("%s: message %q does not mention %q", req.Query, r.Errors[0].Message, m)
		}
	}
	return r
}

// path digs into decoded JSON: keys for objects, ints for lists.
func path(v any, steps ...any) any {
	for _, s := range steps {
		switch k := s.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// ids collects the "id" of each object in a list.
func ids(list any) []string {
	var out []string
	for _, v := range list.([]any) {
		out = append(out, fmt.Sprint(path(v, "id")))
	}
	return out
}

// countingStore is the real store with a count of calls per read method, to check that
// resolvers batch. It decorates, it does not fake: every call reaches the real store.
type countingStore struct {
	graph.Store
	mu    sync.Mutex
	calls map[string]int
}

func newCountingStore(s graph.Store) *countingStore {
	return &countingStore{Store: s, calls: map[string]int{}}
}

func (c *countingStore) count(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[name]++
}

func (c *countingStore) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.calls {
		n += v
	}
	return n
}

func (c *countingStore) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = map[string]int{}
}

func (c *countingStore) Entity(ctx context.Context, id string) (graph.Entity, error) {
	c.count("Entity")
	return c.Store.Entity(ctx, id)
}

func (c *countingStore) EntitiesByID(ctx context.Context, ids []string) (map[string]graph.Entity, error) {
	c.count("EntitiesByID")
	return c.Store.EntitiesByID(ctx, ids)
}

func (c *countingStore) ListEntities(ctx context.Context, q graph.EntityQuery) (graph.EntityPage, error) {
	c.count("ListEntities")
	return c.Store.ListEntities(ctx, q)
}

func (c *countingStore) SearchEntities(ctx context.Context, q graph.SearchQuery) ([]graph.Entity, error) {
	c.count("SearchEntities")
	return c.Store.SearchEntities(ctx, q)
}

func (c *countingStore) ScanEntities(ctx context.Context, fn func(graph.Entity) error) error {
	c.count("ScanEntities")
	return c.Store.ScanEntities(ctx, fn)
}

func (c *countingStore) Article(ctx context.Context, id string) (graph.Article, error) {
	c.count("Article")
	return c.Store.Article(ctx, id)
}

func (c *countingStore) ArticlesByID(ctx context.Context, ids []string) (map[string]graph.Article, error) {
	c.count("ArticlesByID")
	return c.Store.ArticlesByID(ctx, ids)
}

func (c *countingStore) ListArticles(ctx context.Context, q graph.ArticleQuery) (graph.ArticlePage, error) {
	c.count("ListArticles")
	return c.Store.ListArticles(ctx, q)
}

func (c *countingStore) ScanArticles(ctx context.Context, fn func(graph.Article) error) error {
	c.count("ScanArticles")
	return c.Store.ScanArticles(ctx, fn)
}

func (c *countingStore) Relationship(ctx context.Context, id string) (graph.Relationship, error) {
	c.count("Relationship")
	return c.Store.Relationship(ctx, id)
}

func (c *countingStore) ListRelationships(ctx context.Context, q graph.RelationshipQuery) (graph.RelationshipPage, error) {
	c.count("ListRelationships")
	return c.Store.ListRelationships(ctx, q)
}

func (c *countingStore) ScanRelationships(ctx context.Context, q graph.RelationshipQuery, fn func(graph.Relationship) error) error {
	c.count("ScanRelationships")
	return c.Store.ScanRelationships(ctx, q, fn)
}

func (c *countingStore) Neighborhood(ctx context.Context, q graph.NeighborhoodQuery) (graph.Subgraph, error) {
	c.count("Neighborhood")
	return c.Store.Neighborhood(ctx, q)
}

func (c *countingStore) Paths(ctx context.Context, q graph.PathQuery) ([]graph.Path, error) {
	c.count("Paths")
	return c.Store.Paths(ctx, q)
}

func (c *countingStore) Timeline(ctx context.Context, q graph.TimelineQuery) ([]graph.Relationship, error) {
	c.count("Timeline")
	return c.Store.Timeline(ctx, q)
}

func (c *countingStore) Stats(ctx context.Context) (graph.Stats, error) {
	c.count("Stats")
	return c.Store.Stats(ctx)
}
