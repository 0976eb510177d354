package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/dossiergraph/dossier/extract"
	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/ingest"
)

func (a *app) extractCommand() *cobra.Command {
	var (
		gazetteer     string
		minConfidence float64
	)
	cmd := &cobra.Command{
		Use:   "extract [--gazetteer store|none] [--min-confidence C] FILE",
		Short: "Print the actors and relations found in an article as JSON, writing nothing",
		Long: `Extract actors and warned/denied/expelled (and other) relations from one article, offline,
and print one JSON document: {"entities":[...],"relationships":[...]}. Evidence offsets are byte
offsets into FILE, end exclusive. A front-matter block (--- title/outlet/date/url ---) may open the
file; its date anchors relative dates. --gazetteer store resolves names to the store's entities
(with --server URL, to those of the running server, read through its API).
"relationships" lists what dossier ingest with the same --min-confidence would write; relations
found with less confidence are listed under "held", with their confidence and evidence, for the
reader to check (--min-confidence 0 puts them all under "relationships").

Output: {"entities":[{"id","kind","name","aliases"}],"relationships":[{"type","from","to",
"about","negated","date","quantity","confidence","evidence":[{"start","end","text"}]}],"held":[...]};
to is null where the text names no counterpart; about and quantity appear when the text gives them.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if gazetteer != "store" && gazetteer != "none" {
				return fmt.Errorf("--gazetteer: want store or none, got %q", gazetteer)
			}
			if err := ingest.ValidMinConfidence(minConfidence); err != nil {
				return fmt.Errorf("--min-confidence: %w", err)
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return fmt.Errorf("read article: %w", err)
			}
			art, err := ingest.ParseFrontMatter(data)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			x, err := a.extractor()
			if err != nil {
				return err
			}
			var gaz extract.Gazetteer
			if gazetteer == "store" {
				if gaz, err = a.storeGazetteer(ctx); err != nil {
					return err
				}
			}
			res, err := x.Extract(ctx, extract.Document{Text: art.Text, Published: art.Published}, gaz)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			// Offsets are promised into the file, front matter included.
			if shift := len(data) - len(art.Text); shift > 0 && bytes.HasSuffix(data, []byte(art.Text)) {
				for i := range res.Relationships {
					for j := range res.Relationships[i].Evidence {
						res.Relationships[i].Evidence[j].Start += shift
						res.Relationships[i].Evidence[j].End += shift
					}
				}
			}
			res.HoldBelow(minConfidence)
			enc := json.NewEncoder(a.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(res)
		},
	}
	cmd.Flags().StringVar(&gazetteer, "gazetteer", "store", "resolve names against the store's entities (store) or the built-in world gazetteer only (none)")
	a.server.register(cmd.Flags())
	cmd.Flags().Float64Var(&minConfidence, "min-confidence", ingest.DefaultMinConfidence,
		`list under "relationships" only relations extracted with at least this confidence, 0 to 1, the rest under "held" (0 holds none)`)
	return cmd
}

func (a *app) ingestCommand() *cobra.Command {
	var (
		meta          ingest.Article
		date          string
		dryRun        bool
		minConfidence float64
	)
	cmd := &cobra.Command{
		Use:   "ingest FILE|DIR ...",
		Short: "Extract articles and add their actors and relations to the graph",
		Long: `Ingest articles (.txt or .md files; directories are walked): extract actors and relations
and write each article atomically, with its sentences as evidence. A relation already in the graph
gains the article as evidence; ingesting the same article twice changes nothing. Title, outlet,
date, url and authors come from a front-matter block (--- title/outlet/date/url/authors ---) or
the flags, which win; the title defaults to the file name.

With --server URL each article goes to a running server as the ingestArticle mutation, with the
write token from --token-file or DOSSIER_TOKEN; the server's --max-body
(1 MiB by default) then bounds an article.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			published, err := graph.ParsePartialDate(date)
			if err != nil {
				return fmt.Errorf("--date: %w", err)
			}
			meta.Published = published
			if err := ingest.ValidMinConfidence(minConfidence); err != nil {
				return fmt.Errorf("--min-confidence: %w", err)
			}
			files, err := articleFiles(args)
			if err != nil {
				return err
			}
			ingestOne, done, err := a.articleIngester(ctx, minConfidence)
			if err != nil {
				return err
			}
			defer done()
			bar := progressbar.NewOptions(len(files), progressbar.OptionSetWriter(a.stderr),
				progressbar.OptionSetDescription("ingesting"), progressbar.OptionShowCount(),
				progressbar.OptionSetVisibility(len(files) > 1))
			var total ingest.Summary
			var failed []string
			for _, file := range files {
				var sum ingest.Summary
				art, err := readArticle(file, meta)
				if err == nil {
					sum, err = ingestOne(ctx, art, dryRun)
				}
				_ = bar.Add(1)
				if err != nil {
					// One bad article must not stop a folder: it is reported and nothing of it is written.
					failed = append(failed, fmt.Sprintf("%s: %v", file, err))
					continue
				}
				total.EntitiesCreated += sum.EntitiesCreated
				total.EntitiesMatched += sum.EntitiesMatched
				total.RelationshipsCreated += sum.RelationshipsCreated
				total.RelationshipsCorroborated += sum.RelationshipsCorroborated
				total.RelationshipsHeld += sum.RelationshipsHeld
			}
			_ = bar.Finish()
			verb := "ingested"
			if dryRun {
				verb = "would ingest (dry run)"
			}
			fmt.Fprintf(a.stdout, "%s %d of %d articles: entities %d created, %d matched; relationships %d created, %d corroborated, %d held below confidence %.2f\n",
				verb, len(files)-len(failed), len(files), total.EntitiesCreated, total.EntitiesMatched,
				total.RelationshipsCreated, total.RelationshipsCorroborated, total.RelationshipsHeld, minConfidence)
			for _, f := range failed {
				fmt.Fprintln(a.stderr, "failed:", f)
			}
			if len(failed) > 0 {
				return fmt.Errorf("%d of %d articles failed", len(failed), len(files))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&meta.Title, "title", "", "article title (default: front matter, else the file name)")
	f.StringVar(&meta.Outlet, "outlet", "", "outlet id or name (created as an OUTLET if unknown)")
	f.StringVar(&date, "date", "", "publication date: YYYY, YYYY-MM or YYYY-MM-DD")
	f.StringVar(&meta.URL, "url", "", "article URL")
	f.BoolVar(&dryRun, "dry-run", false, "extract and report, write nothing")
	a.server.register(f)
	f.Float64Var(&minConfidence, "min-confidence", ingest.DefaultMinConfidence,
		"write only relationships extracted with at least this confidence, 0 to 1 (0 writes all; dossier extract lists the rest as held)")
	return cmd
}

// readArticle reads one article file and lets the flags override its front matter.
func readArticle(file string, flags ingest.Article) (ingest.Article, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return ingest.Article{}, err
	}
	art, err := ingest.ParseFrontMatter(data)
	if err != nil {
		return ingest.Article{}, err
	}
	if flags.Title != "" {
		art.Title = flags.Title
	}
	if art.Title == "" {
		art.Title = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	if flags.Outlet != "" {
		art.Outlet = flags.Outlet
	}
	if flags.Published != "" {
		art.Published = flags.Published
	}
	if flags.URL != "" {
		art.URL = flags.URL
	}
	return art, nil
}

// ingestFunc ingests one article, in the store or through a server.
type ingestFunc func(ctx context.Context, art ingest.Article, dryRun bool) (ingest.Summary, error)

// articleIngester returns how this run ingests articles, and what to call when it is done.
func (a *app) articleIngester(ctx context.Context, minConfidence float64) (ingestFunc, func(), error) {
	if a.server.url != "" {
		if minConfidence != ingest.DefaultMinConfidence {
			return nil, nil, fmt.Errorf("--min-confidence applies to ingestion into a store; a server ingests with its own default (%.2f)", ingest.DefaultMinConfidence)
		}
		c, err := a.client(true)
		if err != nil {
			return nil, nil, err
		}
		return c.ingestArticle, func() {}, nil
	}
	store, err := a.openStore(ctx)
	if err != nil {
		return nil, nil, err
	}
	x, err := a.extractor()
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return ingest.New(x, store, ingest.WithMinConfidence(minConfidence)).Ingest, func() { store.Close() }, nil
}

// ingestArticle runs the ingestArticle mutation.
func (c *apiClient) ingestArticle(ctx context.Context, art ingest.Article, dryRun bool) (ingest.Summary, error) {
	input := map[string]any{"text": art.Text, "title": art.Title, "outlet": art.Outlet}
	if art.Published != "" {
		input["publishedAt"] = string(art.Published)
	}
	if art.URL != "" {
		input["url"] = art.URL
	}
	if len(art.Authors) > 0 {
		input["authors"] = art.Authors
	}
	var data struct {
		IngestArticle struct {
			ArticleID                 string `json:"articleId"`
			EntitiesCreated           int    `json:"entitiesCreated"`
			EntitiesMatched           int    `json:"entitiesMatched"`
			RelationshipsCreated      int    `json:"relationshipsCreated"`
			RelationshipsCorroborated int    `json:"relationshipsCorroborated"`
		} `json:"ingestArticle"`
	}
	const mutation = `mutation Ingest($input: IngestArticleInput!, $dryRun: Boolean) {
  ingestArticle(input: $input, dryRun: $dryRun) {
    articleId entitiesCreated entitiesMatched relationshipsCreated relationshipsCorroborated
  }
}`
	if err := c.graphql(ctx, mutation, map[string]any{"input": input, "dryRun": dryRun}, &data); err != nil {
		return ingest.Summary{}, err
	}
	r := data.IngestArticle
	return ingest.Summary{EntitiesCreated: r.EntitiesCreated, EntitiesMatched: r.EntitiesMatched,
		RelationshipsCreated: r.RelationshipsCreated, RelationshipsCorroborated: r.RelationshipsCorroborated,
		Article: graph.Article{ID: r.ArticleID}}, nil
}

// storeGazetteer indexes the entities of the store, or of the server with --server.
func (a *app) storeGazetteer(ctx context.Context) (extract.Gazetteer, error) {
	if a.server.url != "" {
		c, err := a.client(false)
		if err != nil {
			return nil, err
		}
		entities, err := c.allEntities(ctx)
		if err != nil {
			return nil, fmt.Errorf("read the server's entities for the gazetteer: %w", err)
		}
		return extract.NewGazetteer(entities), nil
	}
	store, err := a.openStore(ctx)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	gaz, err := extract.StoreGazetteer(ctx, store)
	if err != nil {
		return nil, fmt.Errorf("build gazetteer from the store: %w", err)
	}
	return gaz, nil
}

// allEntities pages through the server's entities.
func (c *apiClient) allEntities(ctx context.Context) ([]graph.Entity, error) {
	const query = `query Entities($after: String) {
  entities(first: 500, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id kind name aliases } }
  }
}`
	var out []graph.Entity
	vars := map[string]any{}
	for {
		var data struct {
			Entities struct {
				PageInfo struct {
					HasNextPage bool   `json:"hasNextPage"`
					EndCursor   string `json:"endCursor"`
				} `json:"pageInfo"`
				Edges []struct {
					Node graph.Entity `json:"node"`
				} `json:"edges"`
			} `json:"entities"`
		}
		if err := c.graphql(ctx, query, vars, &data); err != nil {
			return nil, err
		}
		for _, e := range data.Entities.Edges {
			out = append(out, e.Node)
		}
		if !data.Entities.PageInfo.HasNextPage || data.Entities.PageInfo.EndCursor == "" {
			return out, nil
		}
		vars["after"] = data.Entities.PageInfo.EndCursor
	}
}

// articleFiles expands directories into the .txt and .md files below them, in name order.
func articleFiles(args []string) ([]string, error) {
	var files []string
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, arg)
			continue
		}
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if ext := strings.ToLower(filepath.Ext(path)); !d.IsDir() && (ext == ".txt" || ext == ".md") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walk %s: %w", arg, err)
		}
	}
	if len(files) == 0 {
		return nil, errors.New("no article files (.txt, .md) found")
	}
	slices.Sort(files)
	return slices.Compact(files), nil
}
