package extract

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	prose "github.com/jdkato/prose/v3"

	"github.com/dossiergraph/dossier/graph"
)

// token is a word or punctuation mark with its byte offsets into the input.
type token struct {
	text       string
	fold       string // graph.Fold of text; "" for punctuation
	lemma      string // dictionary form of the lower-cased word
	tag        string // Penn Treebank part of speech
	start, end int
	capital    bool // starts with an upper-case letter
}

// mention is a stretch of a sentence's tokens [lo, hi) that names an entity.
type mention struct {
	id      string
	lo, hi  int
	pronoun bool // "he", "she": the person last named, less certain than a name
}

// sentence is one sentence with its tokens and the mentions found in it.
type sentence struct {
	start, end int
	text       string
	toks       []token
	mentions   []mention
	date       graph.PartialDate
	dateText   string
	dates      []datedSpan // every date expression, so that each act is dated from its own clause
	cues       dateCue     // which date patterns are worth trying
}

// docState is the working state of one Extract call.
type docState struct {
	x                           *Extractor
	lemmas                      triggerLemmas
	gaz                         Gazetteer
	text                        string
	published                   graph.PartialDate
	entities                    map[string]*Entity
	order                       []string          // entity ids in order of first mention
	shortName                   map[string]string // folded surname or acronym → entity id, within the article
	lastYear                    string            // the year most recently named, for "that year"
	lastGroup                   string            // the group of people most recently named, for "the officers"
	lastPeople                  string            // the group or state whose people were most recently named, for "them"
	lastPerson                  string            // the person most recently named, for "he" and "she"
	lastPersonAt, otherPersonAt int               // sentences where lastPerson and the person before were last named
	otherPerson                 string
	prevActors                  []string                // the states, organs and groups the previous sentence named, for "they"
	prevSentence                *sentence               // the sentence read before, for the actors "both" stands for
	statementAuthor             string                  // who made the statement last named, for `..." the statement said`
	sentenceNo                  int                     // index of the sentence being read
	folded                      map[string]string       // graph.Fold memo: names recur throughout an article
	twins                       map[string]graph.Entity // world id → the caller's entity for it; zero if none
	relations                   []Relation
	firstNamed                  map[string]int          // person id → byte offset of its first mention
	foreseen                    map[string]string       // folded surname → full name of the one person the article gives it
	claims                      []claim                 // who claimed what of whom, for the author of denied allegations
	titleHolder                 map[string]string       // folded office ("prime minister") → the one person the article named with it; "" when several
	officialOf                  map[string]string       // person id → the state named before their title ("Norway's Prime Minister Ana Lund")
	seatFor                     map[string]graph.Entity // seat city key → the body it stands for in this article; zero if none
}

func newDocState(x *Extractor, gaz Gazetteer, doc Document) *docState {
	return &docState{
		x: x, gaz: gaz, text: doc.Text, published: doc.Published, lemmas: x.lemmas,
		entities: map[string]*Entity{}, shortName: map[string]string{}, folded: map[string]string{},
		twins: map[string]graph.Entity{}, firstNamed: map[string]int{}, titleHolder: map[string]string{}, officialOf: map[string]string{},
		seatFor: map[string]graph.Entity{},
	}
}

// fold is graph.Fold, memoised for the article.
func (d *docState) fold(s string) string {
	f, ok := d.folded[s]
	if !ok {
		f = graph.Fold(s)
		d.folded[s] = f
	}
	return f
}

// key is nameKey, memoised for the article.
func (d *docState) key(name string) string {
	return strings.TrimPrefix(d.fold(name), "the ")
}

// split turns prose's sentences and tokens into ours, cutting prose's sentences at cuts
// (sorted byte offsets no sentence may cross).
func (d *docState) split(pd *prose.Document, cuts []int) []sentence {
	sents := pd.Sentences()
	toks := pd.Tokens()
	out := make([]sentence, 0, len(sents)+len(cuts))
	ti, ci := 0, 0
	for _, ps := range sents {
		for lo, hi := ps.Start, ps.Start+len(ps.Text); lo < hi; {
			for ci < len(cuts) && cuts[ci] <= lo {
				ci++
			}
			end := hi
			if ci < len(cuts) && cuts[ci] < hi {
				end = cuts[ci]
			}
			out, ti = d.sentenceOf(toks, ti, lo, end, out)
			lo = end
		}
	}
	return out
}

// sentenceOf appends the sentence at text[lo:hi], trimmed, with the tokens from toks[ti]
// that start inside it, and returns the index of the first token after it.
func (d *docState) sentenceOf(toks []prose.Token, ti, lo, hi int, out []sentence) ([]sentence, int) {
	for lo < hi && isSpace(d.text[lo]) {
		lo++
	}
	for hi > lo && isSpace(d.text[hi-1]) {
		hi--
	}
	cur := sentence{start: lo, end: hi, text: d.text[lo:hi]}
	for ti < len(toks) && toks[ti].Start < hi {
		t := toks[ti]
		ti++
		if t.Start < lo {
			continue
		}
		if len(cur.toks) == maxSentenceTokens {
			// Text without sentence breaks (lists, tables, hostile input) is read in
			// pieces, which keeps the clause analysis linear in the input.
			last := cur.toks[len(cur.toks)-1]
			cur.end, cur.text = last.end, d.text[cur.start:last.end]
			out = append(out, cur)
			cur = sentence{start: t.Start, end: hi, text: d.text[t.Start:hi]}
		}
		tok := d.newToken(t.Text, t.Tag, t.Start)
		switch {
		case tok.fold != "" && tok.fold[0] >= '0' && tok.fold[0] <= '9':
			cur.cues |= cueDigit
		case monthCues[monthWord(tok.fold)]:
			cur.cues |= cueMonth
		case relativeCues[tok.fold]:
			cur.cues |= cueRelative
		}
		cur.toks = append(cur.toks, tok)
	}
	if cur.start < cur.end {
		out = append(out, cur)
	}
	return out, ti
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

func (d *docState) newToken(text, tag string, start int) token {
	t := token{text: text, tag: tag, start: start, end: start + len(text)}
	r, _ := utf8.DecodeRuneInString(text)
	t.capital = unicode.IsUpper(r)
	if isWordy(text) {
		t.fold = foldWord(text)
		if !t.capital && strings.IndexFunc(t.fold, unicode.IsLetter) >= 0 {
			t.lemma = d.lemmas.lemma(strings.ToLower(text))
		} else {
			t.lemma = t.fold
		}
	}
	return t
}

// foldWord is graph.Fold with a fast path for plain ASCII words, which are most words.
func foldWord(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return graph.Fold(s)
		}
	}
	return strings.ToLower(s)
}

