package graph

import (
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
	"unicode/utf8"
)

// Validate checks f's types, dates and source count.
func (f RelationshipFilter) Validate() error {
	for _, t := range f.Types {
		if !t.Valid() {
			return Errorf(EINVALID, "unknown relation type %q: want one of %s", Clip(string(t)), RelationTypeList())
		}
	}
	for _, d := range []PartialDate{f.Since, f.Until} {
		if !d.Valid() {
			return Errorf(EINVALID, "invalid partial date %q: want YYYY, YYYY-MM or YYYY-MM-DD", Clip(string(d)))
		}
	}
	if f.MinSources < 0 {
		return Errorf(EINVALID, "minSources must not be negative, got %d", f.MinSources)
	}
	for _, st := range f.Review {
		if !st.Valid() {
			return Errorf(EINVALID, "unknown review state %q: want one of %s", Clip(string(st)), joinStates(ReviewStates))
		}
	}
	return nil
}

// Normalize validates q and fills in defaults.
func (q *RelationshipQuery) Normalize() error {
	if err := q.RelationshipFilter.Validate(); err != nil {
		return err
	}
	for what, id := range map[string]string{"from": q.From, "to": q.To, "entity": q.Entity, "article": q.Article} {
		if id != "" {
			if err := ValidateID(what, id); err != nil {
				return err
			}
		}
	}
	switch q.Direction {
	case "":
		q.Direction = Both
	case Out, In, Both:
	default:
		return Errorf(EINVALID, "unknown direction %q", Clip(string(q.Direction)))
	}
	p, err := NormalizePage(q.Page)
	q.Page = p
	return err
}

// Match reports whether r passes q, page aside.
func (q RelationshipQuery) Match(r Relationship) bool {
	if q.From != "" && r.From != q.From || q.To != "" && r.To != q.To {
		return false
	}
	if q.Article != "" && !slices.ContainsFunc(r.Evidence, func(ev Evidence) bool { return ev.Article == q.Article }) {
		return false
	}
	if q.Entity != "" {
		out, in := r.From == q.Entity, r.To == q.Entity
		switch q.Direction {
		case Out:
			if !out {
				return false
			}
		case In:
			if !in {
				return false
			}
		default:
			if !out && !in {
				return false
			}
		}
	}
	return q.RelationshipFilter.Match(r)
}

// Normalize validates q and fills in defaults.
func (q *NeighborhoodQuery) Normalize() error {
	if err := ValidateID("center", q.Center); err != nil {
		return err
	}
	if q.Depth == 0 {
		q.Depth = 1
	}
	if q.Depth < 1 || q.Depth > MaxDepth {
		return Errorf(EINVALID, "depth must be between 1 and %d, got %d", MaxDepth, q.Depth)
	}
	if q.Limit == 0 {
		q.Limit = DefaultNodeLimit
	}
	if q.Limit < 1 || q.Limit > MaxNodeLimit {
		return Errorf(EINVALID, "limit must be between 1 and %d, got %d", MaxNodeLimit, q.Limit)
	}
	return q.RelationshipFilter.Validate()
}

// Normalize validates q and fills in defaults.
func (q *PathQuery) Normalize() error {
	if err := ValidateID("from", q.From); err != nil {
		return err
	}
	if err := ValidateID("to", q.To); err != nil {
		return err
	}
	if q.MaxDepth == 0 {
		q.MaxDepth = 4
	}
	if q.MaxDepth < 1 || q.MaxDepth > MaxDepth {
		return Errorf(EINVALID, "maxDepth must be between 1 and %d, got %d", MaxDepth, q.MaxDepth)
	}
	return q.RelationshipFilter.Validate()
}

// Normalize validates q and fills in defaults.
func (q *TimelineQuery) Normalize() error {
	if q.Entity != "" {
		if err := ValidateID("entity", q.Entity); err != nil {
			return err
		}
	}
	if q.Page.After != "" {
		if err := ValidateID("after", q.Page.After); err != nil {
			return err
		}
	}
	page, err := NormalizePage(q.Page)
	if err != nil {
		return err
	}
	q.Page = page
	return q.RelationshipFilter.Validate()
}

// Normalize validates q and fills in defaults.
func (q *SearchQuery) Normalize() error {
	if !utf8.ValidString(q.Text) {
		return Errorf(EINVALID, "search text is not valid UTF-8")
	}
	if strings.TrimSpace(q.Text) == "" {
		return Errorf(EINVALID, "search text is empty")
	}
	if utf8.RuneCountInString(q.Text) > MaxQueryRunes {
		return Errorf(EINVALID, "search text is longer than %d characters", MaxQueryRunes)
	}
	for _, k := range q.Kinds {
		if !k.Valid() {
			return Errorf(EINVALID, "unknown entity kind %q", Clip(string(k)))
		}
	}
	if q.Limit == 0 {
		q.Limit = DefaultSearch
	}
	if q.Limit < 1 || q.Limit > MaxSearch {
		return Errorf(EINVALID, "first must be between 1 and %d, got %d", MaxSearch, q.Limit)
	}
	return nil
}

// NewID returns prefix followed by a random suffix, for relationships created without an id.
func NewID(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	p := Slug(prefix)
	if len(p) > MaxIDLen-13 {
		p = strings.TrimRight(p[:MaxIDLen-13], "-")
	}
	return p + "-" + hex.EncodeToString(b[:])
}

// ValidateMerge checks the ids of a MergeEntities call and returns others without repeats.
func ValidateMerge(survivor string, others []string) ([]string, error) {
	if err := ValidateID("survivor", survivor); err != nil {
		return nil, err
	}
	if len(others) == 0 {
		return nil, Errorf(EINVALID, "merge into %s: no entities to merge", survivor)
	}
	var out []string
	for _, id := range others {
		if err := ValidateID("merged entity", id); err != nil {
			return nil, err
		}
		if id == survivor {
			return nil, Errorf(EINVALID, "merge into %s: an entity cannot be merged into itself", survivor)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}
