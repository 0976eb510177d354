package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossiergraph/dossier/graph/bolt"
)

// startServer runs `dossier serve` on a free loopback port over the embedded store in data
// and returns its URL, read from the address file it records; the server stops, and the
// file must go, when the test ends.
func startServer(t *testing.T, data string) string {
	t.Helper()
	run := runServe(t, time.Minute, func(*serveRun) bool { return runningServer(data) != "" },
		"--data", data, "--addr", "127.0.0.1:0")
	url := runningServer(data)
	t.Cleanup(func() {
		if err := run.stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
		if _, err := os.Stat(filepath.Join(data, serverAddressFile)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the server left its address file behind: %v", err)
		}
	})
	if !strings.HasPrefix(url, "http://127.0.0.1:") || strings.HasSuffix(url, ":0") {
		t.Fatalf("recorded address %q", url)
	}
	return url
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// serverStats asks the running server for its counts.
func serverStats(t *testing.T, url string) map[string]int {
	t.Helper()
	a := &app{server: serverFlags{url: url}}
	c, err := a.client(false)
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		Stats map[string]int `json:"stats"`
	}
	if err := c.graphql(t.Context(), `{ stats { entities articles relationships negatedRelationships } }`, nil, &data); err != nil {
		t.Fatal(err)
	}
	return data.Stats
}

// With `dossier serve` running, the CLI points at the server instead of failing on the
// locked store, and says so when it is not told.
func TestCommandsBesideARunningServer(t *testing.T) {
	data := t.TempDir()
	token := strings.TrimSpace(mustRun(t, "token", "create", "analyst", "--role", "write", "--data", data))
	tokenFile := writeFile(t, "token", token+"\n")
	url := startServer(t, data)
	file := writeFile(t, "article.md", article)
	outDir := t.TempDir()

	// Without --server: the locked store names the server and the flag.
	for _, args := range [][]string{
		{"ingest", "--data", data, file},
		{"export", "--data", data, "--format", "gexf", "--output", filepath.Join(outDir, "story.gexf")},
		{"extract", "--data", data, file},
		{"import", "--data", data, "--format", "sheet", file},
	} {
		_, _, err := run(t, args...)
		if err == nil || !strings.Contains(err.Error(), url) || !strings.Contains(err.Error(), "--server "+url) {
			t.Errorf("dossier %s beside a server: %v; want the server's URL and --server", args[0], err)
		}
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
		t.Errorf("a failed export left files: %v", entries)
	}

	before := serverStats(t, url)
	// extract reads the server's entities as its gazetteer.
	out := mustRun(t, "extract", "--server", url, file)
	if !strings.Contains(out, `"from": "mexico"`) {
		t.Errorf("extract through the server resolved no store ids: %s", out)
	}
	// ingest writes through the API, with a write credential's token.
	t.Setenv("DOSSIER_TOKEN", token)
	out = mustRun(t, "ingest", "--server", url, file)
	if !strings.Contains(out, "ingested 1 of 1 articles") {
		t.Errorf("ingest summary: %q", out)
	}
	after := serverStats(t, url)
	if after["articles"] != before["articles"]+1 {
		t.Errorf("ingest through the server: articles %d → %d", before["articles"], after["articles"])
	}

	// A wrong token is refused with a hint; nothing is written.
	t.Setenv("DOSSIER_TOKEN", "not-the-token-at-all")
	sheet := writeFile(t, "sheet.csv", "from,type,to,source_url,outlet,title\nJane Roe,accused,Mexico,https://sheet.example/1,The Wire,Roe speaks\n")
	if _, _, err := run(t, "import", "--server", url, "--format", "sheet", sheet); err == nil || !strings.Contains(err.Error(), "INVALID_TOKEN") || !strings.Contains(err.Error(), "DOSSIER_TOKEN") {
		t.Errorf("a wrong token: %v", err)
	}
	t.Setenv("DOSSIER_TOKEN", "")
	out = mustRun(t, "import", "--server", url, "--token-file", tokenFile, "--format", "sheet", "--dry-run", sheet)
	if !strings.Contains(out, "line 2: created accused-jane-roe-mexico") || !strings.Contains(out, "would import (dry run)") {
		t.Errorf("sheet dry run through the server: %q", out)
	}
	if got := serverStats(t, url); got["relationships"] != after["relationships"] {
		t.Errorf("a dry run wrote: %v → %v", after, got)
	}
	out = mustRun(t, "import", "--server", url, "--token-file", tokenFile, "--format", "sheet", sheet)
	if !strings.Contains(out, `from "Jane Roe" → jane-roe (new PERSON)`) || !strings.Contains(out, "relationships 1 created") {
		t.Errorf("sheet import through the server: %q", out)
	}
	if got := serverStats(t, url); got["relationships"] != after["relationships"]+1 || got["entities"] != after["entities"]+1 {
		t.Errorf("sheet import through the server: %v → %v (want Jane Roe, the ingested article's outlet reused, and one relationship)", after, got)
	}
	bad := writeFile(t, "bad.csv", "from,type,to\nJane Roe,WARNS,Mexico\n")
	if _, _, err := run(t, "import", "--server", url, "--token-file", tokenFile, "--format", "sheet", bad); err == nil ||
		!strings.Contains(err.Error(), "line 2, column type") || !strings.Contains(err.Error(), "WARNED") {
		t.Errorf("a bad sheet through the server must be reported by line and column: %v", err)
	}

	// export streams from the server's /export route into a file written atomically.
	gexf := filepath.Join(outDir, "story.gexf")
	mustRun(t, "export", "--server", url, "--format", "gexf", "--include-negated", "--output", gexf)
	content, err := os.ReadFile(gexf)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(content, new(struct{})); err != nil || !bytes.Contains(content, []byte("jane-roe")) {
		t.Errorf("exported GEXF is not whole XML with the new entity: %v", err)
	}
	// nodelink through the server imports back through the server
	nl := filepath.Join(outDir, "graph.json")
	mustRun(t, "export", "--server", url, "--format", "nodelink", "--include-negated", "-o", nl)
	var doc struct{ Nodes []json.RawMessage }
	if raw, err := os.ReadFile(nl); err != nil || json.Unmarshal(raw, &doc) != nil || len(doc.Nodes) < after["entities"] {
		t.Errorf("node-link export through the server: %v, %d nodes", err, len(doc.Nodes))
	}
	out = mustRun(t, "import", "--server", url, "--token-file", tokenFile, "--format", "nodelink", nl)
	if !strings.Contains(out, "entities 0 created") {
		t.Errorf("importing the server's own export must create nothing: %q", out)
	}
	csvDir := filepath.Join(outDir, "csv")
	mustRun(t, "export", "--server", url, "--format", "csv", "--include-negated", "--out", csvDir)
	for _, name := range csvFiles {
		if info, err := os.Stat(filepath.Join(csvDir, name)); err != nil || info.Size() == 0 {
			t.Errorf("csv export through the server: %s: %v", name, err)
		}
	}
	out = mustRun(t, "import", "--server", url, "--token-file", tokenFile, "--format", "csv", csvDir)
	if !strings.Contains(out, "entities 0 created") || !strings.Contains(out, "relationships 0 created") {
		t.Errorf("importing the server's own CSV export must create nothing: %q", out)
	}
	// A running server is backed up through GET /dump; the backup restores whole.
	backup := filepath.Join(outDir, "backup.jsonl")
	mustRun(t, "dump", "--server", url, "--output", backup)
	restored := t.TempDir()
	mustRun(t, "restore", "--data", restored, backup)
	live := serverStats(t, url)
	if got := stats(t, restored); got.Entities != live["entities"] || got.Articles != live["articles"] ||
		got.Relationships != live["relationships"] || got.NegatedRelationships != live["negatedRelationships"] || got.NegatedRelationships == 0 {
		t.Errorf("the server's dump restored %+v, the server holds %v", got, live)
	}
	if _, _, err := run(t, "dump", "--data", data); err == nil || !strings.Contains(err.Error(), "--server") {
		t.Errorf("dump of the locked store must point at --server: %v", err)
	}

	// An export the server refuses leaves no file.
	refused := filepath.Join(outDir, "refused.gexf")
	if _, _, err := run(t, "export", "--server", url, "--format", "gexf", "--center", "nobody", "--output", refused); err == nil || !strings.Contains(err.Error(), "nobody") {
		t.Errorf("export of an unknown centre: %v", err)
	}
	if _, err := os.Stat(refused); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused export left a file: %v", err)
	}
}

