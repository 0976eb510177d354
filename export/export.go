// Package export writes a Dossier graph, whole or filtered, in the formats of common graph
// tools (GraphML, GEXF, Cytoscape.js, networkx node-link, neo4j-admin CSV, FollowTheMoney)
// and reads the node-link and CSV formats back into a store.
//
// Every export carries the ids the GraphQL API uses: node ids are entity ids, edge ids are
// relationship ids, article ids are kept as they are. FollowTheMoney, whose entities share
// one id space, prefixes them: "dossier-entity-<id>", "dossier-article-<id>" and
// "dossier-relationship-<id>".
//
// An export is self-contained: besides the selected entities it holds every entity a
// selected relationship names in About, every article cited as evidence, and every outlet
// that published one, so that each id it mentions resolves within it.
package export

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/dossiergraph/dossier/graph"
)

// Source is what an export reads: the records, and neighbourhoods for a centred export.
type Source interface {
	graph.Reader
	graph.Walker
}

// Format names an export format.
type Format string

// The export formats.
const (
	GraphML   Format = "graphml"   // GraphML, for yEd, Gephi, networkx, igraph
	GEXF      Format = "gexf"      // GEXF 1.3 with time intervals, for Gephi's timeline
	Cytoscape Format = "cytoscape" // Cytoscape.js elements JSON
	NodeLink  Format = "nodelink"  // networkx node-link JSON; importable
	CSV       Format = "csv"       // zip of nodes.csv and edges.csv for neo4j-admin import; importable
	FtM       Format = "ftm"       // FollowTheMoney entities as JSON lines
)

// Formats lists every Format in a stable order.
var Formats = []Format{GraphML, GEXF, Cytoscape, NodeLink, CSV, FtM}

// ParseFormat returns the Format named s, or an EINVALID error listing the formats.
func ParseFormat(s string) (Format, error) {
	f := Format(s)
	if !slices.Contains(Formats, f) {
		return "", graph.Errorf(graph.EINVALID, "unknown export format %q: want one of %v", s, Formats)
	}
	return f, nil
}

// ContentType returns the MIME type of f's output.
func (f Format) ContentType() string {
	switch f {
	case GraphML:
		return "application/graphml+xml"
	case GEXF:
		return "application/gexf+xml"
	case Cytoscape, NodeLink:
		return "application/json"
	case CSV:
		return "application/zip"
	case FtM:
		return "application/x-ndjson"
	case Sheet:
		return "text/csv"
	}
	return "application/octet-stream"
}

// FileExt returns the file name extension for f's output, with its dot.
func (f Format) FileExt() string {
	switch f {
	case GraphML:
		return ".graphml"
	case GEXF:
		return ".gexf"
	case Cytoscape:
		return ".cyjs"
	case NodeLink:
		return ".json"
	case CSV:
		return ".zip"
	case FtM:
		return ".ftm.json"
	}
	return ""
}

// Query selects what to export: with a Center, the neighbourhood of Depth hops around it
// (at most Limit nodes, as graph.NeighborhoodQuery); without one, the whole graph. The
// relationship filter applies either way; without a Center, a filter on types, dates or
// sources keeps only the entities those relationships touch, while an unrestricted export
// keeps every entity, isolated ones included.
type Query struct {
	Center string
	Depth  int
	Limit  int
	graph.RelationshipFilter
}

// restricted reports whether q's filter narrows the set of relationships beyond leaving out
// negated ones.
func (q Query) restricted() bool {
	f := q.RelationshipFilter
	return len(f.Types) > 0 || f.Since != "" || f.Until != "" || f.MinSources > 0 || len(f.Review) > 0
}

// selection is what an export holds, read back from the store as each format needs it.
// Whole-graph exports stream from the store's scans; only id sets are kept in memory.
type selection struct {
	store  Source
	filter graph.RelationshipFilter
	// sub holds the neighbourhood of a centred export; nil for whole-graph exports.
	sub *graph.Subgraph
	// extra holds entities outside sub that sub's edges refer to, in id order.
	extra []graph.Entity
	// entityIDs and articleIDs restrict whole-graph scans; nil means every one.
	entityIDs, articleIDs map[string]bool
}

