package neo4j

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/dossiergraph/dossier/graph"
)

// CreateEntity implements graph.Writer.
func (s *Store) CreateEntity(ctx context.Context, e graph.Entity) (graph.Entity, error) {
	if e.ID == "" {
		e.ID = graph.Slug(e.Name)
	}
	if err := e.Validate(); err != nil {
		return graph.Entity{}, err
	}
	e = e.Canonical()
	return write(ctx, s, "create entity", func(tx neo4j.ManagedTransaction) (graph.Entity, error) {
		existing, err := entityStates(ctx, tx, []string{e.ID})
		if err != nil {
			return graph.Entity{}, err
		}
		if _, ok := existing[e.ID]; ok {
			return graph.Entity{}, graph.Errorf(graph.ECONFLICT, "entity %q already exists", e.ID)
		}
		return e, putEntities(ctx, tx, []graph.Entity{e})
	})
}

// UpdateEntity implements graph.Writer.
func (s *Store) UpdateEntity(ctx context.Context, id string, p graph.EntityPatch) (graph.Entity, error) {
	if err := graph.ValidateID("entity", id); err != nil {
		return graph.Entity{}, err
	}
	return write(ctx, s, "update entity", func(tx neo4j.ManagedTransaction) (graph.Entity, error) {
		old, err := requireEntity(ctx, tx, "update", id)
		if err != nil {
			return graph.Entity{}, err
		}
		updated := p.Apply(old.Entity).Canonical()
		if err := updated.Validate(); err != nil {
			return graph.Entity{}, err
		}
		if err := checkKindChange(old, updated.Kind); err != nil {
			return graph.Entity{}, err
		}
		return updated, putEntities(ctx, tx, []graph.Entity{updated})
	})
}

// DeleteEntity implements graph.Writer.
func (s *Store) DeleteEntity(ctx context.Context, id string) error {
	if err := graph.ValidateID("entity", id); err != nil {
		return err
	}
	_, err := write(ctx, s, "delete entity", func(tx neo4j.ManagedTransaction) (struct{}, error) {
		old, err := requireEntity(ctx, tx, "delete", id)
		if err != nil {
			return struct{}{}, err
		}
		if old.published > 0 {
			return struct{}{}, graph.Errorf(graph.ECONFLICT, "entity %s published %d articles; delete or move them first (merge it into another outlet)", id, old.published)
		}
		recs, err := run(ctx, tx, "MATCH (:Entity {id: $id})-[r:"+anyRelType()+"]-() RETURN DISTINCT r.id", map[string]any{"id": id})
		if err != nil {
			return struct{}{}, err
		}
		touching := make([]string, len(recs))
		for i, rec := range recs {
			touching[i], _ = rec.Values[0].(string)
		}
		if err := deleteRelationships(ctx, tx, touching); err != nil {
			return struct{}{}, err
		}
		if _, err := run(ctx, tx, `
MATCH (:Entity)-[r:`+anyRelType()+`]->() WHERE $id IN r.about
WITH r, [x IN r.about WHERE x <> $id] AS rest
SET r.about = CASE WHEN size(rest) = 0 THEN null ELSE rest END`, map[string]any{"id": id}); err != nil {
			return struct{}{}, err
		}
		_, err = run(ctx, tx, "MATCH (n:Entity {id: $id}) DETACH DELETE n", map[string]any{"id": id})
		return struct{}{}, err
	})
	return err
}

