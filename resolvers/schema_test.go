package resolvers

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/printer"

	"github.com/dossiergraph/dossier/graph"
)

// parseSDLFile parses schema.graphql as it is on disk, independently of the embedded copy.
func parseSDLFile(t *testing.T) *ast.Document {
	t.Helper()
	body, err := os.ReadFile("../schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parser.Parse(parser.ParseParams{Source: string(body)})
	if err != nil {
		t.Fatalf("parse schema.graphql: %v", err)
	}
	return doc
}

func astTypeString(t ast.Type) string {
	switch t := t.(type) {
	case *ast.NonNull:
		return astTypeString(t.Type) + "!"
	case *ast.List:
		return "[" + astTypeString(t.Type) + "]"
	case *ast.Named:
		return t.Name.Value
	}
	return fmt.Sprintf("%T", t)
}

func astDescription(s *ast.StringValue) string {
	if s == nil {
		return ""
	}
	return s.Value
}

// defaultString prints an SDL default the way fmt prints the running schema's Go default.
func defaultString(v ast.Value) string {
	if v == nil {
		return "<none>"
	}
	if s, ok := v.(*ast.StringValue); ok {
		return s.Value
	}
	return fmt.Sprint(printer.Print(v))
}

func runningDefault(v any) string {
	if v == nil {
		return "<none>"
	}
	return fmt.Sprint(v)
}

// TestSchemaMatchesFile walks the running schema's TypeMap and the file side by side: every
// type, field, argument (type, default, description), enum value and input field must agree,
// and every type and field must be described, since analysts read descriptions in the playground.
func TestSchemaMatchesFile(t *testing.T) {
	doc := parseSDLFile(t)
	e := newTestExecutor(t, openStore(t), Options{})
	typeMap := e.Schema().TypeMap()

	inFile := map[string]bool{}
	for _, def := range doc.Definitions {
		switch d := def.(type) {
		case *ast.ObjectDefinition:
			inFile[d.Name.Value] = true
			obj, ok := typeMap[d.Name.Value].(*graphql.Object)
			if !ok {
				t.Errorf("type %s: running schema has %T", d.Name.Value, typeMap[d.Name.Value])
				continue
			}
			checkDescribed(t, d.Name.Value, astDescription(d.Description))
			if obj.Description() != astDescription(d.Description) {
				t.Errorf("type %s: description %q, file says %q", d.Name.Value, obj.Description(), astDescription(d.Description))
			}
			fields := obj.Fields()
			if len(fields) != len(d.Fields) {
				t.Errorf("type %s: %d fields running, %d in the file", d.Name.Value, len(fields), len(d.Fields))
			}
			for _, f := range d.Fields {
				key := d.Name.Value + "." + f.Name.Value
				rf, ok := fields[f.Name.Value]
				if !ok {
					t.Errorf("%s: missing from the running schema", key)
					continue
				}
				checkDescribed(t, key, astDescription(f.Description))
				if rf.Description != astDescription(f.Description) {
					t.Errorf("%s: description %q, file says %q", key, rf.Description, astDescription(f.Description))
				}
				if rf.Type.String() != astTypeString(f.Type) {
					t.Errorf("%s: type %s, file says %s", key, rf.Type, astTypeString(f.Type))
				}
				if rf.Resolve == nil {
					t.Errorf("%s: no resolver", key)
				}
				if len(rf.Args) != len(f.Arguments) {
					t.Errorf("%s: %d arguments running, %d in the file", key, len(rf.Args), len(f.Arguments))
				}
				for _, a := range f.Arguments {
					i := slices.IndexFunc(rf.Args, func(ra *graphql.Argument) bool { return ra.Name() == a.Name.Value })
					if i < 0 {
						t.Errorf("%s(%s): missing from the running schema", key, a.Name.Value)
						continue
					}
					ra := rf.Args[i]
					checkDescribed(t, key+"("+a.Name.Value+")", astDescription(a.Description))
					if ra.Type.String() != astTypeString(a.Type) || ra.Description() != astDescription(a.Description) ||
						runningDefault(ra.DefaultValue) != defaultString(a.DefaultValue) {
						t.Errorf("%s(%s): running %s = %s %q, file says %s = %s %q", key, a.Name.Value,
							ra.Type, runningDefault(ra.DefaultValue), ra.Description(),
							astTypeString(a.Type), defaultString(a.DefaultValue), astDescription(a.Description))
					}
				}
			}
		case *ast.InputObjectDefinition:
			inFile[d.Name.Value] = true
			in, ok := typeMap[d.Name.Value].(*graphql.InputObject)
			if !ok {
				t.Errorf("input %s: running schema has %T", d.Name.Value, typeMap[d.Name.Value])
				continue
			}
			checkDescribed(t, d.Name.Value, astDescription(d.Description))
			if in.Description() != astDescription(d.Description) {
				t.Errorf("input %s: description %q, file says %q", d.Name.Value, in.Description(), astDescription(d.Description))
			}
			fields := in.Fields()
			if len(fields) != len(d.Fields) {
				t.Errorf("input %s: %d fields running, %d in the file", d.Name.Value, len(fields), len(d.Fields))
			}
			for _, f := range d.Fields {
				key := d.Name.Value + "." + f.Name.Value
				rf, ok := fields[f.Name.Value]
				if !ok {
					t.Errorf("%s: missing from the running schema", key)
					continue
				}
				checkDescribed(t, key, astDescription(f.Description))
				if rf.Type.String() != astTypeString(f.Type) || rf.Description() != astDescription(f.Description) ||
					runningDefault(rf.DefaultValue) != defaultString(f.DefaultValue) {
					t.Errorf("%s: running %s = %s %q, file says %s = %s %q", key, rf.Type, runningDefault(rf.DefaultValue), rf.Description(),
						astTypeString(f.Type), defaultString(f.DefaultValue), astDescription(f.Description))
				}
			}
		case *ast.EnumDefinition:
			inFile[d.Name.Value] = true
			enum, ok := typeMap[d.Name.Value].(*graphql.Enum)
			if !ok {
				t.Errorf("enum %s: running schema has %T", d.Name.Value, typeMap[d.Name.Value])
				continue
			}
			checkDescribed(t, d.Name.Value, astDescription(d.Description))
			if enum.Description() != astDescription(d.Description) {
				t.Errorf("enum %s: description %q, file says %q", d.Name.Value, enum.Description(), astDescription(d.Description))
			}
			running := map[string]string{}
			for _, v := range enum.Values() {
				running[v.Name] = v.Description
			}
			if len(running) != len(d.Values) {
				t.Errorf("enum %s: %d values running, %d in the file", d.Name.Value, len(running), len(d.Values))
			}
			for _, v := range d.Values {
				key := d.Name.Value + "." + v.Name.Value
				desc, ok := running[v.Name.Value]
				checkDescribed(t, key, astDescription(v.Description))
				if !ok || desc != astDescription(v.Description) {
					t.Errorf("%s: running description %q (present %v), file says %q", key, desc, ok, astDescription(v.Description))
				}
			}
		case *ast.ScalarDefinition:
			inFile[d.Name.Value] = true
			s, ok := typeMap[d.Name.Value].(*graphql.Scalar)
			checkDescribed(t, d.Name.Value, astDescription(d.Description))
			if !ok || s.Description() != astDescription(d.Description) {
				t.Errorf("scalar %s: running %T, description mismatch", d.Name.Value, typeMap[d.Name.Value])
			}
		}
	}
	builtin := map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}
	for name := range typeMap {
		if !inFile[name] && !builtin[name] && !strings.HasPrefix(name, "__") {
			t.Errorf("type %s is in the running schema but not in schema.graphql", name)
		}
	}
	if e.Schema().QueryType().Name() != "Query" || e.Schema().MutationType().Name() != "Mutation" {
		t.Error("root types must be Query and Mutation")
	}
}