// selectGraph validates q and works out which entities, articles and relationships the
// export holds.
func selectGraph(ctx context.Context, s Source, q Query) (*selection, error) {
	if err := q.RelationshipFilter.Validate(); err != nil {
		return nil, err
	}
	sel := &selection{store: s, filter: q.RelationshipFilter}
	if q.Center != "" {
		nq := graph.NeighborhoodQuery{Center: q.Center, Depth: q.Depth, Limit: q.Limit, RelationshipFilter: q.RelationshipFilter}
		if err := nq.Normalize(); err != nil {
			return nil, err
		}
		sub, err := s.Neighborhood(ctx, nq)
		if err != nil {
			return nil, fmt.Errorf("export neighbourhood of %s: %w", q.Center, err)
		}
		sel.sub = &sub
		return sel, sel.addReferenced(ctx, sub.Edges)
	}
	if q.Depth != 0 || q.Limit != 0 {
		return nil, graph.Errorf(graph.EINVALID, "depth and limit need a center")
	}
	if !q.restricted() {
		return sel, nil
	}
	sel.entityIDs, sel.articleIDs = map[string]bool{}, map[string]bool{}
	err := s.ScanRelationships(ctx, graph.RelationshipQuery{RelationshipFilter: q.RelationshipFilter}, func(r graph.Relationship) error {
		for _, id := range r.Ends() {
			sel.entityIDs[id] = true
		}
		for _, ev := range r.Evidence {
			sel.articleIDs[ev.Article] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export: select relationships: %w", err)
	}
	err = s.ScanArticles(ctx, func(a graph.Article) error {
		if sel.articleIDs[a.ID] {
			sel.entityIDs[a.Outlet] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export: select articles: %w", err)
	}
	return sel, nil
}

// addReferenced gathers the articles cited by edges and the entities outside the
// neighbourhood that edges or those articles name.
func (sel *selection) addReferenced(ctx context.Context, edges []graph.Relationship) error {
	inSub := map[string]bool{}
	for _, e := range sel.sub.Nodes {
		inSub[e.ID] = true
	}
	articles := map[string]bool{}
	missing := map[string]bool{}
	for _, r := range edges {
		for _, id := range r.Ends() {
			if !inSub[id] {
				missing[id] = true
			}
		}
		for _, ev := range r.Evidence {
			articles[ev.Article] = true
		}
	}
	byID, err := sel.store.ArticlesByID(ctx, slices.Sorted(maps.Keys(articles)))
	if err != nil {
		return fmt.Errorf("export: read evidence articles: %w", err)
	}
	for _, a := range byID {
		if !inSub[a.Outlet] {
			missing[a.Outlet] = true
		}
	}
	sel.articleIDs = articles
	if len(missing) == 0 {
		return nil
	}
	ents, err := sel.store.EntitiesByID(ctx, slices.Sorted(maps.Keys(missing)))
	if err != nil {
		return fmt.Errorf("export: read referenced entities: %w", err)
	}
	for _, id := range slices.Sorted(maps.Keys(ents)) {
		sel.extra = append(sel.extra, ents[id])
	}
	return nil
}

// entities calls fn for every selected entity: a neighbourhood's nodes in its order, then
// the entities its edges refer to; or every matching entity in id order.
func (sel *selection) entities(ctx context.Context, fn func(graph.Entity) error) error {
	if sel.sub != nil {
		for _, e := range slices.Concat(sel.sub.Nodes, sel.extra) {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	}
	return sel.store.ScanEntities(ctx, func(e graph.Entity) error {
		if sel.entityIDs != nil && !sel.entityIDs[e.ID] {
			return nil
		}
		return fn(e)
	})
}

// relationships calls fn for every selected relationship in id order.
func (sel *selection) relationships(ctx context.Context, fn func(graph.Relationship) error) error {
	if sel.sub != nil {
		for _, r := range sel.sub.Edges {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}
	return sel.store.ScanRelationships(ctx, graph.RelationshipQuery{RelationshipFilter: sel.filter}, fn)
}

// edges calls fn for every selected relationship with a counterpart (To), the ones a
// graph format can draw.
func (sel *selection) edges(ctx context.Context, fn func(graph.Relationship) error) error {
	return sel.relationships(ctx, func(r graph.Relationship) error {
		if r.To == "" {
			return nil
		}
		return fn(r)
	})
}

// unattached calls fn for every selected relationship without a counterpart.
func (sel *selection) unattached(ctx context.Context, fn func(graph.Relationship) error) error {
	return sel.relationships(ctx, func(r graph.Relationship) error {
		if r.To != "" {
			return nil
		}
		return fn(r)
	})
}

// articles calls fn for every selected article in id order.
func (sel *selection) articles(ctx context.Context, fn func(graph.Article) error) error {
	if sel.articleIDs != nil && len(sel.articleIDs) == 0 {
		return nil
	}
	if sel.sub != nil {
		byID, err := sel.store.ArticlesByID(ctx, slices.Sorted(maps.Keys(sel.articleIDs)))
		if err != nil {
			return fmt.Errorf("read articles: %w", err)
		}
		for _, id := range slices.Sorted(maps.Keys(byID)) {
			if err := fn(byID[id]); err != nil {
				return err
			}
		}
		return nil
	}
	return sel.store.ScanArticles(ctx, func(a graph.Article) error {
		if sel.articleIDs != nil && !sel.articleIDs[a.ID] {
			return nil
		}
		return fn(a)
	})
}

// chunkSize is how many relationships an export resolves at a time: their evidence
// articles and outlets are read per chunk, so that memory does not grow with the graph.
const chunkSize = 1000

// sources resolves what edges show of their evidence: the outlet and URL of each article
// and the outlets' names; with ends, also the entities at either end. Outlet names are
// cached for the whole export (outlets are few); the rest is read a chunk at a time.
type sources struct {
	store      Source
	withEnds   bool
	outletName map[string]string // outlet id → name, for every outlet met so far
	outletOf   map[string]string // article id → outlet id, for the current chunk
	urlOf      map[string]string // article id → URL, for the current chunk
	ends       map[string]graph.Entity
}

func newSources(s Source, withEnds bool) *sources {
	return &sources{store: s, withEnds: withEnds, outletName: map[string]string{}}
}

// each calls fn for every relationship produced by scan, once the chunk holding it is
// resolved.
func (src *sources) each(ctx context.Context, scan func(context.Context, func(graph.Relationship) error) error, fn func(graph.Relationship) error) error {
	chunk := make([]graph.Relationship, 0, chunkSize)
	flush := func() error {
		if err := src.load(ctx, chunk); err != nil {
			return err
		}
		for _, r := range chunk {
			if err := fn(r); err != nil {
				return err
			}
		}
		chunk = chunk[:0]
		return nil
	}
	err := scan(ctx, func(r graph.Relationship) error {
		if chunk = append(chunk, r); len(chunk) == chunkSize {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// load resolves the evidence (and ends) of rels.
func (src *sources) load(ctx context.Context, rels []graph.Relationship) error {
	src.outletOf, src.urlOf, src.ends = map[string]string{}, map[string]string{}, nil
	if len(rels) == 0 {
		return nil
	}
	articleIDs := map[string]bool{}
	entityIDs := map[string]bool{}
	for _, r := range rels {
		for _, ev := range r.Evidence {
			articleIDs[ev.Article] = true
		}
		if src.withEnds {
			for _, id := range r.Ends() {
				entityIDs[id] = true
			}
		}
	}
	articles, err := src.store.ArticlesByID(ctx, slices.Sorted(maps.Keys(articleIDs)))
	if err != nil {
		return fmt.Errorf("read evidence articles: %w", err)
	}
	for id, a := range articles {
		src.outletOf[id] = a.Outlet
		if a.URL != "" {
			src.urlOf[id] = a.URL
		}
		if _, known := src.outletName[a.Outlet]; !known {
			entityIDs[a.Outlet] = true
		}
	}
	if len(entityIDs) == 0 {
		return nil
	}
	ents, err := src.store.EntitiesByID(ctx, slices.Sorted(maps.Keys(entityIDs)))
	if err != nil {
		return fmt.Errorf("read entities: %w", err)
	}
	for id, e := range ents {
		if e.Kind == graph.Outlet {
			src.outletName[id] = e.Name
		}
	}
	if src.withEnds {
		src.ends = ents
	}
	return nil
}

// outletNameOf returns the name of an outlet, reading it on first use.
func (src *sources) outletNameOf(ctx context.Context, id string) (string, error) {
	if name, ok := src.outletName[id]; ok {
		return name, nil
	}
	ents, err := src.store.EntitiesByID(ctx, []string{id})
	if err != nil {
		return "", fmt.Errorf("read outlet %s: %w", id, err)
	}
	src.outletName[id] = ents[id].Name
	return ents[id].Name, nil
}

// outlets returns the distinct outlets of r's evidence, as ids and as names, in evidence
// order. r must belong to the chunk being written.
func (src *sources) outlets(r graph.Relationship) (ids, names []string) {
	for _, ev := range r.Evidence {
		o := src.outletOf[ev.Article]
		if o == "" || slices.Contains(ids, o) {
			continue
		}
		ids = append(ids, o)
		names = append(names, cmp.Or(src.outletName[o], o))
	}
	return ids, names
}

// Write streams the export of s selected by q to w in format f. Errors from bad queries
// are EINVALID or ENOTFOUND, returned before anything is written.
func Write(ctx context.Context, w io.Writer, s Source, f Format, q Query) error {
	if _, err := ParseFormat(string(f)); err != nil {
		return err
	}
	sel, err := selectGraph(ctx, s, q)
	if err != nil {
		return err
	}
	switch f {
	case GraphML:
		err = writeGraphML(ctx, w, sel)
	case GEXF:
		err = writeGEXF(ctx, w, sel)
	case Cytoscape:
		err = writeCytoscape(ctx, w, sel)
	case NodeLink:
		err = writeNodeLink(ctx, w, sel)
	case CSV:
		err = writeCSVZip(ctx, w, sel)
	case FtM:
		err = writeFtM(ctx, w, sel)
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", f, err)
	}
	return nil
}
