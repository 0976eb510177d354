package neo4j

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/dossiergraph/dossier/graph"
)

// step is the quantified path pattern of one walk step: a matching Dossier relationship in
// either direction. Unnamed counterparts have one relationship each, so a walk can end at
// one but never pass through it; walks that must end at entities say so.
func step(f graph.RelationshipFilter) string {
	return "(()-[r:" + anyRelType() + "]-() WHERE " + relFilter("r", f) + ")"
}

// Neighborhood implements graph.RelationshipReader in one statement, a breadth-first
// search level by level: each level keeps only the nearest nodes there is room for (ties
// by id) and the search stops once the limit is reached, so nothing is collected beyond
// the answer. The edges among the kept nodes are then read from the end with the fewer
// relationships, so that a hub among them has its relationships read only for its loops.
func (s *Store) Neighborhood(ctx context.Context, q graph.NeighborhoodQuery) (graph.Subgraph, error) {
	if err := q.Normalize(); err != nil {
		return graph.Subgraph{}, err
	}
	cypher := neighborhoodCypher(q)
	params := filterParams(q.RelationshipFilter, map[string]any{"center": q.Center, "limit": q.Limit, "more": q.Limit - 1})
	sub, err := read(ctx, s, "neighborhood", func(tx neo4j.ManagedTransaction) (graph.Subgraph, error) {
		recs, err := run(ctx, tx, cypher, params)
		if err != nil {
			return graph.Subgraph{}, err
		}
		if len(recs) == 0 {
			return graph.Subgraph{}, graph.Errorf(graph.ENOTFOUND, "center entity %q does not exist", q.Center)
		}
		return graph.Subgraph{Nodes: toList(recs[0].Values[0], toEntity), Edges: toList(recs[0].Values[1], toRelationship)}, nil
	})
	if err != nil {
		return graph.Subgraph{}, err
	}
	// The statement returns nodes by distance then id already; edges come per node.
	slices.SortFunc(sub.Edges, func(a, b graph.Relationship) int { return cmp.Compare(a.ID, b.ID) })
	return sub, nil
}

// neighborhoodCypher returns Neighborhood's statement for q, normalized.
func neighborhoodCypher(q graph.NeighborhoodQuery) string {
	filter := relFilter("r", q.RelationshipFilter)
	var b strings.Builder
	b.WriteString("MATCH (c:Entity {id: $center})\nWITH [c] AS nodes, [c] AS level\n")
	for range q.Depth {
		// A level with no room, or nothing to widen, reads nothing: the WHERE lets no row
		// through, and collect still answers one (empty) row.
		b.WriteString(`CALL {
  WITH nodes, level
  WITH nodes, level WHERE size(nodes) < $limit
  UNWIND level AS a
  MATCH (a)-[r:` + anyRelType() + `]-(n:Entity)
  WHERE NOT n IN nodes AND ` + filter + `
  WITH DISTINCT n ORDER BY n.id LIMIT $more
  RETURN collect(n) AS next
}
WITH nodes, next[..$limit - size(nodes)] AS next
WITH nodes + next AS nodes, next AS level
`)
	}
	b.WriteString(`CALL {
  WITH nodes
  UNWIND nodes AS n
  WITH n, COUNT { (n)--() } AS degree ORDER BY degree, n.id
  WITH collect(n) AS byDegree
  UNWIND range(0, size(byDegree) - 1) AS i
  WITH byDegree[i] AS a, byDegree[i..] AS later, i = size(byDegree) - 1 AS last
  CALL {
    WITH a, later, last
    WITH a, later WHERE NOT last
    MATCH (a)-[r:` + anyRelType() + `]-(b:Entity)
    WHERE b IN later AND ` + filter + `
    RETURN r
    UNION
    WITH a, last
    WITH a WHERE last
    MATCH (a)-[r:` + anyRelType() + `]->(a)
    WHERE ` + filter + `
    RETURN r
  }
  WITH DISTINCT r
  RETURN collect(` + relMap("r") + `) AS edges
}
RETURN [n IN nodes | n {.*}] AS nodes, edges`)
	return b.String()
}

