package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// expected is what an export of a query must hold, worked out from the store's contents
// independently of the exporter.
type expected struct {
	entities      map[string]graph.Entity
	articles      map[string]graph.Article
	edges         map[string]graph.Relationship // relationships with a counterpart
	unattached    map[string]graph.Relationship
	relationships []graph.Relationship // both, in id order
}

func expect(t *testing.T, s graph.Store, q Query) expected {
	t.Helper()
	all := readAll(t, s)
	ex := expected{entities: map[string]graph.Entity{}, articles: map[string]graph.Article{}, edges: map[string]graph.Relationship{}, unattached: map[string]graph.Relationship{}}
	byID := map[string]graph.Entity{}
	for _, e := range all.Entities {
		byID[e.ID] = e
	}
	articleByID := map[string]graph.Article{}
	for _, a := range all.Articles {
		articleByID[a.ID] = a
	}
	switch {
	case q.Center != "":
		sub, err := s.Neighborhood(context.Background(), graph.NeighborhoodQuery{Center: q.Center, Depth: q.Depth, Limit: q.Limit, RelationshipFilter: q.RelationshipFilter})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range sub.Nodes {
			ex.entities[e.ID] = e
		}
		ex.relationships = sub.Edges
	default:
		if !q.restricted() {
			maps.Copy(ex.entities, byID)
			maps.Copy(ex.articles, articleByID)
		}
		for _, r := range all.Relationships {
			if q.Match(r) {
				ex.relationships = append(ex.relationships, r)
			}
		}
	}
	for _, r := range ex.relationships {
		if r.To == "" {
			ex.unattached[r.ID] = r
		} else {
			ex.edges[r.ID] = r
		}
		for _, id := range r.Ends() {
			ex.entities[id] = byID[id]
		}
		for _, ev := range r.Evidence {
			a := articleByID[ev.Article]
			ex.articles[a.ID] = a
			ex.entities[a.Outlet] = byID[a.Outlet]
		}
	}
	return ex
}

var queries = map[string]Query{
	"whole":        {RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}},
	"whole-plain":  {},
	"centred":      {Center: "amlo", Depth: 1},
	"centred-deep": {Center: "amlo", Depth: 2, RelationshipFilter: graph.RelationshipFilter{IncludeNegated: true}},
	"types":        {RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{graph.Warned, graph.Requested}}},
	"sources":      {RelationshipFilter: graph.RelationshipFilter{MinSources: 2, IncludeNegated: true}},
}

func export(t *testing.T, s graph.Store, f Format, q Query) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, s, f, q); err != nil {
		t.Fatalf("export %s: %v", f, err)
	}
	return buf.Bytes()
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func TestFormats(t *testing.T) {
	exts := map[string]bool{}
	for _, f := range Formats {
		if f.ContentType() == "application/octet-stream" || f.FileExt() == "" {
			t.Errorf("%s: content type %q, extension %q", f, f.ContentType(), f.FileExt())
		}
		if exts[f.FileExt()] {
			t.Errorf("%s: extension %q is shared", f, f.FileExt())
		}
		exts[f.FileExt()] = true
		if got, err := ParseFormat(string(f)); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	if _, err := ParseFormat("dot"); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("ParseFormat(dot): %v, want BAD_INPUT", err)
	}
}

func TestWriteRejectsBadQueries(t *testing.T) {
	s := fixtureStore(t)
	for name, tc := range map[string]struct {
		f    Format
		q    Query
		code string
	}{
		"format":        {"dot", Query{}, graph.EINVALID},
		"date":          {GraphML, Query{RelationshipFilter: graph.RelationshipFilter{Since: "2022-13"}}, graph.EINVALID},
		"type":          {GEXF, Query{RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{"KISSED"}}}, graph.EINVALID},
		"depth-no-cent": {NodeLink, Query{Depth: 2}, graph.EINVALID},
		"depth":         {CSV, Query{Center: "amlo", Depth: graph.MaxDepth + 1}, graph.EINVALID},
		"centre":        {FtM, Query{Center: "nobody"}, graph.ENOTFOUND},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Write(context.Background(), &buf, s, tc.f, tc.q)
			if graph.ErrorCode(err) != tc.code {
				t.Fatalf("error %v (code %s), want code %s", err, graph.ErrorCode(err), tc.code)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes before failing", buf.Len())
			}
		})
	}
}

