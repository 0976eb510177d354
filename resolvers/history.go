package resolvers

import (
	"fmt"
	"strings"
	"time"

	"github.com/graphql-go/graphql"

	"github.com/dossiergraph/dossier/graph"
)

// argReview reads the review states of a relationship filter; absent → nil (the default).
func argReview(args map[string]any) []graph.ReviewState {
	names := argStrings(args, "review")
	if names == nil {
		return nil
	}
	states := make([]graph.ReviewState, len(names))
	for i, n := range names {
		states[i] = graph.ReviewState(n)
	}
	return states
}

// changeConnection is a page of the change log; its pageInfo resolves as a connection's.
type changeConnection struct {
	changes []graph.LogEntry
	connection
}

// reviewView is a relationship's review as the Review type shows it.
type reviewView struct {
	state graph.ReviewState
	graph.Review
}

// changes answers the graph-wide feed.
func (r *resolver) changes(p graphql.ResolveParams) (any, error) {
	q := graph.ChangeQuery{}
	if since := argString(p.Args, "since"); since != "" {
		t, err := time.Parse(time.RFC3339, since)
		if err != nil {
			return nil, r.fail(p.Context, graph.Errorf(graph.EINVALID, "since %q is not an RFC 3339 time such as 2026-01-31T09:00:00Z", graph.Clip(since)))
		}
		q.Since = t
	}
	return r.changePage(p, q)
}

// history answers the history of one record, by kind and id.
func (r *resolver) history(p graphql.ResolveParams) (any, error) {
	rec := graph.Record(strings.ToLower(argString(p.Args, "record")))
	return r.changePage(p, graph.ChangeQuery{Record: rec, ID: argString(p.Args, "id")})
}

// historyOf resolves the history field of a record type.
func historyOf[S any](r *resolver, rec graph.Record, id func(S) string) graphql.FieldResolveFn {
	return fieldCtx(func(p graphql.ResolveParams, src S) (any, error) {
		return r.changePage(p, graph.ChangeQuery{Record: rec, ID: id(src)})
	})
}

func (r *resolver) changePage(p graphql.ResolveParams, q graph.ChangeQuery) (any, error) {
	log, ok := r.store.(graph.ChangeLog)
	if !ok {
		return nil, r.fail(p.Context, graph.Errorf(graph.EINVALID, "this server's store keeps no change log"))
	}
	page, err := argPage(p)
	if err != nil {
		return nil, r.fail(p.Context, err)
	}
	q.Page = page
	res, err := log.Changes(p.Context, q)
	if err != nil {
		return nil, r.fail(p.Context, fmt.Errorf("read the change log: %w", err))
	}
	c := changeConnection{changes: res.Changes, connection: connection{hasNextPage: res.HasNextPage}}
	if res.EndCursor != "" {
		c.endCursor = encodeCursor(res.EndCursor)
	}
	return c, nil
}

func (r *resolver) historyResolvers() fieldResolvers {
	return fieldResolvers{
		"ChangeConnection": {
			"changes":  field(func(c changeConnection) any { return nonNil(c.changes) }),
			"pageInfo": field(func(c changeConnection) any { return c.connection }),
		},
		"Change": {
			"seq":       field(func(e graph.LogEntry) any { return int(e.Seq) }),
			"time":      field(func(e graph.LogEntry) any { return e.Time.UTC().Format(time.RFC3339Nano) }),
			"actor":     field(func(e graph.LogEntry) any { return orNull(e.Actor) }),
			"operation": field(func(e graph.LogEntry) any { return e.Operation }),
			"records":   field(func(e graph.LogEntry) any { return nonNil(e.Records) }),
		},
		"RecordChange": {
			"record": field(func(rc graph.RecordChange) any { return strings.ToUpper(string(rc.Record)) }),
			"id":     field(func(rc graph.RecordChange) any { return rc.ID }),
			"before": field(func(rc graph.RecordChange) any { return jsonOrNull(rc.Before) }),
			"after":  field(func(rc graph.RecordChange) any { return jsonOrNull(rc.After) }),
		},
		"Review": {
			"state":    field(func(v reviewView) any { return string(v.state) }),
			"reviewer": field(func(v reviewView) any { return orNull(v.Reviewer) }),
			"time":     field(func(v reviewView) any { return orNull(v.Time) }),
			"note":     field(func(v reviewView) any { return orNull(v.Note) }),
		},
	}
}

func jsonOrNull(raw []byte) any {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return string(raw)
}

// provenanceFields resolve a relationship's origin and review.
func provenanceFields() map[string]graphql.FieldResolveFn {
	return map[string]graphql.FieldResolveFn{
		"origin": field(func(rel graph.Relationship) any { return string(rel.OriginOf()) }),
		"confidence": field(func(rel graph.Relationship) any {
			if rel.OriginOf() != graph.Extracted {
				return nil
			}
			return rel.Confidence
		}),
		"review": field(func(rel graph.Relationship) any { return reviewView{state: rel.ReviewOf(), Review: rel.Review} }),
	}
}

func (r *resolver) reviewRelationship(p graphql.ResolveParams) (any, error) {
	decision := graph.ReviewState(strings.ToUpper(strings.TrimSpace(argString(p.Args, "decision"))))
	return r.writer.ReviewRelationship(p.Context, argString(p.Args, "id"), decision, argString(p.Args, "note"))
}
