package neo4j

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/dossiergraph/dossier/graph"
)

// step is the quantified path pattern of one walk step: a matching Dossier relationship in
// either direction. Unnamed counterparts have one relationship each, so a walk can end at
// one but never pass through it; walks that must end at entities say so.
func step(f graph.RelationshipFilter) string {
	return "(()-[r:" + anyRelType() + "]-() WHERE " + relFilter("r", f) + ")"
}

// Neighborhood implements graph.RelationshipReader in one statement: a breadth-first
// search (ANY SHORTEST to every reachable entity) gives each node its distance; the
// nearest Limit nodes are kept, then every matching relationship among them.
func (s *Store) Neighborhood(ctx context.Context, q graph.NeighborhoodQuery) (graph.Subgraph, error) {
	if err := q.Normalize(); err != nil {
		return graph.Subgraph{}, err
	}
	// Depth is an int in 1..MaxDepth after Normalize; quantifier bounds cannot be parameters.
	cypher := `
OPTIONAL MATCH (c:Entity {id: $center})
CALL {
  WITH c
  MATCH p = ANY SHORTEST (c)` + step(q.RelationshipFilter) + `{1,` + strconv.Itoa(q.Depth) + `}(n:Entity)
  WHERE n <> c
  WITH n, length(p) AS d ORDER BY d, n.id LIMIT $more
  RETURN collect(n) AS found, collect(d) AS dists
}
WITH c, [c] + found AS nodes, dists
CALL {
  WITH nodes
  UNWIND nodes AS a
  MATCH (a)-[r:` + anyRelType() + `]->(b:Entity)
  WHERE b IN nodes AND ` + relFilter("r", q.RelationshipFilter) + `
  RETURN collect(` + relMap("r") + `) AS edges
}
RETURN c IS NOT NULL AS exists, [n IN nodes | n {.*}] AS nodes, dists, edges`
	params := filterParams(q.RelationshipFilter, map[string]any{"center": q.Center, "more": q.Limit - 1})
	sub, err := read(ctx, s, "neighborhood", func(tx neo4j.ManagedTransaction) (graph.Subgraph, error) {
		rec, err := single(ctx, tx, cypher, params)
		if err != nil {
			return graph.Subgraph{}, err
		}
		if exists, _ := rec.Values[0].(bool); !exists {
			return graph.Subgraph{}, graph.Errorf(graph.ENOTFOUND, "center entity %q does not exist", q.Center)
		}
		return graph.Subgraph{Nodes: toList(rec.Values[1], toEntity), Edges: toList(rec.Values[3], toRelationship)}, nil
	})
	if err != nil {
		return graph.Subgraph{}, err
	}
	// The statement returns nodes by distance then id already; edges come per node.
	slices.SortFunc(sub.Edges, func(a, b graph.Relationship) int { return cmp.Compare(a.ID, b.ID) })
	return sub, nil
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
	cypher := `
MATCH (:Entity)-[r:` + anyRelType() + `]->()
WHERE r.dateStart IS NOT NULL AND ` + relFilter("r", q.RelationshipFilter) + `
WITH r ORDER BY r.dateStart, r.id
WITH collect(` + relMap("r") + `) AS rels
RETURN true AS exists, rels`
	if q.Entity != "" {
		cypher = `
OPTIONAL MATCH (e:Entity {id: $entity})
CALL {
  WITH e
  MATCH (e)-[r:` + anyRelType() + `]-()
  WITH DISTINCT r WHERE r.dateStart IS NOT NULL AND ` + relFilter("r", q.RelationshipFilter) + `
  WITH r ORDER BY r.dateStart, r.id
  RETURN collect(` + relMap("r") + `) AS rels
}
RETURN e IS NOT NULL AS exists, rels`
	}
	params := filterParams(q.RelationshipFilter, map[string]any{"entity": q.Entity})
	return read(ctx, s, "timeline", func(tx neo4j.ManagedTransaction) ([]graph.Relationship, error) {
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
