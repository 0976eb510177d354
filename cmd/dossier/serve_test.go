package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer that a running server may write while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serveRun is `dossier serve` running in-process.
type serveRun struct {
	stdout, stderr *syncBuffer
	stop           func() error // ends serve and returns its error; later calls return it again
}

// runServe runs `dossier serve args...` in-process and returns once ready holds, polled every
// 20ms; the test fails if serve ends first or ready does not hold within wait.
func runServe(t *testing.T, wait time.Duration, ready func(*serveRun) bool, args ...string) *serveRun {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	run := &serveRun{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	cmd := newRootCommand(run.stdout, run.stderr)
	cmd.SetArgs(append([]string{"serve"}, args...))
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	run.stop = sync.OnceValue(func() error { cancel(); return <-done })
	deadline := time.Now().Add(wait)
	for !ready(run) {
		select {
		case err := <-done:
			done <- err // for stop
			t.Fatalf("serve ended early: %v\n%s", err, run.stderr)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			run.stop()
			t.Fatalf("serve was not ready within %s:\n%s", wait, run.stderr)
		}
	}
	return run
}

// startServe runs `dossier serve args...` until the returned stop is called; it returns once
// the playground log line shows the bound URL.
func startServe(t *testing.T, args ...string) (playgroundURL string, logs *syncBuffer, stop func() error) {
	t.Helper()
	urlLine := regexp.MustCompile(`msg=playground url=(http://\S+/playground)`)
	run := runServe(t, 20*time.Second, func(run *serveRun) bool {
		m := urlLine.FindStringSubmatch(run.stderr.String())
		if m != nil {
			playgroundURL = m[1]
		}
		return m != nil
	}, args...)
	return playgroundURL, run.stderr, run.stop
}

func TestServeLogsSeedingAndThePlayground(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	url, logs, stop := startServe(t, "--data", data, "--addr", "127.0.0.1:0")
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "GraphiQL") {
		t.Errorf("GET %s from the log: %s %.100s", url, resp.Status, page)
	}
	st := stats(t, data)
	for _, want := range []string{
		"store seeded with the seed story",
		"entities=" + strconv.Itoa(st.Entities), "relationships=" + strconv.Itoa(st.Relationships),
		// No assets folder next to the test: the page says where its files come from.
		"assets=\"CDN",
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("start-up log lacks %q:\n%s", want, logs)
		}
	}

	_, logs, stop = startServe(t, "--data", data, "--addr", "127.0.0.1:0")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "store not seeded: it holds data") {
		t.Errorf("second start does not say why it did not seed:\n%s", logs)
	}
}

// TestServeChecksTheAddressFirst: with the port taken, serve fails naming the address and
// leaves no data directory, token or seed behind.
func TestServeChecksTheAddressFirst(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	for _, args := range [][]string{
		{"--addr", taken.Addr().String()},
		{"--addr", "127.0.0.1:0", "--pprof", taken.Addr().String()},
		{"--addr", "127.0.0.1:0", "--pprof", "0.0.0.0:6060"},
		{"--addr", "127.0.0.1:0", "--playground-assets", filepath.Join(t.TempDir(), "missing")},
	} {
		data := filepath.Join(t.TempDir(), "fresh")
		_, _, err := run(t, append([]string{"serve", "--data", data}, args...)...)
		if err == nil {
			t.Errorf("serve %v started", args)
			continue
		}
		named := args[len(args)-1]
		if !strings.Contains(err.Error(), named) {
			t.Errorf("serve %v: the error does not name %s: %v", args, named, err)
		}
		if _, statErr := os.Stat(data); !errors.Is(statErr, fs.ErrNotExist) {
			t.Errorf("serve %v failed (%v) but created %s", args, err, data)
		}
	}
}

func TestBadLogLevelListsTheLevels(t *testing.T) {
	_, _, err := run(t, "--log-level", "loud", "seed", "--data", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), `debug, info, warn or error, got "loud"`) {
		t.Errorf("--log-level loud: %v", err)
	}
	mustRun(t, "--log-level", "WARN", "seed", "--data", t.TempDir())
}

// TestServeRefusesBadLimits checks that serve's limits and timeouts, from flags or the
// environment, are refused with a message naming them before anything starts.
func TestServeRefusesBadLimits(t *testing.T) {
	data := t.TempDir()
	for _, c := range []struct {
		env, value string
		args       []string
		want       string
	}{
		{args: []string{"--max-selections", "0"}, want: "--max-selections"},
		{args: []string{"--max-response", "-1"}, want: "--max-response"},
		{args: []string{"--request-timeout", "0s"}, want: "--request-timeout"},
		{env: "DOSSIER_MAX_ALIASES", value: "many", want: "DOSSIER_MAX_ALIASES"},
		{env: "DOSSIER_REQUEST_TIMEOUT", value: "10", want: "DOSSIER_REQUEST_TIMEOUT"},
		{env: "DOSSIER_MAX_SAME_NAME", value: "0", want: "--max-same-name"},
	} {
		if c.env != "" {
			t.Setenv(c.env, c.value)
		}
		args := append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0"}, c.args...)
		_, _, err := run(t, args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s=%s %v: error %v, want one naming %s", c.env, c.value, c.args, err, c.want)
		}
		if c.env != "" {
			t.Setenv(c.env, "")
		}
	}
}
