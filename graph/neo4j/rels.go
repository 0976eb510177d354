package neo4j

import (
	"context"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/dossiergraph/dossier/graph"
)

// ScanArticles implements graph.ArticleReader, like ScanEntities.
func (s *Store) ScanArticles(ctx context.Context, fn func(graph.Article) error) error {
	return stream(ctx, s, "scan articles", "MATCH (a:Article) WITH a ORDER BY a.id RETURN "+articleMap("a"), nil,
		func(v any) error { return fn(toArticle(v)) })
}

// Relationship implements graph.RelationshipReader.
func (s *Store) Relationship(ctx context.Context, id string) (graph.Relationship, error) {
	if err := graph.ValidateID("relationship", id); err != nil {
		return graph.Relationship{}, err
	}
	return read(ctx, s, "read relationship", func(tx neo4j.ManagedTransaction) (graph.Relationship, error) {
		rels, err := relationshipsByID(ctx, tx, []string{id})
		if err != nil {
			return graph.Relationship{}, err
		}
		r, ok := rels[id]
		if !ok {
			return graph.Relationship{}, graph.Errorf(graph.ENOTFOUND, "relationship %q does not exist", id)
		}
		return r, nil
	})
}

func relationshipsByID(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string]graph.Relationship, error) {
	return byID(ctx, tx, relsByID("RETURN "+relMap("r")), ids, toRelationship, func(r graph.Relationship) string { return r.ID })
}

// relQuery returns the MATCH ... WHERE that binds r to every relationship matching q, and
// its parameters. The pattern starts from what q pins down — the article (through the
// evidence index), else the entity — so that Neo4j reads that article's or entity's
// relationships instead of scanning; the WHERE holds only the conditions q sets. Every
// choice is a fixed string.
func relQuery(q graph.RelationshipQuery) (string, map[string]any) {
	types := anyRelType()
	var match string
	var conds []string
	anchored := func(id string) bool { return q.Article == "" && id != "" }
	switch {
	case q.Article != "":
		match = "CALL db.index.fulltext.queryRelationships($evidenceIndex, $evidenceTerm) YIELD relationship AS r"
		conds = append(conds, "$article IN r.evidenceArticles")
	case q.Entity != "" && q.Direction == graph.Out:
		match = "MATCH (:Entity {id: $entity})-[r:" + types + "]->()"
	case q.Entity != "" && q.Direction == graph.In:
		match = "MATCH (:Entity {id: $entity})<-[r:" + types + "]-()"
	case q.Entity != "":
		// Undirected, a loop would match twice.
		match = "MATCH (:Entity {id: $entity})-[r:" + types + "]-() WITH DISTINCT r"
	case q.From != "":
		match = "MATCH (:Entity {id: $from})-[r:" + types + "]->()"
	case q.To != "":
		match = "MATCH ()-[r:" + types + "]->(:Entity {id: $to})"
	default:
		match = "MATCH (:Entity)-[r:" + types + "]->()"
	}
	if q.Entity != "" && !anchored(q.Entity) {
		switch q.Direction {
		case graph.Out:
			conds = append(conds, "startNode(r).id = $entity")
		case graph.In:
			conds = append(conds, "endNode(r).id = $entity")
		default:
			conds = append(conds, "(startNode(r).id = $entity OR endNode(r).id = $entity)")
		}
	}
	if q.From != "" && (q.Entity != "" || !anchored(q.From)) {
		conds = append(conds, "startNode(r).id = $from")
	}
	if q.To != "" && (q.Entity != "" || q.From != "" || !anchored(q.To)) {
		conds = append(conds, "endNode(r).id = $to")
	}
	conds = append(conds, relFilter("r", q.RelationshipFilter))
	params := filterParams(q.RelationshipFilter, map[string]any{
		"entity": q.Entity, "from": q.From, "to": q.To, "article": q.Article,
		// Ids hold only a-z, 0-9 and ._- and the index splits on whitespace only, so the
		// quoted id is one exact term.
		"evidenceIndex": evidenceIndex, "evidenceTerm": `"` + q.Article + `"`,
	})
	return match + "\nWHERE " + strings.Join(conds, " AND "), params
}

// ListRelationships implements graph.RelationshipReader.
func (s *Store) ListRelationships(ctx context.Context, q graph.RelationshipQuery) (graph.RelationshipPage, error) {
	if err := q.Normalize(); err != nil {
		return graph.RelationshipPage{}, err
	}
	cypher, params := relPageQuery(q)
	cypher += "\nRETURN total, " + relMaps("rels") + " AS items"
	rec, err := readSingle(ctx, s, "list relationships", cypher, params)
	if err != nil {
		return graph.RelationshipPage{}, err
	}
	return toRelationshipPage(rec.Values[0], rec.Values[1], q.Page), nil
}

// relPageQuery returns the clauses that bind total (0 when q.Page.SkipTotal) and rels, the
// page of q's relationships with one more than asked, which says whether a next page exists;
// q must be normalized. The caller adds the RETURN.
func relPageQuery(q graph.RelationshipQuery) (string, map[string]any) {
	match, params := relQuery(q)
	params["limit"] = q.Page.First + 1
	params["after"] = q.Page.After // every id sorts after "", and a plain range uses the index
	if q.Entity == "" && q.From == "" && q.To == "" && q.Article == "" {
		return globalPageQuery(q), params
	}
	// The entity's or article's relationships, however many, are what is sorted.
	total := "CALL { " + match + "\n  RETURN count(r) AS total }"
	if q.Page.SkipTotal {
		total = noTotal
	}
	return total + `
CALL { ` + match + ` AND r.id > $after
  WITH r ORDER BY r.id LIMIT $limit
  RETURN collect(r) AS rels }`, params
}

