package export

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dossiergraph/dossier/extract"
	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/neo4j/neo4jtest"
	"github.com/dossiergraph/dossier/seed"
)

// analystSheet is a journalist's own findings: header cells in their own spelling, names as
// people write them (an id, a name, an alias, a new name used twice), a relation type in
// words, a refusal, a source cited twice by URL, and the same act reported by two rows.
const analystSheet = "\ufeffFrom , TYPE,to,Date,Summary,Negated,Source URL,outlet,Title,to-kind,Quantity\n" +
	"united-states,warned,Mexico,2022,,no,https://sheet.example/us,The New York Times,US warning retold,,\n" +
	"Jane Roe,accused,Ministry of the Interior of Ruritania,2024-02,Roe accused the ministry of spying.,,https://ruritania.example/1,Ruritania Daily Star,Roe accuses the ministry,,\n" +
	"Ministry of the Interior of Ruritania,member of,Ruritania,,,,,,,government,\n" +
	"AMLO,EXPELLED,Jane Roe,,,yes,https://ruritania.example/1,,,,two\n" +
	"Jane Roe,Accused,Ministry of the Interior of Ruritania,,,,,The Insider,A second report,,\n" +
	",,,,,,,,,,\n"

// extractor is loaded once: its lemma dictionary takes a while.
var extractor = sync.OnceValues(extract.New)

func sheetOptions(t *testing.T, dryRun bool) SheetOptions {
	t.Helper()
	x, err := extractor()
	if err != nil {
		t.Fatal(err)
	}
	return SheetOptions{DryRun: dryRun, World: x.LookupWorld, GuessKind: extract.GuessKind}
}

// seededStores opens an empty store of each kind in turn, loads the seed and runs fn on it.
func eachSeededStore(t *testing.T, fn func(t *testing.T, s graph.Store)) {
	open := map[string]func(t *testing.T) graph.Store{
		"bolt":  func(t *testing.T) graph.Store { return openStore(t) },
		"neo4j": func(t *testing.T) graph.Store { return neo4jtest.Open(t) },
	}
	for _, name := range []string{"bolt", "neo4j"} {
		t.Run(name, func(t *testing.T) {
			s := open[name](t)
			if _, err := seed.Load(context.Background(), s, "seed.yaml", seed.Default()); err != nil {
				t.Fatal(err)
			}
			fn(t, s)
		})
	}
}

func TestImportSheet(t *testing.T) {
	eachSeededStore(t, func(t *testing.T, s graph.Store) {
		ctx := context.Background()
		before := readAll(t, s)
		beforeStats, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}

		dry, err := ImportSheet(ctx, s, strings.NewReader(analystSheet), sheetOptions(t, true))
		if err != nil {
			t.Fatalf("dry run: %v", err)
		}
		if !equalJSON(readAll(t, s), before) {
			t.Fatal("a dry run changed the store")
		}

		report, err := ImportSheet(ctx, s, strings.NewReader(analystSheet), sheetOptions(t, false))
		if err != nil {
			t.Fatalf("import: %v", err)
		}
		if !equalJSON(dry.Rows, report.Rows) || !equalJSON(dry.Result, report.Result) {
			t.Errorf("the dry run reported\n%s\n%s\nthe import\n%s\n%s", asJSON(dry.Rows), asJSON(dry.Result), asJSON(report.Rows), asJSON(report.Result))
		}
		var lines []int
		var actions []string
		for _, r := range report.Rows {
			lines = append(lines, r.Line)
			actions = append(actions, r.Action)
		}
		if !slices.Equal(lines, []int{2, 3, 4, 5, 6}) || !slices.Equal(actions, []string{"corroborated", "created", "created", "created", "corroborated"}) {
			t.Fatalf("rows %v did %v", lines, actions)
		}
		row := func(i int) SheetRow { return report.Rows[i] }
		if r := row(0); r.From.ID != "united-states" || r.From.Created || r.To.ID != "mexico" || r.To.Created {
			t.Errorf("line 2 must match the seed's entities by id and by name: %+v", r)
		}
		if r := row(3); r.From.ID != "andres-manuel-lopez-obrador" || r.To.ID != row(1).From.ID || r.To.Created {
			t.Errorf("line 5 must match AMLO by alias and Jane Roe as the sheet's own new entity: %+v", r)
		}
		if r := row(1); !r.From.Created || r.From.Kind != graph.Person || !r.To.Created || r.To.Kind != graph.Agency {
			t.Errorf("line 3 must create a person and an agency: %+v", r)
		}
		if r := row(2); r.To.Kind != graph.Government || !r.To.Created || r.From.Created {
			t.Errorf("line 4 must create Ruritania as the GOVERNMENT its to_kind says and reuse the ministry: %+v", r)
		}
		if row(3).Article != row(1).Article || row(1).Article == "" {
			t.Errorf("lines 3 and 5 cite the same URL and must share an article: %q, %q", row(1).Article, row(3).Article)
		}
		if row(4).Relationship != row(1).Relationship {
			t.Errorf("lines 3 and 6 report the same act: %s, %s", row(1).Relationship, row(4).Relationship)
		}

		after, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after.Entities != beforeStats.Entities+4 || after.Articles != beforeStats.Articles+3 ||
			after.Relationships != beforeStats.Relationships+3 || after.NegatedRelationships != beforeStats.NegatedRelationships+1 {
			t.Errorf("stats went from %+v to %+v, want 4 entities, 3 articles, 3 relationships (1 negated) more", beforeStats, after)
		}
		warned, err := s.Relationship(ctx, row(0).Relationship)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(warned.Articles(), "the-new-york-times-us-warning-retold") || warned.Date != "2022" {
			t.Errorf("the seed's warning must gain the sheet's source as evidence: %+v", warned)
		}
		expelled, err := s.Relationship(ctx, row(3).Relationship)
		if err != nil {
			t.Fatal(err)
		}
		if !expelled.Negated || expelled.Type != graph.Expelled || expelled.Quantity != "two" {
			t.Errorf("line 5 must be a negated expulsion of two: %+v", expelled)
		}
		accused, err := s.Relationship(ctx, row(1).Relationship)
		if err != nil {
			t.Fatal(err)
		}
		if accused.SourceCount != 2 || accused.Date != "2024-02" || accused.Summary == "" {
			t.Errorf("lines 3 and 6 must make one accusation with two outlets, its date and summary: %+v", accused)
		}
		outlet, err := s.Entity(ctx, row(1).Article[:len("ruritania-daily-star")])
		if err != nil || outlet.Kind != graph.Outlet {
			t.Errorf("the new outlet: %+v, %v", outlet, err)
		}

		// Importing the same sheet again changes nothing.
		snapshot := readAll(t, s)
		again, err := ImportSheet(ctx, s, strings.NewReader(analystSheet), sheetOptions(t, false))
		if err != nil {
			t.Fatalf("second import: %v", err)
		}
		for _, r := range again.Rows {
			if r.Action != "unchanged" && r.Line != 6 || r.From.Created || r.To != nil && r.To.Created {
				t.Errorf("second import, line %d: %+v", r.Line, r)
			}
		}
		if !equalJSON(readAll(t, s), snapshot) {
			t.Error("importing the same sheet twice changed the store")
		}
	})
}

