// Package extract finds actors and the acts between them (warnings, denials, expulsions and
// a few cheaper types) in news text, fully offline: sentence splitting and part-of-speech
// tags come from prose, and everything else, lemmas of the trigger verbs included, from
// lexicons and a gazetteer embedded in the binary.
//
// The extractor reads one clause at a time and prefers saying nothing to saying something
// false: a refused or unrealised act is reported negated, a requested or possible act is
// not reported as done, and a topic ("warned about Russia") is never taken for an addressee.
package extract

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	prose "github.com/jdkato/prose/v3"

	"github.com/dossiergraph/dossier/graph"
)

// DefaultMaxBytes is the largest text Extract accepts unless Options say otherwise.
const DefaultMaxBytes = 5 << 20

// Document is a text to extract from.
type Document struct {
	Text string
	// Published anchors relative dates ("last week", "on Tuesday"); may be empty.
	Published graph.PartialDate
}

// Result is what Extract found. Its JSON form is a contract shared with API clients.
type Result struct {
	Entities      []Entity   `json:"entities"`
	Relationships []Relation `json:"relationships"`
	// Held are relations found below the confidence a caller asked for (see HoldBelow):
	// shown to the reader for checking, kept out of Relationships so that Relationships is
	// what ingestion writes.
	Held []Relation `json:"held"`
}

// HoldBelow moves the relations extracted with less than minConfidence from Relationships
// to Held, keeping their order; 0 holds none.
func (r *Result) HoldBelow(minConfidence float64) {
	kept := make([]Relation, 0, len(r.Relationships))
	if r.Held == nil {
		r.Held = []Relation{}
	}
	for _, rel := range r.Relationships {
		if rel.Confidence < minConfidence {
			r.Held = append(r.Held, rel)
		} else {
			kept = append(kept, rel)
		}
	}
	r.Relationships = kept
}

// Entity is an actor mentioned in the text. Known marks an entity the gazetteer supplied
// (the store's or the world's); others are new.
type Entity struct {
	ID      string     `json:"id"`
	Kind    graph.Kind `json:"kind"`
	Name    string     `json:"name"`
	Aliases []string   `json:"aliases"`
	Known   bool       `json:"-"`
	// FromStore marks an entity the caller's gazetteer supplied, as opposed to the
	// built-in world gazetteer.
	FromStore bool `json:"-"`
}

// Relation is one act found in the text. To is nil when the text names no counterpart.
type Relation struct {
	Type       graph.RelationType `json:"type"`
	From       string             `json:"from"`
	To         *string            `json:"to"`
	About      []string           `json:"about,omitempty"`
	Negated    bool               `json:"negated"`
	Date       graph.PartialDate  `json:"date"`
	DateText   string             `json:"-"`
	Quantity   string             `json:"quantity,omitempty"`
	Confidence float64            `json:"confidence"`
	Evidence   []Span             `json:"evidence"`
}

// Span is a piece of the input: byte offsets, End exclusive, and the text found there.
type Span struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Options tune an Extractor.
type Options struct {
	// MaxBytes caps the input size; 0 means DefaultMaxBytes.
	MaxBytes int
}

// Extractor holds the loaded models. It is immutable after New and safe for concurrent use.
type Extractor struct {
	lemmas   triggerLemmas
	world    *mapGazetteer
	maxBytes int
}

// New loads the embedded models with default options.
func New() (*Extractor, error) { return NewWithOptions(Options{}) }

// NewWithOptions loads the embedded models.
func NewWithOptions(opts Options) (*Extractor, error) {
	if opts.MaxBytes < 0 {
		return nil, graph.Errorf(graph.EINVALID, "max bytes must not be negative, got %d", opts.MaxBytes)
	}
	if opts.MaxBytes == 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	lemmas := newTriggerLemmas()
	world, err := parseWorld(worldTSV)
	if err != nil {
		return nil, fmt.Errorf("load world gazetteer: %w", err)
	}
	return &Extractor{lemmas: lemmas, world: world, maxBytes: opts.MaxBytes}, nil
}

// Extract finds the entities and relationships in doc. gaz, usually StoreGazetteer, resolves
// names to existing ids; nil means the built-in world gazetteer only.
func (x *Extractor) Extract(ctx context.Context, doc Document, gaz Gazetteer) (Result, error) {
	if err := x.checkInput(doc); err != nil {
		return Result{}, err
	}
	d := newDocState(x, gaz, doc)
	cuts, patched := segment(doc.Text)
	pd, err := prose.NewDocumentContext(ctx, patched, prose.WithExtraction(false))
	if err != nil {
		return Result{}, fmt.Errorf("analyse text: %w", err)
	}
	sentences := d.split(pd, cuts)
	// A surname may come before the full name ("Rubio said ... Secretary of State Marco
	// Rubio"): a first reading of the names alone learns the article's people, so that the
	// full reading takes those surnames for them from the start.
	if surnameFirst(sentences) {
		for i := range sentences {
			d.sentenceNo = i
			d.findMentions(&sentences[i])
		}
		ahead := d.surnamesAhead()
		for i := range sentences {
			sentences[i].mentions = sentences[i].mentions[:0]
		}
		d = newDocState(x, gaz, doc)
		d.foreseen = ahead
	}
	if err := d.read(ctx, sentences); err != nil {
		return Result{}, err
	}
	return d.result(), nil
}

