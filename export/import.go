package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/dossiergraph/dossier/graph"
)

// Target is what an import writes to: Apply, and the look-ups that check the references
// an import makes into the store.
type Target interface {
	graph.Applier
	EntitiesByID(ctx context.Context, ids []string) (map[string]graph.Entity, error)
	ArticlesByID(ctx context.Context, ids []string) (map[string]graph.Article, error)
}

// MaxImportBytes bounds what Import reads, so that a hostile upload cannot exhaust memory:
// an import is applied as one atomic batch and so is held whole.
const MaxImportBytes = 512 << 20

// ImportAnswer is the body of a successful POST /import/FORMAT: the server writes it and
// `dossier import --server` reads it.
type ImportAnswer struct {
	Format string       `json:"format"`
	DryRun bool         `json:"dryRun"`
	Result ImportCounts `json:"result"`
	Rows   []SheetRow   `json:"rows,omitempty"` // sheet imports: what each row did
}

// ImportCounts is what an import wrote: the counts of graph.BatchResult an import can make.
type ImportCounts struct {
	EntitiesCreated      int `json:"entitiesCreated"`
	EntitiesUpdated      int `json:"entitiesUpdated"`
	ArticlesCreated      int `json:"articlesCreated"`
	ArticlesUpdated      int `json:"articlesUpdated"`
	RelationshipsCreated int `json:"relationshipsCreated"`
	RelationshipsUpdated int `json:"relationshipsUpdated"`
}

// CountsOf takes an import's counts from its batch result.
func CountsOf(res graph.BatchResult) ImportCounts {
	return ImportCounts{
		EntitiesCreated: res.EntitiesCreated, EntitiesUpdated: res.EntitiesUpdated,
		ArticlesCreated: res.ArticlesCreated, ArticlesUpdated: res.ArticlesUpdated,
		RelationshipsCreated: res.RelationshipsCreated, RelationshipsUpdated: res.RelationshipsUpdated,
	}
}

// BatchResult gives the counts back as the batch result they came from.
func (c ImportCounts) BatchResult() graph.BatchResult {
	return graph.BatchResult{
		EntitiesCreated: c.EntitiesCreated, EntitiesUpdated: c.EntitiesUpdated,
		ArticlesCreated: c.ArticlesCreated, ArticlesUpdated: c.ArticlesUpdated,
		RelationshipsCreated: c.RelationshipsCreated, RelationshipsUpdated: c.RelationshipsUpdated,
	}
}

// Import reads a node-link JSON document or a CSV zip, as Write produces them, checks it
// like the seed loader does (known kinds and types, valid fields, every id it names present
// in the import or the store) and applies it to s atomically. Errors name the record at
// fault and are EINVALID.
func Import(ctx context.Context, s Target, f Format, r io.Reader) (graph.BatchResult, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return graph.BatchResult{}, fmt.Errorf("import %s: read: %w", f, err)
	}
	if len(data) > MaxImportBytes {
		return graph.BatchResult{}, graph.Errorf(graph.EINVALID, "import %s: input is larger than %d bytes", f, MaxImportBytes)
	}
	var b *batch
	switch f {
	case NodeLink:
		b, err = readNodeLink(data)
	case CSV:
		b, err = readCSVZip(data)
	default:
		return graph.BatchResult{}, graph.Errorf(graph.EINVALID, "cannot import format %q: want %s or %s", f, NodeLink, CSV)
	}
	if err != nil {
		return graph.BatchResult{}, err
	}
	return b.apply(ctx, s)
}

// ImportCSVDir reads nodes.csv, edges.csv and, if present, unattached.csv from dir, as
// WriteCSVDir writes them, and applies them like Import.
func ImportCSVDir(ctx context.Context, s Target, dir string) (graph.BatchResult, error) {
	files := map[string][]byte{}
	for _, name := range []string{nodesFile, edgesFile, unattachedFile} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) && name == unattachedFile {
			continue
		}
		if err != nil {
			return graph.BatchResult{}, fmt.Errorf("import csv: %w", err)
		}
		files[name] = data
	}
	b, err := readCSVFiles(files)
	if err != nil {
		return graph.BatchResult{}, err
	}
	return b.apply(ctx, s)
}

// batch is a graph.Batch with, for each item, where it was read ("nodes.csv line 4",
// "edges[2]"), for error messages.
type batch struct {
	graph.Batch
	entityAt, articleAt, relationshipAt []string
}

func (b *batch) addEntity(at string, e graph.Entity) {
	b.Entities = append(b.Entities, e)
	b.entityAt = append(b.entityAt, at)
}

