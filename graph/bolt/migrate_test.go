package bolt

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"go.etcd.io/bbolt"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/graphtest"
)

// TestOpenConvertsSchema1 opens a store written by the JSON-valued schema 1 (the
// conformance fixture, applied in one batch), and checks that
// Open converts it to the binary schema keeping every record and the change log.
func TestOpenConvertsSchema1(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	in, err := os.Open(filepath.Join("testdata", "schema1.db.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatalf("open a schema 1 store: %v", err)
	}
	defer s.Close()
	want, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer want.Close()
	if _, err := want.Apply(ctx, graphtest.Fixture()); err != nil {
		t.Fatal(err)
	}
	if len(s.st.entities) == 0 || !reflect.DeepEqual(s.st.entities, want.st.entities) {
		t.Errorf("converted entities = %v\nwant %v", s.st.entities, want.st.entities)
	}
	if len(s.st.articles) == 0 || !reflect.DeepEqual(s.st.articles, want.st.articles) {
		t.Errorf("converted articles = %v\nwant %v", s.st.articles, want.st.articles)
	}
	if len(s.st.rels) != len(want.st.rels) || len(s.st.rels) == 0 {
		t.Errorf("converted store holds %d relationships, want %d", len(s.st.rels), len(want.st.rels))
	}
	for id, r := range want.st.rels {
		if got, ok := s.st.rels[id]; !ok || !reflect.DeepEqual(*got, *r) {
			t.Errorf("converted relationship %s = %+v, want %+v", id, got, r)
		}
	}
	// The change log is JSON in both schemas: its one entry, the fixture's batch, reads back.
	page, err := s.Changes(ctx, graph.ChangeQuery{})
	if err != nil {
		t.Fatal(err)
	}
	f := graphtest.Fixture()
	if n := len(f.Entities) + len(f.Articles) + len(f.Relationships); len(page.Changes) != 1 || len(page.Changes[0].Records) != n {
		t.Errorf("change log after conversion holds %d entries, want 1 of %d records", len(page.Changes), n)
	} else {
		var e graph.Entity
		rc := page.Changes[0].Records[0]
		if err := json.Unmarshal(rc.After, &e); err != nil || !reflect.DeepEqual(e, want.st.entities[rc.ID]) {
			t.Errorf("logged entity %s = %+v, %v; want %+v", rc.ID, e, err, want.st.entities[rc.ID])
		}
	}
	if err := s.db.View(func(tx *bbolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keySchema); string(v) != schemaVersion {
			t.Errorf("schema after conversion = %q, want %q", v, schemaVersion)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
