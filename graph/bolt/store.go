// Package bolt is Dossier's default store: the graph lives in one bbolt file, as binary
// values (codec.go) in a bucket per kind of record, and in memory, with indexes for lookups and traversals
// rebuilt on Open. Every acknowledged write is committed (and fsynced) to the file before
// memory changes, so a failed commit leaves the store as it was.
package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/dossiergraph/dossier/graph"
)

// FileName is the name of the database file inside the store's directory.
const FileName = "dossier.db"

// schemaVersion is the layout of the buckets; Open refuses files of another version.
const schemaVersion = "2"

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
	// writeMu lets one group of writes at a time prepare and commit (see write). Preparing
	// only reads the state, so readers go on meanwhile, and wait only while a committed
	// change is applied to memory under mu.
	writeMu sync.Mutex
	queueMu sync.Mutex
	queue   []*pendingWrite // writes waiting for the next group, under queueMu
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

// initialMmapSize is how much of the file bbolt maps from the start. Each time a commit
// grows the file past the map, bbolt maps it again and first copies every page the
// transaction holds out of the old map: a restore's single transaction of 500k
// relationships did that a dozen times. Mapping 1 GiB of address space from the start costs
// no memory (pages are read in when touched), except on Windows, where bbolt grows the file
// to the map's size; a 32-bit process keeps its scarce address space.
func initialMmapSize() int {
	if runtime.GOOS == "windows" || strconv.IntSize < 64 {
		return 0
	}
	return 1 << 30
}

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
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: lockTimeout, InitialMmapSize: initialMmapSize()})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: the store is locked, another dossier process is using it: %w", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := migrate(ctx, db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("prepare %s: %w", path, err)
	}
	st, err := load(ctx, db)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	// Decoding leaves as much garbage as the records it kept: hand it back to the system
	// now rather than keep the peak resident for the life of the process.
	debug.FreeOSMemory()
	last, err := lastLogTime(db)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	if err := releaseMapped(db); err != nil {
		_ = db.Close()
		return nil, err
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

// migrate creates the buckets, checks the schema version and converts a store of
// version 1 (JSON records) to version 2 (binary records, see codec.go) in one transaction,
// so a conversion that fails leaves the file as it was.
func migrate(ctx context.Context, db *bbolt.DB) error {
	return db.Update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketEntities, bucketArticles, bucketRelationships, bucketMeta, bucketChanges, bucketChangesByRecord} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch v := meta.Get(keySchema); {
		case v == nil:
		case string(v) == schemaVersion:
			return nil
		case string(v) == "1":
			if err := convertV1(ctx, tx); err != nil {
				return fmt.Errorf("convert schema 1 to %s: %w", schemaVersion, err)
			}
		default:
			return fmt.Errorf("schema version is %q, this dossier reads version %q", v, schemaVersion)
		}
		return meta.Put(keySchema, []byte(schemaVersion))
	})
}

// convertV1 rewrites every record of a schema 1 store from JSON to the binary form.
func convertV1(ctx context.Context, tx *bbolt.Tx) error {
	for _, c := range []struct {
		name    []byte
		convert func([]byte) ([]byte, error)
	}{
		{bucketEntities, fromJSON(encodeEntity)},
		{bucketArticles, fromJSON(encodeArticle)},
		{bucketRelationships, fromJSON(encodeRelationship)},
	} {
		b := tx.Bucket(c.name)
		var keys, values [][]byte
		// bbolt forbids writing to a bucket while iterating it: convert first, put after.
		if err := b.ForEach(func(k, v []byte) error {
			if len(keys)%4096 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			bin, err := c.convert(v)
			if err != nil {
				return fmt.Errorf("decode %s %q: %w", c.name, k, err)
			}
			keys, values = append(keys, bytes.Clone(k)), append(values, bin)
			return nil
		}); err != nil {
			return err
		}
		b.FillPercent = sequentialFill
		for i, k := range keys {
			if err := b.Put(k, values[i]); err != nil {
				return fmt.Errorf("put %s %q: %w", c.name, k, err)
			}
		}
	}
	return nil
}

func fromJSON[T any](encode func(*T) []byte) func([]byte) ([]byte, error) {
	return func(v []byte) ([]byte, error) {
		var rec T
		if err := json.Unmarshal(v, &rec); err != nil {
			return nil, err
		}
		return encode(&rec), nil
	}
}

// sequentialFill is how full bbolt packs a page when keys arrive in order, as a bulk load's
// and a conversion's do: fuller pages make a smaller file, which Open reads faster. Random
// inserts into such pages split them, so only writes in key order use it.
const sequentialFill = 0.95

