package export

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/dossiergraph/dossier/graph"
)

// listSep joins list values (aliases, article ids, outlets) in the XML formats, whose
// attributes hold scalars only.
const listSep = "; "

// attribute is a node or edge attribute of the XML formats; typ is GraphML's attr.type.
type attribute struct{ name, typ string }

var entityAttributes = []attribute{
	{"kind", "string"}, {"name", "string"}, {"aliases", "string"}, {"description", "string"},
	{"country", "string"}, {"role", "string"},
}

var relationshipAttributes = []attribute{
	{"relation", "string"}, {"negated", "boolean"}, {"date", "string"}, {"dateStart", "string"},
	{"dateEnd", "string"}, {"dateText", "string"}, {"summary", "string"}, {"quantity", "string"},
	{"sourceCount", "int"}, {"about", "string"}, {"outlets", "string"}, {"outletNames", "string"},
	{"articles", "string"},
	// Provenance, so that Gephi or yEd can colour edges by who made them and their review.
	{"origin", "string"}, {"confidence", "double"}, {"review", "string"}, {"reviewer", "string"},
	{"reviewTime", "string"}, {"reviewNote", "string"},
}

// entityValues returns e's values in entityAttributes order; "" means absent.
func entityValues(e graph.Entity) []string {
	return []string{string(e.Kind), e.Name, strings.Join(e.Aliases, listSep), e.Description, e.Country, e.Role}
}

// relationshipValues returns r's values in relationshipAttributes order; "" means absent.
func relationshipValues(r graph.Relationship, src *sources) []string {
	outletIDs, outletNames := src.outlets(r)
	return []string{
		string(r.Type), strconv.FormatBool(r.Negated), string(r.Date), r.Date.Start(), r.Date.End(),
		r.DateText, r.Summary, r.Quantity, strconv.Itoa(r.SourceCount), strings.Join(r.About, listSep),
		strings.Join(outletIDs, listSep), strings.Join(outletNames, listSep), strings.Join(r.Articles(), listSep),
		string(r.OriginOf()), confidenceText(r), string(r.ReviewOf()), r.Review.Reviewer, r.Review.Time, r.Review.Note,
	}
}

// writeGraphML writes a directed GraphML graph with typed keys. Node ids are entity ids,
// edge ids relationship ids; relationships without a counterpart have no edge to draw and
// are left out.
func writeGraphML(ctx context.Context, w io.Writer, sel *selection) error {
	src := newSources(sel.store, false)
	x := newXMLStream(w)
	x.start("graphml", "xmlns", "http://graphml.graphdrawing.org/xmlns",
		"xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance",
		"xsi:schemaLocation", "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd")
	x.leaf("key", "id", "n_label", "for", "node", "attr.name", "label", "attr.type", "string")
	for _, a := range entityAttributes {
		x.leaf("key", "id", "n_"+a.name, "for", "node", "attr.name", a.name, "attr.type", a.typ)
	}
	x.leaf("key", "id", "e_label", "for", "edge", "attr.name", "label", "attr.type", "string")
	for _, a := range relationshipAttributes {
		x.leaf("key", "id", "e_"+a.name, "for", "edge", "attr.name", a.name, "attr.type", a.typ)
	}
	x.start("graph", "id", "dossier", "edgedefault", "directed")
	err := sel.entities(ctx, func(e graph.Entity) error {
		x.start("node", "id", e.ID)
		x.text("data", e.Name, "key", "n_label")
		for i, v := range entityValues(e) {
			if v != "" {
				x.text("data", v, "key", "n_"+entityAttributes[i].name)
			}
		}
		x.end("node")
		return x.err
	})
	if err != nil {
		return err
	}
	err = src.each(ctx, sel.edges, func(r graph.Relationship) error {
		x.start("edge", "id", r.ID, "source", r.From, "target", r.To)
		x.text("data", string(r.Type), "key", "e_label")
		for i, v := range relationshipValues(r, src) {
			if v != "" {
				x.text("data", v, "key", "e_"+relationshipAttributes[i].name)
			}
		}
		x.end("edge")
		return x.err
	})
	if err != nil {
		return err
	}
	x.end("graph")
	x.end("graphml")
	return x.close()
}

// confidenceText is an extracted relationship's confidence; "" (absent) for a curated one.
func confidenceText(r graph.Relationship) string {
	if r.OriginOf() != graph.Extracted {
		return ""
	}
	return strconv.FormatFloat(r.Confidence, 'g', -1, 64)
}
