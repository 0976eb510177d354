package server

import (
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/graphql-go/graphql"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/resolvers"
	"github.com/dossiergraph/dossier/server/auth"
)

// Error codes of refused credentials. A missing token is UNAUTHENTICATED (resolvers.CodeUnauthenticated).
const (
	codeMalformedAuth   = "MALFORMED_AUTHORIZATION" // 401: the header is not "Bearer <token>"
	codeInvalidToken    = "INVALID_TOKEN"           // 401: no credential has this token
	codeRevokedToken    = "TOKEN_REVOKED"           // 401: the token's credential was revoked
	codeForbidden       = "FORBIDDEN"               // 403: the credential's role is too low
	codeAuthUnavailable = "CREDENTIALS_UNAVAILABLE" // 503: the credentials file cannot be read
)

func newKeyring(cfg Config) (*auth.Keyring, error) {
	var fixed []auth.Fixed
	if cfg.WriteToken != "" {
		name := cfg.WriteTokenName
		if name == "" {
			name = DefaultOperatorName
		}
		fixed = append(fixed, auth.Fixed{Name: name, Role: auth.RoleWrite, Token: cfg.WriteToken})
	}
	keys, err := auth.NewKeyring(cfg.Credentials, fixed...)
	if err != nil {
		return nil, fmt.Errorf("write token: %w", err)
	}
	if err := keys.Check(); err != nil {
		return nil, err
	}
	return keys, nil
}

// authenticate puts the actor of a request that carries a valid token into its context. A
// request without a token goes on anonymously, for the routes to judge; a request with a
// malformed, unknown or revoked token is refused on every route, since carrying on
// anonymously would hide the mistake.
func (s *Server) authenticate(c *gin.Context) {
	headers := c.Request.Header.Values("Authorization")
	if len(headers) == 0 {
		c.Next()
		return
	}
	var actor auth.Actor
	err := auth.ErrMalformedHeader // one request, one credential
	if len(headers) == 1 {
		actor, err = s.keys.Authenticate(headers[0])
	}
	if err != nil {
		s.refuseCredential(c, err)
		return
	}
	// The credential's name is who every write of the request is recorded as.
	ctx := graph.WithActor(auth.NewContext(c.Request.Context(), actor), actor.Name)
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// refuseCredential answers a failed authentication, with a code for each reason and the
// error's message, which never quotes the token.
func (s *Server) refuseCredential(c *gin.Context, err error) {
	ctx := c.Request.Context()
	status, code, challenge := http.StatusUnauthorized, codeInvalidToken, "invalid_token"
	msg := err.Error()
	switch {
	case errors.Is(err, auth.ErrMalformedHeader):
		code, challenge = codeMalformedAuth, "invalid_request"
	case errors.Is(err, auth.ErrRevokedToken):
		code = codeRevokedToken
	case errors.Is(err, auth.ErrUnavailable):
		s.log.ErrorContext(ctx, "credentials cannot be checked", "err", err)
		status, code, challenge, msg = http.StatusServiceUnavailable, codeAuthUnavailable, "", auth.ErrUnavailable.Error()+": the server's log says why"
	}
	s.log.InfoContext(ctx, "credential refused", "code", code, "path", c.Request.URL.Path, "remote", c.Request.RemoteAddr)
	if challenge != "" {
		c.Header("WWW-Authenticate", fmt.Sprintf(`Bearer realm="dossier", error=%q`, challenge))
	}
	WriteError(c, status, code, msg)
	c.Abort()
}

// requireReader refuses anonymous requests when the server requires a read token; every
// role includes reading.
func (s *Server) requireReader(c *gin.Context) {
	if _, ok := auth.FromContext(c.Request.Context()); ok || !s.cfg.RequireReadToken {
		c.Next()
		return
	}
	c.Header("WWW-Authenticate", `Bearer realm="dossier"`)
	WriteError(c, http.StatusUnauthorized, resolvers.CodeUnauthenticated,
		"this server requires a token for reads: send Authorization: Bearer <token> of a credential with role read or higher")
	c.Abort()
}

// requireRole refuses requests whose credential lacks role need; what names the action for
// the message.
func (s *Server) requireRole(need auth.Role, what string) gin.HandlerFunc {
	return func(c *gin.Context) {
		actor, ok := auth.FromContext(c.Request.Context())
		if !ok {
			c.Header("WWW-Authenticate", `Bearer realm="dossier"`)
			WriteError(c, http.StatusUnauthorized, resolvers.CodeUnauthenticated,
				fmt.Sprintf("%s needs a token of role %s: send Authorization: Bearer <token>", what, need))
			c.Abort()
			return
		}
		if !actor.Role.Includes(need) {
			refuseRole(c, actor, need, what)
			c.Abort()
			return
		}
		c.Next()
	}
}

func refuseRole(c *gin.Context, actor auth.Actor, need auth.Role, what string) {
	c.Header("WWW-Authenticate", `Bearer realm="dossier", error="insufficient_scope"`)
	WriteError(c, http.StatusForbidden, codeForbidden,
		fmt.Sprintf("credential %q has role %s; %s needs role %s or higher", actor.Name, actor.Role, what, need))
}

// canWrite tells the executor whether the request may run mutations.
func canWrite(c *gin.Context) bool {
	actor, ok := auth.FromContext(c.Request.Context())
	return ok && actor.Role.Includes(auth.RoleWrite)
}

// answeredRefusedMutation answers a mutation the executor refused for want of the write
// role, with 401 for an anonymous request and 403 for a credential of a lower role. It
// reports whether it answered.
func answeredRefusedMutation(c *gin.Context, res *graphql.Result) bool {
	if len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != resolvers.CodeUnauthenticated {
		return false
	}
	const what = "a mutation"
	if actor, ok := auth.FromContext(c.Request.Context()); ok {
		refuseRole(c, actor, auth.RoleWrite, what)
		return true
	}
	c.Header("WWW-Authenticate", `Bearer realm="dossier"`)
	WriteError(c, http.StatusUnauthorized, resolvers.CodeUnauthenticated,
		what+" needs a token of role write or admin: send Authorization: Bearer <token>")
	return true
}

// warnIfReadsOpen warns when anyone who can reach a non-loopback address may read the graph.
func (s *Server) warnIfReadsOpen(addr net.Addr) {
	tcp, ok := addr.(*net.TCPAddr)
	if s.cfg.RequireReadToken || !ok || tcp.IP.IsLoopback() {
		return
	}
	s.log.Warn("reads are open to anyone who can reach this address; start with --require-read-token to require a read credential",
		"addr", addr.String())
}
