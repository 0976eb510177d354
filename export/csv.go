package export

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dossiergraph/dossier/graph"
)

// The CSV export is laid out for neo4j-admin:
//
//	neo4j-admin database import full --nodes=nodes.csv --relationships=edges.csv \
//	    --array-delimiter=";" --multiline-fields=true
//
// nodes.csv holds entities (labels Entity and their kind, e.g. Entity;Person) and articles
// (label Article). Their :ID is "entity:<id>" or "article:<id>", so that the two id spaces
// cannot clash in neo4j's one; the GraphQL id is the "id" property. edges.csv holds the
// relationships with a counterpart, typed by relation type; their evidence is kept twice:
// "articles" lists the article ids for Cypher, "evidence" is the JSON list of
// {article, excerpt} pairs, which survives any punctuation in excerpts. Relationships without
// a counterpart, which neo4j cannot hold, go to unattached.csv with the same columns and an
// empty :END_ID.
const (
	nodesFile      = "nodes.csv"
	edgesFile      = "edges.csv"
	unattachedFile = "unattached.csv"

	entityIDPrefix  = "entity:"
	articleIDPrefix = "article:"
	arrayDelimiter  = ";"
	articleLabel    = "Article"
	entityLabel     = "Entity"
)

var nodeHeader = []string{
	":ID", "id", ":LABEL", "kind", "name", "aliases:string[]", "description", "country", "role",
	"title", "outlet", "url", "published", "authors:string[]",
}

var edgeHeader = []string{
	":START_ID", ":END_ID", ":TYPE", "id", "negated:boolean", "date", "dateStart:date", "dateEnd:date",
	"dateText", "summary", "quantity", "about:string[]", "sourceCount:int", "articles:string[]", "evidence",
	"origin", "confidence:double", "reviewState", "reviewer", "reviewTime", "reviewNote",
}

// kindLabel returns the neo4j label for a kind: PERSON → Person.
func kindLabel(k graph.Kind) string {
	s := strings.ToLower(string(k))
	return strings.ToUpper(s[:1]) + s[1:]
}

// csvArray joins list values with the array delimiter; a value holding the delimiter could
// not be read back, so it is an error naming the owner.
func csvArray(owner, field string, values []string) (string, error) {
	for _, v := range values {
		if strings.Contains(v, arrayDelimiter) {
			return "", graph.Errorf(graph.EINVALID, "%s: %s value %q contains %q, the CSV array delimiter", owner, field, v, arrayDelimiter)
		}
	}
	return strings.Join(values, arrayDelimiter), nil
}

func entityRow(e graph.Entity) ([]string, error) {
	aliases, err := csvArray("entity "+e.ID, "aliases", e.Aliases)
	if err != nil {
		return nil, err
	}
	return []string{
		entityIDPrefix + e.ID, e.ID, entityLabel + arrayDelimiter + kindLabel(e.Kind), string(e.Kind), e.Name,
		aliases, e.Description, e.Country, e.Role, "", "", "", "", "",
	}, nil
}

func articleRow(a graph.Article) ([]string, error) {
	authors, err := csvArray("article "+a.ID, "authors", a.Authors)
	if err != nil {
		return nil, err
	}
	return []string{
		articleIDPrefix + a.ID, a.ID, articleLabel, "", "", "", "", "", "",
		a.Title, a.Outlet, a.URL, string(a.Published), authors,
	}, nil
}

func relationshipRow(r graph.Relationship) ([]string, error) {
	end := ""
	if r.To != "" {
		end = entityIDPrefix + r.To
	}
	evidence := ""
	if len(r.Evidence) > 0 {
		b, err := json.Marshal(r.Evidence)
		if err != nil {
			return nil, fmt.Errorf("relationship %s: encode evidence: %w", r.ID, err)
		}
		evidence = string(b)
	}
	return []string{
		entityIDPrefix + r.From, end, string(r.Type), r.ID, strconv.FormatBool(r.Negated), string(r.Date),
		r.Date.Start(), r.Date.End(), r.DateText, r.Summary, r.Quantity, strings.Join(r.About, arrayDelimiter),
		strconv.Itoa(r.SourceCount), strings.Join(r.Articles(), arrayDelimiter), evidence,
		string(r.OriginOf()), confidenceText(r), string(r.ReviewOf()), r.Review.Reviewer, r.Review.Time, r.Review.Note,
	}, nil
}

// writeCSVFile writes one of the CSV files: its header, then the rows each produces.
func writeCSVFile(w io.Writer, header []string, rows func(emit func([]string, error) error) error) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	err := rows(func(row []string, err error) error {
		if err != nil {
			return err
		}
		return cw.Write(row)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// csvFiles names each CSV file and how to fill it from sel.
func csvFiles(ctx context.Context, sel *selection) []struct {
	name string
	fill func(io.Writer) error
} {
	relationships := func(each func(context.Context, func(graph.Relationship) error) error) func(io.Writer) error {
		return func(w io.Writer) error {
			return writeCSVFile(w, edgeHeader, func(emit func([]string, error) error) error {
				return each(ctx, func(r graph.Relationship) error { return emit(relationshipRow(r)) })
			})
		}
	}
	return []struct {
		name string
		fill func(io.Writer) error
	}{
		{nodesFile, func(w io.Writer) error {
			return writeCSVFile(w, nodeHeader, func(emit func([]string, error) error) error {
				if err := sel.entities(ctx, func(e graph.Entity) error { return emit(entityRow(e)) }); err != nil {
					return err
				}
				return sel.articles(ctx, func(a graph.Article) error { return emit(articleRow(a)) })
			})
		}},
		{edgesFile, relationships(sel.edges)},
		{unattachedFile, relationships(sel.unattached)},
	}
}

// writeCSVZip streams the CSV files as one zip archive.
func writeCSVZip(ctx context.Context, w io.Writer, sel *selection) error {
	zw := zip.NewWriter(w)
	for _, f := range csvFiles(ctx, sel) {
		fw, err := zw.Create(f.name)
		if err != nil {
			return fmt.Errorf("zip %s: %w", f.name, err)
		}
		if err := f.fill(fw); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return zw.Close()
}

// WriteCSVDir writes the CSV export selected by q into dir as nodes.csv, edges.csv and
// unattached.csv. Files are written under temporary names and renamed at the end, so a
// failed export leaves no partial files.
func WriteCSVDir(ctx context.Context, dir string, s Source, q Query) error {
	sel, err := selectGraph(ctx, s, q)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	var temps []string
	defer func() {
		for _, t := range temps {
			os.Remove(t) // after a successful rename there is nothing left to remove
		}
	}()
	for _, f := range csvFiles(ctx, sel) {
		tmp, err := os.CreateTemp(dir, "."+f.name+".*")
		if err != nil {
			return fmt.Errorf("export csv: %w", err)
		}
		temps = append(temps, tmp.Name())
		if err := tmp.Chmod(0o644); err != nil {
			tmp.Close()
			return fmt.Errorf("export csv: %w", err)
		}
		err = f.fill(tmp)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("export csv %s: %w", f.name, err)
		}
	}
	for i, f := range csvFiles(ctx, sel) {
		if err := os.Rename(temps[i], filepath.Join(dir, f.name)); err != nil {
			return fmt.Errorf("export csv: %w", err)
		}
	}
	return nil
}
