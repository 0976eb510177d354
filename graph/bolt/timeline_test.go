package bolt

import (
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// TestStartDay checks the timeline's day numbers against the dates' own start days.
func TestStartDay(t *testing.T) {
	for _, d := range []graph.PartialDate{"2024", "2024-02", "2024-02-29", "1999-12-31", "2025-10-01"} {
		start := d.Start()
		want := int32(0)
		for _, c := range start {
			if c != '-' {
				want = 10*want + int32(c-'0')
			}
		}
		if got := startDay(d); got != want {
			t.Errorf("startDay(%q) = %d, want %d (from %s)", d, got, want, start)
		}
	}
	if !(startDay("2024") < startDay("2024-01-02") && startDay("2024-02") == startDay("2024-02-01")) {
		t.Error("day numbers do not order partial dates by their first day")
	}
}
