package neo4j

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/dossiergraph/dossier/graph"
)

// Apply implements graph.Applier in one write transaction. Items are applied in batch order
// (a later item with the same id replaces or, for relationships, merges into an earlier
// one); the statements themselves are batched with UNWIND.
func (s *Store) Apply(ctx context.Context, b graph.Batch) (graph.BatchResult, error) {
	if err := b.Validate(); err != nil {
		return graph.BatchResult{}, err
	}
	return write(ctx, s, "apply batch", func(tx neo4j.ManagedTransaction) (graph.BatchResult, error) {
		var res graph.BatchResult
		l := &txLookup{ctx: ctx, tx: tx}
		if err := b.CheckRequire(l); err != nil {
			return res, err
		}
		var err error
		if b, err = b.Expand(l); err != nil {
			return res, err
		}
		var (
			log    snapshot
			before map[graph.RecordKey]any
		)
		if !s.unlogged {
			if log, err = changedKeys(ctx, tx, b); err != nil {
				return res, err
			}
			if before, err = log.read(ctx, tx); err != nil {
				return res, err
			}
		}
		stored, err := upsert(ctx, tx, l, b, &res)
		if err != nil {
			return res, err
		}
		for _, m := range b.Merges {
			merged, err := merge(ctx, tx, l, m)
			if err != nil {
				return res, err
			}
			stored.entities[merged.ID] = merged
		}
		if len(b.DeleteRelationships) > 0 {
			existing, err := l.relationshipsByID(b.DeleteRelationships)
			if err != nil {
				return res, err
			}
			for _, id := range graph.Dedupe(b.DeleteRelationships) {
				if _, ok := existing[id]; !ok {
					return res, graph.Errorf(graph.ENOTFOUND, "relationship %q does not exist", id)
				}
			}
			if err := deleteRelationships(ctx, tx, graph.Dedupe(b.DeleteRelationships)); err != nil {
				return res, err
			}
			res.RelationshipsDeleted += len(existing)
		}
		for _, id := range graph.Dedupe(b.DeleteEntities) {
			if err := deleteEntity(ctx, tx, l, id); err != nil {
				return res, err
			}
			res.EntitiesDeleted++
		}
		if !s.unlogged {
			if err := log.appendLog(ctx, tx, b.Change, before); err != nil {
				return res, err
			}
		}
		if b.Return {
			res.Stored, err = b.StoredIn(stored)
		}
		return res, err
	})
}

// txLookup implements graph.Lookup in a transaction. What it reads for the preconditions
// serves the batch's first read of the same records too, which comes before any write
// that could change them: a single write then reads each record once.
type txLookup struct {
	ctx context.Context
	tx  neo4j.ManagedTransaction

	entityIDs, relIDs []string // what the preconditions asked for
	entities          map[string]entityState
	rels              map[string]graph.Relationship
}

func (l *txLookup) Entities(ids []string) (map[string]graph.Entity, error) {
	states, err := entityStates(l.ctx, l.tx, ids)
	if err != nil {
		return nil, err
	}
	l.entityIDs, l.entities = ids, states
	out := make(map[string]graph.Entity, len(states))
	for id, st := range states {
		out[id] = st.Entity
	}
	return out, nil
}

func (l *txLookup) Relationships(ids []string) (map[string]graph.Relationship, error) {
	rels, err := relationshipsByID(l.ctx, l.tx, ids)
	if err != nil {
		return nil, err
	}
	l.relIDs, l.rels = ids, maps.Clone(rels)
	return rels, nil
}

// entityStates reads ids, or takes them from the preconditions' read, once.
func (l *txLookup) entityStates(ids []string) (map[string]entityState, error) {
	if st := l.entities; st != nil && slices.Equal(ids, l.entityIDs) {
		l.entities = nil
		return st, nil
	}
	return entityStates(l.ctx, l.tx, ids)
}

// relationshipsByID reads ids, or takes them from the preconditions' read, once.
func (l *txLookup) relationshipsByID(ids []string) (map[string]graph.Relationship, error) {
	if rels := l.rels; rels != nil && slices.Equal(ids, l.relIDs) {
		l.rels = nil
		return rels, nil
	}
	return relationshipsByID(l.ctx, l.tx, ids)
}

