package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// An unknown relation type in /export is answered with the valid ones.
func TestExportUnknownTypeListsTheTypes(t *testing.T) {
	_, h := fixtureHandler(t)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/export/nodelink?types=WARNED,SCOLDED", nil))
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