func isWordy(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// Words that shape mentions.
var (
	// portfolios qualify a minister's or secretary's title: "Defence Minister Ana Lund",
	// "Home Secretary ...".
	portfolios = []string{"defence", "finance", "justice", "trade", "health", "environment", "energy", "economy",
		"agriculture", "education", "transport", "culture", "labour", "labor", "industry", "commerce", "treasury", "home"}
	// titles are dropped from names and mark the name that follows as a person.
	titles = set(slices.Concat([]string{"president", "vice", "gen", "general", "director", "minister", "secretary", "deputy",
		"ambassador", "senator", "sen", "rep", "representative", "gov", "governor", "col", "colonel", "lt",
		"adm", "admiral", "commander", "chief", "mr", "mrs", "ms", "dr", "foreign", "defense", "prime",
		"spokesman", "spokeswoman", "spokesperson", "adviser", "advisor", "then", "former", "chancellor",
		"prosecutor", "judge", "mayor", "sgt", "maj", "capt", "of", "state", "interior", "security",
		"national", "attorney", "assistant", "undersecretary", "envoy", "officer", "agent", "senior",
		"king", "queen", "pope", "premier", "taoiseach", "correspondent", "reporter", "journalist", "lawmaker"},
		portfolios)...)
	// titleModifiers only qualify a title: "State Duma" has none, so it names no person.
	titleModifiers = set(slices.Concat([]string{"vice", "deputy", "foreign", "defense", "prime", "then", "former",
		"of", "state", "interior", "security", "national", "assistant", "senior", "chief"}, portfolios)...)
	// orgWords make a capitalised name an agency (or a group, for parties).
	orgWords = set("ministry", "agency", "committee", "council", "embassy", "department", "command",
		"bureau", "office", "commission", "service", "services", "directorate", "secretariat", "senate",
		"congress", "parliament", "police", "army", "navy", "court", "administration", "consulate",
		"institute", "authority", "intelligence", "guard", "cabinet")
	groupWords  = set("party", "movement", "alliance", "union", "coalition", "front", "organization", "organisation")
	outletWords = set("times", "news", "post", "journal", "tribune", "herald", "gazette", "insider",
		"daily", "telegraph", "press", "magazine", "review", "chronicle", "observer", "monitor", "radio", "tv",
		"television", "wire", "report", "standard", "courier", "mirror", "star", "globe")
	// connectors may sit inside a capitalised name: "Ministry of Foreign Affairs".
	connectors = set("of", "for", "de", "del", "la", "los", "las", "y", "on")
	// govNouns after a demonym stand for the government: "Mexican officials" → mexico.
	govNouns = set("official", "officials", "authorities", "government", "administration", "leaders",
		"leadership", "president", "prosecutors", "police", "intelligence", "counterintelligence", "security",
		"ministers", "minister", "diplomacy", "state", "regime", "side", "counterparts", "counterpart",
		"negotiators", "investigators", "lawmakers", "legislators", "senators", "prosecutor", "army", "military", "forces",
		"spokesman", "spokeswoman", "spokesperson")
	// peopleNouns after a demonym name a group of that country's people.
	peopleNouns = map[string]string{
		"spies": "intelligence officers", "spy": "intelligence officers", "agents": "intelligence officers",
		"officers": "intelligence officers", "operatives": "intelligence officers", "officer": "intelligence officers",
		"agent": "intelligence officers", "operative": "intelligence officers",
		"nationals": "nationals", "citizens": "nationals",
	}
	// representatives after a demonym speak and suffer for their state: expelling "three
	// Danish diplomats" is an act against Denmark, with the count as its quantity.
	representatives = set("diplomat", "diplomats", "ambassador", "ambassadors", "envoy", "envoys", "consul",
		"consuls", "attaché", "attachés", "attache", "attaches", "emissary", "emissaries", "representative",
		"representatives", "chargé", "charge")
	// nounModifiers may sit between a demonym and its noun: "Mexican security officials".
	nounModifiers = set("senior", "top", "intelligence", "security", "foreign", "military", "federal", "consular", "diplomatic",
		"government", "suspected", "alleged", "undercover", "career", "accredited", "law",
		"enforcement", "defense", "counterintelligence", "affairs", "high", "ranking", "high-ranking",
		"interior", "prime", "deputy", "defence", "justice", "finance", "trade", "naval", "air", "commercial", "cultural")
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// notNameWords are capitalised words of places, events and periods, never of a person's
// name, so that "Latin America" or "Independence Day" is not taken for someone.
var notNameWords = set("america", "americas", "europe", "asia", "africa", "hemisphere", "east", "west", "north",
	"south", "western", "eastern", "northern", "southern", "central", "middle", "latin", "day", "independence",
	"christmas", "easter", "war", "world", "cold", "ocean", "sea", "river", "street", "avenue", "city", "county",
	"province", "state", "states", "island", "islands", "bay", "gulf", "valley", "university", "airport", "square",
	"palace", "house", "hall", "plaza", "station", "tower", "bridge", "park", "olympics", "cup", "summit", "forum",
	"january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
	"december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "spring", "summer",
	"autumn", "fall", "winter", "covid", "internet", "god", "soviet", "union", "empire", "republic", "kingdom")

// dateWords end a capitalised run; May is left out, being a surname too.
var dateWords = set("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december")

// maxSentenceTokens bounds the tokens read as one sentence.
const maxSentenceTokens = 200

// maxWindow bounds gazetteer lookups, in tokens.
const maxWindow = 8

// findMentions fills s.mentions, left to right, without overlaps.
func (d *docState) findMentions(s *sentence) {
	toks := s.toks
	defer func() {
		d.prevActors = d.actorsIn(s.mentions)
		d.noteApposedOfficials(s)
		d.notePreposedOfficials(s)
	}()
	for i := 0; i < len(toks); {
		if f := toks[i].fold; (f == "he" || f == "she") && d.pronounPerson() != "" {
			s.mentions = append(s.mentions, mention{id: d.lastPerson, lo: i, hi: i + 1, pronoun: true})
			// a run of "he said" keeps the person in view: reporting names a speaker once,
			// then quotes them sentence after sentence
			d.lastPersonAt = d.sentenceNo
			i++
			continue
		}
		if toks[i].fold == "they" {
			if id := d.pronounActor(s); id != "" {
				s.mentions = append(s.mentions, mention{id: id, lo: i, hi: i + 1, pronoun: true})
			}
			i++
			continue
		}
		n := d.outletEpithetAt(s, i)
		if n == 0 {
			n = d.officeHolderAt(s, i)
		}
		if n == 0 {
			n = d.worldBodyAt(s, i)
		}
		if n == 0 {
			n = d.mentionAt(s, i)
		}
		if n == 0 {
			n = d.definiteGroupAt(s, i)
		}
		if n == 0 {
			n = d.epithetAt(s, i)
		}
		if n <= 0 {
			i++
			continue
		}
		i += n
	}
}

// worldBodyAt reads "the world body", wire copy's standing name for the United Nations,
// in lower case where no capitalised name is looked up. It returns the tokens consumed.
func (d *docState) worldBodyAt(s *sentence, i int) int {
	toks := s.toks
	if i+2 >= len(toks) || toks[i].fold != "the" || toks[i+1].fold != "world" || toks[i+2].fold != "body" {
		return 0
	}
	un, ok := d.lookup("united nations")
	if !ok {
		return 0
	}
	d.addReference(s, i, i+3, un)
	return 3
}

// leaderWords are the offices whose bare title ("the prime minister", "the Taoiseach")
// re-names its holder; "the ambassador" or "the spokesman" too often means another one.
var leaderWords = set("president", "minister", "premier", "chancellor", "taoiseach", "king", "queen", "pope",
	"secretary", "governor", "mayor")

// noteTitle records that the person id was named with the title words ("Prime Minister
// Benjamin Netanyahu"), so that "the Prime Minister" later means them, unless the article
// gives the title to someone else too.
func (d *docState) noteTitle(title []token, id string) {
	if title[0].fold == "former" || title[0].fold == "then" {
		return // "former President X": the bare title now means someone else
	}
	if !slices.ContainsFunc(title, func(t token) bool { return leaderWords[t.fold] }) {
		return
	}
	key := joinFolds(title)
	if held, ok := d.titleHolder[key]; ok && held != id {
		d.titleHolder[key] = ""
		return
	}
	d.titleHolder[key] = id
}

// noteOfficial records the state of the person just named at s.mentions[person] with a
// title at token i, when a state or one of its organs is named right before the title
// ("Norwegian Prime Minister Ana Lund", "Norway's Foreign Minister Ana Lund", "the
// Norwegian foreign ministry's spokeswoman"): the charges against that state are against
// its official too.
func (d *docState) noteOfficial(s *sentence, i, person int) {
	if i > 0 && (person == 0 || s.mentions[person-1].hi < i) {
		if state := d.stateNamedBy(s.toks[i-1].fold); state != "" {
			d.officialOf[s.mentions[person].id] = state // "Norwegian Prime Minister Ana Lund"
			return
		}
	}
	if person == 0 {
		return
	}
	prev := s.mentions[person-1]
	if prev.pronoun || !(prev.hi == i || prev.hi == i-1 && s.toks[i-1].tag == "POS") {
		return
	}
	if state := d.governmentOf(prev.id); state != "" {
		d.officialOf[s.mentions[person].id] = state
	}
}

// pressWords are titles that name no office of state: a reporter for a state's broadcaster
// speaks for no state.
var pressWords = set("correspondent", "reporter", "journalist")

// servesNoState reports a title word of a former holder or of the press.
func servesNoState(f string) bool { return f == "former" || f == "then" || pressWords[f] }

// governmentOf is the government id stands for: itself, or the state an agency's name
// names; "" for anything else.
func (d *docState) governmentOf(id string) string {
	if e := d.entities[id]; e != nil && e.Kind == graph.Government {
		return id
	}
	return d.stateOf(id)
}

// noteApposedOfficials records the state of a person whose post follows their name:
// "Ana Lund, Norway's foreign minister", "Ana Lund, a spokeswoman for the Norwegian
// government". A former holder, or the press, speaks for no state.
func (d *docState) noteApposedOfficials(s *sentence) {
	toks := s.toks
	for pi, m := range s.mentions {
		if e := d.entities[m.id]; m.pronoun || e == nil || e.Kind != graph.Person || m.hi+2 >= len(toks) || toks[m.hi].text != "," {
			continue
		}
		j := m.hi + 1
		if toks[j].tag == "DT" {
			j++
		}
		state := ""
		if pi+1 < len(s.mentions) && s.mentions[pi+1].lo == j {
			// "Ana Lund, Norway's foreign minister"
			g := s.mentions[pi+1]
			if g.hi < len(toks) && toks[g.hi].tag == "POS" && g.hi+1 < len(toks) && d.postWordsAt(toks, g.hi+1) > 0 {
				state = g.id
			}
		} else if n := d.postWordsAt(toks, j); n > 0 && j+n+1 < len(toks) && (toks[j+n].fold == "for" || toks[j+n].fold == "of") {
			// "Ana Lund, a spokeswoman for the Norwegian government"
			k := j + n + 1
			if toks[k].fold == "the" {
				k++
			}
			if gi := d.mentionIndexAt(s, k); gi >= 0 && s.mentions[gi].lo == k && (s.mentions[gi].hi >= len(toks) || toks[s.mentions[gi].hi].tag != "POS") {
				state = s.mentions[gi].id
			}
		}
		if state == "" {
			continue
		}
		if state = d.governmentOf(state); state != "" {
			d.officialOf[m.id] = state
		}
	}
}

// notePreposedOfficials records the state of a person whose post, in lower case, comes
// between the state and the name: "Kremlin spokesman Ivan Petrenko", "Russia's foreign
// ministry spokeswoman Olga Petrova". (A capitalised title is read with the name.)
func (d *docState) notePreposedOfficials(s *sentence) {
	toks := s.toks
	for _, m := range s.mentions {
		if e := d.entities[m.id]; m.pronoun || e == nil || e.Kind != graph.Person || d.officialOf[m.id] != "" {
			continue
		}
		j, office := m.lo-1, false
		for j >= 0 && j >= m.lo-5 && !toks[j].capital && (titles[toks[j].fold] || spokesNouns[toks[j].fold] || orgWords[toks[j].fold] || govNouns[toks[j].fold]) {
			if servesNoState(toks[j].fold) {
				office = false
				break
			}
			office = office || spokesNouns[toks[j].fold] || titles[toks[j].fold] && !titleModifiers[toks[j].fold]
			j--
		}
		if !office || j < 0 {
			continue
		}
		if toks[j].tag == "POS" && j > 0 {
			j--
		}
		state := d.stateNamedBy(toks[j].fold)
		if gi := d.mentionIndexAt(s, j); gi >= 0 && s.mentions[gi].hi == j+1 && !s.mentions[gi].pronoun {
			state = d.governmentOf(s.mentions[gi].id)
		}
		if state != "" {
			d.officialOf[m.id] = state
		}
	}
}

// postWordsAt counts the words of an office of state from j: "foreign minister",
// "senior spokesman". It is 0 for a former holder, the press, or no title.
func (d *docState) postWordsAt(toks []token, j int) int {
	n := 0
	for j+n < len(toks) && n < 4 && (titles[toks[j+n].fold] || spokesNouns[toks[j+n].fold]) && toks[j+n].fold != "of" {
		if servesNoState(toks[j+n].fold) {
			return 0
		}
		n++
	}
	if n > 0 && titleModifiers[toks[j+n-1].fold] {
		return 0 // "foreign" alone is no office
	}
	return n
}

// officeHolderAt reads "the Prime Minister" at token i as the one person the article has
// named with that title; "the Prime Minister's office" speaks for them too. A name after
// the title ("the Prime Minister, Ana Ruiz", "the President of Peru") is read as it stands.
// It returns the tokens consumed.
func (d *docState) officeHolderAt(s *sentence, i int) int {
	toks := s.toks
	if toks[i].fold != "the" || len(d.titleHolder) == 0 {
		return 0
	}
	j := i + 1
	for j < len(toks) && j <= i+3 && titles[toks[j].fold] && toks[j].fold != "of" {
		j++
	}
	if j == i+1 || j < len(toks) && (toks[j].fold == "of" || toks[j].capital && toks[j].fold != "") {
		return 0
	}
	id := d.titleHolder[joinFolds(toks[i+1:j])]
	if id == "" {
		return 0
	}
	d.addMentionID(s, i, j, id)
	return j - i
}

// pronounActor is the state, organ or group "they" stands for: the only one named in the
// previous sentence and in this one before the pronoun. Otherwise nobody.
func (d *docState) pronounActor(s *sentence) string {
	actors := append(slices.Clone(d.prevActors), d.actorsIn(s.mentions)...)
	slices.Sort(actors)
	if actors = slices.Compact(actors); len(actors) == 1 {
		return actors[0]
	}
	return ""
}

// actorsIn lists the ids of the named (not pronoun) mentions of collective actors: no
// people, whom "they" does not stand for alone, and no outlets, which report rather than act.
func (d *docState) actorsIn(ms []mention) []string {
	var out []string
	for _, m := range ms {
		if e := d.entities[m.id]; e != nil && !m.pronoun && e.Kind != graph.Person && e.Kind != graph.Outlet {
			out = append(out, m.id)
		}
	}
	return out
}

// pronounPerson is the person "he" or "she" stands for: the one named in this sentence or
// the one before, when no other person was named that recently. Otherwise nobody: a wrong
// guess would put words in someone's mouth.
func (d *docState) pronounPerson() string {
	if d.lastPerson == "" || d.sentenceNo-d.lastPersonAt > 1 {
		return ""
	}
	if d.otherPerson != "" && d.sentenceNo-d.otherPersonAt <= 1 {
		return ""
	}
	return d.lastPerson
}

// placeQualified reads a known organ followed by where it sits, "the Russian Embassy in
// Warsaw": when the known entity's names do not name that place, this is another organ
// (another embassy of the same state), so a new entity is made for it and the article's
// later "the Russian embassy" means this one. It returns the tokens consumed from lo, 0
// when there is no place qualifier.
func (d *docState) placeQualified(s *sentence, lo, hi int, e graph.Entity) int {
	toks := s.toks
	if e.Kind != graph.Agency || hi+1 >= len(toks) || toks[hi].fold != "in" && toks[hi].fold != "at" && toks[hi].fold != "to" {
		return 0
	}
	p := capitalRun(toks, hi+1)
	if p == 0 {
		return 0
	}
	start := lo
	if toks[start].fold == "the" {
		start++
	}
	place := s.textOf(toks[hi+1 : hi+1+p])
	if d.namesPlace(e, place) {
		d.addMention(s, lo, hi+1+p, e, true, d.inStore(e))
		return hi + 1 + p - lo
	}
	bare := d.key(s.textOf(toks[start:hi]))
	d.addNew(s, start, hi+1+p, graph.Agency, titleCase(s.textOf(toks[start:hi]))+" "+toks[hi].fold+" "+place)
	d.setShort(bare, s.mentions[len(s.mentions)-1].id)
	return hi + 1 + p - lo
}

// namesPlace reports whether one of e's names holds the place, or the place's government
// holds one of the places e's names hold ("Mexico" for "in Mexico City").
func (d *docState) namesPlace(e graph.Entity, place string) bool {
	want := d.key(place)
	for _, n := range append([]string{e.Name}, e.Aliases...) {
		if f := " " + d.fold(n) + " "; strings.Contains(f, " "+want+" ") {
			return true
		}
	}
	return false
}

// leaderGovernment reads "Sheinbaum's government" as the government of the leader's
// country, when the gazetteer knows the person's country.
func (d *docState) leaderGovernment(s *sentence, i, n int, person graph.Entity) int {
	toks := s.toks
	j := i + n
	if person.Kind != graph.Person || person.Country == "" || j+1 >= len(toks) || toks[j].tag != "POS" {
		return 0
	}
	if f := toks[j+1].fold; f != "government" && f != "administration" {
		return 0
	}
	country, ok := d.lookup(d.key(person.Country))
	if !ok || country.Kind != graph.Government {
		return 0
	}
	d.addMention(s, i, j+2, country, true, d.inStore(country))
	return j + 2 - i
}

// definiteGroupAt reads "the officers", "the spies" as the group of people the article
// last named, a cheap but common coreference in news prose.
func (d *docState) definiteGroupAt(s *sentence, i int) int {
	toks := s.toks
	if toks[i].fold != "the" || i+1 >= len(toks) {
		return 0
	}
	switch f := toks[i+1].fold; {
	case d.lastGroup != "" && peopleNouns[f] != "":
		d.addMentionID(s, i, i+2, d.lastGroup)
		return 2
	case d.lastPeople != "" && (f == "diplomats" || f == "envoys"):
		d.addMentionID(s, i, i+2, d.lastPeople)
		return 2
	}
	return 0
}

// epithetHeads end a description that re-names a state: "the Baltic nation", "the Gulf
// kingdom", "the island state".
var epithetHeads = set("nation", "country", "state", "kingdom", "republic", "emirate", "monarchy")

// epithetAt reads "the Baltic Sea nation" at token i as the one state it can re-name: of
// the states the previous sentence and this one have named, the one that is not this
// sentence's subject (a description names someone other than the clause's actor). With
// none or several left it reads nothing. It returns the tokens consumed.
func (d *docState) epithetAt(s *sentence, i int) int {
	toks := s.toks
	if toks[i].fold != "the" {
		return 0
	}
	head := -1
	for j := i + 1; j < len(toks) && j <= i+4; j++ {
		if epithetHeads[toks[j].fold] && j > i+1 && (j+1 == len(toks) || !strings.HasPrefix(toks[j+1].tag, "NN")) {
			head = j
			break
		}
		if !toks[j].capital && toks[j].tag != "JJ" || toks[j].fold == "" {
			return 0
		}
	}
	if head < 0 {
		return 0
	}
	subject := ""
	for _, m := range s.mentions {
		if m.lo == 0 || toks[m.lo-1].tag != "IN" && toks[m.lo-1].tag != "TO" {
			subject = m.id
			break
		}
	}
	var states []string
	for _, id := range append(slices.Clone(d.prevActors), d.actorsIn(s.mentions)...) {
		if e := d.entities[id]; e.Kind == graph.Government && id != subject {
			states = append(states, id)
		}
	}
	slices.Sort(states)
	if states = slices.Compact(states); len(states) != 1 {
		return 0
	}
	s.mentions = append(s.mentions, mention{id: states[0], lo: i, hi: head + 1, pronoun: true})
	return head + 1 - i
}

// leadFunctionWords are capitalised only by their place (a sentence's start, a title-case
// headline): "Did Peru expel", "Should Germany warn" name Peru and Germany, not "Did Peru".
var leadFunctionWords = set("did", "does", "had", "has", "have", "is", "are", "was", "were", "should", "could",
	"would", "can", "must", "might", "shall", "why", "how", "when", "where", "what", "whether", "if", "and",
	"but", "or", "so", "yet", "still", "then", "now", "as", "after", "before", "while", "since", "because",
	"although", "though", "unless", "until", "once", "also", "even", "only", "meanwhile", "however", "instead",
	"yesterday", "today")

// nameLikeFunctionWords are also first names ("Will Hutton", "Do Kwon"), so they are
// function words only before a name the gazetteers know: "Will Chile warn".
var nameLikeFunctionWords = set("will", "may", "do")

// leadingFunctionWord reports a capitalised function word at i that opens no name.
func (d *docState) leadingFunctionWord(toks []token, i int) bool {
	f := toks[i].fold
	if leadFunctionWords[f] {
		return true
	}
	if !nameLikeFunctionWords[f] || i+1 >= len(toks) {
		return false
	}
	n, _, _ := d.lookupLongest(toks, i+1)
	return n > 0
}

// mentionAt tries to read a mention starting at token i; it returns the tokens consumed.
func (d *docState) mentionAt(s *sentence, i int) int {
	toks := s.toks
	t := toks[i]
	if !t.capital || d.leadingFunctionWord(toks, i) {
		return 0
	}
	run := capitalRun(toks, i)
	gazLen, gazEnt, fromStore := d.lookupLongest(toks, i)
	if gazLen >= run {
		if gazLen > 0 {
			if n := d.leaderGovernment(s, i, gazLen, gazEnt); n > 0 {
				return n
			}
			if n := d.placeQualified(s, i, i+gazLen, gazEnt); n > 0 {
				return n
			}
			d.addMention(s, i, i+gazLen, gazEnt, true, fromStore)
		}
		return gazLen
	}
	last := toks[i+run-1].fold
	if kind, ok := orgKind(toks[i:i+run], last); ok && (run > 1 || !isSentenceStart(toks, i)) {
		lo := i
		if toks[lo].fold == "the" {
			lo++
		}
		if kind == graph.Agency && d.ownedByState(s, lo, i+run) {
			return run
		}
		if kind == graph.Agency && isGenericOrgan(toks[lo:i+run]) {
			return run // "the Foreign Ministry": whose is not said, so it is nobody's entity
		}
		if lo < i+run {
			d.addNew(s, lo, i+run, kind, s.textOf(toks[lo:i+run]))
		}
		return run
	}
	if titles[t.fold] && t.fold != "of" {
		j, core := i, false
		for j < i+run && titles[toks[j].fold] {
			core = core || !titleModifiers[toks[j].fold]
			j++
		}
		if core && j < i+run {
			// "President Claudia Sheinbaum's government" is the government, as without the title.
			if n, ent, _ := d.lookupLongest(toks, j); n > 0 && j+n == i+run {
				if g := d.leaderGovernment(s, j, n, ent); g > 0 {
					return (j - i) + g
				}
			}
			before := len(s.mentions)
			n := d.personAt(s, j, i+run, true)
			if len(s.mentions) > before {
				d.noteTitle(toks[i:j], s.mentions[len(s.mentions)-1].id)
				d.noteOfficial(s, i, before)
			}
			return (j - i) + n
		}
		if core {
			return run
		}
	}
	if gazLen == 1 && run == 2 && gazEnt.Kind == graph.Government && d.unknownNameWord(toks, i+1) {
		// "Israel Katz", "Chad Stuart": a country's name is also a first name
		return d.personAt(s, i, i+2, false)
	}
	if gazLen > 0 {
		d.addMention(s, i, i+gazLen, gazEnt, true, fromStore)
		return gazLen
	}
	if n := d.demonymPhrase(s, i); n > 0 {
		return n
	}
	if t.fold == "the" {
		return 1
	}
	if n := partyEpithet(toks, i, i+run); n > 0 {
		return n // "Socialist President François Mitterrand": the title and name follow
	}
	// A person's name holds no connectors: "Dolia Estevez of Russophobia" is a name and more.
	end := i + 1
	for end < i+run && !connectors[toks[end].fold] {
		end++
	}
	return d.personAt(s, i, end, false)
}

// partyEpithet reads the one or two words of political colour before a title in the
// capitalised run [i, end): "Socialist" in "Socialist President François Mitterrand",
// "Conservative" in "Conservative Prime Minister Ana Ruiz". It returns how many, so that
// the title is read next, 0 when the run does not go on so.
func partyEpithet(toks []token, i, end int) int {
	for p := i; p < end && p < i+2; p++ {
		f := toks[p].fold
		if !strings.HasSuffix(f, "ist") && !strings.HasSuffix(f, "ive") && !strings.HasSuffix(f, "ic") &&
			!strings.HasSuffix(f, "ican") && !strings.HasSuffix(f, "al") {
			return 0
		}
		if q := p + 1; q+1 < end && titles[toks[q].fold] && toks[q].fold != "of" {
			return q - i
		}
	}
	return 0
}

// genericOrgWords make up the name of an organ any state has: "Ministry of Foreign Affairs".
var genericOrgWords = set("foreign", "affairs", "external", "interior", "home", "defence", "defense", "justice",
	"public", "general", "high", "information", "communications", "presidential", "press", "and", "the")

// isGenericOrgan reports a name every state's organ could bear: "Foreign Ministry".
func isGenericOrgan(run []token) bool {
	for _, t := range run {
		if !orgWords[t.fold] && !genericOrgWords[t.fold] && !connectors[t.fold] {
			return false
		}
	}
	return true
}

// ownedByState reads "Qatar's Ministry of Foreign Affairs": a generic organ owned by a
// state is that state's organ, an entity of its own named for both ("Bahrain Ministry of
// Foreign Affairs"), never the state itself nor a "Ministry of Foreign Affairs" every
// state would share. Later in the article the bare organ means this one.
func (d *docState) ownedByState(s *sentence, lo, hi int) bool {
	toks := s.toks
	if lo < 2 || toks[lo-1].tag != "POS" || len(s.mentions) == 0 {
		return false
	}
	last := s.mentions[len(s.mentions)-1]
	if last.hi != lo-1 || d.entities[last.id].Kind != graph.Government {
		return false
	}
	if !isGenericOrgan(toks[lo:hi]) {
		return false
	}
	s.mentions = s.mentions[:len(s.mentions)-1]
	organ := s.textOf(toks[lo:hi])
	d.addNew(s, last.lo, hi, graph.Agency, d.entities[last.id].Name+" "+organ)
	d.setShort(d.key(organ), s.mentions[len(s.mentions)-1].id)
	return true
}

// unknownNameWord reports a capitalised word that could end a person's name: tagged a
// proper noun, no place or period word, and unknown to the gazetteers.
func (d *docState) unknownNameWord(toks []token, j int) bool {
	t := toks[j]
	if !strings.HasPrefix(t.tag, "NNP") || notNameWords[t.fold] || orgWords[t.fold] || outletWords[t.fold] || groupWords[t.fold] || !isNameWord(t.text) {
		return false
	}
	if n, _, _ := d.lookupLongest(toks, j); n > 0 {
		return false
	}
	_, demonym := d.x.world.demonym[t.fold]
	return !demonym
}

// orgKind types a capitalised run by its cue words: outlets and groups by their last word
// ("The Washington Post", "Workers' Party"), agencies by any ("Ministry of the Interior").
func orgKind(run []token, last string) (graph.Kind, bool) {
	switch {
	case outletWords[last]:
		return graph.Outlet, true
	case groupWords[last]:
		return graph.Group, true
	}
	for _, t := range run {
		if orgWords[t.fold] {
			return graph.Agency, true
		}
	}
	return "", false
}

// personAt reads a name in toks [lo, hi): a known name, a surname or acronym seen earlier in
// the article, or, when a title or the name's shape says so, a new person. It returns the
// tokens consumed, 0 when nothing was read.
func (d *docState) personAt(s *sentence, lo, hi int, titled bool) int {
	toks := s.toks
	if full, ok := d.foreseen[toks[lo].fold]; ok && full == "" && hi-lo == 1 {
		return 1 // a surname the article gives two people, even before the second is named
	}
	for n := hi - lo; n >= 1; n-- {
		key := joinFolds(toks[lo : lo+n])
		if id, ok := d.shortName[key]; ok {
			if id == "" {
				return n // a surname two people of the article share names neither
			}
			d.addMentionID(s, lo, lo+n, id)
			return n
		}
	}
	if full, ok := d.foreseen[toks[lo].fold]; ok && hi-lo == 1 {
		if _, taken := d.shortName[toks[lo].fold]; !taken {
			d.addNew(s, lo, hi, graph.Person, full) // "Rubio", before "Marco Rubio" is named
			return 1
		}
	}
	n := hi - lo
	if n > 4 {
		return 0
	}
	for _, t := range toks[lo:hi] {
		if !isNameWord(t.text) || !titled && (!strings.HasPrefix(t.tag, "NNP") || notNameWords[t.fold]) {
			return 0
		}
	}
	// An untitled single word is too often a sentence opener or a common noun in capitals.
	if !titled && n < 2 {
		return 0
	}
	d.addNew(s, lo, hi, graph.Person, s.textOf(toks[lo:hi]))
	return n
}

func isNameWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) {
		return false
	}
	for _, c := range w {
		if !unicode.IsLetter(c) && c != '-' && c != '\'' && c != '.' {
			return false
		}
	}
	return true
}

