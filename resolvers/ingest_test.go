package resolvers

import (
	"context"
	"testing"
	"time"

	"github.com/dossiergraph/dossier/extract"
	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/ingest"
)

func TestIngestArticle(t *testing.T) {
	store := storyStore(t)
	x, err := extract.New()
	if err != nil {
		t.Fatal(err)
	}
	e := newTestExecutor(t, store, Options{Ingester: ingest.New(x, store)})
	const q = `mutation($in: IngestArticleInput!, $dry: Boolean) {
	  ingestArticle(input: $in, dryRun: $dry) {
	    dryRun articleId entitiesCreated relationshipsCreated relationshipsCorroborated
	    relationships { type from to negated excerpt }
	  }
	}`
	in := map[string]any{
		"title":       "Dutch expel a Russian spy",
		"outlet":      "The Wire",
		"publishedAt": "2023-06-02",
		"text":        "The Netherlands expelled a Russian intelligence officer on Tuesday. Mexico refused to expel the Russian officers.",
	}
	before, err := store.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	dry := do(t, e, Request{Query: q, Variables: map[string]any{"in": in, "dry": true}, CanWrite: true})
	if len(dry.Errors) > 0 {
		t.Fatalf("dry run: %+v", dry.Errors)
	}
	rels, _ := path(dry.Data, "ingestArticle", "relationships").([]any)
	if path(dry.Data, "ingestArticle", "dryRun") != true || len(rels) == 0 {
		t.Fatalf("dry run should report relationships: %v", dry.Data)
	}
	var negatedExpulsion bool
	for _, r := range rels {
		rel := r.(map[string]any)
		if rel["type"] == string(graph.Expelled) && rel["from"] == idMexico {
			negatedExpulsion = rel["negated"] == true
		}
		if rel["excerpt"] == nil {
			t.Errorf("relationship without its sentence: %v", rel)
		}
	}
	if !negatedExpulsion {
		t.Errorf("Mexico's refusal must come back as a negated EXPELLED: %v", rels)
	}
	if after, _ := store.Stats(context.Background()); after.Relationships != before.Relationships || after.Articles != before.Articles {
		t.Fatalf("a dry run wrote: %+v → %+v", before, after)
	}

	wet := do(t, e, Request{Query: q, Variables: map[string]any{"in": in}, CanWrite: true})
	if len(wet.Errors) > 0 {
		t.Fatalf("ingest: %+v", wet.Errors)
	}
	id, _ := path(wet.Data, "ingestArticle", "articleId").(string)
	if _, err := store.Article(context.Background(), id); err != nil {
		t.Fatalf("ingested article %q not stored: %v", id, err)
	}

	wantCode(t, e, Request{Query: q, Variables: map[string]any{"in": in}}, CodeUnauthenticated)
	bad := map[string]any{"title": "t", "outlet": "The Wire", "text": "   "}
	wantCode(t, e, Request{Query: q, Variables: map[string]any{"in": bad}, CanWrite: true}, graph.EINVALID)
}

func TestIngestArticleDisabled(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	in := map[string]any{"title": "t", "outlet": "The Wire", "text": "Mexico warned Russia."}
	wantCode(t, e, Request{Query: `mutation($in: IngestArticleInput!) { ingestArticle(input: $in) { articleId } }`,
		Variables: map[string]any{"in": in}, CanWrite: true}, graph.EINVALID)
}

// TestIngestionTakesTheLongTimeout runs ingestArticle under a query timeout no request can
// meet: it has the long one, while a query on the same executor stops at its deadline.
func TestIngestionTakesTheLongTimeout(t *testing.T) {
	store := storyStore(t)
	x, err := extract.New()
	if err != nil {
		t.Fatal(err)
	}
	e := newTestExecutor(t, store, Options{Ingester: ingest.New(x, store), Timeout: time.Nanosecond})
	wantCode(t, e, Request{Query: `{ stats { entities } }`}, CodeRequestTimeout)
	r := do(t, e, Request{CanWrite: true, Query: `mutation($in: IngestArticleInput!) { ingestArticle(input: $in, dryRun: true) { dryRun } }`,
		Variables: map[string]any{"in": map[string]any{"title": "T", "outlet": "The Wire", "text": "Mexico refused to expel the Russian officers."}}})
	if len(r.Errors) > 0 || path(r.Data, "ingestArticle", "dryRun") != true {
		t.Fatalf("ingestion under the long timeout: %+v %v", r.Errors, r.Data)
	}
}
