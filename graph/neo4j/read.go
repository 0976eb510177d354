package neo4j

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/dossiergraph/dossier/graph"
)

// Entity implements graph.EntityReader.
func (s *Store) Entity(ctx context.Context, id string) (graph.Entity, error) {
	if err := graph.ValidateID("entity", id); err != nil {
		return graph.Entity{}, err
	}
	recs, err := readRecords(ctx, s, "read entity", "MATCH (n:Entity {id: $id}) RETURN n {.*} AS n", map[string]any{"id": id})
	if err != nil {
		return graph.Entity{}, err
	}
	if len(recs) == 0 {
		return graph.Entity{}, graph.Errorf(graph.ENOTFOUND, "entity %q does not exist", id)
	}
	return toEntity(recs[0].Values[0]), nil
}

// EntitiesByID implements graph.EntityReader.
func (s *Store) EntitiesByID(ctx context.Context, ids []string) (map[string]graph.Entity, error) {
	recs, err := readRecords(ctx, s, "read entities", entitiesByIDQuery, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	return keyed(recs, toEntity, entityKey), nil
}

const entitiesByIDQuery = "UNWIND $ids AS id MATCH (n:Entity {id: id}) RETURN n {.*} AS n"

func entityKey(e graph.Entity) string { return e.ID }

func entitiesByID(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string]graph.Entity, error) {
	return byID(ctx, tx, entitiesByIDQuery, ids, toEntity, entityKey)
}

// byID runs a statement that returns one record a row for the ids in $ids, and keys the
// converted records by their id.
func byID[T any](ctx context.Context, tx neo4j.ManagedTransaction, cypher string, ids []string, convert func(any) T, id func(T) string) (map[string]T, error) {
	recs, err := run(ctx, tx, cypher, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	return keyed(recs, convert, id), nil
}

// keyed converts each record's first value and keys it by its id.
func keyed[T any](recs []*neo4j.Record, convert func(any) T, id func(T) string) map[string]T {
	out := make(map[string]T, len(recs))
	for _, rec := range recs {
		v := convert(rec.Values[0])
		out[id(v)] = v
	}
	return out
}

// ListEntities implements graph.EntityReader.
func (s *Store) ListEntities(ctx context.Context, q graph.EntityQuery) (graph.EntityPage, error) {
	cypher, params, err := entityPageQuery(&q)
	if err != nil {
		return graph.EntityPage{}, err
	}
	rec, err := readSingle(ctx, s, "list entities", cypher, params)
	if err != nil {
		return graph.EntityPage{}, err
	}
	items := toList(rec.Values[1], toEntity)
	info, n := pageInfo(rec.Values[0], len(items), q.Page, func(i int) string { return items[i].ID })
	return graph.EntityPage{Entities: items[:n], PageInfo: info}, nil
}

// entityPageQuery checks q, normalizes its page, and returns the statement of the page. The
// total comes from the count store (every entity, or a kind's label); the page is a range
// of an id index (every entity's, or a kind's), read in order and cut by the limit, so
// neither grows with the graph. The label is a fixed string from kindLabels.
func entityPageQuery(q *graph.EntityQuery) (string, map[string]any, error) {
	if q.Kind != "" && !q.Kind.Valid() {
		return "", nil, graph.Errorf(graph.EINVALID, "unknown entity kind %q", graph.Clip(string(q.Kind)))
	}
	p, err := graph.NormalizePage(q.Page)
	if err != nil {
		return "", nil, err
	}
	q.Page = p
	label := "Entity"
	if q.Kind != "" {
		label = kindLabels[q.Kind]
	}
	total := "CALL { MATCH (n:" + label + ") RETURN count(n) AS total }"
	if p.SkipTotal {
		total = noTotal
	}
	// A kind's page reads its label's own id index (schemaStatements): filtering the
	// Entity id index by label would read every entity of other kinds after the cursor.
	cypher := total + `
CALL {
  MATCH (n:Entity:` + label + `) USING INDEX n:` + label + `(id) WHERE n.id > $after
  WITH n ORDER BY n.id LIMIT $limit
  RETURN collect(n {.*}) AS items
}
RETURN total, items`
	return cypher, map[string]any{"after": p.After, "limit": p.First + 1}, nil
}

// noTotal stands for the count subquery of a page whose caller reads no total.
const noTotal = "CALL { RETURN 0 AS total }"

// pageInfo describes a page fetched with one extra item, which only says whether a next
// page exists; it returns the info and how many items belong to the page.
func pageInfo(total any, fetched int, p graph.Page, idOf func(int) string) (graph.PageInfo, int) {
	n := min(fetched, p.First)
	info := graph.PageInfo{HasNextPage: fetched > p.First}
	info.TotalCount = int(total.(int64))
	if n > 0 {
		info.EndCursor = idOf(n - 1)
	}
	return info, n
}

// SearchEntities implements graph.EntityReader. The full-text index finds the candidates
// (entities with, for every word of the text, a name or alias word starting with it);
// graph.MatchScore then decides and ranks, so that results equal the embedded store's.
func (s *Store) SearchEntities(ctx context.Context, q graph.SearchQuery) ([]graph.Entity, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	words := strings.Fields(graph.Fold(q.Text))
	if len(words) == 0 {
		return []graph.Entity{}, nil
	}
	clauses := make([]string, len(words))
	for i, w := range words {
		clauses[i] = "+" + luceneEscape(w) + "*"
	}
	kinds := make([]string, len(q.Kinds))
	for i, k := range q.Kinds {
		kinds[i] = string(k)
	}
	const cypher = `
CALL db.index.fulltext.queryNodes($index, $query) YIELD node
WHERE size($kinds) = 0 OR node.kind IN $kinds
RETURN node {.*} AS n`
	params := map[string]any{"index": searchIndex, "query": strings.Join(clauses, " "), "kinds": kinds}
	candidates, err := readEntities(ctx, s, "search entities", cypher, params)
	if err != nil {
		return nil, err
	}
	type hit struct {
		e     graph.Entity
		score int
	}
	var hits []hit
	for _, e := range candidates {
		if score := graph.MatchScore(q.Text, e); score > 0 {
			hits = append(hits, hit{e, score})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.e.Name, b.e.Name), cmp.Compare(a.e.ID, b.e.ID))
	})
	out := make([]graph.Entity, 0, min(len(hits), q.Limit))
	for _, h := range hits[:min(len(hits), q.Limit)] {
		out = append(out, h.e)
	}
	return out, nil
}