func (b *batch) addArticle(at string, a graph.Article) {
	b.Articles = append(b.Articles, a)
	b.articleAt = append(b.articleAt, at)
}

func (b *batch) addRelationship(at string, r graph.Relationship) {
	b.Relationships = append(b.Relationships, r)
	b.relationshipAt = append(b.relationshipAt, at)
}

func badInput(at string, err error) error {
	return graph.Errorf(graph.EINVALID, "%s: %s", at, graph.ErrorMessage(err))
}

// apply validates b against itself and s, then applies it.
func (b *batch) apply(ctx context.Context, s Target) (graph.BatchResult, error) {
	if err := b.validate(ctx, s); err != nil {
		return graph.BatchResult{}, err
	}
	b.Change = graph.ChangeOf(ctx, "import")
	res, err := s.Apply(ctx, b.Batch)
	if err != nil {
		return res, fmt.Errorf("import: apply: %w", err)
	}
	return res, nil
}

func (b *batch) validate(ctx context.Context, s Target) error {
	if err := b.Batch.Validate(); err != nil {
		if ie, ok := errors.AsType[*graph.ItemError](err); ok {
			at := map[graph.Record][]string{graph.EntityRecord: b.entityAt, graph.ArticleRecord: b.articleAt, graph.RelationshipRecord: b.relationshipAt}
			return badInput(at[ie.Record][ie.Index], ie.Err)
		}
		return err
	}
	kinds := make(map[string]graph.Kind, len(b.Entities))
	for i, e := range b.Entities {
		if _, dup := kinds[e.ID]; dup {
			return graph.Errorf(graph.EINVALID, "%s: entity %s appears twice", b.entityAt[i], e.ID)
		}
		kinds[e.ID] = e.Kind
	}
	articles := make(map[string]bool, len(b.Articles))
	var outside []string // ids the batch names but does not hold
	for i, a := range b.Articles {
		if articles[a.ID] {
			return graph.Errorf(graph.EINVALID, "%s: article %s appears twice", b.articleAt[i], a.ID)
		}
		articles[a.ID] = true
		if _, ok := kinds[a.Outlet]; !ok {
			outside = append(outside, a.Outlet)
		}
	}
	seen := make(map[string]bool, len(b.Relationships))
	var outsideArticles []string
	for i, r := range b.Relationships {
		if seen[r.ID] {
			return graph.Errorf(graph.EINVALID, "%s: relationship %s appears twice", b.relationshipAt[i], r.ID)
		}
		seen[r.ID] = true
		for _, id := range r.Ends() {
			if _, ok := kinds[id]; !ok {
				outside = append(outside, id)
			}
		}
		for _, ev := range r.Evidence {
			if !articles[ev.Article] {
				outsideArticles = append(outsideArticles, ev.Article)
			}
		}
	}
	stored, err := s.EntitiesByID(ctx, sortedUnique(outside))
	if err != nil {
		return fmt.Errorf("import: look up referenced entities: %w", err)
	}
	for id, e := range stored {
		kinds[id] = e.Kind
	}
	storedArticles, err := s.ArticlesByID(ctx, sortedUnique(outsideArticles))
	if err != nil {
		return fmt.Errorf("import: look up referenced articles: %w", err)
	}
	for i, a := range b.Articles {
		switch k, ok := kinds[a.Outlet]; {
		case !ok:
			return graph.Errorf(graph.EINVALID, "%s: article %s: outlet %s is neither in the import nor in the store", b.articleAt[i], a.ID, a.Outlet)
		case k != graph.Outlet:
			return graph.Errorf(graph.EINVALID, "%s: article %s: outlet %s is a %s, not an OUTLET", b.articleAt[i], a.ID, a.Outlet, k)
		}
	}
	for i, r := range b.Relationships {
		for _, id := range r.Ends() {
			if _, ok := kinds[id]; !ok {
				return graph.Errorf(graph.EINVALID, "%s: relationship %s: entity %s is neither in the import nor in the store", b.relationshipAt[i], r.ID, id)
			}
		}
		for _, ev := range r.Evidence {
			if _, ok := storedArticles[ev.Article]; !ok && !articles[ev.Article] {
				return graph.Errorf(graph.EINVALID, "%s: relationship %s: evidence article %s is neither in the import nor in the store", b.relationshipAt[i], r.ID, ev.Article)
			}
		}
	}
	return nil
}