// MergeEntities implements graph.Writer.
func (s *Store) MergeEntities(ctx context.Context, survivor string, others []string) (graph.Entity, error) {
	others, err := graph.ValidateMerge(survivor, others)
	if err != nil {
		return graph.Entity{}, err
	}
	return write(ctx, s, "merge entities", func(tx neo4j.ManagedTransaction) (graph.Entity, error) {
		surv, err := requireEntity(ctx, tx, "merge survivor", survivor)
		if err != nil {
			return graph.Entity{}, err
		}
		states, err := entityStates(ctx, tx, others)
		if err != nil {
			return graph.Entity{}, err
		}
		gone := make([]graph.Entity, len(others))
		for i, id := range others {
			st, ok := states[id]
			if !ok {
				return graph.Entity{}, graph.Errorf(graph.ENOTFOUND, "merge: entity %q does not exist", id)
			}
			if err := checkKindChange(st, surv.Kind); err != nil {
				return graph.Entity{}, err
			}
			gone[i] = st.Entity
		}
		merged := surv.Entity
		merged.Aliases = graph.MergeAliases(merged, gone...)
		merged = merged.Canonical()
		if err := merged.Validate(); err != nil {
			return graph.Entity{}, err
		}
		// Articles move by their PUBLISHED edge; their relationships' source counts follow.
		recs, err := run(ctx, tx, `
MATCH (o:Entity)-[p:PUBLISHED]->(a:Article) WHERE o.id IN $others
MATCH (s:Entity {id: $survivor})
CREATE (s)-[:PUBLISHED]->(a)
DELETE p
RETURN a.id`, map[string]any{"others": others, "survivor": survivor})
		if err != nil {
			return graph.Entity{}, err
		}
		moved := make([]string, len(recs))
		for i, rec := range recs {
			moved[i], _ = rec.Values[0].(string)
		}
		// Relationships cannot change ends in Neo4j: the ones touching the others are
		// written anew, and About lists are rewritten.
		rels, err := run(ctx, tx, `
MATCH (e:Entity)-[r:`+anyRelType()+`]-() WHERE e.id IN $others
RETURN `+relMap("r")+` AS rel
UNION
MATCH (:Entity)-[r:`+anyRelType()+`]->() WHERE any(x IN r.about WHERE x IN $others)
RETURN `+relMap("r")+` AS rel`, map[string]any{"others": others})
		if err != nil {
			return graph.Entity{}, err
		}
		isGone := map[string]bool{}
		for _, id := range others {
			isGone[id] = true
		}
		moveTo := func(id string) string {
			if isGone[id] {
				return survivor
			}
			return id
		}
		changed := map[string]graph.Relationship{}
		for _, rec := range rels {
			r := toRelationship(rec.Values[0])
			r.From, r.To = moveTo(r.From), moveTo(r.To)
			about := make([]string, len(r.About))
			for i, a := range r.About {
				about[i] = moveTo(a)
			}
			r.About = nilIfNone(graph.Dedupe(about))
			changed[r.ID] = r
		}
		if err := putRelationships(ctx, tx, mapValues(changed)); err != nil {
			return graph.Entity{}, err
		}
		if _, err := run(ctx, tx, "MATCH (n:Entity) WHERE n.id IN $others DETACH DELETE n", map[string]any{"others": others}); err != nil {
			return graph.Entity{}, err
		}
		if err := putEntities(ctx, tx, []graph.Entity{merged}); err != nil {
			return graph.Entity{}, err
		}
		return merged, recountSources(ctx, tx, moved)
	})
}

// CreateArticle implements graph.Writer.
func (s *Store) CreateArticle(ctx context.Context, a graph.Article) (graph.Article, error) {
	if err := a.Validate(); err != nil {
		return graph.Article{}, err
	}
	a = a.Canonical()
	return write(ctx, s, "create article", func(tx neo4j.ManagedTransaction) (graph.Article, error) {
		if err := checkOutlets(ctx, tx, []graph.Article{a}); err != nil {
			return graph.Article{}, err
		}
		outlets, err := articleOutlets(ctx, tx, []string{a.ID})
		if err != nil {
			return graph.Article{}, err
		}
		if _, ok := outlets[a.ID]; ok {
			return graph.Article{}, graph.Errorf(graph.ECONFLICT, "article %q already exists", a.ID)
		}
		return a, putArticles(ctx, tx, []graph.Article{a})
	})
}

