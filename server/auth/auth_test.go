package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRoles(t *testing.T) {
	for name, want := range map[string]Role{"read": RoleRead, "Write": RoleWrite, " admin ": RoleAdmin} {
		got, err := ParseRole(name)
		if err != nil || got != want {
			t.Errorf("ParseRole(%q) = %v, %v; want %v", name, got, err, want)
		}
	}
	if _, err := ParseRole("owner"); err == nil || !strings.Contains(err.Error(), "read, write, admin") {
		t.Errorf("ParseRole(owner) err = %v, want one listing the roles", err)
	}
	for _, c := range []struct {
		role, need Role
		want       bool
	}{
		{RoleRead, RoleRead, true}, {RoleRead, RoleWrite, false}, {RoleWrite, RoleRead, true},
		{RoleWrite, RoleAdmin, false}, {RoleAdmin, RoleWrite, true}, {0, RoleRead, false},
	} {
		if got := c.role.Includes(c.need); got != c.want {
			t.Errorf("%v.Includes(%v) = %v, want %v", c.role, c.need, got, c.want)
		}
	}
}

func TestActorContext(t *testing.T) {
	if _, ok := FromContext(context.Background()); ok {
		t.Error("an empty context has an actor")
	}
	ctx := NewContext(context.Background(), Actor{Name: "anna", Role: RoleWrite})
	if a, ok := FromContext(ctx); !ok || a.Name != "anna" || a.Role != RoleWrite {
		t.Errorf("FromContext = %+v, %v", a, ok)
	}
}

func TestNewTokenIsRandomAndCarriable(t *testing.T) {
	a, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if a == b || !strings.HasPrefix(a, tokenPrefix) || len(a) != len(tokenPrefix)+43 {
		t.Errorf("tokens %q and %q: want two different %q-prefixed 256-bit tokens", a, b, tokenPrefix)
	}
	if err := CheckToken(a); err != nil {
		t.Errorf("a generated token fails CheckToken: %v", err)
	}
}

func TestFileCreateListRevoke(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // created on first change
	f := NewFile(dir)
	if creds, err := f.List(); err != nil || len(creds) != 0 {
		t.Fatalf("missing file: %v, %v; want no credentials", creds, err)
	}
	anna, c, err := f.Create("anna", RoleWrite)
	if err != nil || c.Name != "anna" || c.Role != RoleWrite || !c.Active() {
		t.Fatalf("Create = %+v, %v", c, err)
	}
	if _, _, err := f.Create("ANNA", RoleRead); !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), "revoke it first") {
		t.Errorf("second anna: err = %v, want ErrExists", err)
	}
	for _, bad := range []string{"", "two words", "-dash", strings.Repeat("x", 65), "anna\n"} {
		if _, _, err := f.Create(bad, RoleRead); !errors.Is(err, ErrInvalid) {
			t.Errorf("Create(%q): err = %v, want ErrInvalid", bad, err)
		}
	}
	if _, _, err := f.Create("ben", 0); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), RoleNames) {
		t.Errorf("Create without a role: err = %v", err)
	}
	if _, err := f.Add("ben", RoleRead, anna); !errors.Is(err, ErrTokenTaken) {
		t.Errorf("Add with anna's token: err = %v, want ErrTokenTaken", err)
	}

	info, err := os.Stat(f.Path())
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("credentials file mode %04o, want 0600", perm)
	}
	raw, err := os.ReadFile(f.Path())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), anna) || strings.Contains(string(raw), strings.TrimPrefix(anna, tokenPrefix)) {
		t.Fatalf("the credentials file holds the token: %s", raw)
	}
	if !strings.Contains(string(raw), hashToken(anna).String()) {
		t.Errorf("the credentials file lacks the token's hash: %s", raw)
	}

	revoked, err := f.Revoke("Anna")
	if err != nil || revoked.Name != "anna" || revoked.Active() {
		t.Fatalf("Revoke = %+v, %v", revoked, err)
	}
	if _, err := f.Revoke("anna"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "none is active") {
		t.Errorf("second revoke: err = %v, want ErrNotFound", err)
	}
	// The name is free again; the history of the revoked one stays.
	if _, _, err := f.Create("anna", RoleRead); err != nil {
		t.Fatalf("anna after revocation: %v", err)
	}
	if _, err := f.Revoke("nobody"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "active ones: anna") {
		t.Errorf("revoke nobody: err = %v, want one listing anna", err)
	}
	creds, err := f.List()
	if err != nil || len(creds) != 2 || creds[0].Active() || !creds[1].Active() || creds[1].Role != RoleRead {
		t.Fatalf("List = %+v, %v; want anna revoked, then anna read", creds, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != FileName && e.Name() != FileName+".lock" {
			t.Errorf("stray file %s in the data directory", e.Name())
		}
	}
}

