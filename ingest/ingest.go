// Package ingest turns an article into one atomic write to the graph: the entities it
// names, the article itself, and the relationships it reports, each with the article as
// evidence. Ingesting the same article twice changes nothing; a second outlet reporting
// a known relationship adds evidence to it instead of duplicating it.
package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/dossiergraph/dossier/extract"
	"github.com/dossiergraph/dossier/graph"
)

// MaxExcerptRunes caps an evidence excerpt, so that evidence summarises rather than copies.
const MaxExcerptRunes = 300

// Article is an article to ingest.
type Article struct {
	Text, Title, Outlet, URL string
	Published                graph.PartialDate
	Authors                  []string
}

// DefaultMinConfidence is the extraction confidence a relationship needs to be written.
// On the development set of real news (scripts/eval-extract, 45 texts) the relationships
// scored below it (0.6: no named counterpart, or an act named by a noun) were right 7
// times in 13, those at or above it 46 times in 48. Below it a relationship is still
// reported by `dossier extract`, and `ingest --min-confidence 0` writes it.
const DefaultMinConfidence = 0.65

// Summary reports what Ingest did, or in a dry run would do.
type Summary struct {
	EntitiesCreated, EntitiesMatched                int
	RelationshipsCreated, RelationshipsCorroborated int
	// RelationshipsHeld counts relationships extracted below the minimum confidence and
	// therefore not written.
	RelationshipsHeld int
	Article           graph.Article
	Batch             graph.Batch
}

// Store is what ingestion needs of a store: it reads what the store knows of the article's
// actors and relations, and applies what is new.
type Store interface {
	graph.Reader
	graph.Searcher
	graph.Applier
}

// Ingester extracts from articles and writes the result to a store.
type Ingester struct {
	x             *extract.Extractor
	store         Store
	minConfidence float64
}

// Option tunes an Ingester.
type Option func(*Ingester)

// WithMinConfidence writes only relationships extracted with at least confidence c (0 to
// 1; 0 writes all). The default is DefaultMinConfidence.
func WithMinConfidence(c float64) Option {
	return func(in *Ingester) { in.minConfidence = c }
}

// New returns an Ingester writing to s.
func New(x *extract.Extractor, s Store, opts ...Option) *Ingester {
	in := &Ingester{x: x, store: s, minConfidence: DefaultMinConfidence}
	for _, o := range opts {
		o(in)
	}
	return in
}

// ValidMinConfidence checks a minimum confidence given by a user.
func ValidMinConfidence(c float64) error {
	if c < 0 || c > 1 || c != c {
		return graph.Errorf(graph.EINVALID, "minimum confidence must be between 0 and 1, got %v", c)
	}
	return nil
}

// Ingest extracts a and writes the entities, article and relationships in one Apply, or,
// with dryRun, only reports the batch it would apply. Names resolve against everything the
// store holds, read afresh on each call, so an article ingested after another reuses the
// entities the first one created.
func (in *Ingester) Ingest(ctx context.Context, a Article, dryRun bool) (Summary, error) {
	if strings.TrimSpace(a.Outlet) == "" {
		return Summary{}, graph.Errorf(graph.EINVALID, "article outlet is empty: name the outlet that published it")
	}
	if !a.Published.Valid() {
		return Summary{}, graph.Errorf(graph.EINVALID, "invalid published date %q: want YYYY, YYYY-MM or YYYY-MM-DD", a.Published)
	}
	gaz, err := extract.StoreGazetteer(ctx, in.store)
	if err != nil {
		return Summary{}, fmt.Errorf("ingest: %w", err)
	}
	res, err := in.x.Extract(ctx, extract.Document{Text: a.Text, Published: a.Published}, gaz)
	if err == nil {
		err = extract.LookupErr(gaz)
	}
	if err != nil {
		return Summary{}, fmt.Errorf("ingest: %w", err)
	}
	var sum Summary
	var batch graph.Batch
	outlet, outletIsNew, err := in.resolveOutlet(ctx, a.Outlet)
	if err != nil {
		return Summary{}, err
	}
	if outletIsNew {
		batch.Entities = append(batch.Entities, outlet)
		sum.EntitiesCreated++
	}
	title := strings.TrimSpace(a.Title)
	if title == "" {
		title = firstLine(a.Text)
	}
	art := graph.Article{ID: articleID(outlet.ID, a.Published, title, a.Text), Title: title, Outlet: outlet.ID,
		URL: strings.TrimSpace(a.URL), Published: a.Published, Authors: a.Authors}
	if err := art.Validate(); err != nil {
		return Summary{}, err
	}
	sum.Article = art
	if old, err := in.store.Article(ctx, art.ID); err == nil {
		if !sameArticle(old, art) {
			batch.Articles = append(batch.Articles, art)
		}
	} else if graph.ErrorCode(err) == graph.ENOTFOUND {
		batch.Articles = append(batch.Articles, art)
	} else {
		return Summary{}, fmt.Errorf("ingest: look up article %s: %w", art.ID, err)
	}

	newEntities, matched, err := in.entities(ctx, res.Entities, outlet.ID)
	if err != nil {
		return Summary{}, err
	}
	batch.Entities = append(batch.Entities, newEntities...)
	sum.EntitiesCreated += len(newEntities)
	sum.EntitiesMatched = matched

	confident := make([]extract.Relation, 0, len(res.Relationships))
	for _, r := range res.Relationships {
		if r.Confidence >= in.minConfidence {
			confident = append(confident, r)
		} else {
			sum.RelationshipsHeld++
		}
	}
	rels, relsCreated, corroborated, err := in.relationships(ctx, confident, art.ID)
	if err != nil {
		return Summary{}, err
	}
	batch.Relationships = rels
	sum.RelationshipsCreated, sum.RelationshipsCorroborated = relsCreated, corroborated
	sum.Batch = batch
	if dryRun || len(batch.Entities)+len(batch.Articles)+len(batch.Relationships) == 0 {
		return sum, nil
	}
	batch.Change = graph.ChangeOf(ctx, "ingest article")
	if _, err := in.store.Apply(ctx, batch); err != nil {
		return Summary{}, fmt.Errorf("ingest article %s: %w", art.ID, err)
	}
	return sum, nil
}

