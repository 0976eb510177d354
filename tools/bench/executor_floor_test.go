package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/resolvers"
)

// The executor floor is the least any graphql-go server can do for Q1 and Q2: graphql-go
// executing the same documents against a schema of the same shape (the fields, arguments,
// enums and nullability of Dossier's for these questions) whose resolvers look the answer up
// in memory, pre-boxed, without reflection. Its data is Dossier's own answers, so that it
// completes exactly the values Dossier completes; TestExecutorFloorAnswersAsDossier checks
// that it answers byte for byte what Dossier answered.

// executorFloor holds the floor schema, the documents parsed and validated once, and the data.
type executorFloor struct {
	schema graphql.Schema
	docs   map[string]*ast.Document // by query text
	// entity answers Query.entity by id, entities Query.entities by after (the
	// first page under "").
	entity, entities map[string]any
}

// newExecutorFloor builds the floor from Dossier's answers to Q1 and Q2 bodies.
func newExecutorFloor(answers map[string][]byte) (*executorFloor, error) {
	f := &executorFloor{docs: map[string]*ast.Document{}, entity: map[string]any{}, entities: map[string]any{}}
	schema, err := floorSchema(f)
	if err != nil {
		return nil, err
	}
	f.schema = schema
	for body, answer := range answers {
		req, err := decodeFloorRequest([]byte(body))
		if err != nil {
			return nil, err
		}
		var res struct{ Data map[string]any }
		dec := json.NewDecoder(bytes.NewReader(answer))
		dec.UseNumber()
		if err := dec.Decode(&res); err != nil {
			return nil, fmt.Errorf("executor floor: answer to %s: %w", body, err)
		}
		data := integers(res.Data).(map[string]any)
		switch req.Query {
		case dossierQ1:
			f.entity[req.Variables["id"].(string)] = data["entity"]
		case dossierQ2:
			after, _ := req.Variables["after"].(string)
			f.entities[after] = data["entities"]
		default:
			return nil, fmt.Errorf("executor floor: body is neither Q1 nor Q2: %s", clip([]byte(body)))
		}
		if _, ok := f.docs[req.Query]; ok {
			continue
		}
		doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(req.Query)})})
		if err != nil {
			return nil, fmt.Errorf("executor floor: parse: %w", err)
		}
		if v := graphql.ValidateDocument(&f.schema, doc, graphql.SpecifiedRules); !v.IsValid {
			return nil, fmt.Errorf("executor floor: invalid query: %v", v.Errors)
		}
		f.docs[req.Query] = doc
	}
	return f, nil
}

// integers turns the JSON numbers of an answer into ints, as Dossier's resolvers give them.
func integers(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = integers(x)
		}
	case []any:
		for i, x := range v {
			v[i] = integers(x)
		}
	case json.Number:
		n, err := v.Int64()
		if err != nil {
			panic(fmt.Sprintf("executor floor: %s is not an integer", v)) // Q1 and Q2 have Int fields only
		}
		return int(n)
	}
	return v
}

type floorRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

func decodeFloorRequest(body []byte) (floorRequest, error) {
	var req floorRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return req, fmt.Errorf("executor floor: request: %w", err)
	}
	return req, nil
}

// execute runs a request whose document was prepared; nil when it was not.
func (f *executorFloor) execute(req floorRequest) *graphql.Result {
	doc := f.docs[req.Query]
	if doc == nil {
		return nil
	}
	return graphql.Execute(graphql.ExecuteParams{Schema: f.schema, AST: doc, OperationName: req.OperationName, Args: req.Variables})
}

// handler serves the floor as a graphql-go server over gin would: decode the body, execute,
// encode the result with encoding/json.
func (f *executorFloor) handler() http.Handler {
	r := gin.New()
	r.POST("/graphql", func(c *gin.Context) {
		body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxFloorBody))
		if err != nil {
			c.Status(http.StatusBadRequest)
			return
		}
		req, err := decodeFloorRequest(body)
		if err != nil {
			c.Status(http.StatusBadRequest)
			return
		}
		res := f.execute(req)
		if res == nil {
			c.Status(http.StatusNotFound)
			return
		}
		out, err := json.Marshal(res)
		if err != nil {
			c.Status(http.StatusInternalServerError)
			return
		}
		c.Data(http.StatusOK, "application/json; charset=utf-8", out)
	})
	return r
}

