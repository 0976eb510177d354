// Package server is Dossier's HTTP layer: the GraphQL endpoint (POST and GET /graphql), the
// GraphiQL playground, a health check and Prometheus metrics, on gin.
//
// Requests authenticate with "Authorization: Bearer <token>" of a named credential (see
// package auth): mutations need the write role, and reads need the read role when
// Config.RequireReadToken is set. Every answer is JSON except the playground page, and
// carries security headers; there is no CORS.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dossiergraph/dossier/export"
	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/resolvers"
	"github.com/dossiergraph/dossier/server/auth"
)

// Defaults for the zero values of Config.
const (
	DefaultMaxBodyBytes    = 1 << 20
	DefaultReadTimeout     = 30 * time.Second
	DefaultWriteTimeout    = 60 * time.Second
	DefaultShutdownTimeout = 15 * time.Second
	DefaultExportTimeout   = 5 * time.Minute
)

// Config configures a Server. Zero durations and sizes take the defaults above.
type Config struct {
	Addr string // listen address, e.g. "127.0.0.1:8080"; port 0 picks a free port
	// Credentials is the file of named credentials, re-read whenever it changes.
	Credentials *auth.File
	// WriteToken, if set, is one more write credential, called WriteTokenName
	// (DefaultOperatorName when empty). Credentials or WriteToken is required.
	WriteToken, WriteTokenName string
	// RequireReadToken makes GraphQL and the exports refuse requests without a credential.
	RequireReadToken                           bool
	MaxBodyBytes                               int64 // largest request body; larger ones get 413
	ReadTimeout, WriteTimeout, ShutdownTimeout time.Duration
	ExportTimeout                              time.Duration // bounds one export; past it the export stops
	Logger                                     *slog.Logger  // nil = discard
	// World resolves names in sheet imports against well-known actors, as ingestion does
	// (extract.Extractor.LookupWorld); nil for none.
	World func(name string) (graph.Entity, bool)
	// PlaygroundAssets is the folder scripts/playground-assets fills; the server then serves
	// GraphiQL's files itself. Empty: the playground loads them from the CDN.
	PlaygroundAssets string
	// Metrics collects what GET /metrics shows; nil = the server makes its own. Pass one in
	// to count ingestion as well (see Metrics.ObserveIngest).
	Metrics *Metrics
}

// Store is what the server reads itself: exports, dumps, health checks and the counts that
// /metrics shows. Imports also need it to be an export.SheetTarget, found by type assertion.
type Store interface {
	export.Source
	graph.Counter
}

// Server serves Dossier over HTTP.
type Server struct {
	store  Store
	exec   *resolvers.Executor
	cfg    Config
	log    *slog.Logger
	engine *gin.Engine
	keys   *auth.Keyring
	play   playground
	stats  *Metrics
	// answerBufs holds the buffers GraphQL answers are encoded into, reused across requests.
	answerBufs sync.Pool // of *[]byte

	mu      sync.Mutex
	bound   string        // the listener's address once bound
	started bool          // ListenAndServe was called
	ready   chan struct{} // closed once the listener is bound
}

// New builds a Server over store, answering GraphQL requests with exec. It does not listen
// yet; see ListenAndServe.
func New(store Store, exec *resolvers.Executor, cfg Config) (*Server, error) {
	if store == nil {
		return nil, errors.New("server: store is nil")
	}
	if exec == nil {
		return nil, errors.New("server: GraphQL executor is nil")
	}
	if err := cfg.applyDefaults(); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	keys, err := newKeyring(cfg)
	if err != nil {
		return nil, err
	}
	play, err := newPlayground(playgroundAssetList, cfg.PlaygroundAssets)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s := &Server{
		store: store,
		exec:  exec,
		cfg:   cfg,
		log:   cfg.Logger,
		keys:  keys,
		play:  play,
		stats: cfg.Metrics,
		ready: make(chan struct{}),
	}
	if s.stats == nil {
		s.stats = NewMetrics()
	}
	s.engine = s.routes()
	return s, nil
}

