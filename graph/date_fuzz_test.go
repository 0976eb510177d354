package graph

import (
	"testing"
	"time"
)

// FuzzParsePartialDate checks that ParsePartialDate accepts exactly the partial dates it
// documents, and that what it accepts behaves as an interval of days.
func FuzzParsePartialDate(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParsePartialDate(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("%q: error %v has code %s, want %s", s, err, ErrorCode(err), EINVALID)
			}
			if d != "" {
				t.Fatalf("%q: refused but returned %q", s, d)
			}
			return
		}
		if string(d) != s || !d.Valid() {
			t.Fatalf("%q: accepted as %q (valid %v)", s, d, d.Valid())
		}
		if s == "" {
			if d.Start() != "" || d.End() != "" || d.Precision() != "" {
				t.Fatalf("the unknown date has bounds %q–%q", d.Start(), d.End())
			}
			return
		}
		start, err1 := time.Parse(time.DateOnly, d.Start())
		end, err2 := time.Parse(time.DateOnly, d.End())
		if err1 != nil || err2 != nil || end.Before(start) {
			t.Fatalf("%q: bounds %q–%q are not an interval of days", s, d.Start(), d.End())
		}
		if d.Start()[:len(s)] != s || d.End()[:len(s)] != s {
			t.Fatalf("%q: bounds %q–%q leave the date", s, d.Start(), d.End())
		}
		if next := end.AddDate(0, 0, 1).Format(time.DateOnly); next[:len(s)] == s {
			t.Fatalf("%q: the day after its end, %s, still belongs to it", s, next)
		}
		if !d.InRange(d, d) || !d.InRange(PartialDate(d.Start()), "") || !d.InRange("", PartialDate(d.End())) {
			t.Fatalf("%q is not in its own range", s)
		}
	})
}