// floorSchema is Dossier's schema cut to the types and fields Q1 and Q2 ask for, each with
// its arguments, defaults and nullability as schema.graphql has them.
func floorSchema(f *executorFloor) (graphql.Schema, error) {
	enum := func(name string, values []string) *graphql.Enum {
		cfg := graphql.EnumValueConfigMap{}
		for _, v := range values {
			cfg[v] = &graphql.EnumValueConfig{Value: v}
		}
		return graphql.NewEnum(graphql.EnumConfig{Name: name, Values: cfg})
	}
	kinds := enum("EntityKind", strs(graph.Kinds))
	relTypes := enum("RelationType", strs(graph.RelationTypes))
	reviews := enum("ReviewState", strs(graph.ReviewStates))
	direction := enum("Direction", []string{"OUT", "IN", "BOTH"})

	// Every field answers the source map's entry for its name: a map look-up, no reflection.
	byName := func(p graphql.ResolveParams) (any, error) {
		return p.Source.(map[string]any)[p.Info.FieldName], nil
	}
	nn := graphql.NewNonNull
	relationship := graphql.NewObject(graphql.ObjectConfig{Name: "Relationship", Fields: graphql.Fields{}})
	entity := graphql.NewObject(graphql.ObjectConfig{Name: "Entity", Fields: graphql.Fields{}})
	relEdge := graphql.NewObject(graphql.ObjectConfig{Name: "RelationshipEdge", Fields: graphql.Fields{
		"node": {Type: nn(relationship), Resolve: byName},
	}})
	relConn := graphql.NewObject(graphql.ObjectConfig{Name: "RelationshipConnection", Fields: graphql.Fields{
		"edges": {Type: nn(graphql.NewList(nn(relEdge))), Resolve: byName},
	}})
	relationship.AddFieldConfig("type", &graphql.Field{Type: nn(relTypes), Resolve: byName})
	relationship.AddFieldConfig("summary", &graphql.Field{Type: graphql.String, Resolve: byName})
	relationship.AddFieldConfig("sourceCount", &graphql.Field{Type: nn(graphql.Int), Resolve: byName})
	relationship.AddFieldConfig("to", &graphql.Field{Type: entity, Resolve: byName})
	entity.AddFieldConfig("id", &graphql.Field{Type: nn(graphql.ID), Resolve: byName})
	entity.AddFieldConfig("kind", &graphql.Field{Type: nn(kinds), Resolve: byName})
	entity.AddFieldConfig("name", &graphql.Field{Type: nn(graphql.String), Resolve: byName})
	entity.AddFieldConfig("relationships", &graphql.Field{
		Type: nn(relConn),
		Args: graphql.FieldConfigArgument{
			"direction":      {Type: direction, DefaultValue: "BOTH"},
			"types":          {Type: graphql.NewList(nn(relTypes))},
			"includeNegated": {Type: graphql.Boolean, DefaultValue: false},
			"review":         {Type: graphql.NewList(nn(reviews))},
			"first":          {Type: graphql.Int},
			"after":          {Type: graphql.String},
		},
		Resolve: byName,
	})
	entityEdge := graphql.NewObject(graphql.ObjectConfig{Name: "EntityEdge", Fields: graphql.Fields{
		"node": {Type: nn(entity), Resolve: byName},
	}})
	entityConn := graphql.NewObject(graphql.ObjectConfig{Name: "EntityConnection", Fields: graphql.Fields{
		"edges": {Type: nn(graphql.NewList(nn(entityEdge))), Resolve: byName},
	}})
	query := graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: graphql.Fields{
		"entity": {
			Type: entity,
			Args: graphql.FieldConfigArgument{"id": {Type: nn(graphql.ID)}},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				return f.entity[p.Args["id"].(string)], nil
			},
		},
		"entities": {
			Type: nn(entityConn),
			Args: graphql.FieldConfigArgument{
				"kind":  {Type: kinds},
				"first": {Type: graphql.Int},
				"after": {Type: graphql.String},
			},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				after, _ := p.Args["after"].(string)
				return f.entities[after], nil
			},
		},
	}})
	schema, err := graphql.NewSchema(graphql.SchemaConfig{Query: query})
	if err != nil {
		return graphql.Schema{}, fmt.Errorf("executor floor: schema: %w", err)
	}
	return schema, nil
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// dossierAnswers returns Dossier's answer to every body, failing on any that is not a 200.
func dossierAnswers(tb testing.TB, h http.Handler, bodies ...[]string) map[string][]byte {
	answers := map[string][]byte{}
	for _, list := range bodies {
		for _, body := range list {
			rec := serve(h, body)
			if rec.Code != http.StatusOK {
				tb.Fatalf("got %d %s", rec.Code, clip(rec.Body.Bytes()))
			}
			answers[body] = rec.Body.Bytes()
		}
	}
	return answers
}

