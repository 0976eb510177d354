package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"go.etcd.io/bbolt"

	"github.com/dossiergraph/dossier/graph"
)

// The change log lives in two buckets of the same file, written in the transaction of the
// change it describes: changes maps an entry's Seq (8 bytes, big-endian, so keys sort by
// Seq) to the entry's JSON; changesByRecord holds one empty value per record an entry
// changed, under record NUL id NUL seq, so that a record's history is one prefix scan,
// whether or not the record still exists.
var (
	bucketChanges         = []byte("changes")
	bucketChangesByRecord = []byte("changesByRecord")
)

func seqKey(seq int64) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(seq))
}

func recordPrefix(rec graph.Record, id string) []byte {
	return []byte(string(rec) + "\x00" + id + "\x00")
}

// lastLogTime returns the time of the log's last entry, zero for an empty log.
func lastLogTime(db *bbolt.DB) (time.Time, error) {
	var last time.Time
	err := db.View(func(btx *bbolt.Tx) error {
		_, v := btx.Bucket(bucketChanges).Cursor().Last()
		if v == nil {
			return nil
		}
		var err error
		if last, err = entryTime(v); err != nil {
			return fmt.Errorf("decode the last change: %w", err)
		}
		return nil
	})
	return last, err
}

// loggedRecord is one record a write changed, as the log keeps it until it is read: the
// record's binary values (codec.go) before and after, nil for none. Encoding them as JSON
// waits for a reader, so a bulk load does not pay a JSON document per record.
type loggedRecord struct {
	kind          graph.Record
	id            string
	before, after []byte
}

// formatLogEntry starts a binary entry; entries written before it are JSON documents,
// which start with '{', and stay readable.
const formatLogEntry byte = 1

// appendLog writes the entry for the records change changed, unless it changed none, and
// returns its time (last when it wrote none).
func appendLog(btx *bbolt.Tx, change graph.Change, records []loggedRecord, last time.Time) (time.Time, error) {
	if len(records) == 0 {
		return last, nil
	}
	log := btx.Bucket(bucketChanges)
	seq, err := log.NextSequence()
	if err != nil {
		return last, fmt.Errorf("number the change: %w", err)
	}
	at := graph.LogTime(time.Now(), last)
	size := 32 + len(change.Actor) + len(change.Operation)
	for _, rc := range records {
		size += 16 + len(rc.kind) + len(rc.id) + len(rc.before) + len(rc.after)
	}
	enc := encoder{buf: make([]byte, 0, size)}
	enc.format(formatLogEntry)
	enc.int(int(at.UnixNano()))
	enc.str(change.Actor)
	enc.str(change.Operation)
	enc.count(len(records))
	for _, rc := range records {
		enc.str(string(rc.kind))
		enc.str(rc.id)
		enc.str(string(rc.before))
		enc.str(string(rc.after))
	}
	key := seqKey(int64(seq))
	if err := log.Put(key, enc.buf); err != nil {
		return last, fmt.Errorf("write change %d: %w", seq, err)
	}
	// In key order: bbolt inserts each key into its page's sorted list and splits pages
	// only at commit, so a batch's keys out of order (articles sort before entities)
	// moved every key already there, quadratic in a restore's single batch.
	keys := make([][]byte, len(records))
	for i, rc := range records {
		keys[i] = append(recordPrefix(rc.kind, rc.id), key...)
	}
	slices.SortFunc(keys, bytes.Compare)
	index := btx.Bucket(bucketChangesByRecord)
	for _, k := range keys {
		if err := index.Put(k, nil); err != nil {
			return last, fmt.Errorf("index change %d: %w", seq, err)
		}
	}
	return at, nil
}

