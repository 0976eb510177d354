package extract

import (
	"slices"
	"strings"

	"github.com/dossiergraph/dossier/graph"
)

// Expulsion constructions that relations.go's general clause reading does not cover on its
// own: headline verbs, orders to expel, "the expulsions by X of Y", "ordered 30 officials
// sent home", and the envoy named in apposition before a passive.

// orderVerbs hand an act to someone else to carry out: "ordered the minister to expel".
var orderVerbs = set("order", "instruct", "direct")

// expulsionTriggerAt recognises at token k the expulsion triggers triggerAt leaves to it.
func (d *docState) expulsionTriggerAt(s *sentence, k int) (trigger, bool) {
	toks := s.toks
	t := toks[k]
	switch {
	case (t.fold == "expulsion" || t.fold == "expulsions") && k+1 < len(toks) && toks[k+1].fold == "by":
		return trigger{typ: graph.Expelled, lo: k, hi: k + 1, nominal: true}, true
	case t.fold == "expulsion" || t.fold == "expulsions":
		if of := pastTimePhrase(toks, k+1); of > k+1 && of < len(toks) && toks[of].fold == "of" {
			return trigger{typ: graph.Expelled, lo: k, hi: of, nominal: true}, true // "expulsion last year of"
		}
	case t.lemma == "expel" && d.headlineVerb(s, k):
		return trigger{typ: graph.Expelled, lo: k, hi: k + 1}, true
	case t.lemma == "order" && d.headlineVerb(s, k) && d.toLeave(s, k):
		return trigger{typ: graph.Expelled, lo: k, hi: k + 1}, true
	case (t.lemma == "declare" || t.lemma == "deem") && unwelcomeFollows(toks, k):
		return trigger{typ: graph.Expelled, lo: k, hi: k + 1}, true
	case t.lemma == "order" && strings.HasPrefix(t.tag, "VB") && d.orderedSentAway(s, k):
		return trigger{typ: graph.Expelled, lo: k, hi: k + 1}, true
	}
	return trigger{}, false
}

// unwelcomeFollows reports the forms of "persona non grata" that triggerAt's exact one
// misses, a few words after a declaring verb at k: the plural "personae non gratae" and
// the clipped "declared non grata".
func unwelcomeFollows(toks []token, k int) bool {
	for j := k + 1; j+1 < len(toks) && j <= k+8; j++ {
		if toks[j].fold == "non" && (toks[j+1].fold == "gratae" || toks[j+1].fold == "grata" && toks[j-1].fold != "persona") {
			return true
		}
		if boundaries[toks[j].fold] || toks[j].text == ";" {
			return false
		}
	}
	return false
}

// timeWords make up a short time phrase inside a noun phrase: "last year", "in March".
var timeWords = set("last", "this", "earlier", "year", "month", "week", "in", "on", "spring", "summer", "autumn", "winter")

// pastTimePhrase returns the index after a time phrase of at most three words starting at
// j, or j when there is none.
func pastTimePhrase(toks []token, j int) int {
	e := j
	for e < len(toks) && e < j+3 && (timeWords[toks[e].fold] || dateWords[toks[e].fold] || toks[e].tag == "CD") {
		e++
	}
	return e
}

// headlineVerb reports a present-tense verb the tagger took for a plural noun, as it does in
// headlines' "India expels Pakistan officials": an inflected trigger (its lemma differs
// from the word) right after the first actor of the sentence.
func (d *docState) headlineVerb(s *sentence, k int) bool {
	t := s.toks[k]
	if t.tag != "NNS" || t.lemma == t.fold || !strings.HasSuffix(t.fold, "s") {
		return false
	}
	i := d.mentionIndexAt(s, k-1)
	return i == 0 && s.mentions[i].hi == k
}

