package bolt_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/graph/graphtest"
)

func openIn(t *testing.T, dir string) graph.Store {
	t.Helper()
	s, err := bolt.Open(t.Context(), dir)
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	return s
}

func TestConformance(t *testing.T) {
	graphtest.Run(t, func(t *testing.T) graph.Store { return openIn(t, t.TempDir()) })
}

func TestPersistence(t *testing.T) {
	graphtest.RunPersistence(t, openIn)
}

// holdDirEnv tells the test binary, started again as a child, to hold a store open.
const holdDirEnv = "DOSSIER_BOLT_HOLD_DIR"

func TestSecondProcessFailsFast(t *testing.T) {
	if dir := os.Getenv(holdDirEnv); dir != "" {
		s, err := bolt.Open(t.Context(), dir)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println("open")
		_, _ = io.Copy(io.Discard, os.Stdin) // hold the store until the parent lets go
		_ = s.Close()
		return
	}
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestSecondProcessFailsFast$")
	cmd.Env = append(os.Environ(), holdDirEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = stdin.Close(); _ = cmd.Wait() }()
	lines := bufio.NewScanner(out)
	for lines.Scan() && lines.Text() != "open" {
	}

	start := time.Now()
	s, err := bolt.Open(t.Context(), dir)
	if err == nil {
		_ = s.Close()
		t.Fatal("opened a store another process holds")
	}
	if !strings.Contains(err.Error(), "another dossier process") {
		t.Errorf("error %q does not say another process holds the store", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the second open took %v to fail", d)
	}
}

func TestOpenLockedFailsFast(t *testing.T) {
	dir := t.TempDir()
	s := openIn(t, dir)
	defer s.Close()
	start := time.Now()
	_, err := bolt.Open(t.Context(), dir)
	if err == nil {
		t.Fatal("a second open of the same directory succeeded")
	}
	if !strings.Contains(err.Error(), "another dossier process") {
		t.Errorf("error %q does not say the store is in use", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second open took %v, want a fast failure", d)
	}
}

func TestClosedStoreFails(t *testing.T) {
	s, err := bolt.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Entity(t.Context(), "x"); err == nil {
		t.Error("read after Close succeeded")
	}
	if _, err := graph.NewWriter(s).CreateEntity(t.Context(), graph.Entity{ID: "x", Kind: graph.Person, Name: "X"}); err == nil {
		t.Error("write after Close succeeded")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if got := filepath.Base(s.Path()); got != bolt.FileName {
		t.Errorf("store file %s, want %s", got, bolt.FileName)
	}
}
