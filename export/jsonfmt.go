package export

import (
	"bufio"
	"context"
	"encoding/json"
	"io"

	"github.com/dossiergraph/dossier/graph"
)

// jsonStream writes a JSON document piece by piece: the fixed framing as raw text, the
// items one encoded value at a time. It keeps the first error.
type jsonStream struct {
	bw    *bufio.Writer
	enc   *json.Encoder
	err   error
	first bool // no item written yet in the current array
}

func newJSONStream(w io.Writer) *jsonStream {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &jsonStream{bw: bw, enc: enc}
}

func (j *jsonStream) raw(s string) {
	if j.err == nil {
		_, j.err = j.bw.WriteString(s)
	}
	if len(s) > 0 && s[len(s)-1] == '[' {
		j.first = true
	}
}

// item writes v as the next element of the open array.
func (j *jsonStream) item(v any) error {
	if !j.first {
		j.raw(",")
	}
	j.first = false
	if j.err == nil {
		j.err = j.enc.Encode(v) // ends with a newline, which keeps big files diffable
	}
	return j.err
}

// line writes v as one line of a JSON lines document.
func (j *jsonStream) line(v any) error {
	if j.err == nil {
		j.err = j.enc.Encode(v)
	}
	return j.err
}

func (j *jsonStream) close() error {
	if j.err == nil {
		j.err = j.bw.Flush()
	}
	return j.err
}

// cyNode is a Cytoscape.js node's data.
type cyNode struct {
	ID          string     `json:"id"`
	Label       string     `json:"label"`
	Kind        graph.Kind `json:"kind"`
	Name        string     `json:"name"`
	Aliases     []string   `json:"aliases,omitempty"`
	Description string     `json:"description,omitempty"`
	Country     string     `json:"country,omitempty"`
	Role        string     `json:"role,omitempty"`
}

// cyEdge is a Cytoscape.js edge's data; the relation type is Interaction, the name
// Cytoscape gives an edge's type.
type cyEdge struct {
	ID          string             `json:"id"`
	Source      string             `json:"source"`
	Target      string             `json:"target"`
	Interaction graph.RelationType `json:"interaction"`
	Negated     bool               `json:"negated"`
	Date        graph.PartialDate  `json:"date,omitempty"`
	DateStart   string             `json:"dateStart,omitempty"`
	DateEnd     string             `json:"dateEnd,omitempty"`
	DateText    string             `json:"dateText,omitempty"`
	Summary     string             `json:"summary,omitempty"`
	Quantity    string             `json:"quantity,omitempty"`
	About       []string           `json:"about,omitempty"`
	SourceCount int                `json:"sourceCount"`
	Outlets     []string           `json:"outlets,omitempty"`
	OutletNames []string           `json:"outletNames,omitempty"`
	Articles    []string           `json:"articles,omitempty"`
	Origin      graph.Origin       `json:"origin"`
	Review      graph.ReviewState  `json:"review"`
}

// writeCytoscape writes Cytoscape.js elements JSON, the shape cy.add() and
// cytoscape({elements}) take. Relationships without a counterpart are left out.
func writeCytoscape(ctx context.Context, w io.Writer, sel *selection) error {
	src := newSources(sel.store, false)
	j := newJSONStream(w)
	j.raw(`{"format_version":"1.0","generated_by":"dossier","elements":{"nodes":[`)
	err := sel.entities(ctx, func(e graph.Entity) error {
		return j.item(map[string]cyNode{"data": {
			ID: e.ID, Label: e.Name, Kind: e.Kind, Name: e.Name, Aliases: e.Aliases,
			Description: e.Description, Country: e.Country, Role: e.Role,
		}})
	})
	if err != nil {
		return err
	}
	j.raw(`],"edges":[`)
	err = src.each(ctx, sel.edges, func(r graph.Relationship) error {
		ids, names := src.outlets(r)
		return j.item(map[string]cyEdge{"data": {
			ID: r.ID, Source: r.From, Target: r.To, Interaction: r.Type, Negated: r.Negated,
			Date: r.Date, DateStart: r.Date.Start(), DateEnd: r.Date.End(), DateText: r.DateText,
			Summary: r.Summary, Quantity: r.Quantity, About: r.About, SourceCount: r.SourceCount,
			Outlets: ids, OutletNames: names, Articles: r.Articles(), Origin: r.OriginOf(), Review: r.ReviewOf(),
		}})
	})
	if err != nil {
		return err
	}
	j.raw("]}}\n")
	return j.close()
}

