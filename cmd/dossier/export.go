package main

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/renameio/v2"
	"github.com/spf13/cobra"

	"github.com/dossiergraph/dossier/export"
	"github.com/dossiergraph/dossier/extract"
	"github.com/dossiergraph/dossier/graph"
)

func (a *app) exportCommand() *cobra.Command {
	var (
		format, outDir, output               string
		center, types, since, until, minSrcs string
		depth, limit                         string
		includeNegated                       bool
	)
	cmd := &cobra.Command{
		Use:   "export --format F [filters] [--output FILE]",
		Short: "Write the whole graph or a subgraph for Gephi, Cytoscape, networkx, neo4j-admin or FtM tools",
		Long: `Write the graph to stdout, streaming, or with --output to a file that appears whole or not at
all (a failed export leaves no empty or partial file). Formats: graphml, gexf (1.3, dynamic, for
Gephi's timeline), cytoscape (Cytoscape.js JSON), nodelink (networkx node-link JSON), csv (a zip
of nodes.csv, edges.csv and unattached.csv, the relationships without a counterpart, for
neo4j-admin import; --out DIR writes the files instead), ftm (FollowTheMoney JSON lines).

--center and --depth (and --limit) select a neighbourhood; --types, --since, --until,
--min-sources and --include-negated filter relationships; negated ones are left out unless
--include-negated. For a full backup use dossier dump.

With --server URL the export comes from a running server's /export route, which works while
the server holds the embedded store.`,
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
			if outDir != "" && f != export.CSV {
				return fmt.Errorf("--out is for --format csv only")
			}
			if outDir != "" && output != "" {
				return fmt.Errorf("--out and --output both name where to write: give one")
			}
			if a.server.url != "" {
				c, err := a.client(false)
				if err != nil {
					return err
				}
				path := "/export/" + string(f)
				if outDir != "" {
					var zipped bytes.Buffer
					if err := c.download(ctx, path, params, &zipped); err != nil {
						return err
					}
					return unzipCSV(zipped.Bytes(), outDir)
				}
				return a.writeOutput(output, func(w io.Writer) error { return c.download(ctx, path, params, w) })
			}
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			if outDir != "" {
				return export.WriteCSVDir(ctx, outDir, store, q)
			}
			return a.writeOutput(output, func(w io.Writer) error { return export.Write(ctx, w, store, f, q) })
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&format, "format", "", "graphml, gexf, cytoscape, nodelink, csv or ftm")
	fl.StringVarP(&output, "output", "o", "", "write to this file, atomically, instead of stdout")
	fl.StringVar(&outDir, "out", "", "with --format csv: write nodes.csv, edges.csv and unattached.csv into this directory")
	fl.StringVar(&center, "center", "", "entity id at the centre of a neighbourhood (default: whole graph)")
	fl.StringVar(&depth, "depth", "", "neighbourhood depth in hops (default 1)")
	fl.StringVar(&limit, "limit", "", "neighbourhood size in entities at most")
	fl.StringVar(&types, "types", "", "relation types, comma-separated (default: all)")
	fl.StringVar(&since, "since", "", "keep relationships dated on or after (YYYY[-MM[-DD]])")
	fl.StringVar(&until, "until", "", "keep relationships dated on or before (YYYY[-MM[-DD]])")
	fl.StringVar(&minSrcs, "min-sources", "", "keep relationships reported by at least this many outlets")
	fl.BoolVar(&includeNegated, "include-negated", false, "keep negated relationships (refused or unrealised acts)")
	a.server.register(fl)
	_ = cmd.MarkFlagRequired("format")
	return cmd
}

// csvFiles are the files of a CSV export.
var csvFiles = []string{"nodes.csv", "edges.csv", "unattached.csv"}

