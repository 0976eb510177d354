package seed

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// factsPath is the project's reference notes for the seed story, in the shared folder that
// sits beside the repository (/work/shared here; ../shared from the clone's root in CI).
const factsPath = "../../shared/seed-facts.md"

func defaultBatch(t *testing.T) graph.Batch {
	t.Helper()
	b, err := Parse("seed.yaml", Default())
	if err != nil {
		t.Fatalf("the embedded seed does not parse:\n%v", err)
	}
	return b
}

func readFacts(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(factsPath)
	if os.IsNotExist(err) {
		t.Skipf("%s is not there (the shared folder sits beside the repository clone); skipping the checks against it", factsPath)
	}
	if err != nil {
		t.Fatalf("read the seed facts: %v", err)
	}
	return string(data)
}

// section returns the markdown between the heading that starts with title and the next
// heading of the same or a higher level.
func section(t *testing.T, md, title string) string {
	t.Helper()
	lines := strings.Split(md, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "#") || !strings.HasPrefix(strings.TrimLeft(l, "# "), title) {
			continue
		}
		level := len(l) - len(strings.TrimLeft(l, "#"))
		var out []string
		for _, next := range lines[i+1:] {
			if h := len(next) - len(strings.TrimLeft(next, "#")); h > 0 && h <= level && strings.HasPrefix(next[h:], " ") {
				break
			}
			out = append(out, next)
		}
		return strings.Join(out, "\n")
	}
	t.Fatalf("the seed facts have no section %q", title)
	return ""
}