// BenchmarkExecutorFloor runs Q1 and Q2 through graphql.Execute alone, parsed and validated
// once, against the executor floor ("graphql-go") and against Dossier's executor over the
// embedded store ("dossier"), which caches documents too: dossier ns/op ÷ graphql-go ns/op
// is what Dossier's resolvers and store add to graphql-go's own execution.
//
//	go test -run '^$' -bench ExecutorFloor -benchmem -count 3 ./tools/bench
//
// BenchmarkOverhead serves the floor over HTTP as the system "graphql-go".
func BenchmarkExecutorFloor(b *testing.B) {
	store, info := benchStore(b)
	h := dossierHandler(b, store, nil)
	q1, q2 := questionBodies(b, h, info)
	floor, err := newExecutorFloor(dossierAnswers(b, h, q1, q2))
	if err != nil {
		b.Fatal(err)
	}
	exec, err := resolvers.New(store, resolvers.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []struct {
		name   string
		bodies []string
	}{{"Q1", q1}, {"Q2", q2}} {
		reqs := make([]floorRequest, len(q.bodies))
		for i, body := range q.bodies {
			if reqs[i], err = decodeFloorRequest([]byte(body)); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(q.name+"/graphql-go", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if res := floor.execute(reqs[i%len(reqs)]); res == nil || len(res.Errors) > 0 {
					b.Fatalf("floor failed: %v", res)
				}
				i++
			}
		})
		b.Run(q.name+"/dossier", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				r := reqs[i%len(reqs)]
				if res := exec.Execute(b.Context(), resolvers.Request{Query: r.Query, Variables: r.Variables}); len(res.Errors) > 0 {
					b.Fatalf("dossier failed: %v", res.Errors)
				}
				i++
			}
		})
	}
}

// TestExecutorFloorAnswersAsDossier checks that the floor answers Q1 and Q2 byte for byte as
// Dossier did, over HTTP as BenchmarkOverhead serves it, and refuses a body it was not
// built from.
func TestExecutorFloorAnswersAsDossier(t *testing.T) {
	store, info := smallStore(t)
	h := dossierHandler(t, store, nil)
	q1, q2 := questionBodies(t, h, info)
	answers := dossierAnswers(t, h, q1, q2)
	floor, err := newExecutorFloor(answers)
	if err != nil {
		t.Fatal(err)
	}
	fh := floor.handler()
	edges := 0
	for body, want := range answers {
		rec := serve(fh, body)
		if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), want) {
			t.Errorf("floor answered %d %s\nDossier answered %s", rec.Code, clip(rec.Body.Bytes()), clip(want))
		}
		edges += bytes.Count(want, []byte(`"node"`))
	}
	if edges == 0 {
		t.Error("no answer had any edge: the comparison proves nothing")
	}
	if rec := serve(fh, requestBody(`{ entities { edges { node { id } } } }`, nil)); rec.Code != http.StatusNotFound {
		t.Errorf("an unprepared query got %d, want 404", rec.Code)
	}
}
