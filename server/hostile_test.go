package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dossiergraph/dossier/export"
	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
	"github.com/dossiergraph/dossier/resolvers"
	"github.com/dossiergraph/dossier/resolvers/resolverstest"
	"github.com/dossiergraph/dossier/server"
)

// The hostile-input suite: requests a hostile client would send, each refused (or, for the
// few legitimate ones, answered) with the status and code it must get, within answerWithin,
// without changing the store, and with the server still answering afterwards.

// answerWithin is how soon every hostile request must be answered: the server's work for
// each is tiny, so the bound leaves room for a loaded machine and the race detector.
const answerWithin = time.Second

// hostileResponseCeiling is the test server's response-size ceiling: above what the
// GraphiQL introspection answers, below what the filler entities add up to.
const hostileResponseCeiling = 256 << 10

func openBoltStore(t *testing.T) graph.Store {
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
}

// fixtureHandler is the handler of a server over a bolt store holding fixture, writes with
// testToken, for tests that call it without a listener.
func fixtureHandler(tb testing.TB) (graph.Store, http.Handler) {
	tb.Helper()
	store, err := bolt.Open(tb.Context(), tb.TempDir())
	if err != nil {
		tb.Fatalf("open bolt store: %v", err)
	}
	tb.Cleanup(func() { store.Close() })
	if _, err := store.Apply(tb.Context(), fixture); err != nil {
		tb.Fatal(err)
	}
	exec, err := resolvers.New(store, resolvers.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := server.New(store, exec, server.Config{Addr: "127.0.0.1:0", WriteToken: testToken})
	if err != nil {
		tb.Fatal(err)
	}
	return store, srv.Handler()
}

func TestHostileBolt(t *testing.T) { testHostile(t, openBoltStore) }

// TestRequestsStop checks that a request stops at its deadline with REQUEST_TIMEOUT, and
// that the work of a request whose client hangs up stops then. It is about the HTTP layer
// and the executor, so one store does.
func TestRequestsStop(t *testing.T) { testStops(t, openBoltStore) }

// TestHostileNeo4j runs the suite on Neo4j; it skips without DOSSIER_NEO4J_URI (see
// neo4jtest), except under CI=true.
func TestHostileNeo4j(t *testing.T) {
	testHostile(t, func(t *testing.T) graph.Store { return neo4jtest.Open(t) })
}

// filler is 80 entities with long descriptions: enough for an answer over the ceiling.
func filler() graph.Batch {
	var b graph.Batch
	for i := range 80 {
		b.Entities = append(b.Entities, graph.Entity{
			ID: fmt.Sprintf("filler-%02d", i), Kind: graph.Group, Name: fmt.Sprintf("Filler group %02d", i),
			Description: strings.Repeat("A long description of a group. ", 200)[:graph.MaxTextLen],
		})
	}
	return b
}

// hostileCase is one hostile request: send performs it and returns the answer (status 0
// when the server closed the connection without one) and, when it is not the time send
// took, how long the answer took.
type hostileCase struct {
	name   string
	send   func(t *testing.T, ls *liveServer) (reply, time.Duration)
	status int
	code   string
}

// plain makes a sender of a request whose answer takes as long as the call.
func plain(f func(t *testing.T, ls *liveServer) reply) func(t *testing.T, ls *liveServer) (reply, time.Duration) {
	return func(t *testing.T, ls *liveServer) (reply, time.Duration) { return f(t, ls), 0 }
}

func testHostile(t *testing.T, open func(t *testing.T) graph.Store) {
	ls := startServerWith(t, open, func(cfg *server.Config, opts *resolvers.Options) {
		cfg.MaxBodyBytes = server.DefaultMaxBodyBytes
		cfg.ReadTimeout = 2 * time.Second
		opts.MaxResponseBytes = hostileResponseCeiling
	})
	if _, err := ls.store.Apply(t.Context(), filler()); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, ls.store)
	var (
		mu    sync.Mutex
		worst time.Duration
		which string
	)
	for _, c := range hostileCases(t) {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			r, took := c.send(t, ls)
			if took == 0 {
				took = time.Since(start)
			}
			mu.Lock()
			if took > worst {
				worst, which = took, c.name
			}
			mu.Unlock()
			if r.status != c.status || r.code() != c.code {
				t.Errorf("got %d %q, want %d %q; body: %.300s", r.status, r.code(), c.status, c.code, r.raw)
			}
			if took > answerWithin {
				t.Errorf("answered in %s, more than %s", took, answerWithin)
			}
			if after := snapshot(t, ls.store); !bytes.Equal(before, after) {
				t.Error("the store changed")
			}
			if alive := ls.post(t, `{ stats { entities } }`, nil, ""); alive.status != http.StatusOK {
				t.Fatalf("the server no longer answers: %d %s", alive.status, alive.raw)
			}
		})
	}
	t.Logf("slowest hostile case: %s (%s)", which, worst)

}