// CreateRelationship implements graph.Writer.
func (s *Store) CreateRelationship(ctx context.Context, r graph.Relationship) (graph.Relationship, error) {
	if r.ID == "" {
		r.ID = graph.NewID(strings.ToLower(string(r.Type)))
	}
	if err := r.Validate(); err != nil {
		return graph.Relationship{}, err
	}
	return write(ctx, s, "create relationship", func(tx neo4j.ManagedTransaction) (graph.Relationship, error) {
		refs, err := lookupRefs(ctx, tx, []graph.Relationship{r})
		if err != nil {
			return graph.Relationship{}, err
		}
		if r, err = refs.finish(r); err != nil {
			return graph.Relationship{}, err
		}
		existing, err := relationshipsByID(ctx, tx, []string{r.ID})
		if err != nil {
			return graph.Relationship{}, err
		}
		if _, ok := existing[r.ID]; ok {
			return graph.Relationship{}, graph.Errorf(graph.ECONFLICT, "relationship %q already exists", r.ID)
		}
		return r, createRelationships(ctx, tx, []graph.Relationship{r})
	})
}

// AddEvidence implements graph.Writer.
func (s *Store) AddEvidence(ctx context.Context, relationship string, ev graph.Evidence) (graph.Relationship, error) {
	if err := graph.ValidateID("relationship", relationship); err != nil {
		return graph.Relationship{}, err
	}
	if err := ev.Validate("relationship " + relationship); err != nil {
		return graph.Relationship{}, err
	}
	return write(ctx, s, "add evidence", func(tx neo4j.ManagedTransaction) (graph.Relationship, error) {
		existing, err := relationshipsByID(ctx, tx, []string{relationship})
		if err != nil {
			return graph.Relationship{}, err
		}
		r, ok := existing[relationship]
		if !ok {
			return graph.Relationship{}, graph.Errorf(graph.ENOTFOUND, "relationship %q does not exist", relationship)
		}
		r.Evidence = graph.MergeEvidence(r.Evidence, []graph.Evidence{ev})
		refs, err := lookupRefs(ctx, tx, []graph.Relationship{r})
		if err != nil {
			return graph.Relationship{}, err
		}
		if r, err = refs.finish(r); err != nil {
			return graph.Relationship{}, err
		}
		return r, putRelationships(ctx, tx, []graph.Relationship{r})
	})
}

// DeleteRelationship implements graph.Writer.
func (s *Store) DeleteRelationship(ctx context.Context, id string) error {
	if err := graph.ValidateID("relationship", id); err != nil {
		return err
	}
	_, err := write(ctx, s, "delete relationship", func(tx neo4j.ManagedTransaction) (struct{}, error) {
		existing, err := relationshipsByID(ctx, tx, []string{id})
		if err != nil {
			return struct{}{}, err
		}
		if _, ok := existing[id]; !ok {
			return struct{}{}, graph.Errorf(graph.ENOTFOUND, "relationship %q does not exist", id)
		}
		return struct{}{}, deleteRelationships(ctx, tx, []string{id})
	})
	return err
}