func (l *txLookup) Articles(ids []string) (map[string]graph.Article, error) {
	return articlesByID(l.ctx, l.tx, ids)
}

// written holds the records a batch wrote, as stored, by id; as a graph.Lookup it answers
// Batch.StoredIn without reading them back.
type written struct {
	entities map[string]graph.Entity
	articles map[string]graph.Article
	rels     map[string]graph.Relationship
}

func (w written) Entities([]string) (map[string]graph.Entity, error)  { return w.entities, nil }
func (w written) Articles([]string) (map[string]graph.Article, error) { return w.articles, nil }
func (w written) Relationships([]string) (map[string]graph.Relationship, error) {
	return w.rels, nil
}

// upsert writes the batch's entities, articles and relationships.
func upsert(ctx context.Context, tx neo4j.ManagedTransaction, l *txLookup, b graph.Batch, res *graph.BatchResult) (written, error) {
	out := written{entities: map[string]graph.Entity{}, articles: map[string]graph.Article{}, rels: map[string]graph.Relationship{}}
	if len(b.Entities) > 0 {
		states, err := l.entityStates(idsOf(b.Entities, func(e graph.Entity) string { return e.ID }))
		if err != nil {
			return out, err
		}
		for _, e := range b.Entities {
			if old, ok := states[e.ID]; ok {
				if err := graph.CheckKindChange(old.Entity, old.published, e.Kind); err != nil {
					return out, err
				}
				res.EntitiesUpdated++
			} else {
				res.EntitiesCreated++
			}
			out.entities[e.ID] = e.Canonical()
		}
		if err := putEntities(ctx, tx, mapValues(out.entities)); err != nil {
			return out, err
		}
	}

	var outletChanged []string
	if len(b.Articles) > 0 {
		if err := checkOutlets(ctx, tx, b.Articles); err != nil {
			return out, err
		}
		outlets, err := articleOutlets(ctx, tx, idsOf(b.Articles, func(a graph.Article) string { return a.ID }))
		if err != nil {
			return out, err
		}
		for _, a := range b.Articles {
			if old, ok := outlets[a.ID]; ok {
				res.ArticlesUpdated++
				if old != a.Outlet {
					outletChanged = append(outletChanged, a.ID)
				}
			} else {
				res.ArticlesCreated++
			}
			outlets[a.ID] = a.Outlet
			out.articles[a.ID] = a.Canonical()
		}
		if err := putArticles(ctx, tx, mapValues(out.articles)); err != nil {
			return out, err
		}
	}

	if len(b.Relationships) > 0 {
		rels, err := l.relationshipsByID(idsOf(b.Relationships, func(r graph.Relationship) string { return r.ID }))
		if err != nil {
			return out, err
		}
		replaced := make([]string, 0, len(rels))
		for id := range rels {
			replaced = append(replaced, id)
		}
		// Stored evidence merges into the batch's, so its articles need looking up too.
		refs, err := lookupRefs(ctx, tx, slices.Concat(b.Relationships, mapValues(rels)))
		if err != nil {
			return out, err
		}
		for _, r := range b.Relationships {
			old, found := rels[r.ID]
			if r, err = res.Upsert(old, found, r); err != nil {
				return out, err
			}
			if r, err = refs.finish(r); err != nil {
				return out, err
			}
			rels[r.ID], out.rels[r.ID] = r, r
		}
		if err := deleteRelationships(ctx, tx, replaced); err != nil {
			return out, err
		}
		if err := createRelationships(ctx, tx, mapValues(out.rels)); err != nil {
			return out, err
		}
	}
	return out, recountSources(ctx, tx, outletChanged)
}

