package resolvers

import (
	"github.com/graphql-go/graphql"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/ingest"
)

// ingestResult is the source of an IngestResult: what ingestArticle wrote or would write.
type ingestResult struct {
	dryRun bool
	sum    ingest.Summary
}

// ingestArticle resolves the ingestArticle mutation. It goes through write like every other
// mutation, so the token checks and the loaders' reset apply to it too.
func (r *resolver) ingestArticle(p graphql.ResolveParams) (any, error) {
	if r.ingester == nil {
		return nil, graph.Errorf(graph.EINVALID, "article ingestion is not enabled on this server")
	}
	in := argInput(p, "input")
	art := ingest.Article{
		Text:      argString(in, "text"),
		Title:     argString(in, "title"),
		Outlet:    argString(in, "outlet"),
		URL:       argString(in, "url"),
		Published: argDate(in, "publishedAt"),
		Authors:   argStrings(in, "authors"),
	}
	dryRun := argBool(p.Args, "dryRun")
	sum, err := r.ingester.Ingest(p.Context, art, dryRun)
	if r.onIngest != nil {
		r.onIngest(dryRun, sum, err)
	}
	if err != nil {
		return nil, err
	}
	return ingestResult{dryRun: dryRun, sum: sum}, nil
}

func (r *resolver) ingestResolvers() fieldResolvers {
	return fieldResolvers{
		"IngestResult": {
			"dryRun":                    field(func(x ingestResult) any { return x.dryRun }),
			"articleId":                 field(func(x ingestResult) any { return x.sum.Article.ID }),
			"entitiesCreated":           field(func(x ingestResult) any { return x.sum.EntitiesCreated }),
			"entitiesMatched":           field(func(x ingestResult) any { return x.sum.EntitiesMatched }),
			"relationshipsCreated":      field(func(x ingestResult) any { return x.sum.RelationshipsCreated }),
			"relationshipsCorroborated": field(func(x ingestResult) any { return x.sum.RelationshipsCorroborated }),
			"entities":                  field(func(x ingestResult) any { return nonNil(x.sum.Batch.Entities) }),
			"relationships": field(func(x ingestResult) any {
				out := make([]ingestedRelationship, len(x.sum.Batch.Relationships))
				for i, rel := range x.sum.Batch.Relationships {
					out[i] = ingestedRelationship{rel: rel, article: x.sum.Article.ID}
				}
				return out
			}),
		},
		"IngestedEntity": {
			"id":      field(func(e graph.Entity) any { return e.ID }),
			"kind":    field(func(e graph.Entity) any { return string(e.Kind) }),
			"name":    field(func(e graph.Entity) any { return e.Name }),
			"aliases": field(func(e graph.Entity) any { return nonNil(e.Aliases) }),
		},
		"IngestedRelationship": {
			"id":      field(func(x ingestedRelationship) any { return x.rel.ID }),
			"type":    field(func(x ingestedRelationship) any { return string(x.rel.Type) }),
			"from":    field(func(x ingestedRelationship) any { return x.rel.From }),
			"to":      field(func(x ingestedRelationship) any { return orNull(x.rel.To) }),
			"negated": field(func(x ingestedRelationship) any { return x.rel.Negated }),
			"date":    field(func(x ingestedRelationship) any { return x.rel.Date }),
			"excerpt": field(func(x ingestedRelationship) any {
				for _, ev := range x.rel.Evidence {
					if ev.Article == x.article {
						return orNull(ev.Excerpt)
					}
				}
				return nil
			}),
		},
	}
}

// ingestedRelationship pairs a written relationship with the ingested article, whose
// evidence is the excerpt to show.
type ingestedRelationship struct {
	rel     graph.Relationship
	article string
}
