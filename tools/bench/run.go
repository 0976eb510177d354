package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/neo4j"
	"github.com/dossiergraph/dossier/graph/synth"
)

// The systems, in table order.
const (
	sysEmbedded     = "Dossier, embedded store"
	sysDossierNeo4j = "Dossier on Neo4j"
	sysNeo4jGraphQL = "@neo4j/graphql on the same Neo4j"
	sysFloor        = "plain gin, captured answers (floor)"
)

var questions = []string{"Q1", "Q2"}

type config struct {
	graph        synth.Config
	sample       int
	duration     time.Duration
	warmup       time.Duration
	clients      []int
	dossierBin   string
	nodeDir      string
	workDir      string
	neo4j        neo4j.Config
	out          string
	checkClients int
	neo4jNote    string
}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.IntVar(&c.graph.Entities, "entities", 20_000, "synthetic graph: entities")
	fs.IntVar(&c.graph.Relationships, "relationships", 100_000, "synthetic graph: relationships (articles are half as many)")
	fs.Int64Var(&c.graph.Seed, "seed", 1, "synthetic graph: seed")
	fs.IntVar(&c.sample, "sample", 1000, "how many entity ids (Q1) and pages (Q2) to check and to cycle through under load")
	fs.DurationVar(&c.duration, "duration", 5*time.Second, "measured time per cell (system × question × client count)")
	fs.DurationVar(&c.warmup, "warmup", time.Second, "unmeasured load before each cell")
	clients := fs.String("clients", "1,8,32", "client counts, comma-separated")
	fs.StringVar(&c.dossierBin, "dossier", "", "the dossier binary to serve with (built from this repo)")
	fs.StringVar(&c.nodeDir, "node-dir", "tools/bench", "folder with neo4j-graphql.mjs and its node_modules")
	fs.StringVar(&c.workDir, "work", ".bench", "folder for the embedded store, answers and logs")
	fs.StringVar(&c.neo4j.URI, "neo4j-uri", "", "bolt URI of the throwaway Neo4j (127.0.0.1)")
	fs.StringVar(&c.neo4j.Username, "neo4j-user", "neo4j", "Neo4j user")
	fs.StringVar(&c.out, "out", "", "also write the tables (Markdown) to this file")
	fs.IntVar(&c.checkClients, "check-clients", 8, "concurrent requests while checking answers")
	fs.StringVar(&c.neo4jNote, "neo4j-note", "", "how Neo4j was started, for the table's header")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c.neo4j.Password = os.Getenv("NEO4J_PASSWORD")
	for _, s := range strings.Split(*clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 256 {
			return c, fmt.Errorf("--clients %q: want numbers from 1 to 256, comma-separated", *clients)
		}
		c.clients = append(c.clients, n)
	}
	switch {
	case c.dossierBin == "":
		return c, fmt.Errorf("--dossier is required: the binary built from ./cmd/dossier")
	case !strings.HasPrefix(c.neo4j.URI, "bolt://127.0.0.1:"):
		return c, fmt.Errorf("--neo4j-uri %q: want bolt://127.0.0.1:PORT (the throwaway server)", c.neo4j.URI)
	case c.sample < 1 || c.duration <= 0 || c.warmup < 0:
		return c, fmt.Errorf("--sample and --duration must be positive, --warmup not negative")
	}
	return c, nil
}