// Apply implements graph.Writer in one write transaction. Items are applied in batch order
// (a later item with the same id replaces or, for relationships, merges into an earlier
// one); the statements themselves are batched with UNWIND.
func (s *Store) Apply(ctx context.Context, b graph.Batch) (graph.BatchResult, error) {
	for _, e := range b.Entities {
		if err := e.Validate(); err != nil {
			return graph.BatchResult{}, err
		}
	}
	for _, a := range b.Articles {
		if err := a.Validate(); err != nil {
			return graph.BatchResult{}, err
		}
	}
	for _, r := range b.Relationships {
		if err := r.Validate(); err != nil {
			return graph.BatchResult{}, err
		}
	}
	return write(ctx, s, "apply batch", func(tx neo4j.ManagedTransaction) (graph.BatchResult, error) {
		var res graph.BatchResult
		entityIDs := make([]string, len(b.Entities))
		for i, e := range b.Entities {
			entityIDs[i] = e.ID
		}
		states, err := entityStates(ctx, tx, entityIDs)
		if err != nil {
			return res, err
		}
		entities := map[string]graph.Entity{}
		for _, e := range b.Entities {
			if old, ok := states[e.ID]; ok {
				if err := checkKindChange(old, e.Kind); err != nil {
					return res, err
				}
				res.EntitiesUpdated++
			} else {
				res.EntitiesCreated++
				states[e.ID] = entityState{Entity: e}
			}
			entities[e.ID] = e.Canonical()
		}
		if err := putEntities(ctx, tx, mapValues(entities)); err != nil {
			return res, err
		}

		if err := checkOutlets(ctx, tx, b.Articles); err != nil {
			return res, err
		}
		articleIDs := make([]string, len(b.Articles))
		for i, a := range b.Articles {
			articleIDs[i] = a.ID
		}
		outlets, err := articleOutlets(ctx, tx, articleIDs)
		if err != nil {
			return res, err
		}
		articles := map[string]graph.Article{}
		var outletChanged []string
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
			articles[a.ID] = a.Canonical()
		}
		if err := putArticles(ctx, tx, mapValues(articles)); err != nil {
			return res, err
		}

		relIDs := make([]string, len(b.Relationships))
		for i, r := range b.Relationships {
			relIDs[i] = r.ID
		}
		rels, err := relationshipsByID(ctx, tx, relIDs)
		if err != nil {
			return res, err
		}
		// Stored evidence merges into the batch's, so its articles need looking up too.
		refs, err := lookupRefs(ctx, tx, slices.Concat(b.Relationships, mapValues(rels)))
		if err != nil {
			return res, err
		}
		written := map[string]graph.Relationship{}
		for _, r := range b.Relationships {
			if old, ok := rels[r.ID]; ok {
				r.Evidence = graph.MergeEvidence(old.Evidence, r.Evidence)
				res.RelationshipsUpdated++
			} else {
				res.RelationshipsCreated++
			}
			if r, err = refs.finish(r); err != nil {
				return res, err
			}
			rels[r.ID], written[r.ID] = r, r
		}
		if err := putRelationships(ctx, tx, mapValues(written)); err != nil {
			return res, err
		}
		return res, recountSources(ctx, tx, outletChanged)
	})
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

// requireEntity fails with ENOTFOUND when id names no entity; what says who refers to it.
func requireEntity(ctx context.Context, tx neo4j.ManagedTransaction, what, id string) (entityState, error) {
	states, err := entityStates(ctx, tx, []string{id})
	if err != nil {
		return entityState{}, err
	}
	st, ok := states[id]
	if !ok {
		return st, graph.Errorf(graph.ENOTFOUND, "%s: entity %q does not exist", what, id)
	}
	return st, nil
}

// checkKindChange refuses to turn an outlet with articles into another kind, which would
// leave its articles without an outlet.
func checkKindChange(old entityState, kind graph.Kind) error {
	if old.Kind == graph.Outlet && kind != graph.Outlet && old.published > 0 {
		return graph.Errorf(graph.ECONFLICT, "entity %s published %d articles and must stay an %s", old.ID, old.published, graph.Outlet)
	}
	return nil
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
			return graph.Errorf(graph.ENOTFOUND, "article %s: outlet: entity %q does not exist", a.ID, a.Outlet)
		}
		if outlet.Kind != graph.Outlet {
			return graph.Errorf(graph.EINVALID, "article %s: outlet %q is a %s, not an %s", a.ID, a.Outlet, outlet.Kind, graph.Outlet)
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

// finish checks r's fields and references and returns it as stored: evidence merged by
// article, About without repeats, SourceCount computed.
func (rf refs) finish(r graph.Relationship) (graph.Relationship, error) {
	if err := r.Validate(); err != nil {
		return r, err
	}
	what := "relationship " + r.ID
	for _, id := range r.Ends() {
		if !rf.entities[id] {
			return r, graph.Errorf(graph.ENOTFOUND, "%s: entity %q does not exist", what, id)
		}
	}
	for _, ev := range r.Evidence {
		if _, ok := rf.outlets[ev.Article]; !ok {
			return r, graph.Errorf(graph.ENOTFOUND, "%s: evidence article %q does not exist", what, ev.Article)
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

func nilIfNone(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

func mapValues[T any](m map[string]T) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