// Concurrent changes, as from several `dossier token` commands at once, lose nothing.
func TestFileConcurrentCreates(t *testing.T) {
	f := NewFile(t.TempDir())
	const n = 12
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			// Separate File values, like separate processes.
			_, _, errs[i] = NewFile(filepath.Dir(f.Path())).Create(fmt.Sprintf("analyst-%d", i), RoleWrite)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
	}
	if creds, err := f.List(); err != nil || len(creds) != n {
		t.Fatalf("List has %d credentials (%v), want %d", len(creds), err, n)
	}
}

func TestFileRejectsBadFiles(t *testing.T) {
	const hash = `"0000000000000000000000000000000000000000000000000000000000000000"`
	for name, c := range map[string]struct {
		content string
		mode    os.FileMode
		want    string
	}{
		"readable by others": {`{"version":1,"credentials":[]}`, 0o644, "chmod 600"},
		"not JSON":           {`{"version":1,`, 0o600, "not valid"},
		"other version":      {`{"version":2,"credentials":[]}`, 0o600, "version 2"},
		"unknown field":      {`{"version":1,"credentials":[],"token":"x"}`, 0o600, "unknown field"},
		"bad role":           {`{"version":1,"credentials":[{"name":"a","role":"root","sha256":` + hash + `}]}`, 0o600, "unknown role"},
		"bad hash":           {`{"version":1,"credentials":[{"name":"a","role":"read","sha256":"abc"}]}`, 0o600, "64 hex digits"},
		"two active":         {`{"version":1,"credentials":[{"name":"a","role":"read","sha256":` + hash + `},{"name":"A","role":"write","sha256":` + hash + `}]}`, 0o600, "two active"},
	} {
		t.Run(name, func(t *testing.T) {
			f := NewFile(t.TempDir())
			if err := os.WriteFile(f.Path(), []byte(c.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(f.Path(), c.mode); err != nil {
				t.Fatal(err)
			}
			_, err := f.List()
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), f.Path()) {
				t.Fatalf("err = %v, want one naming the file and saying %q", err, c.want)
			}
			if _, _, err := f.Create("new", RoleRead); err == nil {
				t.Error("Create changed a broken file")
			}
			if got, _ := os.ReadFile(f.Path()); string(got) != c.content {
				t.Errorf("the broken file was changed to %q", got)
			}
		})
	}
}

func TestAuthenticateHeaders(t *testing.T) {
	f := NewFile(t.TempDir())
	token, _, err := f.Create("anna", RoleWrite)
	if err != nil {
		t.Fatal(err)
	}
	const fixedToken = "fixed-operator-token-0123456789"
	k, err := NewKeyring(f, Fixed{Name: "operator", Role: RoleWrite, Token: fixedToken})
	if err != nil {
		t.Fatal(err)
	}
	for header, want := range map[string]error{
		"":                              ErrNoToken,
		token:                           ErrMalformedHeader,
		"Bearer":                        ErrMalformedHeader,
		"Bearer ":                       ErrMalformedHeader,
		"Basic " + token:                ErrMalformedHeader,
		"Bearer " + token + " " + token: ErrMalformedHeader,
		"Bearer " + token + "x":         ErrUnknownToken,
		"Bearer " + token[:20]:          ErrUnknownToken,
		"Bearer " + token:               nil,
		"bearer  " + token + " ":        nil,
		"Bearer " + fixedToken:          nil,
	} {
		a, err := k.Authenticate(header)
		if !errors.Is(err, want) {
			t.Errorf("Authenticate(%q) err = %v, want %v", header, err, want)
		}
		if err != nil && strings.Contains(err.Error(), token) {
			t.Errorf("error %q quotes the token", err)
		}
		if want == nil && a.Role != RoleWrite {
			t.Errorf("Authenticate(%q) = %+v", header, a)
		}
	}
	if a, err := k.Authenticate("Bearer " + fixedToken); err != nil || a.Name != "operator" {
		t.Errorf("fixed credential: %+v, %v", a, err)
	}
}

