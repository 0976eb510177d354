package extract

import (
	"math"
	"slices"
	"strings"

	"github.com/dossiergraph/dossier/graph"
)

// Trigger lexicons, by lemma. Multi-word triggers are matched in triggerAt.
var (
	verbTriggers = map[string]graph.RelationType{
		"warn": graph.Warned, "caution": graph.Warned, "alert": graph.Warned, "brief": graph.Warned,
		"forewarn": graph.Warned,
		"deny":     graph.Denied, "dismiss": graph.Denied, "reject": graph.Denied, "rebuff": graph.Denied,
		"downplay": graph.Denied, "refute": graph.Denied, "resist": graph.Denied,
		"expel": graph.Expelled,
		"urge":  graph.Requested, "ask": graph.Requested, "press": graph.Requested, "request": graph.Requested,
		"pressure": graph.Requested, "implore": graph.Requested,
		"threaten": graph.Warned,
		"accuse":   graph.Accused,
		"arrest":   graph.Arrested, "detain": graph.Arrested,
	}
	// particleTriggers are phrasal verbs: lemma + particle.
	particleTriggers = map[[2]string]graph.RelationType{
		{"brush", "off"}: graph.Denied, {"brush", "aside"}: graph.Denied, {"shrug", "off"}: graph.Denied,
		{"wave", "off"}: graph.Denied, {"wave", "away"}: graph.Denied, {"turn", "down"}: graph.Denied,
		{"play", "down"}: graph.Denied,
		{"scoff", "at"}:  graph.Denied,
		{"kick", "out"}:  graph.Expelled, {"throw", "out"}: graph.Expelled,
		{"call", "on"}: graph.Requested, {"call", "upon"}: graph.Requested,
	}
	// concernNouns after raise/voice/express make a warning: "raised concerns with Mexico".
	concernNouns = set("concern", "concerns", "alarm", "alarms", "issue", "matter", "question", "questions",
		"worries", "worry", "flag", "flags", "objection", "objections", "suspicion", "suspicions")
	// dismissals make "called X a fabrication" a denial.
	dismissals = set("fabrication", "fabricated", "lie", "lies", "fake", "baseless", "unfounded", "groundless",
		"nonsense", "absurd", "slander", "slanderous", "false", "fiction", "speculation", "propaganda", "russophobia", "russophobic",
		"untrue", "ridiculous", "unsubstantiated", "misinformation", "disinformation", "distortion", "distortions",
		"fabrications", "mania", "hysteria", "preposterous", "smear")
	// requestNouns are the things a refusal refuses: "refused requests to expel".
	requestNouns = set("request", "requests", "demand", "demands", "call", "calls", "appeal", "appeals",
		"pressure", "application", "applications", "bid", "bids", "push", "entreaties")
	// doneGovernors assert the act they govern: "decided to expel".
	doneGovernors = set("decide", "move", "vote", "proceed", "go", "begin", "start")
	// clauseOpeners start a clause whose subject is its own: "told Reuters, after officials
	// deemed him persona non grata".
	clauseOpeners = set("while", "but", "although", "because", "after", "before", "when", "until", "unless", "whereas")
	// claimNouns are what a denial denies; their author is its counterpart.
	claimNouns = set("allegation", "allegations", "accusation", "accusations", "claim", "claims", "charge",
		"charges", "assertion", "assertions", "suggestion", "suggestions", "report", "reports", "assessment",
		"assessments", "conclusion", "conclusions", "finding", "findings", "implication", "implications",
		"insinuation", "insinuations")
	// claimVerbs assert what another did: "maintains that Quito armed the rebels".
	claimVerbs = set("allege", "claim", "maintain", "charge", "contend", "assert", "insist", "accuse", "suggest")
	// sayVerbs report speech: in "X said it rejects", "it" is X.
	sayVerbs = set("say", "add", "state", "announce", "insist", "tell", "declare", "stress", "reply", "respond")
	// receivers are those who got a warning named by a noun: "Ottawa heeded Beijing's warning".
	receivers = set("heed", "disregard", "receive", "get", "defy", "ignore", "dismiss", "reject")
	// conveyVerbs pass on a warning or request named by a noun: "sent warnings to Mexico".
	// causatives make their object the actor of the act they govern: "led Mexico to expel".
	causatives = set("lead", "prompt", "force", "compel", "cause", "spur", "push", "drive")
	// attempts assert a denial or warning, which is made in the trying: "sought to play down".
	attempts = set("seek", "try", "attempt", "move", "rush", "hasten")
	// answers make a warning "in response to X" one addressed to X.
	answers = set("response", "reply", "answer", "retaliation", "riposte")
	// withheld are what a state denies someone rather than a claim it denies.
	withheld = set("entry", "access", "visa", "visas", "permission", "accreditation", "passage", "asylum", "bail",
		"landing", "overflight", "clearance", "admission", "service", "services", "comment", "comments")
	// sentAwayNouns are the people a state sends away: its envoys and the foreign press.
	sentAwayNouns = set("diplomat", "diplomats", "ambassador", "ambassadors", "envoy", "envoys", "consul",
		"consuls", "attaché", "attachés", "attache", "attaches", "emissary", "emissaries", "representative",
		"representatives", "chargé", "charge", "correspondent", "correspondents", "journalist", "journalists",
		"reporter", "reporters")
	// departures complete "asked the ambassador to leave": an expulsion.
	departures = set("leave", "depart", "quit", "exit")
	// expulsionGovernors have the expeller as subject: "announced the expulsion of".
	expulsionGovernors = set("announce", "order", "confirm", "approve", "carry", "declare", "decree", "make")
	// objectPronouns stand for the people last named: "declined to expel them".
	objectPronouns = set("them", "him", "her")
	conveyVerbs    = set("send", "issue", "deliver", "give", "relay", "pass", "convey", "repeat", "make", "lodge")
	modals         = set("may", "might", "could", "would", "should", "will", "can", "must", "shall", "'d", "'ll", "wo", "ca")
	negators       = set("not", "n't", "never", "no", "neither", "nor")
	auxiliaries    = set("do", "does", "did", "has", "have", "had", "be", "is", "are", "was", "were", "been",
		"being", "also", "still", "yet", "ever", "formally", "officially", "repeatedly", "publicly", "privately",
		"quietly", "flatly", "firmly", "swiftly", "later", "eventually", "then", "once", "again", "already",
		"reportedly", "allegedly", "directly", "personally", "explicitly", "effectively", "so", "far", "in",
		"fact", "subsequently", "immediately", "ultimately", "even", "just", "only", "twice", "openly", "strongly", "sharply", "curtly", "abruptly", "angrily")
	beForms       = set("be", "is", "are", "was", "were", "been", "being", "get", "got", "gets", "'s", "'re")
	conditionals  = set("if", "whether", "unless")
	boundaries    = set("that", "which", "who", "whom", "whose", "because", "but", "while", "although", "though", "after", "before", "when", "since", "saying", "said", "says", "where", "until", "whereas", "so")
	topicPreps    = set("about", "over", "on", "regarding", "concerning", "of", "against", "around")
	locationPreps = set("in", "at", "across", "inside", "within", "into", "near", "throughout", "outside")
)

// trigger is an act word found in a sentence.
type trigger struct {
	typ     graph.RelationType
	lo, hi  int  // tokens of the trigger
	nominal bool // "warnings", "requests": the act as a noun
	withTo  bool // the addressee comes after "with"/"to": "raised concerns with"
	refusal bool // a negated acceptance, "would not accept the request": a denial when negated
	threat  bool // a threat of punishment, "threatened to impose sanctions": its target follows the act
}

// findRelations reads the acts in s.
func (d *docState) findRelations(s *sentence) {
	defer func() { d.prevSentence = s }()
	d.sentenceDate(s)
	d.noteStatementAuthor(s)
	toks := s.toks
	d.findClaims(s)
	var refusal *trigger // the clause's refusal, whose requests are not granted
	refusalSubject := -1 // mention index of the refuser
	for k := 0; k < len(toks); k++ {
		if k > 0 && toks[k].fold == "" && (toks[k].text == ";" || toks[k].text == ":") {
			refusal, refusalSubject = nil, -1
		}
		tr, ok := d.triggerAt(s, k)
		if !ok {
			continue
		}
		if tr.typ == graph.Denied && !tr.nominal { // every denial refuses what it is about
			t := tr
			refusal = &t
			refusalSubject = d.subjectOf(s, tr.lo)
		}
		if tr.nominal {
			d.nominal(s, tr, refusal, refusalSubject)
			k = tr.hi - 1
			continue
		}
		negated, asserted, viaRefusal := d.modality(s, tr, refusal)
		if tr.refusal {
			// "will not accept the junta's request" is a denial made, and only a negated
			// acceptance is one
			negated, asserted = false, negated
		}
		negated, asserted = d.warningModality(s, tr, negated, asserted)
		if !asserted || isQuestion(s) {
			k = tr.hi - 1
			continue
		}
		d.clause(s, tr, negated, viaRefusal, refusalSubject)
		k = tr.hi - 1
	}
	d.findDenials(s)
}

// claim is an assertion one actor made about another: "Lima maintains that Quito armed
// the rebels". It is no relation of its own, but names whose allegations a later denial
// by the other denies.
type claim struct{ author, about string }

// findClaims records the claims of s: a claim verb, "that", and an actor opening the clause.
func (d *docState) findClaims(s *sentence) {
	toks := s.toks
	for k := 0; k+2 < len(toks); k++ {
		if !claimVerbs[toks[k].lemma] || !strings.HasPrefix(toks[k].tag, "V") || toks[k+1].fold != "that" {
			continue
		}
		author := d.subjectOf(s, k)
		j := k + 2
		if toks[j].fold == "the" && j+1 < len(toks) {
			j++
		}
		about := d.mentionIndexAt(s, j)
		if author < 0 || about < 0 || s.mentions[about].lo != j || s.mentions[author].pronoun || s.mentions[about].pronoun {
			continue
		}
		if a, b := s.mentions[author].id, s.mentions[about].id; a != b {
			d.claims = append(d.claims, claim{author: a, about: b})
		}
	}
}

