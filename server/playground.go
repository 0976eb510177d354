package server

import (
	"bufio"
	"crypto/sha256"
	"crypto/sha512"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dossiergraph/dossier/graph"
)

// GraphiQL 3 is the last line with a browser bundle that runs without a build step. The
// versions are pinned in playground-assets.txt and every file is checked by its Subresource
// Integrity hash, whether the browser fetches it from the CDN or the server serves it.
//
//go:embed playground-assets.txt
var playgroundAssetList string

//go:embed playground.js
var playgroundScript string

// playgroundQuery is the query the playground opens with: a look at the seed story.
//
//go:embed playground.graphql
var playgroundQuery string

// Where the page finds its files: the CDN, or this server under playgroundAssetsPath.
const (
	playgroundCDN        = "https://cdn.jsdelivr.net/npm/"
	playgroundAssetsPath = "/playground/assets/"
	// maxPlaygroundAsset bounds what is read from the assets folder (GraphiQL is ~3 MB).
	maxPlaygroundAsset = 32 << 20
)

// playgroundAsset is one pinned file of an npm package.
type playgroundAsset struct {
	pkg       string // name@version
	file      string // path inside the package
	integrity string // sha384-<base64>
}

// rel is the asset's path below the assets folder and below playgroundAssetsPath.
func (a playgroundAsset) rel() string { return a.pkg + "/" + a.file }

func (a playgroundAsset) style() bool { return strings.HasSuffix(a.file, ".css") }

// parsePlaygroundAssets reads the lines "name@version file sha384-hash" of the asset list.
func parsePlaygroundAssets(list string) ([]playgroundAsset, error) {
	var out []playgroundAsset
	sc := bufio.NewScanner(strings.NewReader(list))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 || strings.LastIndex(f[0], "@") < 1 || !strings.HasPrefix(f[2], "sha384-") ||
			path.Clean(f[1]) != f[1] || strings.HasPrefix(f[1], "../") {
			return nil, fmt.Errorf("playground asset list, line %d: want \"name@version file sha384-hash\", got %q", n, line)
		}
		out = append(out, playgroundAsset{pkg: f[0], file: f[1], integrity: f[2]})
	}
	if len(out) == 0 {
		return nil, errors.New("playground asset list is empty")
	}
	return out, nil
}

// playground is the rendered GraphiQL page, the content security policy that lets exactly
// that page run, and the asset files when the server serves them itself.
type playground struct {
	page  []byte
	csp   string
	files map[string][]byte // by rel(); nil when the page loads them from the CDN
	local bool
}

// newPlayground renders the page for the assets of list (the format of
// playground-assets.txt). With dir empty the page loads its files from the CDN; otherwise
// they are read from dir (laid out by scripts/playground-assets) and each must match its
// pinned hash.
func newPlayground(list, dir string) (playground, error) {
	assets, err := parsePlaygroundAssets(list)
	if err != nil {
		return playground{}, err
	}
	p := playground{local: dir != ""}
	if p.local {
		if p.files, err = readPlaygroundAssets(dir, assets); err != nil {
			return playground{}, err
		}
	}
	query, _ := json.Marshal(playgroundQuery) // a string always marshals; '<' becomes \u003c
	script := strings.Replace(playgroundScript, "DEFAULT_QUERY", string(query), 1)

	var head strings.Builder
	scriptSrc := []string{"'" + sha256Source(script) + "'"}
	styleSrc := []string{"'unsafe-inline'"} // GraphiQL's components inject <style> elements
	if p.local {
		scriptSrc = append(scriptSrc, "'self'")
		styleSrc = append(styleSrc, "'self'")
	}
	for _, a := range assets {
		url := playgroundCDN + a.rel()
		if p.local {
			url = playgroundAssetsPath + a.rel()
		}
		if a.style() {
			fmt.Fprintf(&head, "  <link rel=\"stylesheet\" href=\"%s\" integrity=\"%s\" crossorigin=\"anonymous\">\n", url, a.integrity)
			if !p.local {
				styleSrc = append(styleSrc, url)
			}
			continue
		}
		fmt.Fprintf(&head, "  <script src=\"%s\" integrity=\"%s\" crossorigin=\"anonymous\"></script>\n", url, a.integrity)
		if !p.local {
			scriptSrc = append(scriptSrc, url)
		}
	}
	loading := "Loading GraphiQL… (from cdn.jsdelivr.net; run scripts/playground-assets to serve it offline)"
	if p.local {
		loading = "Loading GraphiQL…"
	}
	p.page = []byte(`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Dossier GraphQL playground</title>
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
` + head.String() + `</head>
<body>
  <div id="graphiql">` + loading + `</div>
  <script>` + script + `</script>
</body>
</html>
`)
	p.csp = strings.Join([]string{
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
	return p, nil
}

// readPlaygroundAssets reads every asset from dir and checks it against its pinned hash, so
// that a stale or damaged folder is reported at start-up rather than as a blank page.
func readPlaygroundAssets(dir string, assets []playgroundAsset) (map[string][]byte, error) {
	files := make(map[string][]byte, len(assets))
	for _, a := range assets {
		name := filepath.Join(dir, filepath.FromSlash(a.rel()))
		info, err := os.Stat(name)
		if err == nil && info.Size() > maxPlaygroundAsset {
			err = fmt.Errorf("larger than %d bytes", maxPlaygroundAsset)
		}
		var data []byte
		if err == nil {
			data, err = os.ReadFile(name)
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("playground assets in %s: %s is missing; run scripts/playground-assets %s", dir, a.rel(), dir)
		}
		if err != nil {
			return nil, fmt.Errorf("playground assets: read %s: %w", name, err)
		}
		if got := sha384Integrity(data); got != a.integrity {
			return nil, fmt.Errorf("playground assets in %s: %s has hash %s, not the pinned %s; run scripts/playground-assets %s",
				dir, a.rel(), got, a.integrity, dir)
		}
		files[a.rel()] = data
	}
	return files, nil
}

// sha256Source returns the CSP source expression that allows exactly the inline script.
func sha256Source(script string) string {
	sum := sha256.Sum256([]byte(script))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// sha384Integrity returns data's Subresource Integrity hash.
func sha384Integrity(data []byte) string {
	sum := sha512.Sum384(data)
	return "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
}

func (p playground) serve(c *gin.Context) {
	c.Header("Content-Security-Policy", p.csp)
	c.Data(http.StatusOK, "text/html; charset=utf-8", p.page)
}

// serveAsset answers GET /playground/assets/*file from the files read at start-up.
func (p playground) serveAsset(c *gin.Context) {
	rel := strings.TrimPrefix(c.Param("file"), "/")
	data, ok := p.files[rel]
	if !ok {
		WriteError(c, http.StatusNotFound, "NOT_FOUND", "no such playground asset: "+graph.Clip(rel))
		return
	}
	contentType := "text/javascript; charset=utf-8"
	if strings.HasSuffix(rel, ".css") {
		contentType = "text/css; charset=utf-8"
	}
	// The path holds the package version, so a file under it never changes.
	c.Header("Cache-Control", "public, max-age=31536000, immutable")
	c.Data(http.StatusOK, contentType, data)
}
