package extract

import (
	"context"
	"os"
	"testing"

	"github.com/dossiergraph/dossier/seed"
)

func TestDebug(t *testing.T) {
	text := os.Getenv("XTEXT")
	if text == "" {
		t.Skip()
	}
	batch, _ := seed.Parse("seed.yaml", seed.Default())
	x := newTestExtractor(t)
	var gaz Gazetteer
	if os.Getenv("XSEED") != "" {
		gaz = NewGazetteer(batch.Entities)
	}
	res, err := x.Extract(context.Background(), Document{Text: text, Published: "2025-12-08"}, gaz)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Entities {
		t.Logf("E %s %s %q %v", e.ID, e.Kind, e.Name, e.Aliases)
	}
	for _, r := range res.Relationships {
		t.Logf("R %s %v %s %s %.1f | %s", tuple(r), r.About, r.Date, r.Quantity, r.Confidence, r.Evidence[0].Text)
	}
}
