package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
	"github.com/dossiergraph/dossier/resolvers"
	"github.com/dossiergraph/dossier/server"
)

func TestEndToEndBolt(t *testing.T) {
	testEndToEnd(t, func(t *testing.T) graph.Store {
		s, err := bolt.Open(t.Context(), t.TempDir())
		if err != nil {
			t.Fatalf("open bolt store: %v", err)
		}
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("close bolt store: %v", err)
			}
		})
		return s
	})
}

// fixture is a small graph in the shape of the seed story.
var fixture = graph.Batch{
	Entities: []graph.Entity{
		{ID: "mexico", Kind: graph.Government, Name: "Government of Mexico", Aliases: []string{"Mexico"}, Country: "Mexico"},
		{ID: "united-states", Kind: graph.Government, Name: "United States government", Aliases: []string{"Washington"}, Country: "United States"},
		{ID: "russian-officers", Kind: graph.Group, Name: "Russian intelligence officers in Mexico"},
		{ID: "the-new-york-times", Kind: graph.Outlet, Name: "The New York Times", Aliases: []string{"NYT"}},
	},
	Articles: []graph.Article{
		{ID: "nyt-2025-12", Title: "A list of officers handed over", Outlet: "the-new-york-times", Published: "2025-12-08"},
	},
	Relationships: []graph.Relationship{
		{ID: "us-requested-expulsion", Type: graph.Requested, From: "united-states", To: "mexico", About: []string{"russian-officers"},
			Date: "2022", Summary: "The US asked Mexico to expel the officers on its list.",
			Evidence: []graph.Evidence{{Article: "nyt-2025-12", Excerpt: "the US handed over a list"}}},
		{ID: "mexico-did-not-expel", Type: graph.Expelled, From: "mexico", To: "russian-officers", Negated: true,
			Evidence: []graph.Evidence{{Article: "nyt-2025-12", Excerpt: "no one was expelled"}}},
	},
}

const testToken = "e2e-write-token-0123456789abcdef"

// liveServer is a Server listening on a loopback port, with the client that talks to it.
type liveServer struct {
	store  graph.Store
	srv    *server.Server
	base   string
	client *http.Client
	logs   *lockedBuffer
	cancel context.CancelFunc
	done   chan error
	// slow holds requests to /test/slow until closed; entered receives one value per such
	// request once it is being served.
	slow    chan struct{}
	entered chan struct{}
}

// startServer starts a server over a fresh store with the fixture; configure changes the
// configuration, whose WriteToken is testToken.
func startServer(t *testing.T, open func(t *testing.T) graph.Store, configure ...func(*server.Config)) *liveServer {
	t.Helper()
	ctx := t.Context()
	store := open(t)
	if _, err := store.Apply(ctx, fixture); err != nil {
		t.Fatalf("apply fixture: %v", err)
	}
	logs := &lockedBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	exec, err := resolvers.New(store, resolvers.Options{Logger: log})
	if err != nil {
		t.Fatalf("resolvers.New: %v", err)
	}
	cfg := server.Config{
		Addr:            "127.0.0.1:0",
		WriteToken:      testToken,
		MaxBodyBytes:    16 << 10,
		ShutdownTimeout: 10 * time.Second,
		Logger:          log,
	}
	for _, c := range configure {
		c(&cfg)
	}
	srv, err := server.New(store, exec, cfg)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	ls := &liveServer{
		store: store, srv: srv, logs: logs,
		client:  &http.Client{Timeout: 20 * time.Second},
		done:    make(chan error, 1),
		slow:    make(chan struct{}),
		entered: make(chan struct{}, 1),
	}
	// A route that waits, through the hook meant for extra routes, to hold a request in
	// flight during shutdown.
	srv.Engine().GET("/test/slow", func(c *gin.Context) {
		ls.entered <- struct{}{}
		<-ls.slow
		c.String(http.StatusOK, "finished")
	})
	srv.Engine().GET("/test/whoami", whoami)
	serveCtx, cancel := context.WithCancel(context.Background())
	ls.cancel = cancel
	go func() { ls.done <- srv.ListenAndServe(serveCtx) }()
	select {
	case <-srv.Ready():
	case err := <-ls.done:
		t.Fatalf("ListenAndServe: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("server not listening after 10s")
	}
	ls.base = "http://" + srv.Addr()
	t.Cleanup(func() {
		cancel()
		select {
		case <-ls.done:
		case <-time.After(15 * time.Second):
			t.Error("server did not stop within 15s")
		}
		ls.client.CloseIdleConnections()
	})
	return ls
}

// reply is an HTTP answer with its GraphQL body decoded.
type reply struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]json.RawMessage
	errors []struct {
		Message    string `json:"message"`
		Extensions struct {
			Code string `json:"code"`
		} `json:"extensions"`
	}
}

