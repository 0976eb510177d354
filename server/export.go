package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"syscall"

	"github.com/gin-gonic/gin"

	"github.com/dossiergraph/dossier/export"
	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/resolvers"
)

// exportGraph serves GET /export/:format, streaming the whole graph or the subgraph the
// query parameters select (see export.ParseQuery).
func (s *Server) exportGraph(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.ExportTimeout)
	defer cancel()
	f, err := export.ParseFormat(c.Param("format"))
	if err == nil {
		var q export.Query
		if q, err = export.ParseQuery(c.Request.URL.Query()); err == nil {
			c.Header("Content-Type", f.ContentType())
			c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="dossier%s"`, f.FileExt()))
			w := &countingWriter{w: c.Writer}
			err = export.Write(ctx, w, s.store, f, q)
			if err != nil && w.n > 0 {
				// The status line is gone; cutting the connection tells the client the file is
				// incomplete, where a clean end would pass a truncated graph off as whole.
				switch {
				case errors.Is(ctx.Err(), context.DeadlineExceeded):
					s.log.WarnContext(ctx, "export stopped at its deadline", "format", string(f), "bytes", w.n, "timeout", s.cfg.ExportTimeout)
				case clientGone(ctx, err):
					s.log.InfoContext(ctx, "export ended by the client", "format", string(f), "bytes", w.n)
				default:
					s.log.ErrorContext(ctx, "export failed mid-stream", "format", string(f), "bytes", w.n, "err", err)
				}
				panic(http.ErrAbortHandler)
			}
		}
	}
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		c.Writer.Header().Del("Content-Type")
		c.Writer.Header().Del("Content-Disposition")
		WriteError(c, http.StatusServiceUnavailable, resolvers.CodeRequestTimeout,
			fmt.Sprintf("the export took longer than %s and was stopped; export a smaller subgraph", s.cfg.ExportTimeout))
		return
	}
	if err != nil {
		code := graph.ErrorCode(err)
		if code == graph.EINTERNAL {
			s.log.ErrorContext(ctx, "export", "err", err)
		}
		// Nothing was written yet: the answer is a JSON error, not a file.
		c.Writer.Header().Del("Content-Type")
		c.Writer.Header().Del("Content-Disposition")
		WriteError(c, exportStatus(code), code, graph.ErrorMessage(err))
	}
}

// clientGone tells a client that hung up from a failing export.
func clientGone(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}

func exportStatus(code string) int {
	switch code {
	case graph.EINVALID:
		return http.StatusBadRequest
	case graph.ENOTFOUND:
		return http.StatusNotFound
	}
	return http.StatusInternalServerError
}

// countingWriter counts the bytes written through it, to tell whether a response has begun.
type countingWriter struct {
	w http.ResponseWriter
	n int64
}

func (cw *countingWriter) Write(p []byte) (int, error) {
	n, err := cw.w.Write(p)
	cw.n += int64(n)
	return n, err
}
