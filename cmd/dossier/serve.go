package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/ingest"
	"github.com/dossiergraph/dossier/resolvers"
	"github.com/dossiergraph/dossier/seed"
	"github.com/dossiergraph/dossier/server"
)

func (a *app) serveCommand() *cobra.Command {
	var (
		addr       string
		writeToken string
		noSeed     bool
		maxBody    int64
		access     accessFlags
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the GraphQL API, the playground and the exports",
		Long: `Serve the GraphQL API on --addr: POST/GET /graphql, /playground, /export/{format}, /healthz.
An empty store is loaded with the seed story first, unless --no-seed.
Requests authenticate with "Authorization: Bearer <token>" of a named credential (dossier token);
mutations need role write or admin, and with --require-read-token reads and exports need one too.
The first start creates an admin credential called --operator-name and prints its token once.
An old <data>/write-token file becomes a write credential of that name and is removed;
--write-token adds a write credential of that name for this run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			log, err := a.logger()
			if err != nil {
				return err
			}
			store, err := a.store.open(ctx, a.store.backend, log)
			if err != nil {
				return err
			}
			defer store.Close()
			if !noSeed {
				if err := seedIfEmpty(ctx, store); err != nil {
					return err
				}
			}
			creds, err := a.prepareCredentials(cmd, log, &access, writeToken != "")
			if err != nil {
				return err
			}
			x, err := a.extractor()
			if err != nil {
				return err
			}
			exec, err := resolvers.New(store, resolvers.Options{Logger: log, Ingester: ingest.New(x, store)})
			if err != nil {
				return fmt.Errorf("build GraphQL schema: %w", err)
			}
			srv, err := server.New(store, exec, server.Config{
				Addr:             addr,
				Credentials:      creds,
				WriteToken:       writeToken,
				WriteTokenName:   access.operator,
				RequireReadToken: access.requireRead,
				MaxBodyBytes:     maxBody,
				ReadTimeout:      30 * time.Second,
				WriteTimeout:     5 * time.Minute, // exports of large graphs stream for a while
				ShutdownTimeout:  15 * time.Second,
				Logger:           log,
			})
			if err != nil {
				return err
			}
			return srv.ListenAndServe(ctx)
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", envOr("DOSSIER_ADDR", "127.0.0.1:8080"), "listen address (DOSSIER_ADDR)")
	f.StringVar(&writeToken, "write-token", envOr("DOSSIER_WRITE_TOKEN", ""), "one more write credential's token, called --operator-name, for this run (DOSSIER_WRITE_TOKEN)")
	access.register(f)
	f.BoolVar(&noSeed, "no-seed", false, "do not load the seed story into an empty store")
	f.Int64Var(&maxBody, "max-body", 1<<20, "largest request body in bytes")
	return cmd
}

// seedIfEmpty loads the built-in seed story into a store that holds no entities yet.
func seedIfEmpty(ctx context.Context, s interface {
	graph.Counter
	graph.Applier
}) error {
	st, err := s.Stats(ctx)
	if err != nil {
		return fmt.Errorf("read store stats: %w", err)
	}
	if st.Entities > 0 {
		return nil
	}
	if _, err := seed.Load(ctx, s, "seed.yaml", seed.Default()); err != nil {
		return fmt.Errorf("seed the empty store: %w", err)
	}
	return nil
}
