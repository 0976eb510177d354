package extract

import (
	"context"
	"slices"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/jdkato/prose/v3"
)

// warnedTuples renders the WARNED relations of text as gold lines, sorted.
func warnedTuples(t *testing.T, x *Extractor, text string) []string {
	t.Helper()
	var got []string
	for _, r := range extractText(t, x, text, "2026-11-20").Relationships {
		if r.Type == graph.Warned && !slices.Contains(got, tuple(r)) {
			got = append(got, tuple(r))
		}
	}
	slices.Sort(got)
	return got
}

func TestWarningConstructions(t *testing.T) {
	x := newTestExtractor(t)
	cases := []struct {
		name, text string
		want       []string
	}{
		{"threat with target after on", "Brazil threatened to impose tariffs on Paraguay over the bridge.", []string{"brazil WARNED paraguay"}},
		{"threat with direct target", "Brazil threatened to punish Paraguay for the blockade.", []string{"brazil WARNED paraguay"}},
		{"threat with no target", "Chile threatened to cut gas supplies to Argentina.", []string{"chile WARNED -"}},
		{"threatened expulsion is no warning", "Chile threatened to expel the Bolivian ambassador.", nil},
		{"will not hesitate", "Colombia said it would not hesitate to impose sanctions on Venezuela.", []string{"colombia WARNED venezuela"}},
		{"will not hesitate, shared subject", "Chile condemns the raids and will not hesitate to impose sanctions on Peru.", []string{"chile WARNED peru"}},
		{"did not hesitate acts", "Colombia did not hesitate to use force against Venezuela.", nil},
		{"urged against", "Chile urged Argentina against closing the mountain pass.", []string{"chile WARNED argentina"}},
		{"urged to is a request", "Chile urged Argentina to close the mountain pass.", nil},
		{"question", "Did Chile warn Bolivia about the floods?", nil},
		{"wh-question takes the act as given", "Why did Chile warn Bolivia about the floods?", []string{"chile WARNED bolivia"}},
		{"threat by no actor", "Chile's drought threatens to hit exports to Peru.", nil},
		{"threat by a state's president", "Chile's president threatened to impose tariffs on Peru.", []string{"chile WARNED peru"}},
		{"conjoined predicate under a saying", "Peru said Chile rejected the offer and warned Bolivia against any delay.", []string{"chile WARNED bolivia"}},
		{"modal", "Chile could warn Bolivia about the floods.", nil},
		{"officials of a state", "Chile raised concerns with officials of the Bolivian government.", []string{"chile WARNED bolivia"}},
		{"warned the leaders of", "Chile warned the leaders of Bolivia that the dam was unsafe.", []string{"chile WARNED bolivia"}},
		{"nominal to officials of", "Chile sent a warning to officials of the Bolivian government.", []string{"chile WARNED bolivia"}},
		{"an issue of a state is no addressee", "Chile raised concerns with the treatment of Bolivian prisoners.", []string{"chile WARNED -"}},
		{"speaker after the addressee", "Quito voiced concern to top members of the Peruvian government, Lasso said.", []string{"ecuador WARNED peru"}},
		{"conjoined predicate", "Chile welcomed Peru's offer and warned Bolivia against any delay.", []string{"chile WARNED bolivia"}},
		{"both after a pair", "Objections came from Uruguay and Paraguay. Both warned Brazil against the dam.", []string{"paraguay WARNED brazil", "uruguay WARNED brazil"}},
		{"they after two apart", "Peru and Ecuador met Colombian officials on Friday. They warned Bolivia about the treaty.", nil},
		{"they not the nearest name", "Chile signed the accord with Bolivia in Sucre, and they warned Peru against delays.", nil},
		{"they after a joined subject", "Chile and Bolivia signed the accord, and they warned Peru against delays.", []string{"bolivia WARNED peru", "chile WARNED peru"}},
		{"quoted we", "\"We warn the Bolivian authorities that the treaty is at risk,\" the Peruvian government said.", []string{"peru WARNED bolivia"}},
		{"quoted we, the statement said", "Peru said in a statement late on Friday that the talks were over. \"We warn Bolivia against any delay,\" the statement said.", []string{"peru WARNED bolivia"}},
		{"quoted we, statement of no one", "Peru met Chile on Monday. A statement came later. \"We warn Bolivia against any delay,\" the statement said.", nil},
		{"quoted we, no speaker", "\"We warn the Bolivian authorities that the treaty is at risk.\"", nil},
		{"heeded warning under a condition", "If Canada ignores Beijing's warning, China will respond in kind.", []string{"china WARNED canada"}},
		{"warning issued under a condition", "If Chile issues a warning to Bolivia, the talks will end.", nil},
		{"statement of concern", "The recall came after Norway's statement of concern about the jailing of two activists.", []string{"norway WARNED -"}},
		{"concern as a mere mention", "The talks went on amid concerns about the dam.", nil},
		{"repeated its warning that", "Argentina repeated its warning that the drought would cut grain exports.", []string{"argentina WARNED -"}},
		{"quoted concern", "Uruguay voiced \"grave concern\" to Brazil over the dam.", []string{"uruguay WARNED brazil"}},
		{"quoted concern, modal", "Uruguay said it would voice \"grave concern\" over the dam.", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := warnedTuples(t, x, c.text); !slices.Equal(got, c.want) {
				t.Errorf("%q:\n got %q\nwant %q", c.text, got, c.want)
			}
		})
	}
}