func sortedUnique(ids []string) []string {
	set := map[string]bool{}
	for _, id := range ids {
		set[id] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// nodeLinkDoc is the node-link document as Write produces it, or as networkx writes it
// back with node_link_data(G, edges="edges"). Unknown fields are ignored.
type nodeLinkDoc struct {
	Directed *bool             `json:"directed"`
	Nodes    []json.RawMessage `json:"nodes"`
	Edges    []json.RawMessage `json:"edges"`
	Graph    struct {
		Articles   []json.RawMessage `json:"articles"`
		Unattached []json.RawMessage `json:"unattached"`
	} `json:"graph"`
}

// decodeStrict decodes one record, so that a wrongly typed field is reported with the record
// that holds it.
func decodeStrict(at string, raw json.RawMessage, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return graph.Errorf(graph.EINVALID, "%s: %v", at, err)
	}
	return nil
}

func readNodeLink(data []byte) (*batch, error) {
	var doc nodeLinkDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, graph.Errorf(graph.EINVALID, "import nodelink: not a node-link JSON document: %v", err)
	}
	if doc.Directed != nil && !*doc.Directed {
		return nil, graph.Errorf(graph.EINVALID, "import nodelink: the graph is undirected; Dossier relationships have a direction")
	}
	if doc.Nodes == nil {
		return nil, graph.Errorf(graph.EINVALID, `import nodelink: no "nodes" list`)
	}
	b := &batch{}
	for i, raw := range doc.Nodes {
		at := fmt.Sprintf("nodelink nodes[%d]", i)
		var e graph.Entity
		if err := decodeStrict(at, raw, &e); err != nil {
			return nil, err
		}
		b.addEntity(at, e)
	}
	for i, raw := range doc.Graph.Articles {
		at := fmt.Sprintf("nodelink graph.articles[%d]", i)
		var a graph.Article
		if err := decodeStrict(at, raw, &a); err != nil {
			return nil, err
		}
		b.addArticle(at, a)
	}
	edges := func(list string, raws []json.RawMessage, wantTarget bool) error {
		for i, raw := range raws {
			at := fmt.Sprintf("nodelink %s[%d]", list, i)
			var e nodeLinkEdge
			if err := decodeStrict(at, raw, &e); err != nil {
				return err
			}
			if wantTarget && e.Target == "" {
				return graph.Errorf(graph.EINVALID, "%s: edge %s has no target", at, e.Key)
			}
			b.addRelationship(at, e.relationship())
		}
		return nil
	}
	if err := edges("edges", doc.Edges, true); err != nil {
		return nil, err
	}
	if err := edges("graph.unattached", doc.Graph.Unattached, false); err != nil {
		return nil, err
	}
	return b, nil
}

func readCSVZip(data []byte) (*batch, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, graph.Errorf(graph.EINVALID, "import csv: not a zip archive: %v", err)
	}
	files := map[string][]byte{}
	for _, zf := range zr.File {
		name := zf.Name
		if name != nodesFile && name != edgesFile && name != unattachedFile {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return nil, graph.Errorf(graph.EINVALID, "import csv: %s: %v", name, err)
		}
		content, err := io.ReadAll(io.LimitReader(rc, MaxImportBytes+1))
		rc.Close()
		if err != nil {
			return nil, graph.Errorf(graph.EINVALID, "import csv: %s: %v", name, err)
		}
		if len(content) > MaxImportBytes {
			return nil, graph.Errorf(graph.EINVALID, "import csv: %s unpacks to more than %d bytes", name, MaxImportBytes)
		}
		files[name] = content
	}
	for _, name := range []string{nodesFile, edgesFile} {
		if _, ok := files[name]; !ok {
			return nil, graph.Errorf(graph.EINVALID, "import csv: the zip has no %s", name)
		}
	}
	return readCSVFiles(files)
}

// csvTable reads a CSV file with a header and gives its fields by column name.
type csvTable struct {
	name string
	r    *csv.Reader
	cols map[string]int
}

func openCSV(name string, data []byte, required []string) (*csvTable, error) {
	r := csv.NewReader(bytes.NewReader(data))
	header, err := r.Read()
	if err != nil {
		return nil, graph.Errorf(graph.EINVALID, "import csv: %s: no header: %v", name, err)
	}
	t := &csvTable{name: name, r: r, cols: map[string]int{}}
	for i, h := range header {
		t.cols[h] = i
	}
	for _, c := range required {
		if _, ok := t.cols[c]; !ok {
			return nil, graph.Errorf(graph.EINVALID, "import csv: %s: the header has no %q column", name, c)
		}
	}
	return t, nil
}