type graphMLDoc struct {
	Keys []struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
		Type string `xml:"attr.type,attr"`
	} `xml:"key"`
	Graph struct {
		EdgeDefault string `xml:"edgedefault,attr"`
		Nodes       []struct {
			ID   string       `xml:"id,attr"`
			Data []graphMLVal `xml:"data"`
		} `xml:"node"`
		Edges []struct {
			ID     string       `xml:"id,attr"`
			Source string       `xml:"source,attr"`
			Target string       `xml:"target,attr"`
			Data   []graphMLVal `xml:"data"`
		} `xml:"edge"`
	} `xml:"graph"`
}

type graphMLVal struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

func graphMLData(vals []graphMLVal) map[string]string {
	m := map[string]string{}
	for _, v := range vals {
		m[v.Key] = v.Value
	}
	return m
}

func TestGraphMLStructure(t *testing.T) {
	s := fixtureStore(t)
	for name, q := range queries {
		t.Run(name, func(t *testing.T) {
			ex := expect(t, s, q)
			var doc graphMLDoc
			if err := xml.Unmarshal(export(t, s, GraphML, q), &doc); err != nil {
				t.Fatalf("parse GraphML: %v", err)
			}
			if doc.Graph.EdgeDefault != "directed" {
				t.Errorf("edgedefault %q", doc.Graph.EdgeDefault)
			}
			for _, k := range doc.Keys {
				if !slices.Contains([]string{"string", "int", "boolean", "double"}, k.Type) || k.Name == "" {
					t.Errorf("key %s: name %q type %q", k.ID, k.Name, k.Type)
				}
			}
			var nodes []string
			for _, n := range doc.Graph.Nodes {
				nodes = append(nodes, n.ID)
				d := graphMLData(n.Data)
				if e := ex.entities[n.ID]; d["n_name"] != e.Name || d["n_kind"] != string(e.Kind) || d["n_description"] != e.Description {
					t.Errorf("node %s data %v, want %+v", n.ID, d, e)
				}
			}
			if slices.Sort(nodes); !slices.Equal(nodes, sortedKeys(ex.entities)) {
				t.Errorf("nodes %v, want %v", nodes, sortedKeys(ex.entities))
			}
			var edges []string
			for _, e := range doc.Graph.Edges {
				edges = append(edges, e.ID)
				r := ex.edges[e.ID]
				d := graphMLData(e.Data)
				if e.Source != r.From || e.Target != r.To || d["e_relation"] != string(r.Type) || d["e_date"] != string(r.Date) ||
					d["e_articles"] != strings.Join(r.Articles(), listSep) {
					t.Errorf("edge %s %s->%s %v, want %v", e.ID, e.Source, e.Target, d, r)
				}
			}
			if slices.Sort(edges); !slices.Equal(edges, sortedKeys(ex.edges)) {
				t.Errorf("edges %v, want %v", edges, sortedKeys(ex.edges))
			}
		})
	}
}

type gexfDoc struct {
	Version string `xml:"version,attr"`
	Graph   struct {
		Mode       string `xml:"mode,attr"`
		TimeFormat string `xml:"timeformat,attr"`
		EdgeType   string `xml:"defaultedgetype,attr"`
		Nodes      []struct {
			ID    string `xml:"id,attr"`
			Label string `xml:"label,attr"`
		} `xml:"nodes>node"`
		Edges []struct {
			ID     string `xml:"id,attr"`
			Source string `xml:"source,attr"`
			Target string `xml:"target,attr"`
			Type   string `xml:"type,attr"`
			Label  string `xml:"label,attr"`
			Start  string `xml:"start,attr"`
			End    string `xml:"end,attr"`
			Values []struct {
				For   string `xml:"for,attr"`
				Value string `xml:"value,attr"`
			} `xml:"attvalues>attvalue"`
		} `xml:"edges>edge"`
	} `xml:"graph"`
}