// denialOfClause reports a denial verb whose object is a that-clause ("denies that it plans
// a strike", or without "that": "denied it had any role"): it refutes a statement, which
// need not name who made it.
func denialOfClause(toks []token, hi int) bool {
	if hi+1 >= len(toks) {
		return false
	}
	return pronounClauseAt(toks, hi) || toks[hi].fold == "that" && toks[hi+1].tag != "NN" && toks[hi+1].tag != "NNS"
}

// deniesDeed reports a denial whose object is a gerund, a deed of the denier's own:
// "denied having warned", "denied ever expelling".
func deniesDeed(toks []token, hi int) bool {
	if hi < len(toks) && toks[hi].fold == "ever" {
		hi++
	}
	return hi < len(toks) && (toks[hi].fold == "having" || toks[hi].tag == "VBG" && verbTriggers[toks[hi].lemma] != "")
}

// pronounClauseAt reports a clause without its "that" opening at j with a pronoun subject
// and its verb: "denied it had any role", "warned they would respond".
func pronounClauseAt(toks []token, j int) bool {
	if j+1 >= len(toks) {
		return false
	}
	if f := toks[j].fold; !nominative(f) && f != "it" && f != "we" {
		return false
	}
	return auxiliaries[toks[j+1].fold] || modals[toks[j+1].fold] || toks[j+1].tag == "VBD" || toks[j+1].tag == "VBZ"
}

// triggerAt recognises a trigger starting at token k.
func (d *docState) triggerAt(s *sentence, k int) (trigger, bool) {
	toks := s.toks
	t := toks[k]
	if t.fold == "" || t.capital && k > 0 && !isSentenceStart(toks, k) {
		return trigger{}, false
	}
	if tr, ok := d.warningTriggerAt(s, k); ok {
		return tr, true
	}
	lemma := t.lemma
	isVerb := len(t.tag) > 0 && t.tag[0] == 'V'
	if t.fold == "warning" && k > 0 {
		// "a travel warning for Latvia", "its stern warning": the tagger's VBG is the noun
		switch toks[k-1].tag {
		case "DT", "JJ", "NN", "NNS", "PRP$", "POS":
			isVerb = false
		}
	}
	next := func(n int) string {
		if k+n < len(toks) {
			return toks[k+n].fold
		}
		return ""
	}
	if tr, ok := d.expulsionTriggerAt(s, k); ok {
		return tr, true
	}
	switch {
	case (t.fold == "expulsion" || t.fold == "expulsions") && next(1) == "of":
		return trigger{typ: graph.Expelled, lo: k, hi: k + 1, nominal: true}, true
	case (lemma == "ask" || lemma == "tell" || lemma == "instruct" || lemma == "give" || lemma == "direct" || lemma == "order") && isVerb && d.toLeave(s, k):
		return trigger{typ: graph.Expelled, lo: k, hi: k + 1}, true
	case t.fold == "warnings" || t.fold == "warning" && !isVerb:
		return trigger{typ: graph.Warned, lo: k, hi: k + 1, nominal: true}, true
	case (t.fold == "request" || t.fold == "requests" || t.fold == "demands") && !isVerb &&
		(next(1) == "from" || next(1) == "by" || isPossessive(toks, k) || d.mentionEndsAt(s, k)):
		return trigger{typ: graph.Requested, lo: k, hi: k + 1, nominal: true}, true
	case lemma == "raise" || lemma == "voice" || lemma == "express" || lemma == "flag" || lemma == "sound" && isVerb:
		// "sounded the alarm over" as "raised concerns over"
		for j := k + 1; j < len(toks) && j <= k+4; j++ {
			if concernNouns[toks[j].fold] {
				return trigger{typ: graph.Warned, lo: k, hi: j + 1, withTo: true}, true
			}
			if toks[j].fold == "" && !possessiveOrQuote(toks[j].text) {
				break // a quote may open the concern: voiced "deep concern"
			}
		}
		if lemma == "sound" {
			return trigger{}, false // one sounds an alarm, never a topic
		}
		// "raised Russian disinformation with the foreign ministry": raising a topic with someone
		for j := k + 1; j+1 < len(toks) && j <= k+7; j++ {
			if toks[j].fold == "with" && d.mentionStartsNear(s, j+1, 1) {
				return trigger{typ: graph.Warned, lo: k, hi: k + 1, withTo: true}, true
			}
			if toks[j].fold == "" || boundaries[toks[j].fold] {
				break
			}
		}
		return trigger{}, false
	case (lemma == "remove" || lemma == "oust") && isVerb && d.envoysFollow(s, k):
		return trigger{typ: graph.Expelled, lo: k, hi: k + 1}, true // "to remove ten ambassadors"
	case lemma == "send" && isVerb && d.sentAway(s, k):
		return trigger{typ: graph.Expelled, lo: k, hi: k + 1}, true
	case lemma == "declare" || lemma == "deem":
		for j := k + 1; j+2 < len(toks) && j <= k+8; j++ {
			if toks[j].fold == "persona" && toks[j+1].fold == "non" && toks[j+2].fold == "grata" {
				return trigger{typ: graph.Expelled, lo: k, hi: k + 1}, true
			}
		}
		return trigger{}, false
	case lemma == "order":
		// "ordered the expulsion of", "ordered X to leave"
		for j := k + 1; j < len(toks) && j <= k+10; j++ {
			if toks[j].fold == "expulsion" || toks[j].fold == "leave" && toks[j-1].fold == "to" {
				return trigger{typ: graph.Expelled, lo: k, hi: k + 1}, true
			}
			if boundaries[toks[j].fold] || toks[j].fold == "" {
				break
			}
		}
		return trigger{}, false
	case lemma == "call" || lemma == "label" || lemma == "brand" || lemma == "term" || lemma == "describe":
		// "called the report a fabrication", "termed Lima's claims 'absurd'"
		for j := k + 1; j < len(toks) && j <= k+9; j++ {
			if dismissals[toks[j].fold] {
				return trigger{typ: graph.Denied, lo: k, hi: k + 1}, true
			}
			if toks[j].fold == "" && !possessiveOrQuote(toks[j].text) || boundaries[toks[j].fold] {
				break
			}
		}
	case (lemma == "dispute" || lemma == "rubbish" || lemma == "ridicule") && isVerb:
		// "disputed the claims", "rubbished the reports"; one may ridicule a person too
		for j := k + 1; j < len(toks) && j <= k+5; j++ {
			if claimNouns[toks[j].fold] {
				return trigger{typ: graph.Denied, lo: k, hi: k + 1}, true
			}
		}
		return trigger{}, false
	case (lemma == "accept" || lemma == "grant" || lemma == "heed") && isVerb && d.negatedAt(s, k):
		for j := k + 1; j < len(toks) && j <= k+5; j++ {
			if requestNouns[toks[j].fold] || claimNouns[toks[j].fold] {
				return trigger{typ: graph.Denied, lo: k, hi: k + 1, refusal: true}, true
			}
			if toks[j].fold == "" && toks[j].text != "'s" && toks[j].text != "’s" || strings.HasPrefix(toks[j].tag, "VB") {
				break
			}
		}
		return trigger{}, false
	case lemma == "refuse" || lemma == "decline":
		if next(1) == "to" || !d.deniesClaim(s, k) {
			return trigger{}, false // governs the verb that follows (see modality), or refuses a thing
		}
		return trigger{typ: graph.Denied, lo: k, hi: k + 1}, true
	}
	if typ, ok := particleTriggers[[2]string{lemma, next(1)}]; ok {
		return trigger{typ: typ, lo: k, hi: k + 2}, true
	}
	if isVerb {
		// "waved the report away", "kick them all out": the particle after a short object
		for j := k + 2; j < len(toks) && j <= k+5; j++ {
			if typ, ok := particleTriggers[[2]string{lemma, toks[j].fold}]; ok && typ != graph.Requested {
				return trigger{typ: typ, lo: k, hi: k + 1}, true
			}
			if tg := toks[j].tag; !d.inMention(s, j) && (toks[j].fold == "" || strings.HasPrefix(tg, "V") || tg == "IN" || tg == "TO" || tg == "CC") {
				break
			}
		}
	}
	if lemma == "threaten" && next(1) == "to" {
		return trigger{}, false // "threatened to expel": an intention, no warning to anyone
	}
	if typ, ok := verbTriggers[lemma]; ok && typ == graph.Denied && !d.deniesClaim(s, k) {
		return trigger{}, false
	}
	if typ, ok := verbTriggers[lemma]; ok && (isVerb || t.tag == "JJ" || t.tag == "NN" && lemma != t.fold) {
		if typ == graph.Requested && !d.mentionStartsNear(s, k+1, 2) {
			return trigger{}, false // "asked about", "pressed on": no addressee, no request
		}
		return trigger{typ: typ, lo: k, hi: k + 1}, true
	}
	return trigger{}, false
}

// pressOf reports an outlet named as the employer of the journalist before it, the object
// that starts at token obj: "a reporter for the Tribune", "the correspondent of Radio
// Lima", "an Irish journalist working with the network". A journalist further on ("over a
// story by a reporter for the Tribune") is not the one acted on.
func (d *docState) pressOf(s *sentence, obj int, m mention) bool {
	toks := s.toks
	if e := d.entities[m.id]; e == nil || e.Kind != graph.Outlet {
		return false
	}
	p := m.lo - 1
	if p > 0 && toks[p].fold == "the" {
		p--
	}
	if p < 1 || toks[p].fold != "for" && toks[p].fold != "of" && toks[p].fold != "with" && toks[p].fold != "at" {
		return false
	}
	n := p - 1
	if n > 0 && (toks[n].fold == "working" || toks[n].fold == "writing") {
		n--
	}
	f := toks[n].fold
	if !strings.HasPrefix(f, "journalist") && !strings.HasPrefix(f, "reporter") && !strings.HasPrefix(f, "correspondent") {
		return false
	}
	for j := obj; j < n; j++ {
		if tg := toks[j].tag; tg != "DT" && tg != "JJ" && tg != "CD" && tg != "NNP" && tg != "PRP$" && !d.inMention(s, j) {
			return false
		}
	}
	return true
}

