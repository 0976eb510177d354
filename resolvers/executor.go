// Package resolvers serves Dossier's GraphQL API: it builds the executable schema from
// schema.graphql at start-up and executes requests against a graph.Store.
//
// Every error in a response carries extensions.code: the store's codes (BAD_INPUT,
// NOT_FOUND, CONFLICT, INTERNAL), GRAPHQL_PARSE_FAILED for text that is not GraphQL,
// BAD_INPUT for a document or variables the schema rejects, UNAUTHENTICATED and
// MUTATION_NOT_ALLOWED for refused mutations, QUERY_TOO_DEEP, QUERY_TOO_COMPLEX,
// QUERY_TOO_LARGE, TOO_MANY_ALIASES and TOO_MANY_REPEATED_FIELDS for documents over the
// limits (see Options), RESPONSE_TOO_LARGE and REQUEST_TIMEOUT for requests stopped while
// they ran. Internal errors are logged and answered with a generic message.
package resolvers

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"time"

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
	DefaultMaxDepth              = 12
	DefaultMaxIntrospectionDepth = 20
	DefaultMaxComplexity         = 50000
	DefaultMaxSelections         = 2000
	DefaultMaxAliases            = 200
	DefaultMaxSameName           = 16
	DefaultMaxResponseBytes      = 8 << 20
	DefaultTimeout               = 10 * time.Second
	DefaultLongTimeout           = 5 * time.Minute
	DefaultCacheSize             = 512
)

// Options tune an Executor; zero values take the defaults.
type Options struct {
	// MaxDepth is how deep fields may nest (DefaultMaxDepth); deeper queries are rejected
	// with code QUERY_TOO_DEEP before validation.
	MaxDepth int
	// MaxIntrospectionDepth is how deep fields may nest under __schema and __type
	// (DefaultMaxIntrospectionDepth: GraphiQL's introspection query nests 15 deep).
	MaxIntrospectionDepth int
	// MaxComplexity bounds the estimated cost of a query (DefaultMaxComplexity), where list
	// fields multiply the cost of their selection by first or limit; costlier queries are
	// rejected with code QUERY_TOO_COMPLEX before execution. Introspection counts too.
	MaxComplexity int
	// MaxSelections bounds the selections of a document once its fragments are expanded
	// (DefaultMaxSelections; code QUERY_TOO_LARGE), MaxAliases its aliases
	// (DefaultMaxAliases; code TOO_MANY_ALIASES), and MaxSameName the fields that share one
	// response name in a selection set (DefaultMaxSameName; code TOO_MANY_REPEATED_FIELDS).
	// They are checked before graphql-go's validation, whose time they bound.
	MaxSelections, MaxAliases, MaxSameName int
	// MaxResponseBytes bounds the JSON of an answer (DefaultMaxResponseBytes): execution
	// stops with code RESPONSE_TOO_LARGE once its estimate passes it.
	MaxResponseBytes int
	// Timeout bounds a request's execution (DefaultTimeout), LongTimeout one that runs
	// ingestArticle (DefaultLongTimeout); past it the request stops with REQUEST_TIMEOUT.
	Timeout, LongTimeout time.Duration
	// Logger receives internal errors (slog.Default() when nil).
	Logger *slog.Logger
	// CacheSize is how many parsed and validated documents are kept, by query text
	// (DefaultCacheSize); negative disables the cache.
	CacheSize int
	// Ingester serves the ingestArticle mutation; nil turns ingestion off.
	Ingester *ingest.Ingester
	// OnIngest, when set, hears of every ingestion the ingestArticle mutation ran, for
	// metrics.
	OnIngest func(dryRun bool, sum ingest.Summary, err error)
}

func (o *Options) applyDefaults() {
	setDefault(&o.MaxDepth, DefaultMaxDepth)
	setDefault(&o.MaxIntrospectionDepth, DefaultMaxIntrospectionDepth)
	setDefault(&o.MaxComplexity, DefaultMaxComplexity)
	setDefault(&o.MaxSelections, DefaultMaxSelections)
	setDefault(&o.MaxAliases, DefaultMaxAliases)
	setDefault(&o.MaxSameName, DefaultMaxSameName)
	setDefault(&o.MaxResponseBytes, DefaultMaxResponseBytes)
	setDefault(&o.Timeout, DefaultTimeout)
	setDefault(&o.LongTimeout, DefaultLongTimeout)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.CacheSize == 0 {
		o.CacheSize = DefaultCacheSize
	}
}

func setDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
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
	schema        graphql.Schema
	resolver      *resolver
	opts          Options
	introspection map[string]int // list lengths the cost estimate assumes for introspection
	cache         *documentCache // nil when disabled
}

// New builds the executable schema from schema.graphql over store. Mutations need a store
// that is also a graph.Applier; over any other they answer MUTATION_NOT_ALLOWED.
func New(store graph.Querier, opts Options) (*Executor, error) {
	if store == nil {
		return nil, fmt.Errorf("resolvers: no store")
	}
	opts.applyDefaults()
	r := &resolver{store: store, ingester: opts.Ingester, onIngest: opts.OnIngest, log: opts.Logger}
	if w, ok := store.(graph.Applier); ok {
		r.writer = graph.NewWriter(w)
	}
	fields := r.fieldResolvers()
	maps.Copy(fields, r.ingestResolvers())
	guardResolvers(fields)
	schema, err := buildSchema(dossier.Schema, map[string]*graphql.Scalar{"PartialDate": newPartialDate()}, fields)
	if err != nil {
		return nil, fmt.Errorf("resolvers: %w", err)
	}
	e := &Executor{
		schema:        schema,
		resolver:      r,
		opts:          opts,
		introspection: introspectionLists(&schema),
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
	vars, verr := coerceVariables(&e.schema, op, req.Variables)
	if verr != nil {
		return &graphql.Result{Errors: errorResult(verr.Code, verr.Message)}
	}
	if cost := e.cost(doc, op, vars); cost > e.opts.MaxComplexity {
		return &graphql.Result{Errors: errorResult(CodeQueryTooComplex,
			fmt.Sprintf("query costs an estimated %d, more than the limit of %d; ask for smaller pages (first, limit) or fewer nested lists", cost, e.opts.MaxComplexity))}
	}
	timeout := e.opts.Timeout
	if runsIngestion(doc, op) {
		timeout = e.opts.LongTimeout
	}
	ctx, cancelTimeout := context.WithTimeoutCause(ctx, timeout, errTimeout)
	defer cancelTimeout()
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	st := e.resolver.newRequestState()
	st.budget.reset(e.opts.MaxResponseBytes, stop)
	ctx = context.WithValue(ctx, requestKey{}, st)
	res = graphql.Execute(graphql.ExecuteParams{
		Schema:        e.schema,
		AST:           doc,
		OperationName: req.OperationName,
		Args:          vars,
		Context:       ctx,
	})
	switch cause := context.Cause(ctx); {
	case cause == nil:
	case errors.Is(cause, errTimeout):
		return &graphql.Result{Errors: errorResult(CodeRequestTimeout,
			fmt.Sprintf("the request took longer than %s and was stopped; ask for less", timeout))}
	case errors.Is(cause, errResponseTooLarge):
		return &graphql.Result{Errors: errorResult(CodeResponseTooLarge, ResponseTooLarge(e.opts.MaxResponseBytes))}
	default:
		return &graphql.Result{Errors: errorResult(CodeCancelled, "the client closed the request")}
	}
	res.Errors = explainPartialDates(codedErrors(ctx, e.opts.Logger, res.Errors))
	return res
}

// MaxResponseBytes is the largest answer the executor lets a request build; the HTTP layer
// holds the encoded answer to it.
func (e *Executor) MaxResponseBytes() int { return e.opts.MaxResponseBytes }

// ResponseTooLarge is the message of a RESPONSE_TOO_LARGE error.
func ResponseTooLarge(limit int) string {
	return fmt.Sprintf("the answer would be larger than %d bytes; ask for smaller pages or fewer fields", limit)
}

// runsIngestion tells whether op runs ingestArticle, which reads a whole article and may
// take the long timeout.
func runsIngestion(doc *ast.Document, op *ast.OperationDefinition) bool {
	if op.Operation != ast.OperationTypeMutation {
		return false
	}
	found := false
	newFragmentIndex(doc).flatten(op.SelectionSet, map[string]bool{}, func(f *ast.Field) {
		found = found || f.Name.Value == "ingestArticle"
	})
	return found
}

// document returns the parsed and validated document for query, from the cache when it
// holds it, or a result holding the errors that reject it.
func (e *Executor) document(query string) (*ast.Document, *graphql.Result) {
	if e.cache != nil {
		if doc, ok := e.cache.get(query); ok {
			return doc, nil
		}
	}
	// The parser and validation recurse once per bracket, and parsing takes time by the
	// token: deep or long documents are refused from the text alone, before parsing.
	maxTokens := tokensPerSelection * e.opts.MaxSelections
	sh := scanText(query, maxBracketDepth, maxTokens)
	if sh.depth > maxBracketDepth {
		return nil, &graphql.Result{Errors: errorResult(CodeQueryTooDeep,
			fmt.Sprintf("query nests brackets more than %d deep", maxBracketDepth))}
	}
	if sh.tokens > maxTokens {
		return nil, &graphql.Result{Errors: errorResult(CodeQueryTooLarge,
			fmt.Sprintf("query has more than %d tokens (%d for each of the %d selections allowed)", maxTokens, tokensPerSelection, e.opts.MaxSelections))}
	}
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(query), Name: "GraphQL request"})})
	if err != nil {
		return nil, &graphql.Result{Errors: errorResult(CodeParseFailed, err.Error())}
	}
	if err := checkVariableTypes(doc, []byte(query)); err != nil {
		return nil, &graphql.Result{Errors: errorResult(err.Code, err.Message)}
	}
	if err := e.checkShape(doc); err != nil {
		return nil, &graphql.Result{Errors: errorResult(err.Code, err.Message)}
	}
	// graphql-go's rule for overlapping fields recurses through fragment spreads without
	// a guard and overflows the stack on a fragment cycle, which would crash the process:
	// cycles are rejected first, on their own.
	v := graphql.ValidateDocument(&e.schema, doc, []graphql.ValidationRuleFn{graphql.NoFragmentCyclesRule})
	if v.IsValid {
		v = graphql.ValidateDocument(&e.schema, doc, validationRules)
	}
	if !v.IsValid {
		for i := range v.Errors {
			if v.Errors[i].Extensions == nil {
				v.Errors[i].Extensions = map[string]any{"code": graph.EINVALID}
			}
		}
		return nil, &graphql.Result{Errors: explainPartialDates(v.Errors)}
	}
	if e.cache != nil {
		e.cache.put(query, doc)
	}
	return doc, nil
}

