package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dossiergraph/dossier/server"
)

func TestTokenCreateListRevoke(t *testing.T) {
	data := t.TempDir()
	stdout, stderr, err := run(t, "token", "create", "anna", "--role", "write", "--data", data)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	anna := strings.TrimSpace(stdout)
	if strings.Count(stdout, "\n") != 1 || !strings.HasPrefix(anna, "dossier_") {
		t.Errorf("create printed %q on stdout, want the token alone", stdout)
	}
	if !strings.Contains(stderr, `"anna"`) || !strings.Contains(stderr, "only this once") || strings.Contains(stderr, anna) {
		t.Errorf("create said %q on stderr", stderr)
	}
	reader := strings.TrimSpace(mustRun(t, "token", "create", "desk.reader", "--role", "read", "--data", data))

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"create", "anna", "--role", "read"}, "exists already"},
		{[]string{"create", "ben"}, "--role is required: one of read, write, admin"},
		{[]string{"create", "ben", "--role", "owner"}, `unknown role "owner": want one of read, write, admin`},
		{[]string{"create", "ben smith", "--role", "read"}, "letters, digits"},
		{[]string{"create", "--role", "read"}, "accepts 1 arg"},
		{[]string{"revoke", "nobody"}, "active ones: anna, desk.reader"},
	} {
		_, _, err := run(t, append(append([]string{"token"}, c.args...), "--data", data)...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("token %s: err = %v, want one saying %q", strings.Join(c.args, " "), err, c.want)
		}
	}

	list := mustRun(t, "token", "list", "--data", data)
	if !regexp.MustCompile(`(?m)^anna +write +\S+ +-$`).MatchString(list) || !regexp.MustCompile(`(?m)^desk\.reader +read `).MatchString(list) {
		t.Errorf("list:\n%s", list)
	}
	if out := mustRun(t, "token", "revoke", "anna", "--data", data); !strings.Contains(out, `revoked credential "anna" (role write)`) {
		t.Errorf("revoke printed %q", out)
	}
	if list := mustRun(t, "token", "list", "--data", data); strings.Contains(list, "anna") {
		t.Errorf("list shows the revoked anna:\n%s", list)
	}
	if all := mustRun(t, "token", "list", "--all", "--data", data); !regexp.MustCompile(`(?m)^anna +write +\S+ +20\d\d-`).MatchString(all) {
		t.Errorf("list --all does not show anna's revocation:\n%s", all)
	}
	assertNoSecretIn(t, data, anna, reader)
}

