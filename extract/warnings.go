package extract

import (
	"slices"
	"strings"

	"github.com/dossiergraph/dossier/graph"
)

var (
	// threatActs are the punishments a threat holds out: "threatened to impose sanctions",
	// "will not hesitate to use force". Expelling is left out: "threatened to expel" is an
	// intention about an expulsion, which the expulsion rules read.
	threatActs = set("impose", "use", "retaliate", "respond", "strike", "attack", "punish", "sanction", "cut",
		"suspend", "sever", "hit", "take", "deploy", "block", "freeze", "close", "halt", "withdraw", "ban", "boycott")
	// directThreats take their target as object: "threatened to punish Bolivia".
	directThreats = set("strike", "attack", "punish", "sanction", "hit", "block")
	// addresseeHeads are the people or bodies of a state a warning can be given to: "expressed
	// concern to senior officials of the Bolivian government" is addressed to Bolivia.
	addresseeHeads = set("official", "officials", "member", "members", "leader", "leaders", "leadership",
		"circles", "representative", "representatives", "envoy", "envoys", "ambassador", "ambassadors",
		"diplomats", "counterpart", "counterparts", "authorities", "minister", "ministers", "delegation",
		"delegations", "head", "heads", "chief", "chiefs", "officers", "staff")
	// concernStatements name a warning made in writing or speech: "Canada's statement of concern".
	concernStatements = set("statement", "statements", "expression", "expressions", "letter", "letters", "note", "notes")
	// contentWords open what a warning said, or what about: "its warning that", "its concern over".
	contentWords = set("that", "over", "about", "at", "against", "of")
	// statementNouns name what an actor issues to speak: "the ministry's statement".
	statementNouns = set("statement", "communique", "communiqué", "release")
	// whWords open questions that take their act as given.
	whWords = set("why", "how", "when", "where", "what", "who", "which")
	// closingQuotes end a quotation.
	closingQuotes = set("\"", "”", "''", "’")
)

// warningTriggerAt recognises the warnings not worded with "warn": a threat of punishment
// ("threatened to impose sanctions on", "will not hesitate to use force"), an urging or
// advice against ("urged Bolivia against"), and a statement of concern owned by its author.
func (d *docState) warningTriggerAt(s *sentence, k int) (trigger, bool) {
	toks := s.toks
	t := toks[k]
	if concernStatements[t.fold] && !strings.HasPrefix(t.tag, "V") && k+2 < len(toks) && toks[k+1].fold == "of" &&
		(toks[k+2].fold == "concern" || toks[k+2].fold == "concerns") {
		return trigger{typ: graph.Warned, lo: k, hi: k + 3, nominal: true}, true
	}
	if t.fold == "warns" && !strings.HasPrefix(t.tag, "V") {
		// "and warns against": the tagger may read a plural noun, which "warns" never is
		return trigger{typ: graph.Warned, lo: k, hi: k + 1}, true
	}
	if !strings.HasPrefix(t.tag, "V") {
		return trigger{}, false
	}
	switch t.lemma {
	case "threaten", "hesitate":
		if k+2 >= len(toks) || toks[k+1].fold != "to" || !threatActs[toks[k+2].lemma] {
			return trigger{}, false
		}
		// only "will not hesitate" is a threat; "did not hesitate to use force" used it
		if t.lemma == "hesitate" && (!d.negatedAt(s, k) || !d.modalAt(s, k)) || !d.actorBefore(s, k) {
			return trigger{}, false
		}
		return trigger{typ: graph.Warned, lo: k, hi: k + 1, threat: true}, true
	case "urge", "advise":
		for j := k + 1; j < len(toks) && j <= k+6; j++ {
			f := toks[j].fold
			if f == "against" {
				return trigger{typ: graph.Warned, lo: k, hi: k + 1}, true
			}
			if f == "" && !possessiveOrQuote(toks[j].text) || f == "to" || boundaries[f] || strings.HasPrefix(toks[j].tag, "V") {
				break
			}
		}
	}
	return trigger{}, false
}