// orderedSentAway reports "ordered 30 Chilean officials sent home", "ordered the attachés
// expelled": an order whose object is followed by the participle of a sending away. Who is
// sent must be people, a count of them or a state's representatives.
func (d *docState) orderedSentAway(s *sentence, k int) bool {
	toks := s.toks
	people := false
	for j := k + 1; j < len(toks) && j <= k+7; j++ {
		f := toks[j].fold
		if i := d.mentionIndexAt(s, j); i >= 0 {
			people = people || peopleWord(toks[s.mentions[i].hi-1].fold) || d.entities[s.mentions[i].id].Kind == graph.Person
			continue
		}
		switch tg := toks[j].tag; {
		case j > k+1 && (tg == "VBN" || tg == "VBD") && toks[j].lemma == "expel":
			return people
		case j > k+1 && (tg == "VBN" || tg == "VBD") && toks[j].lemma == "send" && j+1 < len(toks) && (toks[j+1].fold == "home" || toks[j+1].fold == "back"):
			return people
		case peopleWord(f):
			people = true
		case tg == "CD" || tg == "DT" || tg == "JJ" || tg == "PRP$" || nounModifiers[f]:
		default:
			return false
		}
	}
	return false
}

// peopleWord reports a noun for people a state may send away: "diplomats", "spies",
// "officials".
func peopleWord(f string) bool {
	return sentAwayNouns[f] || peopleNouns[f] != "" || f == "officials" || f == "official" || f == "staff"
}

// orderedToExpel reports an expulsion ordered of someone: "ordered its foreign minister to
// expel two attachés", "ordered the police to remove the envoys". An order given is the
// state's act announced; an order refused, only possible or passive is none, and neither
// is an order to another state ("ordered Peru to expel"), which Peru may ignore.
func (d *docState) orderedToExpel(s *sentence, tr trigger) bool {
	toks := s.toks
	if tr.typ != graph.Expelled || tr.lo < 3 || toks[tr.lo-1].fold != "to" {
		return false
	}
	for g := tr.lo - 2; g >= 0 && g >= tr.lo-8; g-- {
		if i := d.mentionIndexAt(s, g); i >= 0 {
			if d.entities[s.mentions[i].id].Kind == graph.Government {
				return false
			}
			continue
		}
		switch tg := toks[g].tag; {
		case strings.HasPrefix(tg, "VB"):
			return orderVerbs[toks[g].lemma] && !d.negatedAt(s, g) && !d.modalAt(s, g) && !isPassive(toks, g)
		case tg == "DT" || tg == "JJ" || tg == "PRP$" || tg == "POS" || strings.HasPrefix(tg, "NN") || possessiveOrQuote(toks[g].text):
		default:
			return false
		}
	}
	return false
}

// expulsionBy reads "the expulsions by Uruguay of three consuls": the expeller follows
// "by", the expelled follow "of" after it. With no one named after "of" the act has no
// named counterpart and, as with the other nominal acts, only a count or a noun for people
// keeps it.
func (d *docState) expulsionBy(s *sentence, tr trigger) {
	toks := s.toks
	by := tr.hi
	k := by + 1
	if k < len(toks) && toks[k].fold == "the" {
		k++
	}
	from := d.mentionIndexAt(s, k)
	if from < 0 || s.mentions[from].lo != k || d.entities[s.mentions[from].id].Kind != graph.Government {
		return
	}
	of := s.mentions[from].hi
	if of >= len(toks) || toks[of].fold != "of" {
		return
	}
	var to []string
	for j := of + 1; j < len(toks) && j < of+8; j++ {
		if toks[j].fold == "" || boundaries[toks[j].fold] || strings.HasPrefix(toks[j].tag, "VB") {
			break
		}
		if i := d.mentionIndexAt(s, j); i >= 0 {
			for _, c := range d.coordinated(s, i, false) {
				to = append(to, s.mentions[c].id)
			}
			break
		}
	}
	if len(to) == 0 {
		return
	}
	quantity := findQuantity(s, of)
	for _, id := range to {
		d.emit(s, tr.lo, tr.typ, s.mentions[from].id, id, nil, false, quantity, 0.7)
	}
}

