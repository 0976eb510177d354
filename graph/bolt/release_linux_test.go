package bolt_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/graph/synth"
)

// TestOpenReleasesMappedPages checks that after Open the pages of the file that loading
// read no longer count as the process's memory, and that the store still reads and
// writes through its map.
func TestOpenReleasesMappedPages(t *testing.T) {
	dir := t.TempDir()
	s := openIn(t, dir)
	if _, err := synth.Load(t.Context(), s, synth.Config{Seed: 1, Entities: 2_000, Relationships: 10_000}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, bolt.FileName)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	s = openIn(t, dir)
	defer s.Close()
	// Loading read every page of the file; none of it may stay resident but a few pages.
	if kB := mappedRSS(t, path); kB > 64 || fi.Size() < 1<<20 {
		t.Errorf("%d kB of the %d kB file resident after Open, want at most 64", kB, fi.Size()>>10)
	}
	e := graph.Entity{ID: "released-pages", Kind: graph.Person, Name: "Released Pages"}
	if _, err := s.Apply(t.Context(), graph.Batch{Entities: []graph.Entity{e}}); err != nil {
		t.Fatal(err)
	}
	stats, err := s.Stats(t.Context())
	if err != nil || stats.Entities != 2_001 || stats.Relationships != 10_000 {
		t.Fatalf("stats after a write = %+v, %v; want 2001 entities, 10000 relationships", stats, err)
	}
}

// mappedRSS returns the resident kB of the process's mappings of the file at path.
func mappedRSS(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip("no /proc/self/smaps")
	}
	defer f.Close()
	total, inFile := 0, false
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		fields := strings.Fields(lines.Text())
		switch {
		case len(fields) >= 5 && strings.Contains(fields[0], "-"): // a mapping's header
			inFile = fields[len(fields)-1] == path
		case inFile && len(fields) == 3 && fields[0] == "Rss:":
			kB, err := strconv.Atoi(fields[1])
			if err != nil {
				t.Fatalf("smaps: %q: %v", lines.Text(), err)
			}
			total += kB
		}
	}
	if err := lines.Err(); err != nil {
		t.Fatal(err)
	}
	return total
}
