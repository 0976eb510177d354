package graph

import "time"

// PartialDate is a date known to the year, the month or the day: "2022", "2022-03" or
// "2022-03-14". The zero value means unknown. A PartialDate stands for an interval of days,
// so filters compare intervals: a relationship dated "2022" overlaps since "2022-06".
type PartialDate string

// ParsePartialDate checks s and returns it as a PartialDate. The empty string is the
// unknown date and is valid.
func ParsePartialDate(s string) (PartialDate, error) {
	if s == "" {
		return "", nil
	}
	var layout string
	switch len(s) {
	case 4:
		layout = "2006"
	case 7:
		layout = "2006-01"
	case 10:
		layout = "2006-01-02"
	default:
		return "", Errorf(EINVALID, "invalid partial date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	// Formatting back into a buffer on the stack catches what Parse accepts loosely,
	// without an allocation: every relationship a batch writes is checked here.
	var buf [10]byte
	t, err := time.Parse(layout, s)
	if err != nil || string(t.AppendFormat(buf[:0], layout)) != s {
		return "", Errorf(EINVALID, "invalid partial date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	return PartialDate(s), nil
}

// Valid reports whether d is empty or a well-formed partial date.
func (d PartialDate) Valid() bool {
	_, err := ParsePartialDate(string(d))
	return err == nil
}

// Precision returns "year", "month", "day", or "" for the unknown date.
func (d PartialDate) Precision() string {
	switch len(d) {
	case 4:
		return "year"
	case 7:
		return "month"
	case 10:
		return "day"
	}
	return ""
}

// Start returns the first day d covers as YYYY-MM-DD, or "" for the unknown date.
func (d PartialDate) Start() string {
	switch len(d) {
	case 4:
		return string(d) + "-01-01"
	case 7:
		return string(d) + "-01"
	case 10:
		return string(d)
	}
	return ""
}

// End returns the last day d covers as YYYY-MM-DD, or "" for the unknown date.
func (d PartialDate) End() string {
	switch len(d) {
	case 4:
		return string(d) + "-12-31"
	case 7:
		t, err := time.Parse("2006-01", string(d))
		if err != nil {
			return ""
		}
		return t.AddDate(0, 1, -1).Format(time.DateOnly)
	case 10:
		return string(d)
	}
	return ""
}

// InRange reports whether d overlaps the interval from since to until; an empty bound is
// open. The unknown date is in range only when both bounds are open.
func (d PartialDate) InRange(since, until PartialDate) bool {
	if since == "" && until == "" {
		return true
	}
	if d == "" {
		return false
	}
	if since != "" && d.End() < since.Start() {
		return false
	}
	if until != "" && d.Start() > until.End() {
		return false
	}
	return true
}

// String returns d as written.
func (d PartialDate) String() string { return string(d) }