// luceneEscape escapes Lucene's query syntax. Folded words hold only letters and digits,
// so this is a second line of defence, not the first.
func luceneEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`+-&|!(){}[]^"~*?:\/`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ScanEntities implements graph.EntityReader. It reads every entity in one transaction and
// calls fn after it ends, so that a retried transaction cannot call fn twice and fn may use
// the store.
func (s *Store) ScanEntities(ctx context.Context, fn func(graph.Entity) error) error {
	return stream(ctx, s, "scan entities", "MATCH (n:Entity) WITH n ORDER BY n.id RETURN n {.*}", nil,
		func(v any) error { return fn(toEntity(v)) })
}

// Article implements graph.ArticleReader.
func (s *Store) Article(ctx context.Context, id string) (graph.Article, error) {
	if err := graph.ValidateID("article", id); err != nil {
		return graph.Article{}, err
	}
	return read(ctx, s, "read article", func(tx neo4j.ManagedTransaction) (graph.Article, error) {
		recs, err := run(ctx, tx, "MATCH (a:Article {id: $id}) RETURN "+articleMap("a"), map[string]any{"id": id})
		if err != nil {
			return graph.Article{}, err
		}
		if len(recs) == 0 {
			return graph.Article{}, graph.Errorf(graph.ENOTFOUND, "article %q does not exist", id)
		}
		return toArticle(recs[0].Values[0]), nil
	})
}

// ArticlesByID implements graph.ArticleReader.
func (s *Store) ArticlesByID(ctx context.Context, ids []string) (map[string]graph.Article, error) {
	recs, err := readRecords(ctx, s, "read articles", articlesByIDQuery(), map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	return keyed(recs, toArticle, articleKey), nil
}

func articlesByIDQuery() string {
	return "UNWIND $ids AS id MATCH (a:Article {id: id}) RETURN " + articleMap("a")
}

func articleKey(a graph.Article) string { return a.ID }

func articlesByID(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string]graph.Article, error) {
	return byID(ctx, tx, articlesByIDQuery(), ids, toArticle, articleKey)
}

