// Package resolverstest builds hostile GraphQL documents for the tests of the executor and
// of the server in front of it, so that both refuse the same shapes.
package resolverstest

import (
	"fmt"
	"strings"
)

// FragmentChain is a document of n fragments on type on, each spreading the next fanout
// times, the last selecting leaf; the operation spreads the first inside open and close.
// Expanded, it has fanout^(n-1) copies of leaf, from a document of a few hundred bytes.
func FragmentChain(n, fanout int, on, open, close, leaf string) string {
	var b strings.Builder
	b.WriteString("{ " + open + " ...F0 " + close + " }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on %s { ", i, on)
		if i == n-1 {
			b.WriteString(leaf)
		} else {
			for range fanout {
				fmt.Fprintf(&b, "...F%d ", i+1)
			}
		}
		b.WriteString(" }\n")
	}
	return b.String()
}