// toLeave reports "asked the ambassador to leave", "ordered 10 envoys out", "gave him 72
// hours to leave": the verb at k sends people of another state away. Who is sent must
// be a representative, a person or a pronoun, so that "asked Mexico to leave the talks"
// is no expulsion.
func (d *docState) toLeave(s *sentence, k int) bool {
	toks := s.toks
	person := false
	if isPassive(toks, k) {
		// "the consul had a week to go": who goes comes first
		for j := k - 1; j >= 0 && j >= k-6; j-- {
			if f := toks[j].fold; sentAwayNouns[f] || f == "officials" || f == "official" || objectPronouns[f] || f == "he" || f == "she" || f == "they" {
				person = true
			}
		}
	}
	for j := k + 1; j < len(toks) && j <= k+12; j++ {
		f := toks[j].fold
		if i := d.mentionIndexAt(s, j); i >= 0 {
			if e := d.entities[s.mentions[i].id]; e.Kind == graph.Person || sentAwayNouns[toks[s.mentions[i].hi-1].fold] {
				person = true
			}
			continue
		}
		switch {
		case sentAwayNouns[f] || objectPronouns[f] || peopleNouns[f] != "":
			person = true
		case f == "to" && j+1 < len(toks) && (departures[toks[j+1].lemma] || toks[j+1].lemma == "get" && j+2 < len(toks) && toks[j+2].fold == "out"):
			return person && d.leavesCountry(s, j+2) // "to leave", "to get out"
		case f == "out" && toks[k].lemma == "order":
			return person || j == k+1 && d.sentAwayAfter(s, j+1) // "ordered out four attachés"
		case f == "" && toks[j].text != "'s" && toks[j].text != "’s", boundaries[f]:
			return false
		}
	}
	return false
}

// sentAway reports "sent the envoys home", "will send back the attaché": the verb at k
// returns people of another state. As with toLeave, who is sent must be a representative,
// a journalist or a pronoun, so that "sent the draft back" is no expulsion.
func (d *docState) sentAway(s *sentence, k int) bool {
	toks := s.toks
	person := false
	for j := k + 1; j < len(toks) && j <= k+8; j++ {
		f := toks[j].fold
		if i := d.mentionIndexAt(s, j); i >= 0 {
			// "sent four Chilean agents home": envoys or spies of a state, never its nationals,
			// whom a state also flies home itself
			if last := toks[s.mentions[i].hi-1].fold; sentAwayNouns[last] || peopleNouns[last] == "intelligence officers" {
				person = true
			}
			continue
		}
		switch {
		case sentAwayNouns[f] || objectPronouns[f] || peopleNouns[f] != "":
			person = true
		case f == "home" || f == "back" && (j+1 == len(toks) || toks[j+1].fold != "to"):
			return person || j == k+1 && d.sentAwayAfter(s, j+1)
		case f == "" && toks[j].text != "'s" && toks[j].text != "’s", boundaries[f]:
			return false
		}
	}
	return false
}

// envoysFollow reports a verb whose object is a state's envoys: "removed ten Western
// ambassadors", not "removed the tariffs".
func (d *docState) envoysFollow(s *sentence, k int) bool {
	toks := s.toks
	for j := k + 1; j < len(toks) && j <= k+5; j++ {
		if representatives[toks[j].fold] {
			return true
		}
		if toks[j].fold == "" && !possessiveOrQuote(toks[j].text) || boundaries[toks[j].fold] || strings.HasPrefix(toks[j].tag, "V") || toks[j].tag == "IN" {
			return false
		}
	}
	return false
}

// sentAwayAfter reports who is sent right after the particle: "send back the envoy".
func (d *docState) sentAwayAfter(s *sentence, j int) bool {
	toks := s.toks
	for end := j + 5; j < len(toks) && j <= end; j++ {
		f := toks[j].fold
		if i := d.mentionIndexAt(s, j); i >= 0 && sentAwayNouns[toks[s.mentions[i].hi-1].fold] || sentAwayNouns[f] || objectPronouns[f] {
			return true
		}
		if f == "" || boundaries[f] || strings.HasPrefix(toks[j].tag, "V") || toks[j].tag == "IN" {
			return false
		}
	}
	return false
}

// topicFollows reports a warning whose words go on to its content, not to an addressee:
// "warned that", "raised concerns about".
func topicFollows(toks []token, j int) bool {
	for j < len(toks) && (toks[j].tag == "RB" || toks[j].fold == "" && possessiveOrQuote(toks[j].text)) {
		j++ // and the quote that closes voiced "deep concern"
	}
	// "warned on its website that", "warned in a statement of": where it was said
	if j+2 < len(toks) && (toks[j].fold == "in" || toks[j].fold == "on") {
		for p := j + 1; p < len(toks) && p <= j+4; p++ {
			if tg := toks[p].tag; tg != "DT" && tg != "PRP$" && tg != "JJ" && !strings.HasPrefix(tg, "NN") {
				j = p
				break
			}
		}
	}
	if j >= len(toks) {
		return false
	}
	switch toks[j].fold {
	case "that", "of", "about", "over", "at", "against":
		return true
	}
	if pronounClauseAt(toks, j) {
		return true // "warned it would retaliate"
	}
	// "warned a blockade of the port had caused famine": a that-clause without its "that"
	p := j
	for p < len(toks) && p < j+8 && (toks[p].tag == "DT" || toks[p].tag == "JJ" || toks[p].tag == "CD" || toks[p].tag == "PRP$" || strings.HasPrefix(toks[p].tag, "NN") || p > j && toks[p].fold == "of") && toks[p].fold != "" {
		p++
	}
	return p > j && p < len(toks) && (toks[p].tag == "VBD" || toks[p].tag == "VBZ" || toks[p].tag == "VBP" || toks[p].tag == "MD")
}

// quoteTagVerb reports a verb that tags the quote opening the sentence and ends it:
// `"Any attack will be met with force," the ministry warned.` The quote is what was said.
func quoteTagVerb(toks []token, tr trigger) bool {
	if len(toks) == 0 || toks[0].fold != "" || !possessiveOrQuote(toks[0].text) {
		return false
	}
	if e := pastTimePhrase(toks, tr.hi); e < len(toks) && (e+1 < len(toks) || toks[e].text != ".") {
		return false // the verb ends the sentence, but for when: "..., the ministry warned on Monday."
	}
	for j := tr.lo - 1; j > 0; j-- {
		if toks[j].fold == "" && possessiveOrQuote(toks[j].text) && toks[j-1].text == "," {
			return true // the closing quote after its comma
		}
	}
	return false
}

// deniesClaim reports whether the denial verb at k has a claim or a request for its object,
// not a thing withheld or a person let go: "denied entry to the envoy", "denied them visas",
// "declined comment", "dismissed its ambassador" deny nothing anyone said.
func (d *docState) deniesClaim(s *sentence, k int) bool {
	toks := s.toks
	for j := k + 1; j < len(toks) && j <= k+6; j++ {
		f := toks[j].fold
		if i := d.mentionIndexAt(s, j); i >= 0 {
			// "denied Lima access", "denied Quito a seat": someone is refused a thing
			m := s.mentions[i]
			if m.lo == k+1 && m.hi < len(toks) && (toks[m.hi].tag == "DT" || strings.HasPrefix(toks[m.hi].tag, "NN")) && !d.inMention(s, m.hi) &&
				!claimNouns[toks[m.hi].fold] && !requestNouns[toks[m.hi].fold] && toks[m.hi].fold != "the" {
				return false
			}
			return true
		}
		switch {
		case withheld[f] || toks[k].lemma == "dismiss" && (sentAwayNouns[f] || f == "minister" || f == "official" || f == "officials" || f == "staff"):
			return false
		case f == "" || toks[j].tag == "DT" || toks[j].tag == "PRP$" || toks[j].tag == "PRP" || toks[j].tag == "JJ" || toks[j].tag == "CD":
			continue
		default:
			return true
		}
	}
	return true
}

// possessiveOrQuote reports a token that sits inside a noun phrase: "'s" or a quotation mark.
func possessiveOrQuote(text string) bool {
	switch text {
	case "'s", "’s", "'", "‘", "’", "\"", "“", "”", "``", "''":
		return true
	}
	return false
}

// isPossessive reports a possessive just before token k: "Washington's requests".
func isPossessive(toks []token, k int) bool {
	for j := k - 1; j >= 0 && j >= k-3; j-- {
		if toks[j].text == "'s" || toks[j].text == "’s" {
			return true
		}
	}
	return false
}

// mentionEndsAt reports a mention right before token k: "U.S. requests".
func (d *docState) mentionEndsAt(s *sentence, k int) bool {
	i := d.mentionIndexAt(s, k-1)
	return i >= 0 && s.mentions[i].hi == k
}

// mentionStartsNear reports whether a mention starts within n tokens from k.
func (d *docState) mentionStartsNear(s *sentence, k, n int) bool {
	for _, m := range s.mentions {
		if m.lo >= k && m.lo < k+n+1 {
			return true
		}
	}
	return false
}