// unrealisedModifiers make an expulsion noun one not made: "a possible expulsion".
var unrealisedModifiers = set("possible", "potential", "proposed", "planned", "threatened", "likely", "mooted",
	"eventual", "future", "hypothetical", "any")

// seekingStems begin the words that ask for or weigh an act named by a noun: "demanded",
// "considered", "proposing"; forStems do so only with "for": "called for", not "called
// Tallinn's expulsion hasty".
var (
	seekingStems = []string{"demand", "urg", "consider", "propos", "threat", "seek", "sought", "want", "plan",
		"discuss", "debat", "request", "weigh", "mull", "float", "suggest", "recommend"}
	forStems = []string{"call", "push", "press", "ask", "lobb", "campaign", "argu"}
)

// nominalUnasserted reports an expulsion noun at tr that names no act done: under a
// conditional, modified as merely possible, or the object of asking or weighing.
func (d *docState) nominalUnasserted(s *sentence, tr trigger) bool {
	toks := s.toks
	for j := tr.lo - 1; j >= 0 && toks[j].text != ";"; j-- {
		if conditionals[toks[j].fold] {
			return true
		}
	}
	j := tr.lo - 1
	for j >= 0 && (d.inMention(s, j) || toks[j].tag == "DT" || toks[j].tag == "JJ" || toks[j].tag == "POS" || possessiveOrQuote(toks[j].text)) {
		if unrealisedModifiers[toks[j].fold] {
			return true
		}
		j--
	}
	stems := seekingStems
	if j >= 0 && toks[j].fold == "for" {
		j-- // "called for", "pushed for"
		stems = append(forStems, seekingStems...)
	}
	if j < 0 {
		return false
	}
	for _, stem := range stems {
		if strings.HasPrefix(toks[j].fold, stem) {
			return true
		}
	}
	return false
}

// envoysFrom reports a mention at lo that says where expelled envoys came from:
// "ambassadors from Argentina", "the envoys of the U.S.".
func envoysFrom(toks []token, lo int) bool {
	p := lo - 1
	if p >= 0 && toks[p].fold == "the" {
		p--
	}
	return p >= 1 && (toks[p].fold == "from" || toks[p].fold == "of") && representatives[toks[p-1].fold]
}

// pastAppositive steps back over a name set off by commas before a passive: in "the
// Peruvian ambassador to Chile, Ana Ruiz, was declared persona non grata" it returns the
// token before the first comma, and the person named (-1 for none); j is the token before
// the verb's auxiliaries.
func (d *docState) pastAppositive(s *sentence, j int) (before, person int) {
	toks := s.toks
	if j < 2 || toks[j].text != "," {
		return j, -1
	}
	i := d.mentionIndexAt(s, j-1)
	if i < 0 || s.mentions[i].hi != j || d.entities[s.mentions[i].id].Kind != graph.Person {
		return j, -1
	}
	lo := s.mentions[i].lo
	if lo < 2 || toks[lo-1].text != "," {
		return j, -1
	}
	return lo - 2, i
}

// envoyOwner finds the state an envoy belongs to, the noun being at j: "the Vatican's
// ambassador" (the possessor), or -1.
func (d *docState) envoyOwner(s *sentence, j int) int {
	toks := s.toks
	if j < 2 || !possessiveOrQuote(toks[j-1].text) && toks[j-1].tag != "POS" {
		return -1
	}
	i := d.mentionIndexAt(s, j-2)
	if i < 0 || s.mentions[i].hi != j-1 {
		return -1
	}
	return i
}

// dropHeadlineTwins removes an expulsion read only from headings when the article's body
// reports an expulsion of the same counterpart, same polarity, by another actor: the
// headline's "Ruritania expels Borduria's envoys" is the body's "the government of
// President Kessler has sent Borduria's envoys home", one act written twice. The body's
// reading is kept, being the fuller one.
func (d *docState) dropHeadlineTwins() {
	d.relations = slices.DeleteFunc(d.relations, func(r Relation) bool {
		if r.Type != graph.Expelled || r.To == nil || slices.ContainsFunc(r.Evidence, func(sp Span) bool { return !isHeadingSpan(sp) }) {
			return false
		}
		return slices.ContainsFunc(d.relations, func(o Relation) bool {
			return o.Type == r.Type && o.From != r.From && o.To != nil && *o.To == *r.To && o.Negated == r.Negated &&
				slices.ContainsFunc(o.Evidence, func(sp Span) bool { return !isHeadingSpan(sp) })
		})
	})
}

