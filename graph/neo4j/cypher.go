package neo4j

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dossiergraph/dossier/graph"
)

// searchIndex is the full-text index over entities' folded names and aliases.
const searchIndex = "entity_search"

// evidenceIndex is the full-text index over relationships' evidence article ids, which
// finds an article's relationships without a scan (range indexes do not index list
// elements).
const evidenceIndex = "rel_evidence"

// unnamedLabel marks the node that stands in for the missing counterpart of a relationship
// without a To: Neo4j relationships need two ends. Each such relationship has its own.
const unnamedLabel = "Unnamed"

// kindLabels maps each kind to its node label. Labels cannot be query parameters, so only
// these fixed strings are ever written into Cypher.
var kindLabels = map[graph.Kind]string{
	graph.Person:     "Person",
	graph.Government: "Government",
	graph.Agency:     "Agency",
	graph.Outlet:     "Outlet",
	graph.Group:      "Group",
}

// allKindLabels is "Person:Government:..." for REMOVE, which clears the old kind's label.
func allKindLabels() string {
	labels := make([]string, len(graph.Kinds))
	for i, k := range graph.Kinds {
		labels[i] = kindLabels[k]
	}
	return strings.Join(labels, ":")
}

// relType returns t for use as a relationship type in Cypher. Types cannot be parameters,
// so this is the one place where a value is written into a statement: only after checking
// it is one of graph.RelationTypes.
func relType(t graph.RelationType) (string, error) {
	if !t.Valid() {
		return "", graph.Errorf(graph.EINVALID, "unknown relation type %q", string(t))
	}
	return string(t), nil
}

// anyRelType is "WARNED|DENIED|..." so that patterns match Dossier relationships and never
// PUBLISHED.
func anyRelType() string {
	types := make([]string, len(graph.RelationTypes))
	for i, t := range graph.RelationTypes {
		types[i] = string(t)
	}
	return strings.Join(types, "|")
}

// keepsEveryReviewState reports whether f lets relationships of every review state through,
// so that the predicate can leave review out.
func keepsEveryReviewState(f graph.RelationshipFilter) bool {
	kept := f.ReviewStates()
	for _, st := range graph.ReviewStates {
		if !slices.Contains(kept, st) {
			return false
		}
	}
	return true
}

// relFilter is a predicate on the relationship variable v implementing f, with the
// parameters set by filterParams. It holds only the conditions f sets, so that the planner
// sees plain predicates it can serve from indexes (no "$x IS NULL OR ..." alternatives);
// "true" when f sets none.
func relFilter(v string, f graph.RelationshipFilter) string {
	var conds []string
	if len(f.Types) > 0 {
		conds = append(conds, "type($r) IN $fTypes")
	}
	if !f.IncludeNegated {
		conds = append(conds, "NOT $r.negated")
	}
	if f.MinSources > 0 {
		conds = append(conds, "$r.sourceCount >= $fMinSources")
	}
	if !keepsEveryReviewState(f) {
		// A relationship stored before review states existed reads as Relationship.ReviewOf says.
		conds = append(conds, "coalesce($r.reviewState, CASE WHEN $r.origin = 'EXTRACTED' THEN 'PROPOSED' ELSE 'CONFIRMED' END) IN $fReview")
	}
	if f.Since != "" {
		conds = append(conds, "$r.dateEnd >= $fSince")
	}
	if f.Until != "" {
		conds = append(conds, "$r.dateStart <= $fUntil")
	}
	if len(conds) == 0 {
		return "true"
	}
	return strings.ReplaceAll(strings.Join(conds, " AND "), "$r", v)
}

// filterParams adds f's parameters for relFilter to p and returns p.
func filterParams(f graph.RelationshipFilter, p map[string]any) map[string]any {
	types := make([]string, len(f.Types))
	for i, t := range f.Types {
		types[i] = string(t)
	}
	p["fTypes"] = types
	p["fNegated"] = f.IncludeNegated
	p["fMinSources"] = f.MinSources
	review := make([]string, 0, 3)
	for _, st := range f.ReviewStates() {
		review = append(review, string(st))
	}
	p["fReview"] = review
	p["fSince"] = stringOrNull(f.Since.Start())
	p["fUntil"] = stringOrNull(f.Until.End())
	return p
}

// relMap projects the relationship variable v with its type and the ids of its ends; the
// end of a relationship without a To is an Unnamed node, which has no id.
func relMap(v string) string {
	return fmt.Sprintf("%[1]s {.*, type: type(%[1]s), from: startNode(%[1]s).id, to: endNode(%[1]s).id}", v)
}

// articleMap projects the article variable v with the id of the outlet that published it.
func articleMap(v string) string {
	return fmt.Sprintf("%[1]s {.*, outlet: head([(o:Entity)-[:PUBLISHED]->(%[1]s) | o.id])}", v)
}

// relsByID returns a statement that binds r to each relationship whose id is in $ids, then
// continues with tail. Relationship indexes are per type, so it seeks each type's.
func relsByID(tail string) string {
	parts := make([]string, len(graph.RelationTypes))
	for i, t := range graph.RelationTypes {
		parts[i] = fmt.Sprintf("UNWIND $ids AS rid MATCH (:Entity)-[r:%s {id: rid}]->() RETURN r", t)
	}
	return "CALL {\n  " + strings.Join(parts, "\n  UNION ALL\n  ") + "\n}\n" + tail
}

// Properties as stored: empty strings and lists are left out so that the Browser shows only
// what is known; reads turn missing properties back into zero values.

