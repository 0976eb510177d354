package export

import (
	"context"
	"io"
	"slices"
	"strings"

	"github.com/dossiergraph/dossier/graph"
)

// FollowTheMoney id prefixes. FtM entities share one id space, while Dossier's entities,
// articles and relationships each have their own; the prefix keeps them apart and the
// rest is the GraphQL id unchanged.
const (
	FtMEntityPrefix       = "dossier-entity-"
	FtMArticlePrefix      = "dossier-article-"
	FtMRelationshipPrefix = "dossier-relationship-"
)

// ftmEntity is one line of FtM JSON: every property value is a list of strings.
type ftmEntity struct {
	ID         string              `json:"id"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
}

// set adds values to a property, skipping empty strings and leaving out empty lists.
func (e ftmEntity) set(prop string, values ...string) {
	for _, v := range values {
		if v != "" {
			e.Properties[prop] = append(e.Properties[prop], v)
		}
	}
}

// ftmSchema returns the FtM schema for a kind: governments and agencies are public bodies,
// outlets and groups organisations.
func ftmSchema(k graph.Kind) string {
	switch k {
	case graph.Person:
		return "Person"
	case graph.Government, graph.Agency:
		return "PublicBody"
	}
	return "Organization"
}

func ftmFromEntity(e graph.Entity) ftmEntity {
	f := ftmEntity{ID: FtMEntityPrefix + e.ID, Schema: ftmSchema(e.Kind), Properties: map[string][]string{}}
	f.set("name", e.Name)
	f.set("alias", e.Aliases...)
	f.set("description", e.Description)
	f.set("country", e.Country)
	f.set("keywords", strings.ToLower(string(e.Kind)))
	if e.Kind == graph.Person {
		f.set("position", e.Role)
	} else {
		f.set("notes", e.Role) // organisations have no post; their role is a note
	}
	return f
}

func ftmFromArticle(a graph.Article, publisher string) ftmEntity {
	f := ftmEntity{ID: FtMArticlePrefix + a.ID, Schema: "Article", Properties: map[string][]string{}}
	f.set("title", a.Title)
	f.set("author", a.Authors...)
	f.set("publishedAt", string(a.Published))
	f.set("publisher", publisher)
	f.set("sourceUrl", a.URL)
	return f
}

// ftmLink returns the FtM schema for r and the properties naming its two ends. MEMBER_OF
// becomes a Membership and LEADS a Directorship when the counterpart is an organisation or
// public body, as those schemata require; a relationship without a counterpart becomes an
// Event organised by its actor; everything else is an UnknownLink whose role is the type.
func ftmLink(r graph.Relationship, toSchema string) (schema, fromProp, toProp string) {
	isOrg := toSchema == "Organization" || toSchema == "PublicBody"
	switch {
	case r.To == "":
		return "Event", "organizer", ""
	case r.Type == graph.MemberOf && isOrg:
		return "Membership", "member", "organization"
	case r.Type == graph.Leads && isOrg:
		return "Directorship", "director", "organization"
	}
	return "UnknownLink", "subject", "object"
}

func ftmFromRelationship(r graph.Relationship, toSchema, fromName string, src *sources) ftmEntity {
	schema, fromProp, toProp := ftmLink(r, toSchema)
	f := ftmEntity{ID: FtMRelationshipPrefix + r.ID, Schema: schema, Properties: map[string][]string{}}
	f.set(fromProp, FtMEntityPrefix+r.From)
	if toProp != "" {
		f.set(toProp, FtMEntityPrefix+r.To)
	}
	if schema == "Event" {
		f.set("name", string(r.Type)+": "+fromName)
		for _, id := range r.About {
			f.set("involved", FtMEntityPrefix+id)
		}
	} else {
		f.set("role", string(r.Type))
	}
	if r.Negated {
		f.set("status", "negated") // the act was refused or did not happen
	}
	f.set("date", string(r.Date))
	f.set("summary", r.Summary)
	if r.DateText != "" {
		f.set("description", "Date as reported: "+r.DateText)
	}
	if r.Quantity != "" {
		f.set("description", "Quantity: "+r.Quantity)
	}
	f.set("recordId", r.ID)
	_, outletNames := src.outlets(r)
	f.set("publisher", outletNames...)
	for _, ev := range r.Evidence {
		f.set("proof", FtMArticlePrefix+ev.Article)
		if u := src.urlOf[ev.Article]; u != "" && !slices.Contains(f.Properties["sourceUrl"], u) {
			f.set("sourceUrl", u)
		}
	}
	return f
}

// writeFtM writes FollowTheMoney entities as JSON lines: entities, then articles, then
// relationships, whose schema depends on the kinds of their ends.
func writeFtM(ctx context.Context, w io.Writer, sel *selection) error {
	src := newSources(sel.store, true)
	j := newJSONStream(w)
	if err := sel.entities(ctx, func(e graph.Entity) error { return j.line(ftmFromEntity(e)) }); err != nil {
		return err
	}
	err := sel.articles(ctx, func(a graph.Article) error {
		publisher, err := src.outletNameOf(ctx, a.Outlet)
		if err != nil {
			return err
		}
		return j.line(ftmFromArticle(a, publisher))
	})
	if err != nil {
		return err
	}
	err = src.each(ctx, sel.relationships, func(r graph.Relationship) error {
		return j.line(ftmFromRelationship(r, ftmSchema(src.ends[r.To].Kind), src.ends[r.From].Name, src))
	})
	if err != nil {
		return err
	}
	return j.close()
}
