package main

import (
	"context"
	"fmt"
	"io"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/dossiergraph/dossier/graph"
)

// copyBatchSize bounds each atomic write of a copy: large enough to amortise round trips to
// Neo4j, small enough to keep a transaction's memory modest.
const copyBatchSize = 2000

func (a *app) copyCommand() *cobra.Command {
	var from, to string
	cmd := &cobra.Command{
		Use:   "copy --from bolt --to neo4j",
		Short: "Copy a whole graph from one store into another, then check the counts",
		Long: `Copy every entity, article and relationship from one store into the other: from the
embedded data directory (--data) into Neo4j (--neo4j-*), or back. Existing ids in the target are
replaced; evidence is merged. The copy ends with a count check of both stores.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if from == to {
				return fmt.Errorf("--from and --to are both %q: copy needs two different stores", from)
			}
			log, err := a.logger()
			if err != nil {
				return err
			}
			src, err := a.store.open(ctx, from, log)
			if err != nil {
				return err
			}
			defer src.Close()
			dst, err := a.store.open(ctx, to, log)
			if err != nil {
				return err
			}
			defer dst.Close()
			return copyGraph(ctx, src, dst, a.stderr)
		},
	}
	cmd.Flags().StringVar(&from, "from", backendBolt, "source store: bolt or neo4j")
	cmd.Flags().StringVar(&to, "to", backendNeo4j, "target store: bolt or neo4j")
	return cmd
}

// copySource and copyTarget are what a copy needs of each store: scans and counts from
// one, Apply and counts on the other.
type (
	copySource interface {
		graph.Reader
		graph.Counter
	}
	copyTarget interface {
		graph.Applier
		graph.Counter
	}
)

// copyGraph copies src into dst in batches, entities first so that every batch's references
// resolve, and fails unless dst then holds at least what src holds.
func copyGraph(ctx context.Context, src copySource, dst copyTarget, progress io.Writer) error {
	want, err := src.Stats(ctx)
	if err != nil {
		return fmt.Errorf("count source: %w", err)
	}
	bar := progressbar.NewOptions(want.Entities+want.Articles+want.Relationships,
		progressbar.OptionSetWriter(progress), progressbar.OptionSetDescription("copying"),
		progressbar.OptionShowCount(), progressbar.OptionThrottle(200_000_000))
	b := graph.Batch{Change: graph.ChangeOf(ctx, "copy")}
	flush := func() error {
		n := len(b.Entities) + len(b.Articles) + len(b.Relationships)
		if n == 0 {
			return nil
		}
		if _, err := dst.Apply(ctx, b); err != nil {
			return fmt.Errorf("write batch: %w", err)
		}
		b = graph.Batch{Change: graph.ChangeOf(ctx, "copy")}
		return bar.Add(n)
	}
	full := func(n int) error {
		if n >= copyBatchSize {
			return flush()
		}
		return nil
	}
	err = src.ScanEntities(ctx, func(e graph.Entity) error {
		b.Entities = append(b.Entities, e)
		return full(len(b.Entities))
	})
	if err == nil {
		err = flush()
	}
	if err == nil {
		err = src.ScanArticles(ctx, func(x graph.Article) error {
			b.Articles = append(b.Articles, x)
			return full(len(b.Articles))
		})
	}
	if err == nil {
		err = flush()
	}
	if err == nil {
		err = src.ScanRelationships(ctx, graph.RelationshipQuery{RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true, Review: graph.ReviewStates}}, func(r graph.Relationship) error {
			b.Relationships = append(b.Relationships, r)
			return full(len(b.Relationships))
		})
	}
	if err == nil {
		err = flush()
	}
	_ = bar.Finish()
	fmt.Fprintln(progress)
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	got, err := dst.Stats(ctx)
	if err != nil {
		return fmt.Errorf("count target: %w", err)
	}
	if got.Entities < want.Entities || got.Articles < want.Articles || got.Relationships < want.Relationships {
		return fmt.Errorf("count check failed: source has %d entities, %d articles, %d relationships; target has %d, %d, %d",
			want.Entities, want.Articles, want.Relationships, got.Entities, got.Articles, got.Relationships)
	}
	fmt.Fprintf(progress, "copied %d entities, %d articles, %d relationships; target now holds %d, %d, %d\n",
		want.Entities, want.Articles, want.Relationships, got.Entities, got.Articles, got.Relationships)
	return nil
}
