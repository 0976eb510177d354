package extract

import (
	"context"
	"slices"
	"testing"
)

// TestWrongEdgeNearMisses holds the constructions that once put words in someone's mouth on
// invented news: each must come out with exactly these acts, held ones included.
func TestWrongEdgeNearMisses(t *testing.T) {
	x := newTestExtractor(t)
	cases := []struct {
		name, text string
		want       []string
	}{
		{"denied clause's act is not done", "Slovenia denied that Ljubljana had warned Zagreb about the weir.",
			[]string{"slovenia DENIED -"}},
		{"denied clause without that", "Slovenia denied it had expelled two Croatian diplomats.",
			[]string{"slovenia DENIED -"}},
		{"denied gerund: neither done nor the denial's counterpart", "Ljubljana denied having warned Zagreb.",
			[]string{"slovenia DENIED -"}},
		{"denied gerund with ever", "Ljubljana denied ever warning Zagreb about the weir.",
			[]string{"slovenia DENIED -"}},
		{"called untrue", "Slovenia said it was untrue that Ljubljana had warned Zagreb.",
			[]string{"slovenia DENIED -"}},
		{"a denial then an act of its own stays", "Slovenia rejected the claims and warned Croatia against repeating them.",
			[]string{"slovenia DENIED -", "slovenia WARNED croatia"}},
		{"an insisted clause is still reported", "Croatia insisted that Slovenia had warned Hungary.",
			[]string{"slovenia WARNED hungary"}},
		{"sentence-initial auxiliary is no part of a name, and a supposition asserts nothing",
			"Should Austria warn Slovenia about the weir, talks would stall.", nil},
		{"inverted past supposition", "Had Croatia expelled the two Slovenian consuls, Ljubljana would have answered in kind.", nil},
		{"title-case headline question without its mark", "Did Croatia Expel Slovenian Envoys", nil},
		{"a wh-question takes its act as given", "Why did Croatia warn Slovenia?", []string{"croatia WARNED slovenia"}},
		{"a clause opener before the name", "Still Croatia rejected the claims.", []string{"croatia DENIED -"}},
		{"a first name that is also a modal", "May Lindqvist warned Slovenia about the weir.", []string{"may-lindqvist WARNED slovenia"}},
		{"a weekday after a connector is no part of the name", "The European Commission on Wednesday warned Slovenia about the weir.",
			[]string{"european-commission WARNED slovenia"}},
		{"Brussels with the EU named is the EU", "Brussels warned Zagreb over the weir. The European Commission wants the river left open.",
			[]string{"european-union WARNED croatia"}},
		{"Brussels with NATO named is NATO", "Brussels warned Moscow against more drills, NATO officials said.",
			[]string{"nato WARNED russia"}},
		{"Brussels with neither named is nobody, not Belgium", "Brussels expelled two Slovenian diplomats on Friday.", nil},
		{"Brussels with both named is nobody", "Brussels warned Moscow. NATO and EU envoys met on Friday.", nil},
		{"a spokesman's own state is never his counterpart", "Kremlin spokesman Ivan Dorokhov denied a report that Russia had moved troops to the border.",
			[]string{"ivan-dorokhov DENIED -"}},
		{"a lower-case post after a possessive state", "Slovenia's foreign ministry spokeswoman Meta Kranjc denied a report that Slovenia had closed the weir.",
			[]string{"meta-kranjc DENIED -"}},
		{"a preposed official answers the charges against the state", "Croatia accused Slovenia of closing the weir. Slovenian government spokesman Tone Zupan denied the accusation.",
			[]string{"tone-zupan DENIED croatia"}},
		{"a preposition's object past its article is no subject", "Croatia's embassy to the Holy See warned against false hopes.",
			[]string{"croatia WARNED -"}},
		{"an attributed source is no second actor", "According to Reuters, Slovenia rejected the accusation.",
			[]string{"slovenia DENIED -"}},
		{"a gerund's object after a warning's preposition is its topic", "Croatia warned foreign airlines against listing Slovenia as a partner.",
			[]string{"croatia WARNED -"}},
		{"a named addressee before the gerund stays", "Croatia warned Hungary against arming Slovenia.",
			[]string{"croatia WARNED hungary"}},
		{"the name apposed to a post for a place acts, not the place", "The UN special envoy for Slovenia, Ines Berg, denied accusations of bias.",
			[]string{"ines-berg DENIED -"}},
		{"the name before a relative aside acts, not the aside's subject", "Ambassador Ines Berg, whom Croatia expelled last year, rejected the claims.",
			[]string{"ines-berg DENIED -"}},
		{"a bare past after a reported bare past stays in the report", "Croatia said Slovenia rejected the offer and warned Hungary.",
			[]string{"slovenia DENIED -", "slovenia WARNED hungary"}},
	}
	for _, c := range cases {
		if got := actsOf(t, x, c.text); !slices.Equal(got, c.want) {
			t.Errorf("%s: %q\n got %q\nwant %q", c.name, c.text, got, c.want)
		}
	}
}

// TestUnnamedReportedSubjectIsNotTheSpeaker checks that a warning or an expulsion whose
// reported subject is a common noun ("Kos said the police warned Croatia") is not given to
// the speaker, while a passive the speaker reports stays the speaker's to credit.
func TestUnnamedReportedSubjectIsNotTheSpeaker(t *testing.T) {
	x := newTestExtractor(t)
	for text, want := range map[string][]string{
		"Reporter Vesna Kos said the police warned Croatia about the protest.": nil,
		"Slovenia said border guards expelled two Croatian diplomats.":         nil,
		"Slovenia said officials had warned Croatia about the weir.":           {"slovenia WARNED croatia"},
	} {
		if got := actsOf(t, x, text); !slices.Equal(got, want) {
			t.Errorf("%q: got %q, want %q", text, got, want)
		}
	}
}

// TestAfterReportedDescriptionIsHeld checks that the act after "and" that ends a reported
// description ("Li said the US was interfering and denied") is held, whoever it is given
// to: the speaker and the described are equally likely.
func TestAfterReportedDescriptionIsHeld(t *testing.T) {
	x := newTestExtractor(t)
	for _, text := range []string{
		"Croatian spokesman Ivo Bakic said Slovenia was stalling on the weir and denied that Zagreb had sent police.",
		"Marko Novak said Slovenia was badly misinformed and warned against spreading rumours.",
	} {
		res, err := x.Extract(context.Background(), Document{Text: text, Published: "2026-03-02"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Relationships) == 0 {
			t.Errorf("%q: no act at all, want one held", text)
		}
		for _, r := range res.Relationships {
			if r.Confidence >= 0.65 {
				t.Errorf("%q: %s written at %.2f, want it held below 0.65", text, tuple(r), r.Confidence)
			}
		}
	}
}
