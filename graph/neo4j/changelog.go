package neo4j

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/dossiergraph/dossier/graph"
)

// The change log is kept in the graph, written by Apply in the transaction of the change:
// one (:Change {seq, time, actor, operation, records}) node per entry, records holding the
// entry's record changes as JSON, and one (:ChangeRecord {key, seq}) node per record it
// changed, key being "record:id", so that a record's history is an index seek whether or
// not the record still exists. The (:ChangeLog) node numbers the entries; updating it
// takes its lock, which orders concurrent writers' entries.

// logTimeLayout is fixed-width, so that times stored as strings compare in time order.
const logTimeLayout = "2006-01-02T15:04:05.000000000Z"

func changeLogSchema() []string {
	return []string{
		"CREATE CONSTRAINT changelog_id IF NOT EXISTS FOR (k:ChangeLog) REQUIRE k.id IS UNIQUE",
		"CREATE CONSTRAINT change_seq IF NOT EXISTS FOR (c:Change) REQUIRE c.seq IS UNIQUE",
		"CREATE INDEX change_time IF NOT EXISTS FOR (c:Change) ON (c.time)",
		"CREATE INDEX change_record IF NOT EXISTS FOR (x:ChangeRecord) ON (x.key, x.seq)",
	}
}

func recordKey(rec graph.Record, id string) string { return string(rec) + ":" + id }

// snapshot is the records a batch may change, read inside its transaction before and
// after it applies.
type snapshot struct {
	keys []graph.RecordKey
}

// changedKeys lists every record b may change: the records it names, and what merges,
// deletions and articles that move to another outlet reach through the graph (retargeted
// or deleted relationships, moved articles, recounted sources).
func changedKeys(ctx context.Context, tx neo4j.ManagedTransaction, b graph.Batch) (snapshot, error) {
	entities, articles, rels := b.WrittenIDs()
	rels = append(rels, b.DeleteRelationships...)
	gone := slices.Clone(b.DeleteEntities)
	for _, m := range b.Merges {
		gone = append(gone, m.Others...)
	}
	entities = append(entities, gone...)
	var moved []string // articles that may change outlet
	if len(gone) > 0 {
		ids, err := column(ctx, tx, `
MATCH (e:Entity)-[r:`+anyRelType()+`]-() WHERE e.id IN $ids RETURN r.id
UNION
MATCH ()-[r:`+anyRelType()+`]->() WHERE any(x IN r.about WHERE x IN $ids) RETURN r.id`, map[string]any{"ids": gone})
		if err != nil {
			return snapshot{}, err
		}
		rels = append(rels, ids...)
		if moved, err = column(ctx, tx, "MATCH (o:Entity)-[:PUBLISHED]->(a:Article) WHERE o.id IN $ids RETURN a.id", map[string]any{"ids": gone}); err != nil {
			return snapshot{}, err
		}
		articles = append(articles, moved...)
	}
	if len(b.Articles) > 0 {
		outlets, err := articleOutlets(ctx, tx, articles)
		if err != nil {
			return snapshot{}, err
		}
		for _, a := range b.Articles {
			if old, ok := outlets[a.ID]; ok && old != a.Outlet {
				moved = append(moved, a.ID)
			}
		}
	}
	if len(moved) > 0 {
		ids, err := column(ctx, tx, "MATCH ()-[r:"+anyRelType()+"]->() WHERE any(a IN r.evidenceArticles WHERE a IN $ids) RETURN r.id",
			map[string]any{"ids": moved})
		if err != nil {
			return snapshot{}, err
		}
		rels = append(rels, ids...)
	}
	var s snapshot
	add := func(rec graph.Record, ids []string) {
		slices.Sort(ids)
		for _, id := range slices.Compact(ids) {
			s.keys = append(s.keys, graph.RecordKey{Record: rec, ID: id})
		}
	}
	add(graph.EntityRecord, entities)
	add(graph.ArticleRecord, articles)
	add(graph.RelationshipRecord, rels)
	return s, nil
}

// read returns the current value of every record of s.
func (s snapshot) read(ctx context.Context, tx neo4j.ManagedTransaction) (map[graph.RecordKey]any, error) {
	ids := map[graph.Record][]string{}
	for _, k := range s.keys {
		ids[k.Record] = append(ids[k.Record], k.ID)
	}
	out := make(map[graph.RecordKey]any, len(s.keys))
	if len(ids[graph.EntityRecord]) > 0 {
		states, err := entityStates(ctx, tx, ids[graph.EntityRecord])
		if err != nil {
			return nil, err
		}
		for id, st := range states {
			out[graph.RecordKey{Record: graph.EntityRecord, ID: id}] = st.Entity
		}
	}
	if len(ids[graph.ArticleRecord]) > 0 {
		articles, err := articlesByID(ctx, tx, ids[graph.ArticleRecord])
		if err != nil {
			return nil, err
		}
		for id, a := range articles {
			out[graph.RecordKey{Record: graph.ArticleRecord, ID: id}] = a
		}
	}
	if len(ids[graph.RelationshipRecord]) > 0 {
		rels, err := relationshipsByID(ctx, tx, ids[graph.RelationshipRecord])
		if err != nil {
			return nil, err
		}
		for id, r := range rels {
			out[graph.RecordKey{Record: graph.RelationshipRecord, ID: id}] = r
		}
	}
	return out, nil
}

