package extract

import (
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

func TestGuessKind(t *testing.T) {
	for name, want := range map[string]graph.Kind{
		"Ministry of the Interior of Ruritania": graph.Agency,
		"Ruritanian Intelligence Service":       graph.Agency,
		"The Ruritania Daily Star":              graph.Outlet,
		"Workers' Party":                        graph.Group,
		"Jane Roe":                              graph.Person,
		"":                                      graph.Person,
	} {
		if got := GuessKind(name); got != want {
			t.Errorf("GuessKind(%q) = %s, want %s", name, got, want)
		}
	}
}
