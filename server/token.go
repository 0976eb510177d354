package server

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dossiergraph/dossier/server/auth"
)

// WriteTokenFile is the name of the file, in the data directory, in which versions before
// named credentials kept the write token in plaintext.
const WriteTokenFile = "write-token"

// DefaultOperatorName names the operator's credential: the first one, created at the first
// start, and the old write token once migrated.
const DefaultOperatorName = "operator"

// MigrateWriteToken moves the token of an old dataDir/write-token file into the credentials
// file, as a write credential called name, then removes the plaintext file: the token keeps
// working, and the data directory no longer holds it. It reports whether there was a file to
// migrate. A migration cut short (the credential added, the file still there) completes on
// the next call.
func MigrateWriteToken(dataDir, name string, creds *auth.File) (migrated bool, err error) {
	path := filepath.Join(dataDir, WriteTokenFile)
	token, err := readWriteToken(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, err = creds.Add(name, auth.RoleWrite, token)
	switch {
	case errors.Is(err, auth.ErrExists):
		return false, fmt.Errorf("migrate %s: %w; name the old write token's credential with --operator-name", path, err)
	case err != nil && !errors.Is(err, auth.ErrTokenTaken): // taken: migrated before the file's removal
		return false, fmt.Errorf("migrate %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil {
		return false, fmt.Errorf("remove the migrated %s: %w", path, err)
	}
	return true, auth.SyncDir(dataDir)
}

// CreateFirstCredential gives a new server its operator: when the credentials file has
// never held a credential, it creates an admin credential called name and returns its
// token, which the caller shows once. A file whose credentials were all revoked gets
// none, so that revoking everyone is not undone by a restart.
func CreateFirstCredential(creds *auth.File, name string) (token string, created bool, err error) {
	existing, err := creds.List()
	if err != nil || len(existing) > 0 {
		return "", false, err
	}
	token, _, err = creds.Create(name, auth.RoleAdmin)
	if errors.Is(err, auth.ErrExists) { // another process made it first: that one is the operator's
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("create the first credential: %w", err)
	}
	return token, true, nil
}

// readWriteToken reads and checks an old token file; it wraps fs.ErrNotExist when there is
// none.
func readWriteToken(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("read write token: %w", err)
	}
	if !info.Mode().IsRegular() {
		return "", fmt.Errorf("write token %s is not a regular file", path)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("write token %s is readable by other users (mode %04o): run chmod 600 on it", path, info.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read write token: %w", err)
	}
	token := strings.TrimSpace(string(data))
	if err := auth.CheckToken(token); err != nil {
		return "", fmt.Errorf("write token %s must hold one token of at least %d printable characters without spaces; delete it and create a credential with dossier token create", path, auth.MinTokenLen)
	}
	return token, nil
}
