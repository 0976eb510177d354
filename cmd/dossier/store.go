package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/spf13/pflag"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/graph/neo4j"
)

// Store backends.
const (
	backendBolt  = "bolt"
	backendNeo4j = "neo4j"
)

// storeFlags selects and configures a store.
type storeFlags struct {
	backend string
	dataDir string
	neo4j   neo4j.Config
}

func (f *storeFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.backend, "store", envOr("DOSSIER_STORE", backendBolt), "store backend: bolt (embedded, default) or neo4j (DOSSIER_STORE)")
	fs.StringVar(&f.dataDir, "data", envOr("DOSSIER_DATA", "./data"), "data directory of the embedded store and the credentials (DOSSIER_DATA)")
	fs.StringVar(&f.neo4j.URI, "neo4j-uri", envOr("NEO4J_URI", "neo4j://127.0.0.1:7687"), "Neo4j URI: bolt://, neo4j:// (routing), neo4j+s:// (TLS) (NEO4J_URI)")
	fs.StringVar(&f.neo4j.Username, "neo4j-user", envOr("NEO4J_USERNAME", "neo4j"), "Neo4j user (NEO4J_USERNAME)")
	fs.StringVar(&f.neo4j.Password, "neo4j-password", envOr("NEO4J_PASSWORD", ""), "Neo4j password (NEO4J_PASSWORD; prefer the environment over the flag)")
	fs.StringVar(&f.neo4j.Database, "neo4j-database", envOr("NEO4J_DATABASE", "neo4j"), "Neo4j database (NEO4J_DATABASE)")
}

// open opens the store the flags select. The password never reaches the logs.
func (f *storeFlags) open(ctx context.Context, backend string, log *slog.Logger) (graph.Store, error) {
	switch backend {
	case backendBolt:
		s, err := bolt.Open(ctx, f.dataDir)
		if err != nil {
			return nil, fmt.Errorf("open embedded store in %s: %w", f.dataDir, err)
		}
		log.Info("store open", "store", backendBolt, "data", f.dataDir)
		return s, nil
	case backendNeo4j:
		s, err := neo4j.Open(ctx, f.neo4j)
		if err != nil {
			return nil, fmt.Errorf("open Neo4j store: %w", err)
		}
		log.Info("store open", "store", backendNeo4j, "uri", neo4j.RedactURI(f.neo4j.URI), "database", f.neo4j.Database)
		return s, nil
	}
	return nil, fmt.Errorf("unknown store %q: want %s or %s", backend, backendBolt, backendNeo4j)
}

// openStore opens the store the global flags select, logging as they say.
func (a *app) openStore(ctx context.Context) (graph.Store, error) {
	log, err := a.logger()
	if err != nil {
		return nil, err
	}
	return a.store.open(ctx, a.store.backend, log)
}