// modality decides whether the act is reported as done (asserted), as refused or not done
// (negated), or neither ("may expel", "urged Mexico to expel"). viaRefusal says the act was
// requested and the request refused, so the refuser is the actor.
func (d *docState) modality(s *sentence, tr trigger, refusal *trigger) (negated, asserted, viaRefusal bool) {
	toks := s.toks
	k := tr.lo
	for j := k - 1; j >= 0; j-- {
		f := toks[j].fold
		if conditionals[f] {
			return false, false, false
		}
		if toks[j].text == ";" {
			break
		}
	}
	// "expelled nobody", "will expel no one": refused, done or announced
	noObject := tr.typ == graph.Expelled && tr.hi < len(toks) && (toks[tr.hi].fold == "no" || toks[tr.hi].fold == "nobody" || toks[tr.hi].fold == "none")
	if d.disavowedIntent(s, k) {
		return true, true, false // "has no intention of expelling", "it is not our plan to expel"
	}
	if k > 1 && toks[k-1].fold == "to" && toks[k-2].fold == "yet" {
		return true, true, false // "has yet to expel"
	}
	if k > 2 && toks[k-1].fold == "to" && negators[toks[k-2].fold] {
		// "decided not to expel" is a refusal; "urged Mexico not to expel" is only a request
		if gl := toks[k-3].lemma; doneGovernors[gl] || gl == "choose" || gl == "opt" || gl == "prefer" {
			return true, true, false
		}
		return false, false, false
	}
	if k > 0 && toks[k-1].fold == "to" {
		g := k - 2
		for g >= 0 && (auxiliaries[toks[g].fold] && !beForms[toks[g].fold] || d.inMention(s, g) || toks[g].fold == "") {
			g--
		}
		if g < 0 {
			// a headline's "Chile to expel 12 Bolivian envoys" announces the act
			return false, tr.typ == graph.Expelled && k >= 2 && d.inMention(s, k-2) && isSentenceStart(toks, s.mentions[d.mentionIndexAt(s, k-2)].lo), false
		}
		gl := toks[g].lemma
		switch {
		case gl == "refuse" || gl == "decline" || gl == "fail" || gl == "refrain":
			return !d.negatedAt(s, g), true, false // "did not refuse to expel" is an expulsion
		case doneGovernors[gl] && !d.negatedAt(s, g), gl == "hesitate" && d.negatedAt(s, g):
			return false, true, false // "decided to expel", "did not hesitate to expel"
		case causatives[gl] && d.inMention(s, k-2) && !d.negatedAt(s, g) && !d.modalAt(s, g):
			return false, true, false // "led Dutch officials to voice their concern"
		case attempts[gl] && tr.typ != graph.Expelled && !d.negatedAt(s, g) && !d.modalAt(s, g):
			return false, true, false // "sought to play down the claims"
		case (toks[g].fold == "quick" || toks[g].fold == "swift") && !d.negatedAt(s, g) && !d.modalAt(s, g):
			return false, true, false // "was quick to deny the reports"
		case (toks[g].fold == "decision" || toks[g].fold == "move") && !d.modalAt(s, g):
			return false, true, false // "Oslo's decision to expel"
		case requestNouns[toks[g].fold] && refusal != nil && refusal.lo < g:
			return true, true, true
		case d.orderedToExpel(s, tr):
			return false, true, false // "ordered its foreign minister to expel"
		case tr.typ == graph.Expelled && g == k-2 && (toks[g].fold == "is" || toks[g].fold == "are") && g > 0 && d.mentionEndsAt(s, g):
			return false, true, false // "Oslo is to expel three attachés": the act announced, as a headline's "Oslo to expel"
		}
		return false, false, false
	}
	if k > 0 && (toks[k-1].fold == "from" && k > 1 && toks[k-2].lemma == "refrain") {
		return true, true, false
	}
	if k > 0 && (toks[k-1].fold == "without" || toks[k-1].lemma == "avoid" || toks[k-1].lemma == "consider") {
		return false, false, false
	}
	if d.expulsionUnasserted(s, tr) {
		return false, false, false // "has not ruled out expelling", "demanded that Lima expel"
	}
	if d.invertedAt(s, k) {
		return false, false, false // "Should Germany warn Poland, ...", "Had Chile expelled them, ..."
	}
	if d.deniedContent(s, k) {
		return false, false, false // "denied that Islamabad had warned Kabul": what is denied is not done
	}
	neg := d.negatedAt(s, k) || noObject
	for j := k - 1; j >= 0 && j >= k-4; j-- {
		f := toks[j].fold
		if modals[f] {
			if tr.typ == graph.Expelled && (f == "will" || f == "'ll" || f == "wo" || f == "would" && d.reportedAt(s, j)) {
				return neg, true, false // "says it will expel": an expulsion announced is one made
			}
			return neg, neg && !noObject, false
		}
		if !auxiliaries[f] && !negators[f] && !beForms[f] {
			break
		}
	}
	return neg, true, false
}

// inverters open a clause before its subject to ask or suppose: "Should Germany warn".
var inverters = set("should", "had", "were", "did", "does", "do", "would", "could", "will", "can", "might", "may", "must", "has", "have", "is", "are", "was")

// invertedAt reports an act at k whose subject follows the auxiliary that opens its clause:
// a supposition ("Had Chile expelled the envoys, Bolivia would have protested") or a
// question without its mark, as title-case headlines ask. Neither asserts the act.
func (d *docState) invertedAt(s *sentence, k int) bool {
	toks := s.toks
	j := k - 1
	for j >= 0 && toks[j].tag == "RB" && !negators[toks[j].fold] {
		j--
	}
	i := d.mentionIndexAt(s, j)
	if i < 0 || s.mentions[i].hi != j+1 {
		return false
	}
	p := s.mentions[i].lo - 1
	if p >= 0 && toks[p].fold == "the" {
		p--
	}
	return p >= 0 && inverters[toks[p].fold] && (p == 0 || toks[p-1].fold == "" || toks[p-1].fold == "and" || toks[p-1].fold == "or")
}

// deniedContent reports an act at k that its sentence denies or calls false: "denied that
// Islamabad had warned Kabul", "denied it had expelled", "denied having warned Quito",
// "said it was untrue that Chile had warned". A denial asserts the opposite of its content.
func (d *docState) deniedContent(s *sentence, k int) bool {
	toks := s.toks
	j := k - 1
	for j >= 0 && (auxiliaries[toks[j].fold] || beForms[toks[j].fold] || toks[j].tag == "RB") && toks[j].fold != "having" {
		j--
	}
	if j >= 0 && toks[j].fold == "having" {
		j-- // "denied having warned"
	} else if toks[k].tag != "VBG" || j < 0 || verbTriggers[toks[j].lemma] != graph.Denied {
		// unless the act is the denial's gerund object ("denied ever warning Quito"), its
		// own subject opens the denied clause: a name (its article too) or a pronoun
		if i := d.mentionIndexAt(s, j); i >= 0 && s.mentions[i].hi == j+1 {
			j = s.mentions[i].lo - 1
		} else if j < 0 || !nominative(toks[j].fold) && toks[j].fold != "it" && toks[j].fold != "we" {
			return false
		} else {
			j--
		}
		if j >= 0 && toks[j].fold == "the" {
			j--
		}
		if j >= 0 && toks[j].fold == "that" {
			j--
		}
	}
	for j >= 0 && toks[j].tag == "RB" && !negators[toks[j].fold] {
		j-- // "denied outright that"
	}
	if j < 0 {
		return false
	}
	g := toks[j]
	if typ, ok := verbTriggers[g.lemma]; ok && typ == graph.Denied && strings.HasPrefix(g.tag, "VB") {
		return true
	}
	// "it was untrue that", "it is not true that", "was false that"
	return dismissals[g.fold] || truthWords[g.fold] && j > 0 && negators[toks[j-1].fold]
}

// reportedAt reports a saying verb shortly before the modal at j: "said it would expel".
func (d *docState) reportedAt(s *sentence, j int) bool {
	toks := s.toks
	for i, lo := j-1, j-5; i >= 0 && i >= lo; i-- {
		if sayVerbs[toks[i].lemma] && strings.HasPrefix(toks[i].tag, "VB") {
			return true
		}
		if f := toks[i].fold; f == "that" || subjectPronouns[f] {
			// "told the press late on Friday (June 6) they would": the aside moves the verb back
			if k := skipInsertions(toks, i-1); k < i-1 {
				lo -= i - 1 - k
				i = k + 1
			}
			continue
		}
		if toks[i].fold == "" && toks[i].text != "," {
			return false
		}
	}
	return false
}

var subjectPronouns = set("it", "they", "he", "she")

// modalAt reports a modal in the auxiliary chain before token k: "would decide".
func (d *docState) modalAt(s *sentence, k int) bool {
	toks := s.toks
	for j := k - 1; j >= 0 && j >= k-4; j-- {
		f := toks[j].fold
		if modals[f] {
			return true
		}
		if !auxiliaries[f] && !negators[f] && !beForms[f] && toks[j].tag != "RB" {
			return false
		}
	}
	return false
}

// intentNouns name what one means to do: "no plans to expel".
var intentNouns = set("intention", "intentions", "intent", "plan", "plans")

// disavowedIntent reports an act at k that its actor says it does not mean to carry out:
// "has no intention of expelling", "has no plans to expel", "it is not the cabinet's
// intention to expel". That is a refusal stated, as "will not expel" is.
func (d *docState) disavowedIntent(s *sentence, k int) bool {
	toks := s.toks
	if k < 3 || !(toks[k-1].fold == "to" || toks[k-1].fold == "of" && toks[k].tag == "VBG") || !intentNouns[toks[k-2].fold] {
		return false
	}
	for j := k - 3; j >= 0 && j >= k-8; j-- {
		f := toks[j].fold
		if negators[f] {
			return !d.modalAt(s, j)
		}
		// only the intention's owner and qualifiers stand between: "no immediate plans",
		// "not the cabinet's intention", "no such intention"
		if tg := toks[j].tag; tg != "DT" && tg != "PRP$" && tg != "JJ" && tg != "POS" && f != "such" && !possessiveOrQuote(toks[j].text) && !d.inMention(s, j) && !strings.HasPrefix(tg, "NN") {
			return false
		}
	}
	return false
}

// negatedAt reports a negator in the auxiliary chain before token k: "did not expel",
// "were never expelled".
func (d *docState) negatedAt(s *sentence, k int) bool {
	toks := s.toks
	for j := k - 1; j >= 0 && j >= k-5; j-- {
		f := toks[j].fold
		if negators[f] {
			return true
		}
		if !auxiliaries[f] && !beForms[f] && !modals[f] && f != "to" && toks[j].tag != "RB" {
			return false
		}
	}
	return false
}

func (d *docState) inMention(s *sentence, j int) bool {
	return d.mentionIndexAt(s, j) >= 0
}

func (d *docState) mentionIndexAt(s *sentence, j int) int {
	for i, m := range s.mentions {
		if j >= m.lo && j < m.hi {
			return i
		}
	}
	return -1
}

// isPassive reports "were expelled", "was not warned".
func isPassive(toks []token, k int) bool {
	if toks[k].tag != "VBN" && toks[k].tag != "VBD" {
		return false
	}
	for j := k - 1; j >= 0 && j >= k-4; j-- {
		f := toks[j].fold
		if beForms[f] {
			return f != "'s" || toks[k].tag == "VBN"
		}
		if !negators[f] && !auxiliaries[f] && toks[j].tag != "RB" {
			return false
		}
	}
	return false
}

