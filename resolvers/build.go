package resolvers

// The executable schema is built from the SDL with graphql-go's own parser rather than with
// github.com/bhoriuchi/graphql-go-tools: the subset of SDL Dossier uses (objects, inputs,
// enums, one scalar) takes a page of code, which keeps every field, argument default and
// description under our control and in our tests, and avoids a dependency whose last
// release predates the graphql-go version we pin.

import (
	"fmt"
	"strconv"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/kinds"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
)

// fieldResolvers maps type name → field name → resolver. Every field of every object type
// in the SDL must have one, and every resolver must name a field of the SDL, so that the
// code and the file cannot drift apart silently.
type fieldResolvers map[string]map[string]graphql.FieldResolveFn

// buildSchema builds the executable schema from sdl, the given custom scalars (by name) and
// resolvers.
func buildSchema(sdl string, scalars map[string]*graphql.Scalar, resolvers fieldResolvers) (graphql.Schema, error) {
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(sdl), Name: "schema.graphql"})})
	if err != nil {
		return graphql.Schema{}, fmt.Errorf("parse schema: %w", err)
	}
	b := &builder{
		defs:      map[string]ast.Node{},
		types:     map[string]graphql.Type{},
		resolvers: resolvers,
		used:      map[string]bool{},
	}
	for name, s := range scalars {
		b.types[name] = s
	}
	for _, name := range []string{"String", "Int", "Float", "Boolean", "ID"} {
		b.types[name] = builtinScalars[name]
	}
	var schemaDef *ast.SchemaDefinition
	for _, def := range doc.Definitions {
		switch d := def.(type) {
		case *ast.SchemaDefinition:
			schemaDef = d
		case *ast.ObjectDefinition:
			b.defs[d.Name.Value] = d
		case *ast.InputObjectDefinition:
			b.defs[d.Name.Value] = d
		case *ast.EnumDefinition:
			b.defs[d.Name.Value] = d
		case *ast.ScalarDefinition:
			if _, ok := scalars[d.Name.Value]; !ok {
				return graphql.Schema{}, fmt.Errorf("schema: scalar %s has no implementation", d.Name.Value)
			}
			b.types[d.Name.Value].(*graphql.Scalar).PrivateDescription = description(d.Description)
		default:
			return graphql.Schema{}, fmt.Errorf("schema: unsupported definition %s", def.GetKind())
		}
	}
	if schemaDef == nil {
		return graphql.Schema{}, fmt.Errorf("schema: no schema definition")
	}
	var cfg graphql.SchemaConfig
	for _, op := range schemaDef.OperationTypes {
		t, err := b.named(op.Type.Name.Value)
		if err != nil {
			return graphql.Schema{}, err
		}
		obj, ok := t.(*graphql.Object)
		if !ok {
			return graphql.Schema{}, fmt.Errorf("schema: %s type %s is not an object", op.Operation, t.Name())
		}
		switch op.Operation {
		case "query":
			cfg.Query = obj
		case "mutation":
			cfg.Mutation = obj
		default:
			return graphql.Schema{}, fmt.Errorf("schema: unsupported operation type %s", op.Operation)
		}
	}
	// Types reachable only from nowhere would be dropped by graphql-go; list them all.
	for name := range b.defs {
		t, err := b.named(name)
		if err != nil {
			return graphql.Schema{}, err
		}
		cfg.Types = append(cfg.Types, t)
	}
	// NewSchema evaluates the field thunks, so the builder's own errors are known only after.
	schema, err := graphql.NewSchema(cfg)
	if b.err != nil {
		return graphql.Schema{}, b.err
	}
	if err != nil {
		return graphql.Schema{}, fmt.Errorf("build schema: %w", err)
	}
	for typeName, fields := range resolvers {
		for field := range fields {
			if !b.used[typeName+"."+field] {
				return graphql.Schema{}, fmt.Errorf("schema: resolver for %s.%s, which the schema does not define", typeName, field)
			}
		}
	}
	return schema, nil
}

var builtinScalars = map[string]*graphql.Scalar{
	"String": graphql.String, "Int": graphql.Int, "Float": graphql.Float,
	"Boolean": graphql.Boolean, "ID": graphql.ID,
}

type builder struct {
	defs      map[string]ast.Node
	types     map[string]graphql.Type
	resolvers fieldResolvers
	used      map[string]bool // "Type.field" of resolvers consumed
	// err records a failure inside a field thunk, which graphql-go gives no way to return.
	err error
}

func (b *builder) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

