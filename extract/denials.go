package extract

import (
	"slices"
	"strings"

	"github.com/dossiergraph/dossier/graph"
)

// Denials the verb triggers of relations.go do not read, as real reporting writes them: a
// claim called false in a clause of its own ("the reports are baseless, the ministry
// said"), a disclaimer reported as speech ("said it had no role in"), the act as a noun
// ("Lima's denial of the claims"); and who denies and who is denied when the text names
// them only indirectly (a spokesperson for X, "but denies", "the network").

var (
	// denialNouns name a denial as an act: "Quito's denial of the allegations".
	denialNouns = set("denial", "denials", "rejection", "rebuttal", "repudiation")
	// involvementNouns are what "had no ... in" disclaims.
	involvementNouns = set("involvement", "role", "part", "hand", "link", "links", "connection", "connections",
		"ties", "knowledge", "responsibility", "wrongdoing")
	// doForms carry "nothing wrong": "it has done nothing wrong".
	doForms = set("do", "does", "did", "done", "doing")
	// spokesNouns speak for the organisation named after "for" or "of": "a spokesman for Lima".
	spokesNouns = set("spokesperson", "spokesman", "spokeswoman", "spokespeople", "spokesmen", "spokespersons",
		"official", "officials", "representative", "press")
	// outletEpithets re-name a news organisation: "the network rejected the claims".
	outletEpithets = set("network", "broadcaster", "newspaper")
	// wireOutlets report what others say; "the network" is never one of them.
	wireOutlets = set("reuters", "associated-press", "agence-france-presse", "bloomberg", "tass", "ria-novosti",
		"interfax", "xinhua")
	// haveForms carry "no involvement": "it had no role".
	haveForms = set("has", "have", "had", "having", "played", "plays", "bears", "bore")
	// condemnations reject claims they call false: "slammed the baseless allegations".
	condemnations = set("condemn", "denounce", "slam", "decry", "blast", "lambaste", "criticise", "criticize", "deplore")
	// rebuttalPhrases reject the claim noun that follows them: "pushed back against the
	// claims", "hit back at the reports", "refused to accept the findings". Keyed by lemma, then the words that must follow it.
	rebuttalPhrases = map[string][][]string{
		"push":   {{"back", "against"}, {"back", "on"}},
		"hit":    {{"back", "at"}},
		"pour":   {{"scorn", "on"}, {"cold", "water", "on"}},
		"refuse": {{"to", "accept"}, {"to", "recognise"}, {"to", "recognize"}, {"to", "acknowledge"}},
	}
	// groundNouns after "no" deny a claim its ground: "no truth to the claims", "no basis
	// for the allegations".
	groundNouns = set("truth", "basis", "foundation", "substance")
	// claimParticiples part a claim from its author: "charges coming from Quito".
	claimParticiples = set("coming", "made", "levelled", "leveled", "raised", "voiced", "issued", "published", "put")
	// stanceWords after "be" say what follows with insistence: "was adamant that".
	stanceWords = set("adamant", "insistent", "emphatic", "categorical", "firm", "clear")
	// truthWords negated call a claim false: "the reports are not true".
	truthWords = set("true", "correct", "accurate", "factual")
)

// findDenials reads the denials of s that no trigger verb carries. Each is asserted only
// outside conditionals and modal or negated speech.
func (d *docState) findDenials(s *sentence) {
	d.openingParticiple(s)
	d.copularDismissals(s)
	d.extraposedFalse(s)
	d.disclaimers(s)
	d.nominalDenials(s)
	d.condemnedClaims(s)
	d.rebuttals(s)
	d.counterAccusations(s)
	d.recordClaimOwners(s)
}

// recordClaimOwners remembers who the sentence says made claims ("the minister's claim",
// "the allegations from Quito"), about no one in particular, for a later denial that names
// no accuser (priorAccuser).
func (d *docState) recordClaimOwners(s *sentence) {
	for k, t := range s.toks {
		if !claimNouns[t.fold] {
			continue
		}
		if o := d.claimOwner(s, k, ""); o != "" && !slices.Contains(d.claims, claim{author: o}) {
			d.claims = append(d.claims, claim{author: o})
		}
	}
}