// subjectOf finds the actor of the verb at token k: the nearest mention to its left in
// the clause, preferring one not governed by a preposition ("officials in Washington").
// It returns a mention index or -1.
func (d *docState) subjectOf(s *sentence, k int) int {
	if i := d.appositiveHead(s, k); i >= 0 {
		return i
	}
	if d.describedSubject(s, k) {
		return -1
	}
	best, fallback := -1, -1
	for i := len(s.mentions) - 1; i >= 0; i-- {
		m := s.mentions[i]
		if m.hi > k {
			continue
		}
		if d.crossesBoundary(s, m.hi, k) {
			break
		}
		if inAside(s.toks, m, k) {
			continue // "Ecuador (which borders Peru) said": the aside's names do not act
		}
		// A possessor stands for its noun phrase: "the CIA's station chief briefed" → CIA.
		// A nominative pronoun is never a preposition's object: "as he rejected" opens a clause.
		p := prepBefore(s.toks, m)
		prep := p >= 0 && s.toks[p].fold != "that" && !nominative(s.toks[m.lo].fold) &&
			!(subordinators[s.toks[p].fold] && d.finiteVerbAfter(s, m, k))
		if !prep {
			best = i
			break
		}
		// "the ministry of Peru denied" is Peru's, but "the court in Lima", "the embassy in
		// Warsaw" are not Lima's or Warsaw's: only "of" makes the owner stand for the subject
		if fallback < 0 && s.toks[p].fold == "of" {
			fallback = i
		}
	}
	if best < 0 {
		return fallback
	}
	return best
}

// prepBefore is the index of the preposition whose object mention m is, past its article
// ("to the Holy See", "in Lima"), or -1 when none comes right before it.
func prepBefore(toks []token, m mention) int {
	p := m.lo - 1
	if p >= 0 && toks[p].fold == "the" {
		p--
	}
	if p >= 0 && (toks[p].tag == "IN" || toks[p].tag == "TO") {
		return p
	}
	return -1
}

// subordinators open a clause, as prepositions they also are: "after Lima warned".
var subordinators = set("after", "before", "since", "until", "because", "while", "although", "though", "once", "unless", "as")

// finiteVerbAfter reports the verb at k as the first finite verb after mention m, its
// possessed noun allowed between ("after Lima's envoy warned"): m is then the clause's
// subject, not the object of the subordinator before it.
func (d *docState) finiteVerbAfter(s *sentence, m mention, k int) bool {
	toks := s.toks
	j := m.hi
	if j < k && toks[j].tag == "POS" {
		j++
		for j < k && j < m.hi+4 && (strings.HasPrefix(toks[j].tag, "NN") || toks[j].tag == "JJ") {
			j++
		}
	}
	for j < k && (auxiliaries[toks[j].fold] || modals[toks[j].fold] || toks[j].tag == "RB") {
		j++
	}
	return j == k
}

// nominative reports a subject pronoun, which only a clause's verb can follow.
func nominative(f string) bool { return f == "he" || f == "she" || f == "they" }

// appositiveHead reads "Juan González, director at the National Security Council, raised":
// the actor is the name before the commas, not the last name inside them.
// describedSubject reports a subject named only by a description owned by a pronoun:
// "allegations its neighbour called baseless", "their rival denied". That is someone other
// than any actor named before it, so no earlier mention may stand in.
func (d *docState) describedSubject(s *sentence, k int) bool {
	toks := s.toks
	j := k - 1
	for j >= 0 && (auxiliaries[toks[j].fold] || negators[toks[j].fold] || modals[toks[j].fold] || toks[j].tag == "RB") {
		j--
	}
	if j < 0 || !strings.HasPrefix(toks[j].tag, "NN") || d.inMention(s, j) {
		return false
	}
	for c := j - 1; c >= 0 && c >= j-4; c-- {
		switch f := toks[c].fold; {
		case f == "its" || f == "their":
			return true
		case d.inMention(s, c) || f == "" && toks[c].text != "-" || toks[c].tag != "JJ" && toks[c].tag != "NN" && toks[c].tag != "VBN" && toks[c].tag != "RB" && toks[c].tag != "HYPH":
			return false
		}
	}
	return false
}

func (d *docState) appositiveHead(s *sentence, k int) int {
	toks := s.toks
	if k < 1 || toks[k-1].text != "," {
		return -1
	}
	for c := k - 2; c > 0 && c >= k-15; c-- {
		if toks[c].text == ";" || boundaries[toks[c].fold] && !relativeWords[toks[c].fold] {
			return -1
		}
		if toks[c].text != "," {
			continue
		}
		if i := d.mentionIndexAt(s, c-1); i >= 0 && s.mentions[i].hi == c {
			if prepBefore(toks, s.mentions[i]) >= 0 {
				// "The UN envoy for Yemen, Marta Lindqvist, denied": the name apposed to the
				// description acts, not the place its post is for
				if n := d.mentionIndexAt(s, c+1); n >= 0 && s.mentions[n].lo == c+1 && s.mentions[n].hi == k-1 && d.entities[s.mentions[n].id] != nil && d.entities[s.mentions[n].id].Kind == graph.Person {
					return n
				}
			}
			return i
		}
		return -1
	}
	return -1
}

// isPossessor reports "Mexico's foreign minister": the mention owns the real subject.
func (d *docState) isPossessor(s *sentence, m mention) bool {
	if m.hi >= len(s.toks) || s.toks[m.hi].tag != "POS" {
		return false
	}
	return m.hi+1 < len(s.toks) && !d.inMention(s, m.hi+1)
}

// crossesBoundary reports a clause break between tokens lo and hi: a semicolon, or a
// relative/complement word that starts a new clause.
func (d *docState) crossesBoundary(s *sentence, lo, hi int) bool {
	for j := lo; j < hi; j++ {
		t := s.toks[j]
		if t.text == "(" {
			// an aside closed before hi breaks nothing: "Chile (which borders Peru) said"
			if c := closingParen(s.toks, j, hi); c > 0 {
				j = c
				continue
			}
		}
		if t.text == ";" || (t.fold == "that" || t.fold == "which") && (t.tag == "IN" || t.tag == "WDT") || clauseOpeners[t.fold] {
			return true
		}
	}
	return false
}

// inAside reports a mention inside a parenthesis that closes before token k.
func inAside(toks []token, m mention, k int) bool {
	open := -1
	for j := m.lo - 1; j >= 0; j-- {
		if t := toks[j].text; t == "(" {
			open = j
			break
		} else if t == ")" {
			return false
		}
	}
	return open >= 0 && closingParen(toks, open, k) >= m.hi
}

// closingParen returns the index of the ")" closing the "(" at token j before hi, or -1.
func closingParen(toks []token, j, hi int) int {
	for c := j + 1; c < hi; c++ {
		switch toks[c].text {
		case ")":
			return c
		case "(":
			return -1
		}
	}
	return -1
}

// coordinated returns mention i plus those joined to it by "and": "the United States and
// its European allies".
func (d *docState) coordinated(s *sentence, i int, leftward bool) []int {
	out := []int{i}
	inList := false // joined by bare commas so far: "Chile, Peru, the Dominican Republic, and Uruguay"
	for {
		var j int
		if leftward {
			j = i - 1
		} else {
			j = i + 1
		}
		if j < 0 || j >= len(s.mentions) {
			return out
		}
		a, b := s.mentions[min(i, j)], s.mentions[max(i, j)]
		ok, comma := joinedByAnd(s.toks[a.hi:b.lo], inList)
		if !ok || leftward && comma && !inList && s.toks[b.lo-1].text == "," && prepBefore(s.toks, a) >= 0 {
			return out // "According to Reuters, Chile rejected": the source is no second actor
		}
		if !comma || !d.apposedEnvoy(s, a, b) {
			out = append(out, j) // an envoy's post after their name is no second actor
		}
		inList = comma
		i = j
	}
}

// apposedEnvoy reports a person and, after a comma, the post that names them ("Ana Ruiz,
// the Peruvian ambassador"), or the other way round: one actor named twice, not a list.
func (d *docState) apposedEnvoy(s *sentence, a, b mention) bool {
	envoy := func(m mention) bool { return sentAwayNouns[s.toks[m.hi-1].fold] }
	person := func(m mention) bool { e := d.entities[m.id]; return e != nil && e.Kind == graph.Person }
	return person(a) && envoy(b) || envoy(a) && person(b)
}

func joinedByAnd(between []token, inList bool) (ok, comma bool) {
	sawAnd := false
	for i, t := range between {
		switch t.fold {
		case "and", "as", "well":
			if i > 0 && between[i-1].text == "," && !inList {
				return false, false // ", and" mostly joins clauses, not actors, except to end a list
			}
			sawAnd = true
		case "its", "their", "the", "his", "her", "":
			if t.fold == "" && t.text != "," {
				return false, false
			}
		default:
			return false, false
		}
	}
	if sawAnd {
		return true, false
	}
	// a bare comma, perhaps before an article: ", the Dominican Republic"
	comma = len(between) > 0 && between[0].text == "," && (len(between) == 1 || len(between) == 2 && between[1].fold == "the")
	return comma, comma
}