// merge applies m in Cypher and returns the survivor as stored.
func merge(ctx context.Context, tx neo4j.ManagedTransaction, l *txLookup, m graph.Merge) (graph.Entity, error) {
	m.Others = graph.Dedupe(m.Others)
	states, err := l.entityStates(append([]string{m.Survivor}, m.Others...))
	if err != nil {
		return graph.Entity{}, err
	}
	surv, ok := states[m.Survivor]
	if !ok {
		return graph.Entity{}, graph.ErrMissing("merge survivor", "entity", m.Survivor)
	}
	gone := make([]graph.Entity, len(m.Others))
	for i, id := range m.Others {
		st, ok := states[id]
		if !ok {
			return graph.Entity{}, graph.ErrMissing("merge", "entity", id)
		}
		if err := graph.CheckKindChange(st.Entity, st.published, surv.Kind); err != nil {
			return graph.Entity{}, err
		}
		gone[i] = st.Entity
	}
	merged, err := m.Merged(surv.Entity, gone)
	if err != nil {
		return graph.Entity{}, err
	}
	// Articles move by their PUBLISHED edge; their relationships' source counts follow.
	recs, err := run(ctx, tx, `
MATCH (o:Entity)-[p:PUBLISHED]->(a:Article) WHERE o.id IN $others
MATCH (s:Entity {id: $survivor})
CREATE (s)-[:PUBLISHED]->(a)
DELETE p
RETURN a.id`, map[string]any{"others": m.Others, "survivor": m.Survivor})
	if err != nil {
		return graph.Entity{}, err
	}
	moved := make([]string, len(recs))
	for i, rec := range recs {
		moved[i], _ = rec.Values[0].(string)
	}
	// Relationships cannot change ends in Neo4j: the ones touching the others are written
	// anew, and About lists are rewritten.
	rels, err := run(ctx, tx, `
MATCH (e:Entity)-[r:`+anyRelType()+`]-() WHERE e.id IN $others
RETURN `+relMap("r")+` AS rel
UNION
MATCH (:Entity)-[r:`+anyRelType()+`]->() WHERE any(x IN r.about WHERE x IN $others)
RETURN `+relMap("r")+` AS rel`, map[string]any{"others": m.Others})
	if err != nil {
		return graph.Entity{}, err
	}
	changed := map[string]graph.Relationship{}
	for _, rec := range rels {
		r := m.Retarget(toRelationship(rec.Values[0]))
		changed[r.ID] = r
	}
	if err := putRelationships(ctx, tx, mapValues(changed)); err != nil {
		return graph.Entity{}, err
	}
	if _, err := run(ctx, tx, "MATCH (n:Entity) WHERE n.id IN $others DETACH DELETE n", map[string]any{"others": m.Others}); err != nil {
		return graph.Entity{}, err
	}
	if err := putEntities(ctx, tx, []graph.Entity{merged}); err != nil {
		return graph.Entity{}, err
	}
	return merged, recountSources(ctx, tx, moved)
}

// deleteEntity deletes the entity, the relationships it is an end of, and its mentions in
// About.
func deleteEntity(ctx context.Context, tx neo4j.ManagedTransaction, l *txLookup, id string) error {
	states, err := l.entityStates([]string{id})
	if err != nil {
		return err
	}
	old, ok := states[id]
	if !ok {
		return graph.ErrMissing("delete", "entity", id)
	}
	if err := graph.CheckDeletable(id, old.published); err != nil {
		return err
	}
	recs, err := run(ctx, tx, "MATCH (:Entity {id: $id})-[r:"+anyRelType()+"]-() RETURN DISTINCT r.id", map[string]any{"id": id})
	if err != nil {
		return err
	}
	touching := make([]string, len(recs))
	for i, rec := range recs {
		touching[i], _ = rec.Values[0].(string)
	}
	if err := deleteRelationships(ctx, tx, touching); err != nil {
		return err
	}
	if _, err := run(ctx, tx, `
MATCH (:Entity)-[r:`+anyRelType()+`]->() WHERE $id IN r.about
WITH r, [x IN r.about WHERE x <> $id] AS rest
SET r.about = CASE WHEN size(rest) = 0 THEN null ELSE rest END`, map[string]any{"id": id}); err != nil {
		return err
	}
	_, err = run(ctx, tx, "MATCH (n:Entity {id: $id}) DETACH DELETE n", map[string]any{"id": id})
	return err
}

// entityState is a stored entity and how many articles it published.
type entityState struct {
	graph.Entity
	published int
}

