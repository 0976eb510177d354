package bolt

import (
	"context"
	"slices"
	"strings"

	"github.com/dossiergraph/dossier/graph"
)

// The state keeps every dated relationship in timeline order (graph.TimelineKey) in
// state.dated, so that a page of the whole graph's timeline costs its page and the
// relationships its filter skips, not a sort of every relationship.

// buildDated returns the dated relationships of rels in timeline order.
func buildDated(rels []*graph.Relationship) []*graph.Relationship {
	type keyed struct {
		key string // computed once, not at every comparison
		r   *graph.Relationship
	}
	var found []keyed
	for _, r := range rels {
		if r.Date != "" {
			found = append(found, keyed{graph.TimelineKey(r), r})
		}
	}
	slices.SortFunc(found, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	out := make([]*graph.Relationship, len(found))
	for i, k := range found {
		out[i] = k.r
	}
	return out
}

// moveDated records in c that a write replaced old (nil: none) by r (nil: a deletion).
func moveDated(c *listChanges[*graph.Relationship], old, r *graph.Relationship) {
	if old != nil && old.Date != "" {
		c.remove(graph.TimelineKey(old))
	}
	if r != nil && r.Date != "" {
		c.add = append(c.add, r)
	}
}

// Timeline implements graph.RelationshipReader.
func (s *Store) Timeline(ctx context.Context, q graph.TimelineQuery) ([]graph.Relationship, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	out := []graph.Relationship{} // an empty page is a list, as on Neo4j
	err := s.read(ctx, func(st *state) error {
		list := st.dated
		if q.Entity != "" {
			if _, ok := st.entities[q.Entity]; !ok {
				return graph.Errorf(graph.ENOTFOUND, "timeline entity %q does not exist", q.Entity)
			}
			// An entity's list is bounded by its degree: sorting it costs no more than reading it.
			list = entityDated(st.touch[q.Entity])
		}
		start := 0
		if q.Page.After != "" {
			r, ok := st.rels[q.Page.After]
			if !ok || r.Date == "" {
				return graph.Errorf(graph.ENOTFOUND, "timeline after %q: no dated relationship has that id", graph.Clip(q.Page.After))
			}
			start = after(list, graph.TimelineKey(r), graph.TimelineKey)
		}
		last := "" // the filter's latest start: past it, nothing in the list overlaps until
		if q.Until != "" {
			last = q.Until.End()
		}
		for _, r := range list[start:] {
			if len(out) == q.Page.First || last != "" && r.Date.Start() > last {
				break
			}
			if q.RelationshipFilter.Match(*r) {
				out = append(out, cloneRelationship(r))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// entityDated returns the dated relationships of a touch list in timeline order.
func entityDated(edges []edge) []*graph.Relationship {
	rels := make([]*graph.Relationship, len(edges))
	for i, e := range edges {
		rels[i] = e.r
	}
	return buildDated(rels)
}
