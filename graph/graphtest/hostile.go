package graphtest

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// hostileStrings are values that break stores which build queries by concatenation.
var hostileStrings = []string{
	`O'Brien "the" \ backslash`,
	"back`tick`",
	"}) MATCH (n) DETACH DELETE n //",
	"' OR 1=1 --",
	"$param {x: 1} \\u0000",
	"Ñandú 北京 Москва 🇲🇽 عربى",
	"line\nbreak\ttab",
	"<script>alert(1)</script>",
}

func (s suite) testHostile(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	before := snapshot(t, st)
	for i, h := range hostileStrings {
		id := fmt.Sprintf("hostile-%d", i)
		e := graph.Entity{ID: id, Kind: graph.Group, Name: h, Aliases: []string{h + " alias"}, Description: h, Country: h, Role: h}
		sameEntity(t, "hostile entity stored verbatim", must(st.CreateEntity(ctx, e))(t), e)
		sameEntity(t, "hostile entity read back", must(st.Entity(ctx, id))(t), e)
		r := graph.Relationship{ID: "r-" + id, Type: graph.Accused, From: id, To: usGov, Summary: h, DateText: h, Quantity: h,
			Evidence: []graph.Evidence{{Article: nyt1, Excerpt: h}}}
		want := r
		want.SourceCount = 1
		sameRel(t, "hostile relationship", must(st.CreateRelationship(ctx, r))(t), want)
		sameRel(t, "hostile relationship read back", must(st.Relationship(ctx, r.ID))(t), want)
		if graph.Fold(h) != "" {
			found := must(st.SearchEntities(ctx, graph.SearchQuery{Text: h, Limit: graph.MaxSearch}))(t)
			if !containsID(found, id) {
				t.Errorf("search for %q does not find the entity named so: %q", h, entityIDs(found))
			}
		}
		// Hostile text where an id goes is refused or not found; it never matches anything.
		_, err := st.Entity(ctx, h)
		wantCode(t, fmt.Sprintf("Entity(%q)", h), err, graph.EINVALID, graph.ENOTFOUND)
		_, err = st.ListRelationships(ctx, graph.RelationshipQuery{Entity: h})
		wantCode(t, fmt.Sprintf("ListRelationships(entity %q)", h), err, graph.EINVALID, graph.ENOTFOUND)
		_, err = st.Neighborhood(ctx, graph.NeighborhoodQuery{Center: h})
		wantCode(t, fmt.Sprintf("Neighborhood(%q)", h), err, graph.EINVALID, graph.ENOTFOUND)
		_, err = st.CreateEntity(ctx, graph.Entity{ID: h, Kind: graph.Person, Name: "x"})
		wantCode(t, fmt.Sprintf("CreateEntity(id %q)", h), err, graph.EINVALID)
		wantCode(t, fmt.Sprintf("DeleteEntity(%q)", h), st.DeleteEntity(ctx, h), graph.EINVALID, graph.ENOTFOUND)
	}
	// Very long values: refused whole, never truncated or half-written.
	long := strings.Repeat("é", graph.MaxTextLen+1)
	_, err := st.CreateEntity(ctx, graph.Entity{ID: "long", Kind: graph.Person, Name: "Long", Description: long})
	wantCode(t, "entity with a huge description", err, graph.EINVALID)
	_, err = st.CreateEntity(ctx, graph.Entity{ID: "long", Kind: graph.Person, Name: "Long", Description: long[:2*graph.MaxTextLen]})
	if err != nil {
		t.Errorf("entity with a description of exactly %d characters: %v", graph.MaxTextLen, err)
	}
	if e := must(st.Entity(ctx, "long"))(t); e.Description != long[:2*graph.MaxTextLen] {
		t.Errorf("long description not stored verbatim (%d bytes back)", len(e.Description))
	}
	// Nothing else changed.
	after := snapshot(t, st)
	for id, e := range before.entities {
		if !sameContent(after.entities[id], e) {
			t.Errorf("hostile writes changed entity %s", id)
		}
	}
	for id, r := range before.relationships {
		if !sameContent(after.relationships[id], r) {
			t.Errorf("hostile writes changed relationship %s", id)
		}
	}
	if len(after.entities) != len(before.entities)+len(hostileStrings)+1 {
		t.Errorf("%d entities after hostile writes, want %d", len(after.entities), len(before.entities)+len(hostileStrings)+1)
	}
}

func containsID(es []graph.Entity, id string) bool {
	for _, e := range es {
		if e.ID == id {
			return true
		}
	}
	return false
}

func sameContent[T any](a, b T) bool { return fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b) }

func (s suite) testConcurrency(t *testing.T) {
	st, ctx := s.withFixture(t), t.Context()
	const writers, perWriter, readers = 4, 15, 4
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter+readers*100)
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				id := fmt.Sprintf("w%d-%02d", w, i)
				b := graph.Batch{
					Entities: []graph.Entity{{ID: id, Kind: graph.Person, Name: "Writer " + id}},
					Relationships: []graph.Relationship{
						{ID: "r-" + id + "-a", Type: graph.Supported, From: id, To: usGov, Evidence: []graph.Evidence{{Article: nyt1}}},
						{ID: "r-" + id + "-b", Type: graph.Supported, From: id, To: mexicoGov},
					},
				}
				if _, err := st.Apply(ctx, b); err != nil {
					errs <- fmt.Errorf("writer %d: %w", w, err)
				}
			}
		})
	}
	for range readers {
		wg.Go(func() {
			for range 30 {
				// Batches add an entity with both of its relationships: a consistent read sees
				// an even number of "r-w" relationships and an entity for each pair.
				var n int
				err := st.ScanRelationships(ctx, graph.RelationshipQuery{RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{graph.Supported}}},
					func(graph.Relationship) error { n++; return nil })
				if err != nil {
					errs <- err
					return
				}
				if n%2 != 0 {
					errs <- fmt.Errorf("a read saw half a batch: %d relationships", n)
				}
				p, err := st.ListRelationships(ctx, graph.RelationshipQuery{To: usGov, Page: graph.Page{First: graph.MaxPageSize}})
				if err != nil {
					errs <- err
					return
				}
				for _, r := range p.Relationships {
					if _, err := st.Entity(ctx, r.From); err != nil {
						errs <- fmt.Errorf("relationship %s listed before its entity exists: %w", r.ID, err)
					}
				}
				if _, err := st.Neighborhood(ctx, graph.NeighborhoodQuery{Center: usGov, Depth: 2}); err != nil {
					errs <- err
				}
				if _, err := st.SearchEntities(ctx, graph.SearchQuery{Text: "writer"}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	stats := must(st.Stats(ctx))(t)
	f := Fixture()
	if stats.Entities != len(f.Entities)+writers*perWriter || stats.Relationships != len(f.Relationships)+2*writers*perWriter {
		t.Errorf("after concurrent writes: %+v, want %d entities and %d relationships", stats, len(f.Entities)+writers*perWriter, len(f.Relationships)+2*writers*perWriter)
	}
	if n := must(st.Relationship(ctx, "r-w0-00-a"))(t).SourceCount; n != 1 {
		t.Errorf("SourceCount of a concurrently written relationship = %d, want 1", n)
	}
}
