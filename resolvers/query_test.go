package resolvers

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

func TestEntityAndRelationshipFields(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	data := query(t, e, `query($id: ID!) {
		entity(id: $id) {
			id kind name aliases description country role
			relationships(direction: OUT, first: 10) {
				totalCount
				edges { node { id type negated date sourceCount
					from { id } to { id name } about { id kind }
					evidence { excerpt article { id title published outlet { id kind } } }
					outlets { id } } }
			}
		}
	}`, map[string]any{"id": idUS})
	ent := path(data, "entity")
	if path(ent, "kind") != "GOVERNMENT" || path(ent, "country") != "US" || path(ent, "description") != nil {
		t.Errorf("entity fields: %v", ent)
	}
	if got := path(ent, "aliases"); !slices.Equal(toStrings(got), []string{"Washington"}) {
		t.Errorf("aliases = %v", got)
	}
	rels := path(ent, "relationships")
	if path(rels, "totalCount") != float64(2) {
		t.Fatalf("US acts in 2 relationships, got %v", path(rels, "totalCount"))
	}
	warn := path(rels, "edges", 1, "node")
	if path(warn, "id") != idRelWarn || path(warn, "type") != "WARNED" || path(warn, "date") != "2022-03" {
		t.Fatalf("second relationship by id should be %s, got %v", idRelWarn, warn)
	}
	if path(warn, "to", "name") != "Government of Mexico" || path(warn, "about", 0, "kind") != "AGENCY" {
		t.Errorf("ends of %s: %v", idRelWarn, warn)
	}
	if path(warn, "evidence", 0, "excerpt") != "reports the warning" || path(warn, "evidence", 0, "article", "outlet", "id") != idTimes {
		t.Errorf("evidence of %s: %v", idRelWarn, path(warn, "evidence"))
	}
	if path(warn, "evidence", 1, "excerpt") != nil || path(warn, "evidence", 1, "article", "published") != "2022-04-02" {
		t.Errorf("second evidence of %s: %v", idRelWarn, path(warn, "evidence", 1))
	}
	if got := ids(path(warn, "outlets")); !slices.Equal(got, []string{idTimes, idWire}) || path(warn, "sourceCount") != float64(2) {
		t.Errorf("outlets of %s = %v, sourceCount %v; want both outlets", idRelWarn, got, path(warn, "sourceCount"))
	}
}

func toStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, fmt.Sprint(s))
	}
	return out
}

func TestUnknownIDs(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	data := query(t, e, `{ entity(id: "nobody") { id } article(id: "no-article") { id } }`, nil)
	if data["entity"] != nil || data["article"] != nil {
		t.Errorf("unknown ids must read as null, got %v", data)
	}
	wantCode(t, e, Request{Query: `{ relationships(from: "nobody") { totalCount } }`}, graph.ENOTFOUND, `"nobody"`)
	wantCode(t, e, Request{Query: `{ neighborhood(id: "nobody") { nodes { id } } }`}, graph.ENOTFOUND, `"nobody"`)
	wantCode(t, e, Request{Query: `{ paths(from: "us-government", to: "nobody") { nodes { id } } }`}, graph.ENOTFOUND, `"nobody"`)
	wantCode(t, e, Request{Query: `{ timeline(entity: "nobody") { id } }`}, graph.ENOTFOUND, `"nobody"`)
	wantCode(t, e, Request{Query: `{ relationships(from: "Not An Id") { totalCount } }`}, graph.EINVALID, "Not An Id")
}