// actorBefore reports an actor right before the verb at k, past its auxiliaries: a name,
// a pronoun or a state's people ("Chile's president threatened"). "Chile's drought threatens
// to hit exports" threatens no one.
func (d *docState) actorBefore(s *sentence, k int) bool {
	toks := s.toks
	p := k - 1
	for p >= 0 && (auxiliaries[toks[p].fold] || modals[toks[p].fold] || negators[toks[p].fold] || toks[p].tag == "RB") {
		p--
	}
	if p < 0 {
		return false
	}
	switch f := toks[p].fold; {
	case d.inMention(s, p) && !d.isPossessor(s, s.mentions[d.mentionIndexAt(s, p)]):
		return true
	case f == "it" || f == "they" || f == "he" || f == "she" || f == "we" || govNouns[f] || representatives[f]:
		return true
	case f == "and": // "deplores the raids and will not hesitate": the first verb's subject
		return d.conjoinedSubject(s, trigger{lo: k, hi: k + 1}, -1) >= 0
	}
	return false
}

// warningModality corrects the modality of a threat: "will not hesitate to" makes the
// threat, which the negation and the modal would otherwise undo.
func (d *docState) warningModality(s *sentence, tr trigger, negated, asserted bool) (bool, bool) {
	if tr.threat && s.toks[tr.lo].lemma == "hesitate" {
		return false, negated && asserted
	}
	return negated, asserted
}

// isQuestion reports a sentence that asks rather than tells: "Would Chile warn Bolivia?"
// asserts nothing. A question opened by a wh-word takes the act as given: "Why did Chile
// warn Bolivia?" says it did.
func isQuestion(s *sentence) bool {
	for _, t := range s.toks {
		if t.fold != "" {
			if whWords[t.fold] {
				return false
			}
			break
		}
	}
	for j := len(s.toks) - 1; j >= 0; j-- {
		switch t := s.toks[j].text; {
		case t == "?":
			return true
		case closingQuotes[t] || t == ")":
			continue
		default:
			return false
		}
	}
	return false
}

// conjoinedSubject reads the subject of a warning verb that a predicate shares with an
// earlier one, "Chile rejected Peru's offer and warned Bolivia": the subject is the first
// verb's, not the nearest name, which sits in that verb's object.
func (d *docState) conjoinedSubject(s *sentence, tr trigger, subj int) int {
	toks := s.toks
	j := tr.lo - 1
	for j >= 0 && (auxiliaries[toks[j].fold] || modals[toks[j].fold] || negators[toks[j].fold] || toks[j].tag == "RB") {
		j--
	}
	if j < 1 || toks[j].fold != "and" || subj >= 0 && s.mentions[subj].hi > j {
		return subj
	}
	// the first finite verb of the clause: a noun the tagger took for a verb ("the Omani
	// claims") sits after it
	first := -1
	for v := j - 1; v >= 0 && v >= j-20; v-- {
		if toks[v].text == ";" || boundaries[toks[v].fold] || clauseOpeners[toks[v].fold] {
			if relativeWords[toks[v].fold] && tr.typ != graph.Warned {
				// "accused Rasool, who hates Trump, and expelled him": the "and" may join
				// either clause, so the nearest name keeps the verb (and "him" stays unread)
				return subj
			}
			break
		}
		if (sayVerbs[toks[v].lemma] || claimVerbs[toks[v].lemma]) && !accusesOf(toks, v, j) {
			break // "Peru said Chile rejected the offer and warned": the saying is not shared
		}
		if tg := toks[v].tag; (tg == "VBD" || tg == "VBZ" || tg == "VBP") && !d.inMention(s, v) {
			first = v
		}
	}
	if first < 0 || subj >= 0 && s.mentions[subj].lo < first {
		return subj // the nearest name comes before the first verb: it is the subject
	}
	if beForms[toks[first].fold] && first+1 < j && toks[first+1].tag == "VBN" {
		return subj // "were accused of spying and expelled": a passive shares no actor
	}
	return d.subjectOf(s, first)
}

