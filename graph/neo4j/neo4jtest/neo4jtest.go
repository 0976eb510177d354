// Package neo4jtest gives tests a store on the Neo4j test server that
// scripts/neo4j-test-server starts.
//
// Tests find the server through DOSSIER_NEO4J_URI, DOSSIER_NEO4J_USER (default "neo4j") and
// DOSSIER_NEO4J_PASSWORD (default "dossier-test", the script's password). Without a URI they
// skip, except under CI=true, where they fail.
package neo4jtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/neo4j"
	"github.com/dossiergraph/dossier/graph/synth"
)

// Config returns the test server's configuration, or skips the test (fails it under
// CI=true) when DOSSIER_NEO4J_URI is unset.
func Config(t testing.TB) neo4j.Config {
	t.Helper()
	uri := os.Getenv("DOSSIER_NEO4J_URI")
	if uri == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("DOSSIER_NEO4J_URI is unset; under CI=true the Neo4j tests must run (start one with scripts/neo4j-test-server start)")
		}
		t.Skip("DOSSIER_NEO4J_URI is unset; start a server with scripts/neo4j-test-server start")
	}
	return neo4j.Config{
		URI:      uri,
		Username: envOr("DOSSIER_NEO4J_USER", "neo4j"),
		Password: envOr("DOSSIER_NEO4J_PASSWORD", "dossier-test"),
		Database: os.Getenv("DOSSIER_NEO4J_DATABASE"),
	}
}

func envOr(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return fallback
}

// Open returns a store on an empty test database. Neo4j Community has one database and Go
// runs test packages in parallel, so Open holds an exclusive lock, shared by every process
// on the machine, until the test ends; tests that call Open run one at a time. A test may
// call Open again while it holds the lock: the new store gets the same, freshly wiped,
// database.
func Open(t testing.TB) graph.Store {
	t.Helper()
	return OpenStore(t)
}

// OpenStore is Open returning the concrete store.
func OpenStore(t testing.TB) *neo4j.Store {
	t.Helper()
	cfg := Config(t)
	if err := testDB.acquire(t); err != nil {
		t.Fatalf("lock the Neo4j test database: %v", err)
	}
	t.Cleanup(testDB.release)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := Wipe(ctx, cfg); err != nil {
		t.Fatalf("wipe the Neo4j test database: %v", err)
	}
	s, err := neo4j.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open the Neo4j test store: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close the Neo4j test store: %v", err)
		}
	})
	return s
}

// testDB is the one database every test in this process shares. It is package state
// because it stands for a resource outside the process: the server's only database.
var testDB = newDBLock()

// dbLock is an exclusive lock on the test database, held by one test at a time: within the
// process through owner, across processes through flock on a file in os.TempDir.
type dbLock struct {
	mu    sync.Mutex
	free  *sync.Cond
	owner testing.TB // nil when free
	depth int        // how many Opens of owner hold it
	file  *os.File
}

func newDBLock() *dbLock {
	l := &dbLock{}
	l.free = sync.NewCond(&l.mu)
	return l
}

// acquire waits until no other test holds the lock, then takes it for t.
func (l *dbLock) acquire(t testing.TB) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.owner != nil && l.owner != t {
		l.free.Wait()
	}
	if l.owner == t {
		l.depth++
		return nil
	}
	path := filepath.Join(os.TempDir(), "dossier-neo4j-test.lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		_ = f.Close()
		return fmt.Errorf("flock %s: %w", path, err)
	}
	l.owner, l.depth, l.file = t, 1, f
	return nil
}

// release undoes one acquire; the last one frees the lock for other tests and processes.
func (l *dbLock) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.depth--; l.depth > 0 {
		return
	}
	_ = l.file.Close() // closing the file releases the flock
	l.owner, l.file = nil, nil
	l.free.Broadcast()
}

// Wipe deletes every node and relationship in the configured database; the schema stays.
func Wipe(ctx context.Context, cfg neo4j.Config) error {
	auth := driver.NoAuth()
	if cfg.Username != "" {
		auth = driver.BasicAuth(cfg.Username, cfg.Password, "")
	}
	d, err := driver.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", cfg.URI, err)
	}
	defer d.Close(ctx)
	session := d.NewSession(ctx, driver.SessionConfig{DatabaseName: cfg.Database})
	defer session.Close(ctx)
	// CALL ... IN TRANSACTIONS keeps memory flat on large graphs (it needs an implicit
	// transaction, hence session.Run); relationships go first so that deleting a hub does
	// not drag thousands of them into one inner transaction.
	for _, stmt := range []string{
		"MATCH ()-[r]->() CALL { WITH r DELETE r } IN TRANSACTIONS OF 10000 ROWS",
		"MATCH (n) CALL { WITH n DELETE n } IN TRANSACTIONS OF 10000 ROWS",
	} {
		res, err := session.Run(ctx, stmt, nil)
		if err != nil {
			return fmt.Errorf("wipe: %w", err)
		}
		if _, err := res.Consume(ctx); err != nil {
			return fmt.Errorf("wipe: %w", err)
		}
	}
	return nil
}

// OpenLoaded returns a store on the test server at uri ("" for DOSSIER_NEO4J_URI's)
// holding the synthetic graph cfg describes, as Open does but without wiping a database
// that holds that graph already (judged by its counts): loading a million relationships
// takes the best part of an hour, so benchmarks that only read reuse it. Any other content
// is wiped and the graph loaded.
func OpenLoaded(t testing.TB, uri string, cfg synth.Config) (*neo4j.Store, synth.Info) {
	t.Helper()
	nc := Config(t)
	if uri != "" {
		nc.URI = uri
	}
	if err := testDB.acquire(t); err != nil {
		t.Fatalf("lock the Neo4j test database: %v", err)
	}
	t.Cleanup(testDB.release)
	ctx := context.Background()
	s, err := neo4j.Open(ctx, nc)
	if err != nil {
		t.Fatalf("open the Neo4j test store: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close the Neo4j test store: %v", err)
		}
	})
	want, err := synth.Describe(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatalf("count the Neo4j test database: %v", err)
	}
	if st.Entities == want.Entities && st.Articles == want.Articles && st.Relationships == want.Relationships {
		return s, want
	}
	if err := Wipe(ctx, nc); err != nil {
		t.Fatalf("wipe the Neo4j test database: %v", err)
	}
	start := time.Now()
	cfg.Chunk = loadChunk
	info, err := synth.Load(ctx, s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d entities, %d articles, %d relationships into Neo4j in %v",
		info.Entities, info.Articles, info.Relationships, time.Since(start).Round(time.Second))
	return s, info
}

// loadChunk is the batch size of OpenLoaded: one transaction per batch, as `dossier copy`
// writes.
const loadChunk = 2000
