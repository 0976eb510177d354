package bolt

import (
	"strings"
	"testing"

	"go.etcd.io/bbolt"

	"github.com/dossiergraph/dossier/graph"
)

// TestFailedCommitLeavesMemory makes every commit fail, by swapping the file for a
// read-only handle, and checks that no write shows in memory.
func TestFailedCommitLeavesMemory(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := graph.NewWriter(s).CreateEntity(ctx, graph.Entity{ID: "kept", Kind: graph.Outlet, Name: "Kept"}); err != nil {
		t.Fatal(err)
	}
	before, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.Close(); err != nil {
		t.Fatal(err)
	}
	readOnly, err := bbolt.Open(s.path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: lockTimeout})
	if err != nil {
		t.Fatal(err)
	}
	s.db = readOnly
	defer s.Close()

	name := "Renamed"
	writes := map[string]error{}
	_, writes["CreateEntity"] = graph.NewWriter(s).CreateEntity(ctx, graph.Entity{ID: "lost", Kind: graph.Person, Name: "Lost"})
	_, writes["UpdateEntity"] = graph.NewWriter(s).UpdateEntity(ctx, "kept", graph.EntityPatch{Name: &name})
	_, writes["Apply"] = s.Apply(ctx, graph.Batch{
		Entities: []graph.Entity{{ID: "lost-too", Kind: graph.Person, Name: "Lost too"}},
		Articles: []graph.Article{{ID: "lost-article", Title: "Lost", Outlet: "kept"}},
	})
	writes["DeleteEntity"] = graph.NewWriter(s).DeleteEntity(ctx, "kept")
	for op, err := range writes {
		if err == nil {
			t.Errorf("%s succeeded on a read-only file", op)
		} else if graph.ErrorCode(err) != graph.EINTERNAL {
			t.Errorf("%s: error %v has code %s, want %s", op, err, graph.ErrorCode(err), graph.EINTERNAL)
		}
	}
	after, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Entities != before.Entities || after.Articles != before.Articles {
		t.Errorf("failed commits changed memory: %+v, before %+v", after, before)
	}
	if e, err := s.Entity(ctx, "kept"); err != nil || e.Name != "Kept" {
		t.Errorf("entity after failed update and delete = %+v, %v", e, err)
	}
	if found, _ := s.SearchEntities(ctx, graph.SearchQuery{Text: "lost"}); len(found) != 0 {
		t.Errorf("search finds entities whose commit failed: %v", found)
	}
}

// TestOpenRefusesForeignFiles checks that Open names the problem with a file of another
// schema version or with an undecodable record, instead of serving a partial graph.
func TestOpenRefusesForeignFiles(t *testing.T) {
	cases := map[string]struct {
		bucket, key, value []byte
		want               string
	}{
		"other schema":  {bucketMeta, keySchema, []byte("99"), `schema version is "99"`},
		"broken record": {bucketEntities, []byte("x"), []byte("{not json"), `decode entities "x"`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := Open(t.Context(), dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(c.bucket).Put(c.key, c.value) }); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(t.Context(), dir); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Open = %v, want an error saying %s", err, c.want)
			}
			// The failed Open released the file.
			if s, err := bbolt.Open(s.path, 0o600, &bbolt.Options{Timeout: lockTimeout}); err != nil {
				t.Errorf("file still locked after a failed Open: %v", err)
			} else {
				_ = s.Close()
			}
		})
	}
}