// unzipCSV writes the files of a CSV export zip into dir, each atomically.
func unzipCSV(data []byte, dir string) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("the server's csv export is not a zip: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	for _, zf := range zr.File {
		if !strings.HasSuffix(zf.Name, ".csv") || strings.ContainsAny(zf.Name, `/\`) {
			continue // only the export's own flat files, never a path out of dir
		}
		rc, err := zf.Open()
		if err != nil {
			return fmt.Errorf("export csv %s: %w", zf.Name, err)
		}
		content, err := io.ReadAll(io.LimitReader(rc, export.MaxImportBytes))
		rc.Close()
		if err != nil {
			return fmt.Errorf("export csv %s: %w", zf.Name, err)
		}
		if err := renameio.WriteFile(filepath.Join(dir, zf.Name), content, 0o644); err != nil {
			return fmt.Errorf("export csv: %w", err)
		}
	}
	return nil
}

// zipCSVDir packs the CSV files of dir for an upload.
func zipCSVDir(dir string) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range csvFiles {
		content, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) && name == "unattached.csv" {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("import csv: %w", err)
		}
		w, err := zw.Create(name)
		if err != nil {
			return nil, fmt.Errorf("import csv: %w", err)
		}
		if _, err := w.Write(content); err != nil {
			return nil, fmt.Errorf("import csv: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("import csv: %w", err)
	}
	return buf.Bytes(), nil
}

func (a *app) importCommand() *cobra.Command {
	var (
		format string
		dryRun bool
	)
	cmd := &cobra.Command{
		Use:   "import --format nodelink|csv|sheet FILE|DIR",
		Short: "Read a node-link or CSV export, or a spreadsheet of relationships, into the store, atomically",
		Long: `Import a graph exported by Dossier, or an analyst's spreadsheet, all or nothing.

--format nodelink reads node-link JSON; --format csv reads a zip of nodes.csv, edges.csv and
unattached.csv, or a directory holding them. Everything is checked as the seed loader checks
(kinds, types, dates, every id resolving) and applied in one atomic write.

--format sheet reads a spreadsheet saved as CSV (comma, semicolon or tab separated), one
relationship a row, under a header of readable columns:

  from,type,to,date,summary,negated,source_url,outlet,title

from, type and to are required (a row may leave to empty where no source names a
counterpart); case, spaces and underscores in the header do not matter. Optional columns:
date_text (the sources' wording, "late 2022"), quantity, excerpt, from_kind and to_kind (PERSON,
GOVERNMENT, AGENCY, OUTLET or GROUP, for new names). type is a relation type (WARNED, DENIED,
EXPELLED, ..., "member of" works too); date is YYYY, YYYY-MM or YYYY-MM-DD; negated is
true/false or yes/no. Names resolve as ingestion resolves them: an entity's id, name or alias
in the graph, a well-known actor, or else a new entity (of the kind its words suggest, a
"Ministry of ..." an AGENCY and other names a PERSON, unless a *_kind column says); outlet
likewise, and the source
becomes an article (a source_url the graph knows reuses its article). The same act as a
relationship in the graph (type, ends, negated) gains the row's source as evidence. Each row's
outcome is printed; any problem is reported by line and column and nothing is written.
--dry-run reports without writing.

With --server URL the file goes to a running server (POST /import/FORMAT, with the write token
from --token-file or DOSSIER_TOKEN).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f := export.Format(format)
			if f != export.NodeLink && f != export.CSV && f != export.Sheet {
				return fmt.Errorf("--format %q: want nodelink, csv or sheet", format)
			}
			if dryRun && f != export.Sheet {
				return fmt.Errorf("--dry-run is for --format sheet only")
			}
			info, err := os.Stat(args[0])
			if err != nil {
				return err
			}
			if info.IsDir() && f != export.CSV {
				return fmt.Errorf("%s is a directory: only --format csv reads a directory", args[0])
			}
			var (
				res  graph.BatchResult
				rows []export.SheetRow
			)
			if a.server.url != "" {
				res, rows, err = a.importThroughServer(cmd, f, args[0], info.IsDir(), dryRun)
			} else {
				res, rows, err = a.importIntoStore(cmd, f, args[0], info.IsDir(), dryRun)
			}
			if se, ok := errors.AsType[*export.SheetError](err); ok {
				return fmt.Errorf("import %s: %s", args[0], sheetProblems(se.Problems))
			}
			if err != nil {
				return fmt.Errorf("import %s: %w", args[0], err)
			}
			for _, row := range rows {
				fmt.Fprintln(a.stdout, sheetRowLine(row))
			}
			verb := "imported "
			if dryRun {
				verb = "would import (dry run) "
			}
			printBatchResult(a.stdout, verb+args[0], res)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "nodelink, csv or sheet")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "with --format sheet: report what each row would do, write nothing")
	a.server.register(cmd.Flags())
	_ = cmd.MarkFlagRequired("format")
	return cmd
}

