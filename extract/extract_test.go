package extract

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/bolt"
	"github.com/dossiergraph/dossier/seed"
)

func extractText(t *testing.T, x *Extractor, text string, published graph.PartialDate) Result {
	t.Helper()
	res, err := x.Extract(context.Background(), Document{Text: text, Published: published}, nil)
	if err != nil {
		t.Fatalf("Extract(%q): %v", text, err)
	}
	return res
}

func TestBadInput(t *testing.T) {
	x, err := NewWithOptions(Options{MaxBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]Document{
		"empty":        {Text: "  \n\t"},
		"invalid utf8": {Text: "Mexico \xff\xfe warned"},
		"nul bytes":    {Text: "Mexico\x00warned"},
		"control":      {Text: strings.Repeat("\x01\x02\x03a", 50)},
		"too large":    {Text: strings.Repeat("Mexico warned Russia. ", 100)},
		"bad date":     {Text: "Mexico warned Russia.", Published: "2022-13"},
	}
	for name, doc := range cases {
		_, err := x.Extract(context.Background(), doc, nil)
		if graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("%s: got %v, want a BAD_INPUT error", name, err)
		}
	}
	if _, err := NewWithOptions(Options{MaxBytes: -1}); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("negative MaxBytes: got %v", err)
	}
}

func TestEvidenceOffsetsLocateText(t *testing.T) {
	x := newTestExtractor(t)
	text := "Préambule — “quoted” text.\n\nU.S. officials warned Mexico in March 2022. Mexico refused to expel the Russian diplomats."
	res := extractText(t, x, text, "2025-12-08")
	if len(res.Relationships) < 2 {
		t.Fatalf("want 2 relationships, got %+v", res.Relationships)
	}
	for _, r := range res.Relationships {
		for _, sp := range r.Evidence {
			if text[sp.Start:sp.End] != sp.Text {
				t.Errorf("span [%d,%d) = %q, text says %q", sp.Start, sp.End, text[sp.Start:sp.End], sp.Text)
			}
		}
	}
}

func TestResultJSONContract(t *testing.T) {
	x := newTestExtractor(t)
	res := extractText(t, x, "The CIA warned about Russia. Estonia expelled two Russian diplomats.", "2024")
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var generic struct {
		Entities      []map[string]any `json:"entities"`
		Relationships []map[string]any `json:"relationships"`
	}
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	for _, e := range generic.Entities {
		for _, k := range []string{"id", "kind", "name", "aliases"} {
			if _, ok := e[k]; !ok {
				t.Errorf("entity JSON lacks %q: %s", k, b)
			}
		}
	}
	sawNullTo := false
	for _, r := range generic.Relationships {
		for _, k := range []string{"type", "from", "to", "negated", "date", "confidence", "evidence"} {
			if _, ok := r[k]; !ok {
				t.Errorf("relationship JSON lacks %q: %s", k, b)
			}
		}
		if r["to"] == nil {
			sawNullTo = true
			if r["about"] == nil {
				t.Errorf("'warned about Russia' must keep Russia in about: %s", b)
			}
		}
	}
	if !sawNullTo {
		t.Errorf("'The CIA warned about Russia' must give a relationship with to null: %s", b)
	}
}

func TestResolution(t *testing.T) {
	x := newTestExtractor(t)
	text := "Andrés Manuel López Obrador met reporters. AMLO said little. Lopez Obrador later left. " +
		"Mexican officials, Dutch authorities, the Kremlin, Washington and Mexico City all took part. " +
		"Gen. Glen VanHerck spoke; Peru's Ministry of Foreign Affairs stayed silent, as did The Daily Courier."
	res := extractText(t, x, text, "")
	byID := map[string]Entity{}
	for _, e := range res.Entities {
		byID[e.ID] = e
	}
	want := map[string]graph.Kind{
		"andres-manuel-lopez-obrador": graph.Person, "mexico": graph.Government, "netherlands": graph.Government,
		"russia": graph.Government, "united-states": graph.Government, "glen-vanherck": graph.Person,
		"peru-ministry-of-foreign-affairs": graph.Agency, "daily-courier": graph.Outlet,
	}
	for id, kind := range want {
		if e, ok := byID[id]; !ok || e.Kind != kind {
			t.Errorf("want entity %s of kind %s, got %+v", id, kind, e)
		}
	}
	amlo := byID["andres-manuel-lopez-obrador"]
	for _, alias := range []string{"AMLO", "Lopez Obrador"} {
		if !strings.Contains(strings.Join(amlo.Aliases, "|"), alias) {
			t.Errorf("%s should resolve to López Obrador; aliases %v", alias, amlo.Aliases)
		}
	}
	for _, e := range res.Entities {
		if strings.Contains(e.ID, "gen") || e.ID == "amlo" || e.ID == "lopez-obrador" {
			t.Errorf("unexpected entity %+v: titles must be dropped and short names resolved", e)
		}
	}
}

