package seed

import (
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// FuzzParse checks the seed loader's parser on any file: it never panics, refuses with a
// BAD_INPUT error that names the file, and what it accepts is a self-contained batch whose
// every item is valid.
func FuzzParse(f *testing.F) {
	f.Add(Default())
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse("fuzz.yaml", data)
		if err != nil {
			if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("error %q (code %s) must be BAD_INPUT and name the file", err, graph.ErrorCode(err))
			}
			return
		}
		entities := map[string]bool{}
		for _, e := range b.Entities {
			if err := e.Validate(); err != nil {
				t.Fatalf("accepted an invalid entity: %v", err)
			}
			entities[e.ID] = true
		}
		articles := map[string]bool{}
		for _, a := range b.Articles {
			if err := a.Validate(); err != nil || !entities[a.Outlet] {
				t.Fatalf("accepted article %q (outlet %q): %v", a.ID, a.Outlet, err)
			}
			articles[a.ID] = true
		}
		for _, r := range b.Relationships {
			if err := r.Validate(); err != nil {
				t.Fatalf("accepted an invalid relationship: %v", err)
			}
			if !entities[r.From] || (r.To != "" && !entities[r.To]) || len(r.Evidence) == 0 {
				t.Fatalf("relationship %q refers outside the file or cites nothing", r.ID)
			}
			for _, ev := range r.Evidence {
				if !articles[ev.Article] {
					t.Fatalf("relationship %q cites unknown article %q", r.ID, ev.Article)
				}
			}
		}
	})
}
