package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/dossiergraph/dossier/export"
)

// serverFlags let a command work through a running server's HTTP API instead of opening the
// store, which the server holds locked.
type serverFlags struct {
	url       string
	tokenFile string
}

// register adds --server and --token-file; writes need the token, reads send it when set
// (a server with --require-read-token needs it).
func (f *serverFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.url, "server", envOr("DOSSIER_SERVER", ""), "go through the API of the dossier server at this URL, e.g. http://127.0.0.1:8080, instead of opening the store (DOSSIER_SERVER)")
	fs.StringVar(&f.tokenFile, "token-file", "", "with --server, read the token from this file (default: DOSSIER_TOKEN)")
}

// apiClient calls a Dossier server: GraphQL, /export, /import and /dump.
type apiClient struct {
	base  *url.URL
	token string // "" when the command only reads
	http  *http.Client
}

// client returns a client for --server, with the write token when write is set.
func (a *app) client(write bool) (*apiClient, error) {
	base, err := url.Parse(a.server.url)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("--server %q: want the server's URL, e.g. http://127.0.0.1:8080", a.server.url)
	}
	base.Path = strings.TrimSuffix(base.Path, "/")
	c := &apiClient{base: base, http: &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 10 * time.Minute, // an import or ingest answers once it is written
	}}}
	if c.token, err = a.token(); err != nil {
		return nil, err
	}
	if write && c.token == "" {
		return nil, fmt.Errorf("--server writes need a token of role write: set DOSSIER_TOKEN or pass --token-file (dossier token create NAME --role write makes one)")
	}
	if c.token != "" {
		if base.Scheme == "http" && !isLoopback(base.Hostname()) {
			if log, err := a.logger(); err == nil {
				log.Warn("the token goes in clear text over http to another machine; prefer https", "server", base.Redacted())
			}
		}
	}
	return c, nil
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// token finds the credential for --server: --token-file, else DOSSIER_TOKEN; "" when
// neither is set, which only reads on a server with open reads may do.
func (a *app) token() (string, error) {
	path := a.server.tokenFile
	if path == "" {
		return strings.TrimSpace(os.Getenv("DOSSIER_TOKEN")), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read token: %w", err)
	}
	token := strings.TrimSpace(string(data))
	if token == "" || strings.ContainsAny(token, " \t\r\n") {
		return "", fmt.Errorf("token file %s must hold one token", path)
	}
	return token, nil
}

func (c *apiClient) endpoint(path string, params url.Values) string {
	u := *c.base
	u.Path += path
	u.RawQuery = params.Encode()
	return u.String()
}

// do sends req with the token and returns the response when its status is 200; any other
// answer becomes an error carrying the server's message.
func (c *apiClient) do(req *http.Request) (*http.Response, error) {
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("dossier server %s: %w", c.base, err)
	}
	if resp.StatusCode == http.StatusOK {
		return resp, nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return nil, c.answerError(resp.StatusCode, body)
}

// apiError is one error of a GraphQL-shaped answer.
type apiError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code     string                `json:"code"`
		Problems []export.SheetProblem `json:"problems"`
	} `json:"extensions"`
}

// answerError explains a refused request from the server's error body.
func (c *apiClient) answerError(status int, body []byte) error {
	var answer struct {
		Errors []apiError `json:"errors"`
	}
	if json.Unmarshal(body, &answer) != nil || len(answer.Errors) == 0 {
		return fmt.Errorf("dossier server %s answered %d %s", c.base, status, http.StatusText(status))
	}
	return c.errorsOf(status, answer.Errors)
}

func (c *apiClient) errorsOf(status int, errs []apiError) error {
	msgs := make([]string, 0, len(errs))
	for _, e := range errs {
		msg := e.Message
		if len(e.Extensions.Problems) > 0 {
			msg = sheetProblems(e.Extensions.Problems)
		}
		if e.Extensions.Code != "" {
			msg += " (" + e.Extensions.Code + ")"
		}
		msgs = append(msgs, msg)
	}
	err := fmt.Errorf("dossier server %s: %s", c.base, strings.Join(msgs, "; "))
	if status == http.StatusRequestEntityTooLarge {
		return fmt.Errorf("%w: the server's --max-body bounds what it accepts; raise it, or stop the server and run the command on the store", err)
	}
	if status == http.StatusUnauthorized {
		return fmt.Errorf("%w: check the token (DOSSIER_TOKEN or --token-file; dossier token create NAME --role write makes one)", err)
	}
	return err
}

// graphql runs a query or mutation and decodes its data into out; any GraphQL error fails it.
func (c *apiClient) graphql(ctx context.Context, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return fmt.Errorf("encode GraphQL request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint("/graphql", nil), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("dossier server: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var answer struct {
		Data   json.RawMessage `json:"data"`
		Errors []apiError      `json:"errors"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 256<<20)).Decode(&answer); err != nil {
		return fmt.Errorf("dossier server %s: unreadable GraphQL answer: %w", c.base, err)
	}
	if len(answer.Errors) > 0 {
		return c.errorsOf(resp.StatusCode, answer.Errors)
	}
	if err := json.Unmarshal(answer.Data, out); err != nil {
		return fmt.Errorf("dossier server %s: unexpected GraphQL data: %w", c.base, err)
	}
	return nil
}

// download streams GET path?params into w.
func (c *apiClient) download(ctx context.Context, path string, params url.Values, w io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.endpoint(path, params), nil)
	if err != nil {
		return fmt.Errorf("dossier server: %w", err)
	}
	resp, err := c.do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(w, resp.Body); err != nil {
		// The server cuts the connection when an export fails mid-stream.
		return fmt.Errorf("dossier server %s: the download broke off: %w", c.base, err)
	}
	return nil
}

// upload POSTs body to path?params and decodes the JSON answer into out.
func (c *apiClient) upload(ctx context.Context, path string, params url.Values, contentType string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint(path, params), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("dossier server: %w", err)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := c.do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, 256<<20)).Decode(out); err != nil {
		return fmt.Errorf("dossier server %s: unreadable answer: %w", c.base, err)
	}
	return nil
}
