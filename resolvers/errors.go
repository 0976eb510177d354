package resolvers

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/location"

	"github.com/dossiergraph/dossier/graph"
)

// Error codes of the GraphQL layer, on top of graph's BAD_INPUT, NOT_FOUND, CONFLICT and
// INTERNAL. Every error in a response carries one of them in extensions.code.
const (
	CodeParseFailed        = "GRAPHQL_PARSE_FAILED" // the query text is not GraphQL
	CodeUnauthenticated    = "UNAUTHENTICATED"      // a mutation without the write token
	CodeMutationNotAllowed = "MUTATION_NOT_ALLOWED" // a mutation over a read-only request (HTTP GET)
	CodeQueryTooDeep       = "QUERY_TOO_DEEP"
	CodeQueryTooComplex    = "QUERY_TOO_COMPLEX"
	// Limits on the document's size, checked before graphql-go's validation.
	CodeQueryTooLarge         = "QUERY_TOO_LARGE"
	CodeTooManyAliases        = "TOO_MANY_ALIASES"
	CodeTooManyRepeatedFields = "TOO_MANY_REPEATED_FIELDS"
	// Requests stopped while they ran.
	CodeResponseTooLarge = "RESPONSE_TOO_LARGE"
	CodeRequestTimeout   = "REQUEST_TIMEOUT"
	CodeCancelled        = "CANCELLED" // the client went away; nobody reads the answer
)

// Error is an error fit for a GraphQL response: a code and a message for the user.
// It implements gqlerrors.ExtendedError so that graphql-go puts the code in extensions.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Message }

// Extensions implements gqlerrors.ExtendedError.
func (e *Error) Extensions() map[string]any { return map[string]any{"code": e.Code} }

var _ gqlerrors.ExtendedError = (*Error)(nil)

// publicError turns err into an *Error. Domain errors keep their code and message;
// anything else is an internal fault whose details go to the log, never to the user.
func publicError(ctx context.Context, log *slog.Logger, err error) *Error {
	var pub *Error
	if errors.As(err, &pub) {
		return pub
	}
	code := graph.ErrorCode(err)
	if code == graph.EINTERNAL {
		log.ErrorContext(ctx, "graphql: internal error", "err", err)
	}
	return &Error{Code: code, Message: graph.ErrorMessage(err)}
}

// codedErrors gives every error of a result an extensions.code. graphql-go drops the
// extensions of errors returned by thunks (it re-wraps them as FormattedError, which has no
// Extensions method), so the original error is dug out of the wrappers; errors graphql-go
// raises itself get a code from what they are.
func codedErrors(ctx context.Context, log *slog.Logger, errs []gqlerrors.FormattedError) []gqlerrors.FormattedError {
	for i, fe := range errs {
		if _, ok := fe.Extensions["code"]; ok {
			continue
		}
		if pub := originalPublicError(fe); pub != nil {
			errs[i].Message = pub.Message
			errs[i].Extensions = pub.Extensions()
			continue
		}
		code := graph.EINTERNAL
		// Variable values are coerced before execution; graphql-go words those errors so.
		if strings.HasPrefix(fe.Message, `Variable "$`) {
			code = graph.EINVALID
		} else {
			log.ErrorContext(ctx, "graphql: execution error", "err", fe.Message, "path", fe.Path)
			errs[i].Message = graph.ErrorMessage(errors.New(fe.Message))
		}
		errs[i].Extensions = map[string]any{"code": code}
	}
	return errs
}

// originalPublicError walks graphql-go's error wrappers down to an *Error, or returns nil.
func originalPublicError(fe gqlerrors.FormattedError) *Error {
	var err error = fe
	for range 8 { // wrappers nest at most a few deep; the bound guards against cycles
		switch e := err.(type) {
		case *Error:
			return e
		case gqlerrors.FormattedError:
			err = e.OriginalError()
		case *gqlerrors.Error:
			err = e.OriginalError
		default:
			var pub *Error
			if errors.As(err, &pub) {
				return pub
			}
			return nil
		}
		if err == nil {
			return nil
		}
	}
	return nil
}

// errorResult is a response that holds only err, located at nothing.
func errorResult(code, message string) []gqlerrors.FormattedError {
	return []gqlerrors.FormattedError{{
		Message:    message,
		Locations:  []location.SourceLocation{},
		Extensions: map[string]any{"code": code},
	}}
}
