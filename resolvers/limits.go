package resolvers

import (
	"fmt"
	"math"
	"strconv"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/kinds"
	"github.com/graphql-go/graphql/language/visitor"

	"github.com/dossiergraph/dossier/graph"
)

// The limits below are computed from the parsed document before graphql-go validates it:
// some of graphql-go's rules (overlapping fields above all) take time that grows with the
// square of the document once fragments are expanded, so the document must be known to be
// small first. Every figure for a fragment is computed once and reused at each of its
// spreads, so the checks are linear in the document's text however often fragments spread.

// figures are what a document's selections add up to once fragments are expanded.
type figures struct {
	selections int // fields, inline fragments and spreads
	aliases    int
}

// fragmentIndex looks fragments up by name and memoises what is computed about them.
type fragmentIndex struct {
	defs     map[string]*ast.FragmentDefinition
	figures  map[string]figures
	depths   map[string]int
	visiting map[string]bool // fragments being computed: a spread back into one is a cycle
}

func newFragmentIndex(doc *ast.Document) *fragmentIndex {
	ix := &fragmentIndex{
		defs:     map[string]*ast.FragmentDefinition{},
		figures:  map[string]figures{},
		depths:   map[string]int{},
		visiting: map[string]bool{},
	}
	for _, def := range doc.Definitions {
		if f, ok := def.(*ast.FragmentDefinition); ok && f.Name != nil {
			ix.defs[f.Name.Value] = f
		}
	}
	return ix
}