// code returns the code of the first error, or "".
func (r reply) code() string {
	if len(r.errors) == 0 {
		return ""
	}
	return r.errors[0].Extensions.Code
}

// data decodes the data entry into v.
func (r reply) data(t *testing.T, v any) {
	t.Helper()
	raw, ok := r.body["data"]
	if !ok {
		t.Fatalf("answer has no data: %s", r.raw)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode data %s: %v", raw, err)
	}
}

func (ls *liveServer) do(t *testing.T, req *http.Request) reply {
	t.Helper()
	resp, err := ls.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	r := reply{status: resp.StatusCode, header: resp.Header, raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			t.Fatalf("answer is not a JSON object: %v: %s", err, raw)
		}
		if errs, ok := r.body["errors"]; ok {
			if err := json.Unmarshal(errs, &r.errors); err != nil {
				t.Fatalf("decode errors %s: %v", errs, err)
			}
		}
	}
	return r
}

// postRaw sends body to POST /graphql as application/json, with a bearer token unless empty.
func (ls *liveServer) postRaw(t *testing.T, body io.Reader, token string) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, ls.base+"/graphql", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return ls.do(t, req)
}

func (ls *liveServer) post(t *testing.T, query string, vars map[string]any, token string) reply {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return ls.postRaw(t, bytes.NewReader(body), token)
}

