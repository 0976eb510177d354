package extract

import (
	"fmt"
	"regexp"
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

// sentenceDate dates the sentence from the first date expression in it, explicit or
// relative to the article's date, and remembers the year for "that year".
func (d *docState) sentenceDate(s *sentence) {
	text := s.text
	set := func(date graph.PartialDate, wording string) {
		if s.date == "" && date.Valid() && date != "" {
			s.date, s.dateText = date, wording
		}
	}
	if s.cues&cueDigit != 0 {
		if s.cues&cueMonth != 0 {
			if m := dayDateRe.FindStringSubmatch(text); m != nil {
				day, _ := strconv.Atoi(m[2])
				set(graph.PartialDate(fmt.Sprintf("%s-%02d-%02d", m[3], month(m[1]), day)), m[0])
			}
			if m := monthYearRe.FindStringSubmatch(text); s.date == "" && m != nil {
				set(graph.PartialDate(fmt.Sprintf("%s-%02d", m[3], month(m[2]))), m[0])
			}
		}
		if m := partYearRe.FindStringSubmatch(text); s.date == "" && m != nil {
			set(graph.PartialDate(m[2]), m[0])
		}
		if m := yearRe.FindStringSubmatch(text); s.date == "" && m != nil {
			set(graph.PartialDate(m[2]), m[0])
		}
	}
	if s.date == "" && s.cues&(cueMonth|cueRelative) != 0 {
		d.relativeDate(s)
	}
	if len(s.date) >= 4 {
		d.lastYear = string(s.date[:4])
	}
}

// relativeDate resolves wording relative to the article's date.
func (d *docState) relativeDate(s *sentence) {
	text := s.text
	if s.cues&cueRelative != 0 {
		if m := relativeRe.FindStringSubmatch(text); m != nil {
			if date := d.resolveRelative(strings.ToLower(m[0]), strings.ToLower(m[1]), strings.ToLower(m[2])); date != "" {
				s.date, s.dateText = date, m[0]
				return
			}
		}
	}
	pubYear := 0
	if len(d.published) >= 4 {
		pubYear, _ = strconv.Atoi(string(d.published[:4]))
	}
	if pubYear == 0 {
		return
	}
	if m := dayNoYearRe.FindStringSubmatch(text); m != nil {
		day, _ := strconv.Atoi(m[2])
		date := graph.PartialDate(fmt.Sprintf("%04d-%02d-%02d", d.yearFor(month(m[1]), pubYear), month(m[1]), day))
		if date.Valid() {
			s.date, s.dateText = date, m[0]
			return
		}
	}
	if m := inMonthRe.FindStringSubmatch(text); m != nil && !strings.EqualFold(m[1], "may") {
		s.date, s.dateText = graph.PartialDate(fmt.Sprintf("%04d-%02d", d.yearFor(month(m[1]), pubYear), month(m[1]))), m[0]
	}
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
