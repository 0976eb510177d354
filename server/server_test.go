package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/resolvers"
	"github.com/dossiergraph/dossier/server"
)

func openBolt(t *testing.T) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatalf("open bolt store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() }) // closing twice is the test below's business
	return s
}

func newExecutor(t *testing.T, store graph.Store) *resolvers.Executor {
	t.Helper()
	exec, err := resolvers.New(store, resolvers.Options{})
	if err != nil {
		t.Fatalf("resolvers.New: %v", err)
	}
	return exec
}

func TestNewRejectsBadConfig(t *testing.T) {
	store := openBolt(t)
	exec := newExecutor(t, store)
	good := server.Config{Addr: "127.0.0.1:0", WriteToken: testToken}
	for name, c := range map[string]struct {
		store graph.Store
		exec  *resolvers.Executor
		cfg   func(*server.Config)
		want  string
	}{
		"no store":         {nil, exec, func(*server.Config) {}, "store is nil"},
		"no executor":      {store, nil, func(*server.Config) {}, "executor is nil"},
		"no address":       {store, exec, func(c *server.Config) { c.Addr = "" }, "address is empty"},
		"no credentials":   {store, exec, func(c *server.Config) { c.WriteToken = "" }, "no credentials"},
		"short token":      {store, exec, func(c *server.Config) { c.WriteToken = "secret" }, "at least 16"},
		"token with space": {store, exec, func(c *server.Config) { c.WriteToken = "0123456789 abcdef" }, "spaces"},
		"negative limit":   {store, exec, func(c *server.Config) { c.MaxBodyBytes = -1 }, "negative"},
		"negative timeout": {store, exec, func(c *server.Config) { c.ShutdownTimeout = -1 }, "negative"},
	} {
		cfg := good
		c.cfg(&cfg)
		if _, err := server.New(c.store, c.exec, cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one saying %q", name, err, c.want)
		}
	}
	srv, err := server.New(store, exec, good)
	if err != nil {
		t.Fatalf("good config: %v", err)
	}
	if srv.Addr() != good.Addr {
		t.Errorf("Addr before listening = %q, want the configured %q", srv.Addr(), good.Addr)
	}
}

func TestHealthzFailsWithTheStore(t *testing.T) {
	store := openBolt(t)
	logs := &lockedBuffer{}
	srv, err := server.New(store, newExecutor(t, store), server.Config{
		Addr: "127.0.0.1:0", WriteToken: testToken,
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	get := func() *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/healthz", nil))
		return rec
	}
	if rec := get(); rec.Code != http.StatusOK {
		t.Fatalf("open store: %d %s", rec.Code, rec.Body)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	rec := get()
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `"unavailable"`) {
		t.Fatalf("closed store: %d %s, want 503", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "health check") {
		t.Errorf("the failure was not logged: %s", logs)
	}
}

func TestPanicIsLoggedAndAnswered500(t *testing.T) {
	store := openBolt(t)
	logs := &lockedBuffer{}
	srv, err := server.New(store, newExecutor(t, store), server.Config{
		Addr: "127.0.0.1:0", WriteToken: testToken,
		Logger: slog.New(slog.NewJSONHandler(logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.Engine().GET("/test/panic/:format", func(c *gin.Context) { panic("exporter broke on " + c.Param("format")) })
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/test/panic/gexf", nil))
	var body struct {
		Errors []struct {
			Message    string
			Extensions map[string]string
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusInternalServerError ||
		len(body.Errors) != 1 || body.Errors[0].Extensions["code"] != graph.EINTERNAL {
		t.Fatalf("got %d %s (%v), want 500 INTERNAL", rec.Code, rec.Body, err)
	}
	if strings.Contains(rec.Body.String(), "exporter broke") {
		t.Error("the panic's details leaked into the answer")
	}
	if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Error("added routes must get the security headers")
	}
	if !bytes.Contains([]byte(logs.String()), []byte("exporter broke on gexf")) || !strings.Contains(logs.String(), `"status":500`) {
		t.Errorf("panic or request not logged: %s", logs)
	}
}

func TestListenAndServeReportsListenErrors(t *testing.T) {
	store := openBolt(t)
	exec := newExecutor(t, store)
	first, err := server.New(store, exec, server.Config{Addr: "127.0.0.1:0", WriteToken: testToken})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- first.ListenAndServe(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("first server: %v", err)
		}
	}()
	<-first.Ready()

	// The same address again: the port is taken.
	second, err := server.New(store, exec, server.Config{Addr: first.Addr(), WriteToken: testToken})
	if err != nil {
		t.Fatal(err)
	}
	err = second.ListenAndServe(t.Context())
	if err == nil || !strings.Contains(err.Error(), first.Addr()) {
		t.Fatalf("err = %v, want a listen error naming %s", err, first.Addr())
	}
	select {
	case <-second.Ready():
		t.Error("Ready closed although listening failed")
	default:
	}
	if err := first.ListenAndServe(ctx); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("second ListenAndServe on one server: err = %v", err)
	}
}