// afterReportedState reports an act right after the "and" that ends a reported description:
// "Li said the US was interfering and denied that ...", "Mwangi said Mogadishu was
// misinformed and warned". Whether the speaker or the described acted is not said: the US
// may have been interfering and denying, or Li may have denied; either reading is a guess.
func (d *docState) afterReportedState(s *sentence, tr trigger) bool {
	toks := s.toks
	j := tr.lo - 1
	if j < 1 || toks[j].fold != "and" {
		return false
	}
	for v := j - 1; v >= 0 && v >= j-20; v-- {
		if toks[v].text == ";" || clauseOpeners[toks[v].fold] {
			return false
		}
		if !sayVerbs[toks[v].lemma] || !strings.HasPrefix(toks[v].tag, "VB") {
			continue
		}
		for f := v + 1; f < j; f++ { // the reported clause's verb, past its subject
			if d.inMention(s, f) {
				continue
			}
			if beForms[toks[f].fold] {
				return d.reportedState(s, tr, f, j)
			}
			if tg := toks[f].tag; tg == "VBD" || tg == "VBZ" || tg == "VBP" {
				return false
			}
		}
		return false
	}
	return false
}

// reportedState reports a reported clause at verb first, before the "and" at j, that
// describes its subject rather than tells an act: a progressive or a copula with its
// complement ("was interfering", "was misinformed", "was wrong"). A passive expulsion
// continues it ("were accused and expelled").
func (d *docState) reportedState(s *sentence, tr trigger, first, j int) bool {
	toks := s.toks
	c := first + 1
	for c < j && toks[c].tag == "RB" && !negators[toks[c].fold] {
		c++ // "was badly misinformed"
	}
	if !beForms[toks[first].fold] || c >= j || toks[tr.lo].tag == "VBG" {
		return false
	}
	switch toks[c].tag {
	case "VBG", "JJ":
		return true
	case "VBN":
		return tr.typ != graph.Expelled
	}
	return false
}

var relativeWords = set("who", "which", "whom", "whose")

// accusesOf reports "accused Chile of spying" at verb v, before the "and" at j: an
// accusation of a deed, which, unlike a claim that something is so, holds no clause of its
// own, so the verb after "and" shares its subject.
func accusesOf(toks []token, v, j int) bool {
	if toks[v].lemma != "accuse" || !strings.HasPrefix(toks[v].tag, "VB") {
		return false
	}
	for c := v + 1; c < j && c <= v+8; c++ {
		if toks[c].fold == "of" {
			return true
		}
	}
	return false
}

// pronounWarners reads a warning whose subject is a pronoun no mention stands for: "both"
// for the two actors named together just before ("Peru and Chile met. Both warned"), "we"
// inside a quotation for its speaker. ok says the subject is such a pronoun;
// ids is empty when it stands for no one certain, and then the warning is not reported,
// rather than given to a nearer name.
func (d *docState) pronounWarners(s *sentence, tr trigger) (ids []string, ok bool) {
	toks := s.toks
	p := tr.lo - 1
	for p >= 0 && (auxiliaries[toks[p].fold] || modals[toks[p].fold] || negators[toks[p].fold] || toks[p].tag == "RB") {
		p--
	}
	if p < 0 || d.inMention(s, p) {
		return nil, false
	}
	switch f := toks[p].fold; {
	case f == "both":
		return d.pairBefore(s, p), true
	case f == "they":
		// pronounActor found no one actor. Earlier in the sentence, actors joined as the
		// subject are they ("Chile and Bolivia signed, and they warned"); one nearer name
		// alone would be a guess
		if i := d.subjectOf(s, tr.lo); i >= 0 && len(d.coordinated(s, i, true)) >= 2 {
			return nil, false
		}
		return nil, true
	case f == "we":
		if id := d.quoteSpeaker(s, tr.hi); id != "" {
			return []string{id}, true
		}
		return nil, true
	}
	return nil, false
}