func (ls *liveServer) get(t *testing.T, path string, params url.Values, token string) reply {
	t.Helper()
	u := ls.base + path
	if params != nil {
		u += "?" + params.Encode()
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return ls.do(t, req)
}

func (ls *liveServer) getGraphQL(t *testing.T, query string, vars map[string]any, token string) reply {
	t.Helper()
	params := url.Values{"query": {query}}
	if vars != nil {
		v, err := json.Marshal(vars)
		if err != nil {
			t.Fatal(err)
		}
		params.Set("variables", string(v))
	}
	return ls.get(t, "/graphql", params, token)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func wantStatus(t *testing.T, r reply, status int, code string) {
	t.Helper()
	if r.status != status || r.code() != code {
		t.Fatalf("got %d %q, want %d %q; body: %s", r.status, r.code(), status, code, r.raw)
	}
}

const entityQuery = `query Entity($id: ID!) { entity(id: $id) { id kind name aliases country description } }`

type entityData struct {
	Entity *struct {
		ID          string   `json:"id"`
		Kind        string   `json:"kind"`
		Name        string   `json:"name"`
		Aliases     []string `json:"aliases"`
		Country     *string  `json:"country"`
		Description *string  `json:"description"`
	} `json:"entity"`
}

const createEntity = `mutation Create($input: EntityInput!) { createEntity(input: $input) { id name description } }`

// testEndToEnd runs the HTTP layer's end-to-end suite against a real server on a loopback
// port over the store that open returns (each call a fresh, empty store).
func testEndToEnd(t *testing.T, open func(t *testing.T) graph.Store) {
	ls := startServer(t, open)
	ctx := t.Context()

	t.Run("healthz", func(t *testing.T) {
		r := ls.get(t, "/healthz", nil, "")
		if r.status != http.StatusOK || string(r.body["status"]) != `"ok"` {
			t.Fatalf("got %d %s", r.status, r.raw)
		}
		for name, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"X-Frame-Options":        "DENY",
			"Content-Type":           "application/json; charset=utf-8",
		} {
			if got := r.header.Get(name); got != want {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		}
		if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("Content-Security-Policy = %q", csp)
		}
		if acao := r.header.Get("Access-Control-Allow-Origin"); acao != "" {
			t.Errorf("CORS must be off, got Access-Control-Allow-Origin %q", acao)
		}
	})

	t.Run("query over POST and GET", func(t *testing.T) {
		want := fixture.Entities[0]
		for name, r := range map[string]reply{
			"POST": ls.post(t, entityQuery, map[string]any{"id": want.ID}, ""),
			"GET":  ls.getGraphQL(t, entityQuery, map[string]any{"id": want.ID}, ""),
		} {
			wantStatus(t, r, http.StatusOK, "")
			var d entityData
			r.data(t, &d)
			if d.Entity == nil || d.Entity.ID != want.ID || d.Entity.Name != want.Name ||
				d.Entity.Kind != string(want.Kind) || strings.Join(d.Entity.Aliases, "|") != strings.Join(want.Aliases, "|") {
				t.Errorf("%s: entity = %+v, want %+v", name, d.Entity, want)
			}
		}
	})

	t.Run("query with operationName picks the operation", func(t *testing.T) {
		body := `{"query":"query A { stats { entities } } query B { stats { articles } }","operationName":"B"}`
		r := ls.postRaw(t, strings.NewReader(body), "")
		wantStatus(t, r, http.StatusOK, "")
		var d struct{ Stats map[string]int }
		r.data(t, &d)
		if n, ok := d.Stats["articles"]; !ok || n != len(fixture.Articles) || len(d.Stats) != 1 {
			t.Errorf("stats = %v, want only articles = %d", d.Stats, len(fixture.Articles))
		}
	})

	t.Run("Int variables from JSON", func(t *testing.T) {
		const query = `query($n: Int) { entities(first: $n) { totalCount edges { node { id } } } }`
		for method, r := range map[string]reply{
			"POST": ls.post(t, query, map[string]any{"n": 2}, ""),
			"GET":  ls.getGraphQL(t, query, map[string]any{"n": 2}, ""),
		} {
			wantStatus(t, r, http.StatusOK, "")
			var d struct {
				Entities struct {
					TotalCount int
					Edges      []struct{ Node struct{ ID string } }
				}
			}
			r.data(t, &d)
			if len(d.Entities.Edges) != 2 || d.Entities.TotalCount < len(fixture.Entities) {
				t.Errorf("%s: got %+v, want 2 edges of at least %d", method, d.Entities, len(fixture.Entities))
			}
		}
	})

	t.Run("GraphiQL's schema introspection", func(t *testing.T) {
		// The shape GraphiQL asks for: every type with its fields, arguments and input
		// fields, each type reference unwrapped through nine levels of ofType.
		typeRef := "kind name"
		for range 9 {
			typeRef = "kind name ofType { " + typeRef + " }"
		}
		query := `query IntrospectionQuery { __schema {
			queryType { name } mutationType { name } subscriptionType { name }
			types { kind name description
				fields(includeDeprecated: true) { name description isDeprecated deprecationReason
					args { name description defaultValue type { ...TypeRef } }
					type { ...TypeRef } }
				inputFields { name description defaultValue type { ...TypeRef } }
				interfaces { ...TypeRef }
				enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
				possibleTypes { ...TypeRef } }
			directives { name description locations args { name description defaultValue type { ...TypeRef } } }
		} }
		fragment TypeRef on __Type { ` + typeRef + ` }`
		r := ls.postRaw(t, strings.NewReader(mustJSON(t, map[string]any{"query": query, "operationName": "IntrospectionQuery"})), "")
		wantStatus(t, r, http.StatusOK, "")
		var d struct {
			Schema struct {
				QueryType    struct{ Name string }
				MutationType struct{ Name string }
				Types        []struct{ Name string }
			} `json:"__schema"`
		}
		r.data(t, &d)
		if d.Schema.QueryType.Name != "Query" || d.Schema.MutationType.Name != "Mutation" || len(d.Schema.Types) < 10 {
			t.Errorf("introspection = %.300s", r.raw)
		}
	})

	t.Run("unknown id is null", func(t *testing.T) {
		r := ls.post(t, entityQuery, map[string]any{"id": "no-such-entity"}, "")
		wantStatus(t, r, http.StatusOK, "")
		var d entityData
		r.data(t, &d)
		if d.Entity != nil {
			t.Errorf("entity = %+v, want null", d.Entity)
		}
	})

	t.Run("unknown id in a mutation is NOT_FOUND", func(t *testing.T) {
		r := ls.post(t, `mutation { deleteRelationship(id: "no-such-relationship") }`, nil, testToken)
		wantStatus(t, r, http.StatusOK, graph.ENOTFOUND)
		if !strings.Contains(r.errors[0].Message, "no-such-relationship") {
			t.Errorf("message %q does not name the id", r.errors[0].Message)
		}
	})

	t.Run("mutation over GET is 405", func(t *testing.T) {
		input := map[string]any{"id": "get-created", "kind": "GROUP", "name": "Made over GET"}
		for _, token := range []string{"", testToken} {
			r := ls.getGraphQL(t, createEntity, map[string]any{"input": input}, token)
			wantStatus(t, r, http.StatusMethodNotAllowed, "MUTATION_NOT_ALLOWED")
			if r.header.Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q, want POST", r.header.Get("Allow"))
			}
			if _, ok := r.body["data"]; ok {
				t.Errorf("a refused request must have no data entry: %s", r.raw)
			}
		}
		if _, err := ls.store.Entity(ctx, "get-created"); graph.ErrorCode(err) != graph.ENOTFOUND {
			t.Fatalf("entity created over GET: err = %v", err)
		}
	})

	t.Run("mutation needs the write token", func(t *testing.T) {
		input := map[string]any{"id": "token-created", "kind": "GROUP", "name": "Made with a token"}
		vars := map[string]any{"input": input}
		for token, code := range map[string]string{
			"":                           "UNAUTHENTICATED",
			"wrong-" + testToken:         "INVALID_TOKEN",
			testToken[:len(testToken)-1]: "INVALID_TOKEN",
		} {
			r := ls.post(t, createEntity, vars, token)
			wantStatus(t, r, http.StatusUnauthorized, code)
			if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate = %q", r.header.Get("WWW-Authenticate"))
			}
			if _, err := ls.store.Entity(ctx, "token-created"); graph.ErrorCode(err) != graph.ENOTFOUND {
				t.Fatalf("entity created with token %q: err = %v", token, err)
			}
		}
		// Another scheme carrying the right token is not a bearer token.
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, ls.base+"/graphql",
			strings.NewReader(`{"query":"mutation { deleteEntity(id: \"mexico\") }"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Basic "+testToken)
		wantStatus(t, ls.do(t, req), http.StatusUnauthorized, "MALFORMED_AUTHORIZATION")

		r := ls.post(t, createEntity, vars, testToken)
		wantStatus(t, r, http.StatusOK, "")
		got, err := ls.store.Entity(ctx, "token-created")
		if err != nil || got.Name != input["name"] {
			t.Fatalf("stored entity = %+v, %v", got, err)
		}
	})

	t.Run("bad requests are 400", func(t *testing.T) {
		for name, body := range map[string]string{
			"malformed JSON":           `{"query": "{ stats { entities } }"`,
			"not JSON":                 `query { stats { entities } }`,
			"a batch":                  `[{"query": "{ stats { entities } }"}]`,
			"query not a string":       `{"query": 5}`,
			"variables not an object":  `{"query": "{ stats { entities } }", "variables": [1]}`,
			"trailing data":            `{"query": "{ stats { entities } }"} {"query": "{ stats { articles } }"}`,
			"empty body":               ``,
			"missing query":            `{}`,
			"blank query":              `{"query": "  \n "}`,
			"null query":               `{"query": null}`,
			"invalid UTF-8":            "{\"query\": \"{ search(text: \\\"\xff\xfe\\\") { id } }\"}",
			"invalid UTF-8 in a value": "{\"query\": \"{ stats { entities } }\", \"variables\": {\"x\": \"\xc3\x28\"}}",
		} {
			r := ls.postRaw(t, strings.NewReader(body), "")
			if r.status != http.StatusBadRequest || r.code() != "BAD_REQUEST" || r.errors[0].Message == "" {
				t.Errorf("%s: got %d %s, want 400 BAD_REQUEST", name, r.status, r.raw)
			}
			if _, ok := r.body["data"]; ok {
				t.Errorf("%s: a rejected request must have no data entry: %s", name, r.raw)
			}
		}
		for name, params := range map[string]url.Values{
			"GET without query":       {},
			"GET with invalid UTF-8":  {"query": {"{ search(text: \"\xff\") { id } }"}},
			"GET with bad variables":  {"query": {entityQuery}, "variables": {"{"}},
			"GET with variables list": {"query": {entityQuery}, "variables": {`["mexico"]`}},
			"GET with repeated query": {"query": {"{ stats { entities } }", "{ stats { articles } }"}},
		} {
			r := ls.get(t, "/graphql", params, "")
			if r.status != http.StatusBadRequest || r.code() != "BAD_REQUEST" {
				t.Errorf("%s: got %d %s, want 400 BAD_REQUEST", name, r.status, r.raw)
			}
		}
	})

	t.Run("GraphQL errors before execution are 400", func(t *testing.T) {
		for name, query := range map[string]string{
			"syntax":        `{ stats { entities }`,
			"unknown field": `{ stats { noSuchField } }`,
			"bad argument":  `{ entity(id: 5, colour: "red") { id } }`,
		} {
			r := ls.post(t, query, nil, "")
			if r.status != http.StatusBadRequest || r.code() == "" {
				t.Errorf("%s: got %d %s, want 400 with a code", name, r.status, r.raw)
			}
		}
		r := ls.post(t, entityQuery, nil, "") // $id is required
		if r.status != http.StatusBadRequest || r.code() != graph.EINVALID {
			t.Errorf("missing variable: got %d %s, want 400 BAD_INPUT", r.status, r.raw)
		}
	})

	t.Run("oversized body is 413", func(t *testing.T) {
		query := `{ search(text: "` + strings.Repeat("x", 20<<10) + `") { id } }`
		body, err := json.Marshal(map[string]string{"query": query})
		if err != nil {
			t.Fatal(err)
		}
		// With a Content-Length, and chunked, where only reading finds the excess.
		for name, rd := range map[string]io.Reader{
			"sized":   bytes.NewReader(body),
			"chunked": io.MultiReader(bytes.NewReader(body)),
		} {
			r := ls.postRaw(t, rd, "")
			if r.status != http.StatusRequestEntityTooLarge || r.code() != "PAYLOAD_TOO_LARGE" {
				t.Errorf("%s: got %d %s, want 413 PAYLOAD_TOO_LARGE", name, r.status, r.raw)
			}
		}
	})

	t.Run("other media types are 415", func(t *testing.T) {
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", ""} {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, ls.base+"/graphql",
				strings.NewReader(`{"query":"{ stats { entities } }"}`))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", ct)
			r := ls.do(t, req)
			if r.status != http.StatusUnsupportedMediaType || r.code() != "UNSUPPORTED_MEDIA_TYPE" {
				t.Errorf("Content-Type %q: got %d %s, want 415", ct, r.status, r.raw)
			}
		}
		// application/graphql carries the bare query.
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, ls.base+"/graphql",
			strings.NewReader(`{ stats { entities } }`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/graphql")
		r := ls.do(t, req)
		wantStatus(t, r, http.StatusOK, "")
		var d struct{ Stats struct{ Entities int } }
		r.data(t, &d)
		st, err := ls.store.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d.Stats.Entities != st.Entities {
			t.Errorf("entities = %d, store says %d", d.Stats.Entities, st.Entities)
		}
	})

	t.Run("hostile strings round-trip", func(t *testing.T) {
		name := "<script>alert('x')</script> \"quoted\" back\\slash ' OR 1=1; -- " +
			"}) MATCH (n) DETACH DELETE n // {{.}} ${x} \u202eevil\u202c 🕵️ Ñandú\tTab"
		description := "line one\nline two\r\n</graphql> & \u2028 \x01 null-ish: \\u0000 %s %n"
		input := map[string]any{"id": "hostile", "kind": "PERSON", "name": name, "description": description}
		r := ls.post(t, createEntity, map[string]any{"input": input}, testToken)
		wantStatus(t, r, http.StatusOK, "")
		if bytes.Contains(r.raw, []byte("<script>")) {
			t.Errorf("'<' must be escaped in JSON answers: %s", r.raw)
		}
		stored, err := ls.store.Entity(ctx, "hostile")
		if err != nil || stored.Name != name || stored.Description != description {
			t.Fatalf("stored %+v, %v", stored, err)
		}
		for method, r := range map[string]reply{
			"POST": ls.post(t, entityQuery, map[string]any{"id": "hostile"}, ""),
			"GET":  ls.getGraphQL(t, entityQuery, map[string]any{"id": "hostile"}, ""),
		} {
			wantStatus(t, r, http.StatusOK, "")
			var d entityData
			r.data(t, &d)
			if d.Entity == nil || d.Entity.Name != name || d.Entity.Description == nil || *d.Entity.Description != description {
				t.Errorf("%s: got %+v", method, d.Entity)
			}
		}
		// A hostile string in a search is data, not query text.
		r = ls.post(t, `query($t: String!) { search(text: $t) { id } }`, map[string]any{"t": "\" } stats { entities } #"}, "")
		wantStatus(t, r, http.StatusOK, "")
	})

	t.Run("playground", func(t *testing.T) {
		r := ls.get(t, "/playground", nil, "")
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			t.Fatalf("got %d %s", r.status, r.header.Get("Content-Type"))
		}
		page := string(r.raw)
		csp := r.header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "connect-src 'self'", "'sha256-", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("playground CSP %q lacks %q", csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-eval") || strings.Contains(strings.Split(csp, "style-src")[0], "unsafe-inline") {
			t.Errorf("playground CSP allows inline or eval'd scripts: %q", csp)
		}
		if n := strings.Count(page, `integrity="sha384-`); n != 4 {
			t.Errorf("page has %d SRI-checked assets, want 4", n)
		}
		if !strings.Contains(page, "/graphql") || !strings.Contains(page, "SeedStory") {
			t.Error("page does not point GraphiQL at /graphql with the seed query")
		}

		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noRedirect.Get(ls.base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/playground" {
			t.Errorf("GET / = %d to %q, want a redirect to /playground", resp.StatusCode, resp.Header.Get("Location"))
		}
	})

	t.Run("export streams the graph and names bad parameters", func(t *testing.T) {
		nodelink := func(params url.Values) (nodes, edges []map[string]any) {
			t.Helper()
			r := ls.get(t, "/export/nodelink", params, "")
			if r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Disposition"), "dossier") {
				t.Fatalf("GET /export/nodelink?%s: %d %s", params.Encode(), r.status, r.raw)
			}
			var doc struct {
				Nodes []map[string]any `json:"nodes"`
				Edges []map[string]any `json:"edges"`
			}
			if err := json.Unmarshal(r.raw, &doc); err != nil {
				t.Fatalf("node-link export is not JSON: %v", err)
			}
			return doc.Nodes, doc.Edges
		}
		ids := func(items []map[string]any, key string) map[string]bool {
			out := map[string]bool{}
			for _, it := range items {
				out[fmt.Sprint(it[key])] = true
			}
			return out
		}
		nodes, edges := nodelink(nil)
		for _, e := range fixture.Entities {
			if !ids(nodes, "id")[e.ID] {
				t.Errorf("whole-graph export lacks entity %s", e.ID)
			}
		}
		if got := ids(edges, "key"); !got["us-requested-expulsion"] || got["mexico-did-not-expel"] {
			t.Errorf("default export keeps asserted acts only, got edges %v", got)
		}
		_, edges = nodelink(url.Values{"includeNegated": {"true"}})
		if !ids(edges, "key")["mexico-did-not-expel"] {
			t.Errorf("includeNegated=true must export the refused expulsion")
		}
		_, edges = nodelink(url.Values{"center": {"russian-officers"}, "depth": {"1"}, "includeNegated": {"true"}})
		if got := ids(edges, "key"); !got["mexico-did-not-expel"] || got["us-requested-expulsion"] {
			t.Errorf("centred export: got edges %v", got)
		}
		for path, want := range map[string]int{
			"/export/pdf":                             http.StatusBadRequest,
			"/export/nodelink?types=WARNS":            http.StatusBadRequest,
			"/export/nodelink?depth=99&center=mexico": http.StatusBadRequest,
			"/export/nodelink?bogus=1":                http.StatusBadRequest,
			"/export/graphml?center=no-such-entity":   http.StatusNotFound,
		} {
			u, _ := url.Parse(path)
			r := ls.get(t, u.Path, u.Query(), "")
			if r.status != want || r.code() == "" {
				t.Errorf("GET %s: %d %s, want %d with an error code", path, r.status, r.raw, want)
			}
		}
	})

	t.Run("unknown routes and methods", func(t *testing.T) {
		wantStatus(t, ls.get(t, "/nowhere", nil, ""), http.StatusNotFound, "NOT_FOUND")
		req, err := http.NewRequestWithContext(ctx, http.MethodDelete, ls.base+"/graphql", nil)
		if err != nil {
			t.Fatal(err)
		}
		r := ls.do(t, req)
		wantStatus(t, r, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED")
		if allow := r.header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "POST") {
			t.Errorf("Allow = %q", allow)
		}
	})

	t.Run("graceful shutdown lets a request finish", func(t *testing.T) {
		type result struct {
			body string
			err  error
		}
		inFlight := make(chan result, 1)
		go func() {
			resp, err := ls.client.Get(ls.base + "/test/slow")
			if err != nil {
				inFlight <- result{err: err}
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			inFlight <- result{string(b), err}
		}()
		<-ls.entered
		ls.cancel()
		// Shutdown closes the listener first: new connections are refused while the
		// request in flight is still being served.
		deadline := time.Now().Add(5 * time.Second)
		for {
			fresh := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
			resp, err := fresh.Get(ls.base + "/healthz")
			if err != nil {
				break
			}
			resp.Body.Close()
			if time.Now().After(deadline) {
				t.Fatal("server still accepts connections 5s after cancel")
			}
			time.Sleep(10 * time.Millisecond)
		}
		select {
		case err := <-ls.done:
			t.Fatalf("ListenAndServe returned %v before the request in flight finished", err)
		default:
		}
		close(ls.slow)
		if r := <-inFlight; r.err != nil || r.body != "finished" {
			t.Fatalf("request in flight: %q, %v", r.body, r.err)
		}
		select {
		case err := <-ls.done:
			if err != nil {
				t.Fatalf("ListenAndServe: %v", err)
			}
			ls.done <- nil // for the cleanup
		case <-time.After(10 * time.Second):
			t.Fatal("ListenAndServe did not return after shutdown")
		}
	})

	t.Run("logs hold no token and no variables", func(t *testing.T) {
		logs := ls.logs.String()
		if !strings.Contains(logs, `"path":"/graphql"`) || !strings.Contains(logs, `"status":401`) {
			t.Fatalf("request log lines missing: %.2000s", logs)
		}
		for _, secret := range []string{testToken, "Bearer", "hostile", "no-such-entity", "Made with a token"} {
			if strings.Contains(logs, secret) {
				t.Errorf("logs contain %q", secret)
			}
		}
	})
}

// lockedBuffer is a bytes.Buffer safe for the server's concurrent log writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestEndToEndNeo4j runs the suite on Neo4j; it skips without DOSSIER_NEO4J_URI (see
// neo4jtest), except under CI=true.
func TestEndToEndNeo4j(t *testing.T) {
	testEndToEnd(t, func(t *testing.T) graph.Store { return neo4jtest.Open(t) })
}
