package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/location"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/resolvers"
)

// Error codes of the errors the HTTP layer answers itself; the executor's own codes
// (graph's and resolvers') pass through unchanged.
const (
	codeBadRequest       = "BAD_REQUEST"
	codeTooLarge         = "PAYLOAD_TOO_LARGE"
	codeUnsupportedMedia = "UNSUPPORTED_MEDIA_TYPE"
)

const jsonContentType = "application/json; charset=utf-8"

// graphQLRequest is the body of POST /graphql, and the parameters of GET /graphql.
type graphQLRequest struct {
	Query         *string        `json:"query"`
	OperationName *string        `json:"operationName"`
	Variables     map[string]any `json:"variables"`
	// Extensions is accepted, as GraphQL over HTTP allows it, and ignored.
	Extensions map[string]any `json:"extensions"`
}

// requestError is a failure to read a request, answered with its status before any
// GraphQL runs.
type requestError struct {
	status  int
	code    string
	message string
}

func (e *requestError) Error() string { return e.message }

func badRequest(format string, args ...any) *requestError {
	return &requestError{http.StatusBadRequest, codeBadRequest, fmt.Sprintf(format, args...)}
}

// postGraphQL answers POST /graphql: a JSON body {"query", "operationName", "variables"}, or
// a bare query with Content-Type application/graphql.
func (s *Server) postGraphQL(c *gin.Context) {
	req, err := s.readPost(c)
	if err != nil {
		writeRequestError(c, err)
		return
	}
	s.execute(c, req, false)
}

// getGraphQL answers GET /graphql?query=...&operationName=...&variables=...; GET runs
// queries only, so that links and prefetches can never change the graph.
func (s *Server) getGraphQL(c *gin.Context) {
	req, err := readGet(c.Request.URL.RawQuery)
	if err != nil {
		writeRequestError(c, err)
		return
	}
	s.execute(c, req, true)
}

func (s *Server) readPost(c *gin.Context) (resolvers.Request, error) {
	limit := s.cfg.MaxBodyBytes
	if c.Request.ContentLength > limit {
		return resolvers.Request{}, tooLarge(limit)
	}
	mediaType, params, err := parseMediaType(c.GetHeader("Content-Type"))
	if err != nil {
		return resolvers.Request{}, &requestError{http.StatusUnsupportedMediaType, codeUnsupportedMedia,
			"Content-Type must be application/json"}
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return resolvers.Request{}, &requestError{http.StatusUnsupportedMediaType, codeUnsupportedMedia,
			fmt.Sprintf("charset %q is not supported: send UTF-8", graph.Clip(cs))}
	}
	if mediaType != "application/json" && mediaType != "application/graphql" {
		return resolvers.Request{}, &requestError{http.StatusUnsupportedMediaType, codeUnsupportedMedia,
			fmt.Sprintf("Content-Type %q is not supported: send application/json", graph.Clip(mediaType))}
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return resolvers.Request{}, tooLarge(limit)
		}
		return resolvers.Request{}, badRequest("could not read the request body: %v", err)
	}
	if !utf8.Valid(body) {
		return resolvers.Request{}, badRequest("the request body is not valid UTF-8")
	}
	if mediaType == "application/graphql" {
		return checkQuery(graphQLRequest{Query: new(string(body))})
	}
	return decodeBody(body)
}

// parseMediaType is mime.ParseMediaType, answering the two bare types clients send most
// without the map of parameters mime allocates.
func parseMediaType(header string) (string, map[string]string, error) {
	switch header {
	case "application/json", "application/graphql":
		return header, nil, nil
	}
	return mime.ParseMediaType(header)
}

func tooLarge(limit int64) *requestError {
	return &requestError{http.StatusRequestEntityTooLarge, codeTooLarge,
		fmt.Sprintf("the request body is larger than %d bytes", limit)}
}

// decodeBody parses a JSON request body, with messages that name the faulty field rather
// than Go types.
func decodeBody(body []byte) (resolvers.Request, error) {
	var req graphQLRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	// Numbers stay as written, so that the executor can tell 1 from 1.5 and 1e400.
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		return resolvers.Request{}, jsonError("malformed JSON body", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return resolvers.Request{}, badRequest("malformed JSON body: unexpected data after the request object")
	}
	return checkQuery(req)
}

