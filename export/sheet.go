package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dossiergraph/dossier/graph"
)

// Sheet is the spreadsheet import format: a CSV file (comma, semicolon or tab separated)
// whose header names readable columns, one relationship a row. Only `dossier import`
// reads it; nothing exports it.
const Sheet Format = "sheet"

// SheetColumns lists the columns a sheet may have, in the order the README gives them.
// from, type and to are required in the header; a row may leave to empty where no source
// names a counterpart. Headers are matched ignoring case, spaces, '-' and '_'.
var SheetColumns = []string{
	"from", "type", "to", "date", "summary", "negated", "source_url", "outlet", "title",
	"date_text", "quantity", "excerpt", "from_kind", "to_kind",
}

var requiredSheetColumns = []string{"from", "type", "to"}

// maxSheetProblems bounds the problems one failed import reports.
const maxSheetProblems = 50

// SheetOptions configures ImportSheet.
type SheetOptions struct {
	DryRun bool
	// World resolves a name the store lacks against a gazetteer of well-known actors, as
	// ingestion does (extract.Extractor.LookupWorld); nil for none.
	World func(name string) (graph.Entity, bool)
	// GuessKind types a new name that neither the store, World nor a *_kind column types
	// (extract.GuessKind); nil takes every such name for a person's.
	GuessKind func(name string) graph.Kind
}

// SheetName is how one cell naming an actor was resolved.
type SheetName struct {
	Text    string     `json:"text"`
	ID      string     `json:"id"`
	Kind    graph.Kind `json:"kind"`
	Created bool       `json:"created"` // a new entity; false when the graph already held it
}

// SheetRow reports what one row did, or in a dry run would do.
type SheetRow struct {
	Line         int        `json:"line"` // the row's line in the file; the header is line 1
	Relationship string     `json:"relationship"`
	Action       string     `json:"action"` // created, corroborated (new evidence) or unchanged
	From         SheetName  `json:"from"`
	To           *SheetName `json:"to,omitempty"`
	Article      string     `json:"article,omitempty"`
}

// SheetReport is what ImportSheet did.
type SheetReport struct {
	DryRun bool              `json:"dryRun"`
	Rows   []SheetRow        `json:"rows"`
	Result graph.BatchResult `json:"result"` // what the write changed; in a dry run, what the batch holds
}

