package seed

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dossiergraph/dossier/graph"
)

// maxProblems caps how many problems one error lists; past that they are only counted.
const maxProblems = 20

// Parse reads a seed file strictly and returns its contents as a batch. name is the file
// name used in error messages.
//
// Every problem is reported as "name:line: message": unknown keys, duplicate keys, values of
// the wrong YAML type, unknown kinds and relation types, invalid dates, ids defined twice,
// and references (relationship ends, about entities, evidence articles, article outlets)
// to ids the file does not define; a seed file is self-contained. Relationships must cite
// at least one article. Each item also passes its graph Validate method. The error is a
// graph BAD_INPUT error listing every problem found, one per line.
func Parse(name string, data []byte) (graph.Batch, error) {
	p := &parser{file: name}
	root, err := p.document(data)
	if err != nil {
		return graph.Batch{}, err
	}
	batch := p.top(root)
	if len(p.problems) > 0 {
		return graph.Batch{}, p.err()
	}
	return batch, nil
}

type problem struct {
	line int
	msg  string
}

// parser collects problems rather than stopping at the first, so that one run shows the
// editor everything to fix.
type parser struct {
	file     string
	problems []problem
	entities map[string]int // id → line of its definition; likewise for the others
	kinds    map[string]graph.Kind
	articles map[string]int
	rels     map[string]int
	refs     []reference // checked once every id is known
}

// reference is an id used somewhere in the file, to be resolved against the definitions.
type reference struct {
	line   int
	what   string // e.g. `relationship "x": from`
	id     string
	target string // "entity", "outlet" or "article"
}

func (p *parser) addf(line int, format string, args ...any) {
	p.problems = append(p.problems, problem{line: line, msg: fmt.Sprintf(format, args...)})
}

func (p *parser) err() error {
	slices.SortStableFunc(p.problems, func(a, b problem) int { return a.line - b.line })
	var lines []string
	for i, pr := range p.problems {
		if i == maxProblems {
			lines = append(lines, fmt.Sprintf("%s: %d more problems", p.file, len(p.problems)-maxProblems))
			break
		}
		lines = append(lines, fmt.Sprintf("%s:%d: %s", p.file, pr.line, pr.msg))
	}
	return graph.Errorf(graph.EINVALID, "%s", strings.Join(lines, "\n"))
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// document parses data as exactly one YAML document and returns its root mapping.
func (p *parser) document(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, graph.Errorf(graph.EINVALID, "%s: the file is empty", p.file)
		}
		return nil, p.syntaxError(data, err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, p.syntaxError(data, err)
	default:
		return nil, graph.Errorf(graph.EINVALID, "%s:%d: a seed file holds one YAML document; remove the second", p.file, extra.Line)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil, graph.Errorf(graph.EINVALID, "%s: the file is empty", p.file)
		}
		root = root.Content[0]
	}
	if isNull(root) {
		return nil, graph.Errorf(graph.EINVALID, "%s: the file is empty", p.file)
	}
	if root.Kind != yaml.MappingNode {
		return nil, graph.Errorf(graph.EINVALID, "%s:%d: the top level must be a mapping with entities, articles and relationships", p.file, root.Line)
	}
	return root, nil
}