// demonymPhrase reads "Mexican officials" (the government) or "Russian spies" (a group of
// that country's people) at token i.
func (d *docState) demonymPhrase(s *sentence, i int) int {
	toks := s.toks
	var country graph.Entity
	n := 0
	for w := 2; w >= 1; w-- {
		if i+w <= len(toks) {
			if e, ok := d.x.world.demonym[joinFolds(toks[i:i+w])]; ok {
				country, n = e, w
				break
			}
		}
	}
	if n == 0 {
		// "the Israelis", "the Russians": a people for its state in diplomatic news
		if f := toks[i].fold; i > 0 && toks[i-1].fold == "the" && len(f) > 3 && f[len(f)-1] == 's' {
			if e, ok := d.x.world.demonym[f[:len(f)-1]]; ok && e.Kind == graph.Government {
				d.addReference(s, i, i+1, e)
				return 1
			}
		}
		return 0
	}
	j := i + n
	// "British and French officials": each demonym takes the shared noun
	if j+1 < len(toks) && toks[j].fold == "and" {
		if n2 := d.demonymPhrase(s, j+1); n2 > 0 {
			last := s.mentions[len(s.mentions)-1]
			if e, ok := d.entities[last.id]; ok && e.Kind == graph.Government {
				d.addMention(s, i, i+n, country, true, d.inStore(country))
				// keep mentions in token order
				m := s.mentions
				m[len(m)-1], m[len(m)-2] = m[len(m)-2], m[len(m)-1]
			}
			return j + 1 + n2 - i
		}
	}
	for j < len(toks) && j < i+n+3 && nounModifiers[toks[j].fold] && !isHead(toks, j) {
		j++
	}
	if j >= len(toks) {
		return 0
	}
	head := toks[j].fold
	if toks[j].capital && j+1 < len(toks) && toks[j+1].capital {
		return 0 // "Mexican President Andrés Manuel López Obrador": a title, not the government
	}
	switch {
	case govNouns[head]:
		d.addMention(s, i, j+1, country, true, false)
		return j + 1 - i
	case claimNouns[head] || requestNouns[head]:
		// "the baseless Indian allegations": the state made them
		d.addReference(s, i, i+n, country)
		return n
	case representatives[head]:
		d.addMention(s, i, j+1, country, true, d.inStore(country))
		d.lastPeople = country.ID
		return j + 1 - i
	case peopleNouns[head] != "":
		name := s.textOf(toks[i:i+n]) + " " + peopleNouns[head]
		if e, ok := d.lookup(d.key(name)); ok {
			d.addMention(s, i, j+1, e, true, d.inStore(e))
		} else {
			d.addNew(s, i, j+1, graph.Group, name)
		}
		return j + 1 - i
	case head == "embassy" || head == "consulate" || head == "ministry":
		name := s.textOf(toks[i:i+n]) + " " + strings.ToLower(toks[j].text)
		if e, ok := d.lookup(d.key(name)); ok {
			if q := d.placeQualified(s, i, j+1, e); q > 0 {
				return q
			}
			d.addMention(s, i, j+1, e, true, d.inStore(e))
		} else {
			d.addNew(s, i, j+1, graph.Agency, titleCase(name))
		}
		return j + 1 - i
	}
	return 0
}

