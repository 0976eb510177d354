// Package synth generates large synthetic graphs for benchmarks and load tests. The same
// seed and sizes always give the same graph, whatever the chunk size it is streamed in.
//
// The shape imitates a news graph: a few hubs (governments, big agencies) take part in
// many relationships while most entities appear in a handful; every kind and relation type
// occurs; most relationships are dated, some only to the year or month; some are negated;
// most cite articles from several outlets.
package synth

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"

	"github.com/dossiergraph/dossier/graph"
)

// Config says what to generate.
type Config struct {
	Seed          int64
	Entities      int // at least 10
	Relationships int
	// Chunk is how many records each batch holds; 0 means DefaultChunk.
	Chunk int
	// Copies, when above 1, makes the graph that many disjoint copies of the one Entities
	// and Relationships describe, each renamed (ids and names tagged "cN"), so that a
	// graph grows without its hubs growing: every request over the first copy then has
	// the same answer, and does the same work, as over a single one. Info describes the
	// first copy, with the counts of all of them.
	Copies int
}

// DefaultChunk is the batch size of Load: big enough to amortise a commit, small enough to
// keep one transaction's memory modest.
const DefaultChunk = 5000

// Info describes a generated graph for the benchmarks that query it.
type Info struct {
	Entities, Articles, Relationships int
	// Hubs are the ids of the most connected entities.
	Hubs []string
	// Sample is a fixed sample of entity ids, drawn with the graph's degree skew.
	Sample []string
	// RelationshipIDs is a sample of relationship ids, usable as page cursors.
	RelationshipIDs []string
	// ArticleIDs is a sample of article ids.
	ArticleIDs []string
	// SearchTerms are texts that match some entities: full names, surnames, prefixes.
	SearchTerms []string
}

const (
	sampleSize = 512
	hubCount   = 8
	// degreeSkew shapes the power law: an end is drawn at rank n·u^skew for uniform u, so
	// low ranks are hubs.
	degreeSkew = 2.6
)

// Generate returns the whole graph as one batch.
func Generate(seed int64, entities, relationships int) graph.Batch {
	var all graph.Batch
	_, err := Stream(Config{Seed: seed, Entities: entities, Relationships: relationships}, func(b graph.Batch) error {
		all.Entities = append(all.Entities, b.Entities...)
		all.Articles = append(all.Articles, b.Articles...)
		all.Relationships = append(all.Relationships, b.Relationships...)
		return nil
	})
	if err != nil {
		panic(err) // Stream fails only when its callback fails, and this one never does
	}
	return all
}

// Load streams the graph into s in chunks, each applied atomically and in order. The next
// chunk is generated while s applies one, so that generating costs the load no time on a
// machine with a CPU to spare.
func Load(ctx context.Context, s graph.Applier, cfg Config) (Info, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan graph.Batch, 1)
	var (
		info   Info
		genErr error
		wg     sync.WaitGroup
	)
	wg.Go(func() {
		defer close(batches)
		info, genErr = Stream(cfg, func(b graph.Batch) error {
			select {
			case batches <- b:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	})
	var applyErr error
	for b := range batches {
		if applyErr != nil {
			continue // the generator stops at the cancel; what it sent is dropped
		}
		if _, err := s.Apply(ctx, b); err != nil {
			applyErr = fmt.Errorf("load synthetic graph: %w", err)
			cancel()
		}
	}
	wg.Wait()
	if applyErr != nil {
		return Info{}, applyErr
	}
	if genErr != nil {
		return Info{}, fmt.Errorf("load synthetic graph: %w", genErr)
	}
	return info, nil
}

// Stream generates the graph and hands it to fn in batches: entities first, then articles,
// then relationships, so that every batch refers only to records already handed over.
func Stream(cfg Config, fn func(graph.Batch) error) (Info, error) {
	if err := cfg.check(); err != nil {
		return Info{}, err
	}
	chunk := cfg.Chunk
	if chunk <= 0 {
		chunk = DefaultChunk
	}
	g := newGenerator(cfg)

	var b graph.Batch
	size := 0
	flush := func(force bool) error {
		if size == 0 || size < chunk && !force {
			return nil
		}
		err := fn(b)
		b, size = graph.Batch{}, 0
		return err
	}
	copies := max(1, cfg.Copies)
	for c := range copies {
		for i := range cfg.Entities {
			b.Entities = append(b.Entities, renamedEntity(g.entity(i), c))
			size++
			if err := flush(false); err != nil {
				return Info{}, err
			}
		}
	}
	for c := range copies {
		for i := range g.articles {
			b.Articles = append(b.Articles, renamedArticle(g.article(i), c))
			size++
			if err := flush(false); err != nil {
				return Info{}, err
			}
		}
	}
	for c := range copies {
		for i := range cfg.Relationships {
			b.Relationships = append(b.Relationships, renamedRelationship(g.relationship(i), c))
			size++
			if err := flush(false); err != nil {
				return Info{}, err
			}
		}
	}
	if err := flush(true); err != nil {
		return Info{}, err
	}
	return g.describe(copies), nil
}

// Describe returns the Info of the graph cfg generates, without generating it: for a store
// that already holds the graph.
func Describe(cfg Config) (Info, error) {
	if err := cfg.check(); err != nil {
		return Info{}, err
	}
	return newGenerator(cfg).describe(max(1, cfg.Copies)), nil
}

func (cfg Config) check() error {
	if cfg.Entities < 10 {
		return fmt.Errorf("synthetic graph: want at least 10 entities, got %d", cfg.Entities)
	}
	if cfg.Copies < 0 {
		return fmt.Errorf("synthetic graph: negative copy count %d", cfg.Copies)
	}
	if cfg.Relationships < 0 {
		return fmt.Errorf("synthetic graph: negative relationship count %d", cfg.Relationships)
	}
	return nil
}

// generator holds the fixed choices of a graph; each record is drawn from an rng seeded by
// the graph's seed and the record's kind and number, so records do not depend on the order
// in which they are made.
type generator struct {
	seed     int64
	n        int // entities
	outlets  int // entities 0..outlets-1 by rank are outlets
	articles int
	rels     int
}

func newGenerator(cfg Config) *generator {
	outlets := max(3, cfg.Entities/100)
	return &generator{
		seed:     cfg.Seed,
		n:        cfg.Entities,
		outlets:  outlets,
		articles: max(1, cfg.Relationships/2),
		rels:     cfg.Relationships,
	}
}

func (g *generator) rng(stream, i uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(g.seed)^stream*0x9e3779b97f4a7c15, i))
}

