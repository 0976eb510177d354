//go:build !linux

package bolt

import "go.etcd.io/bbolt"

// releaseMapped does nothing here: see release_linux.go.
func releaseMapped(*bbolt.DB) error { return nil }
