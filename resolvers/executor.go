// Package resolvers serves Dossier's GraphQL API: it builds the executable schema from
// schema.graphql at start-up and executes requests against a graph.Store.
//
// Every error in a response carries extensions.code: the store's codes (BAD_INPUT,
// NOT_FOUND, CONFLICT, INTERNAL), GRAPHQL_PARSE_FAILED for text that is not GraphQL,
// BAD_INPUT for a document or variables the schema rejects, UNAUTHENTICATED and
// MUTATION_NOT_ALLOWED for refused mutations, and QUERY_TOO_DEEP and QUERY_TOO_COMPLEX for
// queries over the limits. Internal errors are logged and answered with a generic message.
package resolvers

import (
	"container/list"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"

	"github.com/dossiergraph/dossier"
	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/ingest"
)

// Defaults for Options.
const (
	DefaultMaxDepth      = 12
	DefaultMaxComplexity = 50000
	DefaultCacheSize     = 512
)

// Options tune an Executor; zero values take the defaults.
type Options struct {
	// MaxDepth is how deep fields may nest (DefaultMaxDepth); deeper queries are rejected
	// with code QUERY_TOO_DEEP before execution.
	MaxDepth int
	// MaxComplexity bounds the estimated cost of a query (DefaultMaxComplexity), where list
	// fields multiply the cost of their selection by first or limit; costlier queries are
	// rejected with code QUERY_TOO_COMPLEX before execution.
	MaxComplexity int
	// Logger receives internal errors (slog.Default() when nil).
	Logger *slog.Logger
	// CacheSize is how many parsed and validated documents are kept, by query text
	// (DefaultCacheSize); negative disables the cache.
	CacheSize int
	// Ingester serves the ingestArticle mutation; nil turns ingestion off.
	Ingester *ingest.Ingester
}

// Request is one GraphQL request.
type Request struct {
	Query         string
	OperationName string
	Variables     map[string]any
	// ReadOnly is true for HTTP GET: a mutation is refused with code MUTATION_NOT_ALLOWED.
	ReadOnly bool
	// CanWrite is true when the caller presented the write token: a mutation without it is
	// refused with code UNAUTHENTICATED.
	CanWrite bool
}

// Executor executes GraphQL requests against a store. It is safe for concurrent use.
type Executor struct {
	schema   graphql.Schema
	resolver *resolver
	rules    []graphql.ValidationRuleFn
	opts     Options
	cache    *documentCache // nil when disabled
}

// New builds the executable schema from schema.graphql over store. Mutations need a store
// that is also a graph.Applier; over any other they answer MUTATION_NOT_ALLOWED.
func New(store graph.Querier, opts Options) (*Executor, error) {
	if store == nil {
		return nil, fmt.Errorf("resolvers: no store")
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	if opts.MaxComplexity <= 0 {
		opts.MaxComplexity = DefaultMaxComplexity
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.CacheSize == 0 {
		opts.CacheSize = DefaultCacheSize
	}
	r := &resolver{store: store, ingester: opts.Ingester, log: opts.Logger}
	if w, ok := store.(graph.Applier); ok {
		r.writer = graph.NewWriter(w)
	}
	fields := r.fieldResolvers()
	maps.Copy(fields, r.ingestResolvers())
	schema, err := buildSchema(dossier.Schema, map[string]*graphql.Scalar{"PartialDate": newPartialDate()}, fields)
	if err != nil {
		return nil, fmt.Errorf("resolvers: %w", err)
	}
	e := &Executor{
		schema:   schema,
		resolver: r,
		rules:    append(append([]graphql.ValidationRuleFn{}, graphql.SpecifiedRules...), depthRule(opts.MaxDepth)),
		opts:     opts,
	}
	if opts.CacheSize > 0 {
		e.cache = newDocumentCache(opts.CacheSize)
	}
	return e, nil
}

// Schema returns the executable schema, for tools such as an SDL printer or tests.
func (e *Executor) Schema() *graphql.Schema { return &e.schema }

// Execute parses, validates and executes req. Errors are in the result, each with
// extensions.code; Execute never returns nil.
func (e *Executor) Execute(ctx context.Context, req Request) *graphql.Result {
	doc, res := e.document(req.Query)
	if res != nil {
		return res
	}
	op := operation(doc, req.OperationName)
	if op == nil {
		return &graphql.Result{Errors: errorResult(graph.EINVALID, operationMissing(req.OperationName))}
	}
	// Refused before any resolver runs, so a refused mutation has no effect at all.
	if op.Operation == ast.OperationTypeMutation {
		switch {
		case req.ReadOnly:
			return &graphql.Result{Errors: errorResult(CodeMutationNotAllowed, "mutations are not allowed over GET; use POST")}
		case !req.CanWrite:
			return &graphql.Result{Errors: errorResult(CodeUnauthenticated, "mutations need the write token")}
		}
	}
	if cost := complexity(&e.schema, doc, op, req.Variables); cost > e.opts.MaxComplexity {
		return &graphql.Result{Errors: errorResult(CodeQueryTooComplex,
			fmt.Sprintf("query costs an estimated %d, more than the limit of %d; ask for smaller pages (first, limit) or fewer nested lists", cost, e.opts.MaxComplexity))}
	}
	ctx = context.WithValue(ctx, requestKey{}, e.resolver.newRequestState())
	res = graphql.Execute(graphql.ExecuteParams{
		Schema:        e.schema,
		AST:           doc,
		OperationName: req.OperationName,
		Args:          req.Variables,
		Context:       ctx,
	})
	res.Errors = codedErrors(ctx, e.opts.Logger, res.Errors)
	return res
}

// document returns the parsed and validated document for query, from the cache when it
// holds it, or a result holding the errors that reject it.
func (e *Executor) document(query string) (*ast.Document, *graphql.Result) {
	if e.cache != nil {
		if doc, ok := e.cache.get(query); ok {
			return doc, nil
		}
	}
	// Validation time grows steeply with nesting, and the depth rule runs inside it: deep
	// brackets are refused from the text alone, before parsing.
	if depth := bracketDepth(query); depth > maxBracketDepth {
		return nil, &graphql.Result{Errors: errorResult(CodeQueryTooDeep,
			fmt.Sprintf("query nests brackets %d deep, more than the limit of %d", depth, maxBracketDepth))}
	}
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(query), Name: "GraphQL request"})})
	if err != nil {
		return nil, &graphql.Result{Errors: errorResult(CodeParseFailed, err.Error())}
	}
	// graphql-go's rule for overlapping fields recurses through fragment spreads without
	// a guard and overflows the stack on a fragment cycle, which would crash the process:
	// cycles are rejected first, on their own.
	v := graphql.ValidateDocument(&e.schema, doc, []graphql.ValidationRuleFn{graphql.NoFragmentCyclesRule})
	if v.IsValid {
		v = graphql.ValidateDocument(&e.schema, doc, e.rules)
	}
	if !v.IsValid {
		for i := range v.Errors {
			if v.Errors[i].Extensions == nil {
				v.Errors[i].Extensions = map[string]any{"code": graph.EINVALID}
			}
		}
		return nil, &graphql.Result{Errors: v.Errors}
	}
	if e.cache != nil {
		e.cache.put(query, doc)
	}
	return doc, nil
}