// jsonError explains a decoding error; what names the JSON that failed.
func jsonError(what string, err error) error {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		switch te.Field {
		case "":
			return badRequest("%s: want an object with query, operationName and variables (batches are not supported)", what)
		case "query", "operationName":
			return badRequest("%s: %s must be a string", what, te.Field)
		case "variables", "extensions":
			return badRequest("%s: %s must be an object", what, te.Field)
		}
		return badRequest("%s: %s has the wrong type", what, graph.Clip(te.Field))
	}
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return badRequest("%s at byte %d: %v", what, se.Offset, se)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return badRequest("%s: it is empty or cut short", what)
	}
	return badRequest("%s: %v", what, err)
}

// readGet parses the query string of GET /graphql. Parameters must not repeat, so that no
// proxy and no server can read a different request out of the same URL.
func readGet(rawQuery string) (resolvers.Request, error) {
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return resolvers.Request{}, badRequest("malformed query string: %v", err)
	}
	var req graphQLRequest
	for name, vs := range values {
		if len(vs) > 1 {
			return resolvers.Request{}, badRequest("parameter %q is given %d times", graph.Clip(name), len(vs))
		}
		if !utf8.ValidString(vs[0]) {
			return resolvers.Request{}, badRequest("parameter %q is not valid UTF-8", graph.Clip(name))
		}
		switch name {
		case "query":
			req.Query = &vs[0]
		case "operationName":
			req.OperationName = &vs[0]
		case "variables":
			dec := json.NewDecoder(strings.NewReader(vs[0]))
			dec.UseNumber()
			if err := dec.Decode(&req.Variables); err != nil {
				if _, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
					return resolvers.Request{}, badRequest("the variables parameter must be a JSON object")
				}
				return resolvers.Request{}, jsonError("malformed JSON in the variables parameter", err)
			}
			if _, err := dec.Token(); err != io.EOF {
				return resolvers.Request{}, badRequest("malformed JSON in the variables parameter: unexpected data after the object")
			}
		}
	}
	return checkQuery(req)
}

func checkQuery(req graphQLRequest) (resolvers.Request, error) {
	if req.Query == nil || strings.TrimSpace(*req.Query) == "" {
		return resolvers.Request{}, badRequest("the request has no query")
	}
	out := resolvers.Request{Query: *req.Query, Variables: req.Variables}
	if req.OperationName != nil {
		out.OperationName = *req.OperationName
	}
	return out, nil
}

// execute runs req and answers with the result and the status its errors call for. The
// request's context ends when its client disconnects, which stops the execution; the
// executor adds the deadline, as it knows which operations may take the long one.
func (s *Server) execute(c *gin.Context, req resolvers.Request, readOnly bool) {
	req.ReadOnly = readOnly
	req.CanWrite = canWrite(c)
	res := s.executeCounted(c.Request.Context(), req)
	if answeredRefusedMutation(c, res) {
		return
	}
	status := statusFor(res)
	switch status {
	case http.StatusUnauthorized:
		c.Header("WWW-Authenticate", `Bearer realm="dossier"`)
	case http.StatusMethodNotAllowed:
		c.Header("Allow", http.MethodPost)
	}
	resp := response{Errors: convertErrors(res.Errors), Extensions: res.Extensions}
	if status == http.StatusOK {
		// Only an executed request has a data entry, even a null one (GraphQL over HTTP).
		resp.Data = &res.Data
	}
	s.writeJSON(c, status, resp)
}