// condemnedClaims read a rejection by a verb of condemnation whose object is a claim called
// false: "Lima denounced the 'baseless' allegations", "slammed the fabricated reports",
// "condemned the reports as lies".
// Claims merely repeated or published ("repeated the false claims") are no denial.
func (d *docState) condemnedClaims(s *sentence) {
	toks := s.toks
	for k := 1; k < len(toks); k++ {
		if !claimNouns[toks[k].fold] || !strings.HasPrefix(toks[k].tag, "NN") || conditionalBefore(s, k) {
			continue
		}
		j := k - 1
		for j >= 0 && (toks[j].fold == "" && possessiveOrQuote(toks[j].text) || toks[j].tag == "RB" || toks[j].tag == "JJ" && !dismissals[toks[j].fold]) {
			j--
		}
		if j >= 0 && dismissals[toks[j].fold] {
			j-- // "slammed the fabricated reports"
		} else if calledFalseAs(toks, k+1) {
			j = k - 1 // "denounced the reports as lies"
		} else {
			continue
		}
		for ; j >= 0 && (toks[j].tag == "DT" || toks[j].tag == "PRP$" || toks[j].tag == "RB" || toks[j].tag == "JJ" || d.isPossessorAt(s, j) || toks[j].tag == "POS" || possessiveOrQuote(toks[j].text)); j-- {
		}
		if j < 0 || !condemnations[toks[j].lemma] || !strings.HasPrefix(toks[j].tag, "VB") || d.negatedAt(s, j) || d.modalAt(s, j) {
			continue
		}
		tr := trigger{typ: graph.Denied, lo: j, hi: j + 1}
		subj := d.denier(s, tr, d.subjectOf(s, j))
		if subj < 0 {
			continue
		}
		d.emitDenial(s, j, subj, d.claimOwner(s, k, s.mentions[subj].id))
	}
}

// calledFalseAs reports "as" at j followed, within a few words, by a dismissal: "as lies",
// "as a baseless smear".
func calledFalseAs(toks []token, j int) bool {
	if j >= len(toks) || toks[j].fold != "as" {
		return false
	}
	for p := j + 1; p < len(toks) && p <= j+4; p++ {
		if dismissals[toks[p].fold] {
			return true
		}
		if toks[p].fold == "" && !possessiveOrQuote(toks[p].text) || strings.HasPrefix(toks[p].tag, "VB") {
			return false
		}
	}
	return false
}

// counterAccusations name the accuser of a denial that names none by the accusation the
// denier makes back in the same sentence: "rejected the slanderous claims and accused
// Lima of incitement" answers Lima.
func (d *docState) counterAccusations(s *sentence) {
	if !slices.ContainsFunc(s.toks, func(t token) bool { return t.lemma == "accuse" }) {
		return // most sentences accuse no one: spare them the walk over the relations
	}
	span := Span{Start: s.start, End: s.end, Text: s.text}
	n := len(d.relations)
	for i := 0; i < n; i++ {
		r := d.relations[i]
		if r.Type != graph.Denied || r.To != nil || r.Negated || !slices.Contains(r.Evidence, span) {
			continue
		}
		for _, a := range d.relations[:n] {
			if a.Type == graph.Accused && a.From == r.From && a.To != nil && !a.Negated && slices.Contains(a.Evidence, span) {
				d.emit(s, -1, graph.Denied, r.From, *a.To, nil, false, "", r.Confidence+0.1)
				break
			}
		}
	}
}

// inHeadline reports a relation read from a headline alone: a line of its own, without a
// final full stop. The article tells the same act again, with more of it.
func (d *docState) inHeadline(r Relation) bool {
	if len(r.Evidence) != 1 {
		return false
	}
	sp := r.Evidence[0]
	before, after := strings.TrimRight(d.text[:sp.Start], " \t"), strings.TrimLeft(d.text[sp.End:], " \t")
	return !strings.Contains(sp.Text, "\n") && !strings.HasSuffix(sp.Text, ".") && (before == "" || strings.HasSuffix(before, "\n")) &&
		(after == "" || after[0] == '\n' || after[0] == '\r')
}

// conditionalBefore reports "if", "whether" or "unless" before token k in s.
func conditionalBefore(s *sentence, k int) bool {
	return slices.ContainsFunc(s.toks[:k], func(t token) bool { return conditionals[t.fold] })
}

// copularDismissals reads a claim called false by its own verb: "the claims are baseless,
// Lima said", "Lima said the reports were fabrications", "says Quito's allegations have
// been full of distortions". The speaker is the subject of the saying verb; the counterpart
// is the claims' author.
func (d *docState) copularDismissals(s *sentence) {
	toks := s.toks
	for k := 0; k < len(toks); k++ {
		if !claimNouns[toks[k].fold] || !strings.HasPrefix(toks[k].tag, "NN") && !saidClaimNoun(toks, k) || conditionalBefore(s, k) {
			continue
		}
		end := d.calledFalseAt(s, k)
		if end < 0 && d.falseClaimPredicate(s, k) {
			end = k // "these are baseless allegations"
		}
		if end < 0 {
			continue
		}
		speaker := d.speakerOf(s, k, end)
		if speaker < 0 || wireOutlets[s.mentions[speaker].id] {
			continue // a news agency that calls a claim false reports, it denies nothing
		}
		d.emitDenial(s, k, speaker, d.claimOwner(s, k, s.mentions[speaker].id))
		k = end
	}
}