// syntaxError turns a YAML syntax error into "file:line: message". yaml.v3 reports the
// line where the enclosing block starts, which can be far above the mistake, so the line is
// narrowed to the shortest prefix of the file that already fails to parse.
func (p *parser) syntaxError(data []byte, err error) error {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return graph.Errorf(graph.EINVALID, "%s: %s", p.file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	line, _ := strconv.Atoi(m[1])
	if exact := firstFailingLine(data, line); exact > line {
		return graph.Errorf(graph.EINVALID, "%s:%d: %s (in the block that starts at line %d)", p.file, exact, m[2], line)
	}
	return graph.Errorf(graph.EINVALID, "%s:%d: %s", p.file, line, m[2])
}

// firstFailingLine returns the smallest n ≥ from such that the first n lines of data fail
// to parse, or 0 if none does. A prefix cut inside a multi-line scalar fails only for want
// of its end, and does not count. Once a prefix fails, longer ones fail too, so a binary
// search keeps this to a few parses however long the file is.
func firstFailingLine(data []byte, from int) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	fails := func(n int) bool {
		var doc yaml.Node
		err := yaml.Unmarshal(bytes.Join(lines[:n], nil), &doc)
		return err != nil && !strings.Contains(err.Error(), "end of stream")
	}
	lo, hi := max(from, 1), len(lines)
	if lo > hi || !fails(hi) {
		return 0
	}
	for lo < hi {
		if mid := (lo + hi) / 2; fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// top reads the three lists, then resolves the references between them. The batch is only
// used when no problem was found.
func (p *parser) top(root *yaml.Node) graph.Batch {
	p.entities = map[string]int{}
	p.kinds = map[string]graph.Kind{}
	p.articles = map[string]int{}
	p.rels = map[string]int{}
	var b graph.Batch
	p.mapping(root, "the top level", map[string]func(*yaml.Node){
		"entities": func(n *yaml.Node) {
			p.items(n, "entities", func(item *yaml.Node, index int) { b.Entities = append(b.Entities, p.entity(item, index)) })
		},
		"articles": func(n *yaml.Node) {
			p.items(n, "articles", func(item *yaml.Node, index int) { b.Articles = append(b.Articles, p.article(item, index)) })
		},
		"relationships": func(n *yaml.Node) {
			p.items(n, "relationships", func(item *yaml.Node, index int) {
				b.Relationships = append(b.Relationships, p.relationship(item, index))
			})
		},
	})
	p.resolve()
	return b
}

// resolve checks every recorded reference against the ids the file defines.
func (p *parser) resolve() {
	for _, r := range p.refs {
		switch r.target {
		case "article":
			if _, ok := p.articles[r.id]; !ok {
				p.addf(r.line, "%s: unknown article %q", r.what, r.id)
			}
		case "outlet":
			line, ok := p.entities[r.id]
			switch {
			case !ok:
				p.addf(r.line, "%s: unknown outlet %q", r.what, r.id)
			case p.kinds[r.id] != graph.Outlet:
				p.addf(r.line, "%s: %q is a %s (line %d), not an OUTLET", r.what, r.id, p.kinds[r.id], line)
			}
		default:
			if _, ok := p.entities[r.id]; !ok {
				p.addf(r.line, "%s: unknown entity %q", r.what, r.id)
			}
		}
	}
}

// fieldFunc decodes one field's value, reporting problems at the value's line.
type fieldFunc = func(value *yaml.Node)

// mapping walks a mapping node, calling the field's function for every known key and
// reporting unknown and duplicate keys.
func (p *parser) mapping(n *yaml.Node, what string, fields map[string]fieldFunc) {
	if !p.expect(n, yaml.MappingNode, what, "a mapping") {
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.addf(k.Line, "%s: keys must be plain names", what)
			continue
		}
		if first, dup := seen[k.Value]; dup {
			p.addf(k.Line, "%s: key %q appears twice (first at line %d)", what, k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		f, ok := fields[k.Value]
		if !ok {
			p.addf(k.Line, "%s: unknown key %q (want one of %s)", what, k.Value, strings.Join(sortedKeys(fields), ", "))
			continue
		}
		if v.Kind == yaml.AliasNode {
			p.addf(v.Line, "%s: %s: YAML aliases are not supported; write the value out", what, k.Value)
			continue
		}
		f(v)
	}
}

func sortedKeys(m map[string]fieldFunc) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// expect reports a problem unless n has the wanted kind.
func (p *parser) expect(n *yaml.Node, kind yaml.Kind, what, want string) bool {
	if n.Kind == kind {
		return true
	}
	p.addf(n.Line, "%s: want %s, got %s", what, want, describe(n))
	return false
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "a YAML alias"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return strconv.Quote(graph.Clip(n.Value))
		case "!!null":
			return "nothing"
		}
		return fmt.Sprintf("%s %s (quote it to make it a string)", strings.TrimPrefix(n.ShortTag(), "!!"), graph.Clip(n.Value))
	}
	return "an unexpected node"
}

// items walks a list of mappings.
func (p *parser) items(n *yaml.Node, key string, item func(*yaml.Node, int)) {
	if isNull(n) {
		return
	}
	if !p.expect(n, yaml.SequenceNode, key, "a list") {
		return
	}
	for i, c := range n.Content {
		if c.Kind == yaml.AliasNode {
			p.addf(c.Line, "%s #%d: YAML aliases are not supported; write the value out", key, i+1)
			continue
		}
		item(c, i)
	}
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// str decodes a string field into dst; null leaves it empty.
func (p *parser) str(dst *string, what, field string) fieldFunc {
	return func(n *yaml.Node) {
		if isNull(n) {
			return
		}
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
			p.addf(n.Line, "%s: %s: want a string, got %s", what, field, describe(n))
			return
		}
		*dst = n.Value
	}
}

// strs decodes a list of strings into dst, recording each entry's line in lines if given.
func (p *parser) strs(dst *[]string, lines *[]int, what, field string) fieldFunc {
	return func(n *yaml.Node) {
		if isNull(n) {
			return
		}
		if n.Kind != yaml.SequenceNode {
			p.addf(n.Line, "%s: %s: want a list of strings, got %s", what, field, describe(n))
			return
		}
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode || c.ShortTag() != "!!str" {
				p.addf(c.Line, "%s: %s: want a string, got %s", what, field, describe(c))
				continue
			}
			*dst = append(*dst, c.Value)
			if lines != nil {
				*lines = append(*lines, c.Line)
			}
		}
	}
}

