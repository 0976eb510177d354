package main

import (
	"fmt"
	"net/url"
	"os"

	"github.com/spf13/cobra"

	"github.com/dossiergraph/dossier/export"
	"github.com/dossiergraph/dossier/graph"
)

func (a *app) exportCommand() *cobra.Command {
	var (
		format, outDir                       string
		center, types, since, until, minSrcs string
		depth, limit                         string
		includeNegated                       bool
	)
	cmd := &cobra.Command{
		Use:   "export --format F [filters] > file",
		Short: "Write the whole graph or a subgraph for Gephi, Cytoscape, networkx, neo4j-admin or FtM tools",
		Long: `Write the graph to stdout, streaming: graphml, gexf (1.3, dynamic, for Gephi's timeline),
cytoscape (Cytoscape.js JSON), nodelink (networkx node-link JSON), csv (a zip of nodes.csv and
edges.csv for neo4j-admin import; --out DIR writes the two files instead), ftm (FollowTheMoney
JSON lines). Filters as in the neighborhood query: --center and --depth select a neighbourhood,
--types, --since, --until, --min-sources and --include-negated filter relationships.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			f, err := export.ParseFormat(format)
			if err != nil {
				return err
			}
			params := url.Values{}
			for name, v := range map[string]string{"center": center, "depth": depth, "limit": limit,
				"types": types, "since": since, "until": until, "minSources": minSrcs} {
				if v != "" {
					params.Set(name, v)
				}
			}
			if includeNegated {
				params.Set("includeNegated", "true")
			}
			q, err := export.ParseQuery(params)
			if err != nil {
				return err
			}
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			if outDir != "" {
				if f != export.CSV {
					return fmt.Errorf("--out is for --format csv only")
				}
				return export.WriteCSVDir(ctx, outDir, store, q)
			}
			return export.Write(ctx, a.stdout, store, f, q)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&format, "format", "", "graphml, gexf, cytoscape, nodelink, csv or ftm")
	fl.StringVar(&outDir, "out", "", "with --format csv: write nodes.csv and edges.csv into this directory")
	fl.StringVar(&center, "center", "", "entity id at the centre of a neighbourhood (default: whole graph)")
	fl.StringVar(&depth, "depth", "", "neighbourhood depth in hops (default 1)")
	fl.StringVar(&limit, "limit", "", "neighbourhood size in entities at most")
	fl.StringVar(&types, "types", "", "relation types, comma-separated (default: all)")
	fl.StringVar(&since, "since", "", "keep relationships dated on or after (YYYY[-MM[-DD]])")
	fl.StringVar(&until, "until", "", "keep relationships dated on or before (YYYY[-MM[-DD]])")
	fl.StringVar(&minSrcs, "min-sources", "", "keep relationships reported by at least this many outlets")
	fl.BoolVar(&includeNegated, "include-negated", false, "keep negated relationships (refused or unrealised acts)")
	_ = cmd.MarkFlagRequired("format")
	return cmd
}

func (a *app) importCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "import --format nodelink|csv FILE|DIR",
		Short: "Read a node-link JSON or CSV export back into the store, atomically",
		Long: `Import a graph exported by Dossier: --format nodelink reads node-link JSON; --format csv reads
a zip of nodes.csv and edges.csv, or a directory holding the two. Everything is checked as the seed
loader checks (kinds, types, dates, every id resolving) and applied in one atomic write.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			f, err := export.ParseFormat(format)
			if err != nil {
				return err
			}
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			info, err := os.Stat(args[0])
			if err != nil {
				return err
			}
			var res graph.BatchResult
			if info.IsDir() {
				if f != export.CSV {
					return fmt.Errorf("%s is a directory: only --format csv reads a directory", args[0])
				}
				res, err = export.ImportCSVDir(ctx, store, args[0])
			} else {
				file, ferr := os.Open(args[0])
				if ferr != nil {
					return ferr
				}
				defer file.Close()
				res, err = export.Import(ctx, store, f, file)
			}
			if err != nil {
				return fmt.Errorf("import %s: %w", args[0], err)
			}
			printBatchResult(a.stdout, "imported "+args[0], res)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "nodelink or csv")
	_ = cmd.MarkFlagRequired("format")
	return cmd
}