// ListArticles implements graph.ArticleReader.
func (s *Store) ListArticles(ctx context.Context, q graph.ArticleQuery) (graph.ArticlePage, error) {
	for what, id := range map[string]string{"outlet": q.Outlet, "entity": q.Entity} {
		if id != "" {
			if err := graph.ValidateID(what, id); err != nil {
				return graph.ArticlePage{}, err
			}
		}
	}
	p, err := graph.NormalizePage(q.Page)
	if err != nil {
		return graph.ArticlePage{}, err
	}
	// Built for the filters q sets: the count store and the id index when it sets none,
	// the outlet's PUBLISHED relationships when it names one.
	var total, page string
	var conds []string
	switch {
	case q.Outlet != "":
		total = "MATCH (:Entity {id: $outlet})-[:PUBLISHED]->(a:Article)"
		page = total
	default:
		total = "MATCH (a:Article)"
		page = "MATCH (a:Article) USING INDEX a:Article(id)"
	}
	if q.Entity != "" {
		conds = append(conds, "(a.id IN $cited OR EXISTS { (:Entity {id: $entity})-[:PUBLISHED]->(a) })")
		total += " WHERE " + conds[0]
	}
	conds = append(conds, "a.id > $after")
	count := "CALL { " + total + " RETURN count(a) AS total }"
	if p.SkipTotal {
		count = noTotal
	}
	cypher := count + `
CALL {
  ` + page + ` WHERE ` + strings.Join(conds, " AND ") + `
  WITH a ORDER BY a.id LIMIT $limit
  RETURN collect(` + articleMap("a") + `) AS items
}
RETURN total, items`
	params := map[string]any{"outlet": q.Outlet, "entity": q.Entity, "cited": []string{}, "after": p.After, "limit": p.First + 1}
	return read(ctx, s, "list articles", func(tx neo4j.ManagedTransaction) (graph.ArticlePage, error) {
		if q.Entity != "" {
			cited, err := citedBy(ctx, tx, q.Entity)
			if err != nil {
				return graph.ArticlePage{}, err
			}
			params["cited"] = cited
		}
		rec, err := single(ctx, tx, cypher, params)
		if err != nil {
			return graph.ArticlePage{}, err
		}
		items := toList(rec.Values[1], toArticle)
		info, n := pageInfo(rec.Values[0], len(items), p, func(i int) string { return items[i].ID })
		return graph.ArticlePage{Articles: items[:n], PageInfo: info}, nil
	})
}

// citedBy returns the ids of the articles that are evidence for a relationship the entity
// is From or To of (its adjacent relationships) or About of (a list property, hence a scan).
func citedBy(ctx context.Context, tx neo4j.ManagedTransaction, entity string) ([]string, error) {
	rec, err := single(ctx, tx, `
OPTIONAL MATCH (:Entity {id: $entity})-[r:`+anyRelType()+`]-()
WITH collect(r) AS adjacent
OPTIONAL MATCH (:Entity)-[r:`+anyRelType()+`]->() WHERE $entity IN r.about
WITH adjacent, collect(r) AS about
WITH adjacent + about AS rels
UNWIND rels AS r
UNWIND coalesce(r.evidenceArticles, []) AS article
RETURN collect(DISTINCT article)`, map[string]any{"entity": entity})
	if err != nil {
		return nil, err
	}
	list, _ := rec.Values[0].([]any)
	out := make([]string, len(list))
	for i, v := range list {
		out[i], _ = v.(string)
	}
	return out, nil
}

// readRecords runs one read statement as an auto-commit transaction and returns its
// records. That is one round trip where a managed transaction takes two (BEGIN with RUN,
// then COMMIT), for the reads a request makes most. The driver retries only managed
// transactions, so readRecords retries what the driver calls retryable, as ExecuteRead
// would, a few times: a read has no effect that a retry could repeat.
func readRecords(ctx context.Context, s *Store, what, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	s.commits.RLock()
	defer s.commits.RUnlock()
	wait := 20 * time.Millisecond
	for attempt := 1; ; attempt++ {
		recs, err := autoCommit(ctx, s, cypher, params)
		if err == nil || attempt == readAttempts || !neo4j.IsRetryable(err) {
			return recs, wrap(what, err)
		}
		select {
		case <-time.After(wait):
			wait *= 4
		case <-ctx.Done():
			return nil, wrap(what, errors.Join(ctx.Err(), err))
		}
	}
}

// readAttempts bounds readRecords' tries: the first and two retries, over about 0.1 s.
const readAttempts = 3

func autoCommit(ctx context.Context, s *Store, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.database, AccessMode: neo4j.AccessModeRead, BookmarkManager: s.bookmarks})
	defer session.Close(ctx)
	res, err := session.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// readEntities is readRecords for a statement whose records hold one entity each.
func readEntities(ctx context.Context, s *Store, what, cypher string, params map[string]any) ([]graph.Entity, error) {
	recs, err := readRecords(ctx, s, what, cypher, params)
	if err != nil {
		return nil, err
	}
	out := make([]graph.Entity, len(recs))
	for i, rec := range recs {
		out[i] = toEntity(rec.Values[0])
	}
	return out, nil
}

// readSingle is readRecords for a statement that returns exactly one record.
func readSingle(ctx context.Context, s *Store, what, cypher string, params map[string]any) (*neo4j.Record, error) {
	recs, err := readRecords(ctx, s, what, cypher, params)
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("neo4j: %s: %d records, want 1", what, len(recs))
	}
	return recs[0], nil
}