// table returns the rows of the first markdown table in md as maps from header to cell.
func table(t *testing.T, md string) []map[string]string {
	t.Helper()
	var header []string
	var rows []map[string]string
	for _, l := range strings.Split(md, "\n") {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "|") {
			if header != nil {
				break
			}
			continue
		}
		cells := strings.Split(strings.Trim(l, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		switch {
		case header == nil:
			header = cells
		case strings.Trim(cells[0], "-: ") == "":
			// the separator row
		default:
			row := map[string]string{}
			for i, h := range header {
				if i < len(cells) {
					row[h] = cells[i]
				}
			}
			rows = append(rows, row)
		}
	}
	if len(rows) == 0 {
		t.Fatal("no markdown table found in the seed facts section")
	}
	return rows
}

// paragraph returns the text after "label:" up to the next blank line, on one line.
func paragraph(t *testing.T, md, label string) string {
	t.Helper()
	i := strings.Index(md, "\n"+label+":")
	if i < 0 {
		t.Fatalf("the seed facts have no %q paragraph", label)
	}
	text := md[i+len(label)+2:]
	if end := strings.Index(text, "\n\n"); end >= 0 {
		text = text[:end]
	}
	return strings.Join(strings.Fields(text), " ")
}

// listItem is one entry of an entity list: a name and the notes in parentheses after it.
type listItem struct {
	name  string
	notes []string
}

// listItems splits "A (x, y), B, C (z). Trailing sentence." into its items, stopping at the
// first sentence end outside parentheses.
func listItems(text string) []listItem {
	var items []listItem
	var cur, note strings.Builder
	var notes []string
	depth := 0
	flush := func() {
		if name := strings.TrimSpace(cur.String()); name != "" {
			items = append(items, listItem{name: name, notes: notes})
		}
		cur.Reset()
		notes = nil
	}
	for i, r := range text {
		switch {
		case r == '(':
			depth++
		case r == ')':
			depth--
			notes = append(notes, strings.TrimSpace(note.String()))
			note.Reset()
		case depth > 0 && r == ',':
			notes = append(notes, strings.TrimSpace(note.String()))
			note.Reset()
		case depth > 0:
			note.WriteRune(r)
		case r == ',':
			flush()
		case r == '.' && (i+1 == len(text) || text[i+1] == ' ') && !strings.HasSuffix(cur.String(), "U.S"):
			flush()
			return items
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return items
}

// norm folds s for comparison, without quotes, a leading article, or a qualifier such as
// "when it acts as government".
func norm(s string) string {
	s = Fold(s)
	if i := strings.Index(s, " when "); i >= 0 {
		s = s[:i]
	}
	return strings.TrimPrefix(s, "the ")
}

// Fold is graph.Fold, named here for brevity.
func Fold(s string) string { return graph.Fold(s) }

// names returns the entity's name and aliases, normalized.
func names(e graph.Entity) []string {
	out := []string{norm(e.Name)}
	for _, a := range e.Aliases {
		out = append(out, norm(a))
	}
	return out
}

// findEntity finds the entity a list item names: one whose name or alias equals the item,
// or, failing that, one whose name or a multi-word alias has all its words in the item
// ("Mexico–Russia friendship committee" in "the Mexico–Russia friendship committee of
// Mexican legislators").
func findEntity(entities []graph.Entity, item string) (graph.Entity, bool) {
	want := norm(item)
	for _, e := range entities {
		if slices.Contains(names(e), want) {
			return e, true
		}
	}
	words := strings.Fields(want)
	for _, e := range entities {
		for _, n := range names(e) {
			nw := strings.Fields(n)
			if len(nw) >= 2 && !slices.ContainsFunc(nw, func(w string) bool { return !slices.Contains(words, w) }) {
				return e, true
			}
		}
	}
	return graph.Entity{}, false
}

var sourceRef = regexp.MustCompile(`\bS[1-5]\b`)

func TestSeedCarriesEveryListedEntity(t *testing.T) {
	md := readFacts(t)
	b := defaultBatch(t)
	entities := section(t, md, "Entities")
	matched := map[string]string{} // entity id → the item that named it
	claim := func(item string, e graph.Entity) {
		if prev, dup := matched[e.ID]; dup {
			t.Errorf("%q and %q both resolve to entity %q; each needs its own entity", prev, item, e.ID)
		}
		matched[e.ID] = item
	}

	for _, row := range table(t, section(t, md, "Entities")) {
		name := row["name"]
		e, ok := findEntity(b.Entities, name)
		if !ok || e.Name != name {
			t.Errorf("person %q: no entity with that name", name)
			continue
		}
		claim(name, e)
		if e.Kind != graph.Person {
			t.Errorf("%s is a %s, want PERSON", e.ID, e.Kind)
		}
		for _, alias := range strings.Split(row["aliases / spellings seen"], ", ") {
			if alias = strings.TrimSpace(alias); alias != "" && !slices.Contains(e.Aliases, alias) {
				t.Errorf("%s lacks the alias %q", e.ID, alias)
			}
		}
		// The role column is restated in our words, so compare its content words.
		have := strings.Fields(Fold(e.Role + " " + e.Description))
		for _, w := range strings.Fields(Fold(row["role(s) in the story"])) {
			if len(w) >= 4 && !slices.Contains(have, w) {
				t.Errorf("%s: role and description lack %q from %q", e.ID, w, row["role(s) in the story"])
			}
		}
	}

	for _, list := range []struct {
		label string
		kinds []graph.Kind
	}{
		{"Governments", []graph.Kind{graph.Government}},
		{"Agencies", []graph.Kind{graph.Agency}},
		{"Groups", []graph.Kind{graph.Group}},
		{"Outlets", []graph.Kind{graph.Outlet}},
	} {
		items := listItems(paragraph(t, entities, list.label))
		if len(items) < 4 {
			t.Fatalf("%s: parsed only %d items from the seed facts", list.label, len(items))
		}
		for _, item := range items {
			e, ok := findEntity(b.Entities, strings.Trim(item.name, `"`))
			if !ok {
				t.Errorf("%s: no entity for %q", list.label, item.name)
				continue
			}
			claim(item.name, e)
			if !slices.Contains(list.kinds, e.Kind) {
				t.Errorf("%s: %s is a %s", list.label, e.ID, e.Kind)
			}
			// Notes in parentheses are aliases or facts about the entity; either must be kept.
			text := norm(e.Role + " " + e.Description)
			for _, note := range item.notes {
				note = strings.ReplaceAll(note, `"`, "")
				if note == "" || sourceRef.MatchString(note) {
					continue // a pointer to a source, not a fact about the entity
				}
				if !slices.Contains(names(e), norm(note)) && !strings.Contains(text, norm(note)) {
					t.Errorf("%s: %q is neither an alias of %s nor in its role or description", list.label, note, e.ID)
				}
			}
		}
	}

	// The Governments paragraph leaves the European convention open; whatever entity carries
	// it must answer to every name the facts quote.
	sentence := paragraph(t, entities, "Governments")
	quoted := regexp.MustCompile(`"([^"]+)"`).FindAllStringSubmatch(sentence, -1)
	if len(quoted) < 3 {
		t.Fatalf("expected the quoted European names in the Governments paragraph, got %v", quoted)
	}
	first, ok := findEntity(b.Entities, quoted[0][1])
	if !ok {
		t.Fatalf("no entity for %q", quoted[0][1])
	}
	for _, q := range quoted[1:] {
		if e, ok := findEntity(b.Entities, q[1]); !ok || e.ID != first.ID {
			t.Errorf("%q resolves to %q, want %q like %q", q[1], e.ID, first.ID, quoted[0][1])
		}
	}
}

// sourcesOf returns the S-numbers of a relationship's evidence ("S1".."S5"), taken from
// the article id convention "sN-outlet-date".
func sourcesOf(r graph.Relationship) []string {
	var out []string
	for _, id := range r.Articles() {
		if len(id) > 2 && id[0] == 's' && id[2] == '-' {
			out = append(out, "S"+id[1:2])
		}
	}
	slices.Sort(out)
	return out
}

func TestSeedArticlesMatchSources(t *testing.T) {
	md := readFacts(t)
	b := defaultBatch(t)
	rows := table(t, section(t, md, "Sources"))
	if len(b.Articles) < len(rows) {
		t.Errorf("%d articles, want at least the %d sources", len(b.Articles), len(rows))
	}
	outlets := map[string]graph.Entity{}
	for _, e := range b.Entities {
		outlets[e.ID] = e
	}
	day := regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)
	year := regexp.MustCompile(`\b\d{4}\b`)
	quoted := regexp.MustCompile(`"([^"]+)"`)
	for _, row := range rows {
		sid := row["id"]
		i := slices.IndexFunc(b.Articles, func(a graph.Article) bool { return strings.HasPrefix(a.ID, strings.ToLower(sid)+"-") })
		if i < 0 {
			t.Errorf("%s: no article with id %s-…", sid, strings.ToLower(sid))
			continue
		}
		a := b.Articles[i]
		outlet := row["outlet"]
		if m := quoted.FindStringSubmatch(outlet); m != nil {
			outlet = m[1]
		}
		if got := outlets[a.Outlet].Name; Fold(got) != Fold(outlet) {
			t.Errorf("%s: outlet %q, want %q", a.ID, got, outlet)
		}
		if h := row["headline (as published)"]; !strings.HasPrefix(h, "no headline") && a.Title != h {
			t.Errorf("%s: title %q, want the published headline %q", a.ID, a.Title, h)
		}
		if d := day.FindString(row["date"]); d != "" {
			if string(a.Published) != d {
				t.Errorf("%s: published %q, want %q", a.ID, a.Published, d)
			}
		} else if y := year.FindString(row["date"]); !strings.HasPrefix(string(a.Published), y) {
			t.Errorf("%s: published %q, want a date in %s", a.ID, a.Published, y)
		}
		byline := strings.NewReplacer(";", ",", "contributors ", "").Replace(row["byline"])
		if strings.HasPrefix(byline, "none") {
			if len(a.Authors) > 0 {
				t.Errorf("%s: authors %v, but the source gives no byline", a.ID, a.Authors)
			}
			continue
		}
		for _, name := range strings.Split(byline, ",") {
			if name = strings.TrimSpace(name); !slices.Contains(a.Authors, name) {
				t.Errorf("%s: authors %v lack %q", a.ID, a.Authors, name)
			}
		}
	}
}

func TestSeedRelationshipsCoverTheFacts(t *testing.T) {
	md := readFacts(t)
	b := defaultBatch(t)
	events := section(t, md, "Events and relations")
	var facts int
	for _, l := range strings.Split(events, "\n") {
		if strings.HasPrefix(l, "- ") {
			facts++
		}
	}
	// Some bullets hold two facts and memberships are several edges, so this is a floor.
	if len(b.Relationships) < facts {
		t.Errorf("%d relationships for %d listed facts", len(b.Relationships), facts)
	}
	for _, r := range b.Relationships {
		if len(r.Evidence) == 0 {
			t.Errorf("%s has no evidence", r)
		}
		for _, ev := range r.Evidence {
			if strings.TrimSpace(ev.Excerpt) == "" {
				t.Errorf("%s: evidence from %s has no excerpt", r, ev.Article)
			}
		}
	}
	// Every source reports something the seed records.
	cited := map[string]bool{}
	for _, r := range b.Relationships {
		for _, s := range sourcesOf(r) {
			cited[s] = true
		}
	}
	for _, s := range sourceRef.FindAllString(section(t, md, "Sources"), -1) {
		if !cited[s] {
			t.Errorf("no relationship cites %s", s)
		}
	}
}

// TestSeedKeyFacts spot-checks the facts of seed-facts.md that matter most, by their shape:
// type, ends, polarity, the exact set of reporting sources and, for figures, the number.
func TestSeedKeyFacts(t *testing.T) {
	b := defaultBatch(t)
	s14 := []string{"S1", "S2", "S3", "S4"}
	cases := []struct {
		fact     string
		typ      graph.RelationType
		from, to string
		negated  bool
		sources  []string
		quantity string
	}{
		{"US warned Mexico Russia uses it as a base", graph.Warned, "united-states", "mexico", false, s14, ""},
		{"US briefed López Obrador", graph.Warned, "united-states", "andres-manuel-lopez-obrador", false, []string{"S2", "S3", "S4"}, ""},
		{"concerns raised with Sheinbaum's government", graph.Warned, "united-states", "claudia-sheinbaum", false, []string{"S1", "S3"}, ""},
		{"CIA list of officers given to Mexico", graph.Warned, "cia", "mexico", false, s14, "two dozen"},
		{"VanHerck's testimony on GRU officers", graph.Warned, "glen-vanherck", "us-senate-armed-services-committee", false, []string{"S3", "S4", "S5"}, ""},
		{"Sherman raised it with Ebrard", graph.Warned, "wendy-sherman", "marcelo-ebrard", false, []string{"S1", "S3"}, ""},
		{"González raised it with the president", graph.Warned, "juan-gonzalez", "andres-manuel-lopez-obrador", false, []string{"S3"}, ""},
		{"Sherwood-Randall on spies among migrants", graph.Warned, "liz-sherwood-randall", "andres-manuel-lopez-obrador", false, []string{"S3", "S4"}, ""},
		{"US asked Mexico to expel the officers", graph.Requested, "united-states", "mexico", false, s14, ""},
		{"Mexico rejected the expulsion request", graph.Denied, "mexico", "united-states", false, s14, ""},
		{"Mexican officials dismissed the warnings", graph.Denied, "mexico", "united-states", false, []string{"S1", "S3"}, ""},
		{"López Obrador denied knowing of spies", graph.Denied, "andres-manuel-lopez-obrador", "glen-vanherck", false, []string{"S3", "S4", "S5"}, ""},
		{"Ebrard: not a problem", graph.Denied, "marcelo-ebrard", "united-states", false, []string{"S1", "S3", "S5"}, ""},
		{"Mexico turned down Russian accreditations", graph.Denied, "mexico", "russia", false, s14, ""},
		{"Russian embassy rejected the accusations", graph.Denied, "russian-embassy-mexico-city", "united-states", false, []string{"S3", "S4"}, ""},
		{"Mexico did not expel the officers", graph.Expelled, "mexico", "russian-intelligence-officers-in-mexico", true, s14, ""},
		{"US and allies expelled 100+ in 2022", graph.Expelled, "united-states", "russian-intelligence-officers", false, []string{"S3", "S4"}, "more than 100"},
		{"600+ expelled across Europe", graph.Expelled, "european-allies", "russian-intelligence-officers", false, []string{"S2", "S5"}, "more than 600"},
		{"expulsions after the 2018 poisoning", graph.Expelled, "european-allies", "russian-intelligence-officers", false, []string{"S3"}, "dozens"},
		{"Dutch expelled the fake Brazilian student", graph.Expelled, "netherlands", "russian-intelligence-officers", false, []string{"S5"}, ""},
		{"Russia redeployed expelled officers to Mexico", graph.Deployed, "russia", "mexico", false, []string{"S1"}, ""},
		{"Russian embassy accused Estevez", graph.Accused, "russian-embassy-mexico-city", "dolia-estevez", false, []string{"S5"}, ""},
		{"Cabrera Fuentes arrested", graph.Arrested, "united-states", "hector-alejandro-cabrera-fuentes", false, []string{"S3"}, ""},
		{"85 Russian diplomats", graph.Accredited, "mexico", "russian-embassy-mexico-city", false, []string{"S2", "S3"}, "85"},
		{"86 Russian diplomats", graph.Accredited, "mexico", "russian-embassy-mexico-city", false, []string{"S5"}, "86"},
		{"16 Mexican diplomats in Moscow", graph.Accredited, "russia", "mexico", false, []string{"S3"}, "16"},
		{"11 Mexican diplomats in Moscow", graph.Accredited, "russia", "mexico", false, []string{"S5"}, "11"},
		{"46 US diplomats in Mexico", graph.Accredited, "mexico", "us-embassy-mexico-city", false, []string{"S5"}, "46"},
		{"150 KGB officers", graph.Deployed, "kgb", "mexico", false, []string{"S5"}, "150"},
		{"Lourdes station revived", graph.Deployed, "russia", "cuba", false, []string{"S1"}, ""},
		{"Estonia caught three spies", graph.Exposed, "estonia", "russian-intelligence-officers", false, []string{"S5"}, "3"},
		{"US embassy's Russia watcher", graph.Monitored, "us-embassy-mexico-city", "russia", false, []string{"S3", "S4"}, ""},
		{"French embassy's disinformation post", graph.Monitored, "french-embassy-mexico", "russia", false, []string{"S3", "S4"}, ""},
		{"Mexico agreed to US input on accreditations", graph.Agreed, "mexico", "united-states", false, s14, ""},
		{"Patrushev pledged help against US influence", graph.Supported, "nikolai-patrushev", "", false, []string{"S3"}, ""},
	}
	for _, c := range cases {
		i := slices.IndexFunc(b.Relationships, func(r graph.Relationship) bool {
			return r.Type == c.typ && r.From == c.from && r.To == c.to && r.Negated == c.negated &&
				slices.Equal(sourcesOf(r), c.sources) && strings.Contains(r.Quantity, c.quantity)
		})
		if i < 0 {
			t.Errorf("%s: no %s %s→%s (negated %t) reported by exactly %v with quantity containing %q",
				c.fact, c.typ, c.from, c.to, c.negated, c.sources, c.quantity)
		}
	}
}

// TestSeedExcerptsAreOurOwnWords keeps evidence to short restatements: quoted phrases stay
// within a few words, and an excerpt is a sentence or two, not a passage.
func TestSeedExcerptsAreOurOwnWords(t *testing.T) {
	const maxQuoteWords, maxExcerptWords = 12, 45
	quote := regexp.MustCompile(`"([^"]*)"|“([^”]*)”`)
	for _, r := range defaultBatch(t).Relationships {
		for _, ev := range r.Evidence {
			if n := len(strings.Fields(ev.Excerpt)); n > maxExcerptWords {
				t.Errorf("%s, %s: excerpt has %d words, more than %d", r.ID, ev.Article, n, maxExcerptWords)
			}
			for _, m := range quote.FindAllStringSubmatch(ev.Excerpt, -1) {
				if n := len(strings.Fields(m[1] + m[2])); n > maxQuoteWords {
					t.Errorf("%s, %s: quote %q has %d words, more than %d", r.ID, ev.Article, m[0], n, maxQuoteWords)
				}
			}
		}
	}
}

func TestDefaultReturnsACopy(t *testing.T) {
	a := Default()
	a[0] ^= 0xff
	if b := Default(); b[0] == a[0] {
		t.Error("changing the bytes Default returned changed the embedded seed")
	}
}