func (c *Config) applyDefaults() error {
	if c.Addr == "" {
		return errors.New("listen address is empty")
	}
	if c.MaxBodyBytes < 0 || c.ReadTimeout < 0 || c.WriteTimeout < 0 || c.ShutdownTimeout < 0 || c.ExportTimeout < 0 {
		return errors.New("body limit and timeouts must not be negative")
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	if c.ExportTimeout == 0 {
		c.ExportTimeout = DefaultExportTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// routes builds the gin engine with every route and middleware.
func (s *Server) routes() *gin.Engine {
	// gin keeps its mode process-wide; release mode only silences its debug output, and
	// setting it is idempotent and atomic.
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	// Dossier is not meant to sit behind proxies it should trust, so logs show the peer
	// address (nil cannot fail to parse).
	_ = e.SetTrustedProxies(nil)
	// Logging and metrics are outermost so that they also see the 500 of a recovered panic.
	e.Use(s.logRequests, s.stats.countRequests, s.recoverPanics, securityHeaders, s.authenticate)
	e.NoRoute(func(c *gin.Context) {
		WriteError(c, http.StatusNotFound, graph.ENOTFOUND, "no such path: "+graph.Clip(c.Request.URL.Path))
	})
	e.NoMethod(func(c *gin.Context) {
		WriteError(c, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED",
			graph.Clip(c.Request.Method)+" is not allowed on "+graph.Clip(c.Request.URL.Path))
	})
	e.POST("/graphql", s.requireReader, s.postGraphQL)
	e.GET("/graphql", s.requireReader, s.getGraphQL)
	e.GET("/healthz", s.healthz)
	e.GET("/export/:format", s.requireReader, s.exportGraph)
	e.POST("/import/:format", s.requireRole(auth.RoleWrite, "importing"), s.importGraph)
	e.GET("/dump", s.requireReader, s.dumpGraph)
	e.GET("/metrics", s.requireReader, s.metrics)
	s.credentialRoutes(e)
	e.GET("/playground", s.play.serve)
	if s.play.local {
		e.GET(playgroundAssetsPath+"*file", s.play.serveAsset)
	}
	e.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/playground") })
	return e
}

// Handler returns the server's HTTP handler, e.g. for httptest.
func (s *Server) Handler() http.Handler { return s.engine }

// Engine returns the gin engine so that callers can add routes (such as GET /export/:format).
// Add them before ListenAndServe: gin's router is not safe to change while serving. Added
// routes get the same recovery, logging and security-header middleware.
func (s *Server) Engine() *gin.Engine { return s.engine }

// Addr returns the address the server listens on once ListenAndServe has bound it (with the
// real port when Config.Addr asked for port 0), and Config.Addr before that.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bound != "" {
		return s.bound
	}
	return s.cfg.Addr
}

// Ready returns a channel that is closed once ListenAndServe has bound its listener, after
// which Addr returns the bound address. It stays open if listening fails; ListenAndServe
// then returns the error.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// PlaygroundLocal tells whether the playground's files are served by this server (else the
// page loads them from the CDN).
func (s *Server) PlaygroundLocal() bool { return s.play.local }

// Listen binds addr, so that a caller can learn that the address is taken before it creates
// anything, and hand the listener to Serve.
func Listen(ctx context.Context, addr string) (net.Listener, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("server: listen on %s: %w", addr, err)
	}
	return ln, nil
}

// ListenAndServe listens on Config.Addr and serves until ctx is cancelled, then shuts down
// gracefully: it stops accepting connections and waits up to Config.ShutdownTimeout for
// requests in flight. It returns nil after a clean shutdown. A Server serves only once.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := Listen(ctx, s.cfg.Addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// Serve is ListenAndServe on a listener the caller bound (see Listen); it closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		ln.Close()
		return errors.New("server: Serve called twice")
	}
	s.started = true
	s.mu.Unlock()

	s.mu.Lock()
	s.bound = ln.Addr().String()
	s.mu.Unlock()
	close(s.ready)
	s.warnIfReadsOpen(ln.Addr())

	srv := &http.Server{
		Handler:           s.engine,
		ReadTimeout:       s.cfg.ReadTimeout,
		ReadHeaderTimeout: min(s.cfg.ReadTimeout, 10*time.Second),
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		// Requests keep ctx's values but not its cancellation, so that shutdown lets
		// requests in flight finish instead of cancelling their store calls.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s.log.Info("serving", "addr", s.bound)

	select {
	case err := <-served:
		return fmt.Errorf("server: serve on %s: %w", s.bound, err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "addr", s.bound, "timeout", s.cfg.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		closeErr := srv.Close()
		<-served
		return errors.Join(fmt.Errorf("server: graceful shutdown: %w", err), closeErr)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("server: serve on %s: %w", s.bound, err)
	}
	s.log.Info("stopped", "addr", s.bound)
	return nil
}