func TestGEXFStructure(t *testing.T) {
	s := fixtureStore(t)
	for name, q := range queries {
		t.Run(name, func(t *testing.T) {
			ex := expect(t, s, q)
			var doc gexfDoc
			if err := xml.Unmarshal(export(t, s, GEXF, q), &doc); err != nil {
				t.Fatalf("parse GEXF: %v", err)
			}
			g := doc.Graph
			if doc.Version != "1.3" || g.Mode != "dynamic" || g.TimeFormat != "date" || g.EdgeType != "directed" {
				t.Errorf("gexf version %q mode %q timeformat %q edge type %q", doc.Version, g.Mode, g.TimeFormat, g.EdgeType)
			}
			if len(g.Nodes) != len(ex.entities) {
				t.Errorf("%d nodes, want %d", len(g.Nodes), len(ex.entities))
			}
			for _, n := range g.Nodes {
				if n.Label != ex.entities[n.ID].Name {
					t.Errorf("node %s label %q", n.ID, n.Label)
				}
			}
			if len(g.Edges) != len(ex.edges) {
				t.Errorf("%d edges, want %d", len(g.Edges), len(ex.edges))
			}
			for _, e := range g.Edges {
				r, ok := ex.edges[e.ID]
				if !ok || e.Type != "" || e.Label != string(r.Type) || e.Start != r.Date.Start() || e.End != r.Date.End() || e.Source != r.From || e.Target != r.To {
					t.Errorf("edge %+v, want %v dated %q", e, r, r.Date)
				}
				var relation string
				for _, v := range e.Values {
					if v.For == "relation" {
						relation = v.Value
					}
				}
				if relation != string(r.Type) {
					t.Errorf("edge %s relation attribute %q", e.ID, relation)
				}
			}
		})
	}
}

func TestCytoscapeStructure(t *testing.T) {
	s := fixtureStore(t)
	for name, q := range queries {
		t.Run(name, func(t *testing.T) {
			ex := expect(t, s, q)
			var doc struct {
				Elements struct {
					Nodes []struct{ Data cyNode }
					Edges []struct{ Data cyEdge }
				}
			}
			if err := json.Unmarshal(export(t, s, Cytoscape, q), &doc); err != nil {
				t.Fatalf("parse Cytoscape JSON: %v", err)
			}
			if len(doc.Elements.Nodes) != len(ex.entities) || len(doc.Elements.Edges) != len(ex.edges) {
				t.Errorf("%d nodes, %d edges; want %d, %d", len(doc.Elements.Nodes), len(doc.Elements.Edges), len(ex.entities), len(ex.edges))
			}
			for _, n := range doc.Elements.Nodes {
				if e := ex.entities[n.Data.ID]; n.Data.Name != e.Name || n.Data.Kind != e.Kind {
					t.Errorf("node %+v, want %+v", n.Data, e)
				}
			}
			for _, e := range doc.Elements.Edges {
				r := ex.edges[e.Data.ID]
				if e.Data.Interaction != r.Type || e.Data.Source != r.From || e.Data.Target != r.To || e.Data.SourceCount != r.SourceCount || e.Data.Negated != r.Negated {
					t.Errorf("edge %+v, want %v", e.Data, r)
				}
			}
		})
	}
}

func TestFtMStructure(t *testing.T) {
	s := fixtureStore(t)
	for name, q := range queries {
		t.Run(name, func(t *testing.T) {
			ex := expect(t, s, q)
			want := ftmExpected(ex)
			got := map[string]string{}
			sc := bufio.NewScanner(bytes.NewReader(export(t, s, FtM, q)))
			for sc.Scan() {
				var e struct {
					ID         string
					Schema     string
					Properties map[string][]string
				}
				dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&e); err != nil {
					t.Fatalf("line %q: %v", sc.Text(), err)
				}
				got[e.ID] = e.Schema
				for prop, values := range e.Properties {
					if len(values) == 0 || slices.Contains(values, "") {
						t.Errorf("%s: %s has empty values %q", e.ID, prop, values)
					}
				}
			}
			if !maps.Equal(got, want) {
				t.Errorf("entities %v\nwant %v", got, want)
			}
		})
	}
}

// ftmExpected maps the FtM ids an export must hold to their schemata.
func ftmExpected(ex expected) map[string]string {
	want := map[string]string{}
	for id, e := range ex.entities {
		want[FtMEntityPrefix+id] = ftmSchema(e.Kind)
	}
	for id := range ex.articles {
		want[FtMArticlePrefix+id] = "Article"
	}
	for _, r := range ex.relationships {
		schema, _, _ := ftmLink(r, ftmSchema(ex.entities[r.To].Kind))
		want[FtMRelationshipPrefix+r.ID] = schema
	}
	return want
}

