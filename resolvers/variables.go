package resolvers

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/dossiergraph/dossier/graph"
)

// coerceVariables checks the variables of op against their declared types as the GraphQL
// spec's input coercion says, which graphql-go does not: it turns the string "500" into an
// Int, accepts 1.5 and true as 1 and reads JSON numbers as floats. Values come from JSON
// decoded with UseNumber (numbers as json.Number) or from Go callers (int, float64, ...).
// The result holds the coerced values of the variables op declares and was given; absent
// ones are left to their defaults.
func coerceVariables(schema *graphql.Schema, op *ast.OperationDefinition, given map[string]any) (map[string]any, *Error) {
	out := make(map[string]any, len(op.VariableDefinitions))
	for _, def := range op.VariableDefinitions {
		name := def.Variable.Name.Value
		value, present := given[name]
		if !present {
			if _, required := def.Type.(*ast.NonNull); required && def.DefaultValue == nil {
				return nil, variableError(name, "is required (%s) but was not given", typeText(def.Type))
			}
			continue
		}
		v, err := coerceValue(schema, def.Type, value)
		if err != nil {
			return nil, variableError(name, "%s", err)
		}
		out[name] = v
	}
	return out, nil
}

func variableError(name, format string, args ...any) *Error {
	return &Error{Code: graph.EINVALID, Message: fmt.Sprintf("variable $%s %s", graph.Clip(name), fmt.Sprintf(format, args...))}
}

// typeText prints an AST type as GraphQL writes it.
func typeText(t ast.Type) string {
	switch t := t.(type) {
	case *ast.NonNull:
		return typeText(t.Type) + "!"
	case *ast.List:
		return "[" + typeText(t.Type) + "]"
	case *ast.Named:
		return t.Name.Value
	}
	return "?"
}

// coerceValue coerces v to the type t declares; errors say what was wrong, in words for
// the client ("want an Int ..., got the string \"500\"").
func coerceValue(schema *graphql.Schema, t ast.Type, v any) (any, error) {
	switch t := t.(type) {
	case *ast.NonNull:
		if v == nil {
			return nil, fmt.Errorf("must not be null (%s)", typeText(t))
		}
		return coerceValue(schema, t.Type, v)
	case *ast.List:
		return coerceList(v, func(item any) (any, error) { return coerceValue(schema, t.Type, item) })
	case *ast.Named:
		if v == nil {
			return nil, nil
		}
		named := schema.Type(t.Name.Value)
		if named == nil {
			return nil, fmt.Errorf("has the unknown type %s", graph.Clip(t.Name.Value))
		}
		return coerceNamed(schema, named, v)
	}
	return nil, fmt.Errorf("has an unsupported type")
}

func coerceNamed(schema *graphql.Schema, t graphql.Type, v any) (any, error) {
	switch t {
	case graphql.Int:
		n, err := asInt(v)
		if err != nil {
			return nil, fmt.Errorf("want an Int (a whole number from %d to %d), got %s", math.MinInt32, math.MaxInt32, err)
		}
		return n, nil
	case graphql.Float:
		f, err := asFloat(v)
		if err != nil {
			return nil, fmt.Errorf("want a Float (a finite number), got %s", err)
		}
		return f, nil
	case graphql.String:
		if s, ok := v.(string); ok {
			return s, nil
		}
		return nil, fmt.Errorf("want a String, got %s", describeValue(v))
	case graphql.Boolean:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, fmt.Errorf("want a Boolean (true or false), got %s", describeValue(v))
	case graphql.ID:
		if s, ok := v.(string); ok {
			return s, nil
		}
		if _, err := asInt(v); err == nil {
			return fmt.Sprint(v), nil // the spec lets an ID be given as an integer
		}
		return nil, fmt.Errorf("want an ID (a string), got %s", describeValue(v))
	}
	switch t := t.(type) {
	case *graphql.Enum:
		s, ok := v.(string)
		names := make([]string, 0, len(t.Values()))
		for _, ev := range t.Values() {
			names = append(names, ev.Name)
		}
		if !ok || !slices.Contains(names, s) {
			return nil, fmt.Errorf("want one of %s, got %s", strings.Join(names, ", "), describeValue(v))
		}
		return s, nil
	case *graphql.Scalar:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("want a %s (a string), got %s", t.Name(), describeValue(v))
		}
		if t.Name() == "PartialDate" {
			if _, err := graph.ParsePartialDate(s); err != nil {
				return nil, fmt.Errorf("is not a valid %s: %s", t.Name(), graph.ErrorMessage(err))
			}
		} else if t.ParseValue(s) == nil {
			return nil, fmt.Errorf("is not a valid %s: %s", t.Name(), describeValue(v))
		}
		return s, nil
	case *graphql.InputObject:
		return coerceInput(schema, t, v)
	}
	return nil, fmt.Errorf("has a type that is not an input type")
}