func TestImportSheetProblems(t *testing.T) {
	const header = "from,type,to,date,negated,source_url,outlet,title,from_kind\n"
	cases := map[string]struct {
		sheet   string
		mention []string
	}{
		"missing column": {"from,type,date\nUS,WARNED,2022\n", []string{"line 1, column to", "required"}},
		"unknown column": {"from,type,to,colour\nUS,WARNED,Mexico,red\n", []string{`column "colour"`, "source_url"}},
		"unknown type": {header + "United States,warned,Mexico,,,,,,\nUnited States,WARNS,Mexico,,,,,,\n",
			[]string{"line 3, column type", `"WARNS"`, "WARNED, DENIED, EXPELLED"}},
		"bad date and flag": {header + "United States,warned,Mexico,late 2022,maybe,,,,\n",
			[]string{"line 2, column date", "YYYY-MM-DD", "line 2, column negated"}},
		"empty from":         {header + ",warned,Mexico,,,,,,\n", []string{"line 2, column from"}},
		"source sans outlet": {header + "United States,warned,Mexico,,,https://new.example/x,,,\n", []string{"line 2, column outlet"}},
		"kind conflict":      {header + "Mexico,warned,Russia,,,,,,PERSON\n", []string{"line 2, column from_kind", "GOVERNMENT"}},
		"unknown kind":       {header + "Zed,warned,Russia,,,,,,ROBOT\n", []string{"line 2, column from_kind", "PERSON, GOVERNMENT"}},
		"header only":        {header, []string{"no rows"}},
		"not UTF-8":          {header + "M\xe9xico,warned,Russia,,,,,,\n", []string{"UTF-8"}},
	}
	eachSeededStore(t, func(t *testing.T, s graph.Store) {
		ctx := context.Background()
		before := readAll(t, s)
		for name, c := range cases {
			t.Run(name, func(t *testing.T) {
				_, err := ImportSheet(ctx, s, strings.NewReader(c.sheet), sheetOptions(t, false))
				if err == nil {
					t.Fatal("imported a bad sheet")
				}
				if graph.ErrorCode(err) != graph.EINVALID {
					t.Errorf("code %s: %v", graph.ErrorCode(err), err)
				}
				for _, m := range c.mention {
					if !strings.Contains(err.Error(), m) {
						t.Errorf("error %q does not mention %q", err, m)
					}
				}
			})
		}
		if !equalJSON(readAll(t, s), before) {
			t.Error("a refused sheet changed the store: imports are all or nothing")
		}
	})
}

// Spreadsheets saved in many locales separate cells with semicolons.
func TestImportSheetSemicolons(t *testing.T) {
	s := seedStore(t)
	report, err := ImportSheet(context.Background(), s, strings.NewReader("From;Type;To\nUS;WARNED;Russia\n"), sheetOptions(t, false))
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Rows) != 1 || report.Rows[0].From.ID != "united-states" || report.Rows[0].To.ID != "russia" || report.Rows[0].Action != "created" {
		t.Errorf("rows %+v", report.Rows)
	}
}
