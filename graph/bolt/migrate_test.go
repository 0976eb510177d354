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
	if got, wantArticles := viewOf(s.st).Articles, viewOf(want.st).Articles; len(got) == 0 || !reflect.DeepEqual(got, wantArticles) {
		t.Errorf("converted articles = %v\nwant %v", got, wantArticles)
	}
	if len(s.st.order) != len(want.st.order) || len(s.st.order) == 0 {
		t.Errorf("converted store holds %d relationships, want %d", len(s.st.order), len(want.st.order))
	}
	for _, r := range want.st.allRelationships() {
		if got, ok := s.st.relationship(r.ID); !ok || !reflect.DeepEqual(got, r) {
			t.Errorf("converted relationship %s = %+v, want %+v", r.ID, got, r)
		}
	}
	// The log's entry from before, a JSON document, reads back beside the binary ones after.
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
	checkMixedHistory(t, s, page.Changes[0])
	if err := s.db.View(func(tx *bbolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keySchema); string(v) != schemaVersion {
			t.Errorf("schema after conversion = %q, want %q", v, schemaVersion)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// checkMixedHistory changes a record that old, a JSON entry, changed, and checks that the
// record's history reads both entries, the new binary one with the record's JSON as the
// store returns it.
func checkMixedHistory(t *testing.T, s *Store, old graph.LogEntry) {
	t.Helper()
	ctx := t.Context()
	rc := old.Records[0]
	var e graph.Entity
	if err := json.Unmarshal(rc.After, &e); err != nil {
		t.Fatal(err)
	}
	e.Role = "changed after the conversion"
	if _, err := s.Apply(ctx, graph.Batch{Change: graph.Change{Actor: "tester", Operation: "edit"}, Entities: []graph.Entity{e}}); err != nil {
		t.Fatal(err)
	}
	page, err := s.Changes(ctx, graph.ChangeQuery{Record: rc.Record, ID: rc.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Changes) != 2 || page.Changes[0].Seq != old.Seq || page.Changes[1].Seq != old.Seq+1 {
		t.Fatalf("history of %s after one more change = %+v, want entries %d and %d", rc.ID, page.Changes, old.Seq, old.Seq+1)
	}
	got := page.Changes[1]
	stored, err := s.Entity(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantAfter, _ := json.Marshal(stored)
	if got.Actor != "tester" || got.Operation != "edit" || got.Time.Before(old.Time) || len(got.Records) != 1 ||
		string(got.Records[0].Before) != string(rc.After) || string(got.Records[0].After) != string(wantAfter) {
		t.Errorf("binary entry = %+v\nwant tester's edit of %s from %s to %s", got, rc.ID, rc.After, wantAfter)
	}
	since, err := s.Changes(ctx, graph.ChangeQuery{Since: got.Time})
	if err != nil || len(since.Changes) == 0 || since.Changes[0].Seq > got.Seq {
		t.Errorf("changes since the binary entry's time = %+v, %v; want it among them", since.Changes, err)
	}
}