// each calls fn for every row with the row's line and a getter for its fields.
func (t *csvTable) each(fn func(at string, get func(col string) string) error) error {
	for {
		row, err := t.r.Read()
		if err == io.EOF {
			return nil
		}
		line, _ := t.r.FieldPos(0)
		at := fmt.Sprintf("%s line %d", t.name, line)
		if err != nil {
			return graph.Errorf(graph.EINVALID, "import csv: %s: %v", t.name, err)
		}
		get := func(col string) string {
			if i, ok := t.cols[col]; ok && i < len(row) {
				return row[i]
			}
			return ""
		}
		if err := fn(at, get); err != nil {
			return err
		}
	}
}

func splitArray(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, arrayDelimiter)
}

func readCSVFiles(files map[string][]byte) (*batch, error) {
	b := &batch{}
	nodes, err := openCSV(nodesFile, files[nodesFile], []string{"id", ":LABEL"})
	if err != nil {
		return nil, err
	}
	err = nodes.each(func(at string, get func(string) string) error {
		labels := splitArray(get(":LABEL"))
		switch {
		case slices.Contains(labels, articleLabel):
			b.addArticle(at, graph.Article{
				ID: get("id"), Title: get("title"), Outlet: get("outlet"), URL: get("url"),
				Published: graph.PartialDate(get("published")), Authors: splitArray(get("authors:string[]")),
			})
		case slices.Contains(labels, entityLabel):
			b.addEntity(at, graph.Entity{
				ID: get("id"), Kind: graph.Kind(get("kind")), Name: get("name"),
				Aliases: splitArray(get("aliases:string[]")), Description: get("description"),
				Country: get("country"), Role: get("role"),
			})
		default:
			return graph.Errorf(graph.EINVALID, "%s: labels %q name neither %s nor %s", at, get(":LABEL"), entityLabel, articleLabel)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, name := range []string{edgesFile, unattachedFile} {
		data, ok := files[name]
		if !ok {
			continue
		}
		edges, err := openCSV(name, data, []string{":START_ID", ":END_ID", ":TYPE", "id"})
		if err != nil {
			return nil, err
		}
		err = edges.each(func(at string, get func(string) string) error {
			r, err := relationshipFromCSV(at, get)
			if err != nil {
				return err
			}
			b.addRelationship(at, r)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return b, nil
}

func relationshipFromCSV(at string, get func(string) string) (graph.Relationship, error) {
	entityID := func(col string) (string, error) {
		v := get(col)
		if v == "" && col == ":END_ID" {
			return "", nil
		}
		id, ok := strings.CutPrefix(v, entityIDPrefix)
		if !ok {
			return "", graph.Errorf(graph.EINVALID, "%s: %s %q does not start with %q", at, col, v, entityIDPrefix)
		}
		return id, nil
	}
	from, err := entityID(":START_ID")
	if err != nil {
		return graph.Relationship{}, err
	}
	to, err := entityID(":END_ID")
	if err != nil {
		return graph.Relationship{}, err
	}
	negated := false
	if v := get("negated:boolean"); v != "" {
		if negated, err = strconv.ParseBool(v); err != nil {
			return graph.Relationship{}, graph.Errorf(graph.EINVALID, "%s: negated %q is not true or false", at, v)
		}
	}
	var evidence []graph.Evidence
	if v := get("evidence"); v != "" {
		if err := json.Unmarshal([]byte(v), &evidence); err != nil {
			return graph.Relationship{}, graph.Errorf(graph.EINVALID, "%s: evidence is not a JSON list of {article, excerpt}: %v", at, err)
		}
	} else {
		for _, a := range splitArray(get("articles:string[]")) {
			evidence = append(evidence, graph.Evidence{Article: a})
		}
	}
	confidence := 0.0
	if v := get("confidence:double"); v != "" {
		if confidence, err = strconv.ParseFloat(v, 64); err != nil {
			return graph.Relationship{}, graph.Errorf(graph.EINVALID, "%s: confidence %q is not a number", at, v)
		}
	}
	return graph.Relationship{
		ID: get("id"), Type: graph.RelationType(get(":TYPE")), From: from, To: to,
		About: splitArray(get("about:string[]")), Negated: negated, Date: graph.PartialDate(get("date")),
		DateText: get("dateText"), Summary: get("summary"), Quantity: get("quantity"), Evidence: evidence,
		Origin: graph.Origin(get("origin")), Confidence: confidence,
		Review: graph.Review{State: graph.ReviewState(get("reviewState")), Reviewer: get("reviewer"), Time: get("reviewTime"), Note: get("reviewNote")},
	}, nil
}
