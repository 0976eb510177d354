package resolvers

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/resolvers/resolverstest"
)

// graphiqlIntrospection is the introspection query the playground's GraphiQL (3.8.3, with
// graphql-js 16) sends, as getIntrospectionQuery({inputValueDeprecation: false}) prints it.
func graphiqlIntrospection(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/graphiql-introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestIntrospectionWithinLimits runs GraphiQL's introspection query and checks that it
// stays well inside every default limit (at most half of each), so that the playground works
// while introspection counts like any other field.
func TestIntrospectionWithinLimits(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	q := graphiqlIntrospection(t)
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(q)})})
	if err != nil {
		t.Fatal(err)
	}
	ix := newFragmentIndex(doc)
	var selections int
	for _, def := range doc.Definitions {
		selections += ix.figuresOf(selectionSet(def)).selections
	}
	op := operation(doc, "")
	depth := ix.depth(op.SelectionSet)
	cost := e.cost(doc, op, nil)
	t.Logf("GraphiQL introspection: %d selections expanded, depth %d, cost %d", selections, depth, cost)
	if selections*2 > e.opts.MaxSelections || depth+5 > e.opts.MaxIntrospectionDepth || cost*2 > e.opts.MaxComplexity {
		t.Errorf("introspection is too close to the limits: %d of %d selections, depth %d of %d, cost %d of %d",
			selections, e.opts.MaxSelections, depth, e.opts.MaxIntrospectionDepth, cost, e.opts.MaxComplexity)
	}
	res := e.Execute(t.Context(), Request{Query: q, ReadOnly: true})
	if len(res.Errors) > 0 {
		t.Fatalf("introspection fails: %v", res.Errors)
	}
	body, err := json.Marshal(res.Data)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("GraphiQL introspection answers %d bytes", len(body))
	if !strings.Contains(string(body), `"name":"RelationType"`) || len(body)*4 > e.opts.MaxResponseBytes {
		t.Errorf("introspection answer of %d bytes: want the schema's types, under a quarter of %d bytes", len(body), e.opts.MaxResponseBytes)
	}
}

func TestDocumentLimits(t *testing.T) {
	store := newCountingStore(storyStore(t))
	e := newTestExecutor(t, store, Options{})
	repeat := func(s string, n int) string { return "{ " + strings.Repeat(s+" ", n) + "}" }
	aliases := func(n int) string {
		var b strings.Builder
		b.WriteString("{ ")
		for i := range n {
			fmt.Fprintf(&b, "a%d: stats { entities } ", i)
		}
		return b.String() + "}"
	}
	cases := []struct {
		name, query, code string
	}{
		{"fragments spread twice", resolverstest.FragmentChain(30, 2, "__Type", "__schema { types {", "} }", "name fields { name }"), CodeQueryTooLarge},
		{"fragments spread ten times", resolverstest.FragmentChain(9, 10, "Stats", "stats {", "}", "entities"), CodeQueryTooLarge},
		{"many aliases", aliases(DefaultMaxAliases + 1), CodeTooManyAliases},
		{"introspection aliases", "{ " + strings.Repeat("s: __schema { types { fields { name } } } ", 17) + "}", CodeTooManyRepeatedFields},
		{"repeated field", repeat("stats { entities }", DefaultMaxSameName+1), CodeTooManyRepeatedFields},
		{"repeated field through fragments", `{ ...A ...B } fragment A on Query { ` + strings.Repeat("stats { entities } ", 9) + `} fragment B on Query { ` + strings.Repeat("stats { entities } ", 9) + `}`, CodeTooManyRepeatedFields},
		{"repeated field merged below", "{ " + strings.Repeat("stats { "+strings.Repeat("entities ", 5)+"} ", 4) + "}", CodeTooManyRepeatedFields},
		{"too many selections", repeat("... on Query { __typename }", DefaultMaxSelections/2+1), CodeQueryTooLarge},
		{"deep introspection", "{ __schema { types { " + strings.Repeat("fields { type { ", 10) + "name" + strings.Repeat(" } }", 10) + " } } }", CodeQueryTooDeep},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantCode(t, e, Request{Query: c.query}, c.code)
		})
	}
	if store.total() != 0 {
		t.Errorf("a refused document reached the store: %v", store.calls)
	}
	// Under the limits, repeated fields and aliases are fine.
	query(t, e, repeat("stats { entities }", DefaultMaxSameName), nil)
	query(t, e, aliases(50), nil)
}

