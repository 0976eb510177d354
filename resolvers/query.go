package resolvers

import (
	"context"
	"fmt"

	"github.com/graphql-go/graphql"

	"github.com/dossiergraph/dossier/graph"
)

func (r *resolver) queryResolvers() map[string]graphql.FieldResolveFn {
	return map[string]graphql.FieldResolveFn{
		"entity": r.entity, // prime.go
		"article": func(p graphql.ResolveParams) (any, error) {
			return r.nullIfMissing(p.Context, func(ctx context.Context) (any, error) {
				return r.store.Article(ctx, argString(p.Args, "id"))
			})
		},
		"entities":      r.entities,
		"search":        r.search,
		"relationships": r.relationships,
		"neighborhood":  r.neighborhood,
		"paths":         r.paths,
		"timeline":      r.timeline,
		"articles":      r.articles,
		"changes":       r.changes,
		"history":       r.history,
		"stats": func(p graphql.ResolveParams) (any, error) {
			st, err := r.store.Stats(p.Context)
			if err != nil {
				return nil, r.fail(p.Context, fmt.Errorf("stats: %w", err))
			}
			return st, nil
		},
	}
}

// nullIfMissing runs get and turns NOT_FOUND into null, the GraphQL convention for a
// single object looked up by id.
func (r *resolver) nullIfMissing(ctx context.Context, get func(context.Context) (any, error)) (any, error) {
	v, err := get(ctx)
	switch {
	case graph.ErrorCode(err) == graph.ENOTFOUND:
		return nil, nil
	case err != nil:
		return nil, r.fail(ctx, err)
	}
	return v, nil
}

func (r *resolver) entities(p graphql.ResolveParams) (any, error) {
	page, err := argPage(p)
	if err != nil {
		return nil, r.fail(p.Context, err)
	}
	res, err := r.store.ListEntities(p.Context, graph.EntityQuery{Kind: graph.Kind(argString(p.Args, "kind")), Page: page})
	if err != nil {
		return nil, r.fail(p.Context, fmt.Errorf("list entities: %w", err))
	}
	return newConnection(res.Entities, entityID, res.PageInfo), nil
}

func (r *resolver) search(p graphql.ResolveParams) (any, error) {
	q := graph.SearchQuery{Text: argString(p.Args, "text"), Kinds: argKinds(p.Args, "kinds"), Limit: argInt(p.Args, "first")}
	found, err := r.store.SearchEntities(p.Context, q)
	if err != nil {
		return nil, r.fail(p.Context, fmt.Errorf("search %q: %w", q.Text, err))
	}
	return nonNil(found), nil
}

// filter reads the relationship filter arguments shared by several fields.
func filter(args map[string]any) graph.RelationshipFilter {
	return graph.RelationshipFilter{
		Types:          argTypes(args),
		Since:          argDate(args, "since"),
		Until:          argDate(args, "until"),
		MinSources:     argInt(args, "minSources"),
		IncludeNegated: argBool(args, "includeNegated"),
		Review:         argReview(args),
	}
}

func (r *resolver) relationships(p graphql.ResolveParams) (any, error) {
	page, err := argPage(p)
	if err != nil {
		return nil, r.fail(p.Context, err)
	}
	q := graph.RelationshipQuery{
		RelationshipFilter: filter(p.Args),
		From:               argString(p.Args, "from"),
		To:                 argString(p.Args, "to"),
		Page:               page,
	}
	from, to := selectsEnds(p)
	res, err := r.relationshipPage(p.Context, q, from || to)
	if err != nil {
		return nil, r.fail(p.Context, fmt.Errorf("list relationships: %w", err))
	}
	// A list answers an end that names nothing with no items; the API says NOT_FOUND, which
	// only an empty page needs looking up.
	if len(res.Relationships) == 0 {
		if err := r.requireEntities(p.Context, map[string]string{"from": q.From, "to": q.To}); err != nil {
			return nil, r.fail(p.Context, err)
		}
	}
	r.prefetchEnds(p, res.Relationships, from, to)
	return newConnection(res.Relationships, relID, res.PageInfo), nil
}

func (r *resolver) neighborhood(p graphql.ResolveParams) (any, error) {
	q := graph.NeighborhoodQuery{
		Center:             argString(p.Args, "id"),
		Depth:              argInt(p.Args, "depth"),
		Limit:              argInt(p.Args, "limit"),
		RelationshipFilter: graph.RelationshipFilter{Types: argTypes(p.Args), IncludeNegated: argBool(p.Args, "includeNegated"), Review: argReview(p.Args)},
	}
	g, err := r.store.Neighborhood(p.Context, q)
	if err != nil {
		return nil, r.fail(p.Context, fmt.Errorf("neighborhood of %s: %w", q.Center, err))
	}
	return g, nil
}

func (r *resolver) paths(p graphql.ResolveParams) (any, error) {
	q := graph.PathQuery{
		From:               argString(p.Args, "from"),
		To:                 argString(p.Args, "to"),
		MaxDepth:           argInt(p.Args, "maxDepth"),
		RelationshipFilter: graph.RelationshipFilter{Types: argTypes(p.Args), Review: argReview(p.Args)},
	}
	paths, err := r.store.Paths(p.Context, q)
	if err != nil {
		return nil, r.fail(p.Context, fmt.Errorf("paths from %s to %s: %w", q.From, q.To, err))
	}
	return nonNil(paths), nil
}

func (r *resolver) timeline(p graphql.ResolveParams) (any, error) {
	q := graph.TimelineQuery{Entity: argString(p.Args, "entity"), RelationshipFilter: filter(p.Args),
		Page: graph.Page{First: argInt(p.Args, "first"), After: argString(p.Args, "after")}}
	rels, err := r.store.Timeline(p.Context, q)
	if err != nil {
		return nil, r.fail(p.Context, fmt.Errorf("timeline: %w", err))
	}
	return nonNil(rels), nil
}

func (r *resolver) articles(p graphql.ResolveParams) (any, error) {
	page, err := argPage(p)
	if err != nil {
		return nil, r.fail(p.Context, err)
	}
	outlet := argString(p.Args, "outlet")
	res, err := r.store.ListArticles(p.Context, graph.ArticleQuery{Outlet: outlet, Page: page})
	if err != nil {
		return nil, r.fail(p.Context, fmt.Errorf("list articles: %w", err))
	}
	if len(res.Articles) == 0 { // as for relationships: NOT_FOUND for an outlet that names nothing
		if err := r.requireEntities(p.Context, map[string]string{"outlet": outlet}); err != nil {
			return nil, r.fail(p.Context, err)
		}
	}
	return newConnection(res.Articles, articleID, res.PageInfo), nil
}
