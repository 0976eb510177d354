package extract

import (
	"context"
	"os"
	"testing"
)

func TestDebug(t *testing.T) {
	text := os.Getenv("XTEXT")
	if text == "" {
		t.Skip()
	}
	x := newTestExtractor(t)
	res, err := x.Extract(context.Background(), Document{Text: text, Published: "2025-12-08"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Entities {
		t.Logf("E %s %s %q %v", e.ID, e.Kind, e.Name, e.Aliases)
	}
	for _, r := range res.Relationships {
		t.Logf("R %s %v %s %s", tuple(r), r.About, r.Date, r.Quantity)
	}
}