func TestDates(t *testing.T) {
	x := newTestExtractor(t)
	cases := []struct {
		sentence  string
		published graph.PartialDate
		want      graph.PartialDate
	}{
		{"Estonia expelled two Russian diplomats in March 2022.", "2025-12-08", "2022-03"},
		{"Estonia expelled two Russian diplomats on Dec. 8, 2021.", "2025-12-08", "2021-12-08"},
		{"Estonia expelled two Russian diplomats in late 2022.", "2025-12-08", "2022"},
		{"Estonia expelled two Russian diplomats last fall.", "2025-12-08", "2025"},
		{"Estonia expelled two Russian diplomats last fall.", "2025-03-01", "2024"},
		{"Estonia expelled two Russian diplomats last week.", "2025-12-03", "2025-11"},
		{"Estonia expelled two Russian diplomats on Tuesday.", "2025-12-08", "2025-12-02"},
		{"Estonia expelled two Russian diplomats last year.", "2025-12-08", "2024"},
		// week, month and year boundaries; 2025-12-08 is a Monday, 2026-01-01 a Thursday
		{"Estonia expelled two Russian diplomats on Monday.", "2025-12-08", "2025-12-08"},
		{"Estonia expelled two Russian diplomats on Sunday.", "2025-12-08", "2025-12-07"},
		{"Estonia expelled two Russian diplomats on Tuesday.", "2025-12-08", "2025-12-02"},
		{"Estonia expelled two Russian diplomats on Tuesday.", "2026-01-01", "2025-12-30"},
		{"Estonia expelled two Russian diplomats on Thursday.", "2026-01-01", "2026-01-01"},
		{"Estonia expelled two Russian diplomats on Friday.", "2025-03-01", "2025-02-28"},
		{"Estonia expelled two Russian diplomats yesterday.", "2026-01-01", "2025-12-31"},
		{"Estonia expelled two Russian diplomats yesterday.", "2024-03-01", "2024-02-29"},
		{"Estonia expelled two Russian diplomats last month.", "2026-01-15", "2025-12"},
		{"Estonia expelled two Russian diplomats last week.", "2026-01-03", "2025-12"},
		{"Estonia expelled two Russian diplomats earlier this month.", "2026-01-02", "2026-01"},
		{"Estonia expelled two Russian diplomats this year.", "2026-01-02", "2026"},
		{"Estonia expelled two Russian diplomats on Monday.", "2025-12", ""}, // no day to count back from
		{"Estonia expelled two Russian diplomats.", "2025-12-08", ""},
	}
	for _, c := range cases {
		res := extractText(t, x, c.sentence, c.published)
		if len(res.Relationships) != 1 || res.Relationships[0].Date != c.want {
			t.Errorf("%q (published %s): want one relationship dated %q, got %+v", c.sentence, c.published, c.want, res.Relationships)
		}
	}
	res := extractText(t, x, "The war began in 2014. Poland expelled two Russian diplomats that year.", "2025")
	if len(res.Relationships) != 1 || res.Relationships[0].Date != "2014" {
		t.Errorf("'that year' should resolve to 2014: %+v", res.Relationships)
	}
}