// load reads every record into a new state. bbolt yields keys in byte order, which is Go's
// string order, so the records come sorted by id. Entities come first, so that the strings
// articles and relationships repeat (entity and article ids, kinds, dates) are shared.
//
// Filling the state with entities runs on one CPU; meanwhile another decodes the articles
// and reads the relationships' values out of bbolt, which need nothing of the state yet.
func load(ctx context.Context, db *bbolt.DB) (*state, error) {
	// bbolt's transactions are not safe to share between goroutines: each reader has its
	// own. Nothing writes while the store opens, so they read the same data.
	etx, err := db.Begin(false)
	if err != nil {
		return nil, err
	}
	defer etx.Rollback() //nolint:errcheck // read-only: nothing to lose
	atx, err := db.Begin(false)
	if err != nil {
		return nil, err
	}
	defer atx.Rollback() //nolint:errcheck // read-only

	var (
		articles      []string
		relKeys, rels [][]byte // valid while atx is open
		articleErr    error
		readArticles  sync.WaitGroup
	)
	readArticles.Go(func() {
		if articles, articleErr = loadBucket(ctx, atx, bucketArticles, func() interner { return nil }, into(keepArticle)); articleErr == nil {
			relKeys, rels, articleErr = readBucket(atx, bucketRelationships)
		}
	})
	entities, err := loadBucket(ctx, etx, bucketEntities, func() interner { return newInterner() }, into(decodeEntity))
	if err != nil {
		readArticles.Wait()
		return nil, err
	}
	st := newState(len(entities), etx.Bucket(bucketArticles).Stats().KeyN)
	st.addEntities(entities)
	readArticles.Wait()
	if articleErr != nil {
		return nil, articleErr
	}
	st.addArticles(articles)
	values, err := decodeAll(ctx, bucketRelationships, relKeys, rels, func() interner { return nil }, func(d *decoder, v *string) error {
		*v = d.clone(d.s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := st.addRelationships(ctx, values); err != nil {
		return nil, err
	}
	return st, nil
}

// keepArticle returns a copy of the article's value, checked: memory holds articles
// encoded (see state.articles).
func keepArticle(d *decoder) (string, error) {
	v := strings.Clone(d.s)
	_, err := decodeArticle(&decoder{s: v})
	return v, err
}

// newInterner returns an interner that keeps its own copies. Each decoding worker has its
// own, so none needs a lock.
func newInterner() interner {
	own := map[string]string{}
	return func(v string) string {
		if s, ok := own[v]; ok {
			return s
		}
		s := strings.Clone(v)
		own[s] = s
		return s
	}
}

// into turns a decoder that returns its record into one that stores it in place.
func into[T any](decode func(*decoder) (T, error)) func(*decoder, *T) error {
	return func(d *decoder, rec *T) error {
		var err error
		*rec, err = decode(d)
		return err
	}
}

// loadBucket decodes every value of a bucket, in key order, on every CPU, each into its
// place in the array returned.
func loadBucket[T any](ctx context.Context, tx *bbolt.Tx, name []byte, newIntern func() interner, decode func(*decoder, *T) error) ([]T, error) {
	keys, values, err := readBucket(tx, name)
	if err != nil {
		return nil, err
	}
	return decodeAll(ctx, name, keys, values, newIntern, decode)
}

// readBucket returns the keys and values of a bucket, in key order, valid while tx is open.
func readBucket(tx *bbolt.Tx, name []byte) (keys, values [][]byte, err error) {
	if err := tx.Bucket(name).ForEach(func(k, v []byte) error {
		keys, values = append(keys, k), append(values, v)
		return nil
	}); err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", name, err)
	}
	return keys, values, nil
}

// decodeAll decodes the values of bucket name on every CPU, each into its place in the
// array returned.
func decodeAll[T any](ctx context.Context, name []byte, keys, values [][]byte, newIntern func() interner, decode func(*decoder, *T) error) ([]T, error) {
	out := make([]T, len(values))
	workers := min(runtime.GOMAXPROCS(0), 1+len(values)/1024)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	share := (len(values) + workers - 1) / workers
	for w := range workers {
		lo, hi := w*share, min((w+1)*share, len(values))
		wg.Go(func() {
			intern := newIntern()
			// One decoder per worker: decode's argument escapes, so one per value would be
			// garbage, allocated between the records kept.
			var d decoder
			var own arena
			for i := lo; i < hi; i++ {
				if (i-lo)%4096 == 0 && ctx.Err() != nil {
					errs[w] = fmt.Errorf("load %s: %w", name, ctx.Err())
					return
				}
				d = *storedDecoder(values[i], intern)
				d.arena = &own
				if err := decode(&d, &out[i]); err != nil {
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

// putAll writes records (nil: delete) to the bucket and returns, for the change log, the
// records whose stored value changed.
func putAll[T any](btx *bbolt.Tx, name []byte, kind graph.Record, records map[string]*T, encode func(*T) []byte) ([]loggedRecord, error) {
	b := btx.Bucket(name)
	ids := slices.Sorted(maps.Keys(records))
	// bbolt writes pages faster when keys arrive in order; keys all past the last one, as
	// in a bulk load, may fill pages fully, and have no stored value to look up.
	fresh := false
	if c := b.Cursor(); len(ids) > 0 {
		if last, _ := c.Last(); last == nil || string(last) < ids[0] {
			b.FillPercent, fresh = sequentialFill, true
		}
	}
	changes := make([]loggedRecord, 0, len(ids))
	for _, id := range ids {
		rec, key := records[id], []byte(id)
		var stored []byte
		if !fresh {
			stored = b.Get(key)
		}
		var value []byte
		if rec != nil {
			if value = encode(rec); bytes.Equal(stored, value) {
				continue
			}
		} else if stored == nil {
			continue
		}
		// stored lives in bbolt's memory, which the transaction may remap.
		changes = append(changes, loggedRecord{kind: kind, id: id, before: bytes.Clone(stored), after: value})
		var err error
		if rec == nil {
			err = b.Delete(key)
		} else {
			err = b.Put(key, value)
		}
		if err != nil {
			return nil, fmt.Errorf("write %s %q: %w", name, id, err)
		}
	}
	return changes, nil
}
