package extract

import (
	"strings"

	"github.com/dossiergraph/dossier/graph"
)

// GuessKind types a bare name by the cue words extraction types new names with: outlets and
// groups by their last word ("The Daily Star", "Workers' Party"), agencies by any ("Ministry
// of the Interior"); any other name is taken for a person's. Callers that read names
// without a text around them (a spreadsheet's cells) use it to type the names they create.
func GuessKind(name string) graph.Kind {
	words := strings.Fields(name)
	if len(words) == 0 {
		return graph.Person
	}
	run := make([]token, len(words))
	for i, w := range words {
		run[i] = token{text: w, fold: foldWord(strings.Trim(w, ",.;:'’\""))}
	}
	if k, ok := orgKind(run, run[len(run)-1].fold); ok {
		return k
	}
	return graph.Person
}
