package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/dossiergraph/dossier/export"
	"github.com/dossiergraph/dossier/extract"
	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/resolvers"
)

// importGraph serves POST /import/:format (nodelink, csv or sheet), the file in the body:
// what `dossier import --server` sends. It writes, so its route needs the write role; the body is
// bounded by Config.MaxBodyBytes; the import is all or nothing. ?dryRun=true (sheets only)
// reports without writing.
func (s *Server) importGraph(c *gin.Context) {
	ctx := c.Request.Context()
	target, ok := s.store.(export.SheetTarget)
	if !ok {
		WriteError(c, http.StatusMethodNotAllowed, resolvers.CodeMutationNotAllowed, "this server's store is read-only: it cannot import")
		return
	}
	format := export.Format(c.Param("format"))
	if format != export.NodeLink && format != export.CSV && format != export.Sheet {
		WriteError(c, http.StatusNotFound, "NOT_FOUND", "cannot import format "+strconv.Quote(graph.Clip(string(format)))+": want nodelink, csv or sheet")
		return
	}
	dryRun := false
	if v := c.Query("dryRun"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			WriteError(c, http.StatusBadRequest, codeBadRequest, "dryRun="+strconv.Quote(graph.Clip(v))+" is not true or false")
			return
		}
		dryRun = b
	}
	if dryRun && format != export.Sheet {
		WriteError(c, http.StatusBadRequest, codeBadRequest, "dryRun is for sheet imports only")
		return
	}
	limit := s.cfg.MaxBodyBytes
	if c.Request.ContentLength > limit {
		writeRequestError(c, tooLarge(limit))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			writeRequestError(c, tooLarge(limit))
			return
		}
		WriteError(c, http.StatusBadRequest, codeBadRequest, "could not read the request body: "+err.Error())
		return
	}
	answer := export.ImportAnswer{Format: string(format), DryRun: dryRun}
	var res graph.BatchResult
	if format == export.Sheet {
		var report export.SheetReport
		report, err = export.ImportSheet(ctx, target, bytes.NewReader(body), export.SheetOptions{
			DryRun: dryRun, World: s.cfg.World, GuessKind: extract.GuessKind})
		res, answer.Rows = report.Result, report.Rows
	} else {
		res, err = export.Import(ctx, target, format, bytes.NewReader(body))
	}
	if err != nil {
		s.importFailed(c, err)
		return
	}
	answer.Result = export.CountsOf(res)
	s.writeJSON(c, http.StatusOK, answer)
}

// importFailed answers a refused import; a sheet's problems also come as a list, by line
// and column.
func (s *Server) importFailed(c *gin.Context, err error) {
	code := graph.ErrorCode(err)
	if code == graph.EINTERNAL {
		s.log.ErrorContext(c.Request.Context(), "import", "err", err)
	}
	ext := map[string]any{"code": code}
	if se, ok := errors.AsType[*export.SheetError](err); ok {
		ext["problems"] = se.Problems
	}
	status := exportStatus(code)
	if code == graph.ECONFLICT {
		status = http.StatusConflict
	}
	s.writeJSON(c, status, response{Errors: []responseError{{Message: graph.ErrorMessage(err), Extensions: ext}}})
}
