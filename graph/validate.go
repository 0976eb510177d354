package graph

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Size limits on user-supplied fields.
const (
	MaxIDLen      = 128
	MaxNameLen    = 300
	MaxTextLen    = 4000 // descriptions, summaries, excerpts
	MaxListLen    = 200  // aliases, authors, about, evidence
	MaxQueryRunes = 200  // search text
)

// ValidateID checks that id is a well-formed id: lower-case letters, digits, '.', '_' and
// '-', starting with a letter or digit.
func ValidateID(what, id string) error {
	if id == "" {
		return Errorf(EINVALID, "%s id is empty", what)
	}
	if len(id) > MaxIDLen || !wellFormedID(id) {
		return Errorf(EINVALID, "%s id %q is invalid: use at most %d of a-z, 0-9, '.', '_', '-'", what, Clip(id), MaxIDLen)
	}
	return nil
}

// wellFormedID reports whether id matches ^[a-z0-9][a-z0-9._-]*$. A loop rather than a
// regexp: stores check ids on every call, and this is several times faster.
func wellFormedID(id string) bool {
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == '-'):
		default:
			return false
		}
	}
	return id != ""
}

// textField is a text field to check, in the order its errors are reported: an array of
// them, unlike a map, costs no allocation and reports the first bad field every time.
type textField struct{ name, value string }

// validText checks that s is valid UTF-8 without NUL bytes and at most limit characters.
func validText(what, field, s string, limit int) error {
	if !utf8.ValidString(s) {
		return Errorf(EINVALID, "%s %s is not valid UTF-8", what, field)
	}
	if strings.ContainsRune(s, 0) {
		return Errorf(EINVALID, "%s %s contains a NUL byte", what, field)
	}
	if utf8.RuneCountInString(s) > limit {
		return Errorf(EINVALID, "%s %s is longer than %d characters", what, field, limit)
	}
	return nil
}

