package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/dossiergraph/dossier/graph"
)

// A dump is a full-fidelity backup of a store, as JSON lines:
//
//	{"dossier":"dump","version":1,"created":"2026-12-02T05:00:00Z"}
//	{"entity":{...}}        one line per entity, in graph.Entity's JSON form
//	{"article":{...}}       one line per article
//	{"relationship":{...}}  one line per relationship, negated ones included
//	{"end":{"entities":N,"articles":N,"relationships":N}}
//
// Records carry the domain types as they marshal, so a field that a later version adds to
// them is dumped without a change here. The reader refuses what it does not understand (a
// newer version, an unknown record or field) instead of dropping it, and a file without its
// end line, or whose counts disagree with it, is refused as cut short.
// An added field therefore needs no new version; DumpVersion changes only when the meaning
// of a record does, and the reader then converts the versions it knows.
const (
	DumpMagic   = "dump"
	DumpVersion = 1
	// maxDumpLine bounds one record: the largest valid relationship (200 pieces of evidence
	// of 4000 characters) fits several times over.
	maxDumpLine = 32 << 20
)

// DumpCounts counts the records of a dump.
type DumpCounts struct {
	Entities      int `json:"entities"`
	Articles      int `json:"articles"`
	Relationships int `json:"relationships"`
}

type dumpHeader struct {
	Dossier string `json:"dossier"`
	Version int    `json:"version"`
	Created string `json:"created,omitempty"`
}

// dumpRecord is one line after the header; exactly one field is set.
type dumpRecord struct {
	Entity       *graph.Entity       `json:"entity,omitempty"`
	Article      *graph.Article      `json:"article,omitempty"`
	Relationship *graph.Relationship `json:"relationship,omitempty"`
	End          *DumpCounts         `json:"end,omitempty"`
}

// DumpSource is what Dump reads: the store's scans.
type DumpSource interface {
	ScanEntities(ctx context.Context, fn func(graph.Entity) error) error
	ScanArticles(ctx context.Context, fn func(graph.Article) error) error
	ScanRelationships(ctx context.Context, q graph.RelationshipQuery, fn func(graph.Relationship) error) error
}

// Dump writes everything s holds to w, streaming, and returns the counts it wrote.
func Dump(ctx context.Context, w io.Writer, s DumpSource) (DumpCounts, error) {
	var n DumpCounts
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	err := enc.Encode(dumpHeader{Dossier: DumpMagic, Version: DumpVersion, Created: time.Now().UTC().Format(time.RFC3339)})
	if err == nil {
		err = s.ScanEntities(ctx, func(e graph.Entity) error {
			n.Entities++
			return enc.Encode(dumpRecord{Entity: &e})
		})
	}
	if err == nil {
		err = s.ScanArticles(ctx, func(a graph.Article) error {
			n.Articles++
			return enc.Encode(dumpRecord{Article: &a})
		})
	}
	if err == nil {
		all := graph.RelationshipQuery{RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true, Review: graph.ReviewStates}}
		err = s.ScanRelationships(ctx, all, func(r graph.Relationship) error {
			n.Relationships++
			return enc.Encode(dumpRecord{Relationship: &r})
		})
	}
	if err == nil {
		err = enc.Encode(dumpRecord{End: &n})
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return n, fmt.Errorf("dump: %w", err)
	}
	return n, nil
}

// RestoreOptions says how Restore treats the target store.
type RestoreOptions struct {
	// Force restores into a store that already holds data: records replace those with the
	// same id, and relationships merge their evidence. Without it a non-empty store is
	// refused (ECONFLICT).
	Force bool
}

