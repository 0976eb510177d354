package resolvers

// OperationType names the kind of operation req selects, for metrics: "query", "mutation"
// or "subscription", or "" when the document does not parse or has no such operation.
// After Execute a valid document comes from the cache; others are parsed again, but not
// validated.
func (e *Executor) OperationType(req Request) string {
	// document applies Execute's text limits before it parses, so a hostile document costs
	// no more here than it did there.
	doc, refused := e.document(req.Query)
	if refused != nil {
		return ""
	}
	if op := operation(doc, req.OperationName); op != nil {
		return op.Operation
	}
	return ""
}
