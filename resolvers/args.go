package resolvers

import (
	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/dossiergraph/dossier/graph"
)

// Argument readers. graphql-go has already checked argument types and applied defaults, so
// a missing or null argument reads as the zero value.

func argString(args map[string]any, name string) string {
	s, _ := args[name].(string)
	return s
}

func argInt(args map[string]any, name string) int {
	n, _ := args[name].(int)
	return n
}

func argBool(args map[string]any, name string) bool {
	b, _ := args[name].(bool)
	return b
}

func argDate(args map[string]any, name string) graph.PartialDate {
	d, _ := args[name].(graph.PartialDate)
	return d
}

// argStrings reads a list of strings, IDs or enum values; absent → nil.
func argStrings(args map[string]any, name string) []string {
	list, ok := args[name].([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// argOptString reads an optional string, telling absent (nil) from given.
func argOptString(args map[string]any, name string) *string {
	s, ok := args[name].(string)
	if !ok {
		return nil
	}
	return &s
}

func argTypes(args map[string]any) []graph.RelationType {
	names := argStrings(args, "types")
	if names == nil {
		return nil
	}
	types := make([]graph.RelationType, len(names))
	for i, n := range names {
		types[i] = graph.RelationType(n)
	}
	return types
}

func argKinds(args map[string]any, name string) []graph.Kind {
	names := argStrings(args, name)
	if names == nil {
		return nil
	}
	kinds := make([]graph.Kind, len(names))
	for i, n := range names {
		kinds[i] = graph.Kind(n)
	}
	return kinds
}

// argPage reads first and after of a connection field; a malformed cursor is BAD_INPUT.
// The store skips the total when the query does not select totalCount.
func argPage(p graphql.ResolveParams) (graph.Page, error) {
	after, err := decodeCursor(argString(p.Args, "after"))
	if err != nil {
		return graph.Page{}, err
	}
	return graph.Page{First: argInt(p.Args, "first"), After: after, SkipTotal: !selects(p, "totalCount")}, nil
}

// selects reports whether the field being resolved may select the named subfield; any
// fragment counts as a yes, since reading fragments here is not worth the cost.
func selects(p graphql.ResolveParams, name string) bool {
	for _, f := range p.Info.FieldASTs {
		if f.SelectionSet == nil {
			continue
		}
		for _, sel := range f.SelectionSet.Selections {
			switch s := sel.(type) {
			case *ast.Field:
				if s.Name != nil && s.Name.Value == name {
					return true
				}
			default:
				return true
			}
		}
	}
	return false
}

// argInput reads an input object argument.
func argInput(p graphql.ResolveParams, name string) map[string]any {
	m, _ := p.Args[name].(map[string]any)
	return m
}

// orNull turns the empty string into GraphQL null, for optional fields.
func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nonNil turns a nil slice into an empty one, for non-null list fields.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
