package bolt

import (
	"fmt"
	"os"

	"go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// releaseMapped tells the kernel the process is done with the pages of bbolt's map that
// loading touched, which would otherwise stay resident, counted as the process's memory,
// for as long as it runs. bbolt maps the file read-only and shared (MAP_SHARED, PROT_READ):
// the pages are clean copies of the file, so MADV_DONTNEED only drops them from the
// process; they stay in the page cache, and a later read of one faults it back in from
// there. It must run while no transaction is open and none can remap the file.
func releaseMapped(db *bbolt.DB) error {
	fi, err := os.Stat(db.Path())
	if err != nil {
		return fmt.Errorf("release mapped pages: %w", err)
	}
	// bbolt maps at least the whole file; its length, rounded up to whole pages, is mapped.
	page := int64(os.Getpagesize())
	size := (fi.Size() + page - 1) / page * page
	if size == 0 {
		return nil
	}
	if _, _, errno := unix.Syscall(unix.SYS_MADVISE, db.Info().Data, uintptr(size), unix.MADV_DONTNEED); errno != 0 {
		return fmt.Errorf("release mapped pages of %s: madvise: %w", db.Path(), errno)
	}
	return nil
}
