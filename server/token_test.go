package server

import (
	"bytes"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/server/auth"
)

const oldToken = "old-write-token-0123456789abcdef"

func writeOldToken(t *testing.T, dir, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(dir, WriteTokenFile)
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // WriteFile's mode is masked by umask
		t.Fatal(err)
	}
	return path
}

func TestMigrateWriteToken(t *testing.T) {
	dir := t.TempDir()
	path := writeOldToken(t, dir, oldToken+"\n", 0o600)
	creds := auth.NewFile(dir)
	migrated, err := MigrateWriteToken(dir, "desk", creds)
	if err != nil || !migrated {
		t.Fatalf("MigrateWriteToken = %v, %v", migrated, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the plaintext token file is still there: %v", err)
	}
	keys, err := auth.NewKeyring(creds)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := keys.Authenticate("Bearer " + oldToken); err != nil || a.Name != "desk" || a.Role != auth.RoleWrite {
		t.Fatalf("the old token after migration: %+v, %v; want write credential desk", a, err)
	}
	raw, err := os.ReadFile(creds.Path())
	if err != nil || bytes.Contains(raw, []byte(oldToken)) {
		t.Fatalf("credentials file %s (%v) holds the token", raw, err)
	}
	if migrated, err := MigrateWriteToken(dir, "desk", creds); err != nil || migrated {
		t.Errorf("second call = %v, %v; want nothing to do", migrated, err)
	}

	// Cut short after the credential was added: the next start removes the file.
	path = writeOldToken(t, dir, oldToken, 0o600)
	if migrated, err := MigrateWriteToken(dir, "desk", creds); err != nil || !migrated {
		t.Errorf("completing a migration = %v, %v", migrated, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the plaintext token file is still there: %v", err)
	}

	// A name already taken by another token is a clear error, and the file stays.
	path = writeOldToken(t, dir, "another-old-token-0123456789", 0o600)
	_, err = MigrateWriteToken(dir, "desk", creds)
	if !errors.Is(err, auth.ErrExists) || !strings.Contains(err.Error(), "--operator-name") {
		t.Errorf("name taken: err = %v, want one pointing at --operator-name", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the unmigrated token file was removed: %v", err)
	}
}

func TestMigrateWriteTokenRejectsBadFiles(t *testing.T) {
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
			path := writeOldToken(t, dir, c.content, c.mode)
			_, err := MigrateWriteToken(dir, DefaultOperatorName, auth.NewFile(dir))
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("err = %v, want one naming %s and saying %q", err, path, c.want)
			}
			if got, _ := os.ReadFile(path); string(got) != c.content {
				t.Errorf("the bad file was changed to %q", got)
			}
			if _, err := os.Stat(auth.NewFile(dir).Path()); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a credentials file was written: %v", err)
			}
		})
	}
}

func TestCreateFirstCredential(t *testing.T) {
	creds := auth.NewFile(t.TempDir())
	token, created, err := CreateFirstCredential(creds, "editor")
	if err != nil || !created || auth.CheckToken(token) != nil {
		t.Fatalf("first call = %q, %v, %v", token, created, err)
	}
	keys, err := auth.NewKeyring(creds)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := keys.Authenticate("Bearer " + token); err != nil || a.Name != "editor" || a.Role != auth.RoleAdmin {
		t.Fatalf("first credential: %+v, %v; want admin editor", a, err)
	}
	if again, created, err := CreateFirstCredential(creds, "editor"); err != nil || created || again != "" {
		t.Errorf("second call = %q, %v, %v; want nothing", again, created, err)
	}
	// Revoking everyone is not undone by the next start.
	if _, err := creds.Revoke("editor"); err != nil {
		t.Fatal(err)
	}
	if again, created, err := CreateFirstCredential(creds, "editor"); err != nil || created || again != "" {
		t.Errorf("after revoking all = %q, %v, %v; want nothing", again, created, err)
	}
}

func TestWarnIfReadsOpen(t *testing.T) {
	for _, c := range []struct {
		ip          string
		requireRead bool
		warn        bool
	}{
		{"127.0.0.1", false, false},
		{"::1", false, false},
		{"0.0.0.0", false, true},
		{"192.0.2.10", false, true},
		{"192.0.2.10", true, false},
	} {
		var logs bytes.Buffer
		s := &Server{cfg: Config{RequireReadToken: c.requireRead}, log: slog.New(slog.NewTextHandler(&logs, nil))}
		s.warnIfReadsOpen(&net.TCPAddr{IP: net.ParseIP(c.ip), Port: 8080})
		warned := strings.Contains(logs.String(), "level=WARN") && strings.Contains(logs.String(), "--require-read-token")
		if warned != c.warn {
			t.Errorf("%s, reads required %v: warned %v, want %v: %s", c.ip, c.requireRead, warned, c.warn, logs.String())
		}
	}
}