// snapshot is the whole graph as node-link JSON, to tell whether anything changed.
func snapshot(t *testing.T, s graph.Store) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := export.Write(t.Context(), &buf, s, export.NodeLink, export.Query{}); err != nil {
		t.Fatalf("snapshot the store: %v", err)
	}
	return buf.Bytes()
}

type sender = func(t *testing.T, ls *liveServer) (reply, time.Duration)

func query(q string) sender {
	return plain(func(t *testing.T, ls *liveServer) reply { return ls.post(t, q, nil, "") })
}

func queryVars(q string, vars map[string]any) sender {
	return plain(func(t *testing.T, ls *liveServer) reply { return ls.post(t, q, vars, "") })
}

// rawBody posts body as it is, with the given Content-Type and Authorization header.
func rawBody(body, contentType, authorization string) sender {
	return plain(func(t *testing.T, ls *liveServer) reply {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, ls.base+"/graphql", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", contentType)
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		return ls.do(t, req)
	})
}

func mutation(q string, vars map[string]any, authorization string) sender {
	body, err := json.Marshal(map[string]any{"query": q, "variables": vars})
	if err != nil {
		panic(err) // strings and maps always marshal
	}
	return rawBody(string(body), "application/json", authorization)
}

func getPath(path string, params url.Values) sender {
	return plain(func(t *testing.T, ls *liveServer) reply { return ls.get(t, path, params, "") })
}

func aliased(n int, field string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: %s", i, field)
	}
	return b.String() + " }"
}

func nestedData(levels int) string {
	q := "name"
	for range levels {
		q = "relationships(first: 1) { edges { node { from { " + q + " } } } }"
	}
	return `{ entity(id: "mexico") { ` + q + ` } }`
}

const bigPage = `query($f: Int) { entities(first: $f) { edges { node { relationships(first: $f) { edges { node { id } } } } } } }`