// validationRules are the spec's rules and the spec's range of Int literals.
var validationRules = append(append([]graphql.ValidationRuleFn{}, graphql.SpecifiedRules...), int32Literals)

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

// tokensPerSelection bounds the tokens of a document by its selection limit: a real query
// spends a few tokens per selection (name, alias, arguments, brackets), and parsing a huge
// document just to count its selections would itself be the expensive part.
const tokensPerSelection = 10

// textShape is what a scan of a query's text tells before parsing.
type textShape struct {
	depth  int // deepest nesting of brackets
	tokens int // names, numbers, strings and punctuators; commas and comments not counted
}

// scanText measures q, outside strings and comments, stopping early once past maxDepth
// brackets or maxTokens tokens.
func scanText(q string, maxDepth, maxTokens int) textShape {
	var sh textShape
	depth := 0
	for i := 0; i < len(q) && sh.depth <= maxDepth && sh.tokens <= maxTokens; i++ {
		c := q[i]
		switch {
		case c == '#':
			for i < len(q) && q[i] != '\n' {
				i++
			}
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			continue
		case c == '"':
			if strings.HasPrefix(q[i:], `"""`) {
				end := strings.Index(q[i+3:], `"""`)
				if end < 0 {
					return sh
				}
				i += 3 + end + 2
			} else {
				for i++; i < len(q) && q[i] != '"' && q[i] != '\n'; i++ {
					if q[i] == '\\' {
						i++
					}
				}
			}
		case c == '{' || c == '[' || c == '(':
			depth++
			sh.depth = max(sh.depth, depth)
		case c == '}' || c == ']' || c == ')':
			depth--
		case isNameByte(c) || c == '-' || c == '.':
			for i+1 < len(q) && (isNameByte(q[i+1]) || q[i+1] == '.') {
				i++
			}
		}
		sh.tokens++
	}
	return sh
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
