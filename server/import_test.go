package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

func (ls *liveServer) postImport(t *testing.T, path, body, token string) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, ls.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/csv")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return ls.do(t, req)
}

// POST /import/:format writes with the token only, within the body limit, all or nothing.
func TestImportRoute(t *testing.T) {
	ls := startServer(t, openBoltStore)
	ctx := t.Context()
	count := func() graph.Stats {
		st, err := ls.store.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	before := count()
	sheet := "from,type,to,outlet,title\nWashington,warned,Mexico,NYT,Another warning\n"

	r := ls.postImport(t, "/import/sheet", sheet, "")
	wantStatus(t, r, http.StatusUnauthorized, "UNAUTHENTICATED")
	if r.header.Get("WWW-Authenticate") == "" {
		t.Error("a 401 without WWW-Authenticate")
	}
	wantStatus(t, ls.postImport(t, "/import/sheet", sheet, "wrong-token-0123456789"), http.StatusUnauthorized, "INVALID_TOKEN")
	wantStatus(t, ls.postImport(t, "/import/gexf", sheet, testToken), http.StatusNotFound, "NOT_FOUND")
	wantStatus(t, ls.postImport(t, "/import/sheet?dryRun=perhaps", sheet, testToken), http.StatusBadRequest, "BAD_REQUEST")
	wantStatus(t, ls.postImport(t, "/import/sheet", sheet+strings.Repeat("x", 20<<10), testToken), http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE")
	if got := count(); got.Relationships != before.Relationships {
		t.Fatalf("refused imports wrote: %+v → %+v", before, got)
	}

	r = ls.postImport(t, "/import/sheet", "from,type,to\nWashington,WARNS,Mexico\n", testToken)
	wantStatus(t, r, http.StatusBadRequest, graph.EINVALID)
	var problems struct {
		Errors []struct {
			Extensions struct {
				Problems []struct {
					Line    int    `json:"line"`
					Column  string `json:"column"`
					Message string `json:"message"`
				} `json:"problems"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(r.raw, &problems); err != nil || len(problems.Errors) != 1 || len(problems.Errors[0].Extensions.Problems) != 1 {
		t.Fatalf("a bad sheet must list its problems: %s", r.raw)
	}
	if p := problems.Errors[0].Extensions.Problems[0]; p.Line != 2 || p.Column != "type" || !strings.Contains(p.Message, "WARNED") {
		t.Errorf("problem %+v", p)
	}

	r = ls.postImport(t, "/import/sheet?dryRun=true", sheet, testToken)
	wantStatus(t, r, http.StatusOK, "")
	if got := count(); got.Relationships != before.Relationships {
		t.Fatalf("a dry run wrote: %+v → %+v", before, got)
	}
	r = ls.postImport(t, "/import/sheet", sheet, testToken)
	wantStatus(t, r, http.StatusOK, "")
	var answer struct {
		DryRun bool `json:"dryRun"`
		Result struct {
			RelationshipsCreated int `json:"relationshipsCreated"`
			ArticlesCreated      int `json:"articlesCreated"`
		} `json:"result"`
		Rows []struct {
			Line   int    `json:"line"`
			Action string `json:"action"`
			From   struct {
				ID string `json:"id"`
			} `json:"from"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(r.raw, &answer); err != nil {
		t.Fatal(err)
	}
	if answer.DryRun || answer.Result.RelationshipsCreated != 1 || answer.Result.ArticlesCreated != 1 ||
		len(answer.Rows) != 1 || answer.Rows[0].From.ID != "united-states" || answer.Rows[0].Action != "created" {
		t.Errorf("sheet import answered %s", r.raw)
	}
	if got := count(); got.Relationships != before.Relationships+1 || got.Articles != before.Articles+1 {
		t.Errorf("sheet import: %+v → %+v", before, got)
	}

	// A node-link export imports back, changing nothing.
	exp := ls.get(t, "/export/nodelink", map[string][]string{"includeNegated": {"true"}}, "")
	if exp.status != http.StatusOK {
		t.Fatalf("export: %d %s", exp.status, exp.raw)
	}
	r = ls.postImport(t, "/import/nodelink", string(exp.raw), testToken)
	wantStatus(t, r, http.StatusOK, "")
	if !bytes.Contains(r.raw, []byte(`"entitiesCreated":0`)) {
		t.Errorf("re-importing the export created entities: %s", r.raw)
	}
}
