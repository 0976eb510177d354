package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/dossiergraph/dossier/export"
)

func (a *app) dumpCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "dump [--output FILE]",
		Short: "Back up the whole store, losing nothing, as versioned JSON lines",
		Long: fmt.Sprintf(`Write everything the store holds to stdout, or with --output to a file that appears whole or
not at all: every entity with its aliases, every article, every relationship (negated ones
included) with its evidence, dates, quantities and the sources' wording. dossier restore reads
it back into any store, bolt or Neo4j.

The format is JSON lines: a header {"dossier":"dump","version":%d,...}, then one record a line
({"entity":...}, {"article":...}, {"relationship":...}) and an end line with the counts, so a
file cut short is refused.

With --server URL the dump comes from a running server (GET /dump), so a team server is backed
up without stopping it.`, export.DumpVersion),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if a.server.url != "" {
				c, err := a.client(false)
				if err != nil {
					return err
				}
				return a.writeOutput(output, func(w io.Writer) error { return c.download(ctx, "/dump", nil, w) })
			}
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			var n export.DumpCounts
			err = a.writeOutput(output, func(w io.Writer) error {
				n, err = export.Dump(ctx, w, store)
				return err
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "dumped %d entities, %d articles, %d relationships\n", n.Entities, n.Articles, n.Relationships)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file, atomically, instead of stdout")
	a.server.register(cmd.Flags())
	return cmd
}

func (a *app) restoreCommand() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "restore FILE",
		Short: "Load a dump into the store, all or nothing",
		Long: `Read a file written by dossier dump ("-" for stdin) and load all of it into the store the flags
select, bolt or Neo4j, in one atomic write: a dump that is cut short, of a newer format version,
or with any record that does not check out writes nothing. The store must be empty unless
--force, which merges the dump into what the store holds (records replace those with the same
id; relationships merge their evidence).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var in io.Reader = os.Stdin
			if args[0] != "-" {
				file, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer file.Close()
				in = file
			}
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			res, _, err := export.Restore(ctx, store, in, export.RestoreOptions{Force: force})
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			printBatchResult(a.stdout, "restored "+args[0], res)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "restore into a store that already holds data, merging the dump into it")
	return cmd
}
