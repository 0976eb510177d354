package neo4j

import (
	"context"

	"github.com/dossiergraph/dossier/graph"
)

var _ graph.EndsLister = (*Store)(nil)

// endsQuery binds ends to the entities at the ends of the page's relationships (the extra
// one that only says whether a next page exists left out) and those named in $anchors. The
// ends come from the relationships already matched, so only the anchors cost index seeks;
// UNION drops the duplicates, and the Unnamed stand-ins are no entities.
const endsQuery = `
CALL {
  WITH rels
  CALL {
    WITH rels
    UNWIND rels[0..$first] AS r
    UNWIND [startNode(r), endNode(r)] AS n
    RETURN n
    UNION
    UNWIND $anchors AS id
    MATCH (n:Entity {id: id})
    RETURN n
  }
  WITH n WHERE n:Entity
  RETURN collect(n {.*}) AS ends
}`

// ListRelationshipsWithEnds implements graph.EndsLister: the page, its ends and the anchors
// in one statement, hence one round trip.
func (s *Store) ListRelationshipsWithEnds(ctx context.Context, q graph.RelationshipQuery) (graph.RelationshipPage, map[string]graph.Entity, error) {
	if err := q.Normalize(); err != nil {
		return graph.RelationshipPage{}, nil, err
	}
	cypher, params := withEndsQuery(q)
	rec, err := readSingle(ctx, s, "list relationships with ends", cypher, params)
	if err != nil {
		return graph.RelationshipPage{}, nil, err
	}
	list := toList(rec.Values[2], toEntity)
	ends := make(map[string]graph.Entity, len(list))
	for _, e := range list {
		ends[e.ID] = e
	}
	return toRelationshipPage(rec.Values[0], rec.Values[1], q.Page), ends, nil
}

// withEndsQuery returns the statement of q's page with its ends; q must be normalized.
func withEndsQuery(q graph.RelationshipQuery) (string, map[string]any) {
	cypher, params := relPageQuery(q)
	cypher += endsQuery + "\nRETURN total, " + relMaps("rels") + " AS items, ends"
	params["first"] = q.Page.First
	anchors := []string{}
	for _, id := range []string{q.Entity, q.From, q.To} {
		if id != "" {
			anchors = append(anchors, id)
		}
	}
	params["anchors"] = anchors
	return cypher, params
}
