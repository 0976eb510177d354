package server

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// WriteTokenFile is the name of the file, in the data directory, that keeps the write token.
const WriteTokenFile = "write-token"

// tokenChecker compares presented bearer tokens with the write token in constant time.
type tokenChecker struct {
	sum [sha256.Size]byte
}

func newTokenChecker(token string) tokenChecker {
	return tokenChecker{sum: sha256.Sum256([]byte(token))}
}

// authorized reports whether the Authorization header value carries the write token.
// Both sides are hashed first so that the comparison takes the same time whatever the
// length of the presented token.
func (t tokenChecker) authorized(header string) bool {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return subtle.ConstantTimeCompare(got[:], t.sum[:]) == 1
}

// LoadOrCreateWriteToken returns the write token kept in dataDir/write-token and the file's
// path. When the file does not exist it creates it, mode 0600, holding a new random token of
// 32 bytes in hex, and reports created. The file appears whole or not at all, and a token
// created concurrently by another process is never overwritten.
func LoadOrCreateWriteToken(dataDir string) (token, path string, created bool, err error) {
	path = filepath.Join(dataDir, WriteTokenFile)
	token, err = readWriteToken(path)
	if err == nil {
		return token, path, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", path, false, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", path, false, fmt.Errorf("create data directory %s: %w", dataDir, err)
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", path, false, fmt.Errorf("generate write token: %w", err)
	}
	token = hex.EncodeToString(b[:])
	switch err := writeFileExclusive(path, token+"\n"); {
	case errors.Is(err, fs.ErrExist):
		// Another process created the token between our read and our write: use theirs.
		token, err = readWriteToken(path)
		return token, path, false, err
	case err != nil:
		return "", path, false, err
	}
	return token, path, true, nil
}

// readWriteToken reads and checks a token file; it wraps fs.ErrNotExist when there is none.
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
	if len(token) < MinWriteTokenLen || strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "", fmt.Errorf("write token %s must hold one token of at least %d printable characters without spaces; delete it to have a new one generated", path, MinWriteTokenLen)
	}
	return token, nil
}

// writeFileExclusive writes data to a temporary file beside path and links it into place,
// so that path appears complete or not at all; it fails with fs.ErrExist if path exists.
func writeFileExclusive(path, data string) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*") // CreateTemp uses mode 0600
	if err != nil {
		return fmt.Errorf("write token: %w", err)
	}
	defer func() {
		if rmErr := os.Remove(tmp.Name()); rmErr != nil && err == nil {
			err = fmt.Errorf("remove temporary token file: %w", rmErr)
		}
	}()
	if _, err := tmp.WriteString(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write token: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write token: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write token: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		return fmt.Errorf("write token %s: %w", path, err)
	}
	return syncDir(dir)
}

// syncDir makes a new directory entry durable.
func syncDir(dir string) error {
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