func TestIsQuestion(t *testing.T) {
	x := newTestExtractor(t)
	for text, want := range map[string]bool{
		"Will Chile warn Bolivia?":         true,
		"\"Will Chile warn Bolivia?\"":     true,
		"Chile warned Bolivia.":            false,
		"Chile asked whether it was safe.": false,
	} {
		d := newDocState(x, nil, Document{Text: text})
		for _, s := range splitForTest(t, d, text) {
			if got := isQuestion(&s); got != want {
				t.Errorf("isQuestion(%q) = %v, want %v", text, got, want)
			}
		}
	}
}

// splitForTest cuts text into sentences as Extract does.
func splitForTest(t *testing.T, d *docState, text string) []sentence {
	t.Helper()
	cuts, patched := segment(text)
	pd, err := prose.NewDocumentContext(context.Background(), patched, prose.WithExtraction(false))
	if err != nil {
		t.Fatal(err)
	}
	return d.split(pd, cuts)
}

// TestConveyedWarningIsWritten checks that a warning its subject issued to someone is
// written at the default threshold, while one merely named ("Oslo's warning to Riga came
// later") or about a place ("a travel warning for") stays below it or is not read.
func TestConveyedWarningIsWritten(t *testing.T) {
	x := newTestExtractor(t)
	for text, want := range map[string]bool{
		"Chile issued a stern warning to Bolivia over the dam.":  true,
		"Chile delivered a warning to Bolivia on Monday.":        true,
		"Chile's warning to Bolivia came a day after the flood.": false,
		"Chile issued a travel warning for Bolivia.":             false,
		"Chile may issue a warning to Bolivia.":                  false,
	} {
		res := extractText(t, x, text, "2026-11-20")
		res.HoldBelow(0.65)
		written := slices.ContainsFunc(res.Relationships, func(r Relation) bool {
			return r.Type == graph.Warned && r.To != nil && *r.To == "bolivia"
		})
		if written != want {
			t.Errorf("%q: warning to Bolivia written = %v, want %v", text, written, want)
		}
	}
}

// TestUnaddressedWarningIsWritten checks that a warning whose content is given, in a
// clause without "that" or in the quote the verb tags, is written though it names no
// addressee; a bare "warned" with nothing said stays below the threshold.
func TestUnaddressedWarningIsWritten(t *testing.T) {
	x := newTestExtractor(t)
	for text, want := range map[string]bool{
		"Chile warned it would close the pass.":                             true,
		"\"The pass will close,\" the Chilean government warned on Monday.": true,
		"\"The pass will close,\" the Chilean government warned Bolivia.":   false, // addressed: not this test's case
		"Chile warned on Monday.":                                           false,
	} {
		res := extractText(t, x, text, "2026-11-20")
		res.HoldBelow(0.65)
		written := slices.ContainsFunc(res.Relationships, func(r Relation) bool { return r.Type == graph.Warned && r.To == nil })
		if written != want {
			t.Errorf("%q: unaddressed warning written = %v, want %v", text, written, want)
		}
	}
}