func run(ctx context.Context, log *slog.Logger, args []string) error {
	cfg, err := parseFlags(args)
	if err != nil {
		return err
	}
	logDir := filepath.Join(cfg.workDir, "logs")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return fmt.Errorf("work folder: %w", err)
	}
	info, err := synth.Describe(cfg.graph)
	if err != nil {
		return err
	}

	log.Info("loading the synthetic graph", "entities", info.Entities, "articles", info.Articles, "relationships", info.Relationships)
	boltDir := filepath.Join(cfg.workDir, fmt.Sprintf("bolt-%d-%d-%d", cfg.graph.Seed, cfg.graph.Entities, cfg.graph.Relationships))
	if err := loadBolt(ctx, log, boltDir, cfg.graph); err != nil {
		return err
	}
	if err := loadNeo4j(ctx, log, cfg.neo4j, cfg.graph); err != nil {
		return err
	}

	procs := map[string]*process{}
	defer func() {
		for _, p := range procs {
			p.stop()
		}
	}()
	token := randomToken()
	dossierEnv := append(os.Environ(), "DOSSIER_WRITE_TOKEN="+token, "NEO4J_PASSWORD="+cfg.neo4j.Password)
	for _, s := range []struct {
		name string
		args []string
	}{
		{sysEmbedded, []string{"--store", "bolt", "--data", boltDir}},
		{sysDossierNeo4j, []string{"--store", "neo4j", "--data", filepath.Join(cfg.workDir, "dossier-neo4j"),
			"--neo4j-uri", cfg.neo4j.URI, "--neo4j-user", cfg.neo4j.Username}},
	} {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		cmd := exec.CommandContext(ctx, cfg.dossierBin, append([]string{"serve", "--no-seed", "--addr", addr}, s.args...)...)
		cmd.Env = dossierEnv
		p, err := start(ctx, logName(s.name), "http://"+addr+"/graphql", logDir, cmd, httpReady("http://"+addr+"/healthz"))
		if err != nil {
			return err
		}
		procs[s.name] = p
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	node := exec.CommandContext(ctx, "node", "neo4j-graphql.mjs")
	node.Dir = cfg.nodeDir
	node.Env = append(os.Environ(), "NODE_ENV=production", "BENCH_ADDR="+addr,
		"NEO4J_URI="+cfg.neo4j.URI, "NEO4J_USERNAME="+cfg.neo4j.Username, "NEO4J_PASSWORD="+cfg.neo4j.Password,
		"BENCH_RELATION_TYPES="+relationTypes())
	p, err := start(ctx, logName(sysNeo4jGraphQL), "http://"+addr+"/", logDir, node, graphqlReady("http://"+addr+"/"))
	if err != nil {
		return err
	}
	procs[sysNeo4jGraphQL] = p
	log.Info("systems up", "embedded", procs[sysEmbedded].url, "dossier-neo4j", procs[sysDossierNeo4j].url, "neo4j-graphql", p.url)

	w, err := buildWorkload(ctx, cfg, info, procs[sysEmbedded].url)
	if err != nil {
		return err
	}
	answers, err := check(ctx, log, cfg, w, procs)
	if err != nil {
		return err
	}
	answersFile := filepath.Join(cfg.workDir, "floor-answers.json")
	if err := writeJSON(answersFile, answers); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find own binary for the floor: %w", err)
	}
	if addr, err = freeAddr(); err != nil {
		return err
	}
	fl := exec.CommandContext(ctx, self, "floor", "--answers", answersFile, "--addr", addr)
	if p, err = start(ctx, logName(sysFloor), "http://"+addr+"/graphql", logDir, fl, httpReady("http://"+addr+"/healthz")); err != nil {
		return err
	}
	procs[sysFloor] = p
	if err := checkFloor(ctx, cfg, w, answers, p.url); err != nil {
		return err
	}

	results := map[cellKey]result{}
	loadBefore := loadAverage()
	for _, q := range questions {
		for _, n := range cfg.clients {
			for _, sys := range systemOrder {
				bodies := w.bodies[sys][q]
				c := newClient(n)
				if cfg.warmup > 0 {
					hammer(ctx, c, procs[sys].url, bodies, n, cfg.warmup)
				}
				r := hammer(ctx, c, procs[sys].url, bodies, n, cfg.duration)
				c.CloseIdleConnections()
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if r.errors > 0 {
					return fmt.Errorf("%s, %s, %d clients: %d failed requests, the first: %s", sys, q, n, r.errors, r.firstErr)
				}
				log.Info("measured", "question", q, "clients", n, "system", sys,
					"requests/s", fmt.Sprintf("%.0f", r.rate()), "p50", r.p50, "p99", r.p99)
				results[cellKey{q, n, sys}] = r
			}
		}
	}
	table := report(cfg, info, results, loadBefore, loadAverage())
	fmt.Print(table)
	if cfg.out != "" {
		if err := os.WriteFile(cfg.out, []byte(table), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", cfg.out, err)
		}
	}
	return nil
}

var systemOrder = []string{sysEmbedded, sysDossierNeo4j, sysNeo4jGraphQL, sysFloor}

type cellKey struct {
	question string
	clients  int
	system   string
}

func logName(system string) string {
	switch system {
	case sysEmbedded:
		return "dossier-embedded"
	case sysDossierNeo4j:
		return "dossier-neo4j"
	case sysNeo4jGraphQL:
		return "neo4j-graphql"
	}
	return "floor"
}

