package resolvers

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"

	"github.com/graphql-go/graphql"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/ingest"
)

// resolver holds what every field resolver needs; per-request state lives in the context.
type resolver struct {
	store    graph.Querier
	writer   *graph.Writer                                    // nil when the store cannot be written
	ingester *ingest.Ingester                                 // nil: ingestArticle answers that ingestion is off
	onIngest func(dryRun bool, sum ingest.Summary, err error) // nil: nobody listens
	log      *slog.Logger
}

// requestState is the per-request batching state.
type requestState struct {
	entities *loader[graph.Entity]
	articles *loader[graph.Article]
	// outlets maps an article id to the entity of its outlet.
	outlets *loader[graph.Entity]
	// pages holds relationship pages read ahead with the entity they belong to (prime.go).
	pages primedPages
}

type requestKey struct{}

func (r *resolver) newRequestState() *requestState {
	s := &requestState{
		entities: newLoader(func(ctx context.Context, ids []string) (map[string]graph.Entity, error) {
			return r.store.EntitiesByID(ctx, ids)
		}),
		articles: newLoader(func(ctx context.Context, ids []string) (map[string]graph.Article, error) {
			return r.store.ArticlesByID(ctx, ids)
		}),
	}
	s.outlets = newLoader(func(ctx context.Context, articleIDs []string) (map[string]graph.Entity, error) {
		arts, err := s.articles.load(ctx, articleIDs...)
		if err != nil {
			return nil, err
		}
		var outletIDs []string
		for _, a := range arts {
			outletIDs = append(outletIDs, a.Outlet)
		}
		ents, err := s.entities.load(ctx, outletIDs...)
		if err != nil {
			return nil, err
		}
		out := make(map[string]graph.Entity, len(arts))
		for id, a := range arts {
			if e, ok := ents[a.Outlet]; ok {
				out[id] = e
			}
		}
		return out, nil
	})
	return s
}

// forget drops everything the loaders hold, after a mutation changed the graph.
func (s *requestState) forget() {
	s.entities.forget()
	s.articles.forget()
	s.outlets.forget()
	s.pages.forget()
}

func state(ctx context.Context) *requestState {
	return ctx.Value(requestKey{}).(*requestState)
}

// fail turns err into the error a resolver returns.
func (r *resolver) fail(ctx context.Context, err error) error {
	return publicError(ctx, r.log, err)
}

// thunk wraps a deferred result in the signature graphql-go dethunks.
type thunk = func() (any, error)

// entityThunk resolves to the entity with id, or null when there is none.
func (r *resolver) entityThunk(ctx context.Context, id string) thunk {
	s := state(ctx)
	s.entities.enqueue(id)
	return func() (any, error) {
		got, err := s.entities.load(ctx, id)
		if err != nil {
			return nil, r.fail(ctx, fmt.Errorf("load entity %s: %w", id, err))
		}
		if e, ok := got[id]; ok {
			return e, nil
		}
		return nil, nil
	}
}

// entitiesThunk resolves to the entities with ids that exist, in the order of ids.
func (r *resolver) entitiesThunk(ctx context.Context, ids []string) thunk {
	s := state(ctx)
	s.entities.enqueue(ids...)
	return func() (any, error) {
		got, err := s.entities.load(ctx, ids...)
		if err != nil {
			return nil, r.fail(ctx, fmt.Errorf("load entities %v: %w", ids, err))
		}
		out := make([]graph.Entity, 0, len(ids))
		for _, id := range ids {
			if e, ok := got[id]; ok {
				out = append(out, e)
			}
		}
		return out, nil
	}
}