// objects reads the counterpart(s) and topics after the trigger, up to the clause's end.
func (d *docState) objects(s *sentence, tr trigger) (to []int, about []string, claimFrom int) {
	claimFrom = -1
	toks := s.toks
	end := min(len(toks), tr.hi+18)
	topicFrom := end // "warned airlines against listing Taiwan": the gerund's objects are the topic
	for j := tr.hi; j < end; j++ {
		t := toks[j]
		if topicFrom == end && topicPreps[t.fold] && j+1 < len(toks) && toks[j+1].tag == "VBG" {
			topicFrom = j
		}
		if boundaries[t.fold] && !(t.fold == "that" && t.tag != "IN") || t.text == ";" || t.text == "(" {
			end = j
			break
		}
		if t.text == "," && j+1 < len(toks) && (toks[j+1].fold == "and" || toks[j+1].fold == "but" || toks[j+1].fold == "with") {
			end = j
			break
		}
		if j > tr.hi && (t.tag == "VBD" || t.tag == "VBZ" || t.tag == "VBP") && !d.inMention(s, j) {
			end = j // another finite verb: "rejected the claims and warned Estonia"
			break
		}
		if t.fold == "to" && j+1 < len(toks) && toks[j+1].tag == "VB" {
			end = j // "urged Mexico to expel": the infinitive is another act
			break
		}
	}
	for i, m := range s.mentions {
		if m.lo < tr.hi || m.lo >= end {
			continue
		}
		if m.lo > topicFrom {
			about = append(about, m.id)
			continue
		}
		prep := ""
		if m.lo > 0 {
			prep = toks[m.lo-1].fold
			if prep == "the" || prep == "its" || prep == "their" && m.lo > 1 {
				prep = toks[m.lo-2].fold
			}
		}
		switch {
		case prep == "of" && tr.typ == graph.Denied && m.lo > 1 && (requestNouns[toks[m.lo-2].fold] || claimNouns[toks[m.lo-2].fold]):
			if claimFrom < 0 {
				claimFrom = i // "turned down the request of Lima": Lima asked
			}
		case (prep == "from" || prep == "of") && tr.typ == graph.Expelled && envoysFrom(toks, m.lo):
			// "expelled ambassadors from Argentina, Chile and Peru", "the envoys of Chile":
			// where they came from
			if len(to) == 0 {
				to = append(to, d.coordinated(s, i, false)...)
			}
		case tr.typ == graph.Expelled && len(to) == 0 && d.pressOf(s, tr.hi, m):
			to = append(to, i) // "expelled a reporter working for the Tribune": the paper's
		case (prep == "against" || prep == "on") && tr.typ == graph.Warned && toks[tr.lo].lemma == "threaten" && m.lo-1 > tr.hi && len(to) == 0:
			to = append(to, d.coordinated(s, i, false)...) // "threatened sanctions against Vilnius": whom they would hit
		case topicPreps[prep]:
			about = append(about, m.id)
		case locationPreps[prep]:
		case prep == "from" || prep == "by":
			if claimFrom < 0 {
				claimFrom = i
			}
		case (prep == "with" || prep == "to" || prep == "for") && (tr.typ == graph.Denied || tr.typ == graph.Warned && !tr.withTo && !tr.nominal) &&
			d.prepAfterNoun(s, m):
			// "denied any links to the GRU", "warned its citizens against travel to Chile":
			// the phrase belongs to the noun before it, a topic, not an accuser or addressee
			about = append(about, m.id)
		case prep == "with" || prep == "to" || prep == "for":
			if tr.withTo || tr.typ == graph.Denied || tr.typ == graph.Warned {
				if len(to) == 0 {
					to = append(to, d.coordinated(s, i, false)...)
				}
			}
		default:
			if tr.withTo && len(to) == 0 && !d.isPossessor(s, m) {
				continue // "raised the issue with X": a bare mention here is part of the issue
			}
			if len(to) == 0 {
				to = append(to, d.coordinated(s, i, false)...)
			}
		}
	}
	return to, about, claimFrom
}

// clause emits the relations of a verbal trigger.
func (d *docState) clause(s *sentence, tr trigger, negated, viaRefusal bool, refusalSubject int) {
	toks := s.toks
	var subjects, tos []int
	var about []string
	accuserID := "" // the author of the claims a denial denies, named elsewhere
	conf := 0.8
	if isPassive(toks, tr.lo) && !viaRefusal {
		subj := d.subjectOf(s, tr.lo)
		_, ab, _ := d.objects(s, tr)
		about = ab
		agent := d.agent(s, tr)
		switch {
		case agent >= 0:
			subjects = []int{agent}
		case tr.typ == graph.Expelled && d.expeller(s, tr) >= 0:
			subjects = d.coordinated(s, d.expeller(s, tr), false) // "were expelled from the Netherlands and Japan"
		case tr.typ == graph.Expelled:
			host, envoy := d.accreditedTo(s, tr)
			if host < 0 {
				host, envoy = d.announcedBy(s, tr)
			}
			if host < 0 {
				return
			}
			subjects, subj = []int{host}, envoy // "the Peruvian ambassador to Chile was expelled": by Chile
		default:
			return
		}
		if subj >= 0 {
			tos = d.coordinated(s, subj, true)
		}
		conf = 0.7
	} else {
		subj := d.subjectOf(s, tr.lo)
		if i, ok := d.relativeExpeller(s, tr); ok {
			subj = i // "Bolivia, which expelled the consul"
		}
		if viaRefusal {
			subj = refusalSubject
		}
		if g, ok := d.gerundActor(s, tr); ok {
			subj = g
		}
		if sp, ok := d.speakerPronoun(s, tr); ok {
			subj = sp // "Pakistan said it rejects": the pronoun is the speaker
		} else if !viaRefusal {
			if tr.typ == graph.Warned && d.pronounWarning(s, tr, negated) {
				return
			}
			subj = d.conjoinedSubject(s, tr, subj)
			if d.afterReportedState(s, tr) {
				conf -= 0.2 // held for a reader: the speaker's act or the described one's
			}
		}
		if subj < 0 && d.disavowedIntent(s, tr.lo) {
			subj = d.quoteSpeakerMention(s, tr.hi) // `"It is not our intention to expel him," the minister said`
		}
		if tr.typ == graph.Denied {
			subj = d.denier(s, tr, subj)
			if d.unnamedSubject(s, tr) {
				conf -= 0.3 // "Lima said the rebels denied it": a guess, held for a reader
			}
		} else if !isPassive(toks, tr.lo) && d.unnamedSubject(s, tr) {
			return // "Demir said police warned her": the police's act, never the speaker's
		}
		if subj < 0 {
			return
		}
		subjects = d.coordinated(s, subj, true)
		objs, ab, claimFrom := d.objects(s, tr)
		about = ab
		tos = objs
		if tr.typ == graph.Denied && deniesDeed(toks, tr.hi) {
			tos = nil // "denied having warned Quito": Quito is the denied act's, not the denial's
		}
		if tr.typ == graph.Warned && len(tos) == 0 {
			tos = d.warningAddressees(s, tr)
		}
		if tr.typ == graph.Denied && claimFrom >= 0 && len(tos) == 0 {
			tos = []int{claimFrom} // "dismissed the warnings from Washington"
		}
	}
	// "Oslo rejected the charges", "the charges were rejected by Oslo": whose charges
	if tr.typ == graph.Denied && len(tos) == 0 && len(subjects) == 1 {
		if a, ok := d.denialCounterpart(s, tr, s.mentions[subjects[0]].id); ok {
			accuserID = a
		}
	}
	quantity := ""
	if tr.typ == graph.Expelled || tr.typ == graph.Arrested {
		quantity = findQuantity(s, tr.hi)
		if quantity == "" && isPassive(toks, tr.lo) && !viaRefusal {
			quantity = d.passiveQuantity(s, tr) // "ten attachés were expelled"
		}
	}
	toIDs := make([]string, 0, len(tos)+1)
	if accuserID != "" {
		toIDs = append(toIDs, accuserID)
		conf -= 0.1
	}
	for _, oi := range tos {
		toIDs = append(toIDs, s.mentions[oi].id)
		if s.mentions[oi].pronoun {
			conf -= 0.15
		}
	}
	if len(toIDs) == 0 {
		if tr.typ == graph.Warned && (topicFollows(toks, tr.hi) || tr.threat || quoteTagVerb(toks, tr)) || tr.typ == graph.Denied && denialOfClause(toks, tr.hi) {
			conf -= 0.1 // "warned that", "voiced concern over", "denied that it armed": no one was addressed, none missed
		} else {
			conf -= 0.2
		}
		switch tr.typ {
		case graph.Expelled:
			// "expelled them", "is expelling two of their envoys", "expelled some 40 agents"
			id, ok := d.unnamedObject(s, tr, isPassive(toks, tr.lo) && !viaRefusal)
			if !ok {
				return
			}
			if id != "" {
				toIDs = append(toIDs, id)
			}
		case graph.Arrested, graph.Requested, graph.Accused:
			return // these acts need someone acted on
		}
	}
	for _, si := range subjects {
		from, c := s.mentions[si].id, conf
		if tr.typ == graph.Expelled && d.entities[from].Kind == graph.Outlet {
			continue // outlets report expulsions, they carry none out
		}
		if s.mentions[si].pronoun {
			c -= 0.15
		}
		if len(toIDs) == 0 {
			d.emit(s, tr.lo, tr.typ, from, "", about, negated, quantity, c)
		}
		for _, to := range toIDs {
			if tr.typ == graph.Expelled && d.entities[to] != nil && d.entities[to].Kind == graph.Group && d.namedState(to) == from {
				continue // "Peru sent four Peruvian agents home": its own people, recalled, not expelled
			}
			d.emit(s, tr.lo, tr.typ, from, to, about, negated, quantity, c)
		}
	}
}

// speakerPronoun reads "X said it rejects", "X said they would not expel": a pronoun
// right before the verb (or its auxiliaries) whose clause reports what the subject of a
// saying verb said is that subject. ok is false for any other pronoun or none.
func (d *docState) speakerPronoun(s *sentence, tr trigger) (int, bool) {
	toks := s.toks
	p := tr.lo - 1
	for p >= 0 && (auxiliaries[toks[p].fold] || modals[toks[p].fold] || negators[toks[p].fold] || beForms[toks[p].fold] || toks[p].tag == "RB" || toks[p].fold == "" && toks[p].text != ",") {
		p--
	}
	if p < 1 {
		return -1, false
	}
	switch toks[p].fold {
	case "it", "they", "he", "she":
	default:
		return -1, false
	}
	v := skipInsertions(toks, p-1)
	if v > 0 && toks[v].fold == "that" {
		v = skipInsertions(toks, v-1)
		// "said on Friday that it", "told reporters that they": a short phrase may part
		// the saying verb from its clause
		for j := v; j >= 0 && j >= v-4 && !d.inMention(s, j) && toks[j].fold != ""; j-- {
			if sayVerbs[toks[j].lemma] && strings.HasPrefix(toks[j].tag, "VB") {
				v = j
				break
			}
		}
	}
	if v < 0 || !sayVerbs[toks[v].lemma] || !strings.HasPrefix(toks[v].tag, "VB") {
		return -1, false
	}
	sp := d.subjectOf(s, v)
	return sp, sp >= 0
}

