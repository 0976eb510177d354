package graph

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

func TestPartialDateInterval(t *testing.T) {
	cases := []struct {
		d          PartialDate
		start, end string
	}{
		{"2022", "2022-01-01", "2022-12-31"},
		{"2024-02", "2024-02-01", "2024-02-29"},
		{"2022-03-14", "2022-03-14", "2022-03-14"},
		{"", "", ""},
	}
	for _, c := range cases {
		if c.d.Start() != c.start || c.d.End() != c.end {
			t.Errorf("%q: got [%s, %s], want [%s, %s]", c.d, c.d.Start(), c.d.End(), c.start, c.end)
		}
	}
	for _, bad := range []string{"22", "2022-13", "2022-02-30", "2022/03", "2022-3"} {
		if _, err := ParsePartialDate(bad); ErrorCode(err) != EINVALID {
			t.Errorf("ParsePartialDate(%q) = %v, want a BAD_INPUT error", bad, err)
		}
	}
	if !PartialDate("2022").InRange("2022-06", "") || PartialDate("2021").InRange("2022-06", "") {
		t.Error("InRange must compare intervals")
	}
	if PartialDate("").InRange("2020", "") || !PartialDate("").InRange("", "") {
		t.Error("unknown dates pass only unbounded filters")
	}
}

func TestMatchScore(t *testing.T) {
	amlo := Entity{ID: "amlo", Name: "Andrés Manuel López Obrador", Aliases: []string{"AMLO", "López Obrador"}}
	for _, q := range []string{"lopez obrador", "AMLO", "López Obrador", "andres manuel", "obrador lopez"} {
		if MatchScore(q, amlo) == 0 {
			t.Errorf("%q should match %s", q, amlo.Name)
		}
	}
	if MatchScore("brador", amlo) != 0 || MatchScore("", amlo) != 0 {
		t.Error("word-internal fragments and empty text must not match")
	}
	if MatchScore("amlo", amlo) <= MatchScore("andres", amlo) {
		t.Error("an exact alias must outrank a prefix")
	}
}

func TestSlugAndFold(t *testing.T) {
	if got := Slug("Andrés Manuel López Obrador"); got != "andres-manuel-lopez-obrador" {
		t.Errorf("Slug = %q", got)
	}
	if got := Fold("  Sherwood-Randall, Liz "); got != "sherwood randall liz" {
		t.Errorf("Fold = %q", got)
	}
}

// TestFoldStripsAsTheChainDid checks Fold's normalisation against the transform.Chain it
// replaced, on names whose marks are stripped, kept (spacing ones) or recomposed: folding
// the chain's output, which has no marks left to strip, must give what folding the name does.
func TestFoldStripsAsTheChainDid(t *testing.T) {
	chain := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	for _, s := range []string{
		"Andrés López", "ÅNGSTRÖM Ærø", "Nguyễn Thị Ánh", "Đặng Ngọc", "Zoë Brontë-Ça",
		"한국 사람", "\u1100\u1161\u11a8", "हिन्दी नाम", "e\u0301\u0327x", "Ōsaka–Kōbe", "ﬁnance ①",
	} {
		want, _, err := transform.String(chain, s)
		if err != nil {
			t.Fatal(err)
		}
		if got := Fold(s); got != Fold(want) || got == "" {
			t.Errorf("Fold(%q) = %q, the chain folds it to %q", s, got, Fold(want))
		}
	}
}

func TestWellFormedIDMatchesPattern(t *testing.T) {
	pattern := regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	alphabet := []string{"a", "z", "0", "9", ".", "_", "-", "A", " ", "é", "/", "`", "\x00"}
	var ids []string
	for _, a := range alphabet {
		ids = append(ids, a)
		for _, b := range alphabet {
			ids = append(ids, a+b, "x"+a+b, a+b+"1")
		}
	}
	for _, id := range append(ids, "", "marcelo-ebrard", "r.2022_03", "}) MATCH (n)") {
		if got, want := wellFormedID(id), pattern.MatchString(id); got != want {
			t.Errorf("wellFormedID(%q) = %v, the pattern says %v", id, got, want)
		}
	}
}

func TestSlugIsAlwaysAValidID(t *testing.T) {
	for name, want := range map[string]string{
		"Radosław Sikorski":    "radoslaw-sikorski",
		"Gazeta Wyborcza Łódź": "gazeta-wyborcza-lodz",
		"Straße":               "strasse",
		"Sherwood-Randall":     "sherwood-randall",
	} {
		if got := Slug(name); got != want {
			t.Errorf("Slug(%q) = %q, want %q", name, got, want)
		}
	}
	long := strings.Repeat("Lavrov ", 40)
	for _, name := range []string{"Сергей Лавров", "Лавров", "王毅", "Sergei Лавров", long} {
		id := Slug(name)
		if err := ValidateID("entity", id); err != nil {
			t.Errorf("Slug(%q) = %q: %v", name, id, err)
		}
	}
	if Slug("Сергей Лавров") == Slug("Мария Захарова") {
		t.Error("names in other scripts must not share an id")
	}
}

func TestMatchScoreIgnoresWordOrder(t *testing.T) {
	e := Entity{ID: "x", Name: "Carlson Carlos"}
	if MatchScore("carl carlson", e) == 0 || MatchScore("carlson carl", e) == 0 {
		t.Error("every query word prefixing a distinct name word must match, in any order")
	}
	if MatchScore("carl carl carl", e) != 0 {
		t.Error("three query words cannot share two name words")
	}
}

func TestClipCountsCharactersNotBytes(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{strings.Repeat("é", 40), strings.Repeat("é", 40)}, // 80 bytes, 40 characters: kept whole
		{strings.Repeat("a", 64), strings.Repeat("a", 64)},
		{strings.Repeat("é", 65), strings.Repeat("é", 64) + "…"},
		{strings.Repeat("a", 1000), strings.Repeat("a", 64) + "…"},
	} {
		if got := Clip(c.in); got != c.want {
			t.Errorf("Clip(%d bytes) = %q, want %q", len(c.in), got, c.want)
		}
	}
}

// TestCountSources counts distinct outlets, past the length where the count leaves its list
// for a map, with repeats on both sides and articles without an outlet.
func TestCountSources(t *testing.T) {
	for _, outlets := range []int{0, 1, 3, 16, 17, 40} {
		var ev []Evidence
		outletOf := map[string]string{}
		for i := range outlets {
			for c := range 2 { // each outlet twice
				a := fmt.Sprintf("a%d-%d", i, c)
				ev = append(ev, Evidence{Article: a})
				outletOf[a] = fmt.Sprintf("o%d", i)
			}
		}
		ev = append(ev, Evidence{Article: "unknown"})
		if got := CountSources(ev, func(a string) string { return outletOf[a] }); got != outlets {
			t.Errorf("%d outlets cited twice each: CountSources = %d", outlets, got)
		}
	}
}