// date decodes a partial date. Unquoted YAML reads 2022 as an integer and 2022-03-14 as a
// timestamp; both are accepted as written.
func (p *parser) date(dst *graph.PartialDate, what, field string) fieldFunc {
	return func(n *yaml.Node) {
		if isNull(n) {
			return
		}
		if n.Kind != yaml.ScalarNode || !slices.Contains([]string{"!!str", "!!int", "!!timestamp"}, n.ShortTag()) {
			p.addf(n.Line, "%s: %s: want a date (YYYY, YYYY-MM or YYYY-MM-DD), got %s", what, field, describe(n))
			return
		}
		d, err := graph.ParsePartialDate(n.Value)
		if err != nil {
			p.addf(n.Line, "%s: %s: %s", what, field, graph.ErrorMessage(err))
			return
		}
		*dst = d
	}
}

func (p *parser) boolean(dst *bool, what, field string) fieldFunc {
	return func(n *yaml.Node) {
		b, err := strconv.ParseBool(n.Value)
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || err != nil {
			p.addf(n.Line, "%s: %s: want true or false, got %s", what, field, describe(n))
			return
		}
		*dst = b
	}
}

// ref decodes an id field and records it for resolution against target definitions.
func (p *parser) ref(dst *string, what, field, target string) fieldFunc {
	return func(n *yaml.Node) {
		var id string
		p.str(&id, what, field)(n)
		if id == "" {
			return
		}
		*dst = id
		p.refs = append(p.refs, reference{line: n.Line, what: what + ": " + field, id: id, target: target})
	}
}

// header finds the item's id before its other fields, so that every message names the
// item; items without a usable id are named by position.
func header(n *yaml.Node, kind string, index int) (id, what string) {
	what = fmt.Sprintf("%s #%d", kind, index+1)
	if n.Kind != yaml.MappingNode {
		return "", what
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k, v := n.Content[i], n.Content[i+1]; k.Value == "id" && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" && v.Value != "" {
			return v.Value, fmt.Sprintf("%s %q", kind, graph.Clip(v.Value))
		}
	}
	return "", what
}

// finish runs the item's own validation when the parser found nothing wrong with it, and
// checks that its id is defined once.
func (p *parser) finish(n *yaml.Node, what, id string, before int, defined map[string]int, validate func() error) {
	if id == "" {
		if len(p.problems) == before {
			p.addf(n.Line, "%s: id is required", what)
		}
		return
	}
	if first, dup := defined[id]; dup {
		p.addf(n.Line, "%s is defined twice (first at line %d)", what, first)
		return
	}
	defined[id] = n.Line
	if len(p.problems) > before {
		return
	}
	if err := validate(); err != nil {
		p.addf(n.Line, "%s", graph.ErrorMessage(err))
	}
}

func (p *parser) entity(n *yaml.Node, index int) graph.Entity {
	before := len(p.problems)
	id, what := header(n, "entity", index)
	var e graph.Entity
	var kind string
	p.mapping(n, what, map[string]fieldFunc{
		"id":          p.str(&e.ID, what, "id"),
		"kind":        p.str(&kind, what, "kind"),
		"name":        p.str(&e.Name, what, "name"),
		"aliases":     p.strs(&e.Aliases, nil, what, "aliases"),
		"description": p.str(&e.Description, what, "description"),
		"country":     p.str(&e.Country, what, "country"),
		"role":        p.str(&e.Role, what, "role"),
	})
	e.Kind = graph.Kind(kind)
	if n.Kind == yaml.MappingNode {
		if kind == "" {
			p.addf(n.Line, "%s: kind is required (one of %s)", what, graph.KindList())
		} else if !e.Kind.Valid() {
			p.addf(lineOf(n, "kind"), "%s: unknown kind %q (want one of %s)", what, graph.Clip(kind), graph.KindList())
		}
		if strings.TrimSpace(e.Name) == "" {
			p.addf(n.Line, "%s: name is required", what)
		}
	}
	if _, dup := p.kinds[id]; id != "" && !dup {
		p.kinds[id] = e.Kind // for the outlet checks; the first definition wins
	}
	p.finish(n, what, id, before, p.entities, e.Validate)
	return e
}