// pairBefore finds the two actors "both" at p stands for: the last pair of states, organs
// or groups coordinated earlier in the sentence or in the previous one. A bare "they" is
// left to pronounActor, which takes it for one actor only when one is in view: two actors
// named together may act together or apart ("Chile and Bolivia met. They warned Peru").
func (d *docState) pairBefore(s *sentence, p int) []string {
	look := func(ss *sentence, until int) []string {
		var last []string
		for i := 0; i < len(ss.mentions); i++ {
			if ss.mentions[i].hi > until {
				break
			}
			group := d.coordinated(ss, i, false)
			var ids []string
			for _, g := range group {
				if e := d.entities[ss.mentions[g].id]; e != nil && e.Kind != graph.Person && e.Kind != graph.Outlet && ss.mentions[g].hi <= until {
					ids = append(ids, ss.mentions[g].id)
				}
			}
			slices.Sort(ids)
			if ids = slices.Compact(ids); len(ids) == 2 {
				last = ids
			}
			i += len(group) - 1
		}
		return last
	}
	if ids := look(s, p); ids != nil {
		return ids
	}
	if d.prevSentence == nil || d.prevSentence.end > s.start {
		return nil
	}
	return look(d.prevSentence, len(d.prevSentence.toks))
}

// quoteSpeaker finds who speaks a quotation that goes on after token j: `"We warn Bolivia
// ...," the Chilean ministry said` or `..., said the ministry`.
func (d *docState) quoteSpeaker(s *sentence, j int) string {
	toks := s.toks
	for ; j < len(toks); j++ {
		if !closingQuotes[toks[j].text] {
			continue
		}
		k := j + 1
		if k < len(toks) && toks[k].fold == "the" {
			k++
		}
		for k+1 < len(toks) && titles[toks[k].fold] && toks[k].capital && !d.inMention(s, k) {
			k++ // `," Premier Ana Ruiz said`: the name after the title
		}
		if i := d.mentionIndexAt(s, k); i >= 0 && (s.mentions[i].lo == k || s.mentions[i].lo > j) {
			if v := s.mentions[i].hi; v < len(toks) && sayVerbs[toks[v].lemma] {
				return s.mentions[i].id
			}
			return ""
		}
		if k < len(toks) && statementNouns[toks[k].fold] && toks[k-1].fold == "the" && k+1 < len(toks) && sayVerbs[toks[k+1].lemma] {
			return d.statementAuthor // `..." the statement said`: whoever made it
		}
		if k < len(toks) && sayVerbs[toks[k].lemma] {
			k++
			if k < len(toks) && toks[k].fold == "the" {
				k++
			}
			if i := d.mentionIndexAt(s, k); i >= 0 && s.mentions[i].lo == k {
				return s.mentions[i].id
			}
		}
		return ""
	}
	return ""
}

// quoteSpeakerMention is quoteSpeaker's speaker as the index of its mention after token
// j, -1 when the quotation names none.
func (d *docState) quoteSpeakerMention(s *sentence, j int) int {
	id := d.quoteSpeaker(s, j)
	if id == "" {
		return -1
	}
	return slices.IndexFunc(s.mentions, func(m mention) bool { return m.id == id && m.lo > j })
}

// pronounWarning emits a warning whose subject is "both" or a quoted "we". It
// reports whether the subject was such a pronoun, in which case clause reads no other.
func (d *docState) pronounWarning(s *sentence, tr trigger, negated bool) bool {
	ids, ok := d.pronounWarners(s, tr)
	if !ok || len(ids) == 0 {
		return ok
	}
	tos, about, _ := d.objects(s, tr)
	if len(tos) == 0 {
		tos = d.warningAddressees(s, tr)
	}
	conf := 0.8 - 0.15 // a pronoun is less certain than a name
	if len(tos) == 0 {
		conf -= 0.2
		if topicFollows(s.toks, tr.hi) || tr.threat {
			conf += 0.1
		}
	}
	for _, from := range ids {
		if len(tos) == 0 {
			d.emit(s, tr.lo, tr.typ, from, "", about, negated, "", conf)
		}
		for _, oi := range tos {
			d.emit(s, tr.lo, tr.typ, from, s.mentions[oi].id, about, negated, "", conf)
		}
	}
	return true
}

