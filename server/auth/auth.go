// Package auth keeps Dossier's named credentials: bearer tokens with a name and a role,
// stored only as hashes in a file of the data directory, and the Actor a request was made by.
//
// Roles are ordered: read < write < admin. A read credential runs queries and exports, a write
// credential also runs mutations, and an admin credential also manages credentials over the
// HTTP API (GET/POST/DELETE /credentials). On the server's machine `dossier token` manages
// them through the file, so there the file's permissions decide who may.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Role is what a credential may do; a higher role includes every lower one.
type Role uint8

// The roles, in increasing order of power. The zero Role is no role at all.
const (
	RoleRead Role = iota + 1
	RoleWrite
	RoleAdmin
)

// RoleNames lists the valid role names, for messages and flag help.
const RoleNames = "read, write, admin"

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "read":
		return RoleRead, nil
	case "write":
		return RoleWrite, nil
	case "admin":
		return RoleAdmin, nil
	}
	return 0, fmt.Errorf("unknown role %q: want one of %s", clip(s), RoleNames)
}

func (r Role) String() string {
	switch r {
	case RoleRead:
		return "read"
	case RoleWrite:
		return "write"
	case RoleAdmin:
		return "admin"
	}
	return fmt.Sprintf("Role(%d)", uint8(r))
}

// Includes reports whether a credential of role r may do what needs role need.
func (r Role) Includes(need Role) bool { return r.valid() && r >= need }

func (r Role) valid() bool { return r >= RoleRead && r <= RoleAdmin }

// MarshalText writes the role's name, as the credentials file and JSON answers keep it.
func (r Role) MarshalText() ([]byte, error) {
	if !r.valid() {
		return nil, fmt.Errorf("invalid role %d", uint8(r))
	}
	return []byte(r.String()), nil
}

// UnmarshalText reads a role's name.
func (r *Role) UnmarshalText(b []byte) error {
	role, err := ParseRole(string(b))
	if err != nil {
		return err
	}
	*r = role
	return nil
}

// Actor is whoever a request was authenticated as: the credential's name and role. Writes
// record the name as who made them.
type Actor struct {
	Name string
	Role Role
}

type actorKey struct{}

// NewContext returns a context that carries the actor.
func NewContext(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// FromContext returns the actor a request was authenticated as; ok is false for an anonymous
// request.
func FromContext(ctx context.Context) (a Actor, ok bool) {
	a, ok = ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// Failures to authenticate. Their messages never quote the token.
var (
	// ErrNoToken: the request has no Authorization header.
	ErrNoToken = errors.New("no token: send the header Authorization: Bearer <token>")
	// ErrMalformedHeader: the header is not one bearer token.
	ErrMalformedHeader = errors.New(`the Authorization header must be "Bearer <token>", one token without spaces`)
	// ErrUnknownToken: no credential has this token.
	ErrUnknownToken = errors.New("the token is not known: check for a typo, or ask for a new one (dossier token create)")
	// ErrRevokedToken: the token's credential was revoked; the error names the credential.
	ErrRevokedToken = errors.New("the token was revoked")
	// ErrUnavailable: the credentials file cannot be read, so no token can be checked.
	ErrUnavailable = errors.New("credentials cannot be checked right now")
)

// MinTokenLen keeps guessable hand-made tokens out; a generated token is far longer.
const MinTokenLen = 16

// tokenPrefix marks Dossier's tokens, so that secret scanners and people recognise one.
const tokenPrefix = "dossier_"

// NewToken returns a new random token: 256 bits from crypto/rand, base64url-encoded.
func NewToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generate token: %w", err)
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// CheckToken tells why a token cannot be carried by a bearer header or is too easy to guess.
func CheckToken(token string) error {
	if len(token) < MinTokenLen {
		return fmt.Errorf("a token must have at least %d characters", MinTokenLen)
	}
	if strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return errors.New("a token must not contain spaces or control characters, which no Authorization header can carry")
	}
	return nil
}

// digest is the stored form of a token.
//
// A plain SHA-256 is enough here, and a slow password hash (bcrypt, argon2) would be wrong:
// generated tokens carry 256 random bits, so nobody who reads the file can search for a
// preimage, and there is no dictionary to slow down. A slow hash would only give every
// unauthenticated request a costly computation to trigger. The exception is a token an
// operator chose by hand (--write-token, an old write-token file): it is only as strong as its
// choice, which is why generated tokens are recommended.
type digest [sha256.Size]byte

func hashToken(token string) digest { return sha256.Sum256([]byte(token)) }

func (d digest) String() string { return hex.EncodeToString(d[:]) }

func parseDigest(s string) (digest, error) {
	var d digest
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(d) {
		return d, fmt.Errorf("sha256 must be %d hex digits", 2*len(d))
	}
	copy(d[:], b)
	return d, nil
}

// bearerToken extracts the token of an Authorization header value.
func bearerToken(header string) (string, error) {
	if header == "" {
		return "", ErrNoToken
	}
	scheme, token, ok := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
		return "", ErrMalformedHeader
	}
	return token, nil
}

// match finds the credential whose digest is sum. It compares with every credential in
// constant time and never stops early, so the time taken tells nothing about how close a
// guess came. An active credential wins over a revoked one with the same digest.
func match(sum digest, creds []Credential) (found Credential, ok bool) {
	for _, c := range creds {
		if subtle.ConstantTimeCompare(sum[:], c.digest[:]) == 1 && (!ok || found.Revoked != nil) {
			found, ok = c, true
		}
	}
	return found, ok
}

// clip shortens user-supplied values quoted in error messages.
func clip(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	i := limit
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