// requireEntities checks in one store call that the entities named by non-empty ids exist;
// what names each id's role in the error.
func (r *resolver) requireEntities(ctx context.Context, refs map[string]string) error {
	var ids []string
	for _, id := range refs {
		if id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	got, err := state(ctx).entities.load(ctx, ids...)
	if err != nil {
		return err
	}
	for _, what := range slices.Sorted(maps.Keys(refs)) {
		if id := refs[what]; id != "" {
			if _, ok := got[id]; !ok {
				return graph.Errorf(graph.ENOTFOUND, "%s: no entity with id %q", what, id)
			}
		}
	}
	return nil
}

// connection is a page of any list, as the *Connection types expose it.
type connection struct {
	totalCount  int
	edges       []edge
	hasNextPage bool
	endCursor   string
}

type edge struct {
	cursor string
	node   any
}

func newConnection[T any](items []T, id func(T) string, info graph.PageInfo) connection {
	c := connection{totalCount: info.TotalCount, hasNextPage: info.HasNextPage, edges: make([]edge, len(items))}
	for i, it := range items {
		c.edges[i] = edge{cursor: encodeCursor(id(it)), node: it}
	}
	if info.EndCursor != "" {
		c.endCursor = encodeCursor(info.EndCursor)
	}
	return c
}

func entityID(e graph.Entity) string      { return e.ID }
func articleID(a graph.Article) string    { return a.ID }
func relID(rel graph.Relationship) string { return rel.ID }

// field adapts a getter on the source value to a resolver.
func field[S any](get func(S) any) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) {
		src, ok := p.Source.(S)
		if !ok {
			return nil, fmt.Errorf("resolve %s.%s: unexpected source %T", p.Info.ParentType.Name(), p.Info.FieldName, p.Source)
		}
		return get(src), nil
	}
}

// fieldCtx adapts a source-and-params resolver.
func fieldCtx[S any](get func(p graphql.ResolveParams, src S) (any, error)) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) {
		src, ok := p.Source.(S)
		if !ok {
			return nil, fmt.Errorf("resolve %s.%s: unexpected source %T", p.Info.ParentType.Name(), p.Info.FieldName, p.Source)
		}
		return get(p, src)
	}
}