func hostileCases(t *testing.T) []hostileCase {
	introspection, err := os.ReadFile("../resolvers/testdata/graphiql-introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	const ok, bad = http.StatusOK, http.StatusBadRequest
	const badInput = graph.EINVALID
	token := "Bearer " + testToken
	deepJSON := `{"query":"{ stats { entities } }","variables":{"x":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}}`
	return []hostileCase{
		// The holes of the issue, and their variants.
		{"introspection fragments spread twice, 22 deep", query(resolverstest.FragmentChain(22, 2, "__Type", " __schema { types {", "} }", " name fields { name type { name } }")), bad, resolvers.CodeQueryTooLarge},
		{"introspection fragments spread twice, 21 deep", query(resolverstest.FragmentChain(21, 2, "__Type", " __schema { types {", "} }", " name fields { name type { name } }")), bad, resolvers.CodeQueryTooLarge},
		// Refused from its text alone: too many tokens for the selection limit.
		{"16000 aliases of __schema", query(aliased(16000, "__schema { types { fields { name } } }")), bad, resolvers.CodeQueryTooLarge},
		{"201 aliases", query(aliased(201, "__typename")), bad, resolvers.CodeTooManyAliases},
		{"9 fragments each spreading the next 10 times", query(resolverstest.FragmentChain(9, 10, "Stats", " stats {", "}", " entities")), bad, resolvers.CodeQueryTooLarge},
		// Over the selection limit, which is checked first, as well as the repeated-name one.
		{"20000 repeated fields", query("{" + strings.Repeat(" stats{entities}", 20000) + " }"), bad, resolvers.CodeQueryTooLarge},
		{"40000 repeated fields", query("{" + strings.Repeat(" stats{entities}", 40000) + " }"), bad, resolvers.CodeQueryTooLarge},
		{"17 repeated fields", query("{" + strings.Repeat(" stats{entities}", 17) + " }"), bad, resolvers.CodeTooManyRepeatedFields},
		{"repeated fields merged through fragments", query("{ ...A ...B } fragment A on Query {" + strings.Repeat(" stats { entities }", 10) + " } fragment B on Query {" + strings.Repeat(" stats { entities }", 10) + " }"), bad, resolvers.CodeTooManyRepeatedFields},
		{"repeated fields merged one level down", query("{" + strings.Repeat(" stats {"+strings.Repeat(" entities", 6)+" }", 3) + " }"), bad, resolvers.CodeTooManyRepeatedFields},
		{"repeated introspection without aliases", query("{" + strings.Repeat(" __schema { types { name } }", 100) + " }"), bad, resolvers.CodeTooManyRepeatedFields},
		{"100 aliases of costly introspection", query(aliased(100, "__schema { types { fields { args { type { name } } } } }")), bad, resolvers.CodeQueryTooComplex},
		{"3000 operations", query(manyOperations(3000)), bad, resolvers.CodeQueryTooLarge},
		{"data nested 13 deep", query(nestedData(3)), bad, resolvers.CodeQueryTooDeep},
		{"introspection nested past its limit", query("{ __schema { types {" + strings.Repeat(" fields { type {", 10) + " name" + strings.Repeat(" } }", 10) + " } } }"), bad, resolvers.CodeQueryTooDeep},
		{"5000 nested brackets", query("{ search(text: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + ") { id } }"), bad, resolvers.CodeQueryTooDeep},
		{"pages of 500 in pages of 500", query(`{ entities(first: 500) { edges { node { relationships(first: 500) { edges { node { id } } } } } } }`), bad, resolvers.CodeQueryTooComplex},
		{"pages of 500 by variable", queryVars(bigPage, map[string]any{"f": 500}), bad, resolvers.CodeQueryTooComplex},
		{"Int variable as a string", queryVars(bigPage, map[string]any{"f": "500"}), bad, badInput},
		{"Int variable as a fraction", queryVars(bigPage, map[string]any{"f": 1.5}), bad, badInput},
		{"Int variable as a boolean", queryVars(bigPage, map[string]any{"f": true}), bad, badInput},
		{"Int variable of 1e400", rawBody(`{"query":"query($f: Int) { entities(first: $f) { totalCount } }","variables":{"f":1e400}}`, "application/json", ""), bad, badInput},
		{"Int variable past 32 bits", rawBody(`{"query":"query($f: Int) { entities(first: $f) { totalCount } }","variables":{"f":2147483648}}`, "application/json", ""), bad, badInput},
		{"Int variable over GET as a string", getPath("/graphql", url.Values{"query": {bigPage}, "variables": {`{"f":"500"}`}}), bad, badInput},
		{"enum variable outside the enum", queryVars(`query($t: [RelationType!]) { relationships(types: $t) { totalCount } }`, map[string]any{"t": []any{"HUGGED"}}), bad, badInput},
		{"Boolean variable as a string", queryVars(`query($b: Boolean) { relationships(includeNegated: $b) { totalCount } }`, map[string]any{"b": "false"}), bad, badInput},
		{"input object with an unknown field", mutation(`mutation($in: EntityInput!) { createEntity(input: $in) { id } }`, map[string]any{"in": map[string]any{"kind": "PERSON", "name": "Eve", "id": "x", "admin": true}}, token), bad, badInput},
		{"answer over the response ceiling", query(`{ entities(first: 100) { edges { node { id description } } } }`), bad, resolvers.CodeResponseTooLarge},
		{"introspection answer over the response ceiling", query(aliased(16, "__schema { types { name description fields { name description } } }")), bad, resolvers.CodeResponseTooLarge},
		{"GraphiQL introspection", query(string(introspection)), ok, ""},

		// Bodies and encodings.
		{"malformed JSON", rawBody(`{"query": "{ stats { entities } }"`, "application/json", ""), bad, "BAD_REQUEST"},
		{"a batch", rawBody(`[{"query":"{ stats { entities } }"}]`, "application/json", ""), bad, "BAD_REQUEST"},
		{"data after the object", rawBody(`{"query":"{ stats { entities } }"} {}`, "application/json", ""), bad, "BAD_REQUEST"},
		{"empty body", rawBody(``, "application/json", ""), bad, "BAD_REQUEST"},
		{"query of the wrong type", rawBody(`{"query": 7}`, "application/json", ""), bad, "BAD_REQUEST"},
		{"variables not an object", rawBody(`{"query":"{ stats { entities } }","variables":[1]}`, "application/json", ""), bad, "BAD_REQUEST"},
		{"variables nested 20000 deep", rawBody(deepJSON, "application/json", ""), bad, "BAD_REQUEST"},
		{"body over the limit", rawBody(`{"query":"{ stats { entities } }","x":"`+strings.Repeat("a", server.DefaultMaxBodyBytes)+`"}`, "application/json", ""), http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE"},
		{"invalid UTF-8", rawBody("{\"query\":\"{ search(text: \\\"\xff\xfe\\\") { id } }\"}", "application/json", ""), bad, "BAD_REQUEST"},
		{"gzip body", rawBody("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", "application/json", ""), bad, "BAD_REQUEST"},
		{"latin-1 charset", rawBody(`{"query":"{ stats { entities } }"}`, "application/json; charset=iso-8859-1", ""), http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
		{"form body", rawBody(`query=%7B%7D`, "application/x-www-form-urlencoded", ""), http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
		{"not GraphQL", query(`{ stats { entities `), bad, resolvers.CodeParseFailed},
		{"NUL in the query", query("{ stats\x00 { entities } }"), bad, resolvers.CodeParseFailed},
		{"unknown operationName", rawBody(`{"query":"query A { stats { entities } }","operationName":"B"}`, "application/json", ""), bad, badInput},
		{"repeated GET parameter", getPath("/graphql", url.Values{"query": {"{ stats { entities } }", "mutation { deleteEntity(id: \"mexico\") }"}}), bad, "BAD_REQUEST"},

		// Tokens.
		{"mutation without a token", mutation(`mutation { deleteEntity(id: "mexico") }`, nil, ""), http.StatusUnauthorized, "UNAUTHENTICATED"},
		{"mutation with a wrong token", mutation(`mutation { deleteEntity(id: "mexico") }`, nil, "Bearer "+strings.Repeat("x", len(testToken))), http.StatusUnauthorized, "INVALID_TOKEN"},
		{"mutation with the token as Basic", mutation(`mutation { deleteEntity(id: "mexico") }`, nil, "Basic "+testToken), http.StatusUnauthorized, "MALFORMED_AUTHORIZATION"},
		{"mutation with a token prefix", mutation(`mutation { deleteEntity(id: "mexico") }`, nil, "Bearer "+testToken[:len(testToken)-1]), http.StatusUnauthorized, "INVALID_TOKEN"},
		{"mutation over GET with the token", plain(func(t *testing.T, ls *liveServer) reply {
			return ls.get(t, "/graphql", url.Values{"query": {`mutation { deleteEntity(id: "mexico") }`}}, testToken)
		}), http.StatusMethodNotAllowed, "MUTATION_NOT_ALLOWED"},

		// Ids and page sizes.
		// Refused by the resolver, once execution began: 200 with the error in the body.
		{"id with quotes", queryVars(`query($id: ID!) { entity(id: $id) { name } }`, map[string]any{"id": `mexico" OR 1=1 --`}), ok, badInput},
		{"id with backticks and Cypher", queryVars(`query($id: ID!) { entity(id: $id) { name } }`, map[string]any{"id": "x`}) MATCH (n) DETACH DELETE n //"}), ok, badInput},
		{"id with NUL", queryVars(`query($id: ID!) { entity(id: $id) { name } }`, map[string]any{"id": "mexico\x00"}), ok, badInput},
		{"delete with a Cypher id", mutation(`mutation($id: ID!) { deleteEntity(id: $id) }`, map[string]any{"id": "' }) MATCH (n) DETACH DELETE n //"}, token), ok, badInput},
		{"search with Cypher", queryVars(`query($s: String!) { search(text: $s) { id } }`, map[string]any{"s": "\") YIELD node MATCH (n) DETACH DELETE n //"}), ok, ""},
		{"huge page size", query(`{ entities(first: 1000000) { totalCount } }`), bad, resolvers.CodeQueryTooComplex},
		{"page size over the maximum", query(`{ entities(first: 501) { totalCount } }`), ok, badInput},
		{"negative page size", query(`{ entities(first: -1) { totalCount } }`), ok, badInput},
		{"page size past 32 bits", query(`{ entities(first: 99999999999) { totalCount } }`), bad, badInput},
		{"malformed cursor", query(`{ entities(first: 1, after: "'; DROP") { totalCount } }`), ok, badInput},

		// Exports.
		{"unknown export format", getPath("/export/pdf", nil), bad, badInput},
		{"export depth past the maximum", getPath("/export/nodelink", url.Values{"center": {"mexico"}, "depth": {"1000"}}), bad, badInput},
		{"export negative limit", getPath("/export/nodelink", url.Values{"center": {"mexico"}, "limit": {"-5"}}), bad, badInput},
		{"export unknown type", getPath("/export/gexf", url.Values{"types": {"HUGGED"}}), bad, badInput},
		{"export unknown parameter", getPath("/export/csv", url.Values{"evil": {"1"}}), bad, badInput},
		{"export center with Cypher", getPath("/export/graphml", url.Values{"center": {"x'}) DETACH DELETE n //"}}), bad, badInput},

		// Slow clients.
		{"body trickled byte by byte", trickle(`{"query":"{ stats { entities } }"}`, 20*time.Millisecond), ok, ""},
		{"headers never finished", stalledHeaders, http.StatusBadRequest, ""},
	}
}

func manyOperations(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "query Q%d { stats { entities } } ", i)
	}
	return b.String()
}

// trickle sends a request a byte at a time, pause apart, and times the answer from the
// last byte: a slow client holds only its own connection.
func trickle(body string, pause time.Duration) sender {
	return func(t *testing.T, ls *liveServer) (reply, time.Duration) {
		conn := dial(t, ls)
		head := fmt.Sprintf("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", len(body))
		if _, err := io.WriteString(conn, head); err != nil {
			t.Fatal(err)
		}
		for i := range len(body) {
			if _, err := conn.Write([]byte{body[i]}); err != nil {
				t.Fatal(err)
			}
			time.Sleep(pause)
		}
		sent := time.Now()
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		took := time.Since(sent)
		r := reply{status: resp.StatusCode, raw: raw}
		if err := json.Unmarshal(raw, &r.body); err != nil {
			t.Fatalf("answer is not JSON: %s", raw)
		}
		return r, took
	}
}

// stalledHeaders opens a connection and sends half a request line: the server must drop it
// after its read timeout, and keep answering others meanwhile.
func stalledHeaders(t *testing.T, ls *liveServer) (reply, time.Duration) {
	conn := dial(t, ls)
	if _, err := io.WriteString(conn, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Le"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if alive := ls.post(t, `{ stats { entities } }`, nil, ""); alive.status != http.StatusOK {
		t.Errorf("a stalled client stops others: %d", alive.status)
	}
	others := time.Since(start) // what the stalled client costs everyone else
	if err := conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	// net/http gives up on the request once the read timeout passes, answers 400 and
	// closes the connection.
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("the server did not end a stalled request: %v", err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := br.ReadByte(); !errors.Is(err, io.EOF) || time.Since(start) > 5*time.Second {
		t.Errorf("the server kept a stalled connection for %s (%v)", time.Since(start), err)
	}
	return reply{status: resp.StatusCode}, others
}

func dial(t *testing.T, ls *liveServer) net.Conn {
	t.Helper()
	var d net.Dialer
	conn, err := d.DialContext(t.Context(), "tcp", strings.TrimPrefix(ls.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// blockingStats is a store whose Stats waits until its context ends, as a store call
// stuck on a slow disk or network would; the context's end is reported on ended.
type blockingStats struct {
	graph.Store
	ended chan error
}

func (s blockingStats) Stats(ctx context.Context) (graph.Stats, error) {
	<-ctx.Done()
	s.ended <- ctx.Err()
	return graph.Stats{}, ctx.Err()
}

func testStops(t *testing.T, open func(t *testing.T) graph.Store) {
	ended := make(chan error, 4)
	const timeout = 300 * time.Millisecond
	ls := startServerWith(t, func(t *testing.T) graph.Store {
		return blockingStats{Store: open(t), ended: ended}
	}, func(cfg *server.Config, opts *resolvers.Options) { opts.Timeout = timeout })

	start := time.Now()
	r := ls.post(t, `{ stats { entities } }`, nil, "")
	if took := time.Since(start); r.status != http.StatusServiceUnavailable || r.code() != resolvers.CodeRequestTimeout || took > timeout+answerWithin {
		t.Errorf("past the deadline: got %d %q after %s, want 503 REQUEST_TIMEOUT after about %s", r.status, r.code(), took, timeout)
	}
	if err := <-ended; !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("the store call ended with %v, want the deadline", err)
	}

	// A client that gives up long before the deadline: the store call ends with it.
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ls.base+"/graphql?query="+url.QueryEscape(`{ stats { entities } }`), nil)
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	if resp, err := ls.client.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("the client was answered %d before it gave up", resp.StatusCode)
	}
	select {
	case err := <-ended:
		if !errors.Is(err, context.Canceled) || time.Since(start) > timeout {
			t.Errorf("after the client left, the store call ended with %v after %s, want cancelled well before the deadline", err, time.Since(start))
		}
	case <-time.After(answerWithin):
		t.Error("the store call went on after the client left")
	}
}
