package server

import (
	"strings"
	"testing"

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
	p := newPlayground()
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
	for _, a := range playgroundAssets {
		if !strings.Contains(page, a.url) || !strings.Contains(page, a.integrity) || !strings.Contains(p.csp, a.url) {
			t.Errorf("asset %s is not on the page with its hash and in the policy", a.url)
		}
		if !strings.Contains(a.url, "@") {
			t.Errorf("asset %s has no pinned version", a.url)
		}
	}
}
