// Package dossier holds what belongs to the whole product rather than to one package: the
// GraphQL schema that the resolvers serve.
package dossier

import _ "embed" // for the schema below

// Schema is the GraphQL schema in SDL, the source of truth for the API: package resolvers
// builds the running schema from it, so the binary always serves exactly this file.
//
//go:embed schema.graphql
var Schema string
