package extract

import (
	"context"
	"slices"
	"testing"
)

// expulsionsOf extracts text and returns its expulsions as gold lines, sorted, with the
// quantity of each after a bar when it has one.
func expulsionsOf(t *testing.T, x *Extractor, text string) []string {
	t.Helper()
	res, err := x.Extract(context.Background(), Document{Text: text, Published: "2025-06-03"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Relationships {
		if r.Type != "EXPELLED" {
			continue
		}
		line := tuple(r)
		if r.Quantity != "" {
			line += " | " + r.Quantity
		}
		got = append(got, line)
	}
	slices.Sort(got)
	return got
}

func TestExpulsionConstructions(t *testing.T) {
	x := newTestExtractor(t)
	cases := []struct {
		name, text string
		want       []string
	}{
		{"headline verb", "Honduras expels Guatemalan envoys after spying row",
			[]string{"honduras EXPELLED guatemala"}},
		{"headline noun is no verb", "Honduras talks with Guatemalan envoys ended without a deal",
			nil},
		{"expulsions by", "The expulsion by Chile of three Bolivian consuls was unexpected.",
			[]string{"chile EXPELLED bolivia | three"}},
		{"expulsions by a city is no state's", "The expulsion by Lima airport of the stowaways made news.",
			[]string{"peru EXPELLED -"}[:0]},
		{"ordered an official to expel", "Ecuador ordered its interior minister to expel two Peruvian attachés.",
			[]string{"ecuador EXPELLED peru | two"}},
		{"order to another state asserts nothing", "Ecuador ordered Peru to expel two Chilean attachés.",
			nil},
		{"order refused", "Ecuador did not order the police to expel the Peruvian consul.",
			nil},
		{"order only possible", "Ecuador may order its ministry to expel the Peruvian consul.",
			nil},
		{"ordered sent home", "Peru ordered 14 Ecuadorian diplomats sent home on Friday.",
			[]string{"peru EXPELLED ecuador | 14"}},
		{"ordered papers sent home", "Peru ordered the files sent home on Friday.",
			nil},
		{"envoys from the", "Chile ordered the Western ambassadors out, including envoys from the Dominican Republic.",
			[]string{"chile EXPELLED dominican-republic"}},
		{"appositive person", "Bolivia's ambassador to Peru, Rosa Quispe Mamani, was declared persona non grata.",
			[]string{"peru EXPELLED bolivia"}},
		{"passive announced by the expeller", "Four staff of Chile's consulate were expelled on Sunday, Bolivia said.",
			[]string{"bolivia EXPELLED chile | Four"}},
		{"passive announced by the expelled", "Four staff of Chile's consulate were expelled on Sunday, Chile said.",
			nil},
		{"passive count", "Ten Peruvian attachés were expelled by Chile within 48 hours.",
			[]string{"chile EXPELLED peru | Ten"}},
		{"passive count after the verb is none", "The Peruvian attachés were expelled by Chile within 48 hours.",
			[]string{"chile EXPELLED peru"}},
		{"asked for in a that clause", "Chile demanded that Peru expel the Bolivian attachés.",
			nil},
		{"relative clause", "Uruguay, which had expelled two Paraguayan consuls, kept its embassy open.",
			[]string{"uruguay EXPELLED paraguay | two"}},
		{"gerund talked of", "Uruguay is weighing expelling two Paraguayan consuls.",
			nil},
		{"gerund done", "Uruguay began expelling Paraguayan consuls.",
			[]string{"uruguay EXPELLED paraguay"}},
		{"time phrase inside the noun phrase", "It follows Chile's expulsion last year of a Peruvian naval attaché.",
			[]string{"chile EXPELLED peru"}},
		{"no time phrase, no act", "The expulsion last year was a mistake, Chile said.",
			nil},
		{"passive reported by a state's opposition", "Four staff of Chile's consulate were expelled on Sunday, Bolivia's opposition said.",
			nil},
		{"passive reported by a state's ministry", "Four staff of Chile's consulate were expelled on Sunday, Bolivia's foreign ministry said.",
			[]string{"bolivia EXPELLED chile | Four"}},
		{"nominal demanded", "Lawmakers demanded Chile's expulsion of the Peruvian envoy.",
			nil},
		{"nominal under a conditional", "If Chile's expulsion of the Peruvian envoy goes ahead, Lima will respond.",
			nil},
		{"nominal possible", "A possible expulsion by Chile of the Peruvian envoy was discussed.",
			nil},
		{"curly possessive", "Quito’s expulsion of two Colombian attachés angered Bogotá.",
			[]string{"ecuador EXPELLED colombia | two"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := expulsionsOf(t, x, c.text); !slices.Equal(got, c.want) {
				t.Errorf("%q:\n got %q\nwant %q", c.text, got, c.want)
			}
		})
	}
}

// A headline and its article reporting one expulsion with two names for its actor give
// one relationship, the body's; two body sentences with two actors stay two acts.
func TestHeadlineTwinDropped(t *testing.T) {
	x := newTestExtractor(t)
	got := expulsionsOf(t, x, "Peru expels Chilean envoys\n\nPresident Dina Ruiz has expelled the Chilean envoys, her office said.\n")
	if want := []string{"dina-ruiz EXPELLED chile"}; !slices.Equal(got, want) {
		t.Errorf("headline and body: got %q, want %q", got, want)
	}
	got = expulsionsOf(t, x, "Peru expelled two Chilean envoys. Bolivia expelled three Chilean envoys.\n")
	if want := []string{"bolivia EXPELLED chile | three", "peru EXPELLED chile | two"}; !slices.Equal(got, want) {
		t.Errorf("two acts in the body: got %q, want %q", got, want)
	}
}

func TestIsHeadingSpan(t *testing.T) {
	for text, want := range map[string]bool{
		"Peru expels Chilean envoys":          true,
		"Peru expelled the envoys.":           false,
		`"We expel them," the minister said`:  true,
		`The minister said: "We expel them."`: false,
		"Why did Peru expel them?":            false,
	} {
		if got := isHeadingSpan(Span{Text: text}); got != want {
			t.Errorf("isHeadingSpan(%q) = %v, want %v", text, got, want)
		}
	}
}
