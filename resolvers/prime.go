package resolvers

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/dossiergraph/dossier/graph"
)

// On a store with graph.EndsLister (Neo4j), a page of relationships comes with the entities
// at its ends, which prime the entity loader; and Query.entity, when the query asks for the
// entity's relationships, reads the entity along with that page, so that the common
// question "this entity, its relationships and their other ends" costs one round trip
// instead of three. On other stores nothing here runs.

// primedPages holds the relationship pages read ahead, each with the query it answers,
// until Entity.relationships takes them.
type primedPages struct {
	mu    sync.Mutex
	pages []primedPage
}

type primedPage struct {
	q    graph.RelationshipQuery
	page graph.RelationshipPage
}

func (pp *primedPages) put(q graph.RelationshipQuery, page graph.RelationshipPage) {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	pp.pages = append(pp.pages, primedPage{q, page})
}

// take returns and drops the page read ahead for exactly q, if any. The query is compared
// whole, so a page is only ever used for the arguments it was read with.
func (pp *primedPages) take(q graph.RelationshipQuery) (graph.RelationshipPage, bool) {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	for i, p := range pp.pages {
		if reflect.DeepEqual(p.q, q) {
			pp.pages = append(pp.pages[:i], pp.pages[i+1:]...)
			return p.page, true
		}
	}
	return graph.RelationshipPage{}, false
}

func (pp *primedPages) forget() {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	pp.pages = nil
}

// relationshipPage reads q's page: the one read ahead for it, else from the store, with
// the ends when the store reads them in the same call and ends says the query shows them.
func (r *resolver) relationshipPage(ctx context.Context, q graph.RelationshipQuery, ends bool) (graph.RelationshipPage, error) {
	s := state(ctx)
	if page, ok := s.pages.take(q); ok {
		return page, nil
	}
	if lister, ok := r.store.(graph.EndsLister); ok && ends {
		page, got, err := lister.ListRelationshipsWithEnds(ctx, q)
		if err != nil {
			return graph.RelationshipPage{}, err
		}
		s.entities.prime(got)
		return page, nil
	}
	return r.store.ListRelationships(ctx, q)
}

// entity answers Query.entity. When the store reads relationships with their ends and the
// query selects the entity's relationships once, the entity is read with that page, among
// the page's anchors, and the page waits for Entity.relationships; the query is otherwise
// answered as before, so any doubt about the look-ahead (fragments, directives, arguments
// the store would refuse) falls back to the plain read.
func (r *resolver) entity(p graphql.ResolveParams) (any, error) {
	id := argString(p.Args, "id")
	if lister, ok := r.store.(graph.EndsLister); ok {
		if q, ok := relationshipsAhead(p, id); ok {
			page, ends, err := lister.ListRelationshipsWithEnds(p.Context, q)
			if err != nil {
				return nil, r.fail(p.Context, fmt.Errorf("read entity %s with its relationships: %w", id, err))
			}
			e, found := ends[id]
			if !found {
				return nil, nil
			}
			s := state(p.Context)
			s.entities.prime(ends)
			s.pages.put(q, page)
			return &e, nil
		}
	}
	return r.nullIfMissing(p.Context, func(ctx context.Context) (any, error) {
		e, err := r.store.Entity(ctx, id)
		return &e, err
	})
}

// relationshipsAhead returns the query that Entity.relationships will make for the entity
// id, when the Query.entity field being resolved selects relationships exactly once,
// without directives or fragments, with arguments the store accepts.
func relationshipsAhead(p graphql.ResolveParams, id string) (graph.RelationshipQuery, bool) {
	if graph.ValidateID("entity", id) != nil {
		return graph.RelationshipQuery{}, false // the plain read reports it
	}
	obj, ok := graphql.GetNullable(p.Info.ReturnType).(*graphql.Object)
	if !ok {
		return graph.RelationshipQuery{}, false
	}
	def, ok := obj.Fields()["relationships"]
	if !ok {
		return graph.RelationshipQuery{}, false
	}
	var field *ast.Field
	for _, f := range p.Info.FieldASTs {
		if f.SelectionSet == nil {
			continue
		}
		for _, sel := range f.SelectionSet.Selections {
			s, ok := sel.(*ast.Field)
			if !ok {
				return graph.RelationshipQuery{}, false
			}
			if s.Name == nil || s.Name.Value != "relationships" {
				continue
			}
			if field != nil || len(s.Directives) > 0 {
				return graph.RelationshipQuery{}, false
			}
			field = s
		}
	}
	if field == nil {
		return graph.RelationshipQuery{}, false
	}
	args, ok := argumentValues(def.Args, field.Arguments, p.Info.VariableValues)
	if !ok {
		return graph.RelationshipQuery{}, false
	}
	ahead := p
	ahead.Args = args
	ahead.Info.FieldASTs = []*ast.Field{field}
	q, err := entityRelationshipsQuery(ahead, id)
	if err != nil {
		return graph.RelationshipQuery{}, false
	}
	if check := q; check.Normalize() != nil {
		return graph.RelationshipQuery{}, false
	}
	return q, true
}

// argumentValues computes a field's arguments as graphql-go does before it calls the
// field's resolver (its getArgumentValues is not exported): literals parsed by their type,
// variables as the request gave them, defaults for what is absent or null. It gives up on
// input objects, which Entity.relationships does not take.
func argumentValues(defs []*graphql.Argument, given []*ast.Argument, vars map[string]any) (map[string]any, bool) {
	args := map[string]any{}
	for _, def := range defs {
		var v any
		for _, a := range given {
			if a.Name != nil && a.Name.Value == def.PrivateName {
				var ok bool
				if v, ok = literalValue(a.Value, def.Type, vars); !ok {
					return nil, false
				}
			}
		}
		if v == nil {
			v = def.DefaultValue
		}
		if v != nil {
			args[def.PrivateName] = v
		}
	}
	return args, true
}

func literalValue(v ast.Value, t graphql.Input, vars map[string]any) (any, bool) {
	if variable, ok := v.(*ast.Variable); ok {
		if variable.Name == nil {
			return nil, true
		}
		return vars[variable.Name.Value], true
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		return literalValue(v, t.OfType, vars)
	case *graphql.List:
		items, ok := v.(*ast.ListValue)
		if !ok { // a single value stands for a list of one
			item, ok := literalValue(v, t.OfType, vars)
			return []any{item}, ok
		}
		out := make([]any, 0, len(items.Values))
		for _, x := range items.Values {
			item, ok := literalValue(x, t.OfType, vars)
			if !ok {
				return nil, false
			}
			out = append(out, item)
		}
		return out, true
	case *graphql.Scalar:
		return t.ParseLiteral(v), true
	case *graphql.Enum:
		return t.ParseLiteral(v), true
	}
	return nil, false
}