// saidClaimNoun reports a claim word at k the tagger took for a verb right after a saying
// verb, as in "Lima says claims its agents spied are false": one verb does not follow
// another there, so it is the noun.
func saidClaimNoun(toks []token, k int) bool {
	return k > 0 && toks[k].tag == "VBZ" && sayVerbs[toks[k-1].lemma] && strings.HasPrefix(toks[k-1].tag, "VB")
}

// extraposedFalse reads a statement called false before it is given: "Lima said it was
// 'simply not true' that its ships were there", "'It is false that we armed them,' the
// minister said". The denier is the speaker; the counterpart, the prior accuser.
func (d *docState) extraposedFalse(s *sentence) {
	toks := s.toks
	for k := 0; k+3 < len(toks); k++ {
		if toks[k].fold != "it" || !beForms[toks[k+1].fold] || conditionalBefore(s, k) {
			continue
		}
		end, negated, called := -1, false, false
		for p := k + 2; p < len(toks) && p <= k+7 && end < 0; p++ {
			switch g := toks[p].fold; {
			case g == "that":
				end = p
			case negators[g]:
				negated = true
			case truthWords[g]:
				called = negated
			case g == "false" || g == "untrue":
				called = !negated
			case g == "" && possessiveOrQuote(toks[p].text), toks[p].tag == "RB":
			default:
				p = len(toks) // anything else: "it was not clear that", "it is true that"
			}
		}
		if end < 0 || !called {
			continue
		}
		if speaker := d.speakerOf(s, k, end); speaker >= 0 && !wireOutlets[s.mentions[speaker].id] {
			d.emitDenial(s, k, speaker, "")
		}
		k = end
	}
}

// calledFalseAt finds, after the claim noun at k, the verb "be" and a dismissal ("are
// baseless", "was 'absolutely false'", "have been full of misinformation", "are not
// true", "are politically motivated", "are without foundation", "were a fabrication"), or
// a claim said to have no ground ("have no basis"). It returns the index of
// the dismissal word, -1 when there is none. The claim's own clause may come between
// ("claims that Lima armed the rebels are false").
func (d *docState) calledFalseAt(s *sentence, k int) int {
	toks := s.toks
	for j := k + 1; j < len(toks) && j <= k+24; j++ {
		f := toks[j].fold
		if toks[j].text == ";" || toks[j].text == ":" || sayVerbs[toks[j].lemma] && strings.HasPrefix(toks[j].tag, "VB") {
			return -1
		}
		if haveForms[f] && f != "played" && f != "plays" && j+2 < len(toks) && toks[j+1].fold == "no" && (groundNouns[toks[j+2].fold] || toks[j+2].fold == "merit") {
			if d.negatedAt(s, j) || d.modalAt(s, j) {
				return -1
			}
			return j + 2 // "the claims have no basis in fact"
		}
		if f != "is" && f != "are" && f != "was" && f != "were" && f != "been" {
			continue
		}
		negated := false
		for p := j + 1; p < len(toks) && p <= j+5; p++ {
			g := toks[p].fold
			switch {
			case dismissals[g] || g == "motivated" && toks[p-1].fold == "politically" ||
				g == "without" && p+1 < len(toks) && (groundNouns[toks[p+1].fold] || toks[p+1].fold == "merit"):
				if negated {
					return -1 // "are not baseless"
				}
				return p
			case truthWords[g]:
				if negated {
					return p
				}
				return -1
			case negators[g]:
				negated = true
			case modals[g]:
				return -1
			case g == "" && possessiveOrQuote(toks[p].text), toks[p].tag == "RB", g == "full", g == "of", g == "a", g == "an", toks[p].tag == "JJ",
				g == "pure", g == "utterly", g == "totally", g == "completely", g == "absolutely", g == "entirely":
			default:
				return -1
			}
		}
		return -1
	}
	return -1
}

// falseClaimPredicate reports a claim noun at k that is the predicate of "be", called false
// by an adjective: "these are baseless allegations", "it was a fabricated story".
func (d *docState) falseClaimPredicate(s *sentence, k int) bool {
	toks := s.toks
	j := k - 1
	if j < 1 || !dismissals[toks[j].fold] {
		return false
	}
	for j--; j >= 0 && (toks[j].tag == "DT" || toks[j].tag == "RB" || possessiveOrQuote(toks[j].text)); j-- {
	}
	if j < 0 {
		return false
	}
	switch toks[j].fold {
	case "is", "are", "was", "were", "'s", "'re":
		return !d.negatedAt(s, j+1) && !d.modalAt(s, j+1)
	}
	return false
}