func (r *resolver) fieldResolvers() fieldResolvers {
	connectionFields := map[string]graphql.FieldResolveFn{
		"totalCount": field(func(c connection) any { return c.totalCount }),
		"edges":      field(func(c connection) any { return c.edges }),
		"pageInfo":   field(func(c connection) any { return c }),
	}
	edgeFields := map[string]graphql.FieldResolveFn{
		"cursor": field(func(e edge) any { return e.cursor }),
		"node":   field(func(e edge) any { return e.node }),
	}
	graphFields := map[string]graphql.FieldResolveFn{
		"nodes": func(p graphql.ResolveParams) (any, error) {
			switch g := p.Source.(type) {
			case graph.Subgraph:
				return nonNil(g.Nodes), nil
			case graph.Path:
				return nonNil(g.Nodes), nil
			}
			return nil, fmt.Errorf("resolve nodes: unexpected source %T", p.Source)
		},
		"edges": func(p graphql.ResolveParams) (any, error) {
			switch g := p.Source.(type) {
			case graph.Subgraph:
				return nonNil(g.Edges), nil
			case graph.Path:
				return nonNil(g.Edges), nil
			}
			return nil, fmt.Errorf("resolve edges: unexpected source %T", p.Source)
		},
	}
	out := fieldResolvers{
		"Query":    r.queryResolvers(),
		"Mutation": r.mutationResolvers(),
		"Entity": {
			"id":            field(func(e graph.Entity) any { return e.ID }),
			"kind":          field(func(e graph.Entity) any { return string(e.Kind) }),
			"name":          field(func(e graph.Entity) any { return e.Name }),
			"aliases":       field(func(e graph.Entity) any { return nonNil(e.Aliases) }),
			"description":   field(func(e graph.Entity) any { return orNull(e.Description) }),
			"country":       field(func(e graph.Entity) any { return orNull(e.Country) }),
			"role":          field(func(e graph.Entity) any { return orNull(e.Role) }),
			"relationships": fieldCtx(r.entityRelationships),
			"articles":      fieldCtx(r.entityArticles),
		},
		"Article": {
			"id":    field(func(a graph.Article) any { return a.ID }),
			"title": field(func(a graph.Article) any { return a.Title }),
			"outlet": fieldCtx(func(p graphql.ResolveParams, a graph.Article) (any, error) {
				return r.entityThunk(p.Context, a.Outlet), nil
			}),
			"url":           field(func(a graph.Article) any { return orNull(a.URL) }),
			"published":     field(func(a graph.Article) any { return a.Published }),
			"authors":       field(func(a graph.Article) any { return nonNil(a.Authors) }),
			"relationships": fieldCtx(r.articleRelationships),
		},
		"Relationship": {
			"id":   field(func(rel graph.Relationship) any { return rel.ID }),
			"type": field(func(rel graph.Relationship) any { return string(rel.Type) }),
			"from": fieldCtx(func(p graphql.ResolveParams, rel graph.Relationship) (any, error) {
				return r.entityThunk(p.Context, rel.From), nil
			}),
			"to": fieldCtx(func(p graphql.ResolveParams, rel graph.Relationship) (any, error) {
				if rel.To == "" {
					return nil, nil
				}
				return r.entityThunk(p.Context, rel.To), nil
			}),
			"about": fieldCtx(func(p graphql.ResolveParams, rel graph.Relationship) (any, error) {
				return r.entitiesThunk(p.Context, rel.About), nil
			}),
			"negated":     field(func(rel graph.Relationship) any { return rel.Negated }),
			"date":        field(func(rel graph.Relationship) any { return rel.Date }),
			"dateText":    field(func(rel graph.Relationship) any { return orNull(rel.DateText) }),
			"summary":     field(func(rel graph.Relationship) any { return orNull(rel.Summary) }),
			"quantity":    field(func(rel graph.Relationship) any { return orNull(rel.Quantity) }),
			"evidence":    field(func(rel graph.Relationship) any { return nonNil(rel.Evidence) }),
			"sourceCount": field(func(rel graph.Relationship) any { return rel.SourceCount }),
			"outlets":     fieldCtx(r.relationshipOutlets),
		},
		"Evidence": {
			"article": fieldCtx(func(p graphql.ResolveParams, ev graph.Evidence) (any, error) {
				s := state(p.Context)
				s.articles.enqueue(ev.Article)
				return func() (any, error) {
					got, err := s.articles.load(p.Context, ev.Article)
					if err != nil {
						return nil, r.fail(p.Context, fmt.Errorf("load article %s: %w", ev.Article, err))
					}
					if a, ok := got[ev.Article]; ok {
						return a, nil
					}
					return nil, nil
				}, nil
			}),
			"excerpt": field(func(ev graph.Evidence) any { return orNull(ev.Excerpt) }),
		},
		"Subgraph":               graphFields,
		"Path":                   graphFields,
		"PageInfo":               {"hasNextPage": field(func(c connection) any { return c.hasNextPage }), "endCursor": field(func(c connection) any { return orNull(c.endCursor) })},
		"EntityConnection":       connectionFields,
		"RelationshipConnection": connectionFields,
		"ArticleConnection":      connectionFields,
		"EntityEdge":             edgeFields,
		"RelationshipEdge":       edgeFields,
		"ArticleEdge":            edgeFields,
		"Stats": {
			"entities":             field(func(s graph.Stats) any { return s.Entities }),
			"articles":             field(func(s graph.Stats) any { return s.Articles }),
			"relationships":        field(func(s graph.Stats) any { return s.Relationships }),
			"negatedRelationships": field(func(s graph.Stats) any { return s.NegatedRelationships }),
			"entitiesByKind": field(func(s graph.Stats) any {
				out := make([]kindCount, len(graph.Kinds))
				for i, k := range graph.Kinds {
					out[i] = kindCount{kind: k, count: s.EntitiesByKind[k]}
				}
				return out
			}),
			"relationshipsByType": field(func(s graph.Stats) any {
				out := make([]typeCount, len(graph.RelationTypes))
				for i, t := range graph.RelationTypes {
					out[i] = typeCount{typ: t, count: s.RelationshipsByType[t]}
				}
				return out
			}),
		},
		"KindCount": {
			"kind":  field(func(c kindCount) any { return string(c.kind) }),
			"count": field(func(c kindCount) any { return c.count }),
		},
		"TypeCount": {
			"type":  field(func(c typeCount) any { return string(c.typ) }),
			"count": field(func(c typeCount) any { return c.count }),
		},
	}
	maps.Copy(out, r.historyResolvers())
	maps.Copy(out["Relationship"], provenanceFields())
	out["Entity"]["history"] = historyOf(r, graph.EntityRecord, entityID)
	out["Article"]["history"] = historyOf(r, graph.ArticleRecord, articleID)
	out["Relationship"]["history"] = historyOf(r, graph.RelationshipRecord, relID)
	return out
}