const (
	streamEntity uint64 = iota + 1
	streamArticle
	streamRelationship
	streamSample
)

// Entities are numbered by rank: rank 0 is the biggest hub. The rank's position in id
// order is scattered so that hubs are not all at the start of every list.
func (g *generator) kindOf(rank int) graph.Kind {
	if rank >= g.n-g.outlets {
		return graph.Outlet
	}
	switch h := (rank * 7919) % 100; {
	case rank < 4 || h < 6:
		return graph.Government
	case h < 22:
		return graph.Agency
	case h < 50:
		return graph.Group
	}
	return graph.Person
}

func (g *generator) entityID(rank int) string {
	return fmt.Sprintf("%s-%07d", strings.ToLower(string(g.kindOf(rank))[:3]), scatter(rank, g.n))
}

// scatter maps rank to a distinct number below n: a multiplicative permutation.
func scatter(rank, n int) int {
	const prime = 2_654_435_761 // Knuth's multiplicative hash; a permutation unless it divides n
	if n%prime == 0 {
		return rank
	}
	return int((uint64(rank) * prime) % uint64(n))
}

func (g *generator) entity(rank int) graph.Entity {
	r := g.rng(streamEntity, uint64(rank))
	kind := g.kindOf(rank)
	e := graph.Entity{ID: g.entityID(rank), Kind: kind, Country: countryName(r)}
	switch kind {
	case graph.Person:
		first, last := pick(r, firstNames), surname(r)
		e.Name = first + " " + last
		if r.IntN(3) == 0 {
			e.Aliases = []string{last}
		}
		e.Role = pick(r, roles)
	case graph.Government:
		e.Name = "Government of " + e.Country
		e.Aliases = []string{e.Country}
	case graph.Agency:
		e.Name = pick(r, agencyWords) + " of " + e.Country
		e.Aliases = []string{initials(e.Name)}
	case graph.Group:
		e.Name = e.Country + " " + pick(r, groupWords)
	case graph.Outlet:
		e.Name = "The " + surname(r) + " " + pick(r, outletWords)
	}
	if r.IntN(4) == 0 {
		e.Description = "Synthetic " + strings.ToLower(string(kind)) + " number " + fmt.Sprint(rank)
	}
	return e
}

func (g *generator) articleID(i int) string { return fmt.Sprintf("art-%08d", i) }

func (g *generator) article(i int) graph.Article {
	r := g.rng(streamArticle, uint64(i))
	// Outlets are unequal too: a few publish most articles.
	outlet := g.n - g.outlets + skewed(r, g.outlets)
	return graph.Article{
		ID:        g.articleID(i),
		Title:     fmt.Sprintf("%s %s %s", surname(r), pick(r, headlineVerbs), countryName(r)),
		Outlet:    g.entityID(outlet),
		URL:       fmt.Sprintf("https://news.example/%d", i),
		Published: date(r, 0),
	}
}

