package extract_test

import (
	"testing"
	"unicode/utf8"

	"github.com/dossiergraph/dossier/extract"
	"github.com/dossiergraph/dossier/graph"
)

// FuzzExtract runs the extractor's entry point on any text: it never panics, refuses text it
// cannot take with BAD_INPUT, and every relationship it finds joins entities it reports,
// with evidence that is a span of the text.
func FuzzExtract(f *testing.F) {
	x, err := extract.NewWithOptions(extract.Options{MaxBytes: 64 << 10})
	if err != nil {
		f.Fatal(err)
	}
	gaz := extract.NewGazetteer([]graph.Entity{
		{ID: "mexico", Kind: graph.Government, Name: "Mexico"},
		{ID: "united-states", Kind: graph.Government, Name: "United States", Aliases: []string{"Washington"}},
	})
	f.Fuzz(func(t *testing.T, text string) {
		res, err := x.Extract(t.Context(), extract.Document{Text: text, Published: "2024-05"}, gaz)
		if err != nil {
			if graph.ErrorCode(err) != graph.EINVALID {
				t.Fatalf("error %v has code %s, want %s", err, graph.ErrorCode(err), graph.EINVALID)
			}
			return
		}
		if !utf8.ValidString(text) {
			t.Fatal("accepted invalid UTF-8")
		}
		ids := map[string]bool{}
		for _, e := range res.Entities {
			if err := graph.ValidateID("entity id", e.ID); err != nil || !e.Kind.Valid() {
				t.Fatalf("entity %+v: %v", e, err)
			}
			ids[e.ID] = true
		}
		for _, r := range res.Relationships {
			if !r.Type.Valid() || !ids[r.From] || (r.To != nil && !ids[*r.To]) || !r.Date.Valid() {
				t.Fatalf("relationship %+v joins entities it does not report, or is malformed", r)
			}
			for _, sp := range r.Evidence {
				if sp.Start < 0 || sp.End > len(text) || sp.Start >= sp.End || text[sp.Start:sp.End] != sp.Text {
					t.Fatalf("evidence %+v is not a span of the text (%d bytes)", sp, len(text))
				}
			}
		}
	})
}
