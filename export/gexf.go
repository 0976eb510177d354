package export

import (
	"context"
	"io"

	"github.com/dossiergraph/dossier/graph"
)

// gexfType maps GraphML attribute types to GEXF's.
var gexfType = map[string]string{"string": "string", "int": "integer", "boolean": "boolean", "double": "double"}

// writeGEXF writes a GEXF 1.3 dynamic graph. Each edge spans its relationship's date
// interval (start and end, day precision), so Gephi's timeline shows acts as they happen;
// undated edges and all nodes are present throughout. The relation type is the edge's
// label and its "relation" attribute: GEXF's own edge "type" means directed or undirected.
func writeGEXF(ctx context.Context, w io.Writer, sel *selection) error {
	src := newSources(sel.store, false)
	x := newXMLStream(w)
	x.start("gexf", "xmlns", "http://gexf.net/1.3",
		"xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance",
		"xsi:schemaLocation", "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd", "version", "1.3")
	x.start("meta")
	x.text("creator", "Dossier")
	x.text("description", "Entities and the relationships between them, with their sources")
	x.end("meta")
	x.start("graph", "mode", "dynamic", "defaultedgetype", "directed", "timeformat", "date")
	x.start("attributes", "class", "node", "mode", "static")
	for _, a := range entityAttributes {
		x.leaf("attribute", "id", a.name, "title", a.name, "type", gexfType[a.typ])
	}
	x.end("attributes")
	x.start("attributes", "class", "edge", "mode", "static")
	for _, a := range relationshipAttributes {
		x.leaf("attribute", "id", a.name, "title", a.name, "type", gexfType[a.typ])
	}
	x.end("attributes")
	x.start("nodes")
	err := sel.entities(ctx, func(e graph.Entity) error {
		x.start("node", "id", e.ID, "label", e.Name)
		writeAttValues(x, entityAttributes, entityValues(e))
		x.end("node")
		return x.err
	})
	if err != nil {
		return err
	}
	x.end("nodes")
	x.start("edges")
	err = src.each(ctx, sel.edges, func(r graph.Relationship) error {
		x.start("edge", "id", r.ID, "source", r.From, "target", r.To, "label", string(r.Type),
			"start", r.Date.Start(), "end", r.Date.End())
		writeAttValues(x, relationshipAttributes, relationshipValues(r, src))
		x.end("edge")
		return x.err
	})
	if err != nil {
		return err
	}
	x.end("edges")
	x.end("graph")
	x.end("gexf")
	return x.close()
}

func writeAttValues(x *xmlStream, attrs []attribute, values []string) {
	x.start("attvalues")
	for i, v := range values {
		if v != "" {
			x.leaf("attvalue", "for", attrs[i].name, "value", v)
		}
	}
	x.end("attvalues")
}
