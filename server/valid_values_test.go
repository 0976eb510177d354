package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/resolvers"
	"github.com/dossiergraph/dossier/server"
)

// An unknown relation type in /export is answered with the valid ones.
func TestExportUnknownTypeListsTheTypes(t *testing.T) {
	store, err := bolt.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	exec, err := resolvers.New(store, resolvers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(store, exec, server.Config{Addr: "127.0.0.1:0", WriteToken: testToken})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/export/nodelink?types=WARNED,SCOLDED", nil))
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != http.StatusBadRequest || !strings.Contains(string(body), `SCOLDED`) {
		t.Fatalf("unknown type: %d %s", rec.Code, body)
	}
	for _, typ := range graph.RelationTypes {
		if !strings.Contains(string(body), string(typ)) {
			t.Errorf("the error does not list %s: %s", typ, body)
		}
	}
}