func TestNegatedExcluded(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	data := query(t, e, `{
		plain: relationships { totalCount edges { node { id negated } } }
		all: relationships(includeNegated: true) { totalCount edges { node { id negated } } }
		timeline(entity: "mexico-government") { id }
		timelineAll: timeline(entity: "mexico-government", includeNegated: true) { id }
		entity(id: "mexico-government") {
			relationships { totalCount }
			withNegated: relationships(includeNegated: true) { totalCount }
		}
		article(id: "wire-followup") {
			relationships { id } all: relationships(includeNegated: true) { id }
			first: relationships(includeNegated: true, first: 1) { id }
			second: relationships(includeNegated: true, first: 1, after: "`+idRelDeny+`") { id }
		}
	}`, nil)
	plain := nodeIDs(path(data, "plain"))
	all := nodeIDs(path(data, "all"))
	if slices.Contains(plain, idRelExpel) || !slices.Contains(all, idRelExpel) || len(all) != len(plain)+1 {
		t.Errorf("relationships: plain %v, with negated %v", plain, all)
	}
	if path(data, "plain", "totalCount") != float64(len(plain)) {
		t.Errorf("totalCount %v counts negated relationships", path(data, "plain", "totalCount"))
	}
	if tl := ids(path(data, "timeline")); slices.Contains(tl, idRelExpel) || !slices.Contains(ids(path(data, "timelineAll")), idRelExpel) {
		t.Errorf("timeline %v must leave the negated act out unless asked", tl)
	}
	if path(data, "entity", "relationships", "totalCount") != float64(4) || path(data, "entity", "withNegated", "totalCount") != float64(5) {
		t.Errorf("Mexico's relationships: %v", path(data, "entity"))
	}
	if got := ids(path(data, "article", "relationships")); !slices.Equal(got, []string{idRelDeny}) {
		t.Errorf("relationships citing %s = %v, want only %s", idArtWire2, got, idRelDeny)
	}
	if got := ids(path(data, "article", "all")); !slices.Equal(got, []string{idRelDeny, idRelExpel}) {
		t.Errorf("relationships citing %s with negated = %v", idArtWire2, got)
	}
	if first, second := ids(path(data, "article", "first")), ids(path(data, "article", "second")); !slices.Equal(first, []string{idRelDeny}) || !slices.Equal(second, []string{idRelExpel}) {
		t.Errorf("pages of one relationship citing %s: %v then %v, want %s then %s", idArtWire2, first, second, idRelDeny, idRelExpel)
	}
	wantCode(t, e, Request{Query: `{ article(id: "wire-followup") { relationships(first: 501) { id } } }`}, graph.EINVALID, "first")
	wantCode(t, e, Request{Query: `{ article(id: "wire-followup") { relationships(after: "Bad Id") { id } } }`}, graph.EINVALID, "Bad Id")
}

func nodeIDs(conn any) []string {
	var out []string
	for _, edge := range path(conn, "edges").([]any) {
		out = append(out, fmt.Sprint(path(edge, "node", "id")))
	}
	return out
}

