package neo4j

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/dossiergraph/dossier/graph"
)

// Config says how to reach Neo4j.
type Config struct {
	URI      string // e.g. bolt://127.0.0.1:7687 or neo4j://host:7687
	Username string // "" connects without authentication
	Password string
	Database string // "" = the server's default database
}

// Store is a graph.Store kept in Neo4j. It is safe for concurrent use.
type Store struct {
	driver   neo4j.DriverWithContext
	database string
	// bookmarks chains every session of this store causally, so that on a cluster a read
	// routed to a follower still sees the writes this store has acknowledged.
	bookmarks neo4j.BookmarkManager
	// commits keeps reads from overlapping this store's writes. Neo4j's isolation is read
	// committed, and a commit updates the store before its indexes, so a read racing a
	// commit can see half of it (a relationship whose entity is not yet found by id). Reads
	// through one Store therefore see whole commits; writes by other processes are not
	// covered.
	commits sync.RWMutex
	// unlogged turns the change log off, for benchmarks that measure what it costs.
	unlogged bool
}

var (
	_ graph.Store  = (*Store)(nil)
	_ graph.Pinger = (*Store)(nil)
)

// Ping implements graph.Pinger: the server answers on a connection.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.driver.VerifyConnectivity(ctx); err != nil {
		return fmt.Errorf("neo4j: ping: %w", err)
	}
	return nil
}

// Open connects to Neo4j, checks that it answers with the given credentials, and runs
// Migrate. It fails with a clear error, never a panic, when the server is unreachable or
// refuses the credentials.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if strings.TrimSpace(cfg.URI) == "" {
		return nil, graph.Errorf(graph.EINVALID, "neo4j: no URI configured")
	}
	auth := neo4j.NoAuth()
	if cfg.Username != "" {
		auth = neo4j.BasicAuth(cfg.Username, cfg.Password, "")
	}
	where := RedactURI(cfg.URI)
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		return nil, fmt.Errorf("neo4j: invalid URI %q: %w", where, err)
	}
	if err := driver.VerifyConnectivity(ctx); err != nil {
		_ = driver.Close(ctx) // the connectivity error is the one worth reporting
		var n4jErr *neo4j.Neo4jError
		if errors.As(err, &n4jErr) && n4jErr.HasSecurityCode() {
			return nil, fmt.Errorf("neo4j: %s refused the credentials of user %q: %w", where, cfg.Username, err)
		}
		return nil, fmt.Errorf("neo4j: cannot reach %s: %w", where, err)
	}
	s := &Store{driver: driver, database: cfg.Database, bookmarks: neo4j.NewBookmarkManager(neo4j.BookmarkManagerConfig{})}
	if err := s.Migrate(ctx); err != nil {
		_ = driver.Close(ctx)
		return nil, err
	}
	return s, nil
}

// RedactURI returns uri with any password in it hidden, for error messages and logs.
func RedactURI(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return "(unparsable URI)"
	}
	return u.Redacted()
}

// Close releases the driver's connections.
func (s *Store) Close() error {
	if err := s.driver.Close(context.Background()); err != nil {
		return fmt.Errorf("neo4j: close: %w", err)
	}
	return nil
}

// Migrate creates the constraints and indexes the store relies on and waits until they are
// online. Every statement is idempotent, so Migrate may run any number of times.
func (s *Store) Migrate(ctx context.Context) error {
	for _, stmt := range schemaStatements() {
		if _, err := neo4j.ExecuteQuery(ctx, s.driver, stmt, nil, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(s.database), neo4j.ExecuteQueryWithWritersRouting(),
			neo4j.ExecuteQueryWithBookmarkManager(s.bookmarks)); err != nil {
			return fmt.Errorf("neo4j: migrate: %s: %w", firstLine(stmt), err)
		}
	}
	if _, err := neo4j.ExecuteQuery(ctx, s.driver, "CALL db.awaitIndexes(300)", nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.database), neo4j.ExecuteQueryWithBookmarkManager(s.bookmarks)); err != nil {
		return fmt.Errorf("neo4j: migrate: wait for indexes: %w", err)
	}
	return nil
}