func entityStates(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string]entityState, error) {
	recs, err := run(ctx, tx, `
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN DISTINCT n {.*} AS n, COUNT { (n)-[:PUBLISHED]->(:Article) } AS published`, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	out := make(map[string]entityState, len(recs))
	for _, rec := range recs {
		st := entityState{Entity: toEntity(rec.Values[0])}
		n, _ := rec.Values[1].(int64)
		st.published = int(n)
		out[st.ID] = st
	}
	return out, nil
}

// putEntities creates or replaces entities, one statement per kind since the kind's label
// is part of the statement.
func putEntities(ctx context.Context, tx neo4j.ManagedTransaction, es []graph.Entity) error {
	for _, kind := range graph.Kinds {
		var rows []any
		for _, e := range es {
			if e.Kind == kind {
				rows = append(rows, entityProps(e))
			}
		}
		if len(rows) == 0 {
			continue
		}
		cypher := `
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n = row
REMOVE n:` + allKindLabels() + `
SET n:` + kindLabels[kind]
		if _, err := run(ctx, tx, cypher, map[string]any{"rows": rows}); err != nil {
			return fmt.Errorf("write %s entities: %w", kind, err)
		}
	}
	return nil
}

// checkOutlets checks that every article's outlet exists and is an OUTLET.
func checkOutlets(ctx context.Context, tx neo4j.ManagedTransaction, articles []graph.Article) error {
	states, err := entityStates(ctx, tx, idsOf(articles, func(a graph.Article) string { return a.Outlet }))
	if err != nil {
		return err
	}
	for _, a := range articles {
		outlet, ok := states[a.Outlet]
		if !ok {
			return graph.ErrMissing("article "+a.ID+": outlet", "entity", a.Outlet)
		}
		if outlet.Kind != graph.Outlet {
			return graph.ErrOutletKind(a.ID, outlet.Entity)
		}
	}
	return nil
}

// articleOutlets returns the outlet of each existing article among ids.
func articleOutlets(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string]string, error) {
	recs, err := run(ctx, tx, `
UNWIND $ids AS id
MATCH (o:Entity)-[:PUBLISHED]->(a:Article {id: id})
RETURN DISTINCT a.id, o.id`, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(recs))
	for _, rec := range recs {
		a, _ := rec.Values[0].(string)
		o, _ := rec.Values[1].(string)
		out[a] = o
	}
	return out, nil
}

// putArticles creates or replaces articles and their PUBLISHED edge.
func putArticles(ctx context.Context, tx neo4j.ManagedTransaction, articles []graph.Article) error {
	if len(articles) == 0 {
		return nil
	}
	rows := anyList(articles, func(a graph.Article) map[string]any {
		return map[string]any{"props": articleProps(a), "outlet": a.Outlet}
	})
	_, err := run(ctx, tx, `
UNWIND $rows AS row
MERGE (a:Article {id: row.props.id})
SET a = row.props
WITH a, row
OPTIONAL MATCH (:Entity)-[p:PUBLISHED]->(a)
DELETE p
WITH DISTINCT a, row
MATCH (o:Entity {id: row.outlet})
CREATE (o)-[:PUBLISHED]->(a)`, map[string]any{"rows": rows})
	if err != nil {
		return fmt.Errorf("write articles: %w", err)
	}
	return nil
}

// refs holds what finishing relationships needs to know about the entities and articles
// they name.
type refs struct {
	entities map[string]bool
	outlets  map[string]string // article → outlet
}

// lookupRefs reads the entities and articles rels refer to.
func lookupRefs(ctx context.Context, tx neo4j.ManagedTransaction, rels []graph.Relationship) (refs, error) {
	var entityIDs, articleIDs []string
	for _, r := range rels {
		entityIDs = append(entityIDs, r.Ends()...)
		articleIDs = append(articleIDs, r.Articles()...)
	}
	recs, err := run(ctx, tx, "UNWIND $ids AS id MATCH (n:Entity {id: id}) RETURN DISTINCT n.id", map[string]any{"ids": entityIDs})
	if err != nil {
		return refs{}, err
	}
	out := refs{entities: map[string]bool{}}
	for _, rec := range recs {
		id, _ := rec.Values[0].(string)
		out.entities[id] = true
	}
	if out.outlets, err = articleOutlets(ctx, tx, articleIDs); err != nil {
		return refs{}, err
	}
	return out, nil
}

