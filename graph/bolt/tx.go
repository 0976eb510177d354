package bolt

import "github.com/dossiergraph/dossier/graph"

// tx is a write in progress: reads see the committed state, then the writes of the group
// it is prepared in (see write), then its own writes on top.
type tx struct {
	st *state
	change
	group *change      // the group's writes before this one; nil when it is the first
	log   graph.Change // who makes the write, for the change log
	// stale: the tx read an index of st that the group's writes would change, so what it
	// prepared may be wrong; it is prepared again once they are committed.
	stale bool
}

// find looks id up in the tx's own writes, then in the group's.
func find[T any](id string, own, group map[string]*T) (v *T, found bool) {
	if v, ok := own[id]; ok {
		return v, true
	}
	v, ok := group[id]
	return v, ok
}

func (t *tx) groupChange() change {
	if t.group == nil {
		return change{}
	}
	return *t.group
}

func (t *tx) entity(id string) (graph.Entity, bool) {
	if e, ok := find(id, t.entities, t.groupChange().entities); ok {
		if e == nil {
			return graph.Entity{}, false
		}
		return *e, true
	}
	e, ok := t.st.entities[id]
	return e, ok
}

func (t *tx) article(id string) (graph.Article, bool) {
	if a, ok := find(id, t.articles, t.groupChange().articles); ok {
		if a == nil {
			return graph.Article{}, false
		}
		return *a, true
	}
	return t.st.article(id)
}

func (t *tx) relationship(id string) (graph.Relationship, bool) {
	if r, ok := find(id, t.rels, t.groupChange().rels); ok {
		if r == nil {
			return graph.Relationship{}, false
		}
		return *r, true
	}
	return t.st.relationship(id)
}

// The committed state's indexes do not see the group's writes: reading one that they
// would change marks the tx stale.
func (t *tx) outletArticles(outlet string) []string {
	t.stale = t.stale || len(t.groupChange().articles) > 0
	return t.st.byOutlet[outlet]
}

func (t *tx) touching(entity string) []edge {
	t.stale = t.stale || len(t.groupChange().rels) > 0
	return t.st.touch[entity]
}

func (t *tx) aboutOf(entity string) []string {
	t.stale = t.stale || len(t.groupChange().rels) > 0
	return t.st.refIDs(t.st.about[entity])
}

func (t *tx) citingOf(article string) []string {
	t.stale = t.stale || len(t.groupChange().rels) > 0
	return t.st.refIDs(t.st.citedBy(article))
}

// reserve makes room in the tx's empty maps for the records a batch writes, so that a big
// batch does not grow them step by step.
func (t *tx) reserve(entities, articles, rels int) {
	if len(t.entities) == 0 && entities > 0 {
		t.entities = make(map[string]*graph.Entity, entities)
	}
	if len(t.articles) == 0 && articles > 0 {
		t.articles = make(map[string]*graph.Article, articles)
	}
	if len(t.rels) == 0 && rels > 0 {
		t.rels = make(map[string]*graph.Relationship, rels)
	}
}

func (t *tx) putEntity(e graph.Entity)             { e = e.Canonical(); t.entities[e.ID] = &e }
func (t *tx) putArticle(a graph.Article)           { a = a.Canonical(); t.articles[a.ID] = &a }
func (t *tx) putRelationship(r graph.Relationship) { t.rels[r.ID] = &r }
func (t *tx) deleteEntity(id string)               { t.entities[id] = nil }
func (t *tx) deleteRelationship(id string)         { t.rels[id] = nil }

// outlet returns the outlet of an article, and whether the article exists.
func (t *tx) outlet(article string) (string, bool) {
	if a, ok := find(article, t.articles, t.groupChange().articles); ok {
		if a == nil {
			return "", false
		}
		return a.Outlet, true
	}
	return t.st.outlet(article)
}

// outletOf returns the outlet of an article, "" if the article does not exist.
func (t *tx) outletOf(article string) string {
	o, _ := t.outlet(article)
	return o
}

// requireEntity fails with ENOTFOUND when id names no entity; what says who refers to it.
func (t *tx) requireEntity(what, id string) (graph.Entity, error) {
	e, ok := t.entity(id)
	if !ok {
		return e, graph.ErrMissing(what, "entity", id)
	}
	return e, nil
}

// hasEntity reports whether id names an entity, for callers that need no more: it copies
// nothing, and asks the state's smaller map of entity numbers.
func (t *tx) hasEntity(id string) bool {
	if e, ok := find(id, t.entities, t.groupChange().entities); ok {
		return e != nil
	}
	_, ok := t.st.number[id]
	return ok
}

// checkOutlet checks that a's outlet is an existing OUTLET.
func (t *tx) checkOutlet(a graph.Article) error {
	outlet, err := t.requireEntity("article "+a.ID+": outlet", a.Outlet)
	if err != nil {
		return err
	}
	if outlet.Kind != graph.Outlet {
		return graph.ErrOutletKind(a.ID, outlet)
	}
	return nil
}

// finishRelationship checks r's references and returns it as stored: evidence merged by
// article, About without repeats, SourceCount computed.
func (t *tx) finishRelationship(r graph.Relationship) (graph.Relationship, error) {
	for _, id := range r.Ends() {
		if !t.hasEntity(id) {
			return r, graph.ErrMissing("relationship "+r.ID, "entity", id)
		}
	}
	r = r.Canonical() // r's lists are its own from here
	// One look-up per cited article finds it and its outlet.
	outlets := make([]string, len(r.Evidence))
	for i, ev := range r.Evidence {
		outlet, ok := t.outlet(ev.Article)
		if !ok {
			return r, graph.ErrMissing("relationship "+r.ID, "evidence article", ev.Article)
		}
		outlets[i] = outlet
	}
	r.SourceCount = graph.CountSources(r.Evidence, func(article string) string {
		for i, ev := range r.Evidence {
			if ev.Article == article {
				return outlets[i]
			}
		}
		return ""
	})
	return r, nil
}

// recountSources recomputes the source count of every committed relationship citing one
// of articles, after their outlets changed. Relationships written by t itself must be
// finished after the articles changed, so their counts are already right.
func (t *tx) recountSources(articles []string) {
	seen := map[string]bool{}
	for _, a := range articles {
		for _, id := range t.citingOf(a) {
			if seen[id] {
				continue
			}
			seen[id] = true
			r, ok := t.relationship(id)
			if !ok {
				continue
			}
			if n := graph.CountSources(r.Evidence, t.outletOf); n != r.SourceCount {
				r.SourceCount = n
				t.putRelationship(r)
			}
		}
	}
}
