package main

import (
	"encoding/json"
	"fmt"
	"slices"
)

// The two questions, as each API asks them. Dossier's Entity.relationships and entities are
// ordered by id; the @neo4j/graphql side orders by id too (in its @cypher field, and by sort),
// so that both must return the same items in the same order.
const (
	dossierQ1 = `query Q1($id: ID!) { entity(id: $id) { id name relationships(direction: OUT, first: 50) { edges { node { type summary sourceCount to { name } } } } } }`
	dossierQ2 = `query Q2($after: String) { entities(first: 20, after: $after) { edges { node { id name kind } } } }`
	ngQ1      = `query Q1($id: String!) { entities(where: {id: {eq: $id}}) { id name outgoing(first: 50) { type summary sourceCount to { name } } } }`
	ngQ2      = `query Q2($after: String!) { entities(where: {id: {gt: $after}}, sort: [{id: ASC}], limit: 20) { id name kind } }`
	// dossierCursors walks all entities to learn Dossier's (opaque) page cursors.
	dossierCursors = `query C($after: String) { entities(first: 500, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`
)

func requestBody(query string, vars map[string]any) string {
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		panic(err) // strings and maps of strings always marshal
	}
	return string(b)
}

// act is one relationship of a Q1 answer, as compared across systems.
type act struct {
	Type        string  `json:"type"`
	Summary     *string `json:"summary"`
	SourceCount int     `json:"sourceCount"`
	To          *struct {
		Name *string `json:"name"`
	} `json:"to"`
}

func (a act) String() string {
	to := "<none>"
	if a.To != nil && a.To.Name != nil {
		to = *a.To.Name
	}
	s := "<null>"
	if a.Summary != nil {
		s = *a.Summary
	}
	return fmt.Sprintf("%s %q sources=%d to=%q", a.Type, s, a.SourceCount, to)
}

// q1Answer is what a Q1 answer says, whichever API gave it.
type q1Answer struct {
	ID, Name string
	Acts     []string
}

func parseDossierQ1(b []byte) (q1Answer, error) {
	var v struct {
		Data struct {
			Entity *struct {
				ID, Name      string
				Relationships struct {
					Edges []struct{ Node act }
				}
			}
		}
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return q1Answer{}, fmt.Errorf("parse Dossier Q1 answer: %w", err)
	}
	e := v.Data.Entity
	if e == nil {
		return q1Answer{}, fmt.Errorf("Dossier Q1 answer has no entity: %s", clip(b))
	}
	a := q1Answer{ID: e.ID, Name: e.Name}
	for _, edge := range e.Relationships.Edges {
		a.Acts = append(a.Acts, edge.Node.String())
	}
	return a, nil
}

func parseNeo4jGraphQLQ1(b []byte) (q1Answer, error) {
	var v struct {
		Data struct {
			Entities []struct {
				ID, Name string
				Outgoing []act
			}
		}
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return q1Answer{}, fmt.Errorf("parse @neo4j/graphql Q1 answer: %w", err)
	}
	if len(v.Data.Entities) != 1 {
		return q1Answer{}, fmt.Errorf("@neo4j/graphql Q1 answer has %d entities, want 1: %s", len(v.Data.Entities), clip(b))
	}
	e := v.Data.Entities[0]
	a := q1Answer{ID: e.ID, Name: e.Name}
	for _, x := range e.Outgoing {
		a.Acts = append(a.Acts, x.String())
	}
	return a, nil
}

// entityRow is one entity of a Q2 answer.
type entityRow struct{ ID, Name, Kind string }

func parseDossierQ2(b []byte) ([]entityRow, error) {
	var v struct {
		Data struct {
			Entities struct {
				Edges []struct{ Node entityRow }
			}
		}
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("parse Dossier Q2 answer: %w", err)
	}
	var rows []entityRow
	for _, e := range v.Data.Entities.Edges {
		rows = append(rows, e.Node)
	}
	return rows, nil
}

func parseNeo4jGraphQLQ2(b []byte) ([]entityRow, error) {
	var v struct {
		Data struct{ Entities []entityRow }
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("parse @neo4j/graphql Q2 answer: %w", err)
	}
	return v.Data.Entities, nil
}

// firstDifference describes where two lists differ, or returns "" when they are equal.
func firstDifference[T comparable](a, b []T) string {
	if slices.Equal(a, b) {
		return ""
	}
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("item %d: %v ≠ %v", i, a[i], b[i])
		}
	}
	return fmt.Sprintf("%d items ≠ %d items", len(a), len(b))
}
