// Package atomicfile replaces files so that a reader, or a crash, sees the old content or
// the new, never a part: a temporary file in the same directory (the rename cannot cross
// file systems), fsynced, renamed over the target, and the directory fsynced after it.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/google/renameio/v2"
)

// Write lets fn write path's new content; perm is reduced by the umask. When fn or any
// step fails, path keeps its old content (or stays absent) and the temporary file is removed.
func Write(path string, perm os.FileMode, fn func(io.Writer) error) error {
	dir := filepath.Dir(path)
	pf, err := renameio.NewPendingFile(path, renameio.WithTempDir(dir), renameio.WithPermissions(perm))
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer pf.Cleanup() // a no-op once the file is in place
	if err := fn(pf); err != nil {
		return err
	}
	if err := pf.CloseAtomicallyReplace(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return SyncDir(dir)
}

// WriteFile is Write for content already in memory.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		if _, err := w.Write(data); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	})
}

// SyncDir makes changes to a directory's entries (a rename, a removal) durable.
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
