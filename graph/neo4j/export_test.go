package neo4j

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/dossiergraph/dossier/graph"
)

// DisableChangeLog turns s's change log off, for the benchmark that measures its cost.
func DisableChangeLog(s *Store) { s.unlogged = true }

// EntityPageQuery and WithEndsQuery expose the statements of the two reads behind the
// bench's questions, for the tests that profile them.
func EntityPageQuery(q graph.EntityQuery) (string, map[string]any, error) { return entityPageQuery(&q) }

func WithEndsQuery(q graph.RelationshipQuery) (string, map[string]any, error) {
	if err := q.Normalize(); err != nil {
		return "", nil, err
	}
	cypher, params := withEndsQuery(q)
	return cypher, params, nil
}

// Operator is one step of a profiled plan.
type Operator struct {
	Name   string
	DbHits int64
}

// Profile runs cypher under PROFILE and returns its plan's operators, depth first.
func Profile(ctx context.Context, s *Store, cypher string, params map[string]any) ([]Operator, error) {
	// The plan is chosen from index statistics: after the earlier tests' graphs they are
	// stale until resampled, and a plan cached for a graph of ten relationships would sort
	// the whole of this one.
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.database})
	defer session.Close(ctx)
	if _, err := neo4j.ExecuteWrite(ctx, session, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, "CALL db.resampleOutdatedIndexes()", nil)
		if err != nil {
			return nil, err
		}
		return res.Consume(ctx)
	}); err != nil {
		return nil, fmt.Errorf("profile: resample indexes: %w", err)
	}
	res, err := session.Run(ctx, "CYPHER replan=force PROFILE "+cypher, params)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	var ops []Operator
	var walk func(p neo4j.ProfiledPlan)
	walk = func(p neo4j.ProfiledPlan) {
		ops = append(ops, Operator{p.Operator(), p.DbHits()})
		for _, c := range p.Children() {
			walk(c)
		}
	}
	if sum.Profile() == nil {
		return nil, fmt.Errorf("profile: the server returned no plan")
	}
	walk(sum.Profile())
	return ops, nil
}

// ReadManaged and ReadAutoCommit run one single-record read statement in a managed
// transaction (what read does) and as an auto-commit one (readSingle), for the benchmark
// that compares them.
func ReadManaged(ctx context.Context, s *Store, cypher string, params map[string]any) error {
	_, err := read(ctx, s, "benchmark", func(tx neo4j.ManagedTransaction) (*neo4j.Record, error) {
		return single(ctx, tx, cypher, params)
	})
	return err
}

func ReadAutoCommit(ctx context.Context, s *Store, cypher string, params map[string]any) error {
	_, err := readSingle(ctx, s, "benchmark", cypher, params)
	return err
}

// TimelineQuery exposes the statement of a timeline page, for PROFILE tests.
func TimelineQuery(q graph.TimelineQuery, afterStart string) (string, map[string]any, error) {
	if err := q.Normalize(); err != nil {
		return "", nil, err
	}
	cypher, params := timelineQuery(q, afterStart)
	return cypher, params, nil
}
