package server

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dossiergraph/dossier/graph"
)

// healthTimeout bounds the store call of a health check, so that a stuck store answers 503
// rather than leaving the checker hanging.
const healthTimeout = 5 * time.Second

// healthz answers 200 when the store answers graph.Ping, and 503 otherwise.
func (s *Server) healthz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), healthTimeout)
	defer cancel()
	if err := graph.Ping(ctx, s.store); err != nil {
		s.log.ErrorContext(ctx, "health check: store failed", "err", err)
		c.Data(http.StatusServiceUnavailable, jsonContentType, []byte(`{"status":"unavailable"}`))
		return
	}
	c.Data(http.StatusOK, jsonContentType, []byte(`{"status":"ok"}`))
}
