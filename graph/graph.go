// Package graph holds Dossier's domain model: the entities that act in a story, the articles
// that report it, and the typed relationships between entities, each with its evidence.
//
// Implementations of Store live in sub-packages named after their dependency (graph/bolt,
// graph/neo4j); store.go says what they owe, and graph/graphtest holds the conformance suite
// every implementation must pass. A backend implements one write, Apply; Writer builds
// the single changes on it, once for all backends.
package graph

import (
	"fmt"
	"slices"
	"strings"
)

// Kind is the kind of actor an Entity is.
type Kind string

// The entity kinds.
const (
	Person     Kind = "PERSON"
	Government Kind = "GOVERNMENT"
	Agency     Kind = "AGENCY"
	Outlet     Kind = "OUTLET"
	Group      Kind = "GROUP"
)

// Kinds lists every Kind in a stable order.
var Kinds = []Kind{Person, Government, Agency, Outlet, Group}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// RelationType is the type of a Relationship. Every type reads "From <verb> To"; About names
// what the act concerned. The list and its meanings are documented once, here.
type RelationType string

// The relation types. Direction is always actor → counterpart.
const (
	// Warned: From warned, briefed or raised a concern with To (the recipient). About holds
	// the subject of the warning.
	Warned RelationType = "WARNED"
	// Denied: From denied a claim, dismissed a concern, or refused a request or application
	// that came from To. About holds what was denied.
	Denied RelationType = "DENIED"
	// Expelled: From expelled To (people or a group) from its territory or missions.
	// Negated when the expulsion was refused or did not happen.
	Expelled RelationType = "EXPELLED"
	// Requested: From asked or urged To to do something (the act is in Summary/About);
	// a request is not the act itself.
	Requested RelationType = "REQUESTED"
	// Accused: From publicly accused To of something.
	Accused RelationType = "ACCUSED"
	// Arrested: From (an authority) arrested or charged To.
	Arrested RelationType = "ARRESTED"
	// Accredited: From (a host government) accredited To (diplomats) to serve in its territory.
	Accredited RelationType = "ACCREDITED"
	// Exposed: From uncovered or identified To as intelligence officers or agents.
	Exposed RelationType = "EXPOSED"
	// Deployed: From stationed people or facilities in To (a country or mission).
	Deployed RelationType = "DEPLOYED"
	// Agreed: From agreed to a request or arrangement proposed by To.
	Agreed RelationType = "AGREED"
	// Supported: From pledged or gave help to To.
	Supported RelationType = "SUPPORTED"
	// Monitored: From set up watch over To (a watcher post, a disinformation desk).
	Monitored RelationType = "MONITORED"
	// MemberOf: From is part of To: an agency of a government, a member of a party or body.
	MemberOf RelationType = "MEMBER_OF"
	// Leads: From heads or held the top post of To (Role on From says which post).
	Leads RelationType = "LEADS"
)

// RelationTypes lists every RelationType in a stable order.
var RelationTypes = []RelationType{
	Warned, Denied, Expelled, Requested, Accused, Arrested, Accredited,
	Exposed, Deployed, Agreed, Supported, Monitored, MemberOf, Leads,
}

// Valid reports whether t is one of RelationTypes.
func (t RelationType) Valid() bool { return slices.Contains(RelationTypes, t) }

// RelationTypeList names every relation type, for errors that list the valid ones.
func RelationTypeList() string { return joinNames(RelationTypes) }

// KindList names every kind, for errors that list the valid ones.
func KindList() string { return joinNames(Kinds) }

func joinNames[T ~string](values []T) string {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	return strings.Join(names, ", ")
}

// Entity is an actor: a person, government, agency, outlet or group.
type Entity struct {
	ID          string   `json:"id"` // readable slug, e.g. "marcelo-ebrard"
	Kind        Kind     `json:"kind"`
	Name        string   `json:"name"`
	Aliases     []string `json:"aliases,omitempty"`
	Description string   `json:"description,omitempty"`
	Country     string   `json:"country,omitempty"`
	Role        string   `json:"role,omitempty"` // title or post, e.g. "Foreign minister (2018–2023)"
}

// Article is a published piece that serves as evidence.
type Article struct {
	ID        string      `json:"id"`
	Title     string      `json:"title"`
	Outlet    string      `json:"outlet"` // id of an OUTLET entity
	URL       string      `json:"url,omitempty"`
	Published PartialDate `json:"published,omitempty"`
	Authors   []string    `json:"authors,omitempty"`
}

// Evidence ties a relationship to an article that reports it.
type Evidence struct {
	Article string `json:"article"` // article id
	// Excerpt says what the article reports, in the project's own words or as a brief
	// attributed quote; never copied prose.
	Excerpt string `json:"excerpt,omitempty"`
}

// Relationship is a typed, dated act of one entity on another, with its evidence.
type Relationship struct {
	ID   string       `json:"id"`
	Type RelationType `json:"type"`
	From string       `json:"from"`
	// To is empty only where no source names a counterpart.
	To    string   `json:"to,omitempty"`
	About []string `json:"about,omitempty"`
	// Negated marks an act that was refused or did not happen ("Mexico refused to expel").
	Negated  bool        `json:"negated,omitempty"`
	Date     PartialDate `json:"date,omitempty"`
	DateText string      `json:"dateText,omitempty"` // the original wording, e.g. "late 2022"
	Summary  string      `json:"summary,omitempty"`
	Quantity string      `json:"quantity,omitempty"` // e.g. "more than 100"
	Evidence []Evidence  `json:"evidence,omitempty"`
	// SourceCount is the number of distinct outlets among the evidence's articles.
	// Stores compute it on every write; values given by callers are ignored.
	SourceCount int `json:"sourceCount"`
	// Origin says who made the relationship ("" reads as Curated, see OriginOf); Confidence
	// is the extractor's, 0..1, for an extracted one.
	Origin     Origin  `json:"origin,omitempty"`
	Confidence float64 `json:"confidence,omitempty"`
	// Review is where the relationship stands in review (the zero value: see ReviewOf).
	Review Review `json:"review,omitzero"`
}

// Articles returns the ids of the evidence's articles, in evidence order.
func (r Relationship) Articles() []string {
	ids := make([]string, len(r.Evidence))
	for i, ev := range r.Evidence {
		ids[i] = ev.Article
	}
	return ids
}

// Ends returns the entity ids the relationship touches as From, To or About.
func (r Relationship) Ends() []string {
	ids := []string{r.From}
	if r.To != "" {
		ids = append(ids, r.To)
	}
	return append(ids, r.About...)
}

// String formats r for logs and test failures.
func (r Relationship) String() string {
	neg := ""
	if r.Negated {
		neg = "NOT "
	}
	return fmt.Sprintf("%s(%s -%s%s-> %s)", r.ID, r.From, neg, r.Type, r.To)
}