// importIntoStore imports into the store the flags select.
func (a *app) importIntoStore(cmd *cobra.Command, f export.Format, path string, isDir, dryRun bool) (graph.BatchResult, []export.SheetRow, error) {
	ctx := cmd.Context()
	store, err := a.openStore(ctx)
	if err != nil {
		return graph.BatchResult{}, nil, err
	}
	defer store.Close()
	if isDir {
		res, err := export.ImportCSVDir(ctx, store, path)
		return res, nil, err
	}
	file, err := os.Open(path)
	if err != nil {
		return graph.BatchResult{}, nil, err
	}
	defer file.Close()
	if f != export.Sheet {
		res, err := export.Import(ctx, store, f, file)
		return res, nil, err
	}
	x, err := a.extractor()
	if err != nil {
		return graph.BatchResult{}, nil, err
	}
	report, err := export.ImportSheet(ctx, store, file, export.SheetOptions{DryRun: dryRun, World: x.LookupWorld, GuessKind: extract.GuessKind})
	return report.Result, report.Rows, err
}

// importThroughServer sends the file (a CSV directory zipped) to the server's import route.
func (a *app) importThroughServer(cmd *cobra.Command, f export.Format, path string, isDir, dryRun bool) (graph.BatchResult, []export.SheetRow, error) {
	c, err := a.client(true)
	if err != nil {
		return graph.BatchResult{}, nil, err
	}
	var body []byte
	if isDir {
		body, err = zipCSVDir(path)
	} else {
		body, err = os.ReadFile(path)
	}
	if err != nil {
		return graph.BatchResult{}, nil, err
	}
	params := url.Values{}
	if dryRun {
		params.Set("dryRun", "true")
	}
	var answer export.ImportAnswer
	if err := c.upload(cmd.Context(), "/import/"+string(f), params, f.ContentType(), body, &answer); err != nil {
		return graph.BatchResult{}, nil, err
	}
	return answer.Result.BatchResult(), answer.Rows, nil
}

// sheetProblems lists a sheet's problems one a line.
func sheetProblems(problems []export.SheetProblem) string {
	lines := make([]string, len(problems))
	for i, p := range problems {
		lines[i] = "  " + p.String()
	}
	return fmt.Sprintf("the sheet has %d problem(s), nothing was imported:\n%s", len(problems), strings.Join(lines, "\n"))
}

// sheetRowLine says what one sheet row did.
func sheetRowLine(row export.SheetRow) string {
	name := func(n export.SheetName) string {
		how := "matched"
		if n.Created {
			how = "new " + string(n.Kind)
		}
		return fmt.Sprintf("%q → %s (%s)", n.Text, n.ID, how)
	}
	line := fmt.Sprintf("line %d: %s %s: from %s", row.Line, row.Action, row.Relationship, name(row.From))
	if row.To != nil {
		line += ", to " + name(*row.To)
	}
	if row.Article != "" {
		line += ", source " + row.Article
	}
	return line
}