// isHeadingSpan reports evidence that is a heading rather than a sentence: text without
// the punctuation a sentence ends with.
func isHeadingSpan(sp Span) bool {
	t := strings.TrimRight(sp.Text, " \t\n\"'”’)")
	return t != "" && !strings.ContainsAny(t[len(t)-1:], ".!?:")
}

// announcedBy reads a passive expulsion with no agent whose sentence ends by saying who
// reported it: "two officials at Peru's embassy have been expelled for spying, Chile's
// foreign ministry said". The state (or its organ) announcing that another state's people
// were expelled is the expeller; a state reporting that its own people were expelled is
// not, nor is anyone when the people's state is not named. It returns the expeller and
// the mention of the people's state, or -1, -1.
func (d *docState) announcedBy(s *sentence, tr trigger) (host, people int) {
	toks := s.toks
	people = -1
	sawPeople := false
	stop := -1 // where the clause of the passive begins
	for j := tr.lo - 1; j >= 0 && j >= tr.lo-12; j-- {
		f := toks[j].fold
		if boundaries[f] || toks[j].text == ";" || toks[j].text == "," && !d.inMention(s, j) && j < tr.lo-3 {
			stop = j
			break
		}
		if i := d.mentionIndexAt(s, j); i >= 0 {
			if d.entities[s.mentions[i].id].Kind == graph.Government && people < 0 {
				people = i
			}
			sawPeople = sawPeople || peopleWord(toks[s.mentions[i].hi-1].fold)
			continue
		}
		sawPeople = sawPeople || peopleWord(f)
	}
	if people < 0 || !sawPeople {
		return -1, -1
	}
	for j := tr.hi; j+1 < len(toks); j++ {
		if toks[j].text == ";" || boundaries[toks[j].fold] && toks[j].fold != "said" && toks[j].fold != "says" {
			return -1, -1
		}
		if toks[j].text != "," {
			continue
		}
		i := d.mentionIndexAt(s, j+1)
		if i < 0 {
			k := j + 1
			if toks[k].fold == "the" {
				k++
			}
			i = d.mentionIndexAt(s, k)
		}
		if i < 0 || s.mentions[i].pronoun {
			continue
		}
		v := s.mentions[i].hi
		for v < len(toks) && v < s.mentions[i].hi+4 && !sayVerbs[toks[v].lemma] {
			// only the state's own voice: "Chile's foreign ministry said", not "Chile's opposition said"
			if f := toks[v].fold; d.inMention(s, v) || !possessiveOrQuote(toks[v].text) && !govNouns[f] && !orgWords[f] && !titles[f] && f != "spokesman" {
				v = len(toks)
				break
			}
			v++
		}
		if v >= len(toks) || v >= s.mentions[i].hi+4 || !strings.HasPrefix(toks[v].tag, "VB") {
			continue
		}
		if !d.reportsForeignLoss(s, i, people) {
			return -1, -1
		}
		return i, people
	}
	// the speech tag before: "Chile said (on Monday) (that) two Peruvian attachés had been expelled"
	if i := d.sayerBefore(s, stop); i >= 0 && d.reportsForeignLoss(s, i, people) {
		return i, people
	}
	return -1, -1
}

// reportsForeignLoss reports a sayer, mention i, that is a state or an organ of one other
// than the state of the expelled people: the Peruvian embassy reporting Peruvians expelled
// reports its own state's loss.
func (d *docState) reportsForeignLoss(s *sentence, i, people int) bool {
	id, theirs := s.mentions[i].id, s.mentions[people].id
	e := d.entities[id]
	return (e.Kind == graph.Government || e.Kind == graph.Agency) && id != theirs && d.stateOf(id) != theirs
}