// speakerOf finds who called the claim at k false (dismissal word at end): the subject of
// a saying verb before the claim ("Lima said the claims were false"), or a mention just
// before or after a saying verb that follows the dismissal ("..., the Peruvian government
// said", "..., said Lima"). It returns a mention index or -1.
func (d *docState) speakerOf(s *sentence, k, end int) int {
	toks := s.toks
	for j := k - 1; j >= 0 && j >= k-8; j-- {
		if sayVerbs[toks[j].lemma] && strings.HasPrefix(toks[j].tag, "VB") {
			if d.negatedAt(s, j) || d.modalAt(s, j) {
				return -1
			}
			return d.subjectOf(s, j)
		}
		if stanceWords[toks[j].fold] && j > 0 && beForms[toks[j-1].fold] && j+1 < len(toks) && toks[j+1].fold == "that" {
			// "Lima was adamant that the reports were false": said with insistence
			if d.negatedAt(s, j) || d.modalAt(s, j-1) {
				return -1
			}
			return d.subjectOf(s, j-1)
		}
		if toks[j].fold != "that" && (toks[j].fold == "" && !possessiveOrQuote(toks[j].text) || strings.HasPrefix(toks[j].tag, "VB") || d.inMention(s, j) && j != k-1 && !d.isPossessorAt(s, j)) {
			break
		}
	}
	// the speech tag after the quote: ", the ministry said" or ", said the ministry"
	for j := end + 1; j < len(toks) && j <= end+12; j++ {
		if !sayVerbs[toks[j].lemma] || !strings.HasPrefix(toks[j].tag, "VB") {
			continue
		}
		if d.negatedAt(s, j) || d.modalAt(s, j) {
			return -1
		}
		for i := len(s.mentions) - 1; i >= 0; i-- {
			if m := s.mentions[i]; m.lo > end && m.hi <= j && !d.crossesBoundary(s, m.hi, j) {
				if m.lo > 0 && (toks[m.lo-1].tag == "IN" || toks[m.lo-1].tag == "TO") && toks[m.lo-1].fold != "that" {
					continue // "the chief of staff of Lima said": keep looking for the head
				}
				return i
			}
		}
		if i := d.mentionIndexAt(s, j+1); i >= 0 || j+2 < len(toks) && toks[j+1].fold == "the" {
			if i < 0 {
				i = d.mentionIndexAt(s, j+2)
			}
			return i
		}
		return -1
	}
	return -1
}

// isPossessorAt reports a mention at j that owns the next noun: "Quito's claims".
func (d *docState) isPossessorAt(s *sentence, j int) bool {
	i := d.mentionIndexAt(s, j)
	return i >= 0 && d.isPossessor(s, s.mentions[i])
}

// claimOwner finds who made the claims named by the noun at k: the possessor or demonym
// before it ("Quito's allegations", "the Chilean claims") or the "by"/"from" phrase after
// it ("allegations by Canadian authorities"). "Claims of Russian hacking" name the topic,
// not the author. It returns "" when the text does not say, or says it is the denier.
func (d *docState) claimOwner(s *sentence, k int, denier string) string {
	toks := s.toks
	owner := ""
	for j := k - 1; j >= 0 && j >= k-4; j-- {
		if i := d.mentionIndexAt(s, j); i >= 0 {
			if m := s.mentions[i]; m.hi == j+1 && (m.hi < len(toks) && toks[m.hi].tag == "POS" || m.hi == k || !m.pronoun) {
				owner = m.id
			}
			break
		}
		if tg := toks[j].tag; tg != "JJ" && tg != "POS" && tg != "RB" && tg != "VBN" && !possessiveOrQuote(toks[j].text) {
			break
		}
	}
	by := k + 1
	if by < len(toks) && claimParticiples[toks[by].fold] {
		by++ // "charges coming from Quito", "claims made by Lima"
	}
	if owner == "" && by+1 < len(toks) && (toks[by].fold == "by" || toks[by].fold == "from") {
		j := by + 1
		if toks[j].fold == "the" && j+1 < len(toks) {
			j++
		}
		if i := d.mentionIndexAt(s, j); i >= 0 && s.mentions[i].lo == j {
			owner = s.mentions[i].id
		}
	}
	if owner == denier {
		return ""
	}
	return owner
}

// claimOwnerIn finds the author of a claim the sentence names anywhere, for a denial that
// names none: "denied the tariff targets miners and says Quito's claims are distortions".
// It returns "" unless exactly one author is named.
func (d *docState) claimOwnerIn(s *sentence, denier string) string {
	owner := ""
	for k, t := range s.toks {
		if !claimNouns[t.fold] {
			continue
		}
		if o := d.claimOwner(s, k, denier); o != "" {
			if owner != "" && owner != o {
				return ""
			}
			owner = o
		}
	}
	return owner
}

