package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/dossiergraph/dossier/export"
)

// dumpGraph serves GET /dump: the whole store as `dossier dump` writes it, streaming, so that
// a team server can be backed up while it runs (`dossier dump --server URL`). It reveals
// nothing that reads and whole-graph exports do not.
func (s *Server) dumpGraph(c *gin.Context) {
	ctx := c.Request.Context()
	c.Header("Content-Type", "application/x-ndjson")
	c.Header("Content-Disposition", `attachment; filename="dossier.dump.jsonl"`)
	c.Status(http.StatusOK)
	w := &countingWriter{w: c.Writer}
	if _, err := export.Dump(ctx, w, s.store); err != nil {
		if clientGone(ctx, err) {
			s.log.InfoContext(ctx, "dump ended by the client", "bytes", w.n)
		} else {
			s.log.ErrorContext(ctx, "dump failed mid-stream", "bytes", w.n, "err", err)
		}
		// Cutting the connection tells the client the dump is incomplete; its missing end
		// line tells restore the same.
		panic(http.ErrAbortHandler)
	}
}