// named returns the type called name, building it on first use.
func (b *builder) named(name string) (graphql.Type, error) {
	if t, ok := b.types[name]; ok {
		return t, nil
	}
	def, ok := b.defs[name]
	if !ok {
		return nil, fmt.Errorf("schema: unknown type %s", name)
	}
	switch d := def.(type) {
	case *ast.ObjectDefinition:
		// Fields are a thunk because object types refer to each other in cycles.
		obj := graphql.NewObject(graphql.ObjectConfig{
			Name:        name,
			Description: description(d.Description),
			Fields:      graphql.FieldsThunk(func() graphql.Fields { return b.objectFields(d) }),
		})
		b.types[name] = obj
		return obj, nil
	case *ast.InputObjectDefinition:
		in := graphql.NewInputObject(graphql.InputObjectConfig{
			Name:        name,
			Description: description(d.Description),
			Fields:      graphql.InputObjectConfigFieldMapThunk(func() graphql.InputObjectConfigFieldMap { return b.inputFields(d) }),
		})
		b.types[name] = in
		return in, nil
	case *ast.EnumDefinition:
		values := graphql.EnumValueConfigMap{}
		for _, v := range d.Values {
			values[v.Name.Value] = &graphql.EnumValueConfig{Value: v.Name.Value, Description: description(v.Description)}
		}
		enum := graphql.NewEnum(graphql.EnumConfig{Name: name, Description: description(d.Description), Values: values})
		b.types[name] = enum
		return enum, nil
	}
	return nil, fmt.Errorf("schema: unsupported type %s", name)
}

func (b *builder) objectFields(d *ast.ObjectDefinition) graphql.Fields {
	fields := graphql.Fields{}
	for _, f := range d.Fields {
		key := d.Name.Value + "." + f.Name.Value
		t, err := b.typeOf(f.Type)
		if err != nil {
			b.fail(fmt.Errorf("schema: field %s: %w", key, err))
			continue
		}
		out, ok := t.(graphql.Output)
		if !ok {
			b.fail(fmt.Errorf("schema: field %s: %s is not an output type", key, t))
			continue
		}
		resolve := b.resolvers[d.Name.Value][f.Name.Value]
		if resolve == nil {
			b.fail(fmt.Errorf("schema: field %s has no resolver", key))
			continue
		}
		b.used[key] = true
		args := graphql.FieldConfigArgument{}
		for _, a := range f.Arguments {
			in, def, err := b.inputValue(a)
			if err != nil {
				b.fail(fmt.Errorf("schema: argument %s(%s): %w", key, a.Name.Value, err))
				continue
			}
			args[a.Name.Value] = &graphql.ArgumentConfig{Type: in, DefaultValue: def, Description: description(a.Description)}
		}
		fields[f.Name.Value] = &graphql.Field{
			Type:        out,
			Args:        args,
			Resolve:     resolve,
			Description: description(f.Description),
		}
	}
	return fields
}

func (b *builder) inputFields(d *ast.InputObjectDefinition) graphql.InputObjectConfigFieldMap {
	fields := graphql.InputObjectConfigFieldMap{}
	for _, f := range d.Fields {
		in, def, err := b.inputValue(f)
		if err != nil {
			b.fail(fmt.Errorf("schema: input field %s.%s: %w", d.Name.Value, f.Name.Value, err))
			continue
		}
		fields[f.Name.Value] = &graphql.InputObjectFieldConfig{Type: in, DefaultValue: def, Description: description(f.Description)}
	}
	return fields
}

// inputValue returns the type and default of an argument or input field.
func (b *builder) inputValue(v *ast.InputValueDefinition) (graphql.Input, any, error) {
	t, err := b.typeOf(v.Type)
	if err != nil {
		return nil, nil, err
	}
	in, ok := t.(graphql.Input)
	if !ok {
		return nil, nil, fmt.Errorf("%s is not an input type", t)
	}
	if v.DefaultValue == nil {
		return in, nil, nil
	}
	def, err := literal(v.DefaultValue)
	if err != nil {
		return nil, nil, err
	}
	return in, def, nil
}

func (b *builder) typeOf(t ast.Type) (graphql.Type, error) {
	switch t := t.(type) {
	case *ast.NonNull:
		inner, err := b.typeOf(t.Type)
		if err != nil {
			return nil, err
		}
		return graphql.NewNonNull(inner), nil
	case *ast.List:
		inner, err := b.typeOf(t.Type)
		if err != nil {
			return nil, err
		}
		return graphql.NewList(inner), nil
	case *ast.Named:
		return b.named(t.Name.Value)
	}
	return nil, fmt.Errorf("unsupported type %v", t)
}

// literal converts a default value from the SDL to the Go value graphql-go expects.
// Dossier's defaults are scalars and enum values only.
func literal(v ast.Value) (any, error) {
	switch v.GetKind() {
	case kinds.IntValue:
		return strconv.Atoi(v.GetValue().(string))
	case kinds.FloatValue:
		return strconv.ParseFloat(v.GetValue().(string), 64)
	case kinds.BooleanValue:
		return v.GetValue().(bool), nil
	case kinds.StringValue, kinds.EnumValue:
		return v.GetValue().(string), nil
	}
	return nil, fmt.Errorf("unsupported default value kind %s", v.GetKind())
}

func description(s *ast.StringValue) string {
	if s == nil {
		return ""
	}
	return s.Value
}