// limitError is the error of a document over a limit.
func limitError(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// checkShape refuses documents over the selection, alias, repeated-name and depth limits.
// It runs on every definition, used or not, since graphql-go validates them all.
func (e *Executor) checkShape(doc *ast.Document) *Error {
	ix := newFragmentIndex(doc)
	var total figures
	for _, def := range doc.Definitions {
		f := ix.figuresOf(selectionSet(def))
		total.selections = saturatingAdd(total.selections, f.selections)
		total.aliases = saturatingAdd(total.aliases, f.aliases)
	}
	if total.aliases > e.opts.MaxAliases {
		return limitError(CodeTooManyAliases, "query has %s aliases once fragments are expanded, more than the limit of %d", countText(total.aliases), e.opts.MaxAliases)
	}
	if total.selections > e.opts.MaxSelections {
		return limitError(CodeQueryTooLarge, "query has %s selections once fragments are expanded, more than the limit of %d", countText(total.selections), e.opts.MaxSelections)
	}
	// The document is now known to be small, so walking it expanded is cheap.
	for _, def := range doc.Definitions {
		op, ok := def.(*ast.OperationDefinition)
		if !ok {
			continue
		}
		if err := e.checkRepeatedNames(ix, []*ast.SelectionSet{op.SelectionSet}); err != nil {
			return err
		}
		if err := e.checkDepth(ix, op); err != nil {
			return err
		}
	}
	for _, f := range ix.defs {
		if err := e.checkRepeatedNames(ix, []*ast.SelectionSet{f.SelectionSet}); err != nil {
			return err
		}
	}
	return nil
}

// selectionSet returns the selections of an operation or fragment definition.
func selectionSet(def ast.Node) *ast.SelectionSet {
	switch d := def.(type) {
	case *ast.OperationDefinition:
		return d.SelectionSet
	case *ast.FragmentDefinition:
		return d.SelectionSet
	}
	return nil
}

// checkVariableTypes refuses variable definitions that graphql-go's parser lets through
// malformed: no type at all ("$a:"), a lone "]" or "!", or a list closed by any token
// ("[Int)"). Validation would dereference the missing type and panic.
func checkVariableTypes(doc *ast.Document, body []byte) *Error {
	for _, def := range doc.Definitions {
		op, ok := def.(*ast.OperationDefinition)
		if !ok {
			continue
		}
		for _, v := range op.VariableDefinitions {
			if v.Variable == nil || v.Variable.Name == nil || !wellFormedType(v.Type, body) {
				name := ""
				if v.Variable != nil && v.Variable.Name != nil {
					name = v.Variable.Name.Value
				}
				return limitError(CodeParseFailed, "Syntax Error: variable $%s has a malformed type; write it as Name, [Name] or Name!", graph.Clip(name))
			}
		}
	}
	return nil
}

func wellFormedType(t ast.Type, body []byte) bool {
	switch t := t.(type) {
	case *ast.Named:
		return t != nil && t.Name != nil
	case *ast.NonNull:
		return t != nil && wellFormedType(t.Type, body)
	case *ast.List:
		closed := t != nil && t.Loc != nil && t.Loc.End > 0 && t.Loc.End <= len(body) && body[t.Loc.End-1] == ']'
		return closed && wellFormedType(t.Type, body)
	}
	return false
}

// countText prints a count, saying so when it is only known to be huge.
func countText(n int) string {
	if n >= costCeiling {
		return fmt.Sprintf("over %d", costCeiling)
	}
	return strconv.Itoa(n)
}

func (ix *fragmentIndex) figuresOf(set *ast.SelectionSet) figures {
	var f figures
	if set == nil {
		return f
	}
	for _, sel := range set.Selections {
		var sub figures
		switch s := sel.(type) {
		case *ast.Field:
			sub = ix.figuresOf(s.SelectionSet)
			if s.Alias != nil {
				sub.aliases = saturatingAdd(sub.aliases, 1)
			}
		case *ast.InlineFragment:
			sub = ix.figuresOf(s.SelectionSet)
		case *ast.FragmentSpread:
			sub = ix.fragmentFigures(s.Name.Value)
		}
		f.selections = saturatingAdd(f.selections, saturatingAdd(1, sub.selections))
		f.aliases = saturatingAdd(f.aliases, sub.aliases)
	}
	return f
}

func (ix *fragmentIndex) fragmentFigures(name string) figures {
	if f, ok := ix.figures[name]; ok {
		return f
	}
	def := ix.defs[name]
	if def == nil || ix.visiting[name] {
		return figures{} // unknown fragments and cycles are refused by validation
	}
	ix.visiting[name] = true
	f := ix.figuresOf(def.SelectionSet)
	delete(ix.visiting, name)
	ix.figures[name] = f
	return f
}

// checkRepeatedNames refuses a selection set in which more than MaxSameName fields share a
// response name. graphql-go compares such fields pairwise and then compares their
// subselections pairwise, so sets are merged as graphql-go merges them: the subselections
// of all fields sharing a name are checked as one set. Every field of the expanded document
// lands in exactly one merged set, so the walk is linear in the expanded document.
func (e *Executor) checkRepeatedNames(ix *fragmentIndex, sets []*ast.SelectionSet) *Error {
	groups := map[string][]*ast.SelectionSet{}
	var order []string
	counts := map[string]int{}
	for _, set := range sets {
		ix.flatten(set, map[string]bool{}, func(f *ast.Field) {
			name := f.Name.Value
			if f.Alias != nil {
				name = f.Alias.Value
			}
			if counts[name] == 0 {
				order = append(order, name)
			}
			counts[name]++
			if f.SelectionSet != nil {
				groups[name] = append(groups[name], f.SelectionSet)
			}
		})
	}
	for _, name := range order {
		if counts[name] > e.opts.MaxSameName {
			return limitError(CodeTooManyRepeatedFields, "%d fields answer as %q in one selection set, more than the limit of %d; give them distinct aliases or ask once", counts[name], graph.Clip(name), e.opts.MaxSameName)
		}
	}
	for _, name := range order {
		if len(groups[name]) > 0 {
			if err := e.checkRepeatedNames(ix, groups[name]); err != nil {
				return err
			}
		}
	}
	return nil
}

// flatten calls fn for every field of set, looking through inline fragments and spreads.
// active holds the fragments on the current path, so that a cycle ends the walk.
func (ix *fragmentIndex) flatten(set *ast.SelectionSet, active map[string]bool, fn func(*ast.Field)) {
	if set == nil {
		return
	}
	for _, sel := range set.Selections {
		switch s := sel.(type) {
		case *ast.Field:
			fn(s)
		case *ast.InlineFragment:
			ix.flatten(s.SelectionSet, active, fn)
		case *ast.FragmentSpread:
			name := s.Name.Value
			def := ix.defs[name]
			if def == nil || active[name] {
				continue
			}
			active[name] = true
			ix.flatten(def.SelectionSet, active, fn)
			delete(active, name)
		}
	}
}

func isIntrospectionRoot(f *ast.Field) bool {
	return f.Name.Value == "__schema" || f.Name.Value == "__type"
}

// checkDepth refuses operations whose fields nest deeper than MaxDepth, or, under __schema
// and __type, deeper than MaxIntrospectionDepth: introspection counts like any other field,
// with a limit that fits the nesting of type references in GraphiQL's introspection query.
func (e *Executor) checkDepth(ix *fragmentIndex, op *ast.OperationDefinition) *Error {
	var err *Error
	ix.flatten(op.SelectionSet, map[string]bool{}, func(f *ast.Field) {
		if err != nil {
			return
		}
		d := 1 + ix.depth(f.SelectionSet)
		switch {
		case isIntrospectionRoot(f) && d > e.opts.MaxIntrospectionDepth:
			err = limitError(CodeQueryTooDeep, "introspection is %d levels deep, more than the limit of %d", d, e.opts.MaxIntrospectionDepth)
		case !isIntrospectionRoot(f) && d > e.opts.MaxDepth:
			err = limitError(CodeQueryTooDeep, "query is %d levels deep, more than the limit of %d", d, e.opts.MaxDepth)
		}
	})
	return err
}

// depth returns how deeply fields nest under set (0 for none).
func (ix *fragmentIndex) depth(set *ast.SelectionSet) int {
	deepest := 0
	if set == nil {
		return 0
	}
	for _, sel := range set.Selections {
		switch s := sel.(type) {
		case *ast.Field:
			deepest = max(deepest, 1+ix.depth(s.SelectionSet))
		case *ast.InlineFragment:
			deepest = max(deepest, ix.depth(s.SelectionSet))
		case *ast.FragmentSpread:
			deepest = max(deepest, ix.fragmentDepth(s.Name.Value))
		}
	}
	return deepest
}

func (ix *fragmentIndex) fragmentDepth(name string) int {
	if d, ok := ix.depths[name]; ok {
		return d
	}
	def := ix.defs[name]
	if def == nil || ix.visiting[name] {
		return 0
	}
	ix.visiting[name] = true
	d := ix.depth(def.SelectionSet)
	delete(ix.visiting, name)
	ix.depths[name] = d
	return d
}

// int32Literals refuses Int literals outside 32 bits, as the spec says; graphql-go's Int
// takes any 64-bit literal.
func int32Literals(vc *graphql.ValidationContext) *graphql.ValidationRuleInstance {
	return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{
		KindFuncMap: map[string]visitor.NamedVisitFuncs{
			kinds.IntValue: {Kind: func(p visitor.VisitFuncParams) (string, any) {
				v, ok := p.Node.(*ast.IntValue)
				t, typed := vc.InputType().(graphql.Type)
				if !ok || !typed || namedType(t) != graphql.Int {
					return visitor.ActionNoChange, nil
				}
				if _, err := strconv.ParseInt(v.Value, 10, 32); err != nil {
					vc.ReportError(gqlerrors.NewError(
						fmt.Sprintf("Int %s is out of range: want a whole number from %d to %d", graph.Clip(v.Value), math.MinInt32, math.MaxInt32),
						[]ast.Node{v}, "", nil, nil, nil))
				}
				return visitor.ActionNoChange, nil
			}},
		},
	}}
}

