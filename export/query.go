package export

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/dossiergraph/dossier/graph"
)

// QueryParams lists the URL parameters ParseQuery reads, so that the HTTP endpoint, the CLI
// and the notebook agree on them.
var QueryParams = []string{"center", "depth", "limit", "types", "since", "until", "minSources", "includeNegated", "review"}

// ParseQuery reads a Query from URL parameters: center, depth, limit, types (relation
// types, comma-separated or repeated), since, until, minSources, includeNegated
// (true/false) and review (review states like types; PROPOSED and CONFIRMED by default). Unknown parameters and malformed values are EINVALID errors naming them;
// the values themselves are checked by Write.
func ParseQuery(v url.Values) (Query, error) {
	var q Query
	for name := range v {
		if !slices.Contains(QueryParams, name) {
			return q, graph.Errorf(graph.EINVALID, "unknown export parameter %q: want one of %s", name, strings.Join(QueryParams, ", "))
		}
	}
	q.Center = v.Get("center")
	q.Since, q.Until = graph.PartialDate(v.Get("since")), graph.PartialDate(v.Get("until"))
	for _, list := range v["types"] {
		for _, t := range strings.Split(list, ",") {
			if t = strings.TrimSpace(t); t != "" {
				q.Types = append(q.Types, graph.RelationType(strings.ToUpper(t)))
			}
		}
	}
	for _, list := range v["review"] {
		for _, st := range strings.Split(list, ",") {
			if st = strings.TrimSpace(st); st != "" {
				q.Review = append(q.Review, graph.ReviewState(strings.ToUpper(st)))
			}
		}
	}
	ints := map[string]*int{"depth": &q.Depth, "limit": &q.Limit, "minSources": &q.MinSources}
	for name, dst := range ints {
		if s := v.Get(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return q, graph.Errorf(graph.EINVALID, "export parameter %s=%q is not a whole number", name, s)
			}
			*dst = n
		}
	}
	if s := v.Get("includeNegated"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return q, graph.Errorf(graph.EINVALID, "export parameter includeNegated=%q is not true or false", s)
		}
		q.IncludeNegated = b
	}
	return q, nil
}