type kindCount struct {
	kind  graph.Kind
	count int
}

type typeCount struct {
	typ   graph.RelationType
	count int
}

func (r *resolver) entityRelationships(p graphql.ResolveParams, e graph.Entity) (any, error) {
	q, err := entityRelationshipsQuery(p, e.ID)
	if err != nil {
		return nil, r.fail(p.Context, err)
	}
	res, err := r.relationshipPage(p.Context, q, selectsEnds(p))
	if err != nil {
		return nil, r.fail(p.Context, fmt.Errorf("list relationships of %s: %w", e.ID, err))
	}
	return newConnection(res.Relationships, relID, res.PageInfo), nil
}

// entityRelationshipsQuery reads the arguments of Entity.relationships.
func entityRelationshipsQuery(p graphql.ResolveParams, id string) (graph.RelationshipQuery, error) {
	page, err := argPage(p)
	if err != nil {
		return graph.RelationshipQuery{}, err
	}
	return graph.RelationshipQuery{
		RelationshipFilter: graph.RelationshipFilter{Types: argTypes(p.Args), IncludeNegated: argBool(p.Args, "includeNegated"), Review: argReview(p.Args)},
		Entity:             id,
		Direction:          graph.Direction(argString(p.Args, "direction")),
		Page:               page,
	}, nil
}

func (r *resolver) entityArticles(p graphql.ResolveParams, e graph.Entity) (any, error) {
	page, err := argPage(p)
	if err != nil {
		return nil, r.fail(p.Context, err)
	}
	res, err := r.store.ListArticles(p.Context, graph.ArticleQuery{Entity: e.ID, Page: page})
	if err != nil {
		return nil, r.fail(p.Context, fmt.Errorf("list articles of %s: %w", e.ID, err))
	}
	return newConnection(res.Articles, articleID, res.PageInfo), nil
}

// articleRelationships reads one page of the article's relationships from the store's
// article index: the cost grows with the article's relationships, not the graph's.
func (r *resolver) articleRelationships(p graphql.ResolveParams, a graph.Article) (any, error) {
	after := argString(p.Args, "after")
	if after != "" {
		if err := graph.ValidateID("after", after); err != nil {
			return nil, r.fail(p.Context, err)
		}
	}
	q := graph.RelationshipQuery{
		RelationshipFilter: graph.RelationshipFilter{IncludeNegated: argBool(p.Args, "includeNegated"), Review: argReview(p.Args)},
		Article:            a.ID,
		Page:               graph.Page{First: argInt(p.Args, "first"), After: after, SkipTotal: true},
	}
	res, err := r.store.ListRelationships(p.Context, q)
	if err != nil {
		return nil, r.fail(p.Context, fmt.Errorf("relationships citing %s: %w", a.ID, err))
	}
	return res.Relationships, nil
}

// relationshipOutlets resolves the distinct outlets of the evidence, in evidence order.
func (r *resolver) relationshipOutlets(p graphql.ResolveParams, rel graph.Relationship) (any, error) {
	s := state(p.Context)
	ids := rel.Articles()
	s.outlets.enqueue(ids...)
	return func() (any, error) {
		got, err := s.outlets.load(p.Context, ids...)
		if err != nil {
			return nil, r.fail(p.Context, fmt.Errorf("outlets of %s: %w", rel.ID, err))
		}
		out := []graph.Entity{}
		seen := map[string]bool{}
		for _, id := range ids {
			if e, ok := got[id]; ok && !seen[e.ID] {
				seen[e.ID] = true
				out = append(out, e)
			}
		}
		return out, nil
	}, nil
}
