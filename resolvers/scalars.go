package resolvers

import (
	"encoding/base64"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/dossiergraph/dossier/graph"
)

// partialDateFormat is what graphql-go's "Expected type" errors for the scalar leave out.
const partialDateFormat = "a PartialDate is YYYY, YYYY-MM or YYYY-MM-DD, e.g. \"2025\", \"2025-12\" or \"2025-12-10\""

// explainPartialDates adds the format to graphql-go's errors for a malformed PartialDate
// argument or variable, which only name the type.
func explainPartialDates(errs []gqlerrors.FormattedError) []gqlerrors.FormattedError {
	for i := range errs {
		if strings.Contains(errs[i].Message, `Expected type "PartialDate"`) {
			errs[i].Message += " (" + partialDateFormat + ")"
		}
	}
	return errs
}

// newPartialDate returns the PartialDate scalar. Its description comes from the SDL.
// Invalid values parse to nil, which graphql-go reports as an invalid argument or variable;
// those errors get code BAD_INPUT (see codedErrors and Execute).
func newPartialDate() *graphql.Scalar {
	parse := func(v any) any {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		d, err := graph.ParsePartialDate(s)
		if err != nil {
			return nil
		}
		return d
	}
	return graphql.NewScalar(graphql.ScalarConfig{
		Name: "PartialDate",
		Serialize: func(v any) any {
			switch d := v.(type) {
			case graph.PartialDate:
				if d == "" {
					return nil
				}
				return string(d)
			case string:
				return d
			}
			return nil
		},
		ParseValue: parse,
		ParseLiteral: func(v ast.Value) any {
			s, ok := v.(*ast.StringValue)
			if !ok {
				return nil
			}
			return parse(s.Value)
		},
	})
}

// Cursors are opaque to clients: base64 of a prefix and the store's id cursor, so that
// clients do not come to rely on cursors being ids.
const cursorPrefix = "dossier:"

func encodeCursor(id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + id))
}

// decodeCursor returns the store cursor in c; "" stays "" (the first page).
func decodeCursor(c string) (string, error) {
	if c == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	id, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if err != nil || !ok || graph.ValidateID("cursor", id) != nil {
		return "", graph.Errorf(graph.EINVALID, "malformed cursor %q: pass the endCursor of a previous page", graph.Clip(c))
	}
	return id, nil
}