// SheetProblem is one fault of a sheet, at a line and column.
type SheetProblem struct {
	Line    int    `json:"line"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

func (p SheetProblem) String() string {
	if p.Column == "" {
		return fmt.Sprintf("line %d: %s", p.Line, p.Message)
	}
	return fmt.Sprintf("line %d, column %s: %s", p.Line, p.Column, p.Message)
}

// SheetError lists every problem found in a sheet (up to a bound); nothing was written.
type SheetError struct {
	Problems  []SheetProblem
	Truncated bool // more problems were found than are listed
}

func (e *SheetError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	msg := fmt.Sprintf("sheet has %d problem(s), nothing was imported: %s", len(e.Problems), strings.Join(parts, "; "))
	if e.Truncated {
		msg += fmt.Sprintf("; (only the first %d are listed)", maxSheetProblems)
	}
	return msg
}

// Unwrap makes a SheetError an EINVALID graph error with the same message.
func (e *SheetError) Unwrap() error { return graph.Errorf(graph.EINVALID, "%s", e.Error()) }

// normalizeColumn folds a header cell so that "Source URL", "source_url" and "SourceUrl"
// agree.
func normalizeColumn(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")))
	return strings.NewReplacer(" ", "", "_", "", "-", "").Replace(s)
}

// sniffDelimiter picks the separator of the header line: spreadsheets in many locales save
// "CSV" with semicolons, and some users paste tab-separated text.
func sniffDelimiter(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	best, n := ',', bytes.Count(first, []byte(","))
	for _, d := range []rune{';', '\t'} {
		if c := bytes.Count(first, []byte(string(d))); c > n {
			best, n = d, c
		}
	}
	return best
}

// SheetTarget is what a sheet import needs: the records to resolve names against, search,
// and Apply.
type SheetTarget interface {
	graph.Reader
	graph.Searcher
	graph.Applier
}

// ImportSheet reads a spreadsheet of relationships (see SheetColumns), resolves every name
// as ingestion does (an entity's id, name or alias in the store, a well-known actor, or else
// a new entity), and applies the whole sheet in one atomic write, or with DryRun only
// reports it. A sheet with any problem writes nothing and fails with a *SheetError (EINVALID)
// listing each problem by line and column.
func ImportSheet(ctx context.Context, s SheetTarget, r io.Reader, opts SheetOptions) (SheetReport, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return SheetReport{}, fmt.Errorf("import sheet: read: %w", err)
	}
	if len(data) > MaxImportBytes {
		return SheetReport{}, graph.Errorf(graph.EINVALID, "import sheet: input is larger than %d bytes", MaxImportBytes)
	}
	if !utf8.Valid(data) {
		return SheetReport{}, graph.Errorf(graph.EINVALID, "import sheet: the file is not UTF-8 text: save the sheet as CSV UTF-8")
	}
	rows, err := parseSheet(data)
	if err != nil {
		return SheetReport{}, err
	}
	im := &sheetImporter{store: s, opts: opts, names: map[string]SheetName{}, outlets: map[string]SheetName{},
		newEntities: map[string]bool{}, articles: map[string]graph.Article{}, rels: map[string]int{}}
	if err := im.loadArticleURLs(ctx); err != nil {
		return SheetReport{}, err
	}
	report := SheetReport{DryRun: opts.DryRun}
	for _, row := range rows {
		out, err := im.row(ctx, row)
		if err != nil {
			return SheetReport{}, err
		}
		if out != nil {
			report.Rows = append(report.Rows, *out)
		}
		if len(im.problems.Problems) >= maxSheetProblems {
			im.problems.Truncated = true
			break
		}
	}
	if len(im.problems.Problems) > 0 {
		return SheetReport{}, &im.problems
	}
	if len(report.Rows) == 0 {
		return SheetReport{}, graph.Errorf(graph.EINVALID, "import sheet: the sheet has a header but no rows")
	}
	b := im.batch()
	if opts.DryRun {
		report.Result = im.counts()
		return report, nil
	}
	res, err := b.apply(ctx, s)
	if err != nil {
		return SheetReport{}, fmt.Errorf("import sheet: %w", err)
	}
	report.Result = res
	return report, nil
}

// sheetRow is one data row: its line and its cells by normalised column name.
type sheetRow struct {
	line  int
	cells map[string]string
}

func parseSheet(data []byte) ([]sheetRow, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sniffDelimiter(data)
	cr.FieldsPerRecord = -1 // short rows (trailing empty cells dropped by some tools) are fine
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, graph.Errorf(graph.EINVALID, "import sheet: the file is empty: want a header row %s", strings.Join(SheetColumns[:9], ","))
	}
	if err != nil {
		return nil, graph.Errorf(graph.EINVALID, "import sheet: header: %v", err)
	}
	known := map[string]string{}
	for _, c := range SheetColumns {
		known[normalizeColumn(c)] = c
	}
	cols := make([]string, len(header))
	seen := map[string]bool{}
	var problems SheetError
	for i, h := range header {
		if strings.TrimSpace(h) == "" {
			continue // a blank header cell is an unused column
		}
		name, ok := known[normalizeColumn(h)]
		switch {
		case !ok:
			problems.Problems = append(problems.Problems, SheetProblem{Line: 1, Column: strconv.Quote(h),
				Message: "unknown column: want " + strings.Join(SheetColumns, ", ")})
		case seen[name]:
			problems.Problems = append(problems.Problems, SheetProblem{Line: 1, Column: name, Message: "the column appears twice"})
		default:
			cols[i], seen[name] = name, true
		}
	}
	for _, c := range requiredSheetColumns {
		if !seen[c] {
			problems.Problems = append(problems.Problems, SheetProblem{Line: 1, Column: c, Message: "required column is missing from the header"})
		}
	}
	if len(problems.Problems) > 0 {
		return nil, &problems
	}
	var rows []sheetRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, graph.Errorf(graph.EINVALID, "import sheet: %v", err)
		}
		line, _ := cr.FieldPos(0)
		row := sheetRow{line: line, cells: map[string]string{}}
		blank := true
		for i, v := range rec {
			if i < len(cols) && cols[i] != "" {
				row.cells[cols[i]] = strings.TrimSpace(v)
				blank = blank && strings.TrimSpace(v) == ""
			} else if strings.TrimSpace(v) != "" {
				return nil, &SheetError{Problems: []SheetProblem{{Line: line, Column: strconv.Itoa(i + 1),
					Message: "a value in a column without a header"}}}
			}
		}
		if !blank { // spreadsheets often end with empty rows
			rows = append(rows, row)
		}
	}
}

// sheetImporter resolves rows against the store and the rows before them.
type sheetImporter struct {
	store    SheetTarget
	opts     SheetOptions
	problems SheetError

	names       map[string]SheetName // folded cell text (and kind hint) → resolution
	outlets     map[string]SheetName
	newEntities map[string]bool // ids of entities the sheet creates
	entities    []graph.Entity  // the new entities, in order
	urls        map[string]string
	articles    map[string]graph.Article // articles the sheet creates, by id
	articleIDs  []string
	relList     []graph.Relationship
	rels        map[string]int // act key → index in relList
	// relsCreated and relsUpdated count the new acts and the stored ones the sheet changes.
	relsCreated, relsUpdated int
}

func (im *sheetImporter) problem(line int, column, format string, args ...any) {
	im.problems.Problems = append(im.problems.Problems, SheetProblem{Line: line, Column: column, Message: fmt.Sprintf(format, args...)})
}

// loadArticleURLs indexes the stored articles by URL, so that a row citing a known URL adds
// evidence from that article instead of creating another.
func (im *sheetImporter) loadArticleURLs(ctx context.Context) error {
	im.urls = map[string]string{}
	err := im.store.ScanArticles(ctx, func(a graph.Article) error {
		if a.URL != "" {
			im.urls[a.URL] = a.ID
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("import sheet: read articles: %w", err)
	}
	return nil
}

// row resolves one row; problems are recorded and give a nil row.
func (im *sheetImporter) row(ctx context.Context, row sheetRow) (*SheetRow, error) {
	c := row.cells
	before := len(im.problems.Problems)
	typ, ok := parseSheetType(c["type"])
	if !ok {
		if c["type"] == "" {
			im.problem(row.line, "type", "empty: want one of %s", graph.RelationTypeList())
		} else {
			im.problem(row.line, "type", "unknown relation type %q: want one of %s", c["type"], graph.RelationTypeList())
		}
	}
	fromKind, ok1 := parseSheetKind(c["from_kind"])
	if !ok1 {
		im.problem(row.line, "from_kind", "unknown kind %q: want one of %s", c["from_kind"], graph.KindList())
	}
	toKind, ok2 := parseSheetKind(c["to_kind"])
	if !ok2 {
		im.problem(row.line, "to_kind", "unknown kind %q: want one of %s", c["to_kind"], graph.KindList())
	}
	date, err := graph.ParsePartialDate(c["date"])
	if err != nil {
		im.problem(row.line, "date", "%q is not a date: want YYYY, YYYY-MM or YYYY-MM-DD (put wording such as \"late 2022\" in a date_text column)", c["date"])
	}
	negated, err := parseSheetBool(c["negated"])
	if err != nil {
		im.problem(row.line, "negated", "%q: want true or false (yes/no, 1/0; empty is false)", c["negated"])
	}
	var from SheetName
	var to *SheetName
	if c["from"] == "" {
		im.problem(row.line, "from", "empty: name the actor")
	} else if ok1 {
		if from, err = im.resolve(ctx, row.line, "from", c["from"], fromKind); err != nil {
			return nil, err
		}
	}
	if c["to"] != "" && ok2 {
		n, err := im.resolve(ctx, row.line, "to", c["to"], toKind)
		if err != nil {
			return nil, err
		}
		to = &n
	} else if c["to"] == "" && c["to_kind"] != "" {
		im.problem(row.line, "to_kind", "given for an empty to")
	}
	article, err := im.article(ctx, row)
	if err != nil {
		return nil, err
	}
	if len(im.problems.Problems) > before {
		return nil, nil
	}
	rel := graph.Relationship{Type: typ, From: from.ID, Negated: negated, Date: date, DateText: c["date_text"],
		Summary: c["summary"], Quantity: c["quantity"]}
	if to != nil {
		rel.To = to.ID
	}
	if article != "" {
		rel.Evidence = []graph.Evidence{{Article: article, Excerpt: c["excerpt"]}}
	} else if c["excerpt"] != "" {
		im.problem(row.line, "excerpt", "an excerpt needs a source: fill source_url or outlet and title")
		return nil, nil
	}
	id, action, err := im.relationship(ctx, row.line, rel)
	if err != nil || id == "" {
		return nil, err
	}
	return &SheetRow{Line: row.line, Relationship: id, Action: action, From: from, To: to, Article: article}, nil
}

func parseSheetType(s string) (graph.RelationType, bool) {
	t := graph.RelationType(strings.ToUpper(strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '-' || r == '_' }), "_")))
	return t, t.Valid()
}

func parseSheetKind(s string) (graph.Kind, bool) {
	if s == "" {
		return "", true
	}
	k := graph.Kind(strings.ToUpper(strings.TrimSpace(s)))
	return k, k.Valid()
}

func parseSheetBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "", "false", "no", "n", "0":
		return false, nil
	case "true", "yes", "y", "1":
		return true, nil
	}
	return false, errors.New("not a boolean")
}

// resolve finds the entity a cell names: by id, by exact name or alias in the store, among
// the sheet's earlier new names, in the world gazetteer, or else it makes a new entity of
// the given kind (or the guessed one).
func (im *sheetImporter) resolve(ctx context.Context, line int, column, text string, kind graph.Kind) (SheetName, error) {
	key := graph.Fold(text)
	// A name met before resolves alike; only the row that created an entity reports it new.
	if n, ok := im.outlets[key]; ok && (kind == "" || kind == graph.Outlet) {
		n.Text, n.Created = text, false
		return n, nil
	}
	if n, ok := im.names[key]; ok {
		if kind != "" && n.Kind != kind {
			im.problem(line, column+"_kind", "%q is a %s (%s), not a %s", text, n.Kind, n.ID, kind)
		}
		n.Text, n.Created = text, false
		return n, nil
	}
	e, found, err := im.lookup(ctx, text, nil)
	if err != nil {
		return SheetName{}, err
	}
	n := SheetName{Text: text}
	switch {
	case found:
		n.ID, n.Kind = e.ID, e.Kind
		if kind != "" && e.Kind != kind {
			im.problem(line, column+"_kind", "%q is already a %s in the graph (%s), not a %s", text, e.Kind, e.ID, kind)
		}
	default:
		ent := graph.Entity{ID: graph.Slug(text), Kind: kind, Name: text}
		if w, ok := im.world(text); ok && (kind == "" || w.Kind == kind) {
			twin, known, err := im.storedTwin(ctx, w)
			if err != nil {
				return SheetName{}, err
			}
			if known {
				n.ID, n.Kind = twin.ID, twin.Kind
				im.names[key] = n
				return n, nil
			}
			ent = w
		}
		if ent.Kind == "" {
			ent.Kind = im.guessKind(text)
		}
		if err := im.freeID(ctx, &ent); err != nil {
			return SheetName{}, err
		}
		if err := ent.Validate(); err != nil {
			im.problem(line, column, "%s", graph.ErrorMessage(err))
			return n, nil
		}
		n.ID, n.Kind, n.Created = ent.ID, ent.Kind, true
		im.newEntities[ent.ID] = true
		im.entities = append(im.entities, ent)
	}
	im.names[key] = n
	return n, nil
}

// lookup finds a stored entity by id, or by a name or alias equal to text once folded;
// kinds, when given, restrict the search.
func (im *sheetImporter) lookup(ctx context.Context, text string, kinds []graph.Kind) (graph.Entity, bool, error) {
	if graph.ValidateID("entity", text) == nil {
		e, err := im.store.Entity(ctx, text)
		switch {
		case err == nil && (kinds == nil || slices.Contains(kinds, e.Kind)):
			return e, true, nil
		case err != nil && graph.ErrorCode(err) != graph.ENOTFOUND:
			return graph.Entity{}, false, fmt.Errorf("import sheet: look up %q: %w", text, err)
		}
	}
	found, err := im.store.SearchEntities(ctx, graph.SearchQuery{Text: text, Kinds: kinds, Limit: 5})
	if err != nil && graph.ErrorCode(err) != graph.EINVALID {
		return graph.Entity{}, false, fmt.Errorf("import sheet: look up %q: %w", text, err)
	}
	for _, e := range found {
		if graph.MatchScore(text, e) >= 90 { // the exact name or an alias; a prefix names someone else
			return e, true, nil
		}
	}
	return graph.Entity{}, false, nil
}

// storedTwin returns the stored entity that a world entity names under another spelling:
// the one with its id and kind.
func (im *sheetImporter) storedTwin(ctx context.Context, w graph.Entity) (graph.Entity, bool, error) {
	e, err := im.store.Entity(ctx, w.ID)
	switch {
	case err == nil:
		return e, e.Kind == w.Kind, nil
	case graph.ErrorCode(err) == graph.ENOTFOUND:
		return graph.Entity{}, false, nil
	}
	return graph.Entity{}, false, fmt.Errorf("import sheet: look up %s: %w", w.ID, err)
}

func (im *sheetImporter) world(name string) (graph.Entity, bool) {
	if im.opts.World == nil {
		return graph.Entity{}, false
	}
	return im.opts.World(name)
}

func (im *sheetImporter) guessKind(name string) graph.Kind {
	if im.opts.GuessKind == nil {
		return graph.Person
	}
	return im.opts.GuessKind(name)
}

// freeID gives a new entity an id that neither the store nor the sheet holds: a slug that
// another entity already has names a different actor, so it gets a number.
func (im *sheetImporter) freeID(ctx context.Context, e *graph.Entity) error {
	base := e.ID
	for i := 1; ; i++ {
		_, err := im.store.Entity(ctx, e.ID)
		switch {
		case graph.ErrorCode(err) == graph.ENOTFOUND || graph.ErrorCode(err) == graph.EINVALID:
			if !im.newEntities[e.ID] {
				return nil
			}
		case err != nil:
			return fmt.Errorf("import sheet: check entity id %s: %w", e.ID, err)
		}
		e.ID = fmt.Sprintf("%s-%d", base, i+1)
	}
}

// article resolves a row's source: a stored article with the same URL, or a new article of
// the outlet with the title (the URL when there is no title). It returns "" for a row
// without a source.
func (im *sheetImporter) article(ctx context.Context, row sheetRow) (string, error) {
	c := row.cells
	url, outletName, title := c["source_url"], c["outlet"], c["title"]
	if url == "" && outletName == "" && title == "" {
		return "", nil
	}
	if id, ok := im.urls[url]; ok && url != "" {
		return id, nil
	}
	if outletName == "" {
		im.problem(row.line, "outlet", "a source needs the outlet that published it")
		return "", nil
	}
	outlet, err := im.outlet(ctx, row.line, outletName)
	if err != nil || outlet.ID == "" {
		return "", err
	}
	if title == "" {
		title = url
	}
	if title == "" {
		im.problem(row.line, "title", "a source needs a title or a source_url")
		return "", nil
	}
	a := graph.Article{ID: sheetArticleID(outlet.ID, title), Title: title, Outlet: outlet.ID, URL: url}
	if err := a.Validate(); err != nil {
		im.problem(row.line, "title", "%s", graph.ErrorMessage(err))
		return "", nil
	}
	if _, ok := im.articles[a.ID]; ok {
		return a.ID, nil
	}
	switch _, err := im.store.Article(ctx, a.ID); graph.ErrorCode(err) {
	case "":
		return a.ID, nil // imported before: the sheet is being imported again
	case graph.ENOTFOUND:
	default:
		return "", fmt.Errorf("import sheet: look up article %s: %w", a.ID, err)
	}
	im.articles[a.ID] = a
	im.articleIDs = append(im.articleIDs, a.ID)
	if url != "" {
		im.urls[url] = a.ID
	}
	return a.ID, nil
}

// outlet resolves an outlet name as ingestion does: an OUTLET of that id, name or alias,
// a well-known outlet, or a new OUTLET entity.
func (im *sheetImporter) outlet(ctx context.Context, line int, name string) (SheetName, error) {
	key := graph.Fold(name)
	if n, ok := im.outlets[key]; ok {
		return n, nil
	}
	if n, ok := im.names[key]; ok && n.Kind == graph.Outlet {
		return n, nil
	}
	n := SheetName{Text: name, Kind: graph.Outlet}
	e, found, err := im.lookup(ctx, name, []graph.Kind{graph.Outlet})
	if err != nil {
		return SheetName{}, err
	}
	if found {
		n.ID = e.ID
	} else {
		ent := graph.Entity{ID: graph.Slug(name), Kind: graph.Outlet, Name: name}
		if w, ok := im.world(name); ok && w.Kind == graph.Outlet {
			twin, known, err := im.storedTwin(ctx, w)
			if err != nil {
				return SheetName{}, err
			}
			if known {
				n.ID = twin.ID
				im.outlets[key] = n
				return n, nil
			}
			ent = w
		}
		if err := im.freeID(ctx, &ent); err != nil {
			return SheetName{}, err
		}
		if err := ent.Validate(); err != nil {
			im.problem(line, "outlet", "%s", graph.ErrorMessage(err))
			return SheetName{}, nil
		}
		n.ID, n.Created = ent.ID, true
		im.newEntities[ent.ID] = true
		im.entities = append(im.entities, ent)
	}
	im.outlets[key] = n
	return n, nil
}

// sheetArticleID derives an article's id from its outlet and title, so that importing the
// same sheet again finds the articles it made.
func sheetArticleID(outlet, title string) string {
	id := graph.Slug(outlet + " " + title)
	if len(id) <= graph.MaxIDLen {
		return id
	}
	sum := sha256.Sum256([]byte(outlet + "\x00" + title))
	cut := strings.TrimRight(id[:graph.MaxIDLen-17], "-")
	return cut + "-" + hex.EncodeToString(sum[:])[:16]
}

// relationship merges rel into the sheet's relationships: the same act (type, ends,
// polarity) as an earlier row or a stored relationship gains the row's evidence, and fills
// in a date or summary it lacks; any other act is new. It returns the id and what happened.
func (im *sheetImporter) relationship(ctx context.Context, line int, rel graph.Relationship) (string, string, error) {
	key := strings.Join([]string{string(rel.Type), rel.From, rel.To, strconv.FormatBool(rel.Negated)}, "\x00")
	if i, ok := im.rels[key]; ok {
		old := &im.relList[i]
		fill(old, rel)
		return old.ID, "corroborated", nil
	}
	old, found, err := im.stored(ctx, rel)
	if err != nil {
		return "", "", err
	}
	if found {
		merged := old
		fill(&merged, rel)
		if sameRelationship(merged, old) {
			return old.ID, "unchanged", nil
		}
		im.rels[key] = len(im.relList)
		im.relList = append(im.relList, merged)
		im.relsUpdated++
		return old.ID, "corroborated", nil
	}
	rel.ID, err = im.relationshipID(ctx, rel, line)
	if err != nil {
		return "", "", err
	}
	if err := rel.Validate(); err != nil {
		im.problem(line, "", "%s", graph.ErrorMessage(err))
		return "", "", nil
	}
	im.rels[key] = len(im.relList)
	im.relList = append(im.relList, rel)
	im.relsCreated++
	return rel.ID, "created", nil
}

// fill adds from's evidence to r and takes from's fields where r has none.
func fill(r *graph.Relationship, from graph.Relationship) {
	r.Evidence = graph.MergeEvidence(r.Evidence, from.Evidence)
	if r.Date == "" && from.Date != "" {
		r.Date, r.DateText = from.Date, from.DateText
	}
	if r.DateText == "" {
		r.DateText = from.DateText
	}
	if r.Summary == "" {
		r.Summary = from.Summary
	}
	if r.Quantity == "" {
		r.Quantity = from.Quantity
	}
}

func sameRelationship(a, b graph.Relationship) bool {
	return a.Date == b.Date && a.DateText == b.DateText && a.Summary == b.Summary && a.Quantity == b.Quantity &&
		slices.Equal(a.Evidence, b.Evidence)
}

// stored finds a stored relationship with rel's type, ends and polarity.
func (im *sheetImporter) stored(ctx context.Context, rel graph.Relationship) (graph.Relationship, bool, error) {
	q := graph.RelationshipQuery{From: rel.From, To: rel.To,
		RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{rel.Type}, IncludeNegated: true, Review: graph.ReviewStates}}
	var found graph.Relationship
	ok := false
	err := im.store.ScanRelationships(ctx, q, func(r graph.Relationship) error {
		if !ok && r.To == rel.To && r.Negated == rel.Negated {
			found, ok = r, true
		}
		return nil
	})
	if err != nil {
		return graph.Relationship{}, false, fmt.Errorf("import sheet: look up %s relationships of %s: %w", rel.Type, rel.From, err)
	}
	return found, ok, nil
}

// relationshipID derives a readable id from the act ("warned-united-states-mexico"), with
// a number when the store or the sheet already holds it.
func (im *sheetImporter) relationshipID(ctx context.Context, r graph.Relationship, line int) (string, error) {
	parts := []string{string(r.Type), r.From}
	if r.Negated {
		parts = append(parts, "not")
	}
	if r.To != "" {
		parts = append(parts, r.To)
	}
	base := graph.Slug(strings.Join(parts, " "))
	if len(base) > graph.MaxIDLen-8 {
		base = strings.TrimRight(base[:graph.MaxIDLen-8], "-")
	}
	id := base
	for i := 2; ; i++ {
		taken := slices.ContainsFunc(im.relList, func(o graph.Relationship) bool { return o.ID == id })
		if !taken {
			_, err := im.store.Relationship(ctx, id)
			switch graph.ErrorCode(err) {
			case graph.ENOTFOUND:
				return id, nil
			case "":
			default:
				return "", fmt.Errorf("import sheet: line %d: check relationship id %s: %w", line, id, err)
			}
		}
		id = fmt.Sprintf("%s-%d", base, i)
	}
}

// batch is what the sheet writes, in an order whose references resolve.
func (im *sheetImporter) batch() *batch {
	b := &batch{}
	for _, e := range im.entities {
		b.addEntity("sheet entity "+e.ID, e)
	}
	for _, id := range im.articleIDs {
		b.addArticle("sheet article "+id, im.articles[id])
	}
	for _, r := range im.relList {
		b.addRelationship("sheet relationship "+r.ID, r)
	}
	return b
}

// counts is what a dry run would write.
func (im *sheetImporter) counts() graph.BatchResult {
	return graph.BatchResult{EntitiesCreated: len(im.entities), ArticlesCreated: len(im.articleIDs),
		RelationshipsCreated: im.relsCreated, RelationshipsUpdated: im.relsUpdated}
}