// priorAccuser is the one the article has shown accusing the denier: the author of an
// accusation against it ("the US accused Iran of sabotage"), else the one author of claims
// about it ("Lima maintains that Quito armed the rebels"). None when several made claims.
func (d *docState) priorAccuser(denier string) (string, bool) {
	if a, ok := d.accuserOf(denier); ok {
		return a, true
	}
	// "the Peruvian embassy denied the claims" answers the charges against Peru, and so
	// does "Peruvian Foreign Minister Ana Ruiz denied them"
	state := d.stateOf(denier)
	if state == "" {
		state = d.officialOf[denier]
	}
	if state != "" {
		if a, ok := d.accuserOf(state); ok && a != denier {
			return a, true
		}
	}
	return "", false
}

// stateOf is the government an agency's name says it belongs to ("Peruvian Embassy",
// "Chile Foreign Ministry"), "" for any other entity.
func (d *docState) stateOf(id string) string {
	if e := d.entities[id]; e == nil || e.Kind != graph.Agency {
		return ""
	}
	return d.namedState(id)
}

// namedState is the government the first word of an entity's name names ("Peruvian
// intelligence officers", "Chile Foreign Ministry"), "" when it names none.
func (d *docState) namedState(id string) string {
	e := d.entities[id]
	if e == nil {
		return ""
	}
	first, _, _ := strings.Cut(d.fold(e.Name), " ")
	return d.stateNamedBy(first)
}

// stateNamedBy is the government a folded word names as its demonym or its name
// ("peruvian", "chile"), "" for any other word.
func (d *docState) stateNamedBy(word string) string {
	if g, ok := d.x.world.demonym[word]; ok {
		return g.ID
	}
	if g, ok := d.lookup(word); ok && g.Kind == graph.Government {
		return g.ID
	}
	return ""
}

// accuserOf is priorAccuser for the denier itself.
func (d *docState) accuserOf(denier string) (string, bool) {
	for i := len(d.relations) - 1; i >= 0; i-- {
		r := d.relations[i]
		if r.Type == graph.Accused && r.To != nil && *r.To == denier && !r.Negated && r.From != denier {
			return r.From, true
		}
	}
	author := ""
	for _, c := range d.claims {
		if c.about != denier || c.author == denier {
			continue
		}
		if author != "" && author != c.author {
			return "", false // claims from several: whose is denied is not said
		}
		author = c.author
	}
	if author != "" {
		return author, true
	}
	// "Oslo expelled two Latvian attachés over the break-in. Riga rejected the
	// allegations": the one state that acted against the denier stands behind the charge
	for _, r := range d.relations {
		if r.Type != graph.Expelled || r.To == nil || *r.To != denier || r.Negated || r.From == denier {
			continue
		}
		if author != "" && author != r.From {
			return "", false
		}
		author = r.From
	}
	if author != "" {
		return author, true
	}
	// "a claim from a Chilean deputy ... Peru denied the report": the one author of claims
	// the article has named
	for _, c := range d.claims {
		if c.about != "" || c.author == denier {
			continue
		}
		if author != "" && author != c.author {
			return "", false
		}
		author = c.author
	}
	return author, author != ""
}

// denialCounterpart finds the accuser of a denial that names none after its verb: the
// author the claim noun or the clause shows (accuser), then the author of a claim named
// elsewhere in the sentence; a denial of a that-clause ("denied that it armed them")
// answers the article's prior accuser, as a disclaimer does.
func (d *docState) denialCounterpart(s *sentence, tr trigger, denier string) (string, bool) {
	if a, ok := d.accuser(s, tr, denier); ok {
		return a, true
	}
	if o := d.claimOwnerIn(s, denier); o != "" {
		return o, true
	}
	if denialOfClause(s.toks, tr.hi) {
		return d.priorAccuser(denier)
	}
	return "", false
}

// disclaimers read a denial of involvement reported as speech: "Lima said it had no role
// in the attack", "said they had nothing to do with it", "said it was not involved",
// "insists it has done nothing wrong". The
// speaker is the one the pronoun stands for; the counterpart is the prior accuser.
func (d *docState) disclaimers(s *sentence) {
	toks := s.toks
	for k := 1; k < len(toks); k++ {
		lo := -1 // the first token of the verb phrase that disclaims
		switch f := toks[k].fold; {
		case f == "no" && haveForms[toks[k-1].fold]:
			for j := k + 1; j < len(toks) && j <= k+3; j++ {
				if involvementNouns[toks[j].fold] {
					lo = k - 1
					break
				}
				if toks[j].tag != "JJ" && toks[j].tag != "RB" {
					break
				}
			}
		case f == "nothing" && haveForms[toks[k-1].fold] && k+3 < len(toks) && toks[k+1].fold == "to" && toks[k+2].fold == "do" && toks[k+3].fold == "with":
			lo = k - 1
		case f == "involved" && negators[toks[k-1].fold] && k > 1 && beForms[toks[k-2].fold]:
			lo = k - 2
		case f == "nothing" && doForms[toks[k-1].fold] && k+1 < len(toks) && toks[k+1].fold == "wrong":
			lo = k - 1 // "insists it has done nothing wrong"
		}
		if lo < 0 || conditionalBefore(s, lo) || d.modalAt(s, lo) {
			continue
		}
		sp, ok := d.speakerPronoun(s, trigger{typ: graph.Denied, lo: lo, hi: lo + 1})
		if !ok {
			continue
		}
		d.emitDenial(s, lo, sp, "")
	}
}

