package bolt_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
)

// crashDirEnv tells the test binary, started again as a child, to be the writer that gets
// killed.
const crashDirEnv = "DOSSIER_BOLT_CRASH_DIR"

// TestKilledWriterKeepsAcknowledgedWrites kills a writing process with SIGKILL, never
// closing its store, and checks that every write it acknowledged is in the file, with its
// change log entry, and that the log and the data agree: no entry without its write.
func TestKilledWriterKeepsAcknowledgedWrites(t *testing.T) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		writeUntilKilled(t, dir)
		return
	}
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestKilledWriterKeepsAcknowledgedWrites$")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	const acksBeforeKill = 200
	var acked []string
	lines := bufio.NewScanner(out)
	for lines.Scan() && len(acked) < acksBeforeKill {
		if id, ok := strings.CutPrefix(lines.Text(), "ack "); ok {
			acked = append(acked, id)
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if len(acked) < acksBeforeKill {
		t.Fatalf("the writer acknowledged only %d writes before it ended", len(acked))
	}

	s, err := bolt.Open(t.Context(), dir)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	for _, id := range acked {
		if _, err := s.Relationship(t.Context(), id); err != nil {
			t.Errorf("acknowledged write %s lost after kill -9: %v", id, err)
		}
		page, err := s.Changes(t.Context(), graph.ChangeQuery{Record: graph.RelationshipRecord, ID: id})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Changes) != 1 || page.Changes[0].Actor != crashActor || page.Changes[0].Operation != "create relationship" {
			t.Errorf("change log of acknowledged write %s after kill -9: %+v", id, page.Changes)
		}
	}
	// Every entry the log kept describes a write the data kept, and the log has no gaps.
	seq := int64(0)
	for q := (graph.ChangeQuery{Page: graph.Page{First: graph.MaxPageSize}}); ; {
		page, err := s.Changes(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Changes {
			if seq++; e.Seq != seq {
				t.Fatalf("change log after kill -9: entry %d follows %d", e.Seq, seq-1)
			}
			for _, rc := range e.Records {
				if rc.Record == graph.RelationshipRecord {
					if _, err := s.Relationship(t.Context(), rc.ID); err != nil {
						t.Errorf("the log records %s, which the data lacks: %v", rc.ID, err)
					}
				}
			}
		}
		if !page.HasNextPage {
			break
		}
		q.Page.After = page.EndCursor
	}
	if want := int64(len(acked) + 2); seq < want {
		t.Errorf("change log holds %d entries, fewer than the %d acknowledged writes", seq, want)
	}
}

// crashActor is who the killed writer writes as.
const crashActor = "crash-writer"

// writeUntilKilled writes relationships one by one from several goroutines, printing the
// id of each once it is acknowledged, until the parent kills the process.
func writeUntilKilled(t *testing.T, dir string) {
	ctx := graph.WithActor(t.Context(), crashActor)
	s, err := bolt.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []graph.Entity{{ID: "a", Kind: graph.Person, Name: "A"}, {ID: "b", Kind: graph.Person, Name: "B"}} {
		if _, err := graph.NewWriter(s).CreateEntity(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	// Several writers at once, so that the kill also lands amid group commits.
	var wg sync.WaitGroup
	for w := range crashWriters {
		wg.Go(func() {
			for i := range 100000 {
				r, err := graph.NewWriter(s).CreateRelationship(ctx, graph.Relationship{ID: fmt.Sprintf("r%d-%06d", w, i), Type: graph.Warned, From: "a", To: "b"})
				if err != nil {
					t.Error(err)
					return
				}
				fmt.Fprintln(os.Stdout, "ack", r.ID)
			}
		})
	}
	wg.Wait()
}

// crashWriters is how many goroutines of the killed process write at once.
const crashWriters = 8
