package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// FileName is the credentials file's name in the data directory.
const FileName = "credentials.json"

// maxFileBytes bounds what a check may read: some thousands of credentials.
const maxFileBytes = 1 << 20

// fileVersion is the format of the credentials file this package reads and writes.
const fileVersion = 1

// Credential is one named token as the credentials file keeps it: never the token itself,
// only its SHA-256. Revoked credentials stay in the file, so that a revoked token is told
// apart from an unknown one and the file shows who had access until when.
type Credential struct {
	Name    string     `json:"name"`
	Role    Role       `json:"role"`
	SHA256  string     `json:"sha256"`
	Created time.Time  `json:"created"`
	Revoked *time.Time `json:"revoked,omitempty"`

	digest digest
}

// Active reports whether the credential is not revoked.
func (c Credential) Active() bool { return c.Revoked == nil }

// fileContent is the JSON document of the credentials file.
type fileContent struct {
	Version     int          `json:"version"`
	Credentials []Credential `json:"credentials"`
}

// Failures of the file's changes, for callers that answer them differently.
var (
	ErrInvalid  = errors.New("invalid credential")
	ErrExists   = errors.New("credential exists already")
	ErrNotFound = errors.New("no such credential")
	// ErrTokenTaken: the token belongs to a credential already (active or revoked).
	ErrTokenTaken = errors.New("the token belongs to another credential already")
)

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// CheckName tells why a credential name is not valid.
func CheckName(name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("%w: name %q: use 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit", ErrInvalid, clip(name))
	}
	return nil
}

// File is the credentials file of one data directory. Every change is made under an
// exclusive lock and written atomically (a temporary file renamed over the old one), so
// that concurrent `dossier token` commands lose nothing and a server reading the file never
// sees half of it.
type File struct {
	path string
}

// NewFile returns the credentials file of dataDir; the file need not exist yet.
func NewFile(dataDir string) *File { return &File{path: filepath.Join(dataDir, FileName)} }

// Path returns the file's path.
func (f *File) Path() string { return f.path }

// List returns every credential, active and revoked, in the order they were created. A
// missing file holds none.
func (f *File) List() ([]Credential, error) {
	creds, _, err := f.read()
	return creds, err
}

// Create adds a credential with a new random token and returns the token, which exists
// nowhere else afterwards: the file keeps its hash only.
func (f *File) Create(name string, role Role) (token string, c Credential, err error) {
	token, err = NewToken()
	if err != nil {
		return "", Credential{}, err
	}
	c, err = f.Add(name, role, token)
	return token, c, err
}

// Add adds a credential for a token the caller already has, e.g. an old write token being
// migrated. The name must not belong to an active credential, nor the token to any
// credential.
func (f *File) Add(name string, role Role, token string) (Credential, error) {
	if err := CheckName(name); err != nil {
		return Credential{}, err
	}
	if !role.valid() {
		return Credential{}, fmt.Errorf("%w %q: no role: want one of %s", ErrInvalid, name, RoleNames)
	}
	if err := CheckToken(token); err != nil {
		return Credential{}, fmt.Errorf("%w %q: %w", ErrInvalid, name, err)
	}
	sum := hashToken(token)
	c := Credential{Name: name, Role: role, SHA256: sum.String(), Created: time.Now().UTC().Truncate(time.Second), digest: sum}
	err := f.update(func(creds []Credential) ([]Credential, error) {
		// The token first: an old token being migrated again is found whatever its name.
		if _, ok := match(sum, creds); ok {
			return nil, fmt.Errorf("credential %q: %w", name, ErrTokenTaken)
		}
		if i := activeIndex(creds, name); i >= 0 {
			return nil, fmt.Errorf("%w: %q (role %s): revoke it first, or choose another name", ErrExists, creds[i].Name, creds[i].Role)
		}
		return append(creds, c), nil
	})
	if err != nil {
		return Credential{}, err
	}
	return c, nil
}

