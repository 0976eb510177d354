package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
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
		var e graph.LogEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("decode the last change: %w", err)
		}
		last = e.Time
		return nil
	})
	return last, err
}

// appendLog writes the entry for changes made by change, unless nothing changed, and
// returns its time (last when it wrote none).
func appendLog(btx *bbolt.Tx, change graph.Change, changes []graph.RecordChange, last time.Time) (time.Time, error) {
	if len(changes) == 0 {
		return last, nil
	}
	log := btx.Bucket(bucketChanges)
	seq, err := log.NextSequence()
	if err != nil {
		return last, fmt.Errorf("number the change: %w", err)
	}
	e := graph.LogEntry{Seq: int64(seq), Time: graph.LogTime(time.Now(), last), Actor: change.Actor,
		Operation: change.Operation, Records: changes}
	v, err := json.Marshal(e)
	if err != nil {
		return last, fmt.Errorf("encode change %d: %w", seq, err)
	}
	key := seqKey(e.Seq)
	if err := log.Put(key, v); err != nil {
		return last, fmt.Errorf("write change %d: %w", seq, err)
	}
	index := btx.Bucket(bucketChangesByRecord)
	for _, rc := range changes {
		if err := index.Put(append(recordPrefix(rc.Record, rc.ID), key...), nil); err != nil {
			return last, fmt.Errorf("index change %d: %w", seq, err)
		}
	}
	return e.Time, nil
}

// recordChange returns the change of one record from its stored value (nil: none) to rec
// (nil: deleted), both as JSON, as the log keeps them.
func recordChange[T any](kind graph.Record, id string, stored []byte, rec *T, decode func(*decoder) (T, error)) (graph.RecordChange, error) {
	rc := graph.RecordChange{Record: kind, ID: id, Before: json.RawMessage("null"), After: json.RawMessage("null")}
	if stored != nil {
		old, err := decode(storedDecoder(stored, nil))
		if err != nil {
			return rc, err
		}
		if rc.Before, err = json.Marshal(old); err != nil {
			return rc, err
		}
	}
	if rec != nil {
		var err error
		if rc.After, err = json.Marshal(rec); err != nil {
			return rc, err
		}
	}
	return rc, nil
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
			add := func(v []byte) (bool, error) {
				var e graph.LogEntry
				if err := json.Unmarshal(v, &e); err != nil {
					return false, fmt.Errorf("decode change: %w", err)
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
					if more, err := add(log.Get(k[len(prefix):])); err != nil || !more {
						return err
					}
				}
				return nil
			}
			from := max(after+1, firstSince(log, q.Since))
			c := log.Cursor()
			for k, v := c.Seek(seqKey(from)); k != nil; k, v = c.Next() {
				if more, err := add(v); err != nil || !more {
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
		var e struct{ Time time.Time }
		if v := log.Get(seqKey(mid)); v == nil || json.Unmarshal(v, &e) != nil || !e.Time.Before(since) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
