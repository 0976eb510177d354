package bolt

import (
	"context"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/synth"
)

// Scans copy the store out in chunks; these tests cross many chunk boundaries.
func TestScanAcrossChunks(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := synth.Load(ctx, s, synth.Config{Seed: 7, Entities: 5 * scanChunk, Relationships: 12 * scanChunk}); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}

	var prev string
	n := 0
	if err := s.ScanEntities(ctx, func(e graph.Entity) error {
		if e.ID <= prev {
			t.Fatalf("entities out of order: %q after %q", e.ID, prev)
		}
		prev, n = e.ID, n+1
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n != st.Entities {
		t.Errorf("ScanEntities saw %d entities, the store holds %d", n, st.Entities)
	}

	for _, q := range []graph.RelationshipQuery{
		{RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}},
		{RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{graph.Arrested}}},
		{RelationshipFilter: graph.RelationshipFilter{MinSources: 3, Since: "2020"}},
	} {
		page, err := s.ListRelationships(ctx, graph.RelationshipQuery{RelationshipFilter: q.RelationshipFilter, Page: graph.Page{First: 1}})
		if err != nil {
			t.Fatal(err)
		}
		n, prev = 0, ""
		if err := s.ScanRelationships(ctx, q, func(r graph.Relationship) error {
			if r.ID <= prev || !q.Match(r) {
				t.Fatalf("relationship %s out of order or not matching %+v", r.ID, q.RelationshipFilter)
			}
			prev, n = r.ID, n+1
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if n != page.TotalCount {
			t.Errorf("%+v: scan saw %d relationships, the list counts %d", q.RelationshipFilter, n, page.TotalCount)
		}
	}
}

// A scan's callback runs outside the lock, so it may write; later chunks see the write.
func TestScanCallbackMayWrite(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := synth.Load(ctx, s, synth.Config{Seed: 3, Entities: 3 * scanChunk, Relationships: 3 * scanChunk}); err != nil {
		t.Fatal(err)
	}
	var late bool
	wrote := false
	err = s.ScanEntities(ctx, func(e graph.Entity) error {
		if e.ID == "zzz-written-during-scan" {
			late = true
		}
		if !wrote {
			wrote = true
			_, err := graph.NewWriter(s).CreateEntity(ctx, graph.Entity{ID: "zzz-written-during-scan", Kind: graph.Group, Name: "Late"})
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !late {
		t.Error("an entity written during the scan, after its cursor, must be seen by a later chunk")
	}
}