func validList(what, field string, list []string, limit int) error {
	if len(list) > MaxListLen {
		return Errorf(EINVALID, "%s has more than %d %s", what, MaxListLen, field)
	}
	for _, s := range list {
		if strings.TrimSpace(s) == "" {
			return Errorf(EINVALID, "%s has an empty entry in %s", what, field)
		}
		if err := validText(what, field, s, limit); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks e's fields.
func (e Entity) Validate() error {
	if err := ValidateID("entity", e.ID); err != nil {
		return err
	}
	what := "entity " + e.ID
	if !e.Kind.Valid() {
		return Errorf(EINVALID, "%s: unknown kind %q", what, Clip(string(e.Kind)))
	}
	if strings.TrimSpace(e.Name) == "" {
		return Errorf(EINVALID, "%s: name is empty", what)
	}
	for _, f := range [...]textField{{"name", e.Name}, {"country", e.Country}, {"role", e.Role}} {
		if err := validText(what, f.name, f.value, MaxNameLen); err != nil {
			return err
		}
	}
	if err := validText(what, "description", e.Description, MaxTextLen); err != nil {
		return err
	}
	return validList(what, "aliases", e.Aliases, MaxNameLen)
}

// Validate checks a's fields (not that its outlet exists).
func (a Article) Validate() error {
	if err := ValidateID("article", a.ID); err != nil {
		return err
	}
	what := "article " + a.ID
	if strings.TrimSpace(a.Title) == "" {
		return Errorf(EINVALID, "%s: title is empty", what)
	}
	if err := ValidateID(what+": outlet", a.Outlet); err != nil {
		return err
	}
	if err := validText(what, "title", a.Title, MaxNameLen); err != nil {
		return err
	}
	if err := validText(what, "url", a.URL, MaxTextLen); err != nil {
		return err
	}
	if !a.Published.Valid() {
		return Errorf(EINVALID, "%s: invalid partial date %q: want YYYY, YYYY-MM or YYYY-MM-DD", what, Clip(string(a.Published)))
	}
	return validList(what, "authors", a.Authors, MaxNameLen)
}

// Validate checks r's fields (not that the entities and articles it names exist).
func (r Relationship) Validate() error {
	if err := ValidateID("relationship", r.ID); err != nil {
		return err
	}
	what := "relationship " + r.ID
	if !r.Type.Valid() {
		return Errorf(EINVALID, "%s: unknown type %q", what, Clip(string(r.Type)))
	}
	if err := ValidateID(what+": from", r.From); err != nil {
		return err
	}
	if r.To != "" {
		if err := ValidateID(what+": to", r.To); err != nil {
			return err
		}
	}
	if len(r.About) > MaxListLen {
		return Errorf(EINVALID, "%s has more than %d about entities", what, MaxListLen)
	}
	for _, id := range r.About {
		if err := ValidateID(what+": about", id); err != nil {
			return err
		}
	}
	if !r.Date.Valid() {
		return Errorf(EINVALID, "%s: invalid partial date %q: want YYYY, YYYY-MM or YYYY-MM-DD", what, Clip(string(r.Date)))
	}
	for _, f := range [...]textField{{"dateText", r.DateText}, {"summary", r.Summary}, {"quantity", r.Quantity}} {
		if err := validText(what, f.name, f.value, MaxTextLen); err != nil {
			return err
		}
	}
	if len(r.Evidence) > MaxListLen {
		return Errorf(EINVALID, "%s has more than %d pieces of evidence", what, MaxListLen)
	}
	for _, ev := range r.Evidence {
		if err := ev.Validate(what); err != nil {
			return err
		}
	}
	return r.validateProvenance(what)
}

// Validate checks ev; what names its relationship in errors.
func (ev Evidence) Validate(what string) error {
	if err := ValidateID(what+": evidence article", ev.Article); err != nil {
		return err
	}
	return validText(what, "excerpt", ev.Excerpt, MaxTextLen)
}

// Apply returns e with p applied.
func (p EntityPatch) Apply(e Entity) Entity {
	if p.Kind != nil {
		e.Kind = *p.Kind
	}
	if p.Name != nil {
		e.Name = *p.Name
	}
	if p.Aliases != nil {
		e.Aliases = slices.Clone(*p.Aliases)
	}
	if p.Description != nil {
		e.Description = *p.Description
	}
	if p.Country != nil {
		e.Country = *p.Country
	}
	if p.Role != nil {
		e.Role = *p.Role
	}
	return e
}

// MergeEvidence returns old with add merged in by article: a new excerpt for an article
// already present replaces the old one in place; other evidence is appended.
func MergeEvidence(old, add []Evidence) []Evidence {
	out := slices.Clone(old)
	for _, ev := range add {
		if i := slices.IndexFunc(out, func(o Evidence) bool { return o.Article == ev.Article }); i >= 0 {
			if ev.Excerpt != "" {
				out[i].Excerpt = ev.Excerpt
			}
			continue
		}
		out = append(out, ev)
	}
	return out
}

// MergeAliases returns the survivor's aliases plus the names and aliases of others, without
// duplicates (compared folded) and without the survivor's own name.
func MergeAliases(survivor Entity, others ...Entity) []string {
	seen := map[string]bool{Fold(survivor.Name): true}
	var out []string
	add := func(s string) {
		if k := Fold(s); k != "" && !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	for _, a := range survivor.Aliases {
		add(a)
	}
	for _, o := range others {
		add(o.Name)
		for _, a := range o.Aliases {
			add(a)
		}
	}
	return out
}

// CountSources returns the number of distinct outlets among the evidence, given each
// article's outlet.
func CountSources(evidence []Evidence, outletOf func(article string) string) int {
	// A relationship cites a few articles: a list of the outlets seen costs less than a
	// map, up to a length where the map wins.
	const listMax = 16
	var (
		list [listMax]string
		n    int
		seen map[string]bool
	)
	for _, ev := range evidence {
		o := outletOf(ev.Article)
		switch {
		case o == "" || seen[o] || slices.Contains(list[:n], o):
		case n < listMax:
			list[n], n = o, n+1
		default:
			if seen == nil {
				seen = map[string]bool{}
			}
			seen[o] = true
		}
	}
	return n + len(seen)
}

// NormalizePage applies the default page size and rejects sizes over MaxPageSize.
func NormalizePage(p Page) (Page, error) {
	switch {
	case p.First < 0:
		return p, Errorf(EINVALID, "first must not be negative, got %d", p.First)
	case p.First == 0:
		p.First = DefaultPageSize
	case p.First > MaxPageSize:
		return p, Errorf(EINVALID, "first is %d, more than the maximum page size %d", p.First, MaxPageSize)
	}
	return p, nil
}

// Clip shortens a hostile or huge value before it is quoted in an error message: at most
// 64 characters, with "…" when it was cut. Every layer uses it, so the same bad input gets
// the same message wherever it is refused.
func Clip(s string) string {
	const limit = 64
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	n := 0
	for i := range s {
		if n == limit {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// Canonical returns e as stores keep it: an empty alias list is nil, so that every store
// returns the same shape for the same entity.
func (e Entity) Canonical() Entity {
	e.Aliases = nilIfEmpty(e.Aliases)
	return e
}

// Canonical returns a as stores keep it: an empty author list is nil.
func (a Article) Canonical() Article {
	a.Authors = nilIfEmpty(a.Authors)
	return a
}

// Canonical returns r as stores keep it: evidence merged by article, About without
// repeats, empty lists nil. SourceCount is the store's to compute.
func (r Relationship) Canonical() Relationship {
	r.Evidence = MergeEvidence(nil, r.Evidence)
	if len(r.Evidence) == 0 {
		r.Evidence = nil
	}
	r.About = nilIfEmpty(Dedupe(r.About))
	return r.plainProvenance()
}

// Dedupe returns s without repeats, keeping the first of each, in a new slice.
func Dedupe[T comparable](s []T) []T {
	var out []T
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}
