package extract

import (
	"context"
	"slices"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// actsOf extracts text and returns its warnings, denials and expulsions as gold lines,
// sorted, with the held ones too: a wrong actor is wrong at any confidence.
func actsOf(t *testing.T, x *Extractor, text string) []string {
	t.Helper()
	res, err := x.Extract(context.Background(), Document{Text: text, Published: "2025-06-03"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range append(res.Relationships, res.Held...) {
		if slices.Contains(scored, r.Type) {
			got = append(got, tuple(r))
		}
	}
	slices.Sort(got)
	return got
}

func TestActorsAcrossInsertions(t *testing.T) {
	x := newTestExtractor(t)
	cases := []struct {
		name, text string
		want       []string
	}{
		{"parenthesis before that-clause", "Uruguay announced on Thursday (June 5) that it would expel two Paraguayan attachés.",
			[]string{"uruguay EXPELLED paraguay"}},
		{"numeric date before that-clause", "Bolivia said on 3 March that it would expel the Chilean consul.",
			[]string{"bolivia EXPELLED chile"}},
		{"parenthesis and no that", "Peru said on Friday (in a statement) they would expel the Chilean consul.",
			[]string{"peru EXPELLED chile"}},
		{"relative clause inside an aside", "Ecuador (which borders Peru) said it expelled the Colombian consul.",
			[]string{"ecuador EXPELLED colombia"}},
		{"two actors before the pronoun stay silent", "Chile met Peru on Monday. On Tuesday (June 3) they said they would expel the Bolivian consul.",
			nil},
		{"the other state in the clause keeps its act", "Peru said on Friday (June 6) that Bolivia would expel the Chilean consul.",
			[]string{"bolivia EXPELLED chile"}},
	}
	for _, c := range cases {
		if got := actsOf(t, x, c.text); !slices.Equal(got, c.want) {
			t.Errorf("%s: %q\n got  %v\n want %v", c.name, c.text, got, c.want)
		}
	}
}

func TestSecondCoordinatedVerb(t *testing.T) {
	x := newTestExtractor(t)
	cases := []struct {
		name, text string
		want       []string
	}{
		{"accuser expels", "Paraguay accused Uruguay of tapping phones and expelled three Uruguayan diplomats.",
			[]string{"paraguay EXPELLED uruguay"}},
		{"accuser expels the one accused person", "Marta Ibarra Gil accused Ana Soto Rey of lying and expelled her.",
			[]string{"marta-ibarra-gil EXPELLED ana-soto-rey"}},
		{"two people named: him is nobody", "Chile accused Ana Soto Rey of meeting Jorge Vidal Paz and expelled him.",
			nil},
		{"a relative clause before and: him stays unread", "Marta Ibarra Gil accused Ana Soto Rey, who had insulted Jorge Vidal Paz, and expelled him.",
			nil},
		{"passive shares no actor", "Two Bolivian consuls were accused of smuggling and expelled.",
			nil},
		{"first verb of the reported clause", "Ecuador said that Peru had lied about the leak and expelled the Colombian attaché.",
			[]string{"peru EXPELLED colombia"}},
		{"joined subjects are not a second verb", "Peru and Chile expelled the Bolivian consul.",
			[]string{"chile EXPELLED bolivia", "peru EXPELLED bolivia"}},
	}
	for _, c := range cases {
		if got := actsOf(t, x, c.text); !slices.Equal(got, c.want) {
			t.Errorf("%s: %q\n got  %v\n want %v", c.name, c.text, got, c.want)
		}
	}
}

func TestSurnameBeforeFullName(t *testing.T) {
	x := newTestExtractor(t)
	cases := []struct {
		name, text string
		want       []string
	}{
		{"bare surname in a headline", "Quiroga expels Paraguayan attaché\n\nForeign Minister Elena Quiroga acted on Tuesday.",
			[]string{"elena-quiroga EXPELLED paraguay"}},
		{"titled surname", "President Arce warned Peru against moving troops. Luis Arce spoke later.",
			[]string{"luis-arce WARNED peru"}},
		{"Mr and a surname", "Mr Rendón denied the claims of Chile. Tomás Rendón is the consul.",
			[]string{"tomas-rendon DENIED chile"}},
		{"two bearers: the surname is neither", "Mr Ferreira warned Chile against a reprisal. Tomás Ferreira and Lucía Ferreira sit in the senate.",
			nil},
		{"a surname between its two bearers is neither", "Ana Ferreira spoke. Ferreira warned Chile against a reprisal. Tomás Ferreira spoke too.",
			nil},
		{"full name first still resolves", "Luis Arce spoke. President Arce warned Peru against moving troops.",
			[]string{"luis-arce WARNED peru"}},
	}
	for _, c := range cases {
		if got := actsOf(t, x, c.text); !slices.Equal(got, c.want) {
			t.Errorf("%s: %q\n got  %v\n want %v", c.name, c.text, got, c.want)
		}
	}
}

func TestUsedBefore(t *testing.T) {
	for _, c := range []struct {
		text, word string
		want       bool
	}{
		{"Arce said", "Arce", true},
		{"the Arcese family", "Arce", false},
		{"Darce and then Arce", "Arce", true},
		{"", "Arce", false},
	} {
		if got := usedBefore(c.text, c.word); got != c.want {
			t.Errorf("usedBefore(%q, %q) = %v, want %v", c.text, c.word, got, c.want)
		}
	}
}

func TestSurnameTheStoreGivesAnother(t *testing.T) {
	x := newTestExtractor(t)
	store := NewGazetteer([]graph.Entity{{ID: "carlos-arce", Kind: graph.Person, Name: "Carlos Arce", Aliases: []string{"Arce"}}})
	text := "President Arce warned Peru against moving troops. Luis Arce spoke later."
	res, err := x.Extract(context.Background(), Document{Text: text, Published: "2025-06-03"}, store)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range append(res.Relationships, res.Held...) {
		if r.Type == graph.Warned {
			t.Errorf("the store's Arce is someone else, so the warning has no certain author: got %s", tuple(r))
		}
	}
}
