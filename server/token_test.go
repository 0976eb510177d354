package server

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestLoadOrCreateWriteToken(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // not there yet: it is created
	token, path, created, err := LoadOrCreateWriteToken(dir)
	if err != nil || !created {
		t.Fatalf("first call: created=%v, err=%v", created, err)
	}
	if path != filepath.Join(dir, WriteTokenFile) {
		t.Errorf("path = %q", path)
	}
	if raw, err := hex.DecodeString(token); err != nil || len(raw) != 32 {
		t.Errorf("token %q is not 32 bytes of hex", token)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("token file mode = %04o, want 0600", perm)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Errorf("data directory holds %v (%v), want only the token file", entries, err)
	}

	again, path2, created, err := LoadOrCreateWriteToken(dir)
	if err != nil || created || again != token || path2 != path {
		t.Fatalf("second call = %q, %q, created=%v, %v; want the same token, not created", again, path2, created, err)
	}

	other, _, _, err := LoadOrCreateWriteToken(t.TempDir())
	if err != nil || other == token {
		t.Errorf("a new directory got token %q (%v); tokens must be random", other, err)
	}
}

func TestLoadOrCreateWriteTokenConcurrent(t *testing.T) {
	dir := t.TempDir()
	const n = 8
	tokens := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { tokens[i], _, _, errs[i] = LoadOrCreateWriteToken(dir) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || tokens[i] != tokens[0] {
			t.Fatalf("call %d: %q, %v; every caller must get the one token %q", i, tokens[i], errs[i], tokens[0])
		}
	}
}

func TestLoadOrCreateWriteTokenRejectsBadFiles(t *testing.T) {
	for name, c := range map[string]struct {
		content string
		mode    os.FileMode
		want    string
	}{
		"readable by others": {"0123456789abcdef0123", 0o644, "chmod 600"},
		"empty":              {"", 0o600, "at least 16"},
		"too short":          {"short\n", 0o600, "at least 16"},
		"two tokens":         {"0123456789abcdef 0123456789abcdef\n", 0o600, "without spaces"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, WriteTokenFile)
			if err := os.WriteFile(path, []byte(c.content), c.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, c.mode); err != nil { // WriteFile's mode is masked by umask
				t.Fatal(err)
			}
			_, _, _, err := LoadOrCreateWriteToken(dir)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("err = %v, want one naming %s and saying %q", err, path, c.want)
			}
			if got, _ := os.ReadFile(path); string(got) != c.content {
				t.Errorf("the bad file was changed to %q", got)
			}
		})
	}
	// A hand-written token with a trailing newline is read as written.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, WriteTokenFile), []byte("my-own-token-of-some-length\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if token, _, created, err := LoadOrCreateWriteToken(dir); err != nil || created || token != "my-own-token-of-some-length" {
		t.Errorf("got %q, created=%v, %v", token, created, err)
	}
}

func TestTokenChecker(t *testing.T) {
	const token = "0123456789abcdef-token"
	check := newTokenChecker(token)
	for header, want := range map[string]bool{
		"Bearer " + token:               true,
		"bearer " + token:               true,
		"Bearer  " + token + " ":        true,
		"":                              false,
		token:                           false,
		"Bearer":                        false,
		"Bearer ":                       false,
		"Basic " + token:                false,
		"Bearer " + token + "x":         false,
		"Bearer " + token[:10]:          false,
		"Bearer " + token + "," + token: false,
	} {
		if got := check.authorized(header); got != want {
			t.Errorf("authorized(%q) = %v, want %v", header, got, want)
		}
	}
}
