package extract

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dossiergraph/dossier/graph"
)

var (
	monthNames  = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`
	dayDateRe   = regexp.MustCompile(`(?i)\b` + monthNames + `\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b`)
	monthYearRe = regexp.MustCompile(`(?i)\b(?:(early|mid|late|the end of|the start of)[- ])?` + monthNames + `,?\s+(?:of\s+)?((?:19|20)\d\d)\b`)
	partYearRe  = regexp.MustCompile(`(?i)\b(early|mid|late|the end of|the start of|the beginning of|the first half of|the second half of)[- ]((?:19|20)\d\d)\b`)
	yearRe      = regexp.MustCompile(`(?i)\b(in|since|by|during|until|of|from|throughout|through)\s+((?:19|20)\d\d)\b`)
	dayNoYearRe = regexp.MustCompile(`(?i)\b(?:on\s+)?` + monthNames + `\s+(\d{1,2})(?:st|nd|rd|th)?\b`)
	inMonthRe   = regexp.MustCompile(`(?i)\b(?:in|early|late|mid|since)[- ]` + monthNames + `\b`)
	relativeRe  = regexp.MustCompile(`(?i)\b(last|this|that|next)\s+(week|month|year|fall|autumn|spring|summer|winter)\b|\b(yesterday|earlier this month|earlier this year|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b`)
	quantityRe  = regexp.MustCompile(`(?i)\b(?:(more than|over|at least|nearly|almost|about|around|some|fewer than|up to|roughly|as many as|at most)\s+)?(\d[\d,]*|a dozen|two dozen|three dozen|dozens|hundreds|scores|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty)\b`)
)

// dateCue records the words a sentence holds that date patterns need, so that the
// patterns run only where they can match.
type dateCue uint8

const (
	cueDigit dateCue = 1 << iota
	cueMonth
	cueRelative
)

var (
	// monthCues are the words monthNames matches; relativeCues the words one of relativeRe's
	// matches must hold, not its common first words ("this", "on"), which most sentences have.
	monthCues = set("jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june",
		"jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov", "november", "dec", "december")
	relativeCues = set("week", "month", "year", "fall", "autumn", "spring", "summer", "winter", "yesterday",
		"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
)

var monthNumber = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

func month(name string) int { return monthNumber[strings.ToLower(name)[:3]] }

// datedSpan is one date expression of a sentence, at byte offsets [start, end) of its text.
type datedSpan struct {
	date       graph.PartialDate
	text       string
	start, end int
}

// sentenceDate finds every date expression in the sentence, explicit or relative to the
// article's date; the sentence's date is the first the patterns find, by their order of
// precedence, and gives the year for "that year".
func (d *docState) sentenceDate(s *sentence) {
	text := s.text
	add := func(date graph.PartialDate, loc []int) {
		if date == "" || !date.Valid() {
			return
		}
		for _, o := range s.dates {
			if loc[0] < o.end && o.start < loc[1] {
				return // part of an expression already read: "in March" of "in March 2024"
			}
		}
		s.dates = append(s.dates, datedSpan{date: date, text: text[loc[0]:loc[1]], start: loc[0], end: loc[1]})
	}
	sub := func(m []int, i int) string { return text[m[2*i]:m[2*i+1]] }
	if s.cues&cueDigit != 0 {
		if s.cues&cueMonth != 0 {
			for _, m := range dayDateRe.FindAllStringSubmatchIndex(text, -1) {
				day, _ := strconv.Atoi(sub(m, 2))
				add(graph.PartialDate(fmt.Sprintf("%s-%02d-%02d", sub(m, 3), month(sub(m, 1)), day)), m)
			}
			for _, m := range monthYearRe.FindAllStringSubmatchIndex(text, -1) {
				add(graph.PartialDate(fmt.Sprintf("%s-%02d", sub(m, 3), month(sub(m, 2)))), m)
			}
		}
		for _, m := range partYearRe.FindAllStringSubmatchIndex(text, -1) {
			add(graph.PartialDate(sub(m, 2)), m)
		}
		for _, m := range yearRe.FindAllStringSubmatchIndex(text, -1) {
			add(graph.PartialDate(sub(m, 2)), m)
		}
	}
	if s.cues&(cueMonth|cueRelative) != 0 {
		d.relativeDates(s, add)
	}
	if len(s.dates) > 0 {
		s.date, s.dateText = s.dates[0].date, s.dates[0].text
	}
	if len(s.date) >= 4 {
		d.lastYear = string(s.date[:4])
	}
}

// relativeDates resolves wording relative to the article's date.
func (d *docState) relativeDates(s *sentence, add func(graph.PartialDate, []int)) {
	text := s.text
	if s.cues&cueRelative != 0 {
		for _, m := range relativeRe.FindAllStringSubmatchIndex(text, -1) {
			low := func(i int) string {
				if m[2*i] < 0 {
					return ""
				}
				return strings.ToLower(text[m[2*i]:m[2*i+1]])
			}
			add(d.resolveRelative(low(0), low(1), low(2)), m)
		}
	}
	pubYear := 0
	if len(d.published) >= 4 {
		pubYear, _ = strconv.Atoi(string(d.published[:4]))
	}
	if pubYear == 0 {
		return
	}
	for _, m := range dayNoYearRe.FindAllStringSubmatchIndex(text, -1) {
		mon := month(text[m[2]:m[3]])
		day, _ := strconv.Atoi(text[m[4]:m[5]])
		add(graph.PartialDate(fmt.Sprintf("%04d-%02d-%02d", d.yearFor(mon, pubYear), mon, day)), m)
	}
	for _, m := range inMonthRe.FindAllStringSubmatchIndex(text, -1) {
		if name := text[m[2]:m[3]]; !strings.EqualFold(name, "may") {
			add(graph.PartialDate(fmt.Sprintf("%04d-%02d", d.yearFor(month(name), pubYear), month(name))), m)
		}
	}
}

// asideOpeners open a clause, after a comma, whose dates are its own: "Orlov, whom Latvia
// expelled in 2023, denied it on Monday".
var asideOpeners = set("whom", "which", "who", "after", "before", "when", "since")

// dateFor dates the act whose trigger is token at: by the date expression nearest to it in
// its own clause, or by the sentence's date when its clause has none. A subordinate clause
// runs from its comma to the next; the main clause is the rest up to a semicolon.
func (s *sentence) dateFor(at int) (graph.PartialDate, string) {
	if at < 0 || at >= len(s.toks) || len(s.dates) < 2 {
		return s.date, s.dateText
	}
	// seg numbers the comma-bounded stretches, part the semicolon-bounded ones
	seg, part := make([]int, len(s.toks)), make([]int, len(s.toks))
	var sub []bool
	n, p, open := 0, 0, true
	for i, t := range s.toks {
		if t.fold == "" && (t.text == "," || t.text == ";") {
			n++
			if t.text == ";" {
				p++
			}
			open = true
		}
		if len(sub) <= n {
			sub = append(sub, false)
		}
		if open && t.fold != "" {
			sub[n], open = asideOpeners[t.fold], false
		}
		seg[i], part[i] = n, p
	}
	own := func(i int) bool {
		if sub[seg[at]] {
			return seg[i] == seg[at]
		}
		return part[i] == part[at] && !sub[seg[i]]
	}
	pos := s.toks[at].start - s.start
	best, bestDist := -1, 0
	for j, ds := range s.dates {
		i := slices.IndexFunc(s.toks, func(t token) bool { return t.end-s.start > ds.start })
		if i < 0 || !own(i) {
			continue
		}
		dist := max(ds.start-pos, pos-ds.end, 0)
		if best < 0 || dist < bestDist {
			best, bestDist = j, dist
		}
	}
	if best < 0 {
		return s.date, s.dateText
	}
	return s.dates[best].date, s.dates[best].text
}

// yearFor places a month without a year: in the article's year unless that puts it after
// publication, then the year before.
func (d *docState) yearFor(m, pubYear int) int {
	if len(d.published) >= 7 {
		pubMonth, _ := strconv.Atoi(string(d.published[5:7]))
		if m > pubMonth {
			return pubYear - 1
		}
	}
	return pubYear
}

func (d *docState) resolveRelative(all, which, unit string) graph.PartialDate {
	if which == "that" && unit == "year" {
		return graph.PartialDate(d.lastYear)
	}
	if d.published == "" {
		return ""
	}
	pub, err := time.Parse(time.DateOnly, d.published.Start())
	if err != nil {
		return ""
	}
	dayKnown := d.published.Precision() == "day"
	monthKnown := d.published.Precision() != "year"
	year := pub.Year()
	switch {
	case all == "yesterday" && dayKnown:
		return graph.PartialDate(pub.AddDate(0, 0, -1).Format(time.DateOnly))
	case strings.HasPrefix(all, "on ") && dayKnown:
		// News names the day of the past week an act happened, and the day of publication
		// itself: "on Monday" in an article of Monday 8 December is that day, not the 1st.
		want := strings.TrimPrefix(all, "on ")
		for back := 0; back < 7; back++ {
			t := pub.AddDate(0, 0, -back)
			if strings.ToLower(t.Weekday().String()) == want {
				return graph.PartialDate(t.Format(time.DateOnly))
			}
		}
	case all == "earlier this month" && monthKnown:
		return graph.PartialDate(pub.Format("2006-01"))
	case all == "earlier this year":
		return graph.PartialDate(strconv.Itoa(year))
	case which == "this" && unit == "year":
		return graph.PartialDate(strconv.Itoa(year))
	case which == "last" && unit == "year":
		return graph.PartialDate(strconv.Itoa(year - 1))
	case which == "last" && unit == "month" && monthKnown:
		return graph.PartialDate(time.Date(year, pub.Month()-1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01"))
	case which == "this" && unit == "month" && monthKnown:
		return graph.PartialDate(pub.Format("2006-01"))
	case which == "last" && unit == "week" && dayKnown:
		return graph.PartialDate(pub.AddDate(0, 0, -7).Format("2006-01"))
	case which == "this" && unit == "week" && dayKnown:
		return graph.PartialDate(pub.Format("2006-01"))
	case which == "last" && (unit == "fall" || unit == "autumn" || unit == "summer" || unit == "spring"):
		// the most recent such season that ended before publication
		start := map[string]time.Month{"spring": 3, "summer": 6, "fall": 9, "autumn": 9}[unit]
		if monthKnown && pub.Month() >= start+3 {
			return graph.PartialDate(strconv.Itoa(year))
		}
		return graph.PartialDate(strconv.Itoa(year - 1))
	case which == "last" && unit == "winter":
		return graph.PartialDate(strconv.Itoa(year - 1))
	case which == "this" && unit != "week" && unit != "month":
		return graph.PartialDate(strconv.Itoa(year))
	}
	return ""
}

// findQuantity reads a count in the object phrase after token k: "more than 100", "two
// dozen", "dozens of".
func findQuantity(s *sentence, k int) string {
	if k >= len(s.toks) {
		return ""
	}
	from := s.toks[k].start - s.start
	to := len(s.text)
	for _, m := range s.mentions {
		if m.lo >= k {
			to = s.toks[m.hi-1].end - s.start
			break
		}
	}
	if from >= to || !countAhead(s, k, to) {
		return ""
	}
	for _, loc := range quantityRe.FindAllStringSubmatchIndex(s.text[from:to], -1) {
		q := s.text[from+loc[0] : from+loc[1]]
		num := s.text[from+loc[4] : from+loc[5]]
		if y, err := strconv.Atoi(num); err == nil && y >= 1900 && y <= 2099 {
			continue // a year, not a count
		}
		return q
	}
	return ""
}

// monthWord returns the word of a folded token that may name a month: "sept." and
// "mid-march" give "sept" and "march".
func monthWord(fold string) string {
	w := strings.TrimSuffix(fold, ".")
	if i := strings.LastIndexByte(w, '-'); i >= 0 {
		w = w[i+1:]
	}
	return w
}

// countWords are the words other than numerals that quantityRe counts with.
var countWords = set("dozen", "dozens", "hundreds", "scores", "two", "three", "four", "five", "six", "seven", "eight",
	"nine", "ten", "eleven", "twelve", "fifteen", "twenty", "thirty", "forty", "fifty")

// countAhead reports whether a token from k on, before the offset to in s's text, may be
// the count quantityRe looks for: most object phrases hold none, and the pattern, case-blind,
// costs more than looking at the words.
func countAhead(s *sentence, k, to int) bool {
	for _, t := range s.toks[k:] {
		if t.start-s.start >= to {
			break
		}
		w := t.fold
		if i := strings.IndexFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }); i >= 0 {
			if i == 0 && w[0] >= '0' && w[0] <= '9' {
				return true
			}
			w = w[:i] // "two-thirds"
		}
		if countWords[w] {
			return true
		}
	}
	return false
}