// nominalDenials read the act as a noun: "Quito's denial of the claims", "a flat denial
// from Lima", "Lima issued a denial". The denier is the possessor, the "by"/"from" phrase
// or the subject of the verb that delivers the denial; what is denied must not be a thing
// withheld ("denial of entry").
func (d *docState) nominalDenials(s *sentence) {
	toks := s.toks
	for k, t := range toks {
		if !denialNouns[t.fold] || !strings.HasPrefix(t.tag, "NN") || conditionalBefore(s, k) {
			continue
		}
		if k+1 < len(toks) && toks[k+1].fold == "of" && k+2 < len(toks) {
			j := k + 2
			for j < len(toks) && (toks[j].tag == "DT" || toks[j].tag == "PRP$") {
				j++
			}
			if j < len(toks) && (withheld[toks[j].fold] || sentAwayNouns[toks[j].fold]) {
				continue
			}
		}
		from := -1
		for j := k - 1; j >= 0 && j >= k-4; j-- {
			if i := d.mentionIndexAt(s, j); i >= 0 {
				if s.mentions[i].hi == j+1 {
					from = i // "Lima's denial", "the Peruvian rejection"
				}
				break
			}
			if tg := toks[j].tag; tg != "JJ" && tg != "POS" && tg != "RB" {
				break
			}
		}
		if from < 0 && k+2 < len(toks) && (toks[k+1].fold == "by" || toks[k+1].fold == "from") {
			j := k + 2
			if toks[j].fold == "the" && j+1 < len(toks) {
				j++
			}
			if i := d.mentionIndexAt(s, j); i >= 0 && s.mentions[i].lo == j {
				from = i
			}
		}
		if from < 0 {
			g := k - 1
			for g >= 0 && (toks[g].tag == "DT" || toks[g].tag == "JJ" || toks[g].tag == "RB") {
				g--
			}
			if g >= 0 && conveyVerbs[toks[g].lemma] && strings.HasPrefix(toks[g].tag, "VB") && !d.modalAt(s, g) && !d.negatedAt(s, g) {
				from = d.subjectOf(s, g) // "Lima issued a denial"
			}
		}
		if from < 0 {
			continue
		}
		denier := s.mentions[from].id
		to := ""
		for j := k + 1; j < len(toks) && j <= k+5; j++ {
			if claimNouns[toks[j].fold] {
				to = d.claimOwner(s, j, denier)
				break
			}
			if toks[j].fold == "" && !possessiveOrQuote(toks[j].text) || strings.HasPrefix(toks[j].tag, "VB") {
				break
			}
		}
		d.emitDenial(s, k, from, to)
	}
}

// denier refines the subject subjectOf found for the denial verb tr: "a spokesperson for
// Lima denied" is Lima's denial, and "Quito has troops at the border but denies that" is
// Quito's, the subject of the clause the denial is joined to.
func (d *docState) denier(s *sentence, tr trigger, subj int) int {
	toks := s.toks
	p := tr.lo - 1
	for p >= 0 && (auxiliaries[toks[p].fold] || negators[toks[p].fold] || modals[toks[p].fold] || toks[p].tag == "RB") {
		p--
	}
	if toks[tr.lo].tag == "VBG" && tr.lo > 0 && toks[tr.lo-1].text == "," {
		return d.participleSubject(s, tr.lo-1, subj)
	}
	if p < 0 {
		return subj
	}
	if p > 1 && (toks[p].fold == "which" || toks[p].fold == "who") && toks[p-1].text == "," {
		// "Lima, which denies the charges, recalled its envoy"
		if i := d.mentionIndexAt(s, p-2); i >= 0 && s.mentions[i].hi == p-1 {
			return i
		}
		return -1
	}
	if i := d.mentionIndexAt(s, p); i >= 0 && s.mentions[i].hi == p+1 {
		m := s.mentions[i]
		q := m.lo - 1
		if q > 0 && toks[q].fold == "the" {
			q--
		}
		if q > 0 && (toks[q].fold == "for" || toks[q].fold == "of" || toks[q].fold == "at" || toks[q].fold == "in") && spokesNouns[toks[q-1].fold] {
			return i // "a spokesman for the Peruvian cabinet denied"
		}
		return subj
	}
	if subj < 0 && (toks[p].fold == "but" || toks[p].fold == "and") {
		// the verb of the clause the denial is joined to, and its subject
		for j := p - 1; j >= 0; j-- {
			if toks[j].text == ";" || boundaries[toks[j].fold] {
				break
			}
			if tg := toks[j].tag; (tg == "VBD" || tg == "VBZ" || tg == "VBP") && !d.inMention(s, j) {
				return d.subjectOf(s, j)
			}
		}
	}
	return subj
}