func TestVariablesCoercedBySpec(t *testing.T) {
	store := newCountingStore(storyStore(t))
	e := newTestExecutor(t, store, Options{})
	const page = `query($f: Int) { entities(first: $f) { edges { node { relationships(first: $f) { totalCount } } } } }`
	num := func(s string) json.Number { return json.Number(s) }
	refused := []struct {
		query string
		vars  map[string]any
		want  []string // in the message
	}{
		{page, map[string]any{"f": "500"}, []string{"$f", "Int", `string "500"`}},
		{page, map[string]any{"f": num("1.5")}, []string{"$f", "fraction 1.5"}},
		{page, map[string]any{"f": 1.5}, []string{"$f", "fraction"}},
		{page, map[string]any{"f": true}, []string{"$f", "boolean true"}},
		{page, map[string]any{"f": num("1e400")}, []string{"$f", "1e400", "out of range"}},
		{page, map[string]any{"f": num("2147483648")}, []string{"$f", "out of range"}},
		{page, map[string]any{"f": num("-2147483649")}, []string{"$f", "out of range"}},
		{page, map[string]any{"f": []any{num("1")}}, []string{"$f", "a list"}},
		{`query($b: Boolean) { relationships(includeNegated: $b) { totalCount } }`, map[string]any{"b": "true"}, []string{"$b", "Boolean"}},
		{`query($b: Boolean) { relationships(includeNegated: $b) { totalCount } }`, map[string]any{"b": num("1")}, []string{"$b", "Boolean"}},
		{`query($id: ID!) { entity(id: $id) { name } }`, map[string]any{"id": true}, []string{"$id", "ID"}},
		{`query($id: ID!) { entity(id: $id) { name } }`, map[string]any{"id": num("1.5")}, []string{"$id", "ID"}},
		{`query($id: ID!) { entity(id: $id) { name } }`, map[string]any{}, []string{"$id", "required"}},
		{`query($id: ID!) { entity(id: $id) { name } }`, map[string]any{"id": nil}, []string{"$id", "null"}},
		{`query($s: String!) { search(text: $s) { id } }`, map[string]any{"s": num("7")}, []string{"$s", "String"}},
		{`query($t: [RelationType!]) { relationships(types: $t) { totalCount } }`, map[string]any{"t": []any{"WARNED", "HUGGED"}}, []string{"$t", "item 1", "WARNED", `"HUGGED"`}},
		{`query($t: [RelationType!]) { relationships(types: $t) { totalCount } }`, map[string]any{"t": []any{nil}}, []string{"$t", "null"}},
		{`mutation($in: EntityInput!) { createEntity(input: $in) { id } }`, map[string]any{"in": map[string]any{"kind": "PERSON", "name": "X", "evil": 1}}, []string{"$in", `"evil"`}},
		{`mutation($in: EntityInput!) { createEntity(input: $in) { id } }`, map[string]any{"in": map[string]any{"name": "X"}}, []string{"$in", "kind"}},
		{`mutation($in: EntityInput!) { createEntity(input: $in) { id } }`, map[string]any{"in": "X"}, []string{"$in", "object"}},
		{`query($d: PartialDate) { timeline(until: $d) { id } }`, map[string]any{"d": num("2022")}, []string{"$d", "PartialDate"}},
	}
	for _, c := range refused {
		r := do(t, e, Request{Query: c.query, Variables: c.vars, CanWrite: true})
		if len(r.Errors) != 1 || r.codes()[0] != graph.EINVALID || r.Data != nil {
			t.Errorf("%v: want one BAD_INPUT and no data, got %+v", c.vars, r.Errors)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(r.Errors[0].Message, w) {
				t.Errorf("%v: message %q lacks %q", c.vars, r.Errors[0].Message, w)
			}
		}
	}
	if store.total() != 0 {
		t.Errorf("a refused request reached the store: %v", store.calls)
	}
	// Accepted: integers as JSON numbers (1.0 is an integer), lists from single values, IDs
	// given as integers.
	for _, vars := range []map[string]any{{"f": num("3")}, {"f": num("3.0")}, {"f": 3}, {"f": nil}, {}} {
		if r := do(t, e, Request{Query: page, Variables: vars}); len(r.Errors) > 0 {
			t.Errorf("%v: %v", vars, r.Errors)
		}
	}
	if data := query(t, e, `query($t: [RelationType!]) { relationships(types: $t) { totalCount } }`, map[string]any{"t": "DENIED"}); path(data, "relationships", "totalCount") != float64(1) {
		t.Errorf("a single enum for a list: %v", data)
	}
	if r := do(t, e, Request{Query: `query($id: ID!) { entity(id: $id) { name } }`, Variables: map[string]any{"id": num("12")}}); len(r.Errors) > 0 {
		t.Errorf("an integer ID: %v", r.Errors)
	}
}