func TestCursorPagination(t *testing.T) {
	store := storyStore(t)
	e := newTestExecutor(t, store, Options{})
	const q = `query($after: String) { entities(first: 2, after: $after) {
		totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`
	var seen []string
	var after any
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		conn := path(query(t, e, q, map[string]any{"after": after}), "entities")
		seen = append(seen, nodeIDs(conn)...)
		if n := len(path(conn, "edges").([]any)); n > 0 {
			if last := path(conn, "edges", n-1, "cursor"); last != path(conn, "pageInfo", "endCursor") {
				t.Errorf("last edge cursor %v differs from endCursor %v", last, path(conn, "pageInfo", "endCursor"))
			}
			if c := fmt.Sprint(path(conn, "pageInfo", "endCursor")); c == seen[len(seen)-1] {
				t.Errorf("cursor %q is the bare id; cursors must be opaque", c)
			}
		}
		if path(conn, "pageInfo", "hasNextPage") != true {
			break
		}
		after = path(conn, "pageInfo", "endCursor")
	}
	all, err := store.ListEntities(context.Background(), graph.EntityQuery{Page: graph.Page{First: graph.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, ent := range all.Entities {
		want = append(want, ent.ID)
	}
	if !slices.Equal(seen, want) {
		t.Errorf("pages gave %v, want every entity once in id order %v", seen, want)
	}
	for _, bad := range []string{"not-base64!", encodeCursor("Bad Id"), "ZG9zc2llcg"} {
		wantCode(t, e, Request{Query: q, Variables: map[string]any{"after": bad}}, graph.EINVALID, "cursor")
	}
	wantCode(t, e, Request{Query: `{ entities(first: 501) { totalCount } }`}, graph.EINVALID, "501")
}

func TestSearchRanking(t *testing.T) {
	store := storyStore(t)
	e := newTestExecutor(t, store, Options{})
	data := query(t, e, `{ search(text: "obrador") { id } amlo: search(text: "AMLO", kinds: [PERSON]) { id name }
		groups: search(text: "obrador", kinds: [GROUP]) { id } one: search(text: "obrador", first: 1) { id } }`, nil)
	got := ids(data["search"])
	want, err := store.SearchEntities(context.Background(), graph.SearchQuery{Text: "obrador"})
	if err != nil {
		t.Fatal(err)
	}
	var wantIDs []string
	for _, ent := range want {
		wantIDs = append(wantIDs, ent.ID)
	}
	// "Obrador Foundation" starts with the text, so it outranks a name that merely contains it.
	if !slices.Equal(got, wantIDs) || !slices.Equal(got, []string{idObrador, idAMLO}) {
		t.Errorf("search obrador = %v, store ranks %v, want [%s %s]", got, wantIDs, idObrador, idAMLO)
	}
	if path(data, "amlo", 0, "id") != idAMLO {
		t.Errorf("an exact alias must come first: %v", data["amlo"])
	}
	if g := ids(data["groups"]); !slices.Equal(g, []string{idObrador}) {
		t.Errorf("kinds filter: %v", g)
	}
	if g := ids(data["one"]); len(g) != 1 {
		t.Errorf("first: 1 returned %v", g)
	}
	wantCode(t, e, Request{Query: `{ search(text: "  ") { id } }`}, graph.EINVALID, "empty")
}

func TestGraphWalks(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	data := query(t, e, `{
		neighborhood(id: "gru", depth: 2) { nodes { id } edges { id } }
		paths(from: "andres-manuel-lopez-obrador", to: "us-government") { nodes { id } edges { id type } }
		stats { entities articles relationships negatedRelationships entitiesByKind { kind count } relationshipsByType { type count } }
		articles(outlet: "the-wire") { totalCount edges { node { id outlet { name } } } }
		timeline(since: "2022-03-15", until: "2022-04") { id date }
	}`, nil)
	// Walks never follow about: GRU touches nothing as from or to.
	if got := ids(path(data, "neighborhood", "nodes")); !slices.Equal(got, []string{idGRU}) {
		t.Errorf("neighborhood of gru = %v", got)
	}
	p := path(data, "paths", 0)
	if got := ids(path(p, "nodes")); !slices.Equal(got, []string{idAMLO, idMexico, idUS}) {
		t.Errorf("path nodes = %v", got)
	}
	st := path(data, "stats")
	if path(st, "entities") != float64(9) || path(st, "relationships") != float64(5) || path(st, "negatedRelationships") != float64(1) {
		t.Errorf("stats = %v", st)
	}
	if path(st, "entitiesByKind", 0, "kind") != "PERSON" || path(st, "entitiesByKind", 0, "count") != float64(1) {
		t.Errorf("entitiesByKind = %v", path(st, "entitiesByKind"))
	}
	if len(path(st, "relationshipsByType").([]any)) != len(graph.RelationTypes) {
		t.Errorf("relationshipsByType must list every type")
	}
	if path(data, "articles", "totalCount") != float64(2) || path(data, "articles", "edges", 0, "node", "outlet", "name") != "The Wire" {
		t.Errorf("articles of the-wire = %v", path(data, "articles"))
	}
	// The warning (2022-03) overlaps since 2022-03-15; the request (2022-03-01) does not.
	if got := ids(path(data, "timeline")); !slices.Equal(got, []string{idRelWarn, idRelDeny}) {
		t.Errorf("timeline = %v", got)
	}
}

func TestPartialDateInput(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	wantCode(t, e, Request{Query: `{ relationships(since: "2022-13") { totalCount } }`}, graph.EINVALID, "PartialDate")
	wantCode(t, e, Request{Query: `query($d: PartialDate) { timeline(until: $d) { id } }`, Variables: map[string]any{"d": "March 2022"}}, graph.EINVALID, "March 2022")
	data := query(t, e, `query($d: PartialDate) { relationships(since: $d) { totalCount } }`, map[string]any{"d": "2022-04"})
	if path(data, "relationships", "totalCount") != float64(1) {
		t.Errorf("since 2022-04 keeps only the denial, got %v", data)
	}
}

func TestParseError(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	wantCode(t, e, Request{Query: `{ entity(id: "x" { id }`}, CodeParseFailed)
	wantCode(t, e, Request{Query: `{ entity(id: "x") { nosuchfield } }`}, graph.EINVALID, "nosuchfield")
	wantCode(t, e, Request{Query: `query A { stats { entities } } query B { stats { articles } }`}, graph.EINVALID, "operationName")
}

func TestTimelinePages(t *testing.T) {
	e := newTestExecutor(t, storyStore(t), Options{})
	all := ids(path(query(t, e, `{ timeline(includeNegated: true, first: 500) { id } }`, nil), "timeline"))
	if len(all) < 3 {
		t.Fatalf("the story's timeline has %d relationships, too few to page", len(all))
	}
	var paged []string
	for after := ""; ; {
		args := `includeNegated: true, first: 2`
		if after != "" {
			args += `, after: "` + after + `"`
		}
		page := ids(path(query(t, e, `{ timeline(`+args+`) { id } }`, nil), "timeline"))
		paged = append(paged, page...)
		if len(page) < 2 {
			break
		}
		after = page[len(page)-1]
	}
	if !slices.Equal(paged, all) {
		t.Errorf("pages of 2 joined = %v, want the whole timeline %v", paged, all)
	}
	wantCode(t, e, Request{Query: `{ timeline(first: 501) { id } }`}, graph.EINVALID, "501")
	wantCode(t, e, Request{Query: `{ timeline(after: "Bad Id") { id } }`}, graph.EINVALID, "Bad Id")
	wantCode(t, e, Request{Query: `{ timeline(after: "no-such-relationship") { id } }`}, graph.ENOTFOUND, "no-such-relationship")
}