// warningAddressees finds whom a warning is for when no name follows it directly: the
// target of a threat ("threatened to impose sanctions on Bolivia"), or the state whose
// people were told ("expressed concern to senior officials of the Bolivian government").
func (d *docState) warningAddressees(s *sentence, tr trigger) []int {
	toks := s.toks
	if tr.threat {
		act := tr.hi + 1 // the infinitive after "to"
		for j := act + 1; j < len(toks) && j <= act+10; j++ {
			f := toks[j].fold
			if toks[j].text == ";" || boundaries[f] || f == "if" || toks[j].text == "," {
				return nil
			}
			k := j
			if f == "the" {
				k++
			}
			i := d.mentionIndexAt(s, k)
			if i < 0 || s.mentions[i].lo != k || d.isPossessor(s, s.mentions[i]) {
				continue
			}
			prev := toks[j-1].fold
			if prev == "on" || prev == "against" || j == act+1 && directThreats[toks[act].lemma] {
				return d.addressees(s, i)
			}
			return nil
		}
		return nil
	}
	for j := tr.hi; j < len(toks) && j <= tr.hi+6; j++ {
		f := toks[j].fold
		if f == "to" || f == "with" || j == tr.hi && !tr.withTo && !tr.nominal {
			start := j
			if f == "to" || f == "with" {
				start++
			}
			// before "to" + verb: the tagger takes "top" in "to top officials" for a verb
			if i := d.officialsOf(s, start); i >= 0 {
				return d.addressees(s, i)
			}
			if f == "to" || f == "with" {
				return nil
			}
			continue
		}
		if f == "" || boundaries[f] || strings.HasPrefix(toks[j].tag, "V") {
			return nil
		}
	}
	return nil
}

// officialsOf reads a noun phrase at j made of a state's people, "senior officials of the
// Bolivian government", and returns the mention of the state (-1 when it is no such phrase).
func (d *docState) officialsOf(s *sentence, j int) int {
	toks := s.toks
	head := false
	for end := j + 8; j < len(toks) && j <= end; j++ {
		f, tg := toks[j].fold, toks[j].tag
		switch {
		case d.inMention(s, j):
			return -1 // a name comes first: that name is the addressee, read elsewhere
		case f == "of" && head:
			k := j + 1
			if k < len(toks) && toks[k].fold == "the" {
				k++
			}
			if i := d.mentionIndexAt(s, k); i >= 0 && s.mentions[i].lo == k && d.entities[s.mentions[i].id].Kind != graph.Person {
				return i
			}
			return -1
		case addresseeHeads[f]:
			head = true
		case tg == "DT" || tg == "JJ" || tg == "JJS" || tg == "PRP$" || tg == "CC" || strings.HasPrefix(tg, "NN") || strings.HasPrefix(tg, "VB"):
			// a verb tag here is a modifier the tagger misread ("top officials") or a
			// participle ("visiting officials")
			head = false // "officials' concerns of": the phrase's head must be the people
		default:
			return -1
		}
	}
	return -1
}

// nominalWarningHeld reports whether a warning named by a noun stands although a
// conditional comes before it: "unless Lima heeds Quito's warning" presupposes the
// warning, which was made; only its heeding is in doubt.
func (d *docState) nominalWarningHeld(s *sentence, tr trigger) bool {
	toks := s.toks
	for j := tr.lo - 1; j >= 0 && j >= tr.lo-6; j-- {
		if receivers[toks[j].lemma] && strings.HasPrefix(toks[j].tag, "VB") {
			return isPossessive(toks, tr.lo)
		}
		if !d.inMention(s, j) && toks[j].tag != "DT" && toks[j].tag != "JJ" && toks[j].tag != "POS" && toks[j].tag != "PRP$" && toks[j].tag != "RB" {
			return false
		}
	}
	return false
}

