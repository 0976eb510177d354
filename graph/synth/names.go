package synth

import (
	"math/rand/v2"
	"strings"
)

// Word lists for synthetic names. Surnames and countries are built from syllables so that
// names are many and varied, with some accents to exercise accent-insensitive search.
var (
	firstNames = []string{
		"Ana", "Luis", "María", "José", "Elena", "Iván", "Sofía", "Marco", "Lucía", "Pavel",
		"Olga", "John", "Mary", "Ahmed", "Fatima", "Chen", "Mei", "Kenji", "Yuki", "Sean",
		"Zoë", "André", "Noé", "Inés", "Raúl", "Björn", "Åsa", "Jürgen", "Chloé", "Nuño",
	}
	syllables = []string{
		"ba", "ri", "lo", "ne", "ska", "vo", "ta", "mé", "dor", "quin", "za", "ru", "lev", "an",
		"tor", "ña", "gu", "el", "bri", "sto", "ko", "vi", "ler", "mon", "ca", "dí", "ros", "pe",
	}
	roles         = []string{"minister", "ambassador", "spokesperson", "director", "analyst", "officer", "senator", "adviser"}
	agencyWords   = []string{"Intelligence Service", "Foreign Ministry", "Security Council", "Border Agency", "Military Command", "Prosecutor's Office"}
	groupWords    = []string{"diplomats", "activists", "cartel", "party", "delegation", "network", "union"}
	outletWords   = []string{"Herald", "Tribune", "Post", "Gazette", "Courier", "Observer", "Times"}
	headlineVerbs = []string{"warns", "denies", "expels", "accuses", "meets", "rejects", "agrees with"}
)

func pick(r *rand.Rand, words []string) string { return words[r.IntN(len(words))] }

// surname returns a made-up capitalised word of two or three syllables.
func surname(r *rand.Rand) string {
	var b strings.Builder
	for range 2 + r.IntN(2) {
		b.WriteString(pick(r, syllables))
	}
	return capitalise(b.String())
}

// countryName returns one of a fixed set of made-up countries: few, so that governments
// and agencies repeat them as real ones do.
func countryName(r *rand.Rand) string {
	i := r.IntN(len(syllables) * 3)
	return capitalise(syllables[i%len(syllables)] + syllables[(i*7+3)%len(syllables)] + "ia")
}

func capitalise(s string) string {
	for i, c := range s {
		return strings.ToUpper(string(c)) + s[i+len(string(c)):]
	}
	return s
}

// initials returns the upper-case initials of the name's capitalised words.
func initials(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		for _, c := range w {
			if strings.ToUpper(string(c)) == string(c) && c != '\'' {
				b.WriteRune(c)
			}
			break
		}
	}
	return b.String()
}