// Restore reads a dump written by Dump, checks all of it (format, version, every record,
// every reference, the end counts) and applies it to s in one atomic write: all of it or
// nothing. Errors name the line at fault.
func Restore(ctx context.Context, s graph.Store, r io.Reader, opts RestoreOptions) (graph.BatchResult, DumpCounts, error) {
	b, counts, err := readDump(r)
	if err != nil {
		return graph.BatchResult{}, counts, err
	}
	if !opts.Force {
		st, err := s.Stats(ctx)
		if err != nil {
			return graph.BatchResult{}, counts, fmt.Errorf("restore: count the target store: %w", err)
		}
		if st.Entities+st.Articles+st.Relationships > 0 {
			return graph.BatchResult{}, counts, graph.Errorf(graph.ECONFLICT,
				"restore: the target store is not empty (%d entities, %d articles, %d relationships): restore into an empty store, or pass --force to merge the dump into it",
				st.Entities, st.Articles, st.Relationships)
		}
	}
	res, err := b.apply(ctx, s)
	if err != nil {
		return res, counts, fmt.Errorf("restore: %w", err)
	}
	return res, counts, nil
}

// readDump parses a whole dump into a batch.
func readDump(r io.Reader) (*batch, DumpCounts, error) {
	var got DumpCounts
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxDumpLine)
	line := 0
	next := func() ([]byte, bool) {
		for sc.Scan() {
			line++
			if text := bytes.TrimSpace(sc.Bytes()); len(text) > 0 {
				return text, true
			}
		}
		return nil, false
	}
	bad := func(format string, args ...any) error {
		return graph.Errorf(graph.EINVALID, "dump line %d: %s", line, fmt.Sprintf(format, args...))
	}
	text, ok := next()
	if !ok {
		if err := scanError(sc.Err()); err != nil {
			return nil, got, err
		}
		return nil, got, graph.Errorf(graph.EINVALID, "dump is empty: want a file written by dossier dump")
	}
	var h dumpHeader
	if err := json.Unmarshal(text, &h); err != nil || h.Dossier != DumpMagic {
		return nil, got, bad(`not a Dossier dump: the first line must be {"dossier":"dump","version":N}`)
	}
	if h.Version < 1 || h.Version > DumpVersion {
		return nil, got, bad("dump format version %d: this dossier reads versions 1 to %d; use a newer dossier", h.Version, DumpVersion)
	}
	b := &batch{}
	var end *DumpCounts
	for {
		text, ok := next()
		if !ok {
			break
		}
		if end != nil {
			return nil, got, bad("data after the end line")
		}
		var rec dumpRecord
		dec := json.NewDecoder(bytes.NewReader(text))
		// A field this version does not know would be lost on restore: refuse it instead.
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			return nil, got, bad("%v (a record this dossier cannot read whole; a newer dossier may)", err)
		}
		at := fmt.Sprintf("dump line %d", line)
		switch {
		case rec.Entity != nil && rec.Article == nil && rec.Relationship == nil && rec.End == nil:
			b.addEntity(at, *rec.Entity)
			got.Entities++
		case rec.Article != nil && rec.Entity == nil && rec.Relationship == nil && rec.End == nil:
			b.addArticle(at, *rec.Article)
			got.Articles++
		case rec.Relationship != nil && rec.Entity == nil && rec.Article == nil && rec.End == nil:
			b.addRelationship(at, *rec.Relationship)
			got.Relationships++
		case rec.End != nil && rec.Entity == nil && rec.Article == nil && rec.Relationship == nil:
			end = rec.End
		default:
			return nil, got, bad("want exactly one of entity, article, relationship or end")
		}
	}
	if err := scanError(sc.Err()); err != nil {
		return nil, got, err
	}
	if end == nil {
		return nil, got, graph.Errorf(graph.EINVALID, "dump has no end line after line %d: the file is cut short", line)
	}
	if *end != got {
		return nil, got, graph.Errorf(graph.EINVALID, "dump end line counts %d entities, %d articles, %d relationships but the file holds %d, %d, %d",
			end.Entities, end.Articles, end.Relationships, got.Entities, got.Articles, got.Relationships)
	}
	return b, got, nil
}

func scanError(err error) error {
	if errors.Is(err, bufio.ErrTooLong) {
		return graph.Errorf(graph.EINVALID, "dump has a line longer than %d bytes", maxDumpLine)
	}
	if err != nil {
		return fmt.Errorf("read dump: %w", err)
	}
	return nil
}
