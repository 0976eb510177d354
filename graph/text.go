package graph

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold lowers s, strips accents and turns every run of non-letters and non-digits into one
// space, so that "López-Obrador" and "lopez obrador" compare equal.
func Fold(s string) string {
	out := s
	if !isASCII(s) { // ASCII has no accents to strip: skip the costly normalisation
		// Each step allocates its result only, where a transform.Chain allocates buffers of
		// kilobytes per call: opening a store folds every entity's names.
		out = norm.NFC.String(strings.Map(dropMark, norm.NFD.String(s)))
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

// dropMark drops nonspacing marks (the accents NFD splits off) from a strings.Map.
func dropMark(r rune) rune {
	if unicode.Is(unicode.Mn, r) {
		return -1
	}
	return r
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Slug turns a name into a readable, valid id: "Andrés Manuel López Obrador" →
// "andres-manuel-lopez-obrador". Latin letters that accents do not explain are spelled out
// (ł → l, ß → ss); letters of other scripts cannot be, so a name that had any gets a short
// hash of itself appended ("Сергей Лавров" → "e-…"), which keeps distinct names distinct.
// The result is at most MaxIDLen bytes and passes ValidateID for any name with a letter or
// digit.
func Slug(name string) string {
	folded := Fold(name)
	var b strings.Builder
	lost := false
	for _, r := range folded {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		case latinSpelling[r] != "":
			b.WriteString(latinSpelling[r])
		default:
			lost = true
		}
	}
	slug := strings.Trim(b.String(), "-")
	for strings.Contains(slug, "--") {
		slug = strings.ReplaceAll(slug, "--", "-")
	}
	if !lost && len(slug) <= MaxIDLen {
		return slug
	}
	sum := sha256.Sum256([]byte(folded))
	suffix := hex.EncodeToString(sum[:4])
	if slug == "" {
		return "e-" + suffix
	}
	if len(slug) > MaxIDLen-len(suffix)-1 {
		slug = strings.TrimRight(slug[:MaxIDLen-len(suffix)-1], "-")
	}
	return slug + "-" + suffix
}

// latinSpelling spells in ASCII the lower-case Latin letters that are not a base letter plus
// combining accents, and so survive Fold.
var latinSpelling = map[rune]string{
	'ł': "l", 'ø': "o", 'ß': "ss", 'đ': "d", 'ð': "d", 'þ': "th", 'æ': "ae", 'œ': "oe",
	'ı': "i", 'ħ': "h", 'ŀ': "l", 'ŧ': "t", 'ŋ': "n", 'ĸ': "k",
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
	return NewSearchKey(e).Score(NewSearchText(text))
}

// SearchText is a search text folded and split into words once, to score many entities.
type SearchText struct {
	folded string
	words  []string
}

// NewSearchText folds text for scoring.
func NewSearchText(text string) SearchText {
	f := Fold(text)
	return SearchText{folded: f, words: strings.Fields(f)}
}

// Words returns the folded words of the text.
func (t SearchText) Words() []string { return t.words }

// SearchKey is an entity's name and aliases folded and split into words once, so that a
// store scoring many entities against a query need not fold them again for every query.
type SearchKey struct {
	folded []string   // the name, then each alias
	words  [][]string // the words of each
}

// Names reports whether the name or an alias folds to folded.
func (k SearchKey) Names(folded string) bool {
	return slices.Contains(k.folded, folded)
}

// NewSearchKey folds e's name and aliases.
func NewSearchKey(e Entity) SearchKey {
	k := SearchKey{folded: make([]string, 0, 1+len(e.Aliases)), words: make([][]string, 0, 1+len(e.Aliases))}
	for _, n := range append([]string{e.Name}, e.Aliases...) {
		f := Fold(n)
		k.folded = append(k.folded, f)
		k.words = append(k.words, strings.Fields(f))
	}
	return k
}

// Words returns the distinct folded words of the name and aliases.
func (k SearchKey) Words() []string {
	var out []string
	for _, ws := range k.words {
		for _, w := range ws {
			if !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

// Score is MatchScore for a prepared text and key.
func (k SearchKey) Score(t SearchText) int {
	if t.folded == "" {
		return 0
	}
	best := 0
	for i, name := range k.folded {
		exact, prefix := scoreExactAlias, scoreAliasPrefix
		if i == 0 {
			exact, prefix = scoreExactName, scoreNamePrefix
		}
		best = max(best, scoreOne(t, name, k.words[i], exact, prefix))
	}
	return best
}

func scoreOne(t SearchText, name string, words []string, exact, prefix int) int {
	switch {
	case name == t.folded:
		return exact
	case strings.HasPrefix(name, t.folded):
		return prefix
	case wordsPrefix(t.words, words):
		return scoreTokens
	}
	return 0
}

// wordsPrefix reports whether every query word is a prefix of a distinct name word.
func wordsPrefix(query, name []string) bool {
	if len(query) > len(name) {
		return false
	}
	for _, q := range query {
		if !slices.ContainsFunc(name, func(w string) bool { return strings.HasPrefix(w, q) }) {
			return false // the common case when searching: no allocation
		}
	}
	// A bipartite matching (augmenting paths), not a greedy pass: "carl carlson" must find
	// "Carlson Carlos" although "carl" also prefixes "carlson".
	owner := make([]int, len(name)) // owner[i] is the query word matched to name word i, or -1
	for i := range owner {
		owner[i] = -1
	}
	seen := make([]bool, len(name))
	for q := range query {
		clear(seen)
		if !augment(q, query, name, owner, seen) {
			return false
		}
	}
	return true
}

// augment finds a name word for query word q, moving earlier matches where needed.
func augment(q int, query, name []string, owner []int, seen []bool) bool {
	for i, w := range name {
		if seen[i] || !strings.HasPrefix(w, query[q]) {
			continue
		}
		seen[i] = true
		if owner[i] < 0 || augment(owner[i], query, name, owner, seen) {
			owner[i] = q
			return true
		}
	}
	return false
}