// schemaStatements lists the schema: unique ids (which also index them), each kind's ids
// for its pages, the full-text index behind SearchEntities, and indexes for the filters. Relationship constraints exist
// per type only, so ids are also checked across types by the writers.
func schemaStatements() []string {
	stmts := []string{
		"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE",
		"CREATE CONSTRAINT article_id IF NOT EXISTS FOR (a:Article) REQUIRE a.id IS UNIQUE",
		"CREATE INDEX entity_kind IF NOT EXISTS FOR (n:Entity) ON (n.kind)",
		"CREATE FULLTEXT INDEX " + searchIndex + " IF NOT EXISTS FOR (n:Entity) ON EACH [n.search]\n" +
			"OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', `fulltext.eventually_consistent`: false}}",
		"CREATE FULLTEXT INDEX " + evidenceIndex + " IF NOT EXISTS FOR ()-[r:" + anyRelType() + "]-() ON EACH [r.evidenceArticles]\n" +
			"OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', `fulltext.eventually_consistent`: false}}",
	}
	for _, k := range graph.Kinds {
		label := kindLabels[k]
		stmts = append(stmts, fmt.Sprintf("CREATE INDEX entity_id_%s IF NOT EXISTS FOR (n:%s) ON (n.id)", strings.ToLower(label), label))
	}
	stmts = append(stmts, changeLogSchema()...)
	for _, t := range graph.RelationTypes {
		name := strings.ToLower(string(t))
		stmts = append(stmts,
			fmt.Sprintf("CREATE CONSTRAINT rel_id_%s IF NOT EXISTS FOR ()-[r:%s]-() REQUIRE r.id IS UNIQUE", name, t),
			fmt.Sprintf("CREATE INDEX rel_date_%s IF NOT EXISTS FOR ()-[r:%s]-() ON (r.dateStart)", name, t),
			fmt.Sprintf("CREATE INDEX rel_negated_%s IF NOT EXISTS FOR ()-[r:%s]-() ON (r.negated)", name, t),
			fmt.Sprintf("CREATE INDEX rel_review_%s IF NOT EXISTS FOR ()-[r:%s]-() ON (r.reviewState)", name, t))
	}
	return stmts
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// read runs work in a managed read transaction, which the driver retries on transient
// failures; work must therefore have no effect outside the transaction.
func read[T any](ctx context.Context, s *Store, what string, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	s.commits.RLock()
	defer s.commits.RUnlock()
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.database, AccessMode: neo4j.AccessModeRead, BookmarkManager: s.bookmarks})
	defer session.Close(ctx)
	out, err := neo4j.ExecuteRead(ctx, session, work)
	return out, wrap(what, err)
}

// stream runs a read query in one explicit read transaction and calls fn on each record's
// first value as the driver fetches them in batches, so a scan of a large graph holds one
// batch in memory. It is not retried: fn has seen records by the time a failure shows. It
// does not hold the store's commit lock, since fn may write (to this store or another) and
// a scan is documented to possibly see writes made while it runs.
func stream(ctx context.Context, s *Store, what, cypher string, params map[string]any, fn func(v any) error) error {
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.database, AccessMode: neo4j.AccessModeRead, BookmarkManager: s.bookmarks})
	defer session.Close(ctx)
	tx, err := session.BeginTransaction(ctx)
	if err != nil {
		return wrap(what, err)
	}
	defer tx.Close(ctx)
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return wrap(what, err)
	}
	for res.Next(ctx) {
		if err := fn(res.Record().Values[0]); err != nil {
			return err
		}
	}
	if err := res.Err(); err != nil {
		return wrap(what, err)
	}
	return wrap(what, tx.Commit(ctx))
}

// write runs work in one managed write transaction: all of it commits or none of it does.
func write[T any](ctx context.Context, s *Store, what string, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	s.commits.Lock()
	defer s.commits.Unlock()
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.database, AccessMode: neo4j.AccessModeWrite, BookmarkManager: s.bookmarks})
	defer session.Close(ctx)
	out, err := neo4j.ExecuteWrite(ctx, session, work)
	return out, wrap(what, err)
}

// wrap leaves domain errors as they are, turns a uniqueness violation (a concurrent writer
// took the id) into ECONFLICT, and adds context to the rest.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	var domain *graph.Error
	if errors.As(err, &domain) {
		return err
	}
	var n4jErr *neo4j.Neo4jError
	if errors.As(err, &n4jErr) && n4jErr.Code == "Neo.ClientError.Schema.ConstraintValidationFailed" {
		return graph.Errorf(graph.ECONFLICT, "%s: an id is already taken", what)
	}
	return fmt.Errorf("neo4j: %s: %w", what, err)
}

// run executes one statement and returns its records.
func run(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// single executes a statement that returns exactly one record.
func single(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) (*neo4j.Record, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Single(ctx)
}