// unaddressedNominal reports a warning named by a noun that stands as an act with no one
// named as warned: its content follows ("its warning that", "statement of concern over"),
// and it has an author who made it.
func unaddressedNominal(toks []token, tr trigger) bool {
	return tr.hi < len(toks) && contentWords[toks[tr.hi].fold] && (tr.hi > tr.lo+1 || toks[tr.hi].fold == "that")
}

// receiverSubject is subjectOf for the verb at j that receives a warning, which may open a
// condition: in "if Canada did not heed the warning" the subject follows "if", which
// subjectOf takes for a preposition.
func (d *docState) receiverSubject(s *sentence, j int) int {
	if i := d.subjectOf(s, j); i >= 0 {
		return i
	}
	toks := s.toks
	p := j - 1
	for p >= 0 && (auxiliaries[toks[p].fold] || negators[toks[p].fold] || modals[toks[p].fold]) {
		p--
	}
	i := d.mentionIndexAt(s, p)
	if i < 0 || s.mentions[i].hi != p+1 || s.mentions[i].lo == 0 || !conditionals[toks[s.mentions[i].lo-1].fold] && toks[s.mentions[i].lo-1].fold != "when" {
		return -1
	}
	return i
}

// addressees is mention i and those coordinated with it, less a name that goes on to say
// something: in "concern to the Ruritanian government, Kessler said" Kessler is the speaker.
func (d *docState) addressees(s *sentence, i int) []int {
	return slices.DeleteFunc(d.coordinated(s, i, false), func(c int) bool {
		hi := s.mentions[c].hi
		return c != i && hi < len(s.toks) && sayVerbs[s.toks[hi].lemma] && strings.HasPrefix(s.toks[hi].tag, "VB")
	})
}

// noteStatementAuthor records who issued the statement s names, so that a later quotation
// "the statement said" has a speaker: "the Chinese Foreign Ministry statement", "Peru's
// statement", "Peru said in a statement", "a statement from Peru". A statement with no
// author named forgets the last one.
func (d *docState) noteStatementAuthor(s *sentence) {
	toks := s.toks
	for k, t := range toks {
		if !statementNouns[t.fold] || strings.HasPrefix(t.tag, "V") {
			continue
		}
		author := ""
		switch {
		case k > 0 && d.mentionEndsAt(s, k):
			author = s.mentions[d.mentionIndexAt(s, k-1)].id // "the Chinese Foreign Ministry statement"
		case k > 1 && possessiveOrQuote(toks[k-1].text) && d.mentionEndsAt(s, k-1):
			author = s.mentions[d.mentionIndexAt(s, k-2)].id // "Peru's statement"
		case k+2 < len(toks) && (toks[k+1].fold == "from" || toks[k+1].fold == "by"):
			j := k + 2
			if toks[j].fold == "the" && j+1 < len(toks) {
				j++
			}
			if i := d.mentionIndexAt(s, j); i >= 0 && s.mentions[i].lo == j {
				author = s.mentions[i].id // "a statement from Peru"
			}
		case k > 3 && toks[k-2].fold == "in" && sayVerbs[toks[k-3].lemma]:
			if i := d.subjectOf(s, k-3); i >= 0 {
				author = s.mentions[i].id // "Peru said in a statement"
			}
		case k > 0 && toks[k-1].fold == "the":
			continue // "the statement" names the last one again
		}
		if author == "" && d.statementAuthor != "" && !(k > 0 && toks[k-1].fold == "the") {
			d.statementAuthor = "" // another statement, whose author is not said
			continue
		}
		if author != "" {
			d.statementAuthor = author
		}
	}
}