// --output replaces a file only with a whole export: a failed one keeps the old file and
// leaves no temporary file.
func TestExportOutputIsAtomic(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "seed", "--data", data)
	dir := t.TempDir()
	out := filepath.Join(dir, "story.gexf")
	if err := os.WriteFile(out, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, "export", "--data", data, "--format", "gexf", "--center", "nobody", "--output", out); err == nil {
		t.Fatal("export of an unknown centre succeeded")
	}
	if got, _ := os.ReadFile(out); string(got) != "old" {
		t.Errorf("a failed export changed the file to %q", got)
	}
	mustRun(t, "export", "--data", data, "--format", "gexf", "--output", out)
	if got, _ := os.ReadFile(out); !bytes.HasPrefix(got, []byte("<?xml")) {
		t.Errorf("export wrote %.40q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("export left %d files in its directory, want 1", len(entries))
	}
}

func TestDumpRestoreCommands(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "seed", "--data", data)
	file := writeFile(t, "article.md", article) // a negated act with evidence on top of the seed
	mustRun(t, "ingest", "--data", data, file)
	want := stats(t, data)

	backup := filepath.Join(t.TempDir(), "backup.jsonl")
	_, msg, err := run(t, "dump", "--data", data, "--output", backup)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, "dumped") {
		t.Errorf("dump says %q", msg)
	}
	other := t.TempDir()
	out := mustRun(t, "restore", "--data", other, backup)
	if !strings.Contains(out, "restored") {
		t.Errorf("restore says %q", out)
	}
	if got := stats(t, other); !equalStats(got, want) {
		t.Errorf("restored %+v, dumped %+v", got, want)
	}
	// The same dump through stdout matches the file, but for the header's time.
	stdout := mustRun(t, "dump", "--data", data)
	saved, _ := os.ReadFile(backup)
	if _, a, _ := strings.Cut(stdout, "\n"); !strings.HasSuffix(string(saved), a) || a == "" {
		t.Error("dump to stdout and to a file differ")
	}
	if _, _, err := run(t, "restore", "--data", other, backup); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("restore into a full store: %v", err)
	}
	mustRun(t, "restore", "--data", other, "--force", backup)
	if got := stats(t, other); !equalStats(got, want) {
		t.Errorf("a forced restore of the same dump changed the counts: %+v, want %+v", got, want)
	}
}