// isHead reports whether toks[j] is itself a noun a demonym phrase can end on, so that
// "Mexican intelligence" stops at "intelligence" unless a head noun follows.
func isHead(toks []token, j int) bool {
	f := toks[j].fold
	if !govNouns[f] && peopleNouns[f] == "" && !representatives[f] {
		return false
	}
	if j+1 >= len(toks) {
		return true
	}
	next := toks[j+1].fold
	return !govNouns[next] && peopleNouns[next] == "" && !representatives[next]
}

func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		r, size := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[size:]
	}
	return strings.Join(words, " ")
}

// capitalRun counts the tokens from i that form a capitalised name, connectors included
// when a capitalised word follows them.
func capitalRun(toks []token, i int) int {
	j := i
	for j < len(toks) {
		t := toks[j]
		switch {
		case j > i && dateWords[t.fold]:
			return j - i // "Israel Katz Wednesday": the day is no part of the name
		case t.capital && t.fold != "":
			j++
		case j > i && connectors[t.fold] && j+1 < len(toks) && toks[j+1].capital && toks[j+1].fold != "" && !dateWords[toks[j+1].fold]:
			// "the Commission on Human Rights", but not "the Commission on Wednesday"
			j++
		default:
			return j - i
		}
	}
	return j - i
}