// finish checks r's references and returns it as stored: evidence merged by article,
// About without repeats, SourceCount computed.
func (rf refs) finish(r graph.Relationship) (graph.Relationship, error) {
	what := "relationship " + r.ID
	for _, id := range r.Ends() {
		if !rf.entities[id] {
			return r, graph.ErrMissing(what, "entity", id)
		}
	}
	for _, ev := range r.Evidence {
		if _, ok := rf.outlets[ev.Article]; !ok {
			return r, graph.ErrMissing(what, "evidence article", ev.Article)
		}
	}
	r = r.Canonical()
	r.SourceCount = graph.CountSources(r.Evidence, func(a string) string { return rf.outlets[a] })
	return r, nil
}

// putRelationships writes rels, replacing any stored relationship with the same id
// (whatever its type: a relationship cannot change type or ends in Neo4j).
func putRelationships(ctx context.Context, tx neo4j.ManagedTransaction, rels []graph.Relationship) error {
	if err := deleteRelationships(ctx, tx, idsOf(rels, func(r graph.Relationship) string { return r.ID })); err != nil {
		return err
	}
	return createRelationships(ctx, tx, rels)
}

// deleteRelationships deletes the relationships and their Unnamed counterparts.
func deleteRelationships(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := run(ctx, tx, relsByID(`
WITH r, endNode(r) AS end
DELETE r
WITH end WHERE end:`+unnamedLabel+`
DELETE end`), map[string]any{"ids": ids})
	if err != nil {
		return fmt.Errorf("delete relationships: %w", err)
	}
	return nil
}

// createRelationships creates rels, whose ends must exist, with one statement per type
// and shape (with a To, or with an Unnamed counterpart).
func createRelationships(ctx context.Context, tx neo4j.ManagedTransaction, rels []graph.Relationship) error {
	for _, t := range graph.RelationTypes {
		typ, err := relType(t)
		if err != nil {
			return err
		}
		var named, unnamed []any
		for _, r := range rels {
			if r.Type != t {
				continue
			}
			row := map[string]any{"from": r.From, "to": r.To, "props": relProps(r)}
			if r.To == "" {
				unnamed = append(unnamed, row)
			} else {
				named = append(named, row)
			}
		}
		for _, batch := range []struct {
			rows   []any
			cypher string
		}{
			{named, `
UNWIND $rows AS row
MATCH (f:Entity {id: row.from}), (t:Entity {id: row.to})
CREATE (f)-[r:` + typ + `]->(t)
SET r = row.props
RETURN count(r)`},
			{unnamed, `
UNWIND $rows AS row
MATCH (f:Entity {id: row.from})
CREATE (f)-[r:` + typ + `]->(:` + unnamedLabel + `)
SET r = row.props
RETURN count(r)`},
		} {
			if len(batch.rows) == 0 {
				continue
			}
			rec, err := single(ctx, tx, batch.cypher, map[string]any{"rows": batch.rows})
			if err != nil {
				return fmt.Errorf("write %s relationships: %w", t, err)
			}
			// Ends were checked in this transaction, so a shortfall is a fault.
			if n, _ := rec.Values[0].(int64); int(n) != len(batch.rows) {
				return fmt.Errorf("write %s relationships: wrote %d of %d", t, n, len(batch.rows))
			}
		}
	}
	return nil
}

// recountSources recomputes the source count of every relationship citing one of
// articles, after their outlets changed.
func recountSources(ctx context.Context, tx neo4j.ManagedTransaction, articles []string) error {
	if len(articles) == 0 {
		return nil
	}
	_, err := run(ctx, tx, `
MATCH (:Entity)-[r:`+anyRelType()+`]->() WHERE any(a IN r.evidenceArticles WHERE a IN $articles)
CALL {
  WITH r
  UNWIND r.evidenceArticles AS article
  MATCH (o:Entity)-[:PUBLISHED]->(:Article {id: article})
  RETURN count(DISTINCT o) AS sources
}
SET r.sourceCount = sources`, map[string]any{"articles": articles})
	if err != nil {
		return fmt.Errorf("recount sources: %w", err)
	}
	return nil
}

// idsOf returns the id of each item.
func idsOf[T any](items []T, id func(T) string) []string {
	ids := make([]string, len(items))
	for i, item := range items {
		ids[i] = id(item)
	}
	return ids
}

func mapValues[T any](m map[string]T) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
