package graph

import (
	"errors"
	"fmt"
)

// Error codes, shared by every store so that callers (and GraphQL's extensions.code) see the
// same code for the same failure whatever the backend.
const (
	ECONFLICT = "CONFLICT"  // the id is taken, or the change would break the graph
	EINTERNAL = "INTERNAL"  // a fault in Dossier or its store
	EINVALID  = "BAD_INPUT" // the input is malformed
	ENOTFOUND = "NOT_FOUND" // an id names nothing
)

// Error is a domain error with a code and a message fit for the user.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any other
// error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or a generic message
// for internal errors, whose details belong in logs rather than in answers to users.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