func isSentenceStart(toks []token, i int) bool {
	for k := i - 1; k >= 0; k-- {
		if toks[k].fold != "" {
			return false
		}
	}
	return true
}

func joinFolds(toks []token) string {
	var b strings.Builder
	for _, t := range toks {
		if t.fold == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.fold)
	}
	return b.String()
}

// lookupLongest finds the longest gazetteer name starting at token i that doesn't cross
// punctuation; the caller's gazetteer wins over the world's.
func (d *docState) lookupLongest(toks []token, i int) (int, graph.Entity, bool) {
	end := i
	for end < len(toks) && end < i+maxWindow && (toks[end].fold != "" || toks[end].text == "'s") {
		end++
	}
	// Every shorter key is a prefix of the longest: join once and cut, rather than build
	// a string per length, which was a tenth of extraction's time.
	full := joinFolds(toks[i:end])
	var cut [maxWindow + 1]int // cut[n]: the length of the key of toks[i:i+n]
	for k := i; k < end; k++ {
		cut[k-i+1] = cut[k-i]
		if f := toks[k].fold; f != "" {
			if cut[k-i] > 0 {
				cut[k-i+1]++
			}
			cut[k-i+1] += len(f)
		}
	}
	for j := end; j > i; j-- {
		if toks[j-1].fold == "" {
			continue
		}
		key := full[:cut[j-i]]
		if toks[i].fold == "the" {
			key = strings.TrimPrefix(key, "the ")
		}
		if id, ok := d.shortName[key]; ok && j-i > 1 {
			// the article's own names first: after "the Russian Embassy in Warsaw", "the
			// Russian Embassy" is that one, whatever the store calls by that name
			if id == "" {
				continue // claimed by two of the article's entities: neither
			}
			e := d.entities[id]
			return j - i, graph.Entity{ID: e.ID, Kind: e.Kind, Name: e.Name}, e.FromStore
		}
		if d.gaz != nil {
			if e, ok := d.gaz.Lookup(key); ok {
				return j - i, e, true
			}
			if d.ambiguous(key) {
				continue
			}
		}
		if bodies, ok := seats[key]; ok {
			if e, ok := d.seatBody(key, bodies); ok {
				return j - i, e, d.inStore(e)
			}
			continue
		}
		if e, ok := d.x.world.Lookup(key); ok {
			if se, ok := d.storeTwin(e); ok {
				return j - i, se, true
			}
			return j - i, e, false
		}
	}
	return 0, graph.Entity{}, false
}