// outletEpithetAt reads "the network", "the Lima-based broadcaster" at token i as the one
// news organisation, not a wire service, the article has named so far. It returns the
// tokens consumed, 0 when the words are no such epithet or the outlet is not unique.
func (d *docState) outletEpithetAt(s *sentence, i int) int {
	toks := s.toks
	if toks[i].fold != "the" {
		return 0
	}
	head := -1
	for j := i + 1; j < len(toks) && j <= i+4; j++ {
		if outletEpithets[toks[j].fold] && (j+1 == len(toks) || !strings.HasPrefix(toks[j+1].tag, "NN") && toks[j+1].fold != "of") {
			head = j
			break
		}
		// only a place or a name may qualify it: "the Andean network", "the Quito-based
		// broadcaster", never "the spy network"
		if !toks[j].capital && toks[j].text != "-" && toks[j].fold != "based" {
			return 0
		}
	}
	if head < 0 {
		return 0
	}
	outlet := ""
	for _, id := range d.order {
		if e := d.entities[id]; e.Kind == graph.Outlet && !wireOutlets[id] {
			if outlet != "" {
				return 0 // two outlets: which one is meant is not said
			}
			outlet = id
		}
	}
	if outlet == "" {
		return 0
	}
	s.mentions = append(s.mentions, mention{id: outlet, lo: i, hi: head + 1})
	return head + 1 - i
}

// prepAfterNoun reports a mention m whose preposition belongs to a noun before it, the
// article between them allowed: "denied any links to the FSB", "travel to the United
// States". What such a phrase names is a topic; a noun of answer ("in response to") is the
// exception, whose object is the counterpart.
func (d *docState) prepAfterNoun(s *sentence, m mention) bool {
	toks := s.toks
	p := m.lo - 1 // the preposition
	if p > 0 && (toks[p].fold == "the" || toks[p].fold == "its" || toks[p].fold == "their") {
		p--
	}
	n := p - 1
	return n >= 0 && strings.HasPrefix(toks[n].tag, "NN") && !d.inMention(s, n) && !answers[toks[n].fold]
}

// participleSubject finds the actor of a denial in a participle after the comma at c,
// "rejected the accusation, calling the claims absurd", "he said, calling them lies": the
// denier the sentence named before, else the subject of the last finite verb before the
// comma. subj (the nearest mention) is kept only when neither is found.
func (d *docState) participleSubject(s *sentence, c, subj int) int {
	span := Span{Start: s.start, End: s.end, Text: s.text}
	for _, r := range d.relations {
		if r.Type == graph.Denied && slices.Contains(r.Evidence, span) {
			for i, m := range s.mentions {
				if m.id == r.From && m.hi <= c {
					return i
				}
			}
		}
	}
	for j := c - 1; j >= 0; j-- {
		if tg := s.toks[j].tag; (tg == "VBD" || tg == "VBZ" || tg == "VBP") && s.toks[j].fold != "" && !d.inMention(s, j) {
			if i := d.subjectOf(s, j); i >= 0 {
				return i
			}
			break
		}
	}
	return subj
}

