package extract

import (
	"context"
	"slices"
	"sort"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// denialsOf extracts text and returns its denials as gold tuples, those ingest would write
// (confidence at or above the default threshold) apart from those it would hold.
func denialsOf(t *testing.T, x *Extractor, text string) (written, held []string) {
	t.Helper()
	res, err := x.Extract(context.Background(), Document{Text: text, Published: "2025-03-04"}, nil)
	if err != nil {
		t.Fatalf("extract %q: %v", text, err)
	}
	for _, r := range res.Relationships {
		if r.Type != graph.Denied {
			continue
		}
		if r.Confidence >= 0.65 {
			written = append(written, tuple(r))
		} else {
			held = append(held, tuple(r))
		}
	}
	sort.Strings(written)
	sort.Strings(held)
	return written, held
}

func TestDenialConstructions(t *testing.T) {
	x := newTestExtractor(t)
	cases := []struct {
		name, text    string
		written, held []string
	}{
		{"copular after the speech tag", "Ecuador accused Peru of arming the rebels. The accusations are baseless, the Peruvian government said.",
			[]string{"peru DENIED ecuador"}, nil},
		{"copular after the saying verb, owner by possessive", "Peru says Ecuador's claims have been full of distortions.",
			[]string{"peru DENIED ecuador"}, nil},
		{"copular negated truth", "Chile said the reports by Bolivia were not true.",
			[]string{"chile DENIED bolivia"}, nil},
		{"copular with no accuser is held", "Bolivian officials said the reports were fabrications.",
			nil, []string{"bolivia DENIED -"}},
		{"copular negated dismissal is no denial", "Chile said the claims by Bolivia were not baseless.", nil, nil},
		{"copular in a conditional is no denial", "If the claims by Bolivia are false, Chile will apologise.", nil, nil},
		{"copular under negated speech is no denial", "Chile did not say the claims by Bolivia were false.", nil, nil},
		{"disclaimer after an accusation", "Ecuador accused Peru of arming the rebels. Peru said it had no role in the fighting.",
			[]string{"peru DENIED ecuador"}, nil},
		{"disclaimer, nothing to do with", "Ecuador accused Peru of arming the rebels. Peru said it had nothing to do with the raid.",
			[]string{"peru DENIED ecuador"}, nil},
		{"disclaimer under a modal is no denial", "Ecuador accused Peru of arming the rebels. Peru said it might have no role in the talks.",
			nil, nil},
		{"nominal denial with possessor", "Ecuador accused Peru of arming the rebels. Peru's denial of the accusations came within hours.",
			[]string{"peru DENIED ecuador"}, nil},
		{"nominal denial of a thing withheld is none", "Peru's denial of entry to two Chilean reporters drew protests.", nil, nil},
		{"spokesperson stands for the organisation", "A spokesperson for the Peruvian government denied the claims by Chile.",
			[]string{"peru DENIED chile"}, nil},
		{"links to an agency are a topic", "Peru denied any ties to the SVR.", nil, []string{"peru DENIED -"}},
		{"coordinated denial keeps the subject", "Chile has warships near the border but denies that it plans an attack.",
			[]string{"chile DENIED -"}, nil},
		{"a denial of a clause answers the prior accuser", "Chile accused Peru of spying. Peru denies that it ran any agents.",
			[]string{"peru DENIED chile"}, nil},
		{"participle keeps the denier", "Peru rejected Ecuador's accusation that it armed the rebels, calling the claims absurd.",
			[]string{"peru DENIED ecuador"}, nil},
		{"scoffed at, with an absolute clause", "Moscow scoffed at the idea, with a Russian spokesman telling journalists it made no sense.",
			nil, []string{"russia DENIED -"}},
		{"expeller stands behind the charge", "Ecuador expelled two Peruvian diplomats on Monday. Lima rejected the allegations.",
			[]string{"peru DENIED ecuador"}, nil},
		{"counter-accusation names the accuser", "Peru dismissed what it termed slanderous claims and then accused Chile of incitement.",
			[]string{"peru DENIED chile"}, nil},
		{"outlet epithet", "The Andes Chronicle reported on the mine. Days later the newspaper rejected the claims and accused Peru of censorship.",
			[]string{"andes-chronicle DENIED peru"}, nil},
		{"condemned claims called false", "Peru denounced the baseless allegations from Chile.",
			[]string{"peru DENIED chile"}, nil},
		{"false claims repeated are no denial", "Peru repeated the baseless allegations about Chile.", nil, nil},
		{"claim owner behind a participle", "Peru rejected the accusations coming from Chile.",
			[]string{"peru DENIED chile"}, nil},
		{"author of an earlier claim", "Bolivia's claim about the mine caused a stir. Peru denied the report on Monday.",
			[]string{"peru DENIED bolivia"}, nil},
		{"false claims as predicate", `Ecuador accused Peru of arming the rebels. "These are baseless allegations," the Peruvian government said.`,
			[]string{"peru DENIED ecuador"}, nil},
		{"relative clause denier", "Ecuador accused Peru of arming the rebels. Peru, which denies the charges, recalled its envoy.",
			[]string{"peru DENIED ecuador"}, nil},
		{"pushed back against", "Ecuador accused Peru of arming the rebels. Peru pushed back against the accusations on Monday.",
			[]string{"peru DENIED ecuador"}, nil},
		{"pushed back a deadline is no denial", "Peru pushed back the deadline for the talks.", nil, nil},
		{"no truth to the claims", "Ecuador accused Peru of arming the rebels. Peru said there was no truth to the claims.",
			[]string{"peru DENIED ecuador"}, nil},
		{"refused to accept the findings", "Ecuador accused Peru of arming the rebels. Peru refused to accept the findings.",
			[]string{"peru DENIED ecuador"}, nil},
		{"quick to deny", "Ecuador accused Peru of arming the rebels. Peru was quick to deny the reports.",
			[]string{"peru DENIED ecuador"}, nil},
		{"an organ answers the charges against its state", "Ecuador accused Peru of arming the rebels. The Peruvian embassy in Quito denied the claims.",
			[]string{"peruvian-embassy DENIED ecuador"}, nil},
		{"no basis, after the speech tag", "Ecuador accused Peru of arming the rebels. There is no basis for the allegations, Peruvian officials said.",
			[]string{"peru DENIED ecuador"}, nil},
		{"officials in a capital", "Ecuador accused Peru of arming the rebels. Officials in Lima denied the claims.",
			[]string{"peru DENIED ecuador"}, nil},
		{"saying verb parted from its clause", "Peru declared in its weekly bulletin that the reports by Chile were false.",
			[]string{"peru DENIED chile"}, nil},
		{"a spy network is no outlet, and an unnamed subject is held", "The Andes Chronicle reported on the mine. Peru said the spy network denied the claims.",
			nil, []string{"peru DENIED -"}},
		{"a wire service calling claims false denies nothing", "Reuters said the claims by Chile were false.", nil, nil},
		{"opening participle", "Ecuador accused Peru of arming the rebels. Rejecting the allegations, Peru said it would cooperate with the inquiry.",
			[]string{"peru DENIED ecuador"}, nil},
		{"opening participle of a thing withheld", "Denying entry to the reporters, Peru closed the border.", nil, nil},
		{"politically motivated", "Peru said the accusations from Chile were politically motivated.",
			[]string{"peru DENIED chile"}, nil},
		{"without foundation", "The claims by Chile are without foundation, Peru said.",
			[]string{"peru DENIED chile"}, nil},
		{"motivated alone is no dismissal", "Peru said the accusations from Chile were motivated by the election.", nil, nil},
		{"a counted common noun names no one", "Peru said the two men denied the claims by Chile.", nil, []string{"peru DENIED chile"}},
		{"headline yields to the body", "Peru rejects the claims\n\nOn Tuesday Peru rejected the claims made by Chile.",
			[]string{"peru DENIED chile"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			written, held := denialsOf(t, x, c.text)
			if !slices.Equal(written, c.written) || !slices.Equal(held, c.held) {
				t.Errorf("%q:\n written %q, want %q\n held %q, want %q", c.text, written, c.written, held, c.held)
			}
		})
	}
}

// TestOutletEpithetNeedsOneOutlet checks that "the network" stands for no one when two
// outlets, wire services aside, have been named: which one is meant is not said.
func TestOutletEpithetNeedsOneOutlet(t *testing.T) {
	x := newTestExtractor(t)
	one, _ := denialsOf(t, x, "Reuters and the Andes Chronicle reported on the mine. The newspaper rejected the claims and accused Peru of censorship.")
	if want := []string{"andes-chronicle DENIED peru"}; !slices.Equal(one, want) {
		t.Errorf("with a wire service beside it: got %q, want %q", one, want)
	}
	two, held := denialsOf(t, x, "The Andes Chronicle and the Lima Observer reported on the mine. The newspaper rejected the claims and accused Peru of censorship.")
	if len(two)+len(held) != 0 {
		t.Errorf("with two outlets: got %q and held %q, want no denial", two, held)
	}
}