// Cost estimates for fields that return lists without a size argument.
const (
	assumedListLength = 10 // aliases, about, evidence, outlets, nodes and edges of a path
)

// introspectionLists gives the introspection fields that return lists the average length
// of those lists over all the schema's types (rounded up; a type without such a list
// answers null), so that the estimate of a whole-schema introspection is near the number
// of values it answers. A query about one type may be underestimated, but never by more
// than the schema's size.
func introspectionLists(schema *graphql.Schema) map[string]int {
	var fields, args, inputFields, enumValues int
	for _, t := range schema.TypeMap() {
		switch t := t.(type) {
		case *graphql.Object:
			for _, f := range t.Fields() {
				fields++
				args += len(f.Args)
			}
		case *graphql.Interface:
			for _, f := range t.Fields() {
				fields++
				args += len(f.Args)
			}
		case *graphql.InputObject:
			inputFields += len(t.Fields())
		case *graphql.Enum:
			enumValues += len(t.Values())
		}
	}
	var directiveArgs, locations int
	for _, d := range schema.Directives() {
		directiveArgs += len(d.Args)
		locations += len(d.Locations)
	}
	types, directives := len(schema.TypeMap()), len(schema.Directives())
	avg := func(n, of int) int {
		if of == 0 {
			return 1
		}
		return max(1, (n+of-1)/of)
	}
	return map[string]int{
		"__Schema.types":        types,
		"__Schema.directives":   max(1, directives),
		"__Type.fields":         avg(fields, types),
		"__Type.inputFields":    avg(inputFields, types),
		"__Type.enumValues":     avg(enumValues, types),
		"__Type.interfaces":     1,
		"__Type.possibleTypes":  1,
		"__Field.args":          avg(args, fields),
		"__Directive.args":      avg(directiveArgs, directives),
		"__Directive.locations": avg(locations, directives),
	}
}