func checkDescribed(t *testing.T, what, desc string) {
	t.Helper()
	if strings.TrimSpace(desc) == "" {
		t.Errorf("%s has no description in schema.graphql", what)
	}
}

// TestEnumsMatchDomain checks that the GraphQL enums list exactly the domain's kinds and
// relation types, in the domain's order in the file.
func TestEnumsMatchDomain(t *testing.T) {
	doc := parseSDLFile(t)
	e := newTestExecutor(t, openStore(t), Options{})
	want := map[string][]string{}
	for _, k := range graph.Kinds {
		want["EntityKind"] = append(want["EntityKind"], string(k))
	}
	for _, rt := range graph.RelationTypes {
		want["RelationType"] = append(want["RelationType"], string(rt))
	}
	for _, d := range []graph.Direction{graph.Out, graph.In, graph.Both} {
		want["Direction"] = append(want["Direction"], string(d))
	}
	for name, values := range want {
		var inFile []string
		for _, def := range doc.Definitions {
			if d, ok := def.(*ast.EnumDefinition); ok && d.Name.Value == name {
				for _, v := range d.Values {
					inFile = append(inFile, v.Name.Value)
				}
			}
		}
		if !slices.Equal(inFile, values) {
			t.Errorf("enum %s in schema.graphql = %v, domain has %v", name, inFile, values)
		}
		var running []string
		for _, v := range e.Schema().Type(name).(*graphql.Enum).Values() {
			running = append(running, v.Name)
		}
		if !slices.Equal(slices.Sorted(slices.Values(running)), slices.Sorted(slices.Values(values))) {
			t.Errorf("enum %s running = %v, domain has %v", name, running, values)
		}
	}
}

// TestBuildSchemaRejectsDrift checks the builder's own guard: a resolver for a field the
// file lacks, or a field without a resolver, fails start-up.
func TestBuildSchemaRejectsDrift(t *testing.T) {
	sdl := `schema { query: Query } "q" type Query { "a" a: Int }`
	ok := func(graphql.ResolveParams) (any, error) { return 1, nil }
	if _, err := buildSchema(sdl, nil, fieldResolvers{"Query": {"a": ok}}); err != nil {
		t.Fatalf("valid schema: %v", err)
	}
	if _, err := buildSchema(sdl, nil, fieldResolvers{"Query": {"a": ok, "b": ok}}); err == nil || !strings.Contains(err.Error(), "Query.b") {
		t.Errorf("extra resolver: got %v, want an error naming Query.b", err)
	}
	if _, err := buildSchema(sdl, nil, fieldResolvers{}); err == nil || !strings.Contains(err.Error(), "Query.a") {
		t.Errorf("missing resolver: got %v, want an error naming Query.a", err)
	}
}
