package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/dossiergraph/dossier/seed"
)

func (a *app) seedCommand() *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "Load (or reload) the seed story into the store",
		Long: `Load the built-in seed story, or a seed file in the same format (--file), into the store.
Loading is idempotent: entities and articles are replaced by id, relationships merged by id.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			name, data := "seed.yaml", seed.Default()
			if file != "" {
				var err error
				if data, err = os.ReadFile(file); err != nil {
					return fmt.Errorf("read seed: %w", err)
				}
				name = filepath.Base(file)
			}
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			res, err := seed.Load(ctx, store, name, data)
			if err != nil {
				return err
			}
			printBatchResult(a.stdout, "seeded from "+name, res)
			return nil
		},
	}
	cmd.Flags().StringVar(&file, "file", "", "seed file to load instead of the built-in seed story")
	return cmd
}

func (a *app) migrateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Create the store's constraints and indexes (idempotent; serve does it too)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Opening a store migrates it: bolt creates its buckets, Neo4j its constraints and indexes.
			store, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "%s store is migrated\n", a.store.backend)
			return store.Close()
		},
	}
}