func (g *generator) relationship(i int) graph.Relationship {
	r := g.rng(streamRelationship, uint64(i))
	actors := g.n - g.outlets
	from := skewed(r, actors)
	to := skewed(r, actors)
	if to == from {
		to = (to + 1) % actors
	}
	rel := graph.Relationship{
		ID:      fmt.Sprintf("rel-%08d", i),
		Type:    graph.RelationTypes[skewed(r, len(graph.RelationTypes))],
		From:    g.entityID(from),
		To:      g.entityID(to),
		Negated: r.IntN(20) == 0,
		Date:    date(r, 10),
	}
	if r.IntN(100) == 0 {
		rel.To = "" // no counterpart named
	}
	if r.IntN(5) == 0 {
		rel.About = []string{g.entityID(r.IntN(g.n))}
	}
	if r.IntN(3) == 0 {
		rel.Summary = fmt.Sprintf("synthetic %s number %d", strings.ToLower(string(rel.Type)), i)
	}
	for range 1 + skewed(r, 4) {
		ev := graph.Evidence{Article: g.articleID(r.IntN(g.articles))}
		if !slices.Contains(rel.Evidence, ev) {
			rel.Evidence = append(rel.Evidence, ev)
		}
	}
	return rel
}

// skewed draws a rank below n with a power-law-like skew toward 0.
func skewed(r *rand.Rand, n int) int {
	return min(n-1, int(float64(n)*math.Pow(r.Float64(), degreeSkew)))
}

// date returns a date between 1995 and 2025 at year, month or day precision, or, with
// chance undatedPercent in 100, the unknown date.
func date(r *rand.Rand, undatedPercent int) graph.PartialDate {
	if r.IntN(100) < undatedPercent {
		return ""
	}
	y, m, d := 1995+r.IntN(31), 1+r.IntN(12), 1+r.IntN(28)
	switch r.IntN(6) {
	case 0:
		return graph.PartialDate(fmt.Sprintf("%04d", y))
	case 1, 2:
		return graph.PartialDate(fmt.Sprintf("%04d-%02d", y, m))
	}
	return graph.PartialDate(fmt.Sprintf("%04d-%02d-%02d", y, m, d))
}

func (g *generator) describe(copies int) Info {
	info := Info{Entities: g.n * copies, Articles: g.articles * copies, Relationships: g.rels * copies}
	for rank := range min(hubCount, g.n-g.outlets) {
		info.Hubs = append(info.Hubs, g.entityID(rank))
	}
	r := g.rng(streamSample, 0)
	actors := g.n - g.outlets
	for range sampleSize {
		info.Sample = append(info.Sample, g.entityID(skewed(r, actors)))
		if g.rels > 0 {
			info.RelationshipIDs = append(info.RelationshipIDs, fmt.Sprintf("rel-%08d", r.IntN(g.rels)))
		}
	}
	if g.articles > 0 {
		ra := g.rng(streamSample, 1) // its own stream, so the other samples stay as they were
		for range sampleSize {
			info.ArticleIDs = append(info.ArticleIDs, g.articleID(ra.IntN(g.articles)))
		}
	}
	for i := range 64 {
		e := g.entity(r.IntN(g.n))
		words := strings.Fields(e.Name)
		switch i % 4 {
		case 0:
			info.SearchTerms = append(info.SearchTerms, e.Name)
		case 1:
			info.SearchTerms = append(info.SearchTerms, words[len(words)-1])
		case 2:
			w := []rune(words[len(words)-1])
			info.SearchTerms = append(info.SearchTerms, string(w[:min(len(w), 3)]))
		default:
			info.SearchTerms = append(info.SearchTerms, strings.ToLower(graph.Fold(e.Name)))
		}
	}
	return info
}

// renamed returns what id or name is called in copy c; the first copy keeps its own.
func renamed(s string, c int) string {
	if c == 0 || s == "" {
		return s
	}
	return fmt.Sprintf("c%d-%s", c, s)
}

// renamedName tags a name or alias of copy c with a word of its own, so that copies do
// not share names and a name look-up finds one entity, as in a single copy.
func renamedName(s string, c int) string {
	if c == 0 {
		return s
	}
	return fmt.Sprintf("%s c%d", s, c)
}

func renamedEntity(e graph.Entity, c int) graph.Entity {
	if c == 0 {
		return e
	}
	e.ID, e.Name = renamed(e.ID, c), renamedName(e.Name, c)
	for i, a := range e.Aliases {
		e.Aliases[i] = renamedName(a, c)
	}
	return e
}

func renamedArticle(a graph.Article, c int) graph.Article {
	a.ID, a.Outlet = renamed(a.ID, c), renamed(a.Outlet, c)
	return a
}

func renamedRelationship(r graph.Relationship, c int) graph.Relationship {
	r.ID, r.From, r.To = renamed(r.ID, c), renamed(r.From, c), renamed(r.To, c)
	for i, e := range r.About {
		r.About[i] = renamed(e, c)
	}
	for i := range r.Evidence {
		r.Evidence[i].Article = renamed(r.Evidence[i].Article, c)
	}
	return r
}
