package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/server/auth"
)

// credentialRoutes adds the admin role's API over the credentials file:
//
//	GET    /credentials        the credentials, active and revoked (never a token or hash)
//	POST   /credentials        {"name", "role"}: a new credential; the answer holds its token, once
//	DELETE /credentials/:name  revoke; the token stops working at once
func (s *Server) credentialRoutes(e *gin.Engine) {
	admin := s.requireRole(auth.RoleAdmin, "managing credentials")
	e.GET("/credentials", admin, s.listCredentials)
	e.POST("/credentials", admin, s.createCredential)
	e.DELETE("/credentials/:name", admin, s.revokeCredential)
}

// credentialView is a credential as the API shows it.
type credentialView struct {
	Name    string     `json:"name"`
	Role    auth.Role  `json:"role"`
	Created time.Time  `json:"created"`
	Revoked *time.Time `json:"revoked,omitempty"`
	// Token is set only in the answer that creates the credential.
	Token string `json:"token,omitempty"`
}

func viewOf(c auth.Credential) credentialView {
	return credentialView{Name: c.Name, Role: c.Role, Created: c.Created, Revoked: c.Revoked}
}

// credentialFile returns the server's credentials file, or answers that there is none.
func (s *Server) credentialFile(c *gin.Context) *auth.File {
	f := s.keys.File()
	if f == nil {
		WriteError(c, http.StatusNotFound, graph.ENOTFOUND, "this server has no credentials file to manage: it runs with a fixed write token only")
	}
	return f
}

func (s *Server) listCredentials(c *gin.Context) {
	f := s.credentialFile(c)
	if f == nil {
		return
	}
	creds, err := f.List()
	if err != nil {
		s.credentialError(c, err)
		return
	}
	views := make([]credentialView, len(creds))
	for i, cr := range creds {
		views[i] = viewOf(cr)
	}
	s.writeJSON(c, http.StatusOK, map[string]any{"credentials": views})
}

func (s *Server) createCredential(c *gin.Context) {
	f := s.credentialFile(c)
	if f == nil {
		return
	}
	var in struct {
		Name string `json:"name"`
		Role string `json:"role"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		WriteError(c, http.StatusBadRequest, codeBadRequest, `the body must be a JSON object {"name": "...", "role": "read|write|admin"}`)
		return
	}
	if _, err := dec.Token(); err != io.EOF {
		WriteError(c, http.StatusBadRequest, codeBadRequest, "unexpected data after the JSON object")
		return
	}
	role, err := auth.ParseRole(in.Role)
	if err != nil {
		WriteError(c, http.StatusBadRequest, graph.EINVALID, "role: "+err.Error())
		return
	}
	token, cred, err := f.Create(in.Name, role)
	if err != nil {
		s.credentialError(c, err)
		return
	}
	actor, _ := auth.FromContext(c.Request.Context())
	s.log.InfoContext(c.Request.Context(), "credential created", "name", cred.Name, "role", cred.Role.String(), "by", actor.Name)
	view := viewOf(cred)
	view.Token = token
	s.writeJSON(c, http.StatusCreated, view)
}

func (s *Server) revokeCredential(c *gin.Context) {
	f := s.credentialFile(c)
	if f == nil {
		return
	}
	cred, err := f.Revoke(c.Param("name"))
	if err != nil {
		s.credentialError(c, err)
		return
	}
	actor, _ := auth.FromContext(c.Request.Context())
	s.log.InfoContext(c.Request.Context(), "credential revoked", "name", cred.Name, "by", actor.Name)
	s.writeJSON(c, http.StatusOK, viewOf(cred))
}

func (s *Server) credentialError(c *gin.Context, err error) {
	switch {
	case errors.Is(err, auth.ErrInvalid):
		WriteError(c, http.StatusBadRequest, graph.EINVALID, err.Error())
	case errors.Is(err, auth.ErrExists):
		WriteError(c, http.StatusConflict, graph.ECONFLICT, err.Error())
	case errors.Is(err, auth.ErrNotFound):
		WriteError(c, http.StatusNotFound, graph.ENOTFOUND, err.Error())
	default:
		s.log.ErrorContext(c.Request.Context(), "credentials", "err", err)
		WriteError(c, http.StatusInternalServerError, graph.EINTERNAL, "internal error")
	}
}
