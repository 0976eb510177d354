package graph

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold lowers s, strips accents and turns every run of non-letters and non-digits into one
// space, so that "López-Obrador" and "lopez obrador" compare equal.
func Fold(s string) string {
	out := s
	if !isASCII(s) { // ASCII has no accents to strip: skip the costly normalisation
		t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
		var err error
		if out, _, err = transform.String(t, s); err != nil {
			out = s
		}
	}
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(out) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Slug turns a name into a readable id: "Andrés Manuel López Obrador" →
// "andres-manuel-lopez-obrador".
func Slug(name string) string {
	return strings.ReplaceAll(Fold(name), " ", "-")
}

// Search scores, highest first. A store ranks by MatchScore so that every backend returns
// the same order for the same data.
const (
	scoreExactName   = 100
	scoreExactAlias  = 90
	scoreNamePrefix  = 70
	scoreAliasPrefix = 60
	scoreTokens      = 40
)

// MatchScore scores how well the search text matches e's name or aliases; 0 means no
// match. Matching ignores case, accents and punctuation. Every word of the text must start
// some word of the same name or alias; an exact name or alias scores highest, then a name
// or alias that starts with the text, then a match of every word anywhere.
func MatchScore(text string, e Entity) int {
	return NewSearchKey(e).Score(Fold(text))
}

// SearchKey is an entity's name and aliases, folded once, so that a store scoring many
// entities against a query need not fold them again for every query.
type SearchKey struct {
	Name    string
	Aliases []string
}

// NewSearchKey folds e's name and aliases.
func NewSearchKey(e Entity) SearchKey {
	k := SearchKey{Name: Fold(e.Name), Aliases: make([]string, len(e.Aliases))}
	for i, a := range e.Aliases {
		k.Aliases[i] = Fold(a)
	}
	return k
}

// Score is MatchScore for a query already folded with Fold.
func (k SearchKey) Score(foldedQuery string) int {
	if foldedQuery == "" {
		return 0
	}
	best := scoreOne(foldedQuery, k.Name, scoreExactName, scoreNamePrefix)
	for _, a := range k.Aliases {
		best = max(best, scoreOne(foldedQuery, a, scoreExactAlias, scoreAliasPrefix))
	}
	return best
}

func scoreOne(q, name string, exact, prefix int) int {
	switch {
	case name == q:
		return exact
	case strings.HasPrefix(name, q):
		return prefix
	case wordsPrefix(strings.Fields(q), strings.Fields(name)):
		return scoreTokens
	}
	return 0
}

// wordsPrefix reports whether every query word is a prefix of a distinct name word.
func wordsPrefix(query, name []string) bool {
	used := make([]bool, len(name))
	for _, q := range query {
		found := false
		for i, w := range name {
			if !used[i] && strings.HasPrefix(w, q) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