// resolveOutlet finds the outlet by id, name or alias, or makes a new OUTLET entity.
func (in *Ingester) resolveOutlet(ctx context.Context, name string) (graph.Entity, bool, error) {
	name = strings.TrimSpace(name)
	if e, err := in.store.Entity(ctx, name); err == nil && e.Kind == graph.Outlet {
		return e, false, nil
	}
	found, err := in.store.SearchEntities(ctx, graph.SearchQuery{Text: name, Kinds: []graph.Kind{graph.Outlet}, Limit: 5})
	if err != nil && graph.ErrorCode(err) != graph.EINVALID {
		return graph.Entity{}, false, fmt.Errorf("ingest: look up outlet %q: %w", name, err)
	}
	for _, e := range found {
		if graph.MatchScore(name, e) >= 90 { // exact name or alias only; a prefix is another outlet
			return e, false, nil
		}
	}
	e := graph.Entity{ID: graph.Slug(name), Kind: graph.Outlet, Name: name}
	if w, ok := in.x.LookupWorld(name); ok && w.Kind == graph.Outlet {
		e = w
	}
	if old, err := in.store.Entity(ctx, e.ID); err == nil {
		if old.Kind == graph.Outlet {
			return old, false, nil
		}
		e.ID += "-outlet" // the slug names another kind of entity
	}
	if err := e.Validate(); err != nil {
		return graph.Entity{}, false, fmt.Errorf("ingest: outlet %q: %w", name, err)
	}
	return e, true, nil
}

// entities returns the extracted entities the store lacks, and how many it already has.
func (in *Ingester) entities(ctx context.Context, found []extract.Entity, outletID string) ([]graph.Entity, int, error) {
	ids := make([]string, 0, len(found))
	for _, e := range found {
		ids = append(ids, e.ID)
	}
	existing, err := in.store.EntitiesByID(ctx, ids)
	if err != nil {
		return nil, 0, fmt.Errorf("ingest: look up entities: %w", err)
	}
	var out []graph.Entity
	matched := 0
	for _, e := range found {
		if _, ok := existing[e.ID]; ok || e.ID == outletID {
			matched++
			continue
		}
		ent := graph.Entity{ID: e.ID, Kind: e.Kind, Name: e.Name}
		aliases := e.Aliases
		if w, ok := in.x.LookupWorld(e.Name); ok && w.ID == e.ID {
			// a world entity new to the store brings every spelling the world gazetteer knows
			aliases = graph.MergeAliases(w, graph.Entity{Name: w.Name, Aliases: e.Aliases})
		}
		for _, a := range aliases {
			if utf8.RuneCountInString(a) <= graph.MaxNameLen && len(ent.Aliases) < graph.MaxListLen {
				ent.Aliases = append(ent.Aliases, a)
			}
		}
		if err := ent.Validate(); err != nil {
			return nil, 0, fmt.Errorf("ingest: extracted entity: %w", err)
		}
		out = append(out, ent)
	}
	return out, matched, nil
}

// relationships maps extracted relations onto the store: a relation the store already
// holds (same type, ends and polarity) gains the article as evidence; others are new.
func (in *Ingester) relationships(ctx context.Context, found []extract.Relation, articleID string) ([]graph.Relationship, int, int, error) {
	var out []graph.Relationship
	created, corroborated := 0, 0
	for _, r := range found {
		to := ""
		if r.To != nil {
			to = *r.To
		}
		ev := graph.Evidence{Article: articleID, Excerpt: excerpt(r.Evidence)}
		if i := slices.IndexFunc(out, func(o graph.Relationship) bool { return sameAct(o, r.Type, r.From, to, r.Negated) }); i >= 0 {
			out[i].Evidence = graph.MergeEvidence(out[i].Evidence, []graph.Evidence{ev})
			if out[i].Origin == graph.Extracted {
				out[i].Confidence = max(out[i].Confidence, r.Confidence)
			}
			continue
		}
		old, ok, err := in.existing(ctx, r.Type, r.From, to, r.Negated)
		if err != nil {
			return nil, 0, 0, err
		}
		if ok {
			if slices.Contains(old.Articles(), articleID) {
				continue // already evidence: ingesting again changes nothing
			}
			if old.Date == "" && r.Date != "" {
				old.Date, old.DateText = r.Date, r.DateText
			}
			old.Evidence = graph.MergeEvidence(old.Evidence, []graph.Evidence{ev})
			if old.Origin == graph.Extracted {
				old.Confidence = max(old.Confidence, r.Confidence)
			}
			out = append(out, old) // its origin and review stay: a rejected act stays rejected
			corroborated++
			continue
		}
		rel := graph.Relationship{Type: r.Type, From: r.From, To: to, About: r.About, Negated: r.Negated,
			Date: r.Date, DateText: r.DateText, Quantity: r.Quantity, Evidence: []graph.Evidence{ev},
			Origin: graph.Extracted, Confidence: r.Confidence, Review: graph.Review{State: graph.Proposed}}
		id, err := in.relationshipID(ctx, rel, articleID)
		if err != nil {
			return nil, 0, 0, err
		}
		rel.ID = id
		if err := rel.Validate(); err != nil {
			return nil, 0, 0, fmt.Errorf("ingest: extracted relationship: %w", err)
		}
		out = append(out, rel)
		created++
	}
	return out, created, corroborated, nil
}

func sameAct(r graph.Relationship, typ graph.RelationType, from, to string, negated bool) bool {
	return r.Type == typ && r.From == from && r.To == to && r.Negated == negated
}

// existing finds a stored relationship with the same type, ends and polarity, in any
// review state: finding a rejected one is what keeps re-ingestion from proposing it anew.
func (in *Ingester) existing(ctx context.Context, typ graph.RelationType, from, to string, negated bool) (graph.Relationship, bool, error) {
	q := graph.RelationshipQuery{From: from, To: to,
		RelationshipFilter: graph.RelationshipFilter{Types: []graph.RelationType{typ}, IncludeNegated: true, Review: graph.ReviewStates}}
	var found graph.Relationship
	ok := false
	err := in.store.ScanRelationships(ctx, q, func(r graph.Relationship) error {
		if !ok && sameAct(r, typ, from, to, negated) {
			found, ok = r, true
		}
		return nil
	})
	if err != nil {
		return graph.Relationship{}, false, fmt.Errorf("ingest: look up %s relationships from %s: %w", typ, from, err)
	}
	return found, ok, nil
}

// relationshipID derives a readable id from the act; should another relationship hold it,
// the article's id disambiguates, which keeps the id stable across re-ingestion.
func (in *Ingester) relationshipID(ctx context.Context, r graph.Relationship, articleID string) (string, error) {
	parts := []string{string(r.Type), r.From}
	if r.Negated {
		parts = append(parts, "not")
	}
	if r.To != "" {
		parts = append(parts, r.To)
	}
	base := shorten(graph.Slug(strings.Join(parts, " ")), graph.MaxIDLen-17)
	_, err := in.store.Relationship(ctx, base)
	switch graph.ErrorCode(err) {
	case graph.ENOTFOUND:
		return base, nil
	case "":
		return base + "-" + hash(articleID)[:16], nil
	}
	return "", fmt.Errorf("ingest: check relationship id %s: %w", base, err)
}