// appendLog writes the entry for the records that changed between before and now, unless
// none did.
func (s snapshot) appendLog(ctx context.Context, tx neo4j.ManagedTransaction, change graph.Change, before map[graph.RecordKey]any) error {
	after, err := s.read(ctx, tx)
	if err != nil {
		return err
	}
	changes, err := graph.Diff(s.keys, before, after)
	if err != nil || len(changes) == 0 {
		return err
	}
	records, err := json.Marshal(changes)
	if err != nil {
		return fmt.Errorf("encode the change: %w", err)
	}
	keys := make([]string, len(changes))
	for i, rc := range changes {
		keys[i] = recordKey(rc.Record, rc.ID)
	}
	_, err = run(ctx, tx, `
MERGE (k:ChangeLog {id: 'log'})
SET k.seq = coalesce(k.seq, 0) + 1,
    k.time = CASE WHEN k.time IS NULL OR k.time < $now THEN $now ELSE k.time END
CREATE (c:Change {seq: k.seq, time: k.time, actor: $actor, operation: $operation, records: $records})
WITH c
UNWIND $keys AS key
CREATE (:ChangeRecord {key: key, seq: c.seq})`, map[string]any{
		"now": time.Now().UTC().Format(logTimeLayout), "actor": stringOrNull(change.Actor),
		"operation": change.Operation, "records": string(records), "keys": keys,
	})
	if err != nil {
		return fmt.Errorf("write the change log: %w", err)
	}
	return nil
}

// column runs a statement and returns its records' first values as strings.
func column(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]string, error) {
	recs, err := run(ctx, tx, cypher, params)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(recs))
	for i, rec := range recs {
		out[i], _ = rec.Values[0].(string)
	}
	return out, nil
}

var _ graph.ChangeLog = (*Store)(nil)

// Changes implements graph.ChangeLog.
func (s *Store) Changes(ctx context.Context, q graph.ChangeQuery) (graph.ChangePage, error) {
	if err := q.Normalize(); err != nil {
		return graph.ChangePage{}, err
	}
	after, _ := q.AfterSeq()
	params := map[string]any{"after": after, "since": q.Since.UTC().Format(logTimeLayout), "limit": q.Page.First + 1}
	cypher := `
MATCH (c:Change) WHERE c.seq > $after AND c.time >= $since
RETURN c {.*} ORDER BY c.seq LIMIT $limit`
	if q.ID != "" {
		params["key"] = recordKey(q.Record, q.ID)
		cypher = `
MATCH (x:ChangeRecord) WHERE x.key = $key AND x.seq > $after
WITH x.seq AS seq ORDER BY seq
MATCH (c:Change {seq: seq}) WHERE c.time >= $since
RETURN c {.*} ORDER BY c.seq LIMIT $limit`
	}
	return read(ctx, s, "read the change log", func(tx neo4j.ManagedTransaction) (graph.ChangePage, error) {
		recs, err := run(ctx, tx, cypher, params)
		if err != nil {
			return graph.ChangePage{}, err
		}
		var page graph.ChangePage
		for _, rec := range recs {
			if len(page.Changes) == q.Page.First {
				page.HasNextPage = true
				break
			}
			e, err := toLogEntry(rec.Values[0])
			if err != nil {
				return graph.ChangePage{}, err
			}
			page.Changes = append(page.Changes, e)
		}
		if n := len(page.Changes); n > 0 {
			page.EndCursor = strconv.FormatInt(page.Changes[n-1].Seq, 10)
		}
		return page, nil
	})
}

func toLogEntry(v any) (graph.LogEntry, error) {
	m, _ := v.(map[string]any)
	seq, _ := m["seq"].(int64)
	e := graph.LogEntry{Seq: seq, Actor: str(m, "actor"), Operation: str(m, "operation")}
	t, err := time.Parse(logTimeLayout, str(m, "time"))
	if err != nil {
		return e, fmt.Errorf("change %d: time: %w", seq, err)
	}
	e.Time = t
	if err := json.Unmarshal([]byte(str(m, "records")), &e.Records); err != nil {
		return e, fmt.Errorf("change %d: records: %w", seq, err)
	}
	return e, nil
}