// nodeLinkEdge is an edge of the node-link format. Key is the relationship id, which
// networkx uses as the multigraph edge key. Target is empty only for the relationships
// without a counterpart, kept under the graph's "unattached" list.
type nodeLinkEdge struct {
	Source      string             `json:"source"`
	Target      string             `json:"target,omitempty"`
	Key         string             `json:"key"`
	Relation    graph.RelationType `json:"relation"`
	Negated     bool               `json:"negated"`
	Date        graph.PartialDate  `json:"date,omitempty"`
	DateText    string             `json:"dateText,omitempty"`
	Summary     string             `json:"summary,omitempty"`
	Quantity    string             `json:"quantity,omitempty"`
	About       []string           `json:"about,omitempty"`
	Evidence    []graph.Evidence   `json:"evidence,omitempty"`
	SourceCount int                `json:"sourceCount"`
	Outlets     []string           `json:"outlets,omitempty"`
	Origin      graph.Origin       `json:"origin,omitempty"`
	Confidence  float64            `json:"confidence,omitempty"`
	Review      graph.Review       `json:"review,omitzero"`
}

func newNodeLinkEdge(r graph.Relationship, src *sources) nodeLinkEdge {
	outlets, _ := src.outlets(r)
	return nodeLinkEdge{
		Source: r.From, Target: r.To, Key: r.ID, Relation: r.Type, Negated: r.Negated, Date: r.Date,
		DateText: r.DateText, Summary: r.Summary, Quantity: r.Quantity, About: r.About,
		Evidence: r.Evidence, SourceCount: r.SourceCount, Outlets: outlets,
		Origin: r.OriginOf(), Confidence: r.Confidence, Review: graph.Review{State: r.ReviewOf(), Reviewer: r.Review.Reviewer, Time: r.Review.Time, Note: r.Review.Note},
	}
}

// relationship turns the edge back into a relationship.
func (e nodeLinkEdge) relationship() graph.Relationship {
	return graph.Relationship{
		ID: e.Key, Type: e.Relation, From: e.Source, To: e.Target, About: e.About, Negated: e.Negated,
		Date: e.Date, DateText: e.DateText, Summary: e.Summary, Quantity: e.Quantity, Evidence: e.Evidence,
		Origin: e.Origin, Confidence: e.Confidence, Review: e.Review,
	}
}

// writeNodeLink writes networkx node-link JSON for a directed multigraph, read with
// networkx.node_link_graph(data, edges="edges"). Nodes carry the entity fields. The
// graph attributes hold the cited articles and the relationships without a counterpart,
// so that the file imports back whole.
func writeNodeLink(ctx context.Context, w io.Writer, sel *selection) error {
	src := newSources(sel.store, false)
	j := newJSONStream(w)
	j.raw(`{"directed":true,"multigraph":true,"nodes":[`)
	if err := sel.entities(ctx, func(e graph.Entity) error { return j.item(e) }); err != nil {
		return err
	}
	j.raw(`],"edges":[`)
	err := src.each(ctx, sel.edges, func(r graph.Relationship) error { return j.item(newNodeLinkEdge(r, src)) })
	if err != nil {
		return err
	}
	j.raw(`],"graph":{"name":"dossier","articles":[`)
	if err := sel.articles(ctx, func(a graph.Article) error { return j.item(a) }); err != nil {
		return err
	}
	j.raw(`],"unattached":[`)
	err = src.each(ctx, sel.unattached, func(r graph.Relationship) error { return j.item(newNodeLinkEdge(r, src)) })
	if err != nil {
		return err
	}
	j.raw("]}}\n")
	return j.close()
}