// articleID derives the article's id from outlet, date and title, so that the same article
// always gets the same id; a hash of the text stands in for a missing date.
func articleID(outlet string, published graph.PartialDate, title, text string) string {
	stamp := string(published)
	if stamp == "" {
		stamp = hash(text)[:12]
	}
	id := graph.Slug(outlet + " " + stamp + " " + title)
	if len(id) <= graph.MaxIDLen {
		return id
	}
	return shorten(id, graph.MaxIDLen-17) + "-" + hash(outlet + "\x00" + stamp + "\x00" + title)[:16]
}

func sameArticle(a, b graph.Article) bool {
	return a.ID == b.ID && a.Title == b.Title && a.Outlet == b.Outlet && a.URL == b.URL &&
		a.Published == b.Published && slices.Equal(a.Authors, b.Authors)
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// shorten cuts an id to at most n bytes at a word break.
func shorten(id string, n int) string {
	if len(id) <= n {
		return id
	}
	id = id[:n]
	if i := strings.LastIndexByte(id, '-'); i > n/2 {
		id = id[:i]
	}
	return strings.TrimRight(id, "-")
}

// excerpt is the first evidence sentence, shortened to MaxExcerptRunes.
func excerpt(spans []extract.Span) string {
	if len(spans) == 0 {
		return ""
	}
	text := strings.Join(strings.Fields(spans[0].Text), " ")
	if utf8.RuneCountInString(text) <= MaxExcerptRunes {
		return text
	}
	runes := []rune(text)[:MaxExcerptRunes-1]
	cut := string(runes)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

func firstLine(text string) string {
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			if utf8.RuneCountInString(line) > 120 {
				line = string([]rune(line)[:119]) + "…"
			}
			return line
		}
	}
	return ""
}

// frontMatter is the optional header of an article file.
type frontMatter struct {
	Title     string   `yaml:"title"`
	Outlet    string   `yaml:"outlet"`
	Date      string   `yaml:"date"`
	Published string   `yaml:"published"`
	URL       string   `yaml:"url"`
	Authors   nameList `yaml:"authors"`
}

// nameList reads a YAML list of names, or one name on its own ("authors: Anna Kowalska").
type nameList []string

func (l *nameList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		if name := strings.TrimSpace(n.Value); name != "" {
			*l = nameList{name}
		}
		return nil
	}
	var names []string
	if err := n.Decode(&names); err != nil {
		return fmt.Errorf("line %d: authors: want a name or a list of names", n.Line)
	}
	*l = names
	return nil
}

// ParseFrontMatter reads an article file: an optional front-matter block between "---"
// lines (title, outlet, date or published, url, authors), then the text.
func ParseFrontMatter(data []byte) (Article, error) {
	if !utf8.Valid(data) {
		return Article{}, graph.Errorf(graph.EINVALID, "article is not valid UTF-8")
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if !strings.HasPrefix(text, "---\n") {
		return Article{Text: text}, nil
	}
	rest := text[len("---\n"):]
	end := strings.Index(rest, "\n---\n")
	header, body := "", ""
	switch {
	case end >= 0:
		header, body = rest[:end], rest[end+len("\n---\n"):]
	case strings.HasSuffix(rest, "\n---"):
		header = strings.TrimSuffix(rest, "\n---")
	default:
		return Article{}, graph.Errorf(graph.EINVALID, "front matter is not closed: add a line '---' after it")
	}
	var fm frontMatter
	dec := yaml.NewDecoder(bytes.NewReader([]byte(header)))
	dec.KnownFields(true)
	if err := dec.Decode(&fm); err != nil && !errors.Is(err, io.EOF) {
		return Article{}, graph.Errorf(graph.EINVALID, "front matter: %v", err)
	}
	date := fm.Published
	if fm.Date != "" {
		if date != "" && date != fm.Date {
			return Article{}, graph.Errorf(graph.EINVALID, "front matter: date %q and published %q disagree", fm.Date, fm.Published)
		}
		date = fm.Date
	}
	pd, err := graph.ParsePartialDate(date)
	if err != nil {
		return Article{}, graph.Errorf(graph.EINVALID, "front matter: %v", err)
	}
	return Article{Text: strings.TrimLeft(body, "\n"), Title: fm.Title, Outlet: fm.Outlet, URL: fm.URL, Published: pd, Authors: fm.Authors}, nil
}
