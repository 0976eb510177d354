package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/graph/neo4j"
	"github.com/dossiergraph/dossier/graph/synth"
)

// neo4jChunk is the batch size for Neo4j, as `dossier copy` uses: one transaction per batch.
const neo4jChunk = 2000

// loadBolt writes the synthetic graph into the embedded store in dir, unless it already holds it.
func loadBolt(ctx context.Context, log *slog.Logger, dir string, cfg synth.Config) error {
	s, err := bolt.Open(ctx, dir)
	if err != nil {
		return fmt.Errorf("open embedded store %s: %w", dir, err)
	}
	defer s.Close()
	return loadInto(ctx, log, "embedded", s, cfg)
}

// loadNeo4j writes the synthetic graph into Neo4j (migrating it first), unless it already holds it.
func loadNeo4j(ctx context.Context, log *slog.Logger, nc neo4j.Config, cfg synth.Config) error {
	s, err := neo4j.Open(ctx, nc)
	if err != nil {
		return fmt.Errorf("open Neo4j: %w", err)
	}
	defer s.Close()
	cfg.Chunk = neo4jChunk
	return loadInto(ctx, log, "neo4j", s, cfg)
}

func loadInto(ctx context.Context, log *slog.Logger, name string, s graph.Store, cfg synth.Config) error {
	st, err := s.Stats(ctx)
	if err != nil {
		return fmt.Errorf("%s: stats: %w", name, err)
	}
	want, err := synth.Describe(cfg)
	if err != nil {
		return err
	}
	if st.Entities == want.Entities && st.Articles == want.Articles && st.Relationships == want.Relationships {
		log.Info("store already holds the graph", "store", name)
		return nil
	}
	if st.Entities+st.Articles+st.Relationships > 0 {
		return fmt.Errorf("%s holds another graph (%d entities, %d articles, %d relationships): start from an empty store",
			name, st.Entities, st.Articles, st.Relationships)
	}
	start := time.Now()
	total := want.Entities + want.Articles + want.Relationships
	done, logged := 0, 0
	_, err = synth.Stream(cfg, func(b graph.Batch) error {
		if _, err := s.Apply(ctx, b); err != nil {
			return fmt.Errorf("%s: load synthetic graph: %w", name, err)
		}
		done += len(b.Entities) + len(b.Articles) + len(b.Relationships)
		if done-logged >= total/10 { // Neo4j takes minutes: say how far it got
			log.Info("loading", "store", name, "records", done, "of", total, "after", time.Since(start).Round(time.Second))
			logged = done
		}
		return nil
	})
	if err != nil {
		return err
	}
	log.Info("loaded", "store", name, "entities", want.Entities, "articles", want.Articles,
		"relationships", want.Relationships, "took", time.Since(start).Round(time.Millisecond))
	return nil
}
