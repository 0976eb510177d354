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
	// c.Request is the one authenticate left, which carries the actor.
	actor, _ := auth.FromContext(c.Request.Context())
	s.log.Log(c.Request.Context(), level, "request",
		"method", c.Request.Method,
		"path", c.Request.URL.Path,
		"status", status,
		"duration", time.Since(start),
		"bytes", c.Writer.Size(),
		"remote", c.Request.RemoteAddr,
		"actor", actor.Name,
	)
}

// securityHeaders sets headers that keep browsers from sniffing, framing or caching answers.
// The playground replaces the content security policy with one that lets its page run.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	h.Set("Cache-Control", "no-store")
	c.Next()
}
