package neo4j

import (
	"context"
	"fmt"
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
		if err := require(ctx, tx, b.Require); err != nil {
			return res, err
		}
		var (
			log    snapshot
			before map[graph.RecordKey]any
		)
		if !s.unlogged {
			var err error
			if log, err = changedKeys(ctx, tx, b); err != nil {
				return res, err
			}
			if before, err = log.read(ctx, tx); err != nil {
				return res, err
			}
		}
		stored, err := upsert(ctx, tx, b, &res)
		if err != nil {
			return res, err
		}
		for _, m := range b.Merges {
			merged, err := merge(ctx, tx, m)
			if err != nil {
				return res, err
			}
			stored.entities[merged.ID] = merged
		}
		if len(b.DeleteRelationships) > 0 {
			existing, err := relationshipsByID(ctx, tx, b.DeleteRelationships)
			if err != nil {
				return res, err
			}
			for _, id := range b.DeleteRelationships {
				if _, ok := existing[id]; !ok {
					return res, graph.Errorf(graph.ENOTFOUND, "relationship %q does not exist", id)
				}
			}
			if err := deleteRelationships(ctx, tx, graph.Dedupe(b.DeleteRelationships)); err != nil {
				return res, err
			}
			res.RelationshipsDeleted += len(existing)
		}
		for _, id := range b.DeleteEntities {
			if err := deleteEntity(ctx, tx, id); err != nil {
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
			stored.fill(b, &res)
		}
		return res, nil
	})
}

// require checks preconditions, reading each kind of record once.
func require(ctx context.Context, tx neo4j.ManagedTransaction, conds []graph.Precondition) error {
	if len(conds) == 0 {
		return nil
	}
	ids := map[graph.Record][]string{}
	for _, p := range conds {
		ids[p.Record] = append(ids[p.Record], p.ID)
	}
	current := map[graph.Record]map[string]any{}
	if len(ids[graph.EntityRecord]) > 0 {
		states, err := entityStates(ctx, tx, ids[graph.EntityRecord])
		if err != nil {
			return err
		}
		current[graph.EntityRecord] = map[string]any{}
		for id, st := range states {
			current[graph.EntityRecord][id] = st.Entity
		}
	}
	if len(ids[graph.ArticleRecord]) > 0 {
		articles, err := articlesByID(ctx, tx, ids[graph.ArticleRecord])
		if err != nil {
			return err
		}
		current[graph.ArticleRecord] = map[string]any{}
		for id, a := range articles {
			current[graph.ArticleRecord][id] = a
		}
	}
	if len(ids[graph.RelationshipRecord]) > 0 {
		rels, err := relationshipsByID(ctx, tx, ids[graph.RelationshipRecord])
		if err != nil {
			return err
		}
		current[graph.RelationshipRecord] = map[string]any{}
		for id, r := range rels {
			current[graph.RelationshipRecord][id] = r
		}
	}
	for _, p := range conds {
		rec, ok := current[p.Record][p.ID]
		if err := p.Check(ok, rec); err != nil {
			return err
		}
	}
	return nil
}

// written holds the records a batch wrote, as stored, by id.
type written struct {
	entities map[string]graph.Entity
	articles map[string]graph.Article
	rels     map[string]graph.Relationship
}

// fill puts the records b wrote into res, one per id in the order b first names them.
func (w written) fill(b graph.Batch, res *graph.BatchResult) {
	res.Stored = &graph.Stored{}
	seen := map[string]bool{}
	once := func(key string) bool {
		if seen[key] {
			return false
		}
		seen[key] = true
		return true
	}
	for _, e := range b.Entities {
		if once("e:" + e.ID) {
			res.Stored.Entities = append(res.Stored.Entities, w.entities[e.ID])
		}
	}
	for _, m := range b.Merges {
		if once("e:" + m.Survivor) {
			res.Stored.Entities = append(res.Stored.Entities, w.entities[m.Survivor])
		}
	}
	for _, a := range b.Articles {
		if once("a:" + a.ID) {
			res.Stored.Articles = append(res.Stored.Articles, w.articles[a.ID])
		}
	}
	for _, r := range b.Relationships {
		if once("r:" + r.ID) {
			res.Stored.Relationships = append(res.Stored.Relationships, w.rels[r.ID])
		}
	}
}

// upsert writes the batch's entities, articles and relationships.
func upsert(ctx context.Context, tx neo4j.ManagedTransaction, b graph.Batch, res *graph.BatchResult) (written, error) {
	out := written{entities: map[string]graph.Entity{}, articles: map[string]graph.Article{}, rels: map[string]graph.Relationship{}}
	if len(b.Entities) > 0 {
		entityIDs := make([]string, len(b.Entities))
		for i, e := range b.Entities {
			entityIDs[i] = e.ID
		}
		states, err := entityStates(ctx, tx, entityIDs)
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
		articleIDs := make([]string, len(b.Articles))
		for i, a := range b.Articles {
			articleIDs[i] = a.ID
		}
		outlets, err := articleOutlets(ctx, tx, articleIDs)
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
		relIDs := make([]string, len(b.Relationships))
		for i, r := range b.Relationships {
			relIDs[i] = r.ID
		}
		rels, err := relationshipsByID(ctx, tx, relIDs)
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
			if old, ok := rels[r.ID]; ok {
				r = r.Onto(old)
				if err := r.Validate(); err != nil { // merged evidence can outgrow its limit
					return out, err
				}
				res.RelationshipsUpdated++
			} else {
				res.RelationshipsCreated++
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
func merge(ctx context.Context, tx neo4j.ManagedTransaction, m graph.Merge) (graph.Entity, error) {
	m.Others = graph.Dedupe(m.Others)
	states, err := entityStates(ctx, tx, append([]string{m.Survivor}, m.Others...))
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
func deleteEntity(ctx context.Context, tx neo4j.ManagedTransaction, id string) error {
	states, err := entityStates(ctx, tx, []string{id})
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
	ids := make([]string, len(articles))
	for i, a := range articles {
		ids[i] = a.Outlet
	}
	states, err := entityStates(ctx, tx, ids)
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
	ids := make([]string, len(rels))
	for i, r := range rels {
		ids[i] = r.ID
	}
	if err := deleteRelationships(ctx, tx, ids); err != nil {
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

func mapValues[T any](m map[string]T) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