// sayerBefore finds the subject of an asserted saying verb at j, or before a "that" and a
// short time phrase at j: "Lima said on Monday that". It returns a mention index or -1.
func (d *docState) sayerBefore(s *sentence, j int) int {
	toks := s.toks
	if j >= 0 && toks[j].fold == "that" {
		for j--; j >= 0 && (timeWords[toks[j].fold] || dateWords[toks[j].fold] || toks[j].tag == "CD"); j-- {
		}
	}
	if j < 0 || !sayVerbs[toks[j].lemma] || !strings.HasPrefix(toks[j].tag, "VB") || d.negatedAt(s, j) || d.modalAt(s, j) {
		return -1
	}
	i := d.subjectOf(s, j)
	if i < 0 || s.mentions[i].pronoun {
		return -1
	}
	return i
}

// gerundDone are the verbs whose gerund object is an act done: "began expelling".
var gerundDone = set("begin", "start", "continue", "keep", "resume", "finish", "complete")

// mandatives ask for an act in a "that" clause, which states no act done: "demanded that
// Lima expel the spies".
var mandatives = set("demand", "demands", "demanded", "demanding", "insist", "insists", "insisted", "ask", "asks",
	"asked", "urge", "urges", "urged", "request", "requests", "requested", "propose", "proposes", "proposed",
	"suggest", "suggests", "suggested", "recommend", "recommends", "recommended", "require", "requires", "required",
	"call", "calls", "proposal", "suggestion", "recommendation")

// expulsionUnasserted reports an expulsion spoken of but not made: a gerund a verb of
// talk or thought governs (see gerundGoverned), or a base form asked for in a "that"
// clause, "demanded that Bolivia expel".
func (d *docState) expulsionUnasserted(s *sentence, tr trigger) bool {
	if tr.typ != graph.Expelled {
		return false
	}
	if d.gerundGoverned(s, tr) {
		return true
	}
	toks := s.toks
	if toks[tr.lo].fold != toks[tr.lo].lemma {
		return false // only the base form is asked for; the tagger often calls it past
	}
	for j := tr.lo - 1; j >= 1 && j >= tr.lo-6; j-- {
		if toks[j].fold == "that" {
			g := j - 1
			if toks[g].tag == "RB" && g > 0 {
				g--
			}
			return mandatives[toks[g].fold]
		}
		if !d.inMention(s, j) && toks[j].tag != "DT" && toks[j].tag != "PRP" && toks[j].tag != "RB" && !negators[toks[j].fold] {
			return false
		}
	}
	return false
}

// relativeExpeller reads a relative clause's antecedent as its actor: "Bolivia, which
// expelled the consul in March, said", "the minister, who had expelled them". ok is false
// when the expulsion at tr opens no such clause.
func (d *docState) relativeExpeller(s *sentence, tr trigger) (int, bool) {
	if tr.typ != graph.Expelled {
		return -1, false
	}
	toks := s.toks
	j := tr.lo - 1
	for j >= 0 && (auxiliaries[toks[j].fold] && !beForms[toks[j].fold] || toks[j].tag == "RB" && !negators[toks[j].fold]) {
		j--
	}
	if j < 2 || toks[j].fold != "which" && toks[j].fold != "who" || toks[j-1].text != "," {
		return -1, false
	}
	i := d.mentionIndexAt(s, j-2)
	if i < 0 || s.mentions[i].hi != j-1 {
		return -1, false
	}
	return i, true
}

// gerundGoverned reports an expulsion in the gerund that a verb other than one of
// gerundDone governs: "has not ruled out expelling", "is weighing expelling", "threatened
// expelling": talk of an expulsion, not one made. A preposition before the gerund
// ("responded by expelling") leaves it to the clause.
func (d *docState) gerundGoverned(s *sentence, tr trigger) bool {
	toks := s.toks
	k := tr.lo
	if tr.typ != graph.Expelled || toks[k].tag != "VBG" || k == 0 {
		return false
	}
	g := k - 1
	if toks[g].tag == "RP" && g > 0 {
		g-- // "ruled out expelling"
	}
	return strings.HasPrefix(toks[g].tag, "VB") && !gerundDone[toks[g].lemma] && !beForms[toks[g].fold]
}