// seatedBody is one of the bodies a seat city stands for, with the names by which an
// article shows it is writing about that body.
type seatedBody struct {
	name string   // its world name
	cues []string // names of it or its organs, matched as whole words, case kept
}

// seats are cities whose name news uses for a body seated there rather than for the host
// state: "Brussels" is the EU in diplomatic news, or NATO, seldom Belgium's government.
var seats = map[string][]seatedBody{
	"brussels": {
		{name: "European Union", cues: []string{"European Union", "EU", "E.U.", "European Commission", "European Council", "European Parliament"}},
		{name: "NATO", cues: []string{"NATO", "North Atlantic"}},
	},
}

// seatBody reads a seat city as the one of its bodies the article names; with none or
// several named it is nobody's, for a guess would put words in someone's mouth.
func (d *docState) seatBody(key string, bodies []seatedBody) (graph.Entity, bool) {
	if e, ok := d.seatFor[key]; ok {
		return e, e.ID != ""
	}
	var found graph.Entity
	n := 0
	for _, b := range bodies {
		if slices.ContainsFunc(b.cues, func(c string) bool { return containsWord(d.text, c) }) {
			found, _ = d.lookup(nameKey(b.name))
			n++
		}
	}
	if n != 1 {
		found = graph.Entity{}
	}
	d.seatFor[key] = found
	return found, found.ID != ""
}