func equalStats(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// The README's spreadsheet imports as it says, into the seeded store.
func TestReadmeSheetImports(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "## Spreadsheets")
	if !ok {
		t.Fatal("README has no Spreadsheets section")
	}
	_, rest, _ = strings.Cut(rest, "```csv\n")
	sheet, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("the Spreadsheets section has no csv block")
	}
	data := t.TempDir()
	mustRun(t, "seed", "--data", data)
	before := stats(t, data)
	file := writeFile(t, "findings.csv", sheet)
	out := mustRun(t, "import", "--data", data, "--format", "sheet", file)
	for _, want := range []string{
		`line 2: corroborated`, `"United States" → united-states (matched)`,
		`line 3: created denied-andres-manuel-lopez-obrador-united-states: from "AMLO" → andres-manuel-lopez-obrador (matched)`,
		`line 4: corroborated`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("import of the README's sheet does not say %q:\n%s", want, out)
		}
	}
	after := stats(t, data)
	if after.Relationships != before.Relationships+1 || after.Articles != before.Articles+1 || after.Entities != before.Entities {
		t.Errorf("the README's sheet took the store from %+v to %+v", before, after)
	}
}

func TestServerURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080",
		"0.0.0.0:8080":   "http://127.0.0.1:8080",
		":8080":          "http://127.0.0.1:8080",
		"[::]:9000":      "http://[::1]:9000",
		"[::1]:9000":     "http://[::1]:9000",
	} {
		if got := serverURL(addr); got != want {
			t.Errorf("serverURL(%q) = %q, want %q", addr, got, want)
		}
	}
}

// A store locked by another process that recorded no server address keeps bolt's reason
// and still points at --server.
func TestLockedStoreWithoutServer(t *testing.T) {
	data := t.TempDir()
	s, err := bolt.Open(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, _, err = run(t, "export", "--data", data, "--format", "gexf")
	if err == nil || !strings.Contains(err.Error(), "locked") || !strings.Contains(err.Error(), "--server") {
		t.Errorf("export of a locked store: %v", err)
	}
	// A server that crashed leaves its address behind; a dead address is not named.
	if err := os.WriteFile(filepath.Join(data, serverAddressFile), []byte("http://127.0.0.1:1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err = run(t, "export", "--data", data, "--format", "gexf")
	if err == nil || strings.Contains(err.Error(), "127.0.0.1:1") || !strings.Contains(err.Error(), "locked") {
		t.Errorf("export of a store locked by another process, beside a stale address: %v", err)
	}
}

// Writes through --server need a token from --token-file or DOSSIER_TOKEN; reads send one
// when it is set.
func TestServerClientToken(t *testing.T) {
	t.Setenv("DOSSIER_TOKEN", "")
	a := &app{server: serverFlags{url: "http://127.0.0.1:8080"}, logLevel: "error", logFormat: "text", stderr: &bytes.Buffer{}}
	if _, err := a.client(true); err == nil || !strings.Contains(err.Error(), "DOSSIER_TOKEN") {
		t.Errorf("a write without a token: %v; want DOSSIER_TOKEN named", err)
	}
	if c, err := a.client(false); err != nil || c.token != "" {
		t.Errorf("a read without a token: %v, %v", c, err)
	}
	t.Setenv("DOSSIER_TOKEN", "from-the-environment-0123")
	if c, err := a.client(false); err != nil || c.token != "from-the-environment-0123" {
		t.Errorf("a read with DOSSIER_TOKEN: %v, %v", c, err)
	}
	a.server.tokenFile = writeFile(t, "token", "from-a-file-0123456789\n")
	if c, err := a.client(true); err != nil || c.token != "from-a-file-0123456789" {
		t.Errorf("--token-file wins over DOSSIER_TOKEN: %v, %v", c, err)
	}
	a.server.tokenFile = writeFile(t, "token", "two words\n")
	if _, err := a.client(true); err == nil || !strings.Contains(err.Error(), "one token") {
		t.Errorf("a token file with two words: %v", err)
	}
}