// timeInsertWords make up the time phrases reporters put between a verb and its clause:
// "on Tuesday", "late on Monday", "on 17 March", "last week", "earlier this month".
var timeInsertWords = set("on", "late", "early", "earlier", "last", "this", "week", "month", "year",
	"weekend", "morning", "afternoon", "evening", "night", "yesterday", "today", "monday", "tuesday",
	"wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april",
	"may", "june", "july", "august", "september", "october", "november", "december")

// skipInsertions steps back from token j over what may part a saying verb from its
// clause without changing who speaks: a parenthesis ("(June 6)"), a time phrase ("on
// Tuesday") and the commas around them. It returns the index of the token before them, j
// when there are none, -1 when they open the sentence.
func skipInsertions(toks []token, j int) int {
	for j >= 0 {
		switch k := j; {
		case toks[k].text == ",":
			j--
		case toks[k].text == ")":
			for k--; k >= 0 && k >= j-10 && toks[k].text != "("; k-- {
				if toks[k].text == ")" {
					return j // nested: not a simple aside
				}
			}
			if k < 0 || k < j-10 {
				return j
			}
			j = k - 1
		default:
			anchor := false
			for k >= 0 && k > j-5 && (timeInsertWords[toks[k].fold] || toks[k].tag == "CD") {
				anchor = anchor || toks[k].fold != "on" && toks[k].fold != "this" && toks[k].fold != "late" && toks[k].fold != "early"
				k--
			}
			// "may" alone is a modal, a bare number a quantity: a phrase needs its anchor
			// and ends at its preposition or time word, not in the middle of one
			if !anchor || k == j || toks[k+1].fold == "may" && k+1 == j {
				return j
			}
			j = k
		}
	}
	return j
}

// accuser finds who made the claims a denial denies when the denial names no one: the
// author of an accusation against the denier earlier in the article ("the US accused Iran
// of sabotage, a claim which Iran denied"), or the owner of the claim noun ("the baseless
// Indian allegations"). It only tries when the denial's object is a claim noun.
func (d *docState) accuser(s *sentence, tr trigger, denier string) (string, bool) {
	toks := s.toks
	claim := false
	for j := tr.hi; j < len(toks) && j < tr.hi+5; j++ {
		// "denied the claims", "dismissed as 'absurd' claims that", and "denied any
		// involvement", which answers the charge of it as a claim would
		if claimNouns[toks[j].fold] || involvementNouns[toks[j].fold] || j == tr.hi && claimPronounAt(toks, j) {
			claim = true
			break
		}
		if toks[j].fold == "" && !possessiveOrQuote(toks[j].text) || strings.HasPrefix(toks[j].tag, "VB") {
			break
		}
	}
	// "a claim which Iran denied", "an assessment Trump has dismissed": the claim is the
	// antecedent of the relative clause the denial sits in, set off by a comma from the
	// clause that made it, whose subject is then the author
	appositive := -1
	for j := tr.lo - 1; j >= 1 && j >= tr.lo-7 && !claim; j-- {
		if !claimNouns[toks[j].fold] {
			continue
		}
		claim = true
		for c := j - 1; c >= 0 && c >= j-4; c-- {
			if toks[c].text == "," {
				appositive = c
				break
			}
			if tg := toks[c].tag; tg != "DT" && tg != "JJ" && tg != "RB" {
				break
			}
		}
	}
	if !claim {
		return "", false
	}
	if appositive > 0 {
		for _, m := range s.mentions {
			if m.hi > appositive {
				break
			}
			if id := m.id; id != denier && (m.lo == 0 || s.toks[m.lo-1].tag != "IN" && s.toks[m.lo-1].tag != "TO") {
				return id, true // the first actor of the sentence, not one inside a phrase
			}
		}
	}
	return d.priorAccuser(denier)
}

// claimPronounAt reports "it" or "this" at j standing alone for what was said, as in "Oslo
// denied it.", "Oslo denied this on Monday", "dismissed it as nonsense", not the subject of a
// clause ("denied it had") or one refused a thing ("denied it access").
func claimPronounAt(toks []token, j int) bool {
	if f := toks[j].fold; f != "it" && f != "this" {
		return false
	}
	if j+1 == len(toks) {
		return true
	}
	switch next := toks[j+1]; next.fold {
	case "", "on", "in", "and", "as", "outright":
		return true
	default:
		return next.tag == "RB"
	}
}

// gerundActor finds the actor of a gerund after a preposition, which is not the clause's
// subject: in "vowed no reprisal against Norway for expelling a consul of ours" it is
// Norway, the mention before "for"; with no such mention the actor is unknown (-1).
// "responded by expelling" keeps the subject. ok is false when the trigger is no such
// gerund.
func (d *docState) gerundActor(s *sentence, tr trigger) (int, bool) {
	toks := s.toks
	k := tr.lo
	if toks[k].tag != "VBG" || k == 0 || toks[k-1].tag != "IN" || toks[k-1].fold == "by" {
		return -1, false
	}
	if toks[k-1].fold == "of" && k > 1 && intentNouns[toks[k-2].fold] {
		return -1, false // "Oslo has no intention of expelling": the intention's owner acts
	}
	if toks[k-1].fold == "for" && k > 1 {
		if i := d.mentionIndexAt(s, k-2); i >= 0 && s.mentions[i].hi == k-1 {
			return i, true
		}
	}
	return -1, true
}

// unnamedObject reads the people an expulsion acts on when no name follows the verb: a
// pronoun stands for the people last named; a count or a noun for people ("some 40
// agents", "two of their envoys") keeps the act with no named counterpart (id ""). For a
// passive the people come before the verb ("ten attachés were expelled"). ok is false when
// nothing says who was expelled.
func (d *docState) unnamedObject(s *sentence, tr trigger, passive bool) (id string, ok bool) {
	toks := s.toks
	lo, hi, step := tr.hi, min(len(toks), tr.hi+8), 1
	if passive {
		lo, hi, step = tr.lo-1, max(-1, tr.lo-9), -1
	}
	for j := lo; j != hi; j += step {
		f := toks[j].fold
		switch {
		case !passive && j == lo && (f == "no" || f == "nobody" || f == "none" || f == "anyone" || f == "anybody"):
			return "", true // "will expel no one"
		case f == "them" || f == "they" && passive:
			return d.lastPeople, true
		case f == "him" || f == "her" || (f == "he" || f == "she") && passive:
			id := d.objectPerson(s, tr, passive)
			return id, id != ""
		case sentAwayNouns[f] || peopleNouns[f] != "" || f == "officials" || f == "staff" || f == "personnel" || f == "members" || f == "employees":
			return "", true
		case toks[j].text == ";" || toks[j].text == "," && !passive || boundaries[f] && f != "so":
			return "", false
		}
	}
	return "", false
}

// agent finds the "by" phrase of a passive: "were expelled by Poland".
func (d *docState) agent(s *sentence, tr trigger) int {
	toks := s.toks
	for j := tr.hi; j < len(toks) && j < tr.hi+8; j++ {
		if toks[j].text == ";" || toks[j].text == "," || boundaries[toks[j].fold] {
			return -1
		}
		if toks[j].fold != "by" {
			continue
		}
		k := j + 1
		if k < len(toks) && toks[k].fold == "the" {
			k++
		}
		if i := d.mentionIndexAt(s, k); i >= 0 && s.mentions[i].lo == k {
			return i
		}
		return -1
	}
	return -1
}

// accreditedTo reads the envoy of a passive expulsion with no agent: "the Peruvian
// ambassador to Chile had three days to go". Only the state the envoy is posted to
// can send them away, so it is the expeller (host); envoy is the mention of the envoy or
// their state (-1 when unnamed). host is -1 when no envoy "to" a state comes before the verb.
func (d *docState) accreditedTo(s *sentence, tr trigger) (host, envoy int) {
	toks := s.toks
	start, person := d.pastAppositive(s, tr.lo-2)
	for j := start; j >= 1 && j >= start-8; j-- {
		if toks[j].fold == "" || boundaries[toks[j].fold] {
			break
		}
		if toks[j].fold != "to" || !representatives[toks[j-1].fold] {
			continue
		}
		k := j + 1
		if toks[k].fold == "the" {
			k++
		}
		host = d.mentionIndexAt(s, k)
		if host < 0 || s.mentions[host].lo != k || d.entities[s.mentions[host].id].Kind != graph.Government {
			return -1, -1
		}
		if m := d.mentionIndexAt(s, j-1); m >= 0 && m != host {
			return host, m
		}
		if m := d.envoyOwner(s, j-1); m >= 0 && m != host {
			return host, m // "the Holy See's envoy in Quito"
		}
		return host, person
	}
	return -1, -1
}

// expeller finds the government a passive expulsion was from: "were expelled from the
// Netherlands", "were kicked out of Spain", "were ordered to leave Estonia".
func (d *docState) expeller(s *sentence, tr trigger) int {
	toks := s.toks
	for j := tr.hi; j < len(toks) && j < tr.hi+5; j++ {
		if f := toks[j].fold; f != "from" && f != "of" && f != "leave" {
			continue
		}
		k := j + 1
		if k < len(toks) && toks[k].fold == "the" {
			k++
		}
		if i := d.mentionIndexAt(s, k); i >= 0 && s.mentions[i].lo == k && d.entities[s.mentions[i].id].Kind == graph.Government {
			return i
		}
		return -1
	}
	return -1
}

