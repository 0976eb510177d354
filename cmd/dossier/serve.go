package main

import (
	"context"
	"fmt"
	"os"
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
		limits     resolvers.Options
		timeouts   struct{ request, long time.Duration }
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the GraphQL API, the playground and the exports",
		Long: `Serve the GraphQL API on --addr: POST/GET /graphql, /playground, /export/{format},
POST /import/{format} (what dossier import --server sends), GET /dump, /healthz. While it serves the
embedded store it records its URL in <data>/server-address.
An empty store is loaded with the seed story first, unless --no-seed.
Requests authenticate with "Authorization: Bearer <token>" of a named credential (dossier token);
mutations need role write or admin, and with --require-read-token reads and exports need one too.
The first start creates an admin credential called --operator-name and prints its token once.
An old <data>/write-token file becomes a write credential of that name and is removed;
--write-token adds a write credential of that name for this run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if err := flagsFromEnv(cmd, serveEnv); err != nil {
				return err
			}
			if err := checkLimits(limits, timeouts.request, timeouts.long); err != nil {
				return err
			}
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
			limits.Timeout, limits.LongTimeout = timeouts.request, timeouts.long
			limits.Logger, limits.Ingester = log, ingest.New(x, store)
			exec, err := resolvers.New(store, limits)
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
				ExportTimeout:    timeouts.long,
				Logger:           log,
				World:            x.LookupWorld,
			})
			if err != nil {
				return err
			}
			if a.store.backend == backendBolt {
				return serveRecordingAddress(ctx, srv, a.store.dataDir, log)
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
	f.DurationVar(&timeouts.request, "request-timeout", resolvers.DefaultTimeout, "longest a GraphQL request may run (DOSSIER_REQUEST_TIMEOUT)")
	f.DurationVar(&timeouts.long, "long-request-timeout", resolvers.DefaultLongTimeout, "longest ingestArticle or an export may run (DOSSIER_LONG_REQUEST_TIMEOUT)")
	f.IntVar(&limits.MaxSelections, "max-selections", resolvers.DefaultMaxSelections, "most selections a query may have once its fragments are expanded (DOSSIER_MAX_SELECTIONS)")
	f.IntVar(&limits.MaxAliases, "max-aliases", resolvers.DefaultMaxAliases, "most aliases a query may use (DOSSIER_MAX_ALIASES)")
	f.IntVar(&limits.MaxSameName, "max-same-name", resolvers.DefaultMaxSameName, "most fields that may share one response name in a selection set (DOSSIER_MAX_SAME_NAME)")
	f.IntVar(&limits.MaxResponseBytes, "max-response", resolvers.DefaultMaxResponseBytes, "largest GraphQL answer in bytes (DOSSIER_MAX_RESPONSE_BYTES)")
	return cmd
}

// serveEnv maps serve's flags to the environment variables that set them when the flag is
// not given.
var serveEnv = map[string]string{
	"request-timeout":      "DOSSIER_REQUEST_TIMEOUT",
	"long-request-timeout": "DOSSIER_LONG_REQUEST_TIMEOUT",
	"max-selections":       "DOSSIER_MAX_SELECTIONS",
	"max-aliases":          "DOSSIER_MAX_ALIASES",
	"max-same-name":        "DOSSIER_MAX_SAME_NAME",
	"max-response":         "DOSSIER_MAX_RESPONSE_BYTES",
}

// flagsFromEnv sets each flag of env that the command line leaves unset from its variable
// (when not empty, as envOr reads them), parsed as the flag would parse it.
func flagsFromEnv(cmd *cobra.Command, env map[string]string) error {
	for flag, name := range env {
		v := os.Getenv(name)
		if v == "" || cmd.Flags().Changed(flag) {
			continue
		}
		if err := cmd.Flags().Set(flag, v); err != nil {
			return fmt.Errorf("%s=%q: %w", name, v, err)
		}
	}
	return nil
}

// checkLimits refuses limits that would silently fall back to the defaults.
func checkLimits(o resolvers.Options, request, long time.Duration) error {
	for name, n := range map[string]int{"--max-selections": o.MaxSelections, "--max-aliases": o.MaxAliases, "--max-same-name": o.MaxSameName, "--max-response": o.MaxResponseBytes} {
		if n <= 0 {
			return fmt.Errorf("%s must be positive, got %d", name, n)
		}
	}
	if request <= 0 || long <= 0 {
		return fmt.Errorf("--request-timeout and --long-request-timeout must be positive, got %s and %s", request, long)
	}
	return nil
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
