package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/ingest"
	"github.com/dossiergraph/dossier/resolvers"
	"github.com/dossiergraph/dossier/seed"
	"github.com/dossiergraph/dossier/server"
)

// Defaults of serve's flags.
const (
	defaultPlaygroundAssets = "playground-assets" // where scripts/playground-assets puts them
	defaultPprofAddr        = "127.0.0.1:6060"
)

func (a *app) serveCommand() *cobra.Command {
	var (
		addr       string
		writeToken string
		noSeed     bool
		maxBody    int64
		assets     string
		pprofAddr  string
		access     accessFlags
		limits     resolvers.Options
		timeouts   struct{ request, long time.Duration }
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the GraphQL API, the playground and the exports",
		Long: `Serve the GraphQL API on --addr: POST/GET /graphql, /playground, /export/{format},
POST /import/{format} (what dossier import --server sends), GET /dump, /healthz, /metrics
(Prometheus). While it serves the embedded store it records its URL in <data>/server-address.
An empty store is loaded with the seed story first, unless --no-seed.
Requests authenticate with "Authorization: Bearer <token>" of a named credential (dossier token);
mutations need role write or admin, and with --require-read-token reads and exports need one too.
The first start creates an admin credential called --operator-name and prints its token once.
An old <data>/write-token file becomes a write credential of that name and is removed;
--write-token adds a write credential of that name for this run.
The playground's browser files are served from --playground-assets when that folder exists
(scripts/playground-assets fills it); without it the page loads them from a CDN.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithCancel(cmd.Context())
			defer cancel()
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
			assetsDir, err := playgroundAssetsDir(assets, cmd.Flags().Changed("playground-assets") || os.Getenv("DOSSIER_PLAYGROUND_ASSETS") != "")
			if err != nil {
				return err
			}
			// Both addresses are bound before the store is opened, so that a taken port
			// leaves no new data directory behind.
			ln, err := server.Listen(ctx, addr)
			if err != nil {
				return err
			}
			defer ln.Close()
			var pprofLn net.Listener
			if pprofAddr != "" {
				if pprofLn, err = server.ListenPprof(ctx, pprofAddr); err != nil {
					return fmt.Errorf("--pprof: %w", err)
				}
				defer pprofLn.Close()
			}

			store, err := a.store.open(ctx, a.store.backend, log)
			if err != nil {
				return err
			}
			defer store.Close()
			if err := seedIfEmpty(ctx, store, noSeed, log); err != nil {
				return err
			}
			creds, err := a.prepareCredentials(cmd, log, &access, writeToken != "")
			if err != nil {
				return err
			}
			x, err := a.extractor()
			if err != nil {
				return err
			}
			metrics := server.NewMetrics()
			limits.Timeout, limits.LongTimeout = timeouts.request, timeouts.long
			limits.Logger, limits.Ingester, limits.OnIngest = log, ingest.New(x, store), metrics.ObserveIngest
			exec, err := resolvers.New(store, limits)
			if err != nil {
				return fmt.Errorf("build GraphQL schema: %w", err)
			}
			srv, err := server.New(store, exec, server.Config{
				Addr:             ln.Addr().String(),
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
				PlaygroundAssets: assetsDir,
				Metrics:          metrics,
			})
			if err != nil {
				return err
			}
			logPlayground(log, ln.Addr(), assetsDir)
			pprofDone := make(chan error, 1)
			if pprofLn != nil {
				go func() { pprofDone <- server.ServePprof(ctx, pprofLn, log) }()
			} else {
				close(pprofDone)
			}
			serve := func(ctx context.Context) error { return srv.Serve(ctx, ln) }
			if a.store.backend == backendBolt {
				err = serveRecordingAddress(ctx, srv, serve, a.store.dataDir, log)
			} else {
				err = serve(ctx)
			}
			cancel()
			return errors.Join(err, <-pprofDone)
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
	f.StringVar(&assets, "playground-assets", envOr("DOSSIER_PLAYGROUND_ASSETS", defaultPlaygroundAssets),
		"folder of the playground's browser files, filled by scripts/playground-assets; when the default one is absent the page loads them from a CDN (DOSSIER_PLAYGROUND_ASSETS)")
	f.StringVar(&pprofAddr, "pprof", "", "serve Go's profiler on this loopback address (bare --pprof: "+defaultPprofAddr+"); off by default")
	f.Lookup("pprof").NoOptDefVal = defaultPprofAddr
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

// playgroundAssetsDir returns the assets folder to serve from, or "" for the CDN. A folder
// the user named must exist; the default one may be absent.
func playgroundAssetsDir(dir string, named bool) (string, error) {
	info, err := os.Stat(dir)
	switch {
	case err == nil && info.IsDir():
		return dir, nil
	case err == nil:
		return "", fmt.Errorf("--playground-assets %s is not a folder", dir)
	case errors.Is(err, fs.ErrNotExist) && !named:
		return "", nil
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("--playground-assets %s does not exist; run scripts/playground-assets %s first", dir, dir)
	}
	return "", fmt.Errorf("--playground-assets: %w", err)
}

// logPlayground tells where the playground is and where its files come from.
func logPlayground(log *slog.Logger, addr net.Addr, assetsDir string) {
	host, port, _ := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost" // bound to every interface: this machine's own name works
	}
	url := "http://" + net.JoinHostPort(host, port) + "/playground"
	if assetsDir != "" {
		log.Info("playground", "url", url, "assets", assetsDir)
		return
	}
	log.Info("playground", "url", url, "assets", "CDN (cdn.jsdelivr.net); run scripts/playground-assets to serve them offline")
}

// seedIfEmpty loads the built-in seed story into a store that holds no entities yet, and
// logs what it did either way.
func seedIfEmpty(ctx context.Context, s graph.Store, noSeed bool, log *slog.Logger) error {
	st, err := s.Stats(ctx)
	if err != nil {
		return fmt.Errorf("read store stats: %w", err)
	}
	switch {
	case st.Entities > 0:
		log.Info("store not seeded: it holds data", "entities", st.Entities, "articles", st.Articles, "relationships", st.Relationships)
		return nil
	case noSeed:
		log.Info("store not seeded: --no-seed", "entities", 0)
		return nil
	}
	res, err := seed.Load(ctx, s, "seed.yaml", seed.Default())
	if err != nil {
		return fmt.Errorf("seed the empty store: %w", err)
	}
	log.Info("store seeded with the seed story", "entities", res.EntitiesCreated, "articles", res.ArticlesCreated, "relationships", res.RelationshipsCreated)
	return nil
}