func TestCSVStructure(t *testing.T) {
	s := fixtureStore(t)
	q := queries["whole"]
	ex := expect(t, s, q)
	data := export(t, s, CSV, q)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("read zip: %v", err)
	}
	rows := map[string][][]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		rows[f.Name], err = csv.NewReader(rc).ReadAll()
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
	}
	if !slices.Equal(rows[nodesFile][0], nodeHeader) || !slices.Equal(rows[edgesFile][0], edgeHeader) {
		t.Fatalf("headers %q, %q", rows[nodesFile][0], rows[edgesFile][0])
	}
	if n := len(rows[nodesFile]) - 1; n != len(ex.entities)+len(ex.articles) {
		t.Errorf("nodes.csv has %d rows, want %d", n, len(ex.entities)+len(ex.articles))
	}
	if n := len(rows[edgesFile]) - 1; n != len(ex.edges) {
		t.Errorf("edges.csv has %d rows, want %d", n, len(ex.edges))
	}
	if n := len(rows[unattachedFile]) - 1; n != len(ex.unattached) {
		t.Errorf("unattached.csv has %d rows, want %d", n, len(ex.unattached))
	}
	for _, row := range rows[edgesFile][1:] {
		r := ex.edges[row[3]]
		if row[0] != entityIDPrefix+r.From || row[1] != entityIDPrefix+r.To || row[2] != string(r.Type) {
			t.Errorf("edge row %q, want %v", row, r)
		}
	}
}

func TestCSVRejectsDelimiterInArrays(t *testing.T) {
	s := openStore(t)
	_, err := s.Apply(context.Background(), graph.Batch{Entities: []graph.Entity{{ID: "x", Kind: graph.Person, Name: "X", Aliases: []string{"a;b"}}}})
	if err != nil {
		t.Fatal(err)
	}
	err = Write(context.Background(), io.Discard, s, CSV, Query{})
	if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), "entity x") {
		t.Errorf("got %v, want BAD_INPUT naming entity x", err)
	}
}

// TestRoundTrip exports the whole graph, imports it into an empty store and expects the
// same contents and stats.
func TestRoundTrip(t *testing.T) {
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) { checkRoundTrip(t, s) })
	}
}

func checkRoundTrip(t *testing.T, s graph.Store) {
	ctx := context.Background()
	want := readAll(t, s)
	wantStats, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, fresh graph.Store, res graph.BatchResult) {
		if res.EntitiesCreated != len(want.Entities) || res.ArticlesCreated != len(want.Articles) || res.RelationshipsCreated != len(want.Relationships) {
			t.Errorf("import result %+v", res)
		}
		if got := readAll(t, fresh); !equalJSON(got, want) {
			t.Errorf("round trip changed the graph:\n got %s\nwant %s", asJSON(got), asJSON(want))
		}
		gotStats, err := fresh.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !equalJSON(gotStats, wantStats) {
			t.Errorf("stats %+v, want %+v", gotStats, wantStats)
		}
	}
	q := queries["whole"]
	for _, f := range []Format{NodeLink, CSV} {
		t.Run(string(f), func(t *testing.T) {
			fresh := openStore(t)
			res, err := Import(ctx, fresh, f, bytes.NewReader(export(t, s, f, q)))
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			check(t, fresh, res)
		})
	}
	t.Run("csvdir", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "out")
		if err := WriteCSVDir(ctx, dir, s, q); err != nil {
			t.Fatal(err)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if !slices.Equal(names, []string{edgesFile, nodesFile, unattachedFile}) {
			t.Errorf("files %v", names)
		}
		fresh := openStore(t)
		res, err := ImportCSVDir(ctx, fresh, dir)
		if err != nil {
			t.Fatalf("import: %v", err)
		}
		check(t, fresh, res)
	})
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func equalJSON(a, b any) bool { return asJSON(a) == asJSON(b) }