// costing estimates what executing an operation costs: every field costs 1, and the cost of
// a field's selection is multiplied by how many items it can return: its first or limit
// argument (a literal, a variable or the schema default), or an assumed list length.
type costing struct {
	schema    *graphql.Schema
	lists     map[string]int // introspectionLists
	vars      map[string]any // coerced variable values
	defaults  map[string]ast.Value
	fragments *fragmentIndex
	memo      map[costKey]int
}

type costKey struct {
	fragment string
	sized    bool
}

// cost returns the estimated cost of op in doc with the coerced variables vars.
func (e *Executor) cost(doc *ast.Document, op *ast.OperationDefinition, vars map[string]any) int {
	c := costing{
		schema: &e.schema, lists: e.introspection, vars: vars, defaults: map[string]ast.Value{},
		fragments: newFragmentIndex(doc), memo: map[costKey]int{},
	}
	for _, v := range op.VariableDefinitions {
		if v.DefaultValue != nil {
			c.defaults[v.Variable.Name.Value] = v.DefaultValue
		}
	}
	root := e.schema.QueryType()
	if op.Operation == ast.OperationTypeMutation {
		root = e.schema.MutationType()
	}
	return c.cost(root, op.SelectionSet, false)
}

// cost sums the costs of the selections of set on parent. sized says the field that
// returned parent already multiplied by its page size, so that the list it carries (a
// connection's edges, a subgraph's nodes) is not counted twice. It saturates rather than
// overflow.
func (c *costing) cost(parent graphql.Type, set *ast.SelectionSet, sized bool) int {
	obj, ok := parent.(*graphql.Object)
	if !ok || set == nil {
		return 0
	}
	total := 0
	for _, sel := range set.Selections {
		var n int
		switch s := sel.(type) {
		case *ast.Field:
			n = c.fieldCost(obj, s, sized)
		case *ast.InlineFragment:
			t := graphql.Type(obj)
			if s.TypeCondition != nil {
				t = c.schema.Type(s.TypeCondition.Name.Value)
			}
			n = c.cost(t, s.SelectionSet, sized)
		case *ast.FragmentSpread:
			n = c.fragmentCost(s.Name.Value, sized)
		}
		total = saturatingAdd(total, n)
	}
	return total
}

