// Command dossier runs the Dossier entity-relationship graph service and its tools: serve the
// GraphQL API, load the seed, ingest articles, export and import graphs, copy between stores.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/dossiergraph/dossier/extract"
	"github.com/dossiergraph/dossier/graph"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCommand(os.Stdout, os.Stderr).ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "dossier:", err)
		os.Exit(1)
	}
}

// app holds what every subcommand shares: output streams and the global flags.
type app struct {
	stdout, stderr io.Writer
	logLevel       string
	logFormat      string
	store          storeFlags
	server         serverFlags
	maxArticle     int
}

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	a := &app{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "dossier",
		Short:         "Dossier: an entity-relationship graph of who warned, denied and expelled whom",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			// Local writes are recorded in the change log as made by the command; the
			// server records each request's writes under its credential instead.
			cmd.SetContext(graph.WithActor(cmd.Context(), cmd.CommandPath()))
			// An integer flag's default cannot come from an unchecked environment value.
			if v, ok := os.LookupEnv("DOSSIER_MAX_ARTICLE_BYTES"); ok && !cmd.Flags().Changed("max-article-bytes") {
				n, err := strconv.Atoi(v)
				if err != nil {
					return fmt.Errorf("DOSSIER_MAX_ARTICLE_BYTES=%q is not a whole number of bytes", v)
				}
				a.maxArticle = n
			}
			return nil
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&a.logLevel, "log-level", envOr("DOSSIER_LOG_LEVEL", "info"), "log level: debug, info, warn, error (DOSSIER_LOG_LEVEL)")
	pf.StringVar(&a.logFormat, "log-format", envOr("DOSSIER_LOG_FORMAT", "text"), "log format: text or json (DOSSIER_LOG_FORMAT)")
	a.store.register(pf)
	pf.IntVar(&a.maxArticle, "max-article-bytes", extract.DefaultMaxBytes, "largest article text that extract, ingest and ingestArticle accept (DOSSIER_MAX_ARTICLE_BYTES)")

	root.AddCommand(
		a.serveCommand(),
		a.seedCommand(),
		a.migrateCommand(),
		a.copyCommand(),
		a.extractCommand(),
		a.ingestCommand(),
		a.exportCommand(),
		a.importCommand(),
		a.dumpCommand(),
		a.restoreCommand(),
		a.tokenCommand(),
	)
	return root
}

// logger builds the process logger from the flags; logs go to stderr so that commands
// which print data (export, extract) keep stdout clean.
func (a *app) logger() (*slog.Logger, error) {
	// Only the four names: slog would also take "info+2" and the like, which no one means.
	var level slog.Level
	switch strings.ToLower(a.logLevel) {
	case "debug":
		level = slog.LevelDebug
	case "info":
		level = slog.LevelInfo
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	default:
		return nil, fmt.Errorf("--log-level: want debug, info, warn or error, got %q", a.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch a.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(a.stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(a.stderr, opts)), nil
	}
	return nil, fmt.Errorf("--log-format: want text or json, got %q", a.logFormat)
}

// printBatchResult reports what an Apply did, after the verb and what was read.
func printBatchResult(w io.Writer, what string, res graph.BatchResult) {
	fmt.Fprintf(w, "%s: entities %d created, %d updated; articles %d created, %d updated; relationships %d created, %d updated\n",
		what, res.EntitiesCreated, res.EntitiesUpdated, res.ArticlesCreated, res.ArticlesUpdated, res.RelationshipsCreated, res.RelationshipsUpdated)
}

// extractor builds the offline extractor with the configured size limit.
func (a *app) extractor() (*extract.Extractor, error) {
	if a.maxArticle <= 0 {
		return nil, fmt.Errorf("--max-article-bytes must be positive, got %d", a.maxArticle)
	}
	return extract.NewWithOptions(extract.Options{MaxBytes: a.maxArticle})
}

// envOr returns the environment variable's value, or def when it is unset or empty.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