// The keyring sees the file's changes at the next check, whoever made them.
func TestKeyringFollowsTheFile(t *testing.T) {
	dir := t.TempDir()
	k, err := NewKeyring(NewFile(dir))
	if err != nil {
		t.Fatal(err)
	}
	cli := NewFile(dir) // as `dossier token` in another process
	anna, _, err := cli.Create("anna", RoleWrite)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := k.Authenticate("Bearer " + anna); err != nil || a.Name != "anna" {
		t.Fatalf("a credential created after the keyring: %+v, %v", a, err)
	}
	ben, _, err := cli.Create("ben", RoleRead)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Revoke("anna"); err != nil {
		t.Fatal(err)
	}
	_, err = k.Authenticate("Bearer " + anna)
	if !errors.Is(err, ErrRevokedToken) || !strings.Contains(err.Error(), `"anna"`) {
		t.Fatalf("revoked token: err = %v, want ErrRevokedToken naming anna", err)
	}
	if a, err := k.Authenticate("Bearer " + ben); err != nil || a.Role != RoleRead {
		t.Fatalf("ben: %+v, %v", a, err)
	}

	// A broken file fails closed, and recovers when fixed.
	good, err := os.ReadFile(cli.Path())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cli.Path(), []byte("{broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Authenticate("Bearer " + ben); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("broken file: err = %v, want ErrUnavailable", err)
	}
	if err := writeAtomic(cli.Path(), good); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Authenticate("Bearer " + ben); err != nil {
		t.Fatalf("repaired file: %v", err)
	}
	// Deleting the file revokes everyone in it.
	if err := os.Remove(cli.Path()); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Authenticate("Bearer " + ben); !errors.Is(err, ErrUnknownToken) {
		t.Fatalf("deleted file: err = %v, want ErrUnknownToken", err)
	}
}

// A change that keeps the file's inode, size and time is still seen while the file is
// fresh, when such a change is possible.
func TestKeyringSeesRacyChanges(t *testing.T) {
	f := NewFile(t.TempDir())
	old, _, err := f.Create("anna", RoleWrite)
	if err != nil {
		t.Fatal(err)
	}
	k, err := NewKeyring(f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Authenticate("Bearer " + old); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(f.Path())
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(f.Path())
	if err != nil {
		t.Fatal(err)
	}
	replacement, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(raw), hashToken(old).String(), hashToken(replacement).String(), 1)
	if err := os.WriteFile(f.Path(), []byte(changed), 0o600); err != nil { // in place: same inode
		t.Fatal(err)
	}
	if err := os.Chtimes(f.Path(), info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	if a, err := k.Authenticate("Bearer " + replacement); err != nil || a.Name != "anna" {
		t.Fatalf("the replaced token: %+v, %v", a, err)
	}
	if _, err := k.Authenticate("Bearer " + old); !errors.Is(err, ErrUnknownToken) {
		t.Fatalf("the old token: err = %v, want ErrUnknownToken", err)
	}
}

func TestNewKeyringChecksFixedCredentials(t *testing.T) {
	for name, c := range map[string]struct {
		fixed []Fixed
		want  string
	}{
		"none":       {nil, "no credentials"},
		"short":      {[]Fixed{{Name: "op", Role: RoleWrite, Token: "secret"}}, "at least 16"},
		"with space": {[]Fixed{{Name: "op", Role: RoleWrite, Token: "0123456789 abcdef"}}, "spaces"},
		"bad name":   {[]Fixed{{Name: "o p", Role: RoleWrite, Token: "0123456789abcdef"}}, "invalid credential"},
		"no role":    {[]Fixed{{Name: "op", Token: "0123456789abcdef"}}, "no role"},
	} {
		if _, err := NewKeyring(nil, c.fixed...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one saying %q", name, err, c.want)
		}
	}
}

// BenchmarkAuthenticate measures a check against the file (a stat, then the cached hashes;
// or a re-read while the file is fresh) against one with fixed credentials only, the
// baseline; run them in one go:
// go test -bench Authenticate ./server/auth
func BenchmarkAuthenticate(b *testing.B) {
	dir := b.TempDir()
	f := NewFile(dir)
	var token string
	for i := range 20 {
		tok, _, err := f.Create(fmt.Sprintf("analyst-%d", i), RoleWrite)
		if err != nil {
			b.Fatal(err)
		}
		token = tok
	}
	fixed := make([]Fixed, 20)
	for i := range fixed {
		fixed[i] = Fixed{Name: fmt.Sprintf("fixed-%d", i), Role: RoleWrite, Token: fmt.Sprintf("fixed-token-%032d", i)}
	}
	run := func(b *testing.B, k *Keyring, header string) {
		for b.Loop() {
			if _, err := k.Authenticate(header); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("fixed", func(b *testing.B) {
		k, err := NewKeyring(nil, fixed...)
		if err != nil {
			b.Fatal(err)
		}
		run(b, k, "Bearer "+fixed[19].Token)
	})
	b.Run("file-just-changed", func(b *testing.B) { // re-read at every check
		future := time.Now().Add(time.Hour) // never older than the racy window
		if err := os.Chtimes(f.Path(), future, future); err != nil {
			b.Fatal(err)
		}
		k, err := NewKeyring(f)
		if err != nil {
			b.Fatal(err)
		}
		run(b, k, "Bearer "+token)
	})
	b.Run("file", func(b *testing.B) { // settled: one stat per check
		past := time.Now().Add(-time.Hour)
		if err := os.Chtimes(f.Path(), past, past); err != nil {
			b.Fatal(err)
		}
		k, err := NewKeyring(f)
		if err != nil {
			b.Fatal(err)
		}
		run(b, k, "Bearer "+token)
	})
}
