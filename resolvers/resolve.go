package resolvers

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

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
	// budget is what is left of the answer's size allowance (guard.go).
	budget budget
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

// entityThunk resolves to the entity with id, or null when there is none: at once when the
// request has fetched it already, else as a thunk that batches with its siblings.
func (r *resolver) entityThunk(ctx context.Context, id string) any {
	s := state(ctx)
	if e, fetched := s.entities.peek(id); fetched {
		if e == nil {
			return nil
		}
		return e
	}
	s.entities.enqueue(id)
	return func() (any, error) {
		e, ok, err := s.entities.loadOne(ctx, id)
		if err != nil {
			return nil, r.fail(ctx, fmt.Errorf("load entity %s: %w", id, err))
		}
		if ok {
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
	edges       []any // of *edge, which graphql-go's list walk hands on without a copy
	hasNextPage bool
	endCursor   string
}

// edge is one item of a page; its cursor is encoded only when a query asks for it.
type edge struct {
	id   string
	node any // a pointer into the page's items
}

func newConnection[T any](items []T, id func(T) string, info graph.PageInfo) *connection {
	c := &connection{totalCount: info.TotalCount, hasNextPage: info.HasNextPage, edges: make([]any, len(items))}
	edges := make([]edge, len(items))
	for i := range items {
		edges[i] = edge{id: id(items[i]), node: &items[i]}
		c.edges[i] = &edges[i]
	}
	if info.EndCursor != "" {
		c.endCursor = encodeCursor(info.EndCursor)
	}
	return c
}

func entityID(e graph.Entity) string      { return e.ID }
func articleID(a graph.Article) string    { return a.ID }
func relID(rel graph.Relationship) string { return rel.ID }

// Sources of Entity, Article and Relationship fields come as pointers from pages and
// loaders (which box without a copy), and as values from other lists: every adapter below
// takes both.

func unexpectedSource(p graphql.ResolveParams) error {
	return fmt.Errorf("resolve %s.%s: unexpected source %T", p.Info.ParentType.Name(), p.Info.FieldName, p.Source)
}

// field adapts a getter on the source value to a resolver.
func field[S any](get func(S) any) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) {
		switch src := p.Source.(type) {
		case S:
			return get(src), nil
		case *S:
			if src != nil {
				return get(*src), nil
			}
		}
		return nil, unexpectedSource(p)
	}
}

// fieldRef adapts a getter that may answer a pointer into the source: graphql-go
// serializes a *string with one copy where a string goes through fmt.Sprintf.
func fieldRef[S any](get func(*S) any) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) {
		switch src := p.Source.(type) {
		case *S:
			if src != nil {
				return get(src), nil
			}
		case S:
			return get(&src), nil
		}
		return nil, unexpectedSource(p)
	}
}

// fieldCtx adapts a source-and-params resolver.
func fieldCtx[S any](get func(p graphql.ResolveParams, src S) (any, error)) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) {
		switch src := p.Source.(type) {
		case S:
			return get(p, src)
		case *S:
			if src != nil {
				return get(p, *src)
			}
		}
		return nil, unexpectedSource(p)
	}
}

// strRef answers a string field as a pointer to it, for fieldRef.
func strRef(s *string) any { return s }

// optRef answers an optional string field: null when empty, else a pointer to it.
func optRef(s *string) any {
	if *s == "" {
		return nil
	}
	return s
}

// enumValues holds every enum value the hot fields answer already boxed, so that answering
// one allocates nothing.
type enumValues map[string]any

func newEnumValues() enumValues {
	m := enumValues{}
	for _, k := range graph.Kinds {
		m[string(k)] = string(k)
	}
	for _, t := range graph.RelationTypes {
		m[string(t)] = string(t)
	}
	return m
}

func (m enumValues) of(s string) any {
	if v, ok := m[s]; ok {
		return v
	}
	return s
}