func entityProps(e graph.Entity) map[string]any {
	return map[string]any{
		"id":          e.ID,
		"kind":        string(e.Kind),
		"name":        e.Name,
		"aliases":     listOrNull(e.Aliases),
		"description": stringOrNull(e.Description),
		"country":     stringOrNull(e.Country),
		"role":        stringOrNull(e.Role),
		"search":      searchText(e),
	}
}

// searchText is what the full-text index sees: the folded name and aliases, one per line,
// split into words by the index's whitespace analyzer exactly as graph.Fold splits them.
func searchText(e graph.Entity) string {
	names := []string{graph.Fold(e.Name)}
	for _, a := range e.Aliases {
		names = append(names, graph.Fold(a))
	}
	return strings.Join(names, "\n")
}

func articleProps(a graph.Article) map[string]any {
	return map[string]any{
		"id":        a.ID,
		"title":     a.Title,
		"url":       stringOrNull(a.URL),
		"published": stringOrNull(string(a.Published)),
		"authors":   listOrNull(a.Authors),
	}
}

func relProps(r graph.Relationship) map[string]any {
	articles := make([]string, len(r.Evidence))
	excerpts := make([]string, len(r.Evidence))
	for i, ev := range r.Evidence {
		articles[i], excerpts[i] = ev.Article, ev.Excerpt
	}
	return map[string]any{
		"id":               r.ID,
		"negated":          r.Negated,
		"date":             stringOrNull(string(r.Date)),
		"dateStart":        stringOrNull(r.Date.Start()),
		"dateEnd":          stringOrNull(r.Date.End()),
		"dateText":         stringOrNull(r.DateText),
		"summary":          stringOrNull(r.Summary),
		"quantity":         stringOrNull(r.Quantity),
		"sourceCount":      r.SourceCount,
		"about":            listOrNull(r.About),
		"evidenceArticles": listOrNull(articles),
		"evidenceExcerpts": listOrNull(excerpts),
		"origin":           stringOrNull(string(r.Origin)),
		"confidence":       floatOrNull(r.Confidence),
		"reviewState":      stringOrNull(string(r.Review.State)),
		"reviewer":         stringOrNull(r.Review.Reviewer),
		"reviewTime":       stringOrNull(r.Review.Time),
		"reviewNote":       stringOrNull(r.Review.Note),
	}
}

func floatOrNull(f float64) any {
	if f == 0 {
		return nil
	}
	return f
}

func toEntity(v any) graph.Entity {
	m, _ := v.(map[string]any)
	return graph.Entity{
		ID:          str(m, "id"),
		Kind:        graph.Kind(str(m, "kind")),
		Name:        str(m, "name"),
		Aliases:     strs(m, "aliases"),
		Description: str(m, "description"),
		Country:     str(m, "country"),
		Role:        str(m, "role"),
	}
}

func toArticle(v any) graph.Article {
	m, _ := v.(map[string]any)
	return graph.Article{
		ID:        str(m, "id"),
		Title:     str(m, "title"),
		Outlet:    str(m, "outlet"),
		URL:       str(m, "url"),
		Published: graph.PartialDate(str(m, "published")),
		Authors:   strs(m, "authors"),
	}
}

func toRelationship(v any) graph.Relationship {
	m, _ := v.(map[string]any)
	r := graph.Relationship{
		ID:          str(m, "id"),
		Type:        graph.RelationType(str(m, "type")),
		From:        str(m, "from"),
		To:          str(m, "to"),
		About:       strs(m, "about"),
		Date:        graph.PartialDate(str(m, "date")),
		DateText:    str(m, "dateText"),
		Summary:     str(m, "summary"),
		Quantity:    str(m, "quantity"),
		SourceCount: integer(m, "sourceCount"),
		Origin:      graph.Origin(str(m, "origin")),
		Review: graph.Review{State: graph.ReviewState(str(m, "reviewState")), Reviewer: str(m, "reviewer"),
			Time: str(m, "reviewTime"), Note: str(m, "reviewNote")},
	}
	r.Negated, _ = m["negated"].(bool)
	r.Confidence, _ = m["confidence"].(float64)
	articles, excerpts := strs(m, "evidenceArticles"), strs(m, "evidenceExcerpts")
	for i, a := range articles {
		ev := graph.Evidence{Article: a}
		if i < len(excerpts) {
			ev.Excerpt = excerpts[i]
		}
		r.Evidence = append(r.Evidence, ev)
	}
	return r
}

// toList converts a Cypher list with one of the converters above.
func toList[T any](v any, convert func(any) T) []T {
	list, _ := v.([]any)
	out := make([]T, len(list))
	for i, x := range list {
		out[i] = convert(x)
	}
	return out
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func strs(m map[string]any, key string) []string {
	list, _ := m[key].([]any)
	if len(list) == 0 {
		return nil
	}
	out := make([]string, len(list))
	for i, x := range list {
		out[i], _ = x.(string)
	}
	return out
}

func integer(m map[string]any, key string) int {
	n, _ := m[key].(int64)
	return int(n)
}

// stringOrNull and listOrNull leave empty values out of the stored properties (a null
// property is no property).
func stringOrNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func listOrNull(list []string) any {
	if len(list) == 0 {
		return nil
	}
	return list
}

// anyList converts rows for UNWIND parameters.
func anyList[T any](items []T, conv func(T) map[string]any) []any {
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = conv(it)
	}
	return out
}
