package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/graphql-go/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/ingest"
	"github.com/dossiergraph/dossier/resolvers"
)

// statsTimeout bounds the store call behind a scrape, so that a stuck store cannot hold
// scrapers.
const statsTimeout = 5 * time.Second

// Metrics holds the Prometheus series of one server in a registry of its own (never the
// process-wide default one), so that two servers in one process count apart.
type Metrics struct {
	registry        *prometheus.Registry
	requests        *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec
	operations      *prometheus.CounterVec
	opDuration      *prometheus.HistogramVec
	ingestions      *prometheus.CounterVec
	ingested        *prometheus.CounterVec
	statsErrors     prometheus.Counter
}

// NewMetrics makes an empty set of series, with the Go runtime's and the process's.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dossier_http_requests_total",
			Help: "HTTP requests answered, by route (the path pattern), method and status.",
		}, []string{"route", "method", "status"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "dossier_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route and method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method"}),
		operations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dossier_graphql_operations_total",
			Help: "GraphQL requests, by operation type (query, mutation, subscription, or invalid when none could be read) and outcome (ok, error).",
		}, []string{"operation", "outcome"}),
		opDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "dossier_graphql_operation_duration_seconds",
			Help:    "Time to execute a GraphQL request, by operation type.",
			Buckets: prometheus.DefBuckets,
		}, []string{"operation"}),
		ingestions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dossier_ingestions_total",
			Help: "Articles put through ingestion, by mode (write, dry_run) and outcome (ok, error).",
		}, []string{"mode", "outcome"}),
		ingested: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dossier_ingested_total",
			Help: "What ingestion wrote (dry runs excluded): entities created or matched, relationships created or corroborated.",
		}, []string{"what"}),
		statsErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dossier_store_stats_errors_total",
			Help: "Scrapes for which the store could not count its contents.",
		}),
	}
	m.registry.MustRegister(m.requests, m.requestDuration, m.operations, m.opDuration,
		m.ingestions, m.ingested, m.statsErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Series that exist from the start read 0 rather than missing, which rate() and alerts
	// need.
	for _, o := range []string{"ok", "error"} {
		for _, op := range []string{"query", "mutation"} {
			m.operations.WithLabelValues(op, o)
		}
		for _, mode := range []string{"write", "dry_run"} {
			m.ingestions.WithLabelValues(mode, o)
		}
	}
	for _, what := range []string{"entities_created", "entities_matched", "relationships_created", "relationships_corroborated"} {
		m.ingested.WithLabelValues(what)
	}
	return m
}

// knownMethods keeps the method label bounded whatever clients send.
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

// countRequests is the middleware that counts and times every request, aborted exports
// (which panic through it) included. The route label is gin's path pattern, never the raw
// path, so that the number of series stays bounded.
func (m *Metrics) countRequests(c *gin.Context) {
	start := time.Now()
	defer m.countRequest(c, start)
	c.Next()
}

func (m *Metrics) countRequest(c *gin.Context, start time.Time) {
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	method := c.Request.Method
	if !knownMethods[method] {
		method = "other"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(c.Writer.Status())).Inc()
	m.requestDuration.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
}

// ObserveIngest counts one ingestion; it fits resolvers.Options.OnIngest.
func (m *Metrics) ObserveIngest(dryRun bool, sum ingest.Summary, err error) {
	mode := "write"
	if dryRun {
		mode = "dry_run"
	}
	m.ingestions.WithLabelValues(mode, outcome(err == nil)).Inc()
	if err != nil || dryRun {
		return
	}
	m.ingested.WithLabelValues("entities_created").Add(float64(sum.EntitiesCreated))
	m.ingested.WithLabelValues("entities_matched").Add(float64(sum.EntitiesMatched))
	m.ingested.WithLabelValues("relationships_created").Add(float64(sum.RelationshipsCreated))
	m.ingested.WithLabelValues("relationships_corroborated").Add(float64(sum.RelationshipsCorroborated))
}

func outcome(ok bool) string {
	if ok {
		return "ok"
	}
	return "error"
}

// executeCounted executes req, counting and timing it by operation type.
func (s *Server) executeCounted(ctx context.Context, req resolvers.Request) *graphql.Result {
	start := time.Now()
	res := s.exec.Execute(ctx, req)
	op := s.exec.OperationType(req)
	if op == "" {
		op = "invalid"
	}
	s.stats.operations.WithLabelValues(op, outcome(len(res.Errors) == 0)).Inc()
	s.stats.opDuration.WithLabelValues(op).Observe(time.Since(start).Seconds())
	return res
}

// metrics answers GET /metrics in Prometheus's formats. The store's counts are read for
// each scrape, with the request's context, and added to the server's own series.
func (s *Server) metrics(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), statsTimeout)
	defer cancel()
	gatherers := prometheus.Gatherers{s.stats.registry}
	st, err := s.store.Stats(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "metrics: store stats failed", "err", err)
		s.stats.statsErrors.Inc()
	} else {
		gatherers = append(gatherers, storeGatherer(st))
	}
	promhttp.HandlerFor(gatherers, promhttp.HandlerOpts{
		ErrorLog:      slogErrorLog{s.log},
		ErrorHandling: promhttp.ContinueOnError,
	}).ServeHTTP(c.Writer, c.Request)
}

// storeGatherer exposes one reading of the store's counts.
func storeGatherer(st graph.Stats) prometheus.Gatherer {
	reg := prometheus.NewPedanticRegistry()
	gauge := func(name, help string, v int) {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
		g.Set(float64(v))
		reg.MustRegister(g)
	}
	gauge("dossier_store_entities", "Entities in the store.", st.Entities)
	gauge("dossier_store_articles", "Articles in the store.", st.Articles)
	gauge("dossier_store_relationships", "Relationships in the store, negated ones included.", st.Relationships)
	gauge("dossier_store_negated_relationships", "Negated relationships (acts reported as not done) in the store.", st.NegatedRelationships)
	byType := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "dossier_store_relationships_by_type",
		Help: "Relationships in the store by relation type.",
	}, []string{"type"})
	for t, n := range st.RelationshipsByType {
		byType.WithLabelValues(string(t)).Set(float64(n))
	}
	reg.MustRegister(byType)
	return reg
}

// slogErrorLog lets promhttp report encoding errors through the server's logger.
type slogErrorLog struct {
	log interface{ Warn(string, ...any) }
}

func (l slogErrorLog) Println(v ...any) { l.log.Warn("metrics: serve", "err", v) }