// lineOf returns the line of key's value in mapping n, or n's own line.
func lineOf(n *yaml.Node, key string) int {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1].Line
		}
	}
	return n.Line
}

func (p *parser) article(n *yaml.Node, index int) graph.Article {
	before := len(p.problems)
	id, what := header(n, "article", index)
	var a graph.Article
	p.mapping(n, what, map[string]fieldFunc{
		"id":        p.str(&a.ID, what, "id"),
		"title":     p.str(&a.Title, what, "title"),
		"outlet":    p.ref(&a.Outlet, what, "outlet", "outlet"),
		"url":       p.str(&a.URL, what, "url"),
		"published": p.date(&a.Published, what, "published"),
		"authors":   p.strs(&a.Authors, nil, what, "authors"),
	})
	if n.Kind == yaml.MappingNode {
		if strings.TrimSpace(a.Title) == "" {
			p.addf(n.Line, "%s: title is required", what)
		}
		if a.Outlet == "" {
			p.addf(n.Line, "%s: outlet is required", what)
		}
	}
	p.finish(n, what, id, before, p.articles, a.Validate)
	return a
}

func (p *parser) relationship(n *yaml.Node, index int) graph.Relationship {
	before := len(p.problems)
	id, what := header(n, "relationship", index)
	var r graph.Relationship
	var typ string
	var about []string
	var aboutLines []int
	p.mapping(n, what, map[string]fieldFunc{
		"id":       p.str(&r.ID, what, "id"),
		"type":     p.str(&typ, what, "type"),
		"from":     p.ref(&r.From, what, "from", "entity"),
		"to":       p.ref(&r.To, what, "to", "entity"),
		"about":    p.strs(&about, &aboutLines, what, "about"),
		"negated":  p.boolean(&r.Negated, what, "negated"),
		"date":     p.date(&r.Date, what, "date"),
		"dateText": p.str(&r.DateText, what, "dateText"),
		"summary":  p.str(&r.Summary, what, "summary"),
		"quantity": p.str(&r.Quantity, what, "quantity"),
		"evidence": func(v *yaml.Node) { r.Evidence = p.evidence(v, what) },
	})
	r.Type = graph.RelationType(typ)
	seenAbout := map[string]bool{}
	for i, a := range about {
		if seenAbout[a] {
			p.addf(aboutLines[i], "%s: about: %q is listed twice", what, a)
			continue
		}
		seenAbout[a] = true
		r.About = append(r.About, a)
		p.refs = append(p.refs, reference{line: aboutLines[i], what: what + ": about", id: a, target: "entity"})
	}
	if n.Kind == yaml.MappingNode {
		switch {
		case typ == "":
			p.addf(n.Line, "%s: type is required (one of %s)", what, graph.RelationTypeList())
		case !r.Type.Valid():
			p.addf(lineOf(n, "type"), "%s: unknown type %q (want one of %s)", what, graph.Clip(typ), graph.RelationTypeList())
		}
		if r.From == "" {
			p.addf(n.Line, "%s: from is required", what)
		}
		if len(r.Evidence) == 0 {
			p.addf(n.Line, "%s: evidence is required: cite at least one article", what)
		}
	}
	p.finish(n, what, id, before, p.rels, r.Validate)
	return r
}

func (p *parser) evidence(n *yaml.Node, what string) []graph.Evidence {
	if isNull(n) {
		return nil
	}
	if !p.expect(n, yaml.SequenceNode, what+": evidence", "a list") {
		return nil
	}
	var out []graph.Evidence
	seen := map[string]int{}
	for _, c := range n.Content {
		var ev graph.Evidence
		p.mapping(c, what+": evidence", map[string]fieldFunc{
			"article": p.ref(&ev.Article, what, "evidence article", "article"),
			"excerpt": p.str(&ev.Excerpt, what, "evidence excerpt"),
		})
		if c.Kind != yaml.MappingNode {
			continue
		}
		if ev.Article == "" {
			p.addf(c.Line, "%s: evidence needs an article", what)
			continue
		}
		if first, dup := seen[ev.Article]; dup {
			p.addf(c.Line, "%s: article %q is cited twice (first at line %d); one evidence per article", what, ev.Article, first)
			continue
		}
		seen[ev.Article] = c.Line
		out = append(out, ev)
	}
	return out
}