// Revoke revokes the active credential called name; its token stops working at once, in
// running servers too. It returns the revoked credential.
func (f *File) Revoke(name string) (Credential, error) {
	var revoked Credential
	err := f.update(func(creds []Credential) ([]Credential, error) {
		i := activeIndex(creds, name)
		if i < 0 {
			return nil, f.noSuchCredential(name, creds)
		}
		now := time.Now().UTC().Truncate(time.Second)
		creds[i].Revoked = &now
		revoked = creds[i]
		return creds, nil
	})
	return revoked, err
}

func (f *File) noSuchCredential(name string, creds []Credential) error {
	var active []string
	for _, c := range creds {
		if c.Active() {
			active = append(active, c.Name)
		}
	}
	if len(active) == 0 {
		return fmt.Errorf("%w: none is active, so none is called %q", ErrNotFound, clip(name))
	}
	return fmt.Errorf("%w: none active is called %q; active ones: %s", ErrNotFound, clip(name), strings.Join(active, ", "))
}

// activeIndex returns the index of the active credential called name (names are compared
// without regard to case), or -1.
func activeIndex(creds []Credential, name string) int {
	return slices.IndexFunc(creds, func(c Credential) bool { return c.Active() && strings.EqualFold(c.Name, name) })
}

// update changes the file under an exclusive lock, so that no change of a concurrent
// process is lost; change gets the current credentials and returns the new ones.
func (f *File) update(change func([]Credential) ([]Credential, error)) (err error) {
	dir := filepath.Dir(f.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create data directory %s: %w", dir, err)
	}
	unlock, err := lockFile(f.path + ".lock")
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, unlock()) }()
	creds, _, err := f.read()
	if err != nil {
		return err
	}
	creds, err = change(creds)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(fileContent{Version: fileVersion, Credentials: creds}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode credentials: %w", err)
	}
	return writeAtomic(f.path, append(data, '\n'))
}

// read reads and checks the file; a missing file holds no credentials. It also returns
// the file's information, to tell later whether the file has changed.
func (f *File) read() ([]Credential, fs.FileInfo, error) {
	fh, err := os.Open(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read credentials: %w", err)
	}
	defer fh.Close()
	// The information of the open file, not of the path, so that it describes what is read.
	info, err := fh.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("read credentials: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("credentials file %s is not a regular file", f.path)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, nil, fmt.Errorf("credentials file %s is readable by other users (mode %04o): run chmod 600 on it", f.path, perm)
	}
	if info.Size() > maxFileBytes {
		return nil, nil, fmt.Errorf("credentials file %s is larger than %d bytes", f.path, maxFileBytes)
	}
	var content fileContent
	dec := json.NewDecoder(io.LimitReader(fh, maxFileBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&content); err != nil {
		return nil, nil, fmt.Errorf("credentials file %s is not valid: %w", f.path, err)
	}
	if content.Version != fileVersion {
		return nil, nil, fmt.Errorf("credentials file %s has version %d; this dossier reads version %d", f.path, content.Version, fileVersion)
	}
	creds := content.Credentials
	for i := range creds {
		c := &creds[i]
		if err := CheckName(c.Name); err != nil {
			return nil, nil, fmt.Errorf("credentials file %s, entry %d: %w", f.path, i+1, err)
		}
		if !c.Role.valid() {
			return nil, nil, fmt.Errorf("credentials file %s, credential %q: no role: want one of %s", f.path, c.Name, RoleNames)
		}
		if c.digest, err = parseDigest(c.SHA256); err != nil {
			return nil, nil, fmt.Errorf("credentials file %s, credential %q: %w", f.path, c.Name, err)
		}
		if c.Active() && activeIndex(creds[:i], c.Name) >= 0 {
			return nil, nil, fmt.Errorf("credentials file %s: two active credentials are called %q", f.path, c.Name)
		}
	}
	return creds, info, nil
}

// writeAtomic replaces path with data: a temporary file, mode 0600, synced and renamed over
// path, so that readers see the old file or the new one, never a part.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*") // CreateTemp uses mode 0600
	if err != nil {
		return fmt.Errorf("write credentials: %w", err)
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write credentials: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write credentials: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write credentials: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write credentials %s: %w", path, err)
	}
	return SyncDir(dir)
}

// SyncDir makes changes to a directory's entries durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