// statusFor maps a result to an HTTP status: refused writes get 405 or 401; requests that
// failed before execution (parse, validation, variables, limits: their errors carry no path)
// get 400, or 500 when all that failed was an internal fault; everything that executed gets
// 200 with its errors in the body.
func statusFor(res *graphql.Result) int {
	if len(res.Errors) == 0 {
		return http.StatusOK
	}
	codes := map[string]bool{}
	executed := res.Data != nil
	internalOnly := true
	for _, e := range res.Errors {
		code, _ := e.Extensions["code"].(string)
		codes[code] = true
		executed = executed || len(e.Path) > 0
		// An error that points into the query text is the query's fault, whatever its code.
		internalOnly = internalOnly && code == graph.EINTERNAL && len(e.Locations) == 0
	}
	switch {
	case codes[resolvers.CodeMutationNotAllowed]:
		return http.StatusMethodNotAllowed
	case codes[resolvers.CodeUnauthenticated]:
		return http.StatusUnauthorized
	case codes[resolvers.CodeRequestTimeout]:
		return http.StatusServiceUnavailable
	case executed:
		return http.StatusOK
	case internalOnly:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// response is a GraphQL answer. Data is a pointer so that a null result of an executed
// request is kept while requests that never executed have no data entry.
type response struct {
	Errors     []responseError `json:"errors,omitempty"`
	Data       *any            `json:"data,omitempty"`
	Extensions map[string]any  `json:"extensions,omitempty"`
}

// responseError is graphql-go's FormattedError without a null "locations" entry.
type responseError struct {
	Message    string                    `json:"message"`
	Locations  []location.SourceLocation `json:"locations,omitempty"`
	Path       []any                     `json:"path,omitempty"`
	Extensions map[string]any            `json:"extensions,omitempty"`
}

func convertErrors(errs []gqlerrors.FormattedError) []responseError {
	if len(errs) == 0 {
		return nil
	}
	out := make([]responseError, len(errs))
	for i, e := range errs {
		out[i] = responseError{Message: e.Message, Locations: e.Locations, Path: e.Path, Extensions: e.Extensions}
	}
	return out
}

func writeRequestError(c *gin.Context, err error) {
	if re, ok := errors.AsType[*requestError](err); ok {
		WriteError(c, re.status, re.code, re.message)
		return
	}
	WriteError(c, http.StatusBadRequest, codeBadRequest, err.Error())
}

// WriteError answers with one GraphQL-shaped error, {"errors":[{"message", "extensions":
// {"code"}}]}, the form every error of this server has; routes added through Engine use it
// to answer alike.
func WriteError(c *gin.Context, status int, code, message string) {
	body, _ := json.Marshal(response{Errors: []responseError{{ // strings and maps always marshal
		Message:    message,
		Extensions: map[string]any{"code": code},
	}}})
	c.Data(status, jsonContentType, body)
}

// writeJSON answers with v, unless its encoding is over the executor's response ceiling;
// the executor's own estimate stops most such answers before they are built.
func (s *Server) writeJSON(c *gin.Context, status int, v any) {
	bp, _ := s.answerBufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	body, err := encodeAnswer((*bp)[:0], v)
	if err != nil {
		s.log.ErrorContext(c.Request.Context(), "encode GraphQL response", "err", err)
		WriteError(c, http.StatusInternalServerError, graph.EINTERNAL, "internal error")
		return
	}
	if limit := s.exec.MaxResponseBytes(); len(body) > limit {
		WriteError(c, http.StatusBadRequest, resolvers.CodeResponseTooLarge, resolvers.ResponseTooLarge(limit))
		return
	}
	c.Data(status, jsonContentType, body) // written before it returns: body may be reused
	// Only buffers of common answers are kept, so that one huge answer does not stay pinned.
	if cap(body) <= maxPooledAnswer {
		*bp = body
		s.answerBufs.Put(bp)
	}
}

// maxPooledAnswer is the largest buffer writeJSON keeps for reuse.
const maxPooledAnswer = 64 << 10

// encodeAnswer appends the JSON of v to buf, as json.Marshal would write it. A GraphQL
// answer with data only, the common case, is encoded by appendJSON; the rest by
// encoding/json.
func encodeAnswer(buf []byte, v any) ([]byte, error) {
	resp, ok := v.(response)
	if !ok || len(resp.Errors) > 0 || resp.Extensions != nil || resp.Data == nil {
		b, err := json.Marshal(v)
		return append(buf, b...), err
	}
	buf = append(buf, `{"data":`...)
	buf, err := appendJSON(buf, *resp.Data)
	if err != nil {
		return buf, err
	}
	return append(buf, '}'), nil
}
