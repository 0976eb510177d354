package server_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/server"
	"github.com/dossiergraph/dossier/server/auth"
)

// credentialServer starts a live server over the credentials in dataDir.
func credentialServer(t *testing.T, dataDir string, requireRead bool) *liveServer {
	t.Helper()
	ls := startServer(t, func(t *testing.T) graph.Store {
		s, err := bolt.Open(t.Context(), t.TempDir())
		if err != nil {
			t.Fatalf("open bolt store: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}, func(c *server.Config) {
		c.WriteToken = ""
		c.Credentials = auth.NewFile(dataDir)
		c.RequireReadToken = requireRead
	})
	return ls
}

// whoami answers the actor of the request's context, as writes will read it.
func whoami(c *gin.Context) {
	a, ok := auth.FromContext(c.Request.Context())
	c.JSON(http.StatusOK, gin.H{"authenticated": ok, "name": a.Name, "role": a.Role.String()})
}

// request sends method path with an optional body and Authorization header value.
func (ls *liveServer) request(t *testing.T, method, path, body, authorization string) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, ls.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return ls.do(t, req)
}

func TestCredentialsEndToEnd(t *testing.T) {
	dataDir := t.TempDir()
	file := auth.NewFile(dataDir)
	tokens := map[string]string{}
	for name, role := range map[string]auth.Role{"anna": auth.RoleWrite, "ben": auth.RoleWrite, "reader": auth.RoleRead, "editor": auth.RoleAdmin} {
		token, _, err := file.Create(name, role)
		if err != nil {
			t.Fatal(err)
		}
		tokens[name] = token
	}
	open := credentialServer(t, dataDir, false)
	closed := credentialServer(t, dataDir, true)
	// Every answer, to check at the end that none holds a token.
	var answers []reply
	keep := func(r reply) reply { answers = append(answers, r); return r }

	t.Run("two write credentials write under their names", func(t *testing.T) {
		for _, name := range []string{"anna", "ben"} {
			r := keep(open.request(t, http.MethodGet, "/test/whoami", "", "Bearer "+tokens[name]))
			if !bytes.Contains(r.raw, []byte(`"name":"`+name+`"`)) || !bytes.Contains(r.raw, []byte(`"role":"write"`)) {
				t.Errorf("%s's request context: %s", name, r.raw)
			}
			input := map[string]any{"id": "made-by-" + name, "kind": "GROUP", "name": "Made by " + name}
			r = keep(open.post(t, createEntity, map[string]any{"input": input}, tokens[name]))
			wantStatus(t, r, http.StatusOK, "")
			if _, err := open.store.Entity(t.Context(), "made-by-"+name); err != nil {
				t.Errorf("%s's entity: %v", name, err)
			}
			if !strings.Contains(open.logs.String(), `"actor":"`+name+`"`) {
				t.Errorf("no request log line names %s", name)
			}
		}
		r := keep(open.request(t, http.MethodGet, "/test/whoami", "", ""))
		if !bytes.Contains(r.raw, []byte(`"authenticated":false`)) {
			t.Errorf("anonymous request context: %s", r.raw)
		}
	})

	t.Run("a read credential cannot write", func(t *testing.T) {
		input := map[string]any{"id": "made-by-reader", "kind": "GROUP", "name": "Made by the reader"}
		r := keep(open.post(t, createEntity, map[string]any{"input": input}, tokens["reader"]))
		wantStatus(t, r, http.StatusForbidden, "FORBIDDEN")
		if msg := r.errors[0].Message; !strings.Contains(msg, `"reader"`) || !strings.Contains(msg, "role read") || !strings.Contains(msg, "role write") {
			t.Errorf("message %q should name the credential, its role and the role needed", msg)
		}
		if _, err := open.store.Entity(t.Context(), "made-by-reader"); graph.ErrorCode(err) != graph.ENOTFOUND {
			t.Errorf("the refused mutation wrote: %v", err)
		}
		wantStatus(t, keep(open.post(t, `{ stats { entities } }`, nil, tokens["reader"])), http.StatusOK, "")
	})

	t.Run("each bad credential has its own error", func(t *testing.T) {
		mutation := mustJSON(t, map[string]any{"query": `mutation { deleteEntity(id: "mexico") }`})
		query := mustJSON(t, map[string]any{"query": `{ stats { entities } }`})
		messages := map[string]string{}
		for _, c := range []struct {
			name, authorization, body, code string
			status                          int
		}{
			{"missing", "", mutation, "UNAUTHENTICATED", http.StatusUnauthorized},
			{"unknown", "Bearer dossier_" + strings.Repeat("x", 43), mutation, "INVALID_TOKEN", http.StatusUnauthorized},
			{"without Bearer", tokens["anna"], mutation, "MALFORMED_AUTHORIZATION", http.StatusUnauthorized},
			{"other scheme", "Basic " + tokens["anna"], mutation, "MALFORMED_AUTHORIZATION", http.StatusUnauthorized},
			// A bad token on a read is refused too, rather than read anonymously.
			{"unknown on a read", "Bearer not-a-token-of-this-server", query, "INVALID_TOKEN", http.StatusUnauthorized},
		} {
			r := keep(open.request(t, http.MethodPost, "/graphql", c.body, c.authorization))
			if r.status != c.status || r.code() != c.code {
				t.Errorf("%s: %d %q, want %d %q: %s", c.name, r.status, r.code(), c.status, c.code, r.raw)
				continue
			}
			if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s: WWW-Authenticate = %q", c.name, r.header.Get("WWW-Authenticate"))
			}
			if _, ok := r.body["data"]; ok {
				t.Errorf("%s: a refused request has data: %s", c.name, r.raw)
			}
			messages[c.code] = r.errors[0].Message
		}
		if len(messages) != 3 || messages["UNAUTHENTICATED"] == messages["INVALID_TOKEN"] || messages["INVALID_TOKEN"] == messages["MALFORMED_AUTHORIZATION"] {
			t.Errorf("the three errors must differ: %q", messages)
		}
		// Two Authorization headers are one too many.
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, open.base+"/graphql", strings.NewReader(query))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Add("Authorization", "Bearer "+tokens["reader"])
		req.Header.Add("Authorization", "Bearer "+tokens["anna"])
		wantStatus(t, keep(open.do(t, req)), http.StatusUnauthorized, "MALFORMED_AUTHORIZATION")
	})

	t.Run("reads open: anyone reads", func(t *testing.T) {
		wantStatus(t, keep(open.post(t, `{ stats { entities } }`, nil, "")), http.StatusOK, "")
		if r := keep(open.get(t, "/export/nodelink", nil, "")); r.status != http.StatusOK {
			t.Errorf("export: %d %s", r.status, r.raw)
		}
	})

	t.Run("reads required: every read route refuses the anonymous and takes any credential", func(t *testing.T) {
		query := `{ stats { entities } }`
		routes := map[string]func(token string) reply{
			"POST /graphql": func(token string) reply { return closed.post(t, query, nil, token) },
			"GET /graphql":  func(token string) reply { return closed.getGraphQL(t, query, nil, token) },
			"GET /export":   func(token string) reply { return closed.get(t, "/export/graphml", nil, token) },
			// The playground's queries are POSTs to /graphql with the headers its editor holds.
			"playground query": func(token string) reply {
				req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, closed.base+"/graphql",
					strings.NewReader(mustJSON(t, map[string]any{"query": query, "operationName": nil})))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/json, multipart/mixed")
				req.Header.Set("Origin", closed.base)
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				return closed.do(t, req)
			},
		}
		for route, send := range routes {
			r := keep(send(""))
			wantStatus(t, r, http.StatusUnauthorized, "UNAUTHENTICATED")
			if !strings.Contains(r.errors[0].Message, "requires a token for reads") {
				t.Errorf("%s: message %q", route, r.errors[0].Message)
			}
			for _, name := range []string{"reader", "anna", "editor"} {
				if r := keep(send(tokens[name])); r.status != http.StatusOK || len(r.errors) > 0 {
					t.Errorf("%s with %s's token: %d %s", route, name, r.status, r.raw)
				}
			}
		}
		// The page itself and the health check stay open.
		if r := keep(closed.get(t, "/playground", nil, "")); r.status != http.StatusOK {
			t.Errorf("playground page: %d", r.status)
		}
		if r := keep(closed.get(t, "/healthz", nil, "")); r.status != http.StatusOK {
			t.Errorf("healthz: %d", r.status)
		}
	})

	t.Run("a revoked token stops at once on running servers", func(t *testing.T) {
		token, _, err := file.Create("temp", auth.RoleWrite) // made while the servers run
		if err != nil {
			t.Fatal(err)
		}
		for _, ls := range []*liveServer{open, closed} {
			wantStatus(t, keep(ls.post(t, `{ stats { entities } }`, nil, token)), http.StatusOK, "")
		}
		if _, err := file.Revoke("temp"); err != nil {
			t.Fatal(err)
		}
		for _, ls := range []*liveServer{open, closed} {
			r := keep(ls.post(t, `{ stats { entities } }`, nil, token))
			wantStatus(t, r, http.StatusUnauthorized, "TOKEN_REVOKED")
			if !strings.Contains(r.errors[0].Message, `"temp"`) {
				t.Errorf("message %q does not name the credential", r.errors[0].Message)
			}
		}
	})

	t.Run("admin manages credentials over HTTP", func(t *testing.T) {
		wantStatus(t, keep(open.request(t, http.MethodGet, "/credentials", "", "")), http.StatusUnauthorized, "UNAUTHENTICATED")
		r := keep(open.request(t, http.MethodGet, "/credentials", "", "Bearer "+tokens["anna"]))
		wantStatus(t, r, http.StatusForbidden, "FORBIDDEN")

		r = keep(open.request(t, http.MethodPost, "/credentials", `{"name":"carla","role":"read"}`, "Bearer "+tokens["editor"]))
		if r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		var created struct{ Name, Role, Token string }
		if err := json.Unmarshal(r.raw, &created); err != nil || created.Name != "carla" || created.Role != "read" || auth.CheckToken(created.Token) != nil {
			t.Fatalf("create answer %s (%v)", r.raw, err)
		}
		tokens["carla"] = created.Token
		wantStatus(t, keep(closed.post(t, `{ stats { entities } }`, nil, created.Token)), http.StatusOK, "")

		for body, code := range map[string]string{
			`{"name":"carla","role":"read"}`: "CONFLICT",
			`{"name":"dan","role":"root"}`:   "BAD_INPUT",
			`{"name":"d a n","role":"read"}`: "BAD_INPUT",
			`{"name":"dan"`:                  "BAD_REQUEST",
		} {
			r := keep(open.request(t, http.MethodPost, "/credentials", body, "Bearer "+tokens["editor"]))
			if r.code() != code || r.status < 400 {
				t.Errorf("POST %s: %d %q, want %s: %s", body, r.status, r.code(), code, r.raw)
			}
		}

		r = keep(open.request(t, http.MethodDelete, "/credentials/carla", "", "Bearer "+tokens["editor"]))
		if r.status != http.StatusOK || !bytes.Contains(r.raw, []byte(`"revoked"`)) {
			t.Fatalf("revoke: %d %s", r.status, r.raw)
		}
		wantStatus(t, keep(closed.post(t, `{ stats { entities } }`, nil, created.Token)), http.StatusUnauthorized, "TOKEN_REVOKED")
		wantStatus(t, keep(open.request(t, http.MethodDelete, "/credentials/carla", "", "Bearer "+tokens["editor"])), http.StatusNotFound, "NOT_FOUND")

		r = keep(open.request(t, http.MethodGet, "/credentials", "", "Bearer "+tokens["editor"]))
		if r.status != http.StatusOK || !bytes.Contains(r.raw, []byte(`"name":"carla"`)) || bytes.Contains(r.raw, []byte("sha256")) {
			t.Errorf("list: %d %s; want every credential, without hashes", r.status, r.raw)
		}
	})

	t.Run("no token in the data directory, the logs or an answer", func(t *testing.T) {
		var files [][]byte
		err := filepath.WalkDir(dataDir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			files = append(files, b)
			return err
		})
		if err != nil || len(files) == 0 {
			t.Fatalf("read the data directory: %d files, %v", len(files), err)
		}
		logs := open.logs.String() + closed.logs.String()
		for name, token := range tokens {
			secret := strings.TrimPrefix(token, "dossier_")
			for _, b := range files {
				if bytes.Contains(b, []byte(secret)) {
					t.Errorf("%s's token is in the data directory", name)
				}
			}
			if strings.Contains(logs, secret) {
				t.Errorf("%s's token is in the logs", name)
			}
			for _, r := range answers {
				// Only the answer that created carla's credential may hold it.
				if bytes.Contains(r.raw, []byte(secret)) && !(name == "carla" && r.status == http.StatusCreated) {
					t.Errorf("%s's token is in an answer: %s", name, r.raw)
				}
			}
		}
		if len(answers) < 40 {
			t.Errorf("only %d answers were checked", len(answers))
		}
	})
}
