package auth

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"sync"
	"time"
)

// Fixed is a credential given to a server at start rather than kept in the file, such as
// the operator's --write-token. Only its hash is kept in memory.
type Fixed struct {
	Name  string
	Role  Role
	Token string
}

// Keyring checks bearer tokens against fixed credentials and the credentials file. It
// re-reads the file whenever it has changed, which costs one stat per check, so that a
// credential created or revoked by `dossier token` counts from the next request on. It is
// safe for concurrent use.
type Keyring struct {
	file  *File // nil: fixed credentials only
	fixed []Credential

	mu      sync.Mutex
	loaded  bool
	info    fs.FileInfo  // of the file last read; nil when there was none
	settled bool         // info is old enough to tell any later change (see current)
	creds   []Credential // fixed, then the file's
	err     error        // why the file last failed to load
}

// racyWindow is more than the granularity of file times. A file changed within it of being
// read could be changed again with the same inode number, size and time, so the keyring
// re-reads it until it is older (the "racily clean" problem of git's index).
const racyWindow = 2 * time.Second

// NewKeyring returns a keyring over file (nil for none) and the fixed credentials.
func NewKeyring(file *File, fixed ...Fixed) (*Keyring, error) {
	k := &Keyring{file: file}
	for _, f := range fixed {
		if err := CheckName(f.Name); err != nil {
			return nil, err
		}
		if !f.Role.valid() {
			return nil, fmt.Errorf("credential %q: no role: want one of %s", f.Name, RoleNames)
		}
		if err := CheckToken(f.Token); err != nil {
			return nil, fmt.Errorf("credential %q: %w", f.Name, err)
		}
		if slices.ContainsFunc(k.fixed, func(c Credential) bool { return c.Name == f.Name }) {
			return nil, fmt.Errorf("two fixed credentials are called %q", f.Name)
		}
		sum := hashToken(f.Token)
		k.fixed = append(k.fixed, Credential{Name: f.Name, Role: f.Role, SHA256: sum.String(), Created: time.Now().UTC(), digest: sum})
	}
	if file == nil && len(k.fixed) == 0 {
		return nil, errors.New("no credentials: give a credentials file or a fixed credential")
	}
	return k, nil
}

// File returns the credentials file, or nil when the keyring has fixed credentials only.
func (k *Keyring) File() *File { return k.file }

// Authenticate returns the actor whose token the Authorization header value carries. It
// fails with ErrNoToken for an empty header, ErrMalformedHeader, ErrUnknownToken,
// ErrRevokedToken (naming the credential) or ErrUnavailable (with the file's problem).
func (k *Keyring) Authenticate(header string) (Actor, error) {
	token, err := bearerToken(header)
	if err != nil {
		return Actor{}, err
	}
	creds, err := k.current()
	if err != nil {
		return Actor{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	c, ok := match(hashToken(token), creds)
	switch {
	case !ok:
		return Actor{}, ErrUnknownToken
	case !c.Active():
		return Actor{}, fmt.Errorf("%w: it was credential %q, revoked on %s", ErrRevokedToken, c.Name, c.Revoked.Format(time.DateOnly))
	}
	return Actor{Name: c.Name, Role: c.Role}, nil
}

// Check loads the credentials file now, to report a broken file at start rather than at
// the first request.
func (k *Keyring) Check() error {
	_, err := k.current()
	return err
}

// current returns the credentials, re-reading the file if it changed since it was read.
// A file that cannot be read fails every check until it is fixed: a broken file must not
// bring back a revoked token.
func (k *Keyring) current() ([]Credential, error) {
	if k.file == nil {
		return k.fixed, nil
	}
	info, statErr := os.Stat(k.file.path)
	if statErr != nil && !errors.Is(statErr, fs.ErrNotExist) {
		return nil, fmt.Errorf("read credentials: %w", statErr)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.loaded && k.err == nil && k.settled && sameFile(info, k.info) {
		return k.creds, nil
	}
	fileCreds, readInfo, err := k.file.read()
	k.loaded, k.err = true, err
	if err != nil {
		return nil, err
	}
	k.info = readInfo
	k.settled = readInfo == nil || time.Since(readInfo.ModTime()) > racyWindow
	k.creds = slices.Concat(k.fixed, fileCreds)
	return k.creds, nil
}

// sameFile tells whether a and b describe the same, unchanged file (or both no file). Every
// change this package makes renames a new file into place, which changes the inode; the
// size and time catch editors that write in place.
func sameFile(a, b fs.FileInfo) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}