// TestCostUsesCoercedVariables checks that the estimate reads variables as the executor
// will: a page size of 500 given as a JSON number is costed as 500 at both levels.
func TestCostUsesCoercedVariables(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	const q = `query($f: Int = 400) { entities(first: $f) { edges { node { relationships(first: $f) { edges { node { id } } } } } } }`
	byVariable := wantCode(t, e, Request{Query: q, Variables: map[string]any{"f": json.Number("500")}}, CodeQueryTooComplex)
	literal := wantCode(t, e, Request{Query: `{ entities(first: 500) { edges { node { relationships(first: 500) { edges { node { id } } } } } } }`}, CodeQueryTooComplex)
	if byVariable.Errors[0].Message != literal.Errors[0].Message {
		t.Errorf("a variable is costed as %q, the same literal as %q", byVariable.Errors[0].Message, literal.Errors[0].Message)
	}
	wantCode(t, e, Request{Query: q}, CodeQueryTooComplex) // the default counts too
	query(t, e, q, map[string]any{"f": json.Number("20")})
}

// TestRequestStops checks that a request past its deadline, or whose answer outgrows the
// ceiling, stops with its own code and no data.
func TestRequestStops(t *testing.T) {
	e := newTestExecutor(t, bigStore(t, 120), Options{MaxResponseBytes: 2000})
	wantCode(t, e, Request{Query: pageQuery, Variables: map[string]any{"n": 100}}, CodeResponseTooLarge, "2000")
	query(t, e, `{ stats { entities } }`, nil)

	e = newTestExecutor(t, storyStore(t), Options{Timeout: time.Nanosecond})
	wantCode(t, e, Request{Query: `{ stats { entities } }`}, CodeRequestTimeout)

	e = newTestExecutor(t, storyStore(t), Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if r := e.Execute(ctx, Request{Query: `{ stats { entities } }`}); len(r.Errors) != 1 || r.Data != nil {
		t.Errorf("a cancelled request: %+v", r)
	}
}

// The schema has no Float, but the coercion is written for every built-in scalar.
func TestCoerceFloat(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	for v, ok := range map[any]bool{json.Number("1.5"): true, json.Number("2"): true, 3: true, json.Number("1e400"): false, "1": false, true: false} {
		_, err := coerceNamed(e.Schema(), graphql.Float, v)
		if (err == nil) != ok {
			t.Errorf("Float from %#v: err %v, want ok %v", v, err, ok)
		}
	}
}

func TestIntLiteralsIn32Bits(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	for _, q := range []string{
		`{ entities(first: 99999999999) { totalCount } }`,
		`{ entities(first: -2147483649) { totalCount } }`,
		`query($f: Int = 2147483648) { entities(first: $f) { totalCount } }`,
	} {
		wantCode(t, e, Request{Query: q}, graph.EINVALID, "out of range")
	}
	wantCode(t, e, Request{Query: `{ neighborhood(id: "gru", limit: 9223372036854775808) { nodes { id } } }`}, graph.EINVALID)
	query(t, e, `{ entities(first: 2) { totalCount } }`, nil)
}

// TestMalformedVariableTypes: graphql-go's parser accepts these, and its validation then
// panics on the missing type (found by FuzzGraphQLHandler).
func TestMalformedVariableTypes(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	for _, q := range []string{
		`query($A:) { stats { entities } }`,
		`query($A: !) { stats { entities } }`,
		`query($A: ]) { stats { entities } }`,
		`query($A: [Int)) { stats { entities } }`,
		`query($A: [!]) { stats { entities } }`,
	} {
		wantCode(t, e, Request{Query: q}, CodeParseFailed)
	}
	query(t, e, `query($A: [RelationType!]!) { relationships(types: $A) { totalCount } }`, map[string]any{"A": []any{"WARNED"}})
}

// BenchmarkRefuse measures refusing the worst documents against executing a tiny
// query without the cache: the checks are linear, so a refusal costs about as much as
// parsing the text.
func BenchmarkRefuse(b *testing.B) {
	e := newTestExecutor(b, storyStore(b), Options{CacheSize: -1})
	for name, q := range map[string]string{
		"tiny query (executed)":           `{ stats { entities } }`,
		"9 fragments x 10 spreads":        resolverstest.FragmentChain(9, 10, "Stats", "stats {", "}", "entities"),
		"22 fragments x 2, introspection": resolverstest.FragmentChain(22, 2, "__Type", "__schema { types {", "} }", "name fields { name }"),
		"16000 aliases":                   "{" + strings.Repeat(" a: __schema { types { fields { name } } }", 16000) + " }",
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				e.Execute(context.Background(), Request{Query: q})
			}
		})
	}
}