// containsWord reports w in text with no letter or digit either side.
func containsWord(text, w string) bool {
	for off := 0; ; {
		i := strings.Index(text[off:], w)
		if i < 0 {
			return false
		}
		lo, hi := off+i, off+i+len(w)
		before, _ := utf8.DecodeLastRuneInString(text[:lo])
		after, _ := utf8.DecodeRuneInString(text[hi:])
		if !wordRune(before) && !wordRune(after) {
			return true
		}
		off = lo + 1
	}
}

func wordRune(r rune) bool { return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// ambiguous reports a key the caller's gazetteer knows several entities by.
func (d *docState) ambiguous(key string) bool {
	a, ok := d.gaz.(AmbiguityReporter)
	return ok && a.Ambiguous(key)
}

func (d *docState) lookup(key string) (graph.Entity, bool) {
	if id, ok := d.shortName[key]; ok && id != "" && strings.Contains(key, " ") {
		e := d.entities[id]
		return graph.Entity{ID: e.ID, Kind: e.Kind, Name: e.Name}, true
	}
	if d.gaz != nil {
		if e, ok := d.gaz.Lookup(key); ok {
			return e, true
		}
		if d.ambiguous(key) {
			return graph.Entity{}, false
		}
	}
	e, ok := d.x.world.Lookup(key)
	if ok {
		if se, ok := d.storeTwin(e); ok {
			return se, true
		}
	}
	return e, ok
}

// storeTwin finds the caller's entity for a world entity, by any of the world's names for
// it, so that a store that spells it differently still keeps one entity: the store may call
// it "Mexico's Foreign Ministry" while the text says "SRE".
func (d *docState) storeTwin(w graph.Entity) (graph.Entity, bool) {
	if d.gaz == nil {
		return graph.Entity{}, false
	}
	if twin, ok := d.twins[w.ID]; ok {
		return twin, twin.ID != ""
	}
	var twin graph.Entity
	for _, name := range append([]string{w.Name}, w.Aliases...) {
		if e, ok := d.gaz.Lookup(d.key(name)); ok && e.Kind == w.Kind {
			twin = e
			break
		}
	}
	d.twins[w.ID] = twin
	return twin, twin.ID != ""
}

func (d *docState) inStore(e graph.Entity) bool {
	if d.gaz == nil {
		return false
	}
	got, ok := d.gaz.Lookup(d.key(e.Name))
	return ok && got.ID == e.ID
}

func (s *sentence) textOf(toks []token) string {
	return strings.TrimSpace(textBetween(s, toks[0].start, toks[len(toks)-1].end))
}

func textBetween(s *sentence, start, end int) string {
	return s.text[start-s.start : end-s.start]
}

// addNew records a mention of an entity the gazetteers don't know, unless the article has
// already named it.
func (d *docState) addNew(s *sentence, lo, hi int, kind graph.Kind, name string) {
	name = strings.TrimSuffix(strings.TrimSuffix(name, "'s"), "’s")
	if d.fold(name) == "" {
		return
	}
	id := graph.Slug(name)
	if e, ok := d.lookup(d.key(name)); ok {
		d.addMention(s, lo, hi, e, true, d.inStore(e))
		return
	}
	d.addMention(s, lo, hi, graph.Entity{ID: id, Kind: kind, Name: name}, false, false)
}

// addMention records a mention of e and the short forms later sentences may use for it.
func (d *docState) addMention(s *sentence, lo, hi int, e graph.Entity, known, fromStore bool) {
	ent, ok := d.entities[e.ID]
	if !ok {
		ent = &Entity{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: []string{}, Known: known, FromStore: fromStore}
		d.entities[e.ID] = ent
		d.order = append(d.order, e.ID)
		d.registerShortNames(ent)
	}
	if e.Kind == graph.Group && peopleNouns[s.toks[hi-1].fold] != "" {
		d.lastGroup, d.lastPeople = e.ID, e.ID
	}
	if e.Kind == graph.Person && e.ID != d.lastPerson {
		d.otherPerson, d.otherPersonAt = d.lastPerson, d.lastPersonAt
		d.lastPerson = e.ID
	}
	if e.Kind == graph.Person {
		d.lastPersonAt = d.sentenceNo
		if _, seen := d.firstNamed[e.ID]; !seen {
			d.firstNamed[e.ID] = s.toks[lo].start
		}
	}
	surface := strings.TrimSuffix(s.textOf(s.toks[lo:hi]), "'s")
	if s.toks[lo].fold == "the" || strings.Contains(surface, "'s ") {
		surface = "" // "the officers", "Sheinbaum's government": references, not names
	}
	if surface != "" && d.fold(surface) != d.fold(ent.Name) && !slices.ContainsFunc(ent.Aliases, func(a string) bool { return d.fold(a) == d.fold(surface) }) {
		ent.Aliases = append(ent.Aliases, surface)
	}
	s.mentions = append(s.mentions, mention{id: e.ID, lo: lo, hi: hi})
}

// addReference records a mention of e by words that are no name of it ("Indian" in "the
// Indian allegations"), so that they never become an alias.
func (d *docState) addReference(s *sentence, lo, hi int, e graph.Entity) {
	kept := -1
	if ent, ok := d.entities[e.ID]; ok {
		kept = len(ent.Aliases)
	}
	d.addMention(s, lo, hi, e, true, d.inStore(e))
	if ent := d.entities[e.ID]; kept >= 0 {
		ent.Aliases = ent.Aliases[:kept]
	} else {
		ent.Aliases = ent.Aliases[:0]
	}
}

func (d *docState) addMentionID(s *sentence, lo, hi int, id string) {
	e := d.entities[id]
	d.addMention(s, lo, hi, graph.Entity{ID: e.ID, Kind: e.Kind, Name: e.Name}, e.Known, e.FromStore)
}

// registerShortNames lets later mentions use a person's surname ("Ebrard", "López
// Obrador") or a name's capital initials ("AMLO").
func (d *docState) registerShortNames(e *Entity) {
	words := strings.Fields(graph.Fold(e.Name))
	for i, w := range words {
		// "Russian Embassy in Warsaw": in this article "the Russian Embassy" is this one
		if e.Kind == graph.Agency && i > 0 && (w == "in" || w == "at") {
			d.setShort(strings.Join(words[:i], " "), e.ID)
			break
		}
	}
	if e.Kind == graph.Person && len(words) >= 2 {
		d.setShort(words[len(words)-1], e.ID)
		if len(words) >= 3 {
			d.setShort(strings.Join(words[len(words)-2:], " "), e.ID)
		}
		// "Jorge Vidal Paz" is "President Vidal": of two surnames the first is used alone
		if raw := strings.Fields(e.Name); len(raw) == 3 && len(words) == 3 && len(words[1]) >= 3 && isNameWord(raw[1]) && !strings.HasSuffix(raw[1], ".") {
			d.setShort(words[1], e.ID)
		}
	}
	var initials strings.Builder
	for _, w := range strings.Fields(e.Name) {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) {
			initials.WriteRune(unicode.ToLower(r))
		}
	}
	if initials.Len() >= 3 && len(strings.Fields(e.Name)) >= 3 {
		d.setShort(initials.String(), e.ID)
	}
}

