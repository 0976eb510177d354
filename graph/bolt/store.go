// Package bolt is Dossier's default store: the graph lives in one bbolt file, as JSON values
// in a bucket per kind of record, and in memory, with indexes for lookups and traversals
// rebuilt on Open. Every acknowledged write is committed (and fsynced) to the file before
// memory changes, so a failed commit leaves the store as it was.
package bolt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/dossiergraph/dossier/graph"
)

// FileName is the name of the database file inside the store's directory.
const FileName = "dossier.db"

// schemaVersion is the layout of the buckets; Open refuses files of another version.
const schemaVersion = "1"

// lockTimeout bounds the wait for the file lock, so a second process opening the same
// directory fails fast instead of hanging.
const lockTimeout = time.Second

var (
	bucketEntities      = []byte("entities")
	bucketArticles      = []byte("articles")
	bucketRelationships = []byte("relationships")
	bucketMeta          = []byte("meta")
	keySchema           = []byte("schema")
)

// Store is a graph.Store on a bbolt file. It is safe for concurrent use.
type Store struct {
	// writeMu lets one write at a time prepare and commit its change. Preparing only reads
	// the state, so readers go on meanwhile, and wait only while a committed change is
	// applied to memory under mu.
	writeMu sync.Mutex
	mu      sync.RWMutex
	db      *bbolt.DB // nil once closed; changes under both locks
	st      *state
	path    string
	// lastChange is the time of the change log's last entry, under writeMu.
	lastChange time.Time
	// unlogged turns the change log off, for benchmarks that measure what it costs.
	unlogged bool
}

var (
	_ graph.Store  = (*Store)(nil)
	_ graph.Pinger = (*Store)(nil)
)

// Ping implements graph.Pinger: the store is open.
func (s *Store) Ping(ctx context.Context) error {
	return s.read(ctx, func(*state) error { return nil })
}

// Open opens (creating if needed) the store in dir, in the file dir/dossier.db, and loads
// it into memory. It fails within about a second if another process has the store open.
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create store directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: lockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: the store is locked, another dossier process is using it: %w", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := migrate(db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("prepare %s: %w", path, err)
	}
	st, err := load(ctx, db)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	last, err := lastLogTime(db)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	return &Store{db: db, st: st, path: path, lastChange: last}, nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Close closes the file. Calls after Close fail.
func (s *Store) Close() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return nil
	}
	err := s.db.Close()
	s.db = nil
	if err != nil {
		return fmt.Errorf("close %s: %w", s.path, err)
	}
	return nil
}

// migrate creates the buckets and checks the schema version.
func migrate(db *bbolt.DB) error {
	return db.Update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketEntities, bucketArticles, bucketRelationships, bucketMeta, bucketChanges, bucketChangesByRecord} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch v := meta.Get(keySchema); {
		case v == nil:
			return meta.Put(keySchema, []byte(schemaVersion))
		case string(v) != schemaVersion:
			return fmt.Errorf("schema version is %q, this dossier reads version %q", v, schemaVersion)
		}
		return nil
	})
}

// load reads every record into a new state. bbolt yields keys in byte order, which is Go's
// string order, so the records come sorted by id.
func load(ctx context.Context, db *bbolt.DB) (*state, error) {
	var (
		entities []graph.Entity
		articles []graph.Article
		rels     []*graph.Relationship
	)
	err := db.View(func(tx *bbolt.Tx) error {
		var err error
		if entities, err = loadBucket[graph.Entity](ctx, tx, bucketEntities); err != nil {
			return err
		}
		if articles, err = loadBucket[graph.Article](ctx, tx, bucketArticles); err != nil {
			return err
		}
		ptrs, err := loadBucket[*graph.Relationship](ctx, tx, bucketRelationships)
		rels = ptrs
		return err
	})
	if err != nil {
		return nil, err
	}
	return buildState(entities, articles, rels), nil
}

// loadBucket decodes every value of a bucket, in key order, on every CPU: decoding JSON
// is most of the time Open takes.
func loadBucket[T any](ctx context.Context, tx *bbolt.Tx, name []byte) ([]T, error) {
	var keys, values [][]byte // valid while tx is open
	if err := tx.Bucket(name).ForEach(func(k, v []byte) error {
		keys, values = append(keys, k), append(values, v)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	out := make([]T, len(values))
	workers := min(runtime.GOMAXPROCS(0), 1+len(values)/1024)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	share := (len(values) + workers - 1) / workers
	for w := range workers {
		lo, hi := w*share, min((w+1)*share, len(values))
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				if (i-lo)%4096 == 0 && ctx.Err() != nil {
					errs[w] = fmt.Errorf("load %s: %w", name, ctx.Err())
					return
				}
				if err := json.Unmarshal(values[i], &out[i]); err != nil {
					errs[w] = fmt.Errorf("decode %s %q: %w", name, keys[i], err)
					return
				}
			}
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// errClosed is returned by calls on a closed store.
var errClosed = errors.New("bolt store is closed")

// read runs fn under the read lock.
func (s *Store) read(ctx context.Context, fn func(st *state) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return errClosed
	}
	return fn(s.st)
}

// write runs fn on a new transaction and commits what it wrote: first to bbolt, then, once
// that succeeded, to memory, under the write lock so that no read sees half of it.
func (s *Store) write(ctx context.Context, fn func(t *tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if s.db == nil {
		return errClosed
	}
	t := &tx{st: s.st, change: newChange()}
	if err := fn(t); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	last := s.lastChange
	if err := s.db.Update(func(btx *bbolt.Tx) error {
		var changes []graph.RecordChange
		for _, put := range []func() ([]graph.RecordChange, error){
			func() ([]graph.RecordChange, error) {
				return putAll(btx, bucketEntities, graph.EntityRecord, t.entities)
			},
			func() ([]graph.RecordChange, error) {
				return putAll(btx, bucketArticles, graph.ArticleRecord, t.articles)
			},
			func() ([]graph.RecordChange, error) {
				return putAll(btx, bucketRelationships, graph.RelationshipRecord, t.rels)
			},
		} {
			c, err := put()
			if err != nil {
				return err
			}
			changes = append(changes, c...)
		}
		if s.unlogged {
			return nil
		}
		var err error
		last, err = appendLog(btx, t.log, changes, last)
		return err
	}); err != nil {
		return fmt.Errorf("commit to %s: %w", s.path, err)
	}
	s.lastChange = last
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.apply(&t.change)
	return nil
}

// putAll writes records (nil: delete) to the bucket and returns, for the change log, the
// records whose stored value changed, with both values.
func putAll[T any](btx *bbolt.Tx, name []byte, kind graph.Record, records map[string]*T) ([]graph.RecordChange, error) {
	b := btx.Bucket(name)
	var changes []graph.RecordChange
	// bbolt writes pages faster when keys arrive in order.
	for _, id := range slices.Sorted(maps.Keys(records)) {
		rec, key := records[id], []byte(id)
		before := b.Get(key)
		if rec == nil {
			if rc, changed := recordChange(kind, id, before, nil); changed {
				changes = append(changes, rc)
			}
			if err := b.Delete(key); err != nil {
				return nil, fmt.Errorf("delete %s %q: %w", name, id, err)
			}
			continue
		}
		v, err := json.Marshal(rec)
		if err != nil {
			return nil, fmt.Errorf("encode %s %q: %w", name, id, err)
		}
		if rc, changed := recordChange(kind, id, before, v); changed {
			changes = append(changes, rc)
		}
		if err := b.Put(key, v); err != nil {
			return nil, fmt.Errorf("put %s %q: %w", name, id, err)
		}
	}
	return changes, nil
}