// decodeLogEntry reads an entry in either form, binary or JSON, as graph.LogEntry.
func decodeLogEntry(seq int64, v []byte) (graph.LogEntry, error) {
	if len(v) > 0 && v[0] == '{' {
		var e graph.LogEntry
		err := json.Unmarshal(v, &e)
		return e, err
	}
	d := storedDecoder(v, nil)
	e := graph.LogEntry{Seq: seq, Time: logTime(d), Actor: d.str(), Operation: d.str()}
	e.Records = make([]graph.RecordChange, d.length())
	for i := range e.Records {
		rc := graph.RecordChange{Record: graph.Record(d.str()), ID: d.str()}
		before, after := d.raw(), d.raw()
		var err error
		if rc.Before, err = recordJSON(rc.Record, before); err == nil {
			rc.After, err = recordJSON(rc.Record, after)
		}
		if err != nil {
			return e, fmt.Errorf("%s %q: %w", rc.Record, rc.ID, err)
		}
		e.Records[i] = rc
	}
	return e, d.done()
}

// logTime reads the time that starts a binary entry.
func logTime(d *decoder) time.Time {
	d.format(formatLogEntry)
	return time.Unix(0, int64(d.int())).UTC()
}

// entryTime returns an entry's time without reading its records.
func entryTime(v []byte) (time.Time, error) {
	if len(v) > 0 && v[0] == '{' {
		var e struct{ Time time.Time }
		err := json.Unmarshal(v, &e)
		return e.Time, err
	}
	d := storedDecoder(v, nil)
	t := logTime(d)
	return t, d.err
}

// recordJSON returns a record's binary value as the JSON the log's readers get, null for
// none: the JSON of the record as the store's readers return it.
func recordJSON(kind graph.Record, v string) (json.RawMessage, error) {
	if v == "" {
		return json.RawMessage("null"), nil
	}
	d := &decoder{s: v}
	var (
		rec any
		err error
	)
	switch kind {
	case graph.EntityRecord:
		rec, err = decodeEntity(d)
	case graph.ArticleRecord:
		rec, err = decodeArticle(d)
	case graph.RelationshipRecord:
		rec, err = decodeRelationship(d)
	default:
		return nil, fmt.Errorf("unknown record kind %q", kind)
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(rec)
}

var _ graph.ChangeLog = (*Store)(nil)

// Changes implements graph.ChangeLog.
func (s *Store) Changes(ctx context.Context, q graph.ChangeQuery) (graph.ChangePage, error) {
	if err := q.Normalize(); err != nil {
		return graph.ChangePage{}, err
	}
	after, _ := q.AfterSeq()
	var page graph.ChangePage
	err := s.read(ctx, func(*state) error {
		return s.db.View(func(btx *bbolt.Tx) error {
			log := btx.Bucket(bucketChanges)
			add := func(key, v []byte) (bool, error) {
				e, err := decodeLogEntry(int64(binary.BigEndian.Uint64(key)), v)
				if err != nil {
					return false, fmt.Errorf("decode change %x: %w", key, err)
				}
				if e.Time.Before(q.Since) {
					return true, nil
				}
				if len(page.Changes) == q.Page.First {
					page.HasNextPage = true
					return false, nil
				}
				page.Changes = append(page.Changes, e)
				return true, ctx.Err()
			}
			if q.ID != "" {
				prefix := recordPrefix(q.Record, q.ID)
				c := btx.Bucket(bucketChangesByRecord).Cursor()
				for k, _ := c.Seek(append(bytes.Clone(prefix), seqKey(after+1)...)); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
					key := k[len(prefix):]
					if more, err := add(key, log.Get(key)); err != nil || !more {
						return err
					}
				}
				return nil
			}
			from := max(after+1, firstSince(log, q.Since))
			c := log.Cursor()
			for k, v := c.Seek(seqKey(from)); k != nil; k, v = c.Next() {
				if more, err := add(k, v); err != nil || !more {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return graph.ChangePage{}, fmt.Errorf("read the change log: %w", err)
	}
	if n := len(page.Changes); n > 0 {
		page.EndCursor = fmt.Sprint(page.Changes[n-1].Seq)
	}
	return page, nil
}

// firstSince returns the Seq of the first entry at or after since (times never decrease
// along the log), by binary search; 1 for a zero since.
func firstSince(log *bbolt.Bucket, since time.Time) int64 {
	if since.IsZero() {
		return 1
	}
	lo, hi := int64(1), int64(log.Sequence())+1 // the answer is in [lo, hi]
	for lo < hi {
		mid := lo + (hi-lo)/2
		if at, err := entryTime(log.Get(seqKey(mid))); err != nil || !at.Before(since) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