// nominalExpulsion reads "Ottawa's expulsion of a consular official", "announced the
// expulsion of twelve officers", "the expulsion of X by Y": the expeller is the possessor,
// the "by" phrase, or the subject of a verb that carries the act out; the expelled follow
// "of". An expulsion merely mentioned ("following the expulsion of") has no actor and is
// not reported.
func (d *docState) nominalExpulsion(s *sentence, tr trigger) {
	if d.nominalUnasserted(s, tr) {
		return // "called for Chile's expulsion of", "a possible expulsion"
	}
	if tr.hi < len(s.toks) && s.toks[tr.hi].fold == "by" {
		d.expulsionBy(s, tr)
		return
	}
	toks := s.toks
	from, negated, conf := -1, false, 0.7
	for j := tr.lo - 1; j >= 0 && j >= tr.lo-4; j-- {
		if i := d.mentionIndexAt(s, j); i >= 0 {
			from = i // "Ottawa's expulsion", "the Dutch expulsion"
			break
		}
		if tg := toks[j].tag; tg != "JJ" && tg != "POS" && tg != "RB" && tg != "VBN" && tg != "CD" && !possessiveOrQuote(toks[j].text) {
			break
		}
	}
	// the object phrase after "of", and an agent after it
	end := min(len(toks), tr.hi+10)
	var to []string
	for j := tr.hi + 1; j < end; j++ {
		if toks[j].fold == "" && toks[j].text != "'s" || boundaries[toks[j].fold] || strings.HasPrefix(toks[j].tag, "VB") {
			end = j
			break
		}
		if toks[j].fold == "by" {
			if i := d.mentionIndexAt(s, j+1); i >= 0 && from < 0 {
				from = i
			}
			end = j
			break
		}
		if i := d.mentionIndexAt(s, j); i >= 0 && len(to) == 0 {
			for _, c := range d.coordinated(s, i, false) {
				to = append(to, s.mentions[c].id)
			}
		}
	}
	if from < 0 {
		g := tr.lo - 1
		for g >= 0 && (toks[g].tag == "DT" || toks[g].tag == "JJ" || toks[g].tag == "PRP$" || toks[g].tag == "CD" || toks[g].fold == "immediate") {
			g--
		}
		if g < 0 || !expulsionGovernors[toks[g].lemma] || !strings.HasPrefix(toks[g].tag, "VB") || d.modalAt(s, g) {
			return
		}
		for j := g - 1; j >= 0; j-- {
			if conditionals[toks[j].fold] {
				return
			}
		}
		negated = d.negatedAt(s, g)
		from = d.subjectOf(s, g)
		if from < 0 {
			return
		}
	}
	if len(to) == 0 {
		if _, ok := d.unnamedObject(s, trigger{typ: tr.typ, lo: tr.lo, hi: tr.hi + 1}, false); !ok {
			return
		}
		conf = 0.45
	}
	quantity := findQuantity(s, tr.hi)
	fromID := s.mentions[from].id
	if s.mentions[from].pronoun {
		conf -= 0.15
	}
	if len(to) == 0 {
		d.emit(s, tr.lo, tr.typ, fromID, "", nil, negated, quantity, conf)
	}
	for _, id := range to {
		d.emit(s, tr.lo, tr.typ, fromID, id, nil, negated, quantity, conf)
	}
}

// nominal handles an act named by a noun: "warnings from Washington", "U.S. requests".
func (d *docState) nominal(s *sentence, tr trigger, refusal *trigger, refusalSubject int) {
	if tr.typ == graph.Expelled {
		d.nominalExpulsion(s, tr)
		return
	}
	toks := s.toks
	for j := tr.lo - 1; j >= 0; j-- {
		if conditionals[toks[j].fold] {
			if d.nominalWarningHeld(s, tr) {
				break
			}
			return // "if Canada did not heed the warning": no act is reported
		}
	}
	from := -1
	if tr.hi < len(toks) && (toks[tr.hi].fold == "from" || toks[tr.hi].fold == "by") {
		if i := d.mentionIndexAt(s, tr.hi+1); i >= 0 || tr.hi+2 < len(toks) && toks[tr.hi+1].fold == "the" {
			if i < 0 {
				i = d.mentionIndexAt(s, tr.hi+2)
			}
			from = i
		}
	}
	if from < 0 {
		// "Washington's warnings", "U.S. requests"
		for j := tr.lo - 1; j >= 0 && j >= tr.lo-4; j-- {
			if i := d.mentionIndexAt(s, j); i >= 0 {
				from = i
				break
			}
			if toks[j].tag != "JJ" && toks[j].tag != "POS" && toks[j].tag != "RB" && toks[j].tag != "VBN" {
				break
			}
		}
	}
	conveyed := false // "Oslo issued a stern warning": an act its subject did, not a mention of one
	if from < 0 {
		// "Washington sent repeated warnings": the sender of the warning is the verb's subject
		for j := tr.lo - 1; j >= 0 && j >= tr.lo-3; j-- {
			if conveyVerbs[toks[j].lemma] && strings.HasPrefix(toks[j].tag, "VB") {
				if d.modalAt(s, j) || d.negatedAt(s, j) || isQuestion(s) {
					return // "may issue a warning", "did not send one": none was given
				}
				from = d.subjectOf(s, j)
				conveyed = !strings.HasPrefix(toks[tr.lo-1].tag, "NN")
				break
			}
		}
	}
	if from < 0 {
		return
	}
	to := ""
	for j := tr.hi; j < len(toks) && j < tr.hi+6; j++ {
		if toks[j].fold == "to" || toks[j].fold == "for" {
			if toks[j].fold == "for" && tr.lo > 0 && strings.HasPrefix(toks[tr.lo-1].tag, "NN") {
				break // "a travel warning for Latvia" is about the place
			}
			if i := d.mentionIndexAt(s, j+1); i >= 0 {
				to = s.mentions[i].id
				// "a warning to Riga" names who was warned; "a warning for Riga" may be about it
				conveyed = conveyed && toks[j].fold == "to"
			}
			break
		}
	}
	if to == "" && tr.typ == graph.Warned {
		if as := d.warningAddressees(s, tr); len(as) > 0 {
			to = s.mentions[as[0]].id
		}
	}
	if to == "" && refusal != nil && refusal.lo < tr.lo && refusalSubject >= 0 {
		to = s.mentions[refusalSubject].id // "Mexico dismissed warnings from Washington"
	}
	if to == "" {
		// "Ottawa heeded Beijing's warning": who heeds a warning received it
		for j := tr.lo - 1; j >= 0 && j >= tr.lo-6; j-- {
			if receivers[toks[j].lemma] && strings.HasPrefix(toks[j].tag, "VB") {
				if i := d.receiverSubject(s, j); i >= 0 && i != from {
					to = s.mentions[i].id
				}
				break
			}
			if !d.inMention(s, j) && toks[j].tag != "DT" && toks[j].tag != "JJ" && toks[j].tag != "POS" && toks[j].tag != "PRP$" && toks[j].tag != "RB" {
				break
			}
		}
	}
	if to == "" {
		if tr.typ == graph.Warned && unaddressedNominal(toks, tr) {
			d.emit(s, tr.lo, tr.typ, s.mentions[from].id, "", nil, false, "", 0.65) // "its warning that"
		}
		return // a warning with nobody warned, named by a noun, is too often a mere mention
	}
	conf := 0.6
	if conveyed && tr.typ == graph.Warned {
		conf = 0.7
	}
	d.emit(s, tr.lo, tr.typ, s.mentions[from].id, to, nil, false, "", conf)
}

// dropUnnamedTwins removes an expulsion reported without counterpart when the article also
// reports it, same actor (or same count) and polarity, with one: the same act written
// twice, as a headline and its article do. So with warnings: "in response to Lima's
// warning" is the warning the article reported with its addressee. A denial only goes when
// its named twin comes from the same sentence: one actor may deny two things in an article.
func (d *docState) dropUnnamedTwins() {
	d.relations = slices.DeleteFunc(d.relations, func(r Relation) bool {
		if r.To != nil || r.Type != graph.Expelled && r.Type != graph.Warned && r.Type != graph.Denied {
			return false
		}
		return slices.ContainsFunc(d.relations, func(o Relation) bool {
			// a headline's "expels 35 diplomats" is the body's "expelled 35 Russian diplomats"
			sameCount := r.Type == graph.Expelled && r.Quantity != "" && o.Quantity == r.Quantity
			// one actor may well deny two things in two sentences; in one, it is one denial
			sameDenial := r.Type != graph.Denied || d.inHeadline(r) || slices.ContainsFunc(r.Evidence, func(sp Span) bool { return slices.Contains(o.Evidence, sp) })
			return o.To != nil && o.Type == r.Type && (o.From == r.From || sameCount) && o.Negated == r.Negated && sameDenial
		})
	})
}

// maxEvidence caps the spans kept per relation: a few sentences show an act as well as all.
const maxEvidence = 20

// emit records a relation, merging it with an earlier one that says the same.
// ownSide reports b as a's own state or organ, or a as b's: the two speak for one side.
func (d *docState) ownSide(a, b string) bool {
	return d.officialOf[a] == b || d.stateOf(a) == b || d.officialOf[b] == a || d.stateOf(b) == a
}

func (d *docState) emit(s *sentence, at int, typ graph.RelationType, from, to string, about []string, negated bool, quantity string, conf float64) {
	if from == to {
		return
	}
	if to != "" && d.ownSide(from, to) {
		// "Kremlin spokesman Ivan Petrenko denied a report that Russia had moved troops": no
		// one acts on their own state, nor a state on its own organ; the act is kept, held
		to, conf = "", conf-0.2
	}
	about = slices.DeleteFunc(slices.Clone(about), func(a string) bool { return a == from || a == to })
	conf = math.Round(conf*100) / 100 // sums of cue weights, not measurements: two decimals say it all
	span := Span{Start: s.start, End: s.end, Text: s.text}
	date, dateText := s.dateFor(at)
	for i := range d.relations {
		r := &d.relations[i]
		if r.Type == typ && r.From == from && ptrString(r.To) == to && r.Negated == negated {
			if len(r.Evidence) < maxEvidence && !slices.Contains(r.Evidence, span) {
				r.Evidence = append(r.Evidence, span)
			}
			for _, a := range about {
				if !slices.Contains(r.About, a) {
					r.About = append(r.About, a)
				}
			}
			if r.Date == "" {
				r.Date, r.DateText = date, dateText
			}
			if r.Quantity == "" {
				r.Quantity = quantity
			}
			r.Confidence = max(r.Confidence, conf)
			return
		}
	}
	r := Relation{Type: typ, From: from, About: about, Negated: negated, Date: date, DateText: dateText,
		Quantity: quantity, Confidence: conf, Evidence: []Span{span}}
	if to != "" {
		r.To = &to
	}
	d.relations = append(d.relations, r)
}

func ptrString(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
