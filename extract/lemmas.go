package extract

import (
	"maps"
	"slices"
	"strings"
)

// The rules compare lemmas only with the verbs of their lexicons, so instead of loading a
// whole English lemma dictionary (most of the start-up time of a one-shot `dossier extract`)
// each word is mapped to its lemma only when it is an inflection of one of those verbs; any
// other word is its own lemma. TestTriggerLemmasAgreeWithDictionary checks the table against
// golem's English dictionary.

// ruleLemmas are the lemmas the rules name outside the lexicon sets below.
var ruleLemmas = []string{
	"accept", "ask", "avoid", "brand", "call", "choose", "consider", "decline", "declare", "deem",
	"describe", "direct", "dispute", "express", "fail", "flag", "give", "grant", "heed", "hesitate",
	"instruct", "label", "opt", "order", "oust", "prefer", "raise", "refrain", "refuse", "remove", "ridicule", "rubbish",
	"send", "sound", "tell", "term", "threaten", "voice",
}

// irregularForms are the inflections no suffix rule makes.
var irregularForms = map[string][]string{
	"give": {"gave", "given"}, "tell": {"told"}, "send": {"sent"}, "make": {"made"}, "say": {"said"},
	"throw": {"threw", "thrown"}, "seek": {"sought"}, "choose": {"chose", "chosen"},
	"drive": {"drove", "driven"}, "lead": {"led"}, "go": {"went", "gone"}, "begin": {"began", "begun"},
	"get": {"got", "gotten"}, "quit": {"quit"}, "leave": {"left"},
}

// notInflections are forms that are other words as often as inflections: "left" is a
// direction, a "briefing" a meeting rather than a warning.
var notInflections = set("left", "briefing", "briefings")

// triggerLemmas maps each inflected form of the rules' verbs to its lemma.
type triggerLemmas map[string]string

func newTriggerLemmas() triggerLemmas {
	vocabulary := slices.Clone(ruleLemmas)
	for _, lexicon := range []map[string]bool{claimVerbs, condemnations, departures, doneGovernors, causatives, attempts,
		sayVerbs, expulsionGovernors, conveyVerbs, receivers} {
		vocabulary = slices.AppendSeq(vocabulary, maps.Keys(lexicon))
	}
	vocabulary = slices.AppendSeq(vocabulary, maps.Keys(verbTriggers))
	for p := range particleTriggers {
		vocabulary = append(vocabulary, p[0])
	}
	vocabulary = slices.AppendSeq(vocabulary, maps.Keys(rebuttalPhrases))
	slices.Sort(vocabulary)
	table := triggerLemmas{}
	for _, lemma := range slices.Compact(vocabulary) {
		for _, form := range append(inflect(lemma), irregularForms[lemma]...) {
			if _, taken := table[form]; !taken && !notInflections[form] {
				table[form] = lemma
			}
		}
	}
	return table
}

// lemma is the dictionary form of the lower-cased word w when it inflects a rule's verb.
func (t triggerLemmas) lemma(w string) string {
	if l, ok := t[w]; ok {
		return l
	}
	return w
}

// inflect makes the regular forms of verb v: -s, -ed, -ing, with the usual spelling changes
// (raise → raised, raising; refer → referred; deny → denies, denied; shrug → shrugged).
func inflect(v string) []string {
	forms := []string{v}
	n := len(v)
	last := v[n-1]
	consonantY := last == 'y' && n > 1 && !isVowel(v[n-2])
	switch {
	case consonantY:
		forms = append(forms, v[:n-1]+"ies", v[:n-1]+"ied", v+"ing")
	case last == 'e':
		forms = append(forms, v+"s", v+"d")
		if strings.HasSuffix(v, "ee") {
			forms = append(forms, v+"ing")
		} else {
			forms = append(forms, v[:n-1]+"ing")
		}
	case strings.HasSuffix(v, "s") || strings.HasSuffix(v, "x") || strings.HasSuffix(v, "z") ||
		strings.HasSuffix(v, "ch") || strings.HasSuffix(v, "sh") || strings.HasSuffix(v, "o"):
		forms = append(forms, v+"es", v+"ed", v+"ing")
	default:
		forms = append(forms, v+"s", v+"ed", v+"ing")
		// a final consonant after one vowel doubles in short verbs and stressed endings:
		// expel → expelled, shrug → shrugged, refer → referred
		if n > 2 && !isVowel(last) && last != 'w' && last != 'x' && last != 'y' && isVowel(v[n-2]) && !isVowel(v[n-3]) {
			d := v + string(last)
			forms = append(forms, d+"ed", d+"ing")
		}
	}
	return forms
}

func isVowel(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }
