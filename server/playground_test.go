package server

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/resolvers"
	"github.com/dossiergraph/dossier/seed"
)

// TestPlaygroundQueryRunsOnTheSeed keeps the playground's opening query in step with the
// schema and the seed: it must run without errors and find the story.
func TestPlaygroundQueryRunsOnTheSeed(t *testing.T) {
	ctx := t.Context()
	store, err := bolt.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := seed.Load(ctx, store, "seed.yaml", seed.Default()); err != nil {
		t.Fatalf("load seed: %v", err)
	}
	exec, err := resolvers.New(store, resolvers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := exec.Execute(ctx, resolvers.Request{Query: playgroundQuery, ReadOnly: true})
	if len(res.Errors) > 0 {
		t.Fatalf("playground query fails: %v", res.Errors)
	}
	data, _ := res.Data.(map[string]any)
	entity, _ := data["entity"].(map[string]any)
	rels, _ := entity["relationships"].(map[string]any)
	if n, _ := rels["totalCount"].(int); n == 0 {
		t.Fatalf("the playground query finds no relationships in the seed: %v", res.Data)
	}
}

func TestPlaygroundPageAndPolicy(t *testing.T) {
	p, err := newPlayground(playgroundAssetList, "")
	if err != nil {
		t.Fatal(err)
	}
	page := string(p.page)
	if strings.Count(page, "<script>") != 1 {
		t.Fatal("want exactly one inline script")
	}
	// The inline script's hash in the policy must be that of the script on the page, or
	// browsers refuse to run it.
	start := strings.Index(page, "<script>") + len("<script>")
	script := page[start : start+strings.Index(page[start:], "</script>")]
	if strings.Contains(script, "DEFAULT_QUERY") || !strings.Contains(script, "SeedStory") {
		t.Error("the default query was not put into the script")
	}
	if !strings.Contains(p.csp, "'"+sha256Source(script)+"'") {
		t.Errorf("policy %q lacks the script's hash", p.csp)
	}
	if strings.Contains(p.csp, "'self'") && !strings.Contains(p.csp, "connect-src 'self'") {
		t.Errorf("the CDN page's policy allows this server's scripts: %q", p.csp)
	}
	assets, err := parsePlaygroundAssets(playgroundAssetList)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range assets {
		url := playgroundCDN + a.rel()
		if !strings.Contains(page, url) || !strings.Contains(page, a.integrity) || !strings.Contains(p.csp, url) {
			t.Errorf("asset %s is not on the page with its hash and in the policy", url)
		}
		if !strings.Contains(a.pkg, "@") {
			t.Errorf("asset %s has no pinned version", url)
		}
	}
}

// writeAssets lays out files as scripts/playground-assets does and returns their list.
func writeAssets(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	var list strings.Builder
	for _, rel := range slices.Sorted(maps.Keys(files)) {
		name := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(files[rel]), 0o644); err != nil {
			t.Fatal(err)
		}
		pkg, file, _ := strings.Cut(rel, "/")
		fmt.Fprintf(&list, "%s %s %s\n", pkg, file, sha384Integrity([]byte(files[rel])))
	}
	return list.String()
}

// With local assets the page points at this server, the policy allows exactly 'self' (and
// no CDN), and the files are served with their types.
func TestPlaygroundServesLocalAssets(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"lib@1.2.3/umd/lib.min.js": "window.lib = 1;",
		"ui@4.5.6/ui.min.css":      "body { color: red }",
	}
	list := writeAssets(t, dir, files)
	p, err := newPlayground(list, dir)
	if err != nil {
		t.Fatal(err)
	}
	page := string(p.page)
	for rel, body := range files {
		if !strings.Contains(page, `"`+playgroundAssetsPath+rel+`" integrity="`+sha384Integrity([]byte(body))+`"`) {
			t.Errorf("page does not load %s locally with its hash:\n%s", rel, page)
		}
	}
	if strings.Contains(page, playgroundCDN) || strings.Contains(p.csp, "https:") {
		t.Errorf("local page still names the CDN: %q", p.csp)
	}
	for _, want := range []string{"script-src 'sha256-", " 'self'; style-src 'unsafe-inline' 'self';"} {
		if !strings.Contains(p.csp, want) {
			t.Errorf("policy %q lacks %q", p.csp, want)
		}
	}

	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.GET(playgroundAssetsPath+"*file", p.serveAsset)
	for rel, wantType := range map[string]string{"lib@1.2.3/umd/lib.min.js": "text/javascript", "ui@4.5.6/ui.min.css": "text/css"} {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, playgroundAssetsPath+rel, nil))
		if rec.Code != http.StatusOK || rec.Body.String() != files[rel] || !strings.HasPrefix(rec.Header().Get("Content-Type"), wantType) {
			t.Errorf("GET %s: %d %q %q", rel, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
		}
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, playgroundAssetsPath+"lib@1.2.3/../../server.go", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("a path outside the list: %d", rec.Code)
	}
}

// A folder that is incomplete or holds other files than the pinned ones is refused at
// start-up, with the file and the command that fixes it.
func TestPlaygroundRefusesBadAssets(t *testing.T) {
	dir := t.TempDir()
	list := writeAssets(t, dir, map[string]string{"lib@1.2.3/lib.js": "good"})
	if err := os.WriteFile(filepath.Join(dir, "lib@1.2.3", "lib.js"), []byte("tampered"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := newPlayground(list, dir)
	if err == nil || !strings.Contains(err.Error(), "lib@1.2.3/lib.js has hash") || !strings.Contains(err.Error(), "scripts/playground-assets") {
		t.Errorf("tampered file: %v", err)
	}
	_, err = newPlayground(list, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "lib@1.2.3/lib.js is missing") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := parsePlaygroundAssets("lib 1.0 sha384-x\n"); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("malformed list: %v", err)
	}
}
