package resolvers

import (
	"encoding/base64"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/dossiergraph/dossier/graph"
)

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