func TestQuantities(t *testing.T) {
	x := newTestExtractor(t)
	for sentence, want := range map[string]string{
		"In 2022 Poland expelled more than 100 Russian intelligence officers.": "more than 100",
		"Estonia expelled two dozen Russian diplomats.":                        "two dozen",
		"Estonia expelled the Russian diplomats.":                              "",
	} {
		res := extractText(t, x, sentence, "")
		if len(res.Relationships) != 1 || res.Relationships[0].Quantity != want {
			t.Errorf("%q: want quantity %q, got %+v", sentence, want, res.Relationships)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	x := newTestExtractor(t)
	texts := loadCorpus(t, "testdata/corpus.yaml")
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, c := range texts[i:] {
				if _, err := x.Extract(context.Background(), Document{Text: c.Text, Published: c.Published}, nil); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkExtract(b *testing.B) {
	x := newTestExtractor(b)
	var sb strings.Builder
	for _, c := range loadCorpus(b, "testdata/corpus.yaml") {
		sb.WriteString(c.Text)
		sb.WriteString("\n")
	}
	text := strings.Repeat(sb.String(), 20)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := x.Extract(context.Background(), Document{Text: text, Published: "2025-12-08"}, nil); err != nil {
			b.Fatal(err)
		}
	}
	// Throughput per CPU-second holds on a shared machine, where wall time does not.
	if used := (cpuTime() - cpu).Seconds(); used > 0 {
		b.ReportMetric(float64(len(text))*float64(b.N)/used/1e6, "MB/cpu-s")
	}
}

func TestLongUnpunctuatedInput(t *testing.T) {
	x := newTestExtractor(t)
	text := strings.Repeat("Mexico warned Russia and Estonia expelled Russian diplomats while Poland denied the claims ", 2000)
	res := extractText(t, x, text, "2024")
	if len(res.Relationships) == 0 {
		t.Fatal("want relationships from a long run-on text")
	}
	for _, r := range res.Relationships {
		for _, sp := range r.Evidence {
			if text[sp.Start:sp.End] != sp.Text || sp.End-sp.Start > 5000 {
				t.Fatalf("bad evidence span [%d,%d)", sp.Start, sp.End)
			}
		}
	}
}

func TestEvidenceIsCapped(t *testing.T) {
	x := newTestExtractor(t)
	res := extractText(t, x, strings.Repeat("Estonia expelled two Russian diplomats. ", 100), "")
	if len(res.Relationships) != 1 || len(res.Relationships[0].Evidence) != maxEvidence {
		t.Errorf("want one relationship with %d evidence spans, got %+v", maxEvidence, len(res.Relationships))
	}
}

func TestCheapRelationTypes(t *testing.T) {
	x := newTestExtractor(t)
	cases := map[string]string{
		"Washington urged Mexico to expel the Russian officers.":          "united-states REQUESTED mexico",
		"The Russian embassy accused Dolia Estevez of Russophobia.":       "russian-embassy ACCUSED dolia-estevez",
		"The FBI arrested Héctor Alejandro Cabrera Fuentes in Miami.":     "fbi ARRESTED hector-alejandro-cabrera-fuentes",
		"Mexico rejected U.S. requests to expel the Russian officers.":    "united-states REQUESTED mexico",
		"Officials asked about the list, but Mexico said nothing at all.": "",
	}
	for sentence, want := range cases {
		res := extractText(t, x, sentence, "")
		var got []string
		for _, r := range res.Relationships {
			if r.Type != graph.Warned && r.Type != graph.Denied && r.Type != graph.Expelled {
				got = append(got, tuple(r))
			}
		}
		if want == "" && len(got) > 0 || want != "" && !slices.Contains(got, want) {
			t.Errorf("%q: want %q among %v", sentence, want, got)
		}
	}
}

func TestStoreGazetteer(t *testing.T) {
	ctx := context.Background()
	s, err := bolt.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := seed.Load(ctx, s, "seed.yaml", seed.Default()); err != nil {
		t.Fatal(err)
	}
	gaz, err := StoreGazetteer(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"amlo": "andres-manuel-lopez-obrador", "lopez obrador": "andres-manuel-lopez-obrador", "kremlin": "russia"} {
		if e, ok := gaz.Lookup(key); ok && e.ID != want || !ok && key != "kremlin" {
			t.Errorf("Lookup(%q) = %s, %v; want %s", key, e.ID, ok, want)
		}
	}
	x := newTestExtractor(t)
	res, err := x.Extract(ctx, Document{Text: "AMLO dismissed the warnings from Washington."}, gaz)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Entities {
		if e.ID == "andres-manuel-lopez-obrador" && !e.FromStore {
			t.Errorf("López Obrador should come from the store gazetteer: %+v", e)
		}
	}
	if len(res.Relationships) == 0 || res.Relationships[0].From != "andres-manuel-lopez-obrador" {
		t.Errorf("want AMLO's denial resolved to the store id, got %+v", res.Relationships)
	}
}

// A leader's government is the government, titled or not; the leader alone is the person.
func TestLeaderGovernment(t *testing.T) {
	seeded, err := seed.Parse("seed.yaml", seed.Default())
	if err != nil {
		t.Fatal(err)
	}
	gaz := NewGazetteer(seeded.Entities)
	x := newTestExtractor(t)
	for text, want := range map[string]string{
		"American officials warned Claudia Sheinbaum's government about Russian spies.":           "mexico",
		"American officials warned President Claudia Sheinbaum's government about Russian spies.": "mexico",
		"American officials warned President Sheinbaum's administration about Russian spies.":     "mexico",
		"American officials warned President Sheinbaum about Russian spies.":                      "claudia-sheinbaum",
	} {
		res, err := x.Extract(context.Background(), Document{Text: text}, gaz)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Relationships) != 1 || res.Relationships[0].To == nil || *res.Relationships[0].To != want {
			t.Errorf("%q: want one WARNED to %s, got %+v", text, want, res.Relationships)
		}
	}
}

// New actors get valid ids whatever letters their names use.
func TestNewEntityIDsAreValid(t *testing.T) {
	x := newTestExtractor(t)
	res := extractText(t, x, "Foreign Minister Radosław Sikorski warned Russia. Minister Sergei Lavrov denied it. Gen. Þór Ægisson warned Moscow.", "")
	if len(res.Entities) == 0 {
		t.Fatal("no entities")
	}
	var sikorski bool
	for _, e := range res.Entities {
		if err := graph.ValidateID("entity", e.ID); err != nil {
			t.Errorf("%s: %v", e.Name, err)
		}
		sikorski = sikorski || e.ID == "radoslaw-sikorski"
	}
	if !sikorski {
		t.Errorf("want radoslaw-sikorski among %+v", res.Entities)
	}
}

func TestBlocksKeepHeadingsApart(t *testing.T) {
	x := newTestExtractor(t)
	text := "Embassy Row\nPortugal expelled two Belarusian diplomats.\n\nThe talks collapsed in 2021.Sweden then expelled two Cuban diplomats."
	res := extractText(t, x, text, "2025-04-02")
	for _, e := range res.Entities {
		if strings.Contains(e.Name, "Row Portugal") || strings.Contains(e.Name, "2021") || strings.Contains(e.Name, "\n") {
			t.Errorf("a heading or a glued sentence became part of an entity: %+v", e)
		}
	}
	if len(res.Relationships) != 2 {
		t.Fatalf("want two expulsions, got %+v", res.Relationships)
	}
	for _, r := range res.Relationships {
		for _, sp := range r.Evidence {
			if strings.Contains(sp.Text, "Embassy Row") || strings.Contains(sp.Text, "collapsed") {
				t.Errorf("evidence runs across a heading or a sentence end: %q", sp.Text)
			}
		}
	}
	// hard-wrapped prose is not cut at every line
	wrapped := "Estonia expelled two Russian diplomats on Monday after a long\ninvestigation into their contacts with local officials."
	if cuts, _ := segment(wrapped); len(cuts) != 0 {
		t.Errorf("wrapped prose cut at %v", cuts)
	}
}

func TestCountryNameAsFirstName(t *testing.T) {
	x := newTestExtractor(t)
	res := extractText(t, x, "Israel Katz warned Lebanon. Russia Ukraine talks failed. Jordan rejected the claims from Syria.", "2025")
	ids := map[string]graph.Kind{}
	for _, e := range res.Entities {
		ids[e.ID] = e.Kind
	}
	want := map[string]graph.Kind{"israel-katz": graph.Person, "russia": graph.Government, "ukraine": graph.Government, "jordan": graph.Government}
	for id, kind := range want {
		if ids[id] != kind {
			t.Errorf("want %s as %s, got entities %v", id, kind, ids)
		}
	}
	if _, ok := ids["israel"]; ok {
		t.Errorf("a first name was taken for a state: %v", ids)
	}
}

// TestClauseDates checks that an act takes the date of its own clause, not the first date
// of its sentence; 2026-03-06 is a Friday.
func TestClauseDates(t *testing.T) {
	x := newTestExtractor(t)
	cases := []struct {
		sentence string
		want     map[graph.RelationType]graph.PartialDate
	}{
		{"Ambassador Ines Berg, whom Croatia expelled in 2023, rejected the claims on Monday.",
			map[graph.RelationType]graph.PartialDate{graph.Denied: "2026-03-02"}},
		{"After Slovenia expelled two Croatian attachés in March 2024, Croatia warned Slovenia on Friday.",
			map[graph.RelationType]graph.PartialDate{graph.Expelled: "2024-03", graph.Warned: "2026-03-06"}},
		// the warning's clause names no date: the sentence's date, as before
		{"In May 2025, Croatia warned Slovenia, which had expelled an attaché last year.",
			map[graph.RelationType]graph.PartialDate{graph.Warned: "2025-05", graph.Expelled: "2025"}},
	}
	for _, c := range cases {
		res := extractText(t, x, c.sentence, "2026-03-06")
		got := map[graph.RelationType]graph.PartialDate{}
		for _, r := range res.Relationships {
			got[r.Type] = r.Date
		}
		for typ, want := range c.want {
			if d, ok := got[typ]; !ok || d != want {
				t.Errorf("%q: want %s dated %q, got %+v", c.sentence, typ, want, res.Relationships)
			}
		}
	}
}