// surnamesAhead returns the surnames the article uses before it names their person in
// full, each with that full name, for a second reading. A surname goes only to the one
// person of the article who bears it, and not when the gazetteer gives it to someone else
// or to several: a wrong guess would put words in someone's mouth.
func (d *docState) surnamesAhead() map[string]string {
	bearers := map[string][]string{} // folded surname → ids of the people with a full name ending in it
	for _, id := range d.order {
		e := d.entities[id]
		if words := strings.Fields(d.fold(e.Name)); e.Kind == graph.Person && len(words) >= 2 {
			last := words[len(words)-1]
			bearers[last] = append(bearers[last], id)
		}
	}
	var ahead map[string]string
	for last, ids := range bearers {
		e := d.entities[ids[0]]
		full := e.Name
		if other, ok := d.lookup(last); len(ids) > 1 || d.ambiguous(last) || ok && other.ID != e.ID {
			full = "" // "Mr Soto" where Ana and Luis Soto are named: neither, nor a third
		} else if names := strings.Fields(e.Name); !usedBefore(d.text[:d.firstNamed[e.ID]], names[len(names)-1]) {
			continue
		}
		if ahead == nil {
			ahead = map[string]string{}
		}
		ahead[last] = full
	}
	return ahead
}

// usedBefore reports word standing alone in text, as a whole word.
func usedBefore(text, word string) bool {
	for i := strings.Index(text, word); i >= 0; {
		end := i + len(word)
		r, _ := utf8.DecodeLastRuneInString(text[:i])
		q, _ := utf8.DecodeRuneInString(text[end:])
		if (i == 0 || !unicode.IsLetter(r)) && (end == len(text) || !unicode.IsLetter(q)) {
			return true
		}
		next := strings.Index(text[end:], word)
		if next < 0 {
			return false
		}
		i = end + next
	}
	return false
}

// setShort lets key stand for id in the rest of the article. A key two entities claim
// ("Smith" for Anna and for John Smith) stands for neither from then on ("").
func (d *docState) setShort(key, id string) {
	if old, taken := d.shortName[key]; taken && old != id {
		d.shortName[key] = ""
		return
	}
	d.shortName[key] = id
}

// result assembles the Result in order of first mention.
func (d *docState) result() Result {
	d.dropUnnamedTwins()
	d.dropHeadlineTwins()
	res := Result{Entities: make([]Entity, 0, len(d.order)), Relationships: d.relations}
	if res.Relationships == nil {
		res.Relationships = []Relation{}
	}
	for _, id := range d.order {
		res.Entities = append(res.Entities, *d.entities[id])
	}
	return res
}
