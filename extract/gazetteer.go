package extract

import (
	"bufio"
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/dossiergraph/dossier/graph"
)

// Gazetteer resolves names to known entities. It is the whole of what extraction needs
// from a store, so that a store's name index can stand behind it.
type Gazetteer interface {
	// Lookup returns the entity one of whose names or aliases folds (graph.Fold, a leading
	// "the" dropped) to key. A key that is one entity's name wins over others' aliases; a
	// key that only aliases two or more entities (a surname two people share) resolves to
	// none of them.
	Lookup(key string) (graph.Entity, bool)
}

// AmbiguityReporter is implemented by a Gazetteer that can tell a key it does not resolve
// because several entities share it from a key nobody has; extraction then also refuses
// the world gazetteer's reading of that key ("NSC" when the store holds two).
type AmbiguityReporter interface {
	Ambiguous(key string) bool
}

// nameKey folds a name the way gazetteers key it: graph.Fold, without a leading "the".
func nameKey(name string) string {
	return strings.TrimPrefix(graph.Fold(name), "the ")
}

// mapGazetteer is a Gazetteer over an in-memory index. A name wins over an alias, so that an
// entity's own name is never taken by another's alias.
type mapGazetteer struct {
	byKey   map[string]graph.Entity
	isName  map[string]bool
	shared  map[string]bool         // alias keys of two or more entities
	demonym map[string]graph.Entity // folded demonym → government
}

func newMapGazetteer() *mapGazetteer {
	return &mapGazetteer{byKey: map[string]graph.Entity{}, isName: map[string]bool{}, shared: map[string]bool{},
		demonym: map[string]graph.Entity{}}
}

func (g *mapGazetteer) add(e graph.Entity) {
	if k := nameKey(e.Name); k != "" && !g.isName[k] {
		g.byKey[k], g.isName[k] = e, true
		delete(g.shared, k)
	}
	for _, a := range e.Aliases {
		k := nameKey(a)
		if k == "" || g.isName[k] || g.shared[k] {
			continue
		}
		if old, taken := g.byKey[k]; taken && old.ID != e.ID {
			delete(g.byKey, k)
			g.shared[k] = true
			continue
		}
		g.byKey[k] = e
	}
}

// Ambiguous reports a key only two or more entities' aliases claim.
func (g *mapGazetteer) Ambiguous(key string) bool { return g.shared[key] }

func (g *mapGazetteer) Lookup(key string) (graph.Entity, bool) {
	e, ok := g.byKey[key]
	return e, ok
}

// StoreGazetteer resolves mentions to the store's own ids. A store with a name index
// (graph.NameFinder) is asked per candidate name, so the cost follows the article, not
// the graph; any other store is read whole into an index. After extraction, LookupErr
// reports a look-up that failed.
func StoreGazetteer(ctx context.Context, r graph.EntityReader) (Gazetteer, error) {
	if f, ok := r.(graph.NameFinder); ok {
		return &storeGazetteer{ctx: ctx, names: f, cache: map[string]found{}}, nil
	}
	g := newMapGazetteer()
	err := r.ScanEntities(ctx, func(e graph.Entity) error {
		g.add(e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("build store gazetteer: %w", err)
	}
	return g, nil
}

// storeGazetteer looks names up in the store as extraction asks for them, and remembers
// the answers.
type storeGazetteer struct {
	ctx   context.Context // the extraction's: Lookup has none of its own
	names graph.NameFinder
	mu    sync.Mutex
	cache map[string]found
	err   error // the first failed look-up; later ones are not tried
}

type found struct {
	e         graph.Entity
	ok        bool
	ambiguous bool // only aliases of two or more entities
}

// Lookup resolves key as mapGazetteer would over the whole store: a name wins over an
// alias, the lowest id among names, and an alias two entities share resolves to neither.
func (g *storeGazetteer) Lookup(key string) (graph.Entity, bool) {
	f := g.find(key)
	return f.e, f.ok
}

// Ambiguous reports a key that only aliases two or more entities, as mapGazetteer does.
func (g *storeGazetteer) Ambiguous(key string) bool { return g.find(key).ambiguous }

func (g *storeGazetteer) find(key string) found {
	g.mu.Lock()
	defer g.mu.Unlock()
	if f, ok := g.cache[key]; ok || g.err != nil {
		return f
	}
	// nameKey drops a leading "the", so "guardian" also names "The Guardian".
	ents, err := g.names.EntitiesNamed(g.ctx, []string{key, "the " + key})
	if err != nil {
		g.err = fmt.Errorf("look up %q in the store: %w", key, err)
		return found{}
	}
	var f found
	for _, e := range ents {
		if nameKey(e.Name) == key {
			f = found{e: e, ok: true}
			break
		}
	}
	for _, e := range ents {
		if f.ok || f.ambiguous || !slices.ContainsFunc(e.Aliases, func(a string) bool { return nameKey(a) == key }) {
			continue
		}
		if f.e.ID != "" && f.e.ID != e.ID {
			f = found{ambiguous: true}
			continue
		}
		f.e = e
	}
	if !f.ambiguous && f.e.ID != "" {
		f.ok = true
	}
	g.cache[key] = f
	return f
}

// LookupErr returns the first store error a StoreGazetteer met, nil for any other
// gazetteer: a mention it could not look up may have been taken for a new entity.
func LookupErr(g Gazetteer) error {
	if sg, ok := g.(*storeGazetteer); ok {
		sg.mu.Lock()
		defer sg.mu.Unlock()
		return sg.err
	}
	return nil
}

// NewGazetteer indexes the given entities; it serves callers that hold entities in memory.
func NewGazetteer(entities []graph.Entity) Gazetteer {
	g := newMapGazetteer()
	for _, e := range entities {
		g.add(e)
	}
	return g
}

//go:embed world.tsv
var worldTSV string

// parseWorld reads the embedded world gazetteer.
func parseWorld(data string) (*mapGazetteer, error) {
	g := newMapGazetteer()
	sc := bufio.NewScanner(strings.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) < 3 || len(cols) > 5 {
			return nil, fmt.Errorf("world.tsv:%d: want 3 to 5 tab-separated columns, got %d", line, len(cols))
		}
		e := graph.Entity{Kind: graph.Kind(cols[0]), ID: cols[1], Name: cols[2]}
		if len(cols) > 3 && cols[3] != "" {
			e.Aliases = strings.Split(cols[3], "|")
		}
		if err := e.Validate(); err != nil {
			return nil, fmt.Errorf("world.tsv:%d: %w", line, err)
		}
		g.add(e)
		if len(cols) > 4 && cols[4] != "" {
			for _, d := range strings.Split(cols[4], "|") {
				g.demonym[graph.Fold(d)] = e
			}
		}
	}
	return g, nil
}

// LookupWorld resolves a name (e.g. an outlet's, "NYT") against the built-in world
// gazetteer.
func (x *Extractor) LookupWorld(name string) (graph.Entity, bool) {
	return x.world.Lookup(nameKey(name))
}