// operation returns the operation of doc that name selects: the only one when name is "".
func operation(doc *ast.Document, name string) *ast.OperationDefinition {
	var found *ast.OperationDefinition
	for _, def := range doc.Definitions {
		op, ok := def.(*ast.OperationDefinition)
		if !ok {
			continue
		}
		if name == "" {
			if found != nil {
				return nil // several operations and no name: ambiguous
			}
			found = op
		} else if op.Name != nil && op.Name.Value == name {
			return op
		}
	}
	return found
}

func operationMissing(name string) string {
	if name == "" {
		return "the document holds several operations: give operationName"
	}
	return fmt.Sprintf("the document has no operation named %q", graph.Clip(name))
}

// documentCache is a bounded LRU of validated documents by query text. A cached document
// is only read after it is stored, so requests may share it.
type documentCache struct {
	mu    sync.Mutex
	size  int
	order *list.List // of *cacheEntry, most recent first
	byKey map[string]*list.Element
}

type cacheEntry struct {
	query string
	doc   *ast.Document
}

func newDocumentCache(size int) *documentCache {
	return &documentCache{size: size, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *documentCache) get(query string) (*ast.Document, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[query]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).doc, true
}

func (c *documentCache) put(query string, doc *ast.Document) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[query]; ok {
		c.order.MoveToFront(el)
		return
	}
	c.byKey[query] = c.order.PushFront(&cacheEntry{query: query, doc: doc})
	if c.order.Len() > c.size {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.byKey, oldest.Value.(*cacheEntry).query)
	}
}

// maxBracketDepth bounds how deeply {, [ and ( may nest in a query's text: far above any
// real query (selections are limited to MaxDepth anyway), far below what makes graphql-go's
// validation slow.
const maxBracketDepth = 64

// bracketDepth returns the deepest nesting of brackets in a GraphQL text, outside strings
// and comments, stopping early once past maxBracketDepth.
func bracketDepth(q string) int {
	depth, deepest := 0, 0
	for i := 0; i < len(q); i++ {
		switch c := q[i]; c {
		case '#':
			for i < len(q) && q[i] != '\n' {
				i++
			}
		case '"':
			if strings.HasPrefix(q[i:], `"""`) {
				end := strings.Index(q[i+3:], `"""`)
				if end < 0 {
					return deepest
				}
				i += 3 + end + 2
				continue
			}
			for i++; i < len(q) && q[i] != '"' && q[i] != '\n'; i++ {
				if q[i] == '\\' {
					i++
				}
			}
		case '{', '[', '(':
			depth++
			if depth > deepest {
				deepest = depth
				if deepest > maxBracketDepth {
					return deepest
				}
			}
		case '}', ']', ')':
			depth--
		}
	}
	return deepest
}
