package seed

import (
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// valid is the smallest well-formed seed; the error cases below each break one thing in a
// copy of it, so the line numbers in their wants follow this layout.
const valid = `entities:
  - id: alice
    kind: PERSON
    name: Alice
  - id: daily
    kind: OUTLET
    name: The Daily
articles:
  - id: a1
    title: A story
    outlet: daily
    published: "2024-05"
relationships:
  - id: r1
    type: WARNED
    from: alice
    to: daily
    negated: False
    date: 2022-03-14
    evidence:
      - article: a1
        excerpt: Says Alice warned the Daily.
`

func TestParseValid(t *testing.T) {
	b, err := Parse("ok.yaml", []byte(valid))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(b.Entities) != 2 || len(b.Articles) != 1 || len(b.Relationships) != 1 {
		t.Fatalf("got %d entities, %d articles, %d relationships; want 2, 1, 1", len(b.Entities), len(b.Articles), len(b.Relationships))
	}
	r := b.Relationships[0]
	if r.Type != graph.Warned || r.From != "alice" || r.To != "daily" || r.Date != "2022-03-14" || r.Negated || len(r.Evidence) != 1 {
		t.Errorf("relationship decoded as %+v", r)
	}
	if a := b.Articles[0]; a.Published != "2024-05" || a.Outlet != "daily" {
		t.Errorf("article decoded as %+v", a)
	}
}

// edit returns valid with the first occurrence of old replaced by new.
func edit(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(valid, old) {
		t.Fatalf("the valid seed has no %q", old)
	}
	return strings.Replace(valid, old, new, 1)
}

func TestParseErrorsNameFileAndLine(t *testing.T) {
	cases := []struct {
		name, data, want string
	}{
		{"unknown type", edit(t, "type: WARNED", "type: WARNS"),
			`bad.yaml:15: relationship "r1": unknown type "WARNS"`},
		{"unknown kind", edit(t, "kind: PERSON", "kind: ROBOT"),
			`bad.yaml:3: entity "alice": unknown kind "ROBOT"`},
		{"unknown entity key", edit(t, "name: Alice", "nmae: Alice"),
			`bad.yaml:4: entity "alice": unknown key "nmae"`},
		{"unknown top-level key", valid + "extras: []\n",
			`bad.yaml:23: the top level: unknown key "extras"`},
		{"duplicate key", edit(t, "    name: Alice\n", "    name: Alice\n    name: Alicia\n"),
			`bad.yaml:5: entity "alice": key "name" appears twice (first at line 4)`},
		{"wrong type for negated", edit(t, "negated: False", "negated: \"yes\""),
			`bad.yaml:18: relationship "r1": negated: want true or false, got "yes"`},
		{"number where a string belongs", edit(t, "name: Alice", "name: 42"),
			`bad.yaml:4: entity "alice": name: want a string, got int 42`},
		{"mapping where a list belongs", edit(t, "    name: Alice\n", "    name: Alice\n    aliases: {a: b}\n"),
			`bad.yaml:5: entity "alice": aliases: want a list of strings, got a mapping`},
		{"dangling from", edit(t, "from: alice", "from: bob"),
			`bad.yaml:16: relationship "r1": from: unknown entity "bob"`},
		{"dangling evidence article", edit(t, "article: a1", "article: a9"),
			`bad.yaml:21: relationship "r1": evidence article: unknown article "a9"`},
		{"dangling about", edit(t, "    to: daily\n", "    to: daily\n    about: [alice, carol]\n"),
			`bad.yaml:18: relationship "r1": about: unknown entity "carol"`},
		{"outlet that is not an outlet", edit(t, "outlet: daily", "outlet: alice"),
			`bad.yaml:11: article "a1": outlet: "alice" is a PERSON (line 2), not an OUTLET`},
		{"invalid date", edit(t, `published: "2024-05"`, `published: "2024-13"`),
			`bad.yaml:12: article "a1": published: invalid partial date "2024-13"`},
		{"duplicate entity id", edit(t, "  - id: daily\n", "  - id: alice\n"),
			`bad.yaml:5: entity "alice" is defined twice (first at line 2)`},
		{"no evidence", edit(t, "    evidence:\n      - article: a1\n        excerpt: Says Alice warned the Daily.\n", ""),
			`bad.yaml:14: relationship "r1": evidence is required`},
		{"evidence citing one article twice", valid + "      - article: a1\n",
			`bad.yaml:23: relationship "r1": article "a1" is cited twice (first at line 21)`},
		{"invalid id caught by graph validation", edit(t, "id: alice\n", "id: Alice Smith\n"),
			`bad.yaml:2: entity id "Alice Smith" is invalid`},
		{"missing id", edit(t, "  - id: a1\n", "  - url: https://example.org\n"),
			`bad.yaml:9: article #1: id is required`},
		{"YAML alias", edit(t, "    name: Alice\n", "    name: &n Alice\n    role: *n\n"),
			`bad.yaml:5: entity "alice": role: YAML aliases are not supported`},
		{"syntax error", edit(t, "    name: Alice\n", "    name: Alice\n   bad indent\n"),
			`bad.yaml:5: did not find expected '-' indicator (in the block that starts at line 1)`},
		{"unclosed flow list", edit(t, "    name: Alice\n", "    name: Alice\n    aliases: [Al\n"),
			`bad.yaml:5: did not find expected ',' or ']'`},
		{"two documents", valid + "---\nentities: []\n",
			`bad.yaml:23: a seed file holds one YAML document`},
		{"top level is a list", "- a\n- b\n",
			`bad.yaml:1: the top level must be a mapping`},
		{"empty file", "",
			`bad.yaml: the file is empty`},
		{"only comments", "# nothing yet\n",
			`bad.yaml: the file is empty`},
		{"empty document", "---\n",
			`bad.yaml: the file is empty`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(c.data))
			if err == nil {
				t.Fatalf("Parse accepted:\n%s", c.data)
			}
			if code := graph.ErrorCode(err); code != graph.EINVALID {
				t.Errorf("error code %q, want %q", code, graph.EINVALID)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error\n%v\ndoes not contain\n%s", err, c.want)
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	data := strings.NewReplacer("type: WARNED", "type: WARNS", "from: alice", "from: bob", "kind: OUTLET", "kind: PAPER").Replace(valid)
	_, err := Parse("bad.yaml", []byte(data))
	if err == nil {
		t.Fatal("Parse accepted three problems")
	}
	for _, want := range []string{"bad.yaml:6:", "bad.yaml:15:", "bad.yaml:16:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error\n%v\nlacks a problem at %s", err, want)
		}
	}
}