func (c *costing) fragmentCost(name string, sized bool) int {
	key := costKey{name, sized}
	if n, ok := c.memo[key]; ok {
		return n
	}
	def := c.fragments.defs[name]
	if def == nil || def.TypeCondition == nil || c.fragments.visiting[name] {
		return 0
	}
	c.fragments.visiting[name] = true
	n := c.cost(c.schema.Type(def.TypeCondition.Name.Value), def.SelectionSet, sized)
	delete(c.fragments.visiting, name)
	c.memo[key] = n
	return n
}

func (c *costing) fieldCost(obj *graphql.Object, f *ast.Field, sized bool) int {
	def := fieldDefinition(c.schema, obj, f.Name.Value)
	if def == nil {
		return 1
	}
	mult, bySize := c.multiplier(obj.Name(), def, f)
	if sized && !bySize {
		mult = 1
	}
	child := c.cost(namedType(def.Type), f.SelectionSet, bySize)
	return saturatingAdd(1, saturatingMul(mult, child))
}

// fieldDefinition finds a field of obj, the introspection fields included.
func fieldDefinition(schema *graphql.Schema, obj *graphql.Object, name string) *graphql.FieldDefinition {
	switch {
	case name == "__typename":
		return graphql.TypeNameMetaFieldDef
	case name == "__schema" && obj == schema.QueryType():
		return graphql.SchemaMetaFieldDef
	case name == "__type" && obj == schema.QueryType():
		return graphql.TypeMetaFieldDef
	}
	return obj.Fields()[name]
}

// multiplier returns how many items f can return, and whether a size argument says so.
func (c *costing) multiplier(parent string, def *graphql.FieldDefinition, f *ast.Field) (int, bool) {
	for _, size := range []string{"first", "limit"} {
		for _, arg := range def.Args {
			if arg.Name() != size {
				continue
			}
			if n, ok := c.argValue(f, size); ok {
				return max(n, 1), true
			}
			if n, ok := arg.DefaultValue.(int); ok {
				return n, true
			}
			return graph.DefaultPageSize, true
		}
	}
	if n, ok := c.lists[parent+"."+def.Name]; ok {
		return n, false
	}
	switch {
	case parent == "Query" && def.Name == "paths":
		return graph.MaxPaths, false
	case isList(def.Type):
		return assumedListLength, false
	}
	return 1, false
}

// argValue reads an Int argument given as a literal or a variable (its coerced value, or
// its default).
func (c *costing) argValue(f *ast.Field, name string) (int, bool) {
	for _, a := range f.Arguments {
		if a.Name.Value != name {
			continue
		}
		value := a.Value
		if v, ok := value.(*ast.Variable); ok {
			if n, ok := c.vars[v.Name.Value].(int); ok {
				return n, true
			}
			value = c.defaults[v.Name.Value]
		}
		if v, ok := value.(*ast.IntValue); ok {
			n, err := strconv.ParseInt(v.Value, 10, 64)
			if err != nil {
				return math.MaxInt32, true // out of range: validation refuses it anyway
			}
			return int(min(n, math.MaxInt32)), true
		}
	}
	return 0, false
}

func namedType(t graphql.Type) graphql.Type {
	for {
		switch w := t.(type) {
		case *graphql.NonNull:
			t = w.OfType
		case *graphql.List:
			t = w.OfType
		default:
			return t
		}
	}
}

func isList(t graphql.Type) bool {
	if nn, ok := t.(*graphql.NonNull); ok {
		t = nn.OfType
	}
	_, ok := t.(*graphql.List)
	return ok
}

const costCeiling = 1 << 40

func saturatingAdd(a, b int) int { return min(a+b, costCeiling) }

func saturatingMul(a, b int) int {
	if a != 0 && b > costCeiling/a {
		return costCeiling
	}
	return min(a*b, costCeiling)
}
