package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// LogEntry is one entry of a store's change log: one Apply that changed something, who
// made it, when, and every record it changed with its value before and after.
type LogEntry struct {
	// Seq is the entry's position in the log: 1 for the first, one more for each next.
	Seq       int64          `json:"seq"`
	Time      time.Time      `json:"time"` // UTC; never earlier than the entry before
	Actor     string         `json:"actor,omitempty"`
	Operation string         `json:"operation"`
	Records   []RecordChange `json:"records"`
}

// RecordChange is one record an entry changed: its JSON (as the store's readers return
// it) before and after; Before is null for a created record, After for a deleted one. A
// merge changes the survivor and deletes the others, so its entry holds both sides.
type RecordChange struct {
	Record Record          `json:"record"`
	ID     string          `json:"id"`
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

// ChangeQuery asks for a page of the change log in order.
type ChangeQuery struct {
	// Record and ID, when set, keep the entries that changed this record, which need not
	// exist any more: a merged or deleted entity's history stays readable by its old id.
	Record Record
	ID     string
	Since  time.Time // entries at or after this time; zero = from the start
	// Page: After is the Seq (in decimal) of the last entry of the previous page.
	Page Page
}

// Normalize validates q and fills in the page size.
func (q *ChangeQuery) Normalize() error {
	if (q.Record == "") != (q.ID == "") {
		return Errorf(EINVALID, "a history needs both a record and an id")
	}
	if q.Record != "" {
		switch q.Record {
		case EntityRecord, ArticleRecord, RelationshipRecord:
		default:
			return Errorf(EINVALID, "unknown record %q: want entity, article or relationship", Clip(string(q.Record)))
		}
		if err := ValidateID(string(q.Record), q.ID); err != nil {
			return err
		}
	}
	if q.Page.After != "" {
		if _, err := q.AfterSeq(); err != nil {
			return err
		}
	}
	p, err := NormalizePage(q.Page)
	q.Page = p
	return err
}

// AfterSeq returns the Seq named by q.Page.After, 0 for none.
func (q ChangeQuery) AfterSeq() (int64, error) {
	if q.Page.After == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(q.Page.After, 10, 64)
	if err != nil || n < 0 {
		return 0, Errorf(EINVALID, "change cursor %q is not a cursor from a change page", Clip(q.Page.After))
	}
	return n, nil
}

// Touches reports whether e changed the record q asks for (any, when q names none).
func (q ChangeQuery) Touches(e LogEntry) bool {
	if q.ID == "" {
		return true
	}
	for _, rc := range e.Records {
		if rc.Record == q.Record && rc.ID == q.ID {
			return true
		}
	}
	return false
}

// ChangePage is a page of the change log in Seq order.
type ChangePage struct {
	Changes     []LogEntry
	HasNextPage bool
	EndCursor   string // Seq of the page's last entry, "" for an empty page
}

// ChangeLog is an optional capability of a Store that keeps a change log: its Apply
// writes, in the same transaction as the change, one LogEntry for every batch that changed
// a record (a batch that changes nothing leaves no entry), from Batch.Change and the
// records' values before and after, so the log survives whatever the data survives.
// Entries are never changed or removed.
type ChangeLog interface {
	// Changes pages through the entries matching q (checked with q.Normalize) in Seq order.
	Changes(ctx context.Context, q ChangeQuery) (ChangePage, error)
}

// RecordKey names one record of a store.
type RecordKey struct {
	Record Record
	ID     string
}

// Diff builds the record changes between two snapshots of the same records (a missing
// key = no such record), in the order keys lists them, leaving out the unchanged ones.
func Diff(keys []RecordKey, before, after map[RecordKey]any) ([]RecordChange, error) {
	var out []RecordChange
	for _, k := range keys {
		b, err := recordJSON(before[k])
		if err != nil {
			return nil, err
		}
		a, err := recordJSON(after[k])
		if err != nil {
			return nil, err
		}
		if string(a) == string(b) {
			continue
		}
		out = append(out, RecordChange{Record: k.Record, ID: k.ID, Before: b, After: a})
	}
	return out, nil
}

func recordJSON(rec any) (json.RawMessage, error) {
	if rec == nil {
		return json.RawMessage("null"), nil
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encode record for the change log: %w", err)
	}
	return b, nil
}

// LogTime returns the time of an entry that follows one made at last: now in UTC, or
// last when the clock went back, so that the log's times never decrease.
func LogTime(now, last time.Time) time.Time {
	now = now.UTC()
	if now.Before(last) {
		return last
	}
	return now
}
