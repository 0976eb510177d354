package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/dossiergraph/dossier/extract"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/ingest"
	"github.com/dossiergraph/dossier/resolvers"
	"github.com/dossiergraph/dossier/seed"
	"github.com/dossiergraph/dossier/server"
)

// scrape reads GET /metrics of a live server into metric families by name.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return families
}

// value is the counter, gauge or histogram count of the series of name with exactly labels
// (0 when there is no such series).
func value(families map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	f := families[name]
	if f == nil {
		return 0
	}
	for _, m := range f.GetMetric() {
		if len(m.GetLabel()) != len(labels) {
			continue
		}
		match := true
		for _, l := range m.GetLabel() {
			match = match && labels[l.GetName()] == l.GetValue()
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue()
		case m.Gauge != nil:
			return m.GetGauge().GetValue()
		case m.Histogram != nil:
			return float64(m.GetHistogram().GetSampleCount())
		}
	}
	return 0
}

// TestMetricsFollowTraffic scrapes /metrics of a real server on loopback before and after
// known traffic, and checks that each series moved by what was done.
func TestMetricsFollowTraffic(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	store, err := bolt.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := seed.Load(ctx, store, "seed.yaml", seed.Default()); err != nil {
		t.Fatal(err)
	}
	x, err := extract.NewWithOptions(extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	metrics := server.NewMetrics()
	exec, err := resolvers.New(store, resolvers.Options{Ingester: ingest.New(x, store), OnIngest: metrics.ObserveIngest})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(store, exec, server.Config{Addr: "127.0.0.1:0", WriteToken: testToken, Metrics: metrics})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(ctx) }()
	<-srv.Ready()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	base := "http://" + srv.Addr()

	post := func(query, token string) int {
		body, _ := json.Marshal(map[string]any{"query": query})
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	get := func(path string) int {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}

	before := scrape(t, base)
	st, err := store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int{"dossier_store_entities": st.Entities, "dossier_store_articles": st.Articles, "dossier_store_relationships": st.Relationships} {
		if got := value(before, name, nil); got != float64(want) {
			t.Errorf("%s = %v, the store says %d", name, got, want)
		}
	}

	const ingestion = `mutation { ingestArticle(input: {title: "Oslo expels a diplomat", outlet: "The Wire", text: "Norway expelled a Russian diplomat on Monday."}) { articleId relationshipsCreated } }`
	for range 3 {
		if code := post(`{ stats { entities } }`, ""); code != http.StatusOK {
			t.Fatalf("query: %d", code)
		}
	}
	if code := post(`mutation { deleteEntity(id: "mexico") }`, ""); code != http.StatusUnauthorized {
		t.Fatalf("mutation without the token: %d", code)
	}
	if code := post(ingestion, testToken); code != http.StatusOK {
		t.Fatalf("ingestion: %d", code)
	}
	if code := post(`{ stats {`, ""); code != http.StatusBadRequest {
		t.Fatalf("broken query: %d", code)
	}
	if code := get("/no/such/page/42"); code != http.StatusNotFound {
		t.Fatalf("unknown path: %d", code)
	}
	after := scrape(t, base)

	for _, c := range []struct {
		name   string
		labels map[string]string
		delta  float64
	}{
		{"dossier_http_requests_total", map[string]string{"route": "/graphql", "method": "POST", "status": "200"}, 4},
		{"dossier_http_requests_total", map[string]string{"route": "/graphql", "method": "POST", "status": "401"}, 1},
		{"dossier_http_requests_total", map[string]string{"route": "/graphql", "method": "POST", "status": "400"}, 1},
		{"dossier_http_requests_total", map[string]string{"route": "unmatched", "method": "GET", "status": "404"}, 1},
		{"dossier_http_requests_total", map[string]string{"route": "/metrics", "method": "GET", "status": "200"}, 1}, // the first scrape
		{"dossier_http_request_duration_seconds", map[string]string{"route": "/graphql", "method": "POST"}, 6},
		{"dossier_graphql_operations_total", map[string]string{"operation": "query", "outcome": "ok"}, 3},
		{"dossier_graphql_operations_total", map[string]string{"operation": "mutation", "outcome": "error"}, 1},
		{"dossier_graphql_operations_total", map[string]string{"operation": "mutation", "outcome": "ok"}, 1},
		{"dossier_graphql_operations_total", map[string]string{"operation": "invalid", "outcome": "error"}, 1},
		{"dossier_graphql_operation_duration_seconds", map[string]string{"operation": "query"}, 3},
		{"dossier_ingestions_total", map[string]string{"mode": "write", "outcome": "ok"}, 1},
		{"dossier_ingestions_total", map[string]string{"mode": "dry_run", "outcome": "ok"}, 0},
		{"dossier_store_articles", nil, 1},
	} {
		if got := value(after, c.name, c.labels) - value(before, c.name, c.labels); got != c.delta {
			t.Errorf("%s%v moved by %v, want %v", c.name, c.labels, got, c.delta)
		}
	}
	created := value(after, "dossier_ingested_total", map[string]string{"what": "relationships_created"})
	corroborated := value(after, "dossier_ingested_total", map[string]string{"what": "relationships_corroborated"})
	if created+corroborated == 0 {
		t.Error("the ingestion found a relationship, but no ingested relationship was counted")
	}
	newSt, err := store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := value(after, "dossier_store_relationships", nil); got != float64(newSt.Relationships) {
		t.Errorf("dossier_store_relationships = %v, the store says %d", got, newSt.Relationships)
	}
	// Each server counts in a registry of its own.
	if _, ok := after["go_goroutines"]; !ok {
		t.Error("the Go runtime's series are missing")
	}
	if other := server.NewMetrics(); other == metrics {
		t.Error("NewMetrics shares state")
	}
}

func TestPprofOnlyOnLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.10:6060", "example.org:6060", "6060"} {
		if ln, err := server.ListenPprof(t.Context(), addr); err == nil {
			ln.Close()
			t.Errorf("ListenPprof(%q) was allowed", addr)
		} else if !strings.Contains(err.Error(), addr) {
			t.Errorf("ListenPprof(%q): the error does not name the address: %v", addr, err)
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	ln, err := server.ListenPprof(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- server.ServePprof(ctx, ln, slog.New(slog.DiscardHandler)) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine profile") {
		t.Errorf("pprof answered %s: %.200s", resp.Status, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("ServePprof: %v", err)
	}
}
