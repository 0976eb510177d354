package bolt

import "github.com/dossiergraph/dossier/graph"

// tx is a write in progress: reads see the committed state with the tx's own writes on top.
type tx struct {
	st *state
	change
	log graph.Change // who makes the write, for the change log
}

func (t *tx) entity(id string) (graph.Entity, bool) {
	if e, ok := t.entities[id]; ok {
		if e == nil {
			return graph.Entity{}, false
		}
		return *e, true
	}
	e, ok := t.st.entities[id]
	return e, ok
}

func (t *tx) article(id string) (graph.Article, bool) {
	if a, ok := t.articles[id]; ok {
		if a == nil {
			return graph.Article{}, false
		}
		return *a, true
	}
	a, ok := t.st.articles[id]
	return a, ok
}

func (t *tx) relationship(id string) (graph.Relationship, bool) {
	if r, ok := t.rels[id]; ok {
		if r == nil {
			return graph.Relationship{}, false
		}
		return *r, true
	}
	r, ok := t.st.rels[id]
	if !ok {
		return graph.Relationship{}, false
	}
	return *r, true
}

func (t *tx) putEntity(e graph.Entity)             { e = e.Canonical(); t.entities[e.ID] = &e }
func (t *tx) putArticle(a graph.Article)           { a = a.Canonical(); t.articles[a.ID] = &a }
func (t *tx) putRelationship(r graph.Relationship) { t.rels[r.ID] = &r }
func (t *tx) deleteEntity(id string)               { t.entities[id] = nil }
func (t *tx) deleteRelationship(id string)         { t.rels[id] = nil }

// outletOf returns the outlet of an article, "" if the article does not exist.
func (t *tx) outletOf(article string) string {
	a, _ := t.article(article)
	return a.Outlet
}

// requireEntity fails with ENOTFOUND when id names no entity; what says who refers to it.
func (t *tx) requireEntity(what, id string) (graph.Entity, error) {
	e, ok := t.entity(id)
	if !ok {
		return e, graph.ErrMissing(what, "entity", id)
	}
	return e, nil
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
	what := "relationship " + r.ID
	for _, id := range r.Ends() {
		if _, err := t.requireEntity(what, id); err != nil {
			return r, err
		}
	}
	for _, ev := range r.Evidence {
		if _, ok := t.article(ev.Article); !ok {
			return r, graph.ErrMissing(what, "evidence article", ev.Article)
		}
	}
	r = r.Canonical()
	r.SourceCount = graph.CountSources(r.Evidence, t.outletOf)
	t.st.share(&r) // Canonical gave r lists of its own
	return r, nil
}

// recountSources recomputes the source count of every committed relationship citing one
// of articles, after their outlets changed. Relationships written by t itself must be
// finished after the articles changed, so their counts are already right.
func (t *tx) recountSources(articles []string) {
	seen := map[string]bool{}
	for _, a := range articles {
		for _, id := range t.st.citing[a] {
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
