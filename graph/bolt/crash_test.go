package bolt_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
)

// crashDirEnv tells the test binary, started again as a child, to be the writer that gets
// killed.
const crashDirEnv = "DOSSIER_BOLT_CRASH_DIR"

// TestKilledWriterKeepsAcknowledgedWrites kills a writing process with SIGKILL, never
// closing its store, and checks that every write it acknowledged is in the file.
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
	const acksBeforeKill = 40
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
	}
}

// writeUntilKilled writes relationships one by one, printing the id of each once it is
// acknowledged, until the parent kills the process.
func writeUntilKilled(t *testing.T, dir string) {
	ctx := t.Context()
	s, err := bolt.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []graph.Entity{{ID: "a", Kind: graph.Person, Name: "A"}, {ID: "b", Kind: graph.Person, Name: "B"}} {
		if _, err := graph.NewWriter(s).CreateEntity(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 100000 {
		r, err := graph.NewWriter(s).CreateRelationship(ctx, graph.Relationship{ID: fmt.Sprintf("r%06d", i), Type: graph.Warned, From: "a", To: "b"})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(os.Stdout, "ack", r.ID)
	}
}
