package resolvers

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/graphql-go/graphql"
)

// Causes of a request's context ending early.
var (
	errTimeout          = errors.New("request timeout")
	errResponseTooLarge = errors.New("response too large")
)

// budget is what is left of a request's response-size allowance, as estimated while
// fields resolve; stop cancels the request once it runs out, so that an answer never grows
// far past the ceiling in memory before the HTTP layer measures it exactly.
type budget struct {
	left atomic.Int64
	stop context.CancelCauseFunc
}

// spend charges a resolved field: its name, its punctuation and, for scalars, the value.
func (b *budget) spend(name string, v any) {
	cost := int64(len(name) + 4 + valueSize(v))
	if b.left.Add(-cost) < 0 {
		b.stop(errResponseTooLarge)
	}
}

func valueSize(v any) int {
	switch v := v.(type) {
	case string:
		return len(v) + 2
	case *string: // fieldRef's answer for a string field
		return len(*v) + 2
	case []string:
		n := 2
		for _, s := range v {
			n += len(s) + 3
		}
		return n
	case nil:
		return 4
	}
	return 8
}

// guardResolvers wraps every resolver so that none starts once its request is over (past
// its deadline, its client gone, or its answer too large) and every one is charged to the
// request's budget. graphql-go itself never looks at the context between fields.
func guardResolvers(fields fieldResolvers) {
	for _, byName := range fields {
		for name, fn := range byName {
			byName[name] = guard(fn)
		}
	}
}

func guard(fn graphql.FieldResolveFn) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (any, error) {
		if p.Context.Err() != nil {
			return nil, context.Cause(p.Context)
		}
		v, err := fn(p)
		// The budget lives in the request state, so that a field costs one context look-up.
		if s, ok := p.Context.Value(requestKey{}).(*requestState); ok {
			s.budget.spend(p.Info.FieldName, v)
		}
		return v, err
	}
}

// reset gives the budget limit bytes, past which stop ends the request.
func (b *budget) reset(limit int, stop context.CancelCauseFunc) {
	b.stop = stop
	b.left.Store(int64(limit))
}