// Paths implements graph.RelationshipReader in one statement (ALL SHORTEST).
func (s *Store) Paths(ctx context.Context, q graph.PathQuery) ([]graph.Path, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	cypher := `
OPTIONAL MATCH (a:Entity {id: $from})
OPTIONAL MATCH (b:Entity {id: $to})
CALL {
  WITH a, b
  WITH a, b WHERE $from <> $to
  MATCH p = ALL SHORTEST (a)` + step(q.RelationshipFilter) + `{1,` + strconv.Itoa(q.MaxDepth) + `}(b)
  WITH p ORDER BY [x IN relationships(p) | x.id] LIMIT $maxPaths
  RETURN collect({nodes: [n IN nodes(p) | n {.*}], edges: [x IN relationships(p) | ` + relMap("x") + `]}) AS paths
}
RETURN a {.*} AS from, b {.*} AS to, paths`
	params := filterParams(q.RelationshipFilter, map[string]any{"from": q.From, "to": q.To, "maxPaths": graph.MaxPaths})
	return read(ctx, s, "paths", func(tx neo4j.ManagedTransaction) ([]graph.Path, error) {
		rec, err := single(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		if rec.Values[0] == nil {
			return nil, graph.Errorf(graph.ENOTFOUND, "path from entity %q does not exist", q.From)
		}
		if rec.Values[1] == nil {
			return nil, graph.Errorf(graph.ENOTFOUND, "path to entity %q does not exist", q.To)
		}
		if q.From == q.To {
			return []graph.Path{{Nodes: []graph.Entity{toEntity(rec.Values[0])}, Edges: []graph.Relationship{}}}, nil
		}
		list, _ := rec.Values[2].([]any)
		paths := make([]graph.Path, len(list))
		for i, v := range list {
			m := v.(map[string]any)
			paths[i] = graph.Path{Nodes: toList(m["nodes"], toEntity), Edges: toList(m["edges"], toRelationship)}
		}
		return paths, nil
	})
}

// Timeline implements graph.RelationshipReader.
func (s *Store) Timeline(ctx context.Context, q graph.TimelineQuery) ([]graph.Relationship, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	return read(ctx, s, "timeline", func(tx neo4j.ManagedTransaction) ([]graph.Relationship, error) {
		afterStart := ""
		if q.Page.After != "" {
			cursor, err := relationshipsByID(ctx, tx, []string{q.Page.After})
			if err != nil {
				return nil, err
			}
			r, ok := cursor[q.Page.After]
			if !ok || r.Date == "" {
				return nil, graph.Errorf(graph.ENOTFOUND, "timeline after %q: no dated relationship has that id", graph.Clip(q.Page.After))
			}
			afterStart = r.Date.Start()
		}
		cypher, params := timelineQuery(q, afterStart)
		rec, err := single(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		if exists, _ := rec.Values[0].(bool); !exists {
			return nil, graph.Errorf(graph.ENOTFOUND, "timeline entity %q does not exist", q.Entity)
		}
		return toList(rec.Values[1], toRelationship), nil
	})
}

// timelineQuery returns the statement for a page of q's timeline that starts after the
// cursor (afterStart, q.Page.After). The whole graph's timeline reads each relationship
// type's dateStart index in order, a page per type at most, and keeps the first page of
// their union; an entity's reads its relationships, bounded by its degree.
func timelineQuery(q graph.TimelineQuery, afterStart string) (string, map[string]any) {
	// ">= afterStart" lets the index seek; the NOT then drops the cursor's own day up to its
	// id. (Written as an OR, the planner may answer it with a union of seeks that reads every
	// relationship by id.)
	const page = `r.dateStart >= $afterStart AND NOT (r.dateStart = $afterStart AND r.id <= $afterID)`
	where := page + ` AND ` + relFilter("r", q.RelationshipFilter)
	params := filterParams(q.RelationshipFilter, map[string]any{
		"entity": q.Entity, "first": q.Page.First, "afterStart": afterStart, "afterID": q.Page.After})
	if q.Entity != "" {
		return `
OPTIONAL MATCH (e:Entity {id: $entity})
CALL {
  WITH e
  MATCH (e)-[r:` + anyRelType() + `]-()
  WITH DISTINCT r WHERE ` + where + `
  WITH r ORDER BY r.dateStart, r.id LIMIT $first
  RETURN collect(` + relMap("r") + `) AS rels
}
RETURN e IS NOT NULL AS exists, rels`, params
	}
	// Type names come from graph.RelationTypes, never from the query, and each once.
	var branches []string
	for _, t := range graph.RelationTypes {
		if len(q.Types) > 0 && !slices.Contains(q.Types, t) {
			continue
		}
		// The hint keeps the planner on the index on small graphs too, where it would
		// otherwise pick a scan and a sort as cheaper.
		branches = append(branches, `MATCH (:Entity)-[r:`+string(t)+`]->() USING INDEX r:`+string(t)+`(dateStart) WHERE `+where+`
  RETURN r ORDER BY r.dateStart, r.id LIMIT $first`)
	}
	return `
CALL {
  ` + strings.Join(branches, "\n  UNION ALL\n  ") + `
}
WITH r ORDER BY r.dateStart, r.id LIMIT $first
WITH collect(` + relMap("r") + `) AS rels
RETURN true AS exists, rels`, params
}