func TestImportRejectsBadInput(t *testing.T) {
	ctx := context.Background()
	s := fixtureStore(t)
	nodeLink := string(export(t, s, NodeLink, queries["whole"]))
	csvZip := export(t, s, CSV, queries["whole"])
	for name, tc := range map[string]struct {
		f    Format
		data []byte
		want []string // in the error message
	}{
		"nodelink-type":      {NodeLink, []byte(strings.Replace(nodeLink, `"relation":"DENIED"`, `"relation":"KISSED"`, 1)), []string{"nodelink edges[", "KISSED"}},
		"nodelink-dangling":  {NodeLink, []byte(strings.Replace(nodeLink, `"target":"us-gov"`, `"target":"nowhere"`, 1)), []string{"nodelink edges[", "nowhere"}},
		"nodelink-kind":      {NodeLink, []byte(strings.Replace(nodeLink, `"kind":"GROUP"`, `"kind":"CLUB"`, 1)), []string{"nodelink nodes[", "CLUB"}},
		"nodelink-undirect":  {NodeLink, []byte(strings.Replace(nodeLink, `"directed":true`, `"directed":false`, 1)), []string{"undirected"}},
		"nodelink-garbage":   {NodeLink, []byte("{"), []string{"not a node-link"}},
		"csv-type":           {CSV, rewriteZip(t, csvZip, edgesFile, ",DENIED,", ",KISSED,"), []string{"edges.csv line ", "KISSED"}},
		"csv-dangling":       {CSV, rewriteZip(t, csvZip, edgesFile, "entity:us-gov", "entity:nowhere"), []string{"edges.csv line ", "nowhere"}},
		"csv-outlet":         {CSV, rewriteZip(t, csvZip, nodesFile, ",wire,https:", ",amlo,https:"), []string{"nodes.csv line ", "not an OUTLET"}},
		"csv-missing-edges":  {CSV, dropFromZip(t, csvZip, edgesFile), []string{"no edges.csv"}},
		"csv-not-zip":        {CSV, []byte("id,name\n"), []string{"not a zip"}},
		"format":             {GraphML, []byte("<graphml/>"), []string{"cannot import"}},
		"csv-bad-evidence":   {CSV, rewriteZip(t, csvZip, edgesFile, `[{""article"":""a1""}]`, `[{`), []string{"edges.csv line ", "evidence"}},
		"csv-unknown-labels": {CSV, rewriteZip(t, csvZip, nodesFile, "Entity;Group", "Club"), []string{"nodes.csv line ", "Club"}},
	} {
		t.Run(name, func(t *testing.T) {
			fresh := openStore(t)
			_, err := Import(ctx, fresh, tc.f, bytes.NewReader(tc.data))
			if graph.ErrorCode(err) != graph.EINVALID {
				t.Fatalf("error %v, want BAD_INPUT", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if st, err := fresh.Stats(ctx); err != nil || st.Entities+st.Articles+st.Relationships != 0 {
				t.Errorf("a failed import changed the store: %+v, %v", st, err)
			}
		})
	}
}

// rewriteZip returns the zip with one replacement made in one file, which must take place.
func rewriteZip(t *testing.T, data []byte, name, old, new string) []byte {
	t.Helper()
	return editZip(t, data, func(n string, content []byte) []byte {
		if n != name {
			return content
		}
		if !bytes.Contains(content, []byte(old)) {
			t.Fatalf("%s does not contain %q", name, old)
		}
		return bytes.Replace(content, []byte(old), []byte(new), 1)
	})
}

func dropFromZip(t *testing.T, data []byte, name string) []byte {
	return editZip(t, data, func(n string, content []byte) []byte {
		if n == name {
			return nil
		}
		return content
	})
}

// editZip rebuilds a zip with each file passed through edit; nil drops the file.
func editZip(t *testing.T, data []byte, edit func(name string, content []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if content = edit(f.Name, content); content == nil {
			continue
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// python returns the interpreter of the venv that holds the consumers (DOSSIER_PYTHON);
// without one the check skips, except under CI, where it must run.
func python(t *testing.T) string {
	t.Helper()
	p := os.Getenv("DOSSIER_PYTHON")
	if p == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("DOSSIER_PYTHON is not set; CI must run the export checks (see export/pycheck/README)")
		}
		t.Skip("DOSSIER_PYTHON is not set: skipping the networkx/followthemoney checks (see export/pycheck/README)")
	}
	return p
}

// runCheck writes the export and what it must hold to files and runs a check script on
// them, with trailing arguments after the two files.
func runCheck(t *testing.T, py, script string, args []string, exportData []byte, want any, trailing ...string) {
	t.Helper()
	dir := t.TempDir()
	file, wantFile := filepath.Join(dir, "export"), filepath.Join(dir, "want.json")
	if err := os.WriteFile(file, exportData, 0o644); err != nil {
		t.Fatal(err)
	}
	wantJSON, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wantFile, wantJSON, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), py, slices.Concat([]string{filepath.Join("pycheck", script)}, args, []string{file, wantFile}, trailing)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", script, args, err, out)
	}
	t.Logf("%s", bytes.TrimSpace(out))
}

// TestNetworkxReadsExports has networkx read the GraphML, GEXF and node-link exports and
// compare nodes, edges and their attributes with the store.
func TestNetworkxReadsExports(t *testing.T) {
	py := python(t)
	for storeName, s := range stores(t) {
		for name, q := range storeQueries(storeName) {
			ex := expect(t, s, q)
			for _, f := range []Format{GraphML, GEXF, NodeLink} {
				t.Run(storeName+"/"+name+"/"+string(f), func(t *testing.T) {
					runCheck(t, py, "check_networkx.py", []string{string(f)}, export(t, s, f, q), networkxExpected(ex, f))
				})
			}
		}
	}
}

// TestNodeLinkRoundTripsThroughNetworkx has networkx read the node-link export and write it
// back, imports what it wrote into an empty store and expects the original graph.
func TestNodeLinkRoundTripsThroughNetworkx(t *testing.T) {
	py := python(t)
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			q := queries["whole"]
			rewritten := filepath.Join(t.TempDir(), "rewritten.json")
			runCheck(t, py, "check_networkx.py", []string{string(NodeLink)}, export(t, s, NodeLink, q), networkxExpected(expect(t, s, q), NodeLink), rewritten)
			data, err := os.ReadFile(rewritten)
			if err != nil {
				t.Fatal(err)
			}
			fresh := openStore(t)
			if _, err := Import(context.Background(), fresh, NodeLink, bytes.NewReader(data)); err != nil {
				t.Fatalf("import what networkx wrote: %v", err)
			}
			if got, want := readAll(t, fresh), readAll(t, s); !equalJSON(got, want) {
				t.Errorf("networkx round trip changed the graph:\n got %s\nwant %s", asJSON(got), asJSON(want))
			}
		})
	}
}

