package resolvers

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/kinds"
	"github.com/graphql-go/graphql/language/visitor"

	"github.com/dossiergraph/dossier/graph"
)

// depthRule rejects operations whose fields nest deeper than maxDepth. Introspection
// (__schema, __type) is exempt: the playground's introspection query is deep but harmless.
func depthRule(maxDepth int) graphql.ValidationRuleFn {
	return func(vc *graphql.ValidationContext) *graphql.ValidationRuleInstance {
		return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{
			KindFuncMap: map[string]visitor.NamedVisitFuncs{
				kinds.OperationDefinition: {Kind: func(p visitor.VisitFuncParams) (string, any) {
					op, ok := p.Node.(*ast.OperationDefinition)
					if !ok {
						return visitor.ActionNoChange, nil
					}
					w := walker{fragment: vc.Fragment}
					if d := w.depth(op.SelectionSet, 0); d > maxDepth {
						e := &Error{Code: CodeQueryTooDeep, Message: fmt.Sprintf("query is %d levels deep, more than the limit of %d", d, maxDepth)}
						vc.ReportError(gqlerrors.NewError(e.Message, []ast.Node{op}, "", nil, nil, e))
					}
					return visitor.ActionSkip, nil
				}},
			},
		}}
	}
}

// walker walks selection sets through fragments. It guards against fragment cycles itself,
// since the rule that rejects them runs alongside rather than before.
type walker struct {
	fragment func(name string) *ast.FragmentDefinition
	active   map[string]bool // fragments on the current walk
}

// fields calls fn for every field of set, looking through inline fragments and spreads.
func (w *walker) fields(set *ast.SelectionSet, fn func(*ast.Field)) {
	if set == nil {
		return
	}
	for _, sel := range set.Selections {
		switch s := sel.(type) {
		case *ast.Field:
			fn(s)
		case *ast.InlineFragment:
			w.fields(s.SelectionSet, fn)
		case *ast.FragmentSpread:
			name := s.Name.Value
			frag := w.fragment(name)
			if frag == nil || w.active[name] {
				continue
			}
			if w.active == nil {
				w.active = map[string]bool{}
			}
			w.active[name] = true
			w.fields(frag.SelectionSet, fn)
			delete(w.active, name)
		}
	}
}

func isIntrospection(f *ast.Field) bool { return strings.HasPrefix(f.Name.Value, "__") }

// depth returns the deepest nesting of fields under set, set itself being at level.
func (w *walker) depth(set *ast.SelectionSet, level int) int {
	deepest := level
	w.fields(set, func(f *ast.Field) {
		if isIntrospection(f) {
			return
		}
		deepest = max(deepest, w.depth(f.SelectionSet, level+1))
	})
	return deepest
}

// Cost estimates for fields that return lists without a size argument.
const (
	assumedListLength = 10   // aliases, about, evidence, outlets, nodes and edges of a path
	assumedTimeline   = 2000 // timeline has no page size: cost it as a large graph's
)

// complexity estimates what executing op costs: every field costs 1, and the cost of a
// field's selection is multiplied by how many items it can return: its first or limit
// argument (a literal, a variable or the schema default), or an assumed list length.
func complexity(schema *graphql.Schema, doc *ast.Document, op *ast.OperationDefinition, vars map[string]any) int {
	fragments := map[string]*ast.FragmentDefinition{}
	for _, def := range doc.Definitions {
		if f, ok := def.(*ast.FragmentDefinition); ok {
			fragments[f.Name.Value] = f
		}
	}
	w := walker{fragment: func(name string) *ast.FragmentDefinition { return fragments[name] }}
	root := schema.QueryType()
	if op.Operation == ast.OperationTypeMutation {
		root = schema.MutationType()
	}
	c := costing{schema: schema, vars: vars, walker: &w}
	return c.cost(root, op.SelectionSet, false)
}

type costing struct {
	schema *graphql.Schema
	vars   map[string]any
	walker *walker
}

// cost sums the costs of the fields of set on parent. sized says the field that returned
// parent already multiplied by its page size, so that the list it carries (a connection's
// edges, a subgraph's nodes) is not counted twice. It saturates rather than overflow.
func (c *costing) cost(parent graphql.Type, set *ast.SelectionSet, sized bool) int {
	obj, ok := parent.(*graphql.Object)
	if !ok || set == nil {
		return 0
	}
	total := 0
	c.walker.fields(set, func(f *ast.Field) {
		if isIntrospection(f) {
			return
		}
		def, ok := obj.Fields()[f.Name.Value]
		if !ok {
			return
		}
		mult, bySize := c.multiplier(obj.Name(), def, f)
		if sized && !bySize {
			mult = 1
		}
		child := c.cost(namedType(def.Type), f.SelectionSet, bySize)
		total = saturatingAdd(total, saturatingAdd(1, saturatingMul(mult, child)))
	})
	return total
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
	switch {
	case parent == "Query" && def.Name == "paths":
		return graph.MaxPaths, false
	case parent == "Query" && def.Name == "timeline":
		return assumedTimeline, false
	case isList(def.Type):
		return assumedListLength, false
	}
	return 1, false
}

// argValue reads an Int argument given as a literal or a variable.
func (c *costing) argValue(f *ast.Field, name string) (int, bool) {
	for _, a := range f.Arguments {
		if a.Name.Value != name {
			continue
		}
		switch v := a.Value.(type) {
		case *ast.IntValue:
			var n int
			_, err := fmt.Sscan(v.Value, &n)
			return n, err == nil
		case *ast.Variable:
			switch n := c.vars[v.Name.Value].(type) {
			case int:
				return n, true
			case float64:
				return int(n), true
			case int64:
				return int(n), true
			case json.Number:
				i, err := n.Int64()
				return int(i), err == nil
			}
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
