package resolvers

import (
	"fmt"

	"github.com/graphql-go/graphql"

	"github.com/dossiergraph/dossier/graph"
)

// mutationResolvers write through graph.Writer, which validates every input and applies all
// of a change or none of it. Each successful write empties the request's loaders, since
// later mutations of the same request may read what it changed.
func (r *resolver) mutationResolvers() map[string]graphql.FieldResolveFn {
	return map[string]graphql.FieldResolveFn{
		"createEntity": r.write(func(p graphql.ResolveParams) (any, error) {
			return r.writer.CreateEntity(p.Context, entityInput(argInput(p, "input")))
		}),
		"updateEntity": r.write(func(p graphql.ResolveParams) (any, error) {
			return r.writer.UpdateEntity(p.Context, argString(p.Args, "id"), entityPatch(argInput(p, "input")))
		}),
		"mergeEntities": r.write(func(p graphql.ResolveParams) (any, error) {
			return r.writer.MergeEntities(p.Context, argString(p.Args, "survivor"), argStrings(p.Args, "others"))
		}),
		"deleteEntity": r.write(func(p graphql.ResolveParams) (any, error) {
			id := argString(p.Args, "id")
			return id, r.writer.DeleteEntity(p.Context, id)
		}),
		"createArticle": r.write(func(p graphql.ResolveParams) (any, error) {
			return r.writer.CreateArticle(p.Context, articleInput(argInput(p, "input")))
		}),
		"createRelationship": r.write(func(p graphql.ResolveParams) (any, error) {
			return r.writer.CreateRelationship(p.Context, relationshipInput(argInput(p, "input")))
		}),
		"addEvidence": r.write(func(p graphql.ResolveParams) (any, error) {
			return r.writer.AddEvidence(p.Context, argString(p.Args, "relationship"), evidenceInput(argInput(p, "evidence")))
		}),
		"deleteRelationship": r.write(func(p graphql.ResolveParams) (any, error) {
			id := argString(p.Args, "id")
			return id, r.writer.DeleteRelationship(p.Context, id)
		}),
		"reviewRelationship": r.write(r.reviewRelationship),
		"ingestArticle":      r.write(r.ingestArticle),
	}
}

// write wraps a mutation: errors become public errors, success empties the loaders.
func (r *resolver) write(do func(p graphql.ResolveParams) (any, error)) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) {
		if r.writer == nil {
			return nil, &Error{Code: CodeMutationNotAllowed, Message: "this server's store is read-only"}
		}
		v, err := do(p)
		if err != nil {
			return nil, r.fail(p.Context, fmt.Errorf("%s: %w", p.Info.FieldName, err))
		}
		state(p.Context).forget()
		return v, nil
	}
}

func entityInput(in map[string]any) graph.Entity {
	return graph.Entity{
		ID:          argString(in, "id"),
		Kind:        graph.Kind(argString(in, "kind")),
		Name:        argString(in, "name"),
		Aliases:     argStrings(in, "aliases"),
		Description: argString(in, "description"),
		Country:     argString(in, "country"),
		Role:        argString(in, "role"),
	}
}

func entityPatch(in map[string]any) graph.EntityPatch {
	var p graph.EntityPatch
	if k := argOptString(in, "kind"); k != nil {
		kind := graph.Kind(*k)
		p.Kind = &kind
	}
	p.Name = argOptString(in, "name")
	if _, ok := in["aliases"]; ok {
		aliases := nonNil(argStrings(in, "aliases"))
		p.Aliases = &aliases
	}
	p.Description = argOptString(in, "description")
	p.Country = argOptString(in, "country")
	p.Role = argOptString(in, "role")
	return p
}

func articleInput(in map[string]any) graph.Article {
	return graph.Article{
		ID:        argString(in, "id"),
		Title:     argString(in, "title"),
		Outlet:    argString(in, "outlet"),
		URL:       argString(in, "url"),
		Published: argDate(in, "published"),
		Authors:   argStrings(in, "authors"),
	}
}

func relationshipInput(in map[string]any) graph.Relationship {
	rel := graph.Relationship{
		ID:       argString(in, "id"),
		Type:     graph.RelationType(argString(in, "type")),
		From:     argString(in, "from"),
		To:       argString(in, "to"),
		About:    argStrings(in, "about"),
		Negated:  argBool(in, "negated"),
		Date:     argDate(in, "date"),
		DateText: argString(in, "dateText"),
		Summary:  argString(in, "summary"),
		Quantity: argString(in, "quantity"),
	}
	if list, ok := in["evidence"].([]any); ok {
		for _, v := range list {
			if m, ok := v.(map[string]any); ok {
				rel.Evidence = append(rel.Evidence, evidenceInput(m))
			}
		}
	}
	return rel
}

func evidenceInput(in map[string]any) graph.Evidence {
	return graph.Evidence{Article: argString(in, "article"), Excerpt: argString(in, "excerpt")}
}