// surnameFirst reports a capitalised word standing alone before a run of capitalised words
// that ends with it, "Rubio ... Marco Rubio": the cheap sign that a surname may come
// before its full name, worth reading the names twice for.
func surnameFirst(sentences []sentence) bool {
	alone := map[string]bool{}
	for i := range sentences {
		toks := sentences[i].toks
		for j := 0; j < len(toks); {
			if !toks[j].capital || toks[j].fold == "" {
				j++
				continue
			}
			end := j + 1
			for end < len(toks) && toks[end].capital && toks[end].fold != "" {
				end++
			}
			for j < end-1 && titles[toks[j].fold] {
				j++ // "President Arce" is the surname alone
			}
			if last := toks[end-1].fold; end-j == 1 {
				alone[last] = true
			} else if alone[last] {
				return true
			}
			j = end
		}
	}
	return false
}

// read finds the mentions and relations of the article's sentences, in order.
func (d *docState) read(ctx context.Context, sentences []sentence) error {
	for i := range sentences {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("extract: %w", err)
			}
		}
		s := &sentences[i]
		d.sentenceNo = i
		d.findMentions(s)
		d.findRelations(s)
	}
	return nil
}

// checkInput rejects text extraction cannot sensibly read.
func (x *Extractor) checkInput(doc Document) error {
	switch {
	case strings.TrimSpace(doc.Text) == "":
		return graph.Errorf(graph.EINVALID, "text is empty")
	case len(doc.Text) > x.maxBytes:
		return graph.Errorf(graph.EINVALID, "text is %d bytes, more than the limit of %d", len(doc.Text), x.maxBytes)
	case !utf8.ValidString(doc.Text):
		return graph.Errorf(graph.EINVALID, "text is not valid UTF-8")
	case strings.ContainsRune(doc.Text, 0):
		return graph.Errorf(graph.EINVALID, "text contains NUL bytes: binary data, not an article")
	case !doc.Published.Valid():
		return graph.Errorf(graph.EINVALID, "invalid published date %q: want YYYY, YYYY-MM or YYYY-MM-DD", doc.Published)
	}
	control, total := 0, 0
	for _, r := range doc.Text {
		total++
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' || r == utf8.RuneError {
			control++
		}
	}
	if control*10 > total {
		return graph.Errorf(graph.EINVALID, "text has too many control characters (%d of %d characters): binary data, not an article", control, total)
	}
	return nil
}

// maxHeadingWords bounds an unpunctuated line read as a heading rather than as part of a
// hard-wrapped sentence.
const maxHeadingWords = 10

// segment finds where no sentence may run on: after a blank line, after a short line
// without final punctuation (a heading, a dateline, a caption), and where a sentence's
// full stop is glued to the next one ("in 2014.The move"), as pasted web text often is.
// It returns those byte offsets in order, and the text with each glued full stop blanked
// so that the tokenizer parts the words (offsets are unchanged).
func segment(text string) (cuts []int, patched string) {
	var buf []byte // a copy of text, made at the first glued full stop
	lineStart, paragraphStart := 0, true
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '\n':
			line := strings.TrimSpace(text[lineStart:i])
			switch {
			case line == "":
				cuts = append(cuts, i+1) // a blank line ends whatever came before
				paragraphStart = true
			case paragraphStart && isHeading(line) && startsUpper(text[i+1:]):
				cuts = append(cuts, i+1) // and stays a paragraph start: a dateline may follow a heading
			default:
				paragraphStart = false
			}
			lineStart = i + 1
		case (c == '.' || c == '!' || c == '?') && gluedSentenceEnd(text, i):
			if buf == nil {
				buf = []byte(text)
			}
			buf[i] = ' '
			j := i + 1
			for j < len(text) && (text[j] == '"' || text[j] == '\'') {
				j++
			}
			if strings.HasPrefix(text[j:], "”") || strings.HasPrefix(text[j:], "’") {
				j += len("”")
			}
			cuts = append(cuts, j)
		}
	}
	if buf == nil {
		return cuts, text
	}
	return cuts, string(buf)
}

// isHeading reports a line, first of its paragraph, that cannot end inside a sentence:
// short, without the punctuation that ends or continues one, and either very short or
// mostly capitalised, unlike the first line of hard-wrapped prose.
func isHeading(line string) bool {
	last, _ := utf8.DecodeLastRuneInString(line)
	words := strings.Fields(line)
	if strings.ContainsRune(".!?:;,\"'”’)-–—", last) || len(words) > maxHeadingWords {
		return false
	}
	switch strings.ToLower(words[len(words)-1]) { // a line cut after a function word is wrapped prose
	case "the", "a", "an", "of", "and", "or", "to", "in", "on", "for", "with", "by", "at", "from", "that":
		return false
	}
	capitals := 0
	for _, w := range words {
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) || unicode.IsDigit(r) {
			capitals++
		}
	}
	return len(words) <= 6 || capitals*2 >= len(words)
}

// startsUpper reports whether the next non-blank text starts with a capital or a digit.
func startsUpper(rest string) bool {
	rest = strings.TrimLeft(rest, " \t\n")
	r, _ := utf8.DecodeRuneInString(rest)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || r == '"' || r == '“'
}

// gluedSentenceEnd reports a full stop (or ! or ?) at i with a lower-case letter or digit
// before it and, right after it (past closing quotes), a capitalised word: "2014.The".
func gluedSentenceEnd(text string, i int) bool {
	if i == 0 || i+2 >= len(text) {
		return false
	}
	if p := text[i-1]; !(p >= 'a' && p <= 'z' || p >= '0' && p <= '9') {
		return false
	}
	j := i + 1
	for j < len(text) && (text[j] == '"' || text[j] == '\'') {
		j++
	}
	if strings.HasPrefix(text[j:], "”") || strings.HasPrefix(text[j:], "’") {
		j += len("”")
	}
	return j+1 < len(text) && text[j] >= 'A' && text[j] <= 'Z' && text[j+1] >= 'a' && text[j+1] <= 'z'
}