func coerceInput(schema *graphql.Schema, t *graphql.InputObject, v any) (any, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want an object (%s), got %s", t.Name(), describeValue(v))
	}
	fields := t.Fields()
	for name := range obj {
		if _, ok := fields[name]; !ok {
			names := make([]string, 0, len(fields))
			for n := range fields {
				names = append(names, n)
			}
			slices.Sort(names)
			return nil, fmt.Errorf("has the field %q, which %s does not define (it has %s)", graph.Clip(name), t.Name(), strings.Join(names, ", "))
		}
	}
	out := make(map[string]any, len(obj))
	for name, field := range fields {
		value, present := obj[name]
		if !present {
			if _, required := field.Type.(*graphql.NonNull); required && field.DefaultValue == nil {
				return nil, fmt.Errorf("lacks the required field %s", name)
			}
			continue
		}
		c, err := coerceTyped(schema, field.Type, value)
		if err != nil {
			return nil, fmt.Errorf("field %s %w", name, err)
		}
		out[name] = c
	}
	return out, nil
}

// coerceList coerces a list item by item; a single value stands for a list of one, as the
// spec says.
func coerceList(v any, coerceItem func(any) (any, error)) (any, error) {
	if v == nil {
		return nil, nil
	}
	items, ok := v.([]any)
	if !ok {
		item, err := coerceItem(v)
		if err != nil {
			return nil, err
		}
		return []any{item}, nil
	}
	out := make([]any, len(items))
	for i, item := range items {
		c, err := coerceItem(item)
		if err != nil {
			return nil, fmt.Errorf("item %d %w", i, err)
		}
		out[i] = c
	}
	return out, nil
}

// coerceTyped is coerceValue for a schema type rather than an AST one.
func coerceTyped(schema *graphql.Schema, t graphql.Type, v any) (any, error) {
	switch t := t.(type) {
	case *graphql.NonNull:
		if v == nil {
			return nil, fmt.Errorf("must not be null")
		}
		return coerceTyped(schema, t.OfType, v)
	case *graphql.List:
		return coerceList(v, func(item any) (any, error) { return coerceTyped(schema, t.OfType, item) })
	}
	if v == nil {
		return nil, nil
	}
	return coerceNamed(schema, t, v)
}

// asInt reads an integer in 32-bit range; its error describes what v is instead.
func asInt(v any) (int, error) {
	var f *big.Float
	switch n := v.(type) {
	case int:
		f = new(big.Float).SetInt64(int64(n))
	case int32:
		f = new(big.Float).SetInt64(int64(n))
	case int64:
		f = new(big.Float).SetInt64(n)
	case float64:
		if math.IsInf(n, 0) || math.IsNaN(n) {
			return 0, fmt.Errorf("the number %v", n)
		}
		f = new(big.Float).SetFloat64(n)
	case json.Number:
		var ok bool
		// Exponents are bounded by the body size; big.Float holds any of them exactly enough.
		f, ok = new(big.Float).SetString(string(n))
		if !ok {
			return 0, fmt.Errorf("the malformed number %s", graph.Clip(string(n)))
		}
	default:
		return 0, fmt.Errorf("%s", describeValue(v))
	}
	if !f.IsInt() {
		return 0, fmt.Errorf("the fraction %s", graph.Clip(numberText(v)))
	}
	i, acc := f.Int64()
	if acc != big.Exact || i < math.MinInt32 || i > math.MaxInt32 {
		return 0, fmt.Errorf("%s, which is out of range", graph.Clip(numberText(v)))
	}
	return int(i), nil
}

// asFloat reads a finite number.
func asFloat(v any) (float64, error) {
	switch n := v.(type) {
	case int:
		return float64(n), nil
	case int32:
		return float64(n), nil
	case int64:
		return float64(n), nil
	case float64:
		if math.IsInf(n, 0) || math.IsNaN(n) {
			return 0, fmt.Errorf("the number %v", n)
		}
		return n, nil
	case json.Number:
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil || math.IsInf(f, 0) {
			return 0, fmt.Errorf("%s, which is out of range", graph.Clip(string(n)))
		}
		return f, nil
	}
	return 0, fmt.Errorf("%s", describeValue(v))
}

func numberText(v any) string {
	if n, ok := v.(json.Number); ok {
		return string(n)
	}
	return fmt.Sprint(v)
}

// describeValue names a JSON value's kind, quoting short strings, for error messages.
func describeValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return "the string " + strconv.Quote(graph.Clip(v))
	case bool:
		return "the boolean " + strconv.FormatBool(v)
	case json.Number, int, int32, int64, float64:
		return "the number " + graph.Clip(numberText(v))
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("a value of type %T", v)
}
