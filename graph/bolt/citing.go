package bolt

import "github.com/dossiergraph/dossier/graph"

// citedList returns the relationships whose ids are in cited (an article's list in the
// citing index), in the same id order. It costs the length of the list, not of the graph;
// the result is read under the read lock only.
func (st *state) citedList(cited []string) []*graph.Relationship {
	out := make([]*graph.Relationship, 0, len(cited))
	for _, id := range cited {
		if r, ok := st.relationship(id); ok {
			out = append(out, r)
		}
	}
	return out
}