// networkxExpected lists the attributes networkx must find, as it types them; absent
// values are null, which the check compares with a missing attribute.
func networkxExpected(ex expected, f Format) map[string]any {
	nodes := map[string]any{}
	for id, e := range ex.entities {
		nodes[id] = map[string]any{"kind": string(e.Kind), "name": e.Name}
	}
	edges := map[string]any{}
	orNull := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	for id, r := range ex.edges {
		relation := "relation"
		edges[id] = map[string]any{
			"source": r.From, "target": r.To, relation: string(r.Type), "date": orNull(string(r.Date)),
			"sourceCount": r.SourceCount, "negated": r.Negated, "summary": orNull(r.Summary),
		}
		if f == GEXF {
			edges[id].(map[string]any)["start"] = orNull(r.Date.Start())
			edges[id].(map[string]any)["end"] = orNull(r.Date.End())
		}
	}
	return map[string]any{"nodes": nodes, "edges": edges}
}

// TestFollowTheMoneyValidatesExport has followthemoney load and check every entity.
func TestFollowTheMoneyValidatesExport(t *testing.T) {
	py := python(t)
	for storeName, s := range stores(t) {
		for name, q := range storeQueries(storeName) {
			t.Run(storeName+"/"+name, func(t *testing.T) {
				ex := expect(t, s, q)
				runCheck(t, py, "check_ftm.py", nil, export(t, s, FtM, q), map[string]any{"schemata": ftmExpected(ex)})
			})
		}
	}
}

func TestParseQuery(t *testing.T) {
	q, err := ParseQuery(url.Values{
		"center": {"amlo"}, "depth": {"2"}, "limit": {"40"}, "types": {"warned,DENIED", "EXPELLED"},
		"since": {"2022"}, "until": {"2023-06"}, "minSources": {"2"}, "includeNegated": {"true"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Query{Center: "amlo", Depth: 2, Limit: 40, RelationshipFilter: graph.RelationshipFilter{
		Types: []graph.RelationType{graph.Warned, graph.Denied, graph.Expelled}, Since: "2022", Until: "2023-06", MinSources: 2, IncludeNegated: true,
	}}
	if !equalJSON(q, want) {
		t.Errorf("got %+v, want %+v", q, want)
	}
	for _, bad := range []url.Values{{"depth": {"two"}}, {"includeNegated": {"maybe"}}, {"centre": {"amlo"}}, {"minSources": {"1.5"}}} {
		if _, err := ParseQuery(bad); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("ParseQuery(%v): %v, want BAD_INPUT", bad, err)
		}
	}
}

// TestXMLFormatsStayWellFormed exports text that XML cannot hold as is (markup, control
// characters, newlines in attributes) and expects documents Go's parser accepts.
func TestXMLFormatsStayWellFormed(t *testing.T) {
	s := openStore(t)
	_, err := s.Apply(context.Background(), graph.Batch{Entities: []graph.Entity{
		{ID: "x", Kind: graph.Person, Name: "<b>X</b> & \"Y\"", Description: "bell\x07 and\nnewline ]]> end"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []Format{GraphML, GEXF} {
		var doc struct {
			XMLName xml.Name
		}
		if err := xml.Unmarshal(export(t, s, f, Query{}), &doc); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