// relMaps projects each relationship of the list variable v with relMap.
func relMaps(v string) string {
	return "[r IN " + v + " | " + relMap("r") + "]"
}

// toRelationshipPage converts the total and items a page statement returned.
func toRelationshipPage(total, list any, p graph.Page) graph.RelationshipPage {
	items := toList(list, toRelationship)
	info, n := pageInfo(total, len(items), p, func(i int) string { return items[i].ID })
	return graph.RelationshipPage{Relationships: items[:n], PageInfo: info}
}

// globalPageQuery binds total and rels (see relPageQuery) for a page that q pins to no entity:
// each type's id index yields its first matches in id order, and the page is the first of
// those. The total comes from Neo4j's count store, less the negated relationships (found
// through an index), unless a date or source filter forces a scan.
func globalPageQuery(q graph.RelationshipQuery) string {
	types := graph.Dedupe(typeNames(q.Types))
	if len(types) == 0 {
		types = typeNames(graph.RelationTypes)
	}
	counted := q.Since == "" && q.Until == "" && q.MinSources == 0 && len(q.Review) == 0
	var pages, counts []string
	for _, t := range types {
		typ, err := relType(graph.RelationType(t))
		if err != nil {
			continue // Normalize refused unknown types already
		}
		pages = append(pages, "MATCH ()-[r:"+typ+"]->() WHERE r.id > $after AND "+relFilter("r", q.RelationshipFilter)+
			" WITH r ORDER BY r.id LIMIT $limit RETURN r")
		if counted { // the default review filter leaves rejected ones out (a REJECTED state is always stored)
			counts = append(counts, "MATCH ()-[r:"+typ+"]->() WHERE r.reviewState = 'REJECTED' AND ($fNegated OR NOT r.negated) RETURN -count(r) AS n")
		}
		switch {
		case !counted:
			counts = append(counts, "MATCH ()-[r:"+typ+"]->() WHERE "+relFilter("r", q.RelationshipFilter)+" RETURN count(r) AS n")
		case q.IncludeNegated:
			counts = append(counts, "MATCH ()-[r:"+typ+"]->() RETURN count(r) AS n")
		default:
			counts = append(counts, "MATCH ()-[r:"+typ+"]->() RETURN count(r) AS n",
				"MATCH ()-[r:"+typ+"]->() WHERE r.negated = true RETURN -count(r) AS n")
		}
	}
	total := "CALL { CALL { " + strings.Join(counts, "\n  UNION ALL\n  ") + " } RETURN sum(n) AS total }"
	if q.Page.SkipTotal {
		total = noTotal
	}
	return total + `
CALL {
  CALL { ` + strings.Join(pages, "\n  UNION ALL\n  ") + ` }
  WITH r ORDER BY r.id LIMIT $limit
  RETURN collect(r) AS rels
}`
}

func typeNames(types []graph.RelationType) []string {
	out := make([]string, len(types))
	for i, t := range types {
		out[i] = string(t)
	}
	return out
}

// ScanRelationships implements graph.RelationshipReader, like ScanEntities.
func (s *Store) ScanRelationships(ctx context.Context, q graph.RelationshipQuery, fn func(graph.Relationship) error) error {
	if err := q.Normalize(); err != nil {
		return err
	}
	match, params := relQuery(q)
	return stream(ctx, s, "scan relationships", match+"\nWITH r ORDER BY r.id RETURN "+relMap("r"), params,
		func(v any) error { return fn(toRelationship(v)) })
}

// Stats implements graph.RelationshipReader.
func (s *Store) Stats(ctx context.Context) (graph.Stats, error) {
	cypher := `
CALL { MATCH (n:Entity) WITH n.kind AS kind, count(*) AS n RETURN collect([kind, n]) AS kinds }
CALL { MATCH (a:Article) RETURN count(a) AS articles }
CALL {
  MATCH (:Entity)-[r:` + anyRelType() + `]->()
  WITH type(r) AS type, count(*) AS n, sum(CASE WHEN r.negated THEN 1 ELSE 0 END) AS negated
  RETURN collect([type, n, negated]) AS types
}
RETURN kinds, articles, types`
	return read(ctx, s, "stats", func(tx neo4j.ManagedTransaction) (graph.Stats, error) {
		st := graph.Stats{EntitiesByKind: map[graph.Kind]int{}, RelationshipsByType: map[graph.RelationType]int{}}
		rec, err := single(ctx, tx, cypher, nil)
		if err != nil {
			return st, err
		}
		for _, v := range rec.Values[0].([]any) {
			row := v.([]any)
			n := int(row[1].(int64))
			st.EntitiesByKind[graph.Kind(row[0].(string))] = n
			st.Entities += n
		}
		st.Articles = int(rec.Values[1].(int64))
		for _, v := range rec.Values[2].([]any) {
			row := v.([]any)
			n := int(row[1].(int64))
			st.RelationshipsByType[graph.RelationType(row[0].(string))] = n
			st.Relationships += n
			st.NegatedRelationships += int(row[2].(int64))
		}
		return st, nil
	})
}