// assertNoSecretIn fails if a file under dir holds one of the tokens.
func assertNoSecretIn(t *testing.T, dir string, tokens ...string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		for _, token := range tokens {
			if bytes.Contains(b, []byte(strings.TrimPrefix(token, "dossier_"))) {
				t.Errorf("%s holds a token", path)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// syncBuffer collects a running command's output.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runningServe is `dossier serve` running in-process on a loopback port.
type runningServe struct {
	base           string
	stdout, stderr *syncBuffer
}

// startServe runs `dossier serve` with args until the test ends.
func startServe(t *testing.T, args ...string) *runningServe {
	t.Helper()
	rs := &runningServe{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	cmd := newRootCommand(rs.stdout, rs.stderr)
	cmd.SetArgs(append([]string{"serve", "--addr", "127.0.0.1:0", "--no-seed", "--log-format", "json"}, args...))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		sc := bufio.NewScanner(strings.NewReader(rs.stderr.String()))
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "serving" {
				rs.base = "http://" + line.Addr
				return rs
			}
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("serve ended: %v\n%s", err, rs.stderr.String())
		default:
		}
	}
	t.Fatalf("serve did not listen within 20s:\n%s", rs.stderr.String())
	return nil
}

// post sends a GraphQL query with a bearer token (none when empty) and returns the status
// and the first error's code.
func (rs *runningServe) post(t *testing.T, query, token string) (int, string) {
	t.Helper()
	body, err := json.Marshal(map[string]string{"query": query})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, rs.base+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer struct {
		Errors []struct {
			Extensions struct{ Code string }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		t.Fatal(err)
	}
	if len(answer.Errors) == 0 {
		return resp.StatusCode, ""
	}
	return resp.StatusCode, answer.Errors[0].Extensions.Code
}

const (
	readQuery  = `{ stats { entities } }`
	writeQuery = `mutation { createEntity(input: {kind: GROUP, name: "Test Desk"}) { id } }`
)

var shownToken = regexp.MustCompile(`\n    (dossier_\S+)\n`)

func TestServeFirstStartShowsTheTokenOnce(t *testing.T) {
	data := t.TempDir()
	first := startServe(t, "--data", data, "--operator-name", "editor")
	m := shownToken.FindStringSubmatch(first.stdout.String())
	if m == nil {
		t.Fatalf("the first start showed no token:\n%s", first.stdout.String())
	}
	token := m[1]
	if status, code := first.post(t, writeQuery, token); status != http.StatusOK {
		t.Fatalf("a mutation with the first token: %d %s", status, code)
	}
	if status, code := first.post(t, writeQuery, ""); status != http.StatusUnauthorized || code != "UNAUTHENTICATED" {
		t.Errorf("a mutation without a token: %d %s", status, code)
	}
	if list := mustRun(t, "token", "list", "--data", data); !regexp.MustCompile(`(?m)^editor +admin `).MatchString(list) {
		t.Errorf("token list after the first start:\n%s", list)
	}
	// The CLI works beside the running server, which sees its changes at once.
	reader := strings.TrimSpace(mustRun(t, "token", "create", "reader", "--role", "read", "--data", data))
	if status, code := first.post(t, writeQuery, reader); status != http.StatusForbidden || code != "FORBIDDEN" {
		t.Errorf("a mutation with a read token: %d %s", status, code)
	}
	mustRun(t, "token", "revoke", "reader", "--data", data)
	if status, code := first.post(t, readQuery, reader); status != http.StatusUnauthorized || code != "TOKEN_REVOKED" {
		t.Errorf("a read with the revoked token: %d %s", status, code)
	}
	if strings.Contains(first.stderr.String(), token) || strings.Contains(first.stderr.String(), reader) {
		t.Error("the log holds a token")
	}
	assertNoSecretIn(t, data, token, reader)
}

func TestServeMigratesTheOldWriteToken(t *testing.T) {
	data := t.TempDir()
	const old = "an-old-write-token-0123456789abcdef"
	path := filepath.Join(data, server.WriteTokenFile)
	if err := os.WriteFile(path, []byte(old+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOSSIER_REQUIRE_READ_TOKEN", "true")
	rs := startServe(t, "--data", data)
	if rs.stdout.String() != "" {
		t.Errorf("a migrating start created a credential: %q", rs.stdout.String())
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the plaintext token file remains: %v", err)
	}
	if !strings.Contains(rs.stderr.String(), `the old write token now is credential \"operator\"`) {
		t.Errorf("the log does not tell of the migration:\n%s", rs.stderr.String())
	}
	if status, code := rs.post(t, writeQuery, old); status != http.StatusOK {
		t.Errorf("a mutation with the old token: %d %s", status, code)
	}
	// DOSSIER_REQUIRE_READ_TOKEN=true closed the reads.
	if status, code := rs.post(t, readQuery, ""); status != http.StatusUnauthorized || code != "UNAUTHENTICATED" {
		t.Errorf("an anonymous read: %d %s", status, code)
	}
	if list := mustRun(t, "token", "list", "--data", data); !regexp.MustCompile(`(?m)^operator +write `).MatchString(list) {
		t.Errorf("token list after the migration:\n%s", list)
	}
	assertNoSecretIn(t, data, old)
}

func TestServeRejectsBadAccessSettings(t *testing.T) {
	t.Setenv("DOSSIER_REQUIRE_READ_TOKEN", "sometimes")
	if _, _, err := run(t, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--no-seed"); err == nil || !strings.Contains(err.Error(), "want true or false") {
		t.Errorf("bad DOSSIER_REQUIRE_READ_TOKEN: err = %v", err)
	}
	t.Setenv("DOSSIER_REQUIRE_READ_TOKEN", "")
	if _, _, err := run(t, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--no-seed", "--operator-name", "the boss"); err == nil || !strings.Contains(err.Error(), "--operator-name") {
		t.Errorf("bad --operator-name: err = %v", err)
	}
}
