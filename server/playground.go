package server

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// GraphiQL 3 is the last line with a browser bundle that runs without a build step. The
// versions are pinned and every file is checked by its Subresource Integrity hash (sha384 of
// the file as published on npm, which jsDelivr serves unchanged).
var playgroundAssets = []struct {
	url, integrity string
	style          bool
}{
	{"https://cdn.jsdelivr.net/npm/graphiql@3.8.3/graphiql.min.css", "sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM", true},
	{"https://cdn.jsdelivr.net/npm/react@18.3.1/umd/react.production.min.js", "sha384-DGyLxAyjq0f9SPpVevD6IgztCFlnMF6oW/XQGmfe+IsZ8TqEiDrcHkMLKI6fiB/Z", false},
	{"https://cdn.jsdelivr.net/npm/react-dom@18.3.1/umd/react-dom.production.min.js", "sha384-gTGxhz21lVGYNMcdJOyq01Edg0jhn/c22nsx0kyqP0TxaV5WVdsSH1fSDUf5YJj1", false},
	{"https://cdn.jsdelivr.net/npm/graphiql@3.8.3/graphiql.min.js", "sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie", false},
}

//go:embed playground.js
var playgroundScript string

// playgroundQuery is the query the playground opens with: a look at the seed story.
//
//go:embed playground.graphql
var playgroundQuery string

// playground is the rendered GraphiQL page and the content security policy that lets
// exactly that page run.
type playground struct {
	page []byte
	csp  string
}

func newPlayground() playground {
	query, _ := json.Marshal(playgroundQuery) // a string always marshals; '<' becomes \u003c
	script := strings.Replace(playgroundScript, "DEFAULT_QUERY", string(query), 1)

	var head strings.Builder
	scriptSrc := []string{"'" + sha256Source(script) + "'"}
	styleSrc := []string{"'unsafe-inline'"} // GraphiQL's components inject <style> elements
	for _, a := range playgroundAssets {
		if a.style {
			fmt.Fprintf(&head, "  <link rel=\"stylesheet\" href=\"%s\" integrity=\"%s\" crossorigin=\"anonymous\">\n", a.url, a.integrity)
			styleSrc = append(styleSrc, a.url)
			continue
		}
		fmt.Fprintf(&head, "  <script src=\"%s\" integrity=\"%s\" crossorigin=\"anonymous\"></script>\n", a.url, a.integrity)
		scriptSrc = append(scriptSrc, a.url)
	}
	page := `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Dossier GraphQL playground</title>
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
` + head.String() + `</head>
<body>
  <div id="graphiql">Loading GraphiQL… (it needs cdn.jsdelivr.net)</div>
  <script>` + script + `</script>
</body>
</html>
`
	csp := strings.Join([]string{
		"default-src 'none'",
		"script-src " + strings.Join(scriptSrc, " "),
		"style-src " + strings.Join(styleSrc, " "),
		"font-src data:", // GraphiQL's fonts are inlined in its stylesheet
		"img-src data:",
		"connect-src 'self'",
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; ")
	return playground{page: []byte(page), csp: csp}
}

// sha256Source returns the CSP source expression that allows exactly the inline script.
func sha256Source(script string) string {
	sum := sha256.Sum256([]byte(script))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

func (p playground) serve(c *gin.Context) {
	c.Header("Content-Security-Policy", p.csp)
	c.Data(http.StatusOK, "text/html; charset=utf-8", p.page)
}