// rebuttals read the phrases of rebuttalPhrases and "there is no truth to the claims" (or
// no basis, foundation or substance): a
// rejection of the claim noun that follows, by the verb's subject (or, for "no truth", the
// speaker).
func (d *docState) rebuttals(s *sentence) {
	toks := s.toks
	for k := 0; k+2 < len(toks); k++ {
		lo, hi := -1, -1
		if phrases, ok := rebuttalPhrases[toks[k].lemma]; ok && strings.HasPrefix(toks[k].tag, "VB") {
			for _, ph := range phrases {
				if k+len(ph) < len(toks) && slices.EqualFunc(ph, toks[k+1:k+1+len(ph)], func(w string, t token) bool { return w == t.fold }) {
					lo, hi = k, k+1+len(ph)
					break
				}
			}
		}
		noTruth := toks[k].fold == "no" && groundNouns[toks[k+1].fold] && (toks[k+2].fold == "to" || toks[k+2].fold == "in" || toks[k+2].fold == "for")
		if noTruth {
			lo, hi = k, k+3
		}
		if lo < 0 || conditionalBefore(s, lo) {
			continue
		}
		claimAt := -1
		for j := hi; j < len(toks) && j <= hi+4; j++ {
			if claimNouns[toks[j].fold] || requestNouns[toks[j].fold] || noTruth && toks[j].fold == "it" {
				claimAt = j
				break
			}
			if toks[j].fold == "" && !possessiveOrQuote(toks[j].text) || strings.HasPrefix(toks[j].tag, "VB") {
				break
			}
		}
		if claimAt < 0 {
			continue
		}
		var subj int
		if noTruth {
			at := lo
			if at > 1 && (toks[at-1].fold == "was" || toks[at-1].fold == "is") && toks[at-2].fold == "there" {
				at -= 2 // "said there was no truth to"
			}
			subj = d.speakerOf(s, at, claimAt)
		} else {
			if d.negatedAt(s, lo) || d.modalAt(s, lo) {
				continue
			}
			subj = d.denier(s, trigger{typ: graph.Denied, lo: lo, hi: lo + 1}, d.subjectOf(s, lo))
		}
		if subj < 0 {
			continue
		}
		d.emitDenial(s, lo, subj, d.claimOwner(s, claimAt, s.mentions[subj].id))
		k = claimAt
	}
}

// unnamedSubject reports an act verb whose own subject is a common noun phrase that names
// no actor ("Lima said the rebels denied the claims"): the nearest actor to its left is then
// only a guess. A possessor ("Lima's envoy denied") or a spokesperson for someone names one.
func (d *docState) unnamedSubject(s *sentence, tr trigger) bool {
	toks := s.toks
	p := tr.lo - 1
	for p >= 0 && (auxiliaries[toks[p].fold] || negators[toks[p].fold] || modals[toks[p].fold] || toks[p].tag == "RB") {
		p--
	}
	if p < 0 || !strings.HasPrefix(toks[p].tag, "NN") || d.inMention(s, p) || spokesNouns[toks[p].fold] {
		return false
	}
	j := p - 1
	for j >= 0 && !d.inMention(s, j) && (toks[j].tag == "JJ" || strings.HasPrefix(toks[j].tag, "NN") || toks[j].tag == "VBN") {
		j--
	}
	if j >= 0 && (d.inMention(s, j) || toks[j].tag == "POS" || toks[j].tag == "PRP$") {
		return false // "Lima's envoy", "its embassy": owned by someone named
	}
	for j >= 0 && (toks[j].tag == "DT" || toks[j].tag == "CD") {
		j-- // "the two men"
	}
	return j < 0 || toks[j].fold == "that" || toks[j].text == "," || sayVerbs[toks[j].lemma] && strings.HasPrefix(toks[j].tag, "VB")
}

// openingParticiple reads a denial verb that opens the sentence as a participle, which the
// triggers miss for its capital: "Rejecting the allegations, Lima said it would cooperate".
func (d *docState) openingParticiple(s *sentence) {
	toks := s.toks
	k := 0
	for k < len(toks) && toks[k].fold == "" {
		k++
	}
	if k >= len(toks) || toks[k].tag != "VBG" || !toks[k].capital {
		return
	}
	if verbTriggers[d.lemmas.lemma(strings.ToLower(toks[k].text))] != graph.Denied || !d.deniesClaim(s, k) {
		return
	}
	// the denier is the subject of the clause after the comma
	c := slices.IndexFunc(toks[k:], func(t token) bool { return t.text == "," || t.text == ";" })
	if c < 0 || toks[k+c].text != "," {
		return
	}
	c += k
	j := c + 1
	if j+1 < len(toks) && toks[j].fold == "the" {
		j++
	}
	subj := d.mentionIndexAt(s, j)
	if subj < 0 || s.mentions[subj].lo != j {
		return
	}
	denier := s.mentions[subj].id
	to := ""
	for i := k + 1; i < c && to == ""; i++ {
		if claimNouns[toks[i].fold] {
			to = d.claimOwner(s, i, denier)
		}
	}
	d.emitDenial(s, k, subj, to)
}

// emitDenial writes the denial by mention subj of the claims of to or, when the sentence
// names no owner of the claims, of the article's prior accuser. A pronoun for the denier
// and a denial that answers nobody are less certain.
func (d *docState) emitDenial(s *sentence, at, subj int, to string) {
	denier := s.mentions[subj].id
	conf := 0.7
	if s.mentions[subj].pronoun {
		conf -= 0.15
	}
	if to == "" {
		to, _ = d.priorAccuser(denier)
	}
	if to == "" {
		conf -= 0.1
	}
	d.emit(s, at, graph.Denied, denier, to, nil, false, "", conf)
}
