package resolvers

import (
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
)

// OperationType names the kind of operation req selects, for metrics: "query", "mutation"
// or "subscription", or "" when the document does not parse or has no such operation.
// After Execute a valid document comes from the cache; others are parsed again, but not
// validated.
func (e *Executor) OperationType(req Request) string {
	var doc *ast.Document
	if e.cache != nil {
		doc, _ = e.cache.get(req.Query)
	}
	if doc == nil {
		if bracketDepth(req.Query) > maxBracketDepth {
			return ""
		}
		var err error
		doc, err = parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(req.Query), Name: "GraphQL request"})})
		if err != nil {
			return ""
		}
	}
	if op := operation(doc, req.OperationName); op != nil {
		return op.Operation
	}
	return ""
}