func relationTypes() string {
	types := make([]string, len(graph.RelationTypes))
	for i, t := range graph.RelationTypes {
		types[i] = string(t)
	}
	return strings.Join(types, ",")
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// workload is what the load generator sends: for each system and question, the same questions
// in each API's words, in the same order.
type workload struct {
	ids    []string // Q1: entity ids
	after  []string // Q2: the id each page starts after
	bodies map[string]map[string][]string
}

// buildWorkload picks the sample: for Q1, half the ids drawn with the graph's degree skew
// (synth's sample, hubs included) and half uniformly from all entities; for Q2, pages starting
// at evenly spaced entities. Dossier's cursors are opaque, so they are read from Dossier itself.
func buildWorkload(ctx context.Context, cfg config, info synth.Info, embeddedURL string) (workload, error) {
	c := newClient(1)
	var ids, cursors []string
	var after any
	for {
		b, err := post(ctx, c, embeddedURL, requestBody(dossierCursors, map[string]any{"after": after}))
		if err != nil {
			return workload{}, fmt.Errorf("walk entities: %w", err)
		}
		var v struct {
			Data struct {
				Entities struct {
					Edges []struct {
						Cursor string
						Node   struct{ ID string }
					}
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
				}
			}
		}
		if err := json.Unmarshal(b, &v); err != nil {
			return workload{}, fmt.Errorf("walk entities: %w", err)
		}
		for _, e := range v.Data.Entities.Edges {
			ids, cursors = append(ids, e.Node.ID), append(cursors, e.Cursor)
		}
		if !v.Data.Entities.PageInfo.HasNextPage {
			break
		}
		after = v.Data.Entities.PageInfo.EndCursor
	}
	if len(ids) != info.Entities {
		return workload{}, fmt.Errorf("walked %d entities, the graph has %d", len(ids), info.Entities)
	}
	w := workload{bodies: map[string]map[string][]string{}}
	rng := mrand.New(mrand.NewPCG(uint64(cfg.graph.Seed), 12))
	for i := range cfg.sample {
		if i%2 == 0 {
			w.ids = append(w.ids, info.Sample[(i/2)%len(info.Sample)])
		} else {
			w.ids = append(w.ids, ids[rng.IntN(len(ids))])
		}
	}
	var dossierAfter []string
	for i := range cfg.sample {
		k := i * len(ids) / cfg.sample
		w.after = append(w.after, ids[k])
		dossierAfter = append(dossierAfter, cursors[k])
	}
	for _, sys := range systemOrder {
		w.bodies[sys] = map[string][]string{}
	}
	for i := range cfg.sample {
		d1 := requestBody(dossierQ1, map[string]any{"id": w.ids[i]})
		d2 := requestBody(dossierQ2, map[string]any{"after": dossierAfter[i]})
		for _, sys := range []string{sysEmbedded, sysDossierNeo4j, sysFloor} {
			w.bodies[sys]["Q1"] = append(w.bodies[sys]["Q1"], d1)
			w.bodies[sys]["Q2"] = append(w.bodies[sys]["Q2"], d2)
		}
		w.bodies[sysNeo4jGraphQL]["Q1"] = append(w.bodies[sysNeo4jGraphQL]["Q1"], requestBody(ngQ1, map[string]any{"id": w.ids[i]}))
		w.bodies[sysNeo4jGraphQL]["Q2"] = append(w.bodies[sysNeo4jGraphQL]["Q2"], requestBody(ngQ2, map[string]any{"after": w.after[i]}))
	}
	return w, nil
}

// check asks every system every question of the sample and fails unless all give the same
// entities and the same relationships in the same order. It returns the embedded store's
// answers by request body, for the floor to serve.
func check(ctx context.Context, log *slog.Logger, cfg config, w workload, procs map[string]*process) (map[string]string, error) {
	answers := map[string]string{}
	var mu sync.Mutex
	c := newClient(cfg.checkClients)
	keep := func(body string, answer []byte) {
		mu.Lock()
		answers[body] = string(answer)
		mu.Unlock()
	}
	rels, rows := 0, 0
	err := parallel(ctx, cfg.checkClients, len(w.ids), func(i int) error {
		got, err := askEach(ctx, c, w, procs, "Q1", i, "id "+w.ids[i], parseDossierQ1, parseNeo4jGraphQLQ1, keep)
		if err != nil {
			return err
		}
		for j, sys := range []string{sysDossierNeo4j, sysNeo4jGraphQL} {
			a, b := got[0], got[j+1]
			if a.ID != b.ID || a.Name != b.Name {
				return fmt.Errorf("Q1 for %s: the embedded store says %s %q, %s says %s %q", w.ids[i], a.ID, a.Name, sys, b.ID, b.Name)
			}
			if d := firstDifference(a.Acts, b.Acts); d != "" {
				return fmt.Errorf("Q1 for %s: the embedded store and %s differ: %s", w.ids[i], sys, d)
			}
		}
		mu.Lock()
		rels += len(got[0].Acts)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = parallel(ctx, cfg.checkClients, len(w.after), func(i int) error {
		got, err := askEach(ctx, c, w, procs, "Q2", i, "after "+w.after[i], parseDossierQ2, parseNeo4jGraphQLQ2, keep)
		if err != nil {
			return err
		}
		if len(got[0]) == 0 || got[0][0].ID <= w.after[i] {
			return fmt.Errorf("Q2 after %s: the embedded store's page does not start after it: %v", w.after[i], got[0])
		}
		for j, sys := range []string{sysDossierNeo4j, sysNeo4jGraphQL} {
			if d := firstDifference(got[0], got[j+1]); d != "" {
				return fmt.Errorf("Q2 after %s: the embedded store and %s differ: %s", w.after[i], sys, d)
			}
		}
		mu.Lock()
		rows += len(got[0])
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	if rels == 0 {
		return nil, fmt.Errorf("Q1 found no relationships for any of %d ids: the graph is not loaded", len(w.ids))
	}
	log.Info("answers agree", "q1 ids", len(w.ids), "relationships compared", rels, "q2 pages", len(w.after), "entities compared", rows)
	return answers, nil
}

// checkFloor makes sure the floor answers every request body with the captured bytes.
func checkFloor(ctx context.Context, cfg config, w workload, answers map[string]string, url string) error {
	c := newClient(cfg.checkClients)
	for _, q := range questions {
		bodies := w.bodies[sysFloor][q]
		err := parallel(ctx, cfg.checkClients, len(bodies), func(i int) error {
			b, err := post(ctx, c, url, bodies[i])
			if err != nil {
				return fmt.Errorf("check the floor, %s: %w", q, err)
			}
			if string(b) != answers[bodies[i]] {
				return fmt.Errorf("the floor's %s answer %d differs from the captured one", q, i)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// askEach posts the i-th body of question q to the embedded store, Dossier on Neo4j and
// Neo4j GraphQL, in that order, and parses each answer with the parser for its schema; keep
// gets the embedded store's raw answer. about names the sample in errors.
func askEach[T any](ctx context.Context, c *http.Client, w workload, procs map[string]*process, q string, i int, about string,
	parseDossier, parseNeo4jGraphQL func([]byte) (T, error), keep func(body string, answer []byte)) ([3]T, error) {
	var got [3]T
	for j, sys := range []string{sysEmbedded, sysDossierNeo4j, sysNeo4jGraphQL} {
		body := w.bodies[sys][q][i]
		b, err := post(ctx, c, procs[sys].url, body)
		if err != nil {
			return got, fmt.Errorf("check %s on %s, %s: %w", q, sys, about, err)
		}
		parse := parseDossier
		if sys == sysNeo4jGraphQL {
			parse = parseNeo4jGraphQL
		}
		if got[j], err = parse(b); err != nil {
			return got, err
		}
		if sys == sysEmbedded {
			keep(body, b)
		}
	}
	return got, nil
}

// parallel runs fn(0..n-1) on k goroutines and returns the first error.
func parallel(ctx context.Context, k, n int, fn func(int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range k {
		wg.Go(func() {
			for i := range next {
				if err := fn(i); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}

// report renders the tables in Markdown.
func report(cfg config, info synth.Info, res map[cellKey]result, loadBefore, loadAfter string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Run %s on %d cores (%s), %s; graph/synth seed %d: %d entities, %d articles, %d relationships;\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.NumCPU(), cpuModel(), runtime.Version(), cfg.graph.Seed,
		info.Entities, info.Articles, info.Relationships)
	fmt.Fprintf(&b, "%d s per cell after %d s of warm-up, %d ids (Q1) and %d pages (Q2) cycled; answers checked equal first.",
		int(cfg.duration.Seconds()), int(cfg.warmup.Seconds()), cfg.sample, cfg.sample)
	if cfg.neo4jNote != "" {
		fmt.Fprintf(&b, " %s.", cfg.neo4jNote)
	}
	// The machine may be shared: its load says how much of it the run had.
	fmt.Fprintf(&b, " Load average (1 min) %s before the first cell, %s after the last.", loadBefore, loadAfter)
	b.WriteString("\n\n| question | clients | system | requests/s | p50 | p99 |\n|---|---:|---|---:|---:|---:|\n")
	for _, q := range questions {
		for _, n := range cfg.clients {
			for _, sys := range systemOrder {
				r := res[cellKey{q, n, sys}]
				fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s |\n", q, n, sys, thousands(r.rate()), ms(r.p50), ms(r.p99))
			}
		}
	}
	b.WriteString("\n| question | clients | Dossier on Neo4j ÷ @neo4j/graphql | embedded ÷ @neo4j/graphql | embedded ÷ floor |\n|---|---:|---:|---:|---:|\n")
	for _, q := range questions {
		for _, n := range cfg.clients {
			rate := func(sys string) float64 { return res[cellKey{q, n, sys}].rate() }
			fmt.Fprintf(&b, "| %s | %d | %.2f× | %.1f× | %.2f× |\n", q, n,
				rate(sysDossierNeo4j)/rate(sysNeo4jGraphQL), rate(sysEmbedded)/rate(sysNeo4jGraphQL), rate(sysEmbedded)/rate(sysFloor))
		}
	}
	return b.String()
}

func thousands(x float64) string {
	s := strconv.FormatInt(int64(x+0.5), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + " ms"
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, 1<<16))
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

// loadAverage is the machine's 1-minute load average, or "?" where /proc does not say.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}
