package server_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dossiergraph/dossier/extract"
	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
	"github.com/dossiergraph/dossier/ingest"
	"github.com/dossiergraph/dossier/resolvers"
	"github.com/dossiergraph/dossier/server"
	"github.com/dossiergraph/dossier/server/auth"
)

func TestTeamHistoryBolt(t *testing.T) {
	testTeamHistory(t, func(t *testing.T) graph.Store {
		s, err := bolt.Open(t.Context(), t.TempDir())
		if err != nil {
			t.Fatalf("open bolt store: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestTeamHistoryNeo4j skips without DOSSIER_NEO4J_URI, except under CI=true.
func TestTeamHistoryNeo4j(t *testing.T) {
	testTeamHistory(t, func(t *testing.T) graph.Store { return neo4jtest.Open(t) })
}

// teamServer starts a live server with ingestion over the store and the named credentials.
func teamServer(t *testing.T, store graph.Store, creds *auth.File) *liveServer {
	t.Helper()
	if _, err := store.Apply(t.Context(), fixture); err != nil {
		t.Fatalf("apply fixture: %v", err)
	}
	x, err := extract.New()
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	exec, err := resolvers.New(store, resolvers.Options{Logger: log, Ingester: ingest.New(x, store)})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(store, exec, server.Config{Addr: "127.0.0.1:0", Credentials: creds, MaxBodyBytes: 64 << 10,
		ShutdownTimeout: 10 * time.Second, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ls := &liveServer{store: store, srv: srv, logs: logs, client: &http.Client{Timeout: 20 * time.Second}, done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { ls.done <- srv.ListenAndServe(ctx) }()
	select {
	case <-srv.Ready():
	case err := <-ls.done:
		t.Fatalf("ListenAndServe: %v", err)
	}
	ls.base = "http://" + srv.Addr()
	t.Cleanup(func() {
		cancel()
		<-ls.done
		ls.client.CloseIdleConnections()
	})
	return ls
}

type change struct {
	Seq       int    `json:"seq"`
	Time      string `json:"time"`
	Actor     string `json:"actor"`
	Operation string `json:"operation"`
	Records   []struct {
		Record string  `json:"record"`
		ID     string  `json:"id"`
		Before *string `json:"before"`
		After  *string `json:"after"`
	} `json:"records"`
}

const changeFields = `changes { seq time actor operation records { record id before after } } pageInfo { hasNextPage endCursor }`

// data decodes the reply's data into v, failing on any error.
func data(t *testing.T, r reply, v any) {
	t.Helper()
	wantStatus(t, r, http.StatusOK, "")
	if err := json.Unmarshal(r.body["data"], v); err != nil {
		t.Fatalf("decode %s: %v", r.raw, err)
	}
}

// field decodes one field of a record change's JSON value.
func jsonField(t *testing.T, raw *string, name string) any {
	t.Helper()
	if raw == nil {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(*raw), &m); err != nil {
		t.Fatalf("decode %s: %v", *raw, err)
	}
	return m[name]
}

type relView struct {
	ID         string   `json:"id"`
	Origin     string   `json:"origin"`
	Confidence *float64 `json:"confidence"`
	Review     struct {
		State    string  `json:"state"`
		Reviewer *string `json:"reviewer"`
		Note     *string `json:"note"`
	} `json:"review"`
}

func testTeamHistory(t *testing.T, open func(t *testing.T) graph.Store) {
	store := open(t)
	creds := auth.NewFile(t.TempDir())
	tokens := map[string]string{}
	for name, role := range map[string]auth.Role{"anna": auth.RoleWrite, "ben": auth.RoleWrite, "reader": auth.RoleRead} {
		token, _, err := creds.Create(name, role)
		if err != nil {
			t.Fatal(err)
		}
		tokens[name] = token
	}
	ls := teamServer(t, store, creds)

	// Two analysts write; each change carries the writer's name and both values.
	wantStatus(t, ls.post(t, createEntity, map[string]any{"input": map[string]any{"id": "ana-garcia", "kind": "PERSON", "name": "Ana García"}}, tokens["anna"]), http.StatusOK, "")
	wantStatus(t, ls.post(t, `mutation { updateEntity(id: "ana-garcia", input: {role: "Consul"}) { id } }`, nil, tokens["ben"]), http.StatusOK, "")
	var ent struct {
		Entity struct {
			History struct{ Changes []change } `json:"history"`
		} `json:"entity"`
	}
	data(t, ls.post(t, `{ entity(id: "ana-garcia") { history { `+changeFields+` } } }`, nil, tokens["reader"]), &ent)
	h := ent.Entity.History.Changes
	if len(h) != 2 || h[0].Actor != "anna" || h[0].Operation != "create entity" || h[1].Actor != "ben" || h[1].Operation != "update entity" {
		t.Fatalf("history of ana-garcia: %+v", h)
	}
	if rec := h[0].Records[0]; rec.Before != nil || jsonField(t, rec.After, "name") != "Ana García" {
		t.Errorf("creation: before %v after %v", rec.Before, rec.After)
	}
	if rec := h[1].Records[0]; jsonField(t, rec.Before, "role") != nil || jsonField(t, rec.After, "role") != "Consul" {
		t.Errorf("update: before %v after %v, want role none → Consul", *rec.Before, *rec.After)
	}

	// A merge's history shows both sides, and stays readable by the absorbed id.
	wantStatus(t, ls.post(t, createEntity, map[string]any{"input": map[string]any{"id": "a-garcia", "kind": "PERSON", "name": "A. García"}}, tokens["anna"]), http.StatusOK, "")
	wantStatus(t, ls.post(t, `mutation { mergeEntities(survivor: "ana-garcia", others: ["a-garcia"]) { id } }`, nil, tokens["ben"]), http.StatusOK, "")
	var gone struct{ History struct{ Changes []change } }
	data(t, ls.post(t, `{ history(record: ENTITY, id: "a-garcia") { `+changeFields+` } }`, nil, tokens["reader"]), &gone)
	if n := len(gone.History.Changes); n != 2 {
		t.Fatalf("history of the merged a-garcia: %d changes, want 2", n)
	}
	merge := gone.History.Changes[1]
	sides := map[string][2]any{}
	for _, rc := range merge.Records {
		sides[rc.ID] = [2]any{jsonField(t, rc.Before, "aliases"), jsonField(t, rc.After, "aliases")}
	}
	if merge.Actor != "ben" || merge.Operation != "merge entities" || len(sides) != 2 {
		t.Fatalf("merge change: %+v", merge)
	}
	if after, _ := sides["ana-garcia"][1].([]any); !slices.Contains(after, any("A. García")) || merge.Records[0].After == nil && merge.Records[1].After == nil {
		t.Errorf("merge sides: %+v", sides)
	}

	// Ingestion proposes; a reviewer rejects; re-ingesting keeps the rejection.
	article := map[string]any{"title": "Expulsion in The Hague", "outlet": "The Wire", "publishedAt": "2024-04-02",
		"text": "The Netherlands expelled a Russian intelligence officer on Tuesday."}
	const ingestArticle = `mutation($in: IngestArticleInput!) { ingestArticle(input: $in) { relationshipsCreated } }`
	wantStatus(t, ls.post(t, ingestArticle, map[string]any{"in": article}, tokens["anna"]), http.StatusOK, "")
	const listRels = `query($review: [ReviewState!]) { relationships(review: $review, first: 100) { edges { node { id origin confidence review { state reviewer note } } } } }`
	rels := func(review ...string) []relView {
		var d struct {
			Relationships struct{ Edges []struct{ Node relView } }
		}
		vars := map[string]any{}
		if review != nil {
			vars["review"] = review
		}
		data(t, ls.post(t, listRels, vars, tokens["reader"]), &d)
		var out []relView
		for _, e := range d.Relationships.Edges {
			out = append(out, e.Node)
		}
		return out
	}
	proposed := rels("PROPOSED")
	if len(proposed) == 0 {
		t.Fatal("ingestion proposed no relationship")
	}
	x := proposed[0]
	if x.Origin != "EXTRACTED" || x.Confidence == nil || *x.Confidence <= 0 || x.Review.State != "PROPOSED" || x.Review.Reviewer != nil {
		t.Fatalf("extracted relationship: %+v", x)
	}
	for _, r := range rels("CONFIRMED") {
		if r.Origin != "CURATED" {
			t.Errorf("confirmed %s has origin %s", r.ID, r.Origin)
		}
	}
	const review = `mutation($id: ID!, $d: String!, $note: String) { reviewRelationship(id: $id, decision: $d, note: $note) { id review { state reviewer note } } }`
	var rev struct{ ReviewRelationship relView }
	data(t, ls.post(t, review, map[string]any{"id": x.ID, "d": "REJECTED", "note": "the article names no officer"}, tokens["ben"]), &rev)
	if got := rev.ReviewRelationship.Review; got.State != "REJECTED" || got.Reviewer == nil || *got.Reviewer != "ben" {
		t.Fatalf("after rejection: %+v", got)
	}
	all := len(rels("PROPOSED", "CONFIRMED", "REJECTED"))
	wantStatus(t, ls.post(t, ingestArticle, map[string]any{"in": article}, tokens["anna"]), http.StatusOK, "")
	article["title"], article["publishedAt"] = "Dutch expel a Russian", "2024-04-03" // another article, the same act
	wantStatus(t, ls.post(t, ingestArticle, map[string]any{"in": article}, tokens["anna"]), http.StatusOK, "")
	if slices.ContainsFunc(rels(), func(r relView) bool { return r.ID == x.ID }) {
		t.Errorf("re-ingestion brought rejected %s back into the default lists", x.ID)
	}
	if n := len(rels("PROPOSED", "CONFIRMED", "REJECTED")); n != all {
		t.Errorf("re-ingestion made %d relationships, want the %d there were (no new proposal of a rejected act)", n, all)
	}
	if r, err := store.Relationship(t.Context(), x.ID); err != nil || r.ReviewOf() != graph.Rejected || len(r.Evidence) != 2 {
		t.Errorf("rejected relationship after re-ingestion: %+v, %v; want REJECTED with both articles as evidence", r, err)
	}
	// Deciding again is a new change.
	data(t, ls.post(t, review, map[string]any{"id": x.ID, "d": "CONFIRMED"}, tokens["anna"]), &rev)
	var relHist struct {
		History struct{ Changes []change }
	}
	data(t, ls.post(t, `{ history(record: RELATIONSHIP, id: "`+x.ID+`") { `+changeFields+` } }`, nil, tokens["reader"]), &relHist)
	var trail []string
	for _, c := range relHist.History.Changes {
		trail = append(trail, c.Operation+" by "+c.Actor)
	}
	want := []string{"ingest article by anna", "review relationship by ben", "ingest article by anna", "review relationship by anna"}
	if strings.Join(trail, "; ") != strings.Join(want, "; ") {
		t.Errorf("history of %s: %q, want %q", x.ID, trail, want)
	}

	// Bad input is an error naming the problem, never a silent no-op.
	r := ls.post(t, review, map[string]any{"id": "no-such-edge", "d": "CONFIRMED"}, tokens["ben"])
	if r.code() != "NOT_FOUND" {
		t.Errorf("review of a missing id: %s", r.raw)
	}
	r = ls.post(t, review, map[string]any{"id": x.ID, "d": "MAYBE"}, tokens["ben"])
	if r.code() != "BAD_INPUT" || !strings.Contains(r.errors[0].Message, "CONFIRMED, REJECTED") {
		t.Errorf("unknown decision: %s", r.raw)
	}
	wantStatus(t, ls.post(t, review, map[string]any{"id": x.ID, "d": "REJECTED"}, tokens["reader"]), http.StatusForbidden, "FORBIDDEN")

	// The feed pages through every change in order, each with its writer.
	var seen []change
	after := ""
	for range 100 {
		var feed struct {
			Changes struct {
				Changes  []change
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		data(t, ls.post(t, `query($after: String) { changes(first: 3, after: $after) { `+changeFields+` } }`, map[string]any{"after": after}, tokens["reader"]), &feed)
		seen = append(seen, feed.Changes.Changes...)
		if !feed.Changes.PageInfo.HasNextPage {
			break
		}
		after = feed.Changes.PageInfo.EndCursor
	}
	actors := map[string]int{}
	for i, c := range seen {
		if c.Seq != i+1 {
			t.Fatalf("feed entry %d has seq %d", i, c.Seq)
		}
		actors[c.Actor]++
	}
	// anna: two creations, two ingestions that changed something (the repeated one did
	// not, so it left no entry) and a review; ben: an update, a merge and a review.
	if actors["anna"] != 5 || actors["ben"] != 3 || actors[""] != 1 {
		t.Errorf("changes by actor: %v, want anna 5, ben 3 and the fixture's 1 unnamed", actors)
	}
	var since struct{ Changes struct{ Changes []change } }
	data(t, ls.post(t, `query($s: String) { changes(since: $s, first: 500) { `+changeFields+` } }`, map[string]any{"s": seen[len(seen)-1].Time}, tokens["reader"]), &since)
	if n := len(since.Changes.Changes); n == 0 || since.Changes.Changes[n-1].Seq != seen[len(seen)-1].Seq {
		t.Errorf("changes since the last one's time: %+v", since.Changes.Changes)
	}
	r = ls.post(t, `{ changes(since: "yesterday") { pageInfo { hasNextPage } } }`, nil, tokens["reader"])
	if r.code() != "BAD_INPUT" || !strings.Contains(r.errors[0].Message, "RFC 3339") {
		t.Errorf("bad since: %s", r.raw)
	}
}