func (r *resolver) fieldResolvers() fieldResolvers {
	connectionFields := map[string]graphql.FieldResolveFn{
		"totalCount": fieldRef(func(c *connection) any { return c.totalCount }),
		"edges":      fieldRef(func(c *connection) any { return c.edges }),
		"pageInfo":   fieldRef(func(c *connection) any { return c }),
	}
	edgeFields := map[string]graphql.FieldResolveFn{
		"cursor": fieldRef(func(e *edge) any { return encodeCursor(e.id) }),
		"node":   fieldRef(func(e *edge) any { return e.node }),
	}
	enums := newEnumValues()
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
			"id":            fieldRef(func(e *graph.Entity) any { return strRef(&e.ID) }),
			"kind":          fieldRef(func(e *graph.Entity) any { return enums.of(string(e.Kind)) }),
			"name":          fieldRef(func(e *graph.Entity) any { return strRef(&e.Name) }),
			"aliases":       field(func(e graph.Entity) any { return nonNil(e.Aliases) }),
			"description":   fieldRef(func(e *graph.Entity) any { return optRef(&e.Description) }),
			"country":       fieldRef(func(e *graph.Entity) any { return optRef(&e.Country) }),
			"role":          fieldRef(func(e *graph.Entity) any { return optRef(&e.Role) }),
			"relationships": fieldCtx(r.entityRelationships),
			"articles":      fieldCtx(r.entityArticles),
		},
		"Article": {
			"id":    fieldRef(func(a *graph.Article) any { return strRef(&a.ID) }),
			"title": fieldRef(func(a *graph.Article) any { return strRef(&a.Title) }),
			"outlet": fieldCtx(func(p graphql.ResolveParams, a graph.Article) (any, error) {
				return r.entityThunk(p.Context, a.Outlet), nil
			}),
			"url":           field(func(a graph.Article) any { return orNull(a.URL) }),
			"published":     field(func(a graph.Article) any { return a.Published }),
			"authors":       field(func(a graph.Article) any { return nonNil(a.Authors) }),
			"relationships": fieldCtx(r.articleRelationships),
		},
		"Relationship": {
			"id":   fieldRef(func(rel *graph.Relationship) any { return strRef(&rel.ID) }),
			"type": fieldRef(func(rel *graph.Relationship) any { return enums.of(string(rel.Type)) }),
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
			"summary":     fieldRef(func(rel *graph.Relationship) any { return optRef(&rel.Summary) }),
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
	from, to := selectsEnds(p)
	res, err := r.relationshipPage(p.Context, q, from || to)
	if err != nil {
		return nil, r.fail(p.Context, fmt.Errorf("list relationships of %s: %w", e.ID, err))
	}
	r.prefetchEnds(p, res.Relationships, from, to) // no fetch when relationshipPage primed them
	return newConnection(res.Relationships, relID, res.PageInfo), nil
}

// prefetchEnds fetches, in one store call, the ends of a page of relationships whose query
// selects edges { node { from or to } }, so that those fields answer without thunks. Only a
// field that resolves once per request does it: under a list, every item would make its own
// call where the thunks make one for all.
func (r *resolver) prefetchEnds(p graphql.ResolveParams, rels []graph.Relationship, from, to bool) {
	if !from && !to || !resolvesOnce(p.Info.Path) {
		return
	}
	ids := make([]string, 0, len(rels))
	for i := range rels {
		if from {
			ids = append(ids, rels[i].From)
		}
		if to && rels[i].To != "" {
			ids = append(ids, rels[i].To)
		}
	}
	state(p.Context).entities.prefetch(p.Context, ids)
}

// selectsEnds reports whether a connection field selects edges { node { from } } and
// edges { node { to } }, in plain fields (through fragments, the thunks serve).
func selectsEnds(p graphql.ResolveParams) (from, to bool) {
	for _, f := range p.Info.FieldASTs {
		for _, edges := range subfields(f, "edges") {
			for _, node := range subfields(edges, "node") {
				from = from || len(subfields(node, "from")) > 0
				to = to || len(subfields(node, "to")) > 0
			}
		}
	}
	return from, to
}

// subfields returns the fields of f's selection set named name.
func subfields(f *ast.Field, name string) []*ast.Field {
	if f.SelectionSet == nil {
		return nil
	}
	var out []*ast.Field
	for _, sel := range f.SelectionSet.Selections {
		if s, ok := sel.(*ast.Field); ok && s.Name != nil && s.Name.Value == name {
			out = append(out, s)
		}
	}
	return out
}

// resolvesOnce reports whether the field at path is outside every list, so that it
// resolves once per request.
func resolvesOnce(path *graphql.ResponsePath) bool {
	for ; path != nil; path = path.Prev {
		if _, ok := path.Key.(int); ok {
			return false
		}
	}
	return true
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