// leaveObjects are what one may be told to leave without being sent out of a country.
var leaveObjects = set("meeting", "room", "talks", "session", "hall", "chamber", "building", "stage", "conference",
	"summit", "negotiations", "table", "podium", "press", "party", "coalition", "post", "job", "office", "race")

// leavesCountry reports whether "to leave" ends at j without a place that makes it a mere
// exit: "asked the envoy to leave the meeting" sends no one out of the country.
func (d *docState) leavesCountry(s *sentence, j int) bool {
	toks := s.toks
	for end := j + 3; j < len(toks) && j < end; j++ {
		if d.inMention(s, j) || toks[j].fold == "" {
			return true
		}
		switch tg := toks[j].tag; {
		case leaveObjects[toks[j].fold]:
			return false
		case tg != "DT" && tg != "JJ" && tg != "PRP$":
			return true
		}
	}
	return true
}

// objectPerson is the person a "him" or "her" the expulsion at tr acts on stands for (for
// a passive, the "he" or "she" before it): of the two people named last, in this sentence
// or the one before, the one who is not the clause's subject. When both may be meant, as
// in "Novak accused Ortiz of spying for Lenz and declared him unwelcome", it is nobody: a
// wrong guess would expel the wrong man.
func (d *docState) objectPerson(s *sentence, tr trigger, passive bool) string {
	subject := ""
	if i := d.subjectOf(s, tr.lo); i >= 0 && !passive {
		if c := d.conjoinedSubject(s, tr, i); c >= 0 && c != i {
			i = c // "Chile accused Ana of lying and expelled her": the accuser expels
		} else {
			for _, t := range s.toks[s.mentions[i].hi:tr.lo] {
				if t.tag == "CC" {
					return "" // whose verb "and" joins to is unclear
				}
			}
		}
		subject = s.mentions[i].id
	}
	var people []string
	for _, p := range [...]struct {
		id string
		at int
	}{{d.lastPerson, d.lastPersonAt}, {d.otherPerson, d.otherPersonAt}} {
		if p.id != "" && p.id != subject && d.sentenceNo-p.at <= 1 {
			people = append(people, p.id)
		}
	}
	if len(people) != 1 {
		return ""
	}
	return people[0]
}

// passiveQuantity finds the count of the people a passive acts on, which come before the
// verb: "ten attachés were expelled", "two officials at Peru's embassy have been
// expelled". Only the noun phrase before the auxiliaries is read, not what follows the
// verb ("within 48 hours").
func (d *docState) passiveQuantity(s *sentence, tr trigger) string {
	toks := s.toks
	end := tr.lo
	for end > 0 && (beForms[toks[end-1].fold] || auxiliaries[toks[end-1].fold] || negators[toks[end-1].fold] || toks[end-1].tag == "RB") {
		end--
	}
	lo := end
	for lo > 0 && lo > end-8 {
		t := toks[lo-1]
		if !d.inMention(s, lo-1) && t.tag != "CD" && t.tag != "DT" && t.tag != "JJ" && !strings.HasPrefix(t.tag, "NN") &&
			t.fold != "of" && t.fold != "at" && !possessiveOrQuote(t.text) {
			break
		}
		lo--
	}
	if lo == end {
		return ""
	}
	// findQuantity reads up to the first mention after its start, or to the sentence's end:
	// a view of the sentence that stops before the verb keeps it to the noun phrase
	view := *s
	view.text = s.text[:toks[end].start-s.start]
	view.toks = toks[:end]
	view.mentions = nil
	for _, m := range s.mentions {
		if m.hi <= end {
			view.mentions = append(view.mentions, m)
		}
	}
	return findQuantity(&view, lo)
}
