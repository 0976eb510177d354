package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/server/auth"
)

// recoverPanics turns a panic in a handler into a logged error and a 500 JSON answer, so
// that one bad request cannot take the server down.
func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
			panic(v) // net/http's way of aborting a response on purpose
		}
		s.log.ErrorContext(c.Request.Context(), "panic serving request",
			"method", c.Request.Method, "path", c.Request.URL.Path,
			"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		if c.Writer.Written() {
			c.Abort() // the answer is already on its way; nothing sane can be added
			return
		}
		WriteError(c, http.StatusInternalServerError, graph.EINTERNAL, "internal error")
		c.Abort()
	}()
	c.Next()
}

// logRequests logs one line per request. It logs the path but never the query string (GET
// /graphql carries variables there), headers or bodies, so tokens and variables stay out of
// logs.
func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	status := c.Writer.Status()
	level := slog.LevelInfo
	if status >= http.StatusInternalServerError {
		level = slog.LevelError
	}
	ctx := c.Request.Context() // the request authenticate left, which carries the actor
	if !s.log.Enabled(ctx, level) {
		return // a quiet logger costs nothing per request
	}
	actor, _ := auth.FromContext(ctx)
	s.log.LogAttrs(ctx, level, "request",
		slog.String("method", c.Request.Method),
		slog.String("path", c.Request.URL.Path),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
		slog.Int("bytes", c.Writer.Size()),
		slog.String("remote", c.Request.RemoteAddr),
		slog.String("actor", actor.Name),
	)
}

// securityHeaders sets headers that keep browsers from sniffing, framing or caching answers.
// The playground replaces the content security policy with one that lets its page run.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	for _, sh := range securityHeaderValues {
		h[sh.key] = sh.value
	}
	c.Next()
}

// securityHeaderValues are built once, so that a request does not allocate a slice per
// header. Each slice is shared by every response and never written: Header.Set replaces it,
// and Header.Add appends to a slice whose capacity is its length, which copies it.
var securityHeaderValues = func() []headerValue {
	var out []headerValue
	for _, kv := range [][2]string{
		{"X-Content-Type-Options", "nosniff"},
		{"X-Frame-Options", "DENY"},
		{"Referrer-Policy", "no-referrer"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
		{"Cross-Origin-Resource-Policy", "same-origin"},
		{"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"},
		{"Cache-Control", "no-store"},
	} {
		out = append(out, headerValue{http.CanonicalHeaderKey(kv[0]), []string{kv[1]}[:1:1]})
	}
	return out
}()

type headerValue struct {
	key   string
	value []string
}
