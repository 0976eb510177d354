package bolt

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/dossiergraph/dossier/graph"
)

// Entity implements graph.EntityReader.
func (s *Store) Entity(ctx context.Context, id string) (graph.Entity, error) {
	if err := graph.ValidateID("entity", id); err != nil {
		return graph.Entity{}, err
	}
	var e graph.Entity
	err := s.read(ctx, func(st *state) error {
		var ok bool
		if e, ok = st.entities[id]; !ok {
			return graph.Errorf(graph.ENOTFOUND, "entity %q does not exist", id)
		}
		return nil
	})
	return cloneEntity(e), err
}

// EntitiesByID implements graph.EntityReader.
func (s *Store) EntitiesByID(ctx context.Context, ids []string) (map[string]graph.Entity, error) {
	out := make(map[string]graph.Entity, len(ids))
	err := s.read(ctx, func(st *state) error {
		for _, id := range ids {
			if e, ok := st.entities[id]; ok {
				out[id] = cloneEntity(e)
			}
		}
		return nil
	})
	return out, err
}

// ListEntities implements graph.EntityReader.
func (s *Store) ListEntities(ctx context.Context, q graph.EntityQuery) (graph.EntityPage, error) {
	if q.Kind != "" && !q.Kind.Valid() {
		return graph.EntityPage{}, graph.Errorf(graph.EINVALID, "unknown entity kind %q", graph.Clip(string(q.Kind)))
	}
	p, err := graph.NormalizePage(q.Page)
	if err != nil {
		return graph.EntityPage{}, err
	}
	var page graph.EntityPage
	err = s.read(ctx, func(st *state) error {
		ids := st.entityIDs
		if q.Kind != "" {
			ids = st.byKind[string(q.Kind)]
		}
		var pageIDs []string
		pageIDs, page.PageInfo = pageOf(ids, p)
		page.Entities = make([]graph.Entity, len(pageIDs))
		for i, id := range pageIDs {
			page.Entities[i] = cloneEntity(st.entities[id])
		}
		return nil
	})
	return page, err
}

// pageOf cuts the page p out of a sorted list of ids that all match. The page shares the
// list's memory: use it under the read lock only.
func pageOf(ids []string, p graph.Page) ([]string, graph.PageInfo) {
	start := after(ids, p.After, self)
	end := min(start+p.First, len(ids))
	info := graph.PageInfo{TotalCount: len(ids), HasNextPage: end < len(ids)}
	if end > start {
		info.EndCursor = ids[end-1]
	}
	return ids[start:end], info
}

// SearchEntities implements graph.EntityReader.
func (s *Store) SearchEntities(ctx context.Context, q graph.SearchQuery) ([]graph.Entity, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	text := graph.NewSearchText(q.Text)
	words := text.Words()
	if len(words) == 0 {
		return []graph.Entity{}, nil
	}
	var out []graph.Entity
	err := s.read(ctx, func(st *state) error {
		var best []scored
		for _, list := range st.searchCandidates(words) {
			for _, entry := range list {
				if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, entry.kind) {
					continue
				}
				if score := entry.key.Score(text); score > 0 {
					best = keepBest(best, scored{entry.id, entry.name, score}, q.Limit)
				}
			}
		}
		out = make([]graph.Entity, len(best))
		for i, h := range best {
			out[i] = cloneEntity(st.entities[h.id])
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scored is a search hit.
type scored struct {
	id, name string
	score    int
}

// rank orders hits: higher score first, then name, then id.
func rank(a, b scored) int {
	return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.name, b.name), cmp.Compare(a.id, b.id))
}

// keepBest adds h to best, the sorted top hits, keeping at most limit of them and each
// entity once (an entity can be a candidate under several words).
func keepBest(best []scored, h scored, limit int) []scored {
	if len(best) == limit && rank(h, best[limit-1]) >= 0 {
		return best
	}
	i, found := slices.BinarySearchFunc(best, h, rank)
	if found {
		return best // the same entity again: equal rank means equal id
	}
	if len(best) == limit {
		best = best[:limit-1]
	}
	return slices.Insert(best, i, h)
}

// searchCandidates returns the lists of entities that may match the query words: every
// match has, for each query word, a word that starts with it, so the entities indexed
// under the words starting with the rarest query word are the only candidates. An entity
// may be in several of the lists.
func (st *state) searchCandidates(words []string) [][]*searchEntry {
	var best []string
	bestCount := -1
	for _, q := range graph.Dedupe(words) {
		lo := sort.SearchStrings(st.wordList, q)
		hi, count := lo, 0
		for hi < len(st.wordList) && strings.HasPrefix(st.wordList[hi], q) {
			count += len(st.words[st.wordList[hi]])
			hi++
		}
		if bestCount < 0 || count < bestCount {
			best, bestCount = st.wordList[lo:hi], count
		}
	}
	lists := make([][]*searchEntry, len(best))
	for i, w := range best {
		lists[i] = st.words[w]
	}
	return lists
}

// ScanEntities implements graph.EntityReader. It copies the entities under the read lock
// and calls fn without it, so fn may call the store.
func (s *Store) ScanEntities(ctx context.Context, fn func(graph.Entity) error) error {
	return scanChunks(ctx, s, func(st *state, cursor string) ([]graph.Entity, string) {
		ids := st.entityIDs[after(st.entityIDs, cursor, func(id string) string { return id }):]
		ids = ids[:min(len(ids), scanChunk)]
		chunk := make([]graph.Entity, len(ids))
		for i, id := range ids {
			chunk[i] = cloneEntity(st.entities[id])
		}
		return chunk, lastOr(ids, cursor)
	}, fn)
}

// scanChunk is how many items a scan examines per read lock: enough to amortise the lock,
// few enough that scanning a large graph holds little memory and never blocks writers long.
const scanChunk = 1024

// scanChunks calls next under the read lock for the items after cursor, then fn on each of
// them outside it, until next finds nothing more. next returns the copies and the id of the
// last item it examined. Items come in id order; each chunk is a consistent read, and a write
// made during a scan is seen only by the chunks after it.
func scanChunks[T any](ctx context.Context, s *Store, next func(st *state, cursor string) ([]T, string), fn func(T) error) error {
	cursor := ""
	for {
		var chunk []T
		var last string
		if err := s.read(ctx, func(st *state) error {
			chunk, last = next(st, cursor)
			return nil
		}); err != nil {
			return err
		}
		if last == cursor {
			return nil
		}
		cursor = last
		for _, it := range chunk {
			if err := fn(it); err != nil {
				return err
			}
		}
	}
}

func lastOr(ids []string, def string) string {
	if len(ids) == 0 {
		return def
	}
	return ids[len(ids)-1]
}

// Article implements graph.ArticleReader.
func (s *Store) Article(ctx context.Context, id string) (graph.Article, error) {
	if err := graph.ValidateID("article", id); err != nil {
		return graph.Article{}, err
	}
	var a graph.Article
	err := s.read(ctx, func(st *state) error {
		var ok bool
		if a, ok = st.article(id); !ok {
			return graph.Errorf(graph.ENOTFOUND, "article %q does not exist", id)
		}
		return nil
	})
	return a, err // decoded: the caller's own
}

// ArticlesByID implements graph.ArticleReader.
func (s *Store) ArticlesByID(ctx context.Context, ids []string) (map[string]graph.Article, error) {
	out := make(map[string]graph.Article, len(ids))
	err := s.read(ctx, func(st *state) error {
		for _, id := range ids {
			if a, ok := st.article(id); ok {
				out[id] = a
			}
		}
		return nil
	})
	return out, err
}

// ListArticles implements graph.ArticleReader.
func (s *Store) ListArticles(ctx context.Context, q graph.ArticleQuery) (graph.ArticlePage, error) {
	for _, ref := range [][2]string{{"outlet", q.Outlet}, {"entity", q.Entity}} {
		if ref[1] != "" {
			if err := graph.ValidateID(ref[0], ref[1]); err != nil {
				return graph.ArticlePage{}, err
			}
		}
	}
	p, err := graph.NormalizePage(q.Page)
	if err != nil {
		return graph.ArticlePage{}, err
	}
	var page graph.ArticlePage
	err = s.read(ctx, func(st *state) error {
		ids := st.articleIDs
		if q.Outlet != "" {
			ids = st.byOutlet[q.Outlet]
		}
		if q.Entity != "" {
			ids = intersectSorted(ids, st.articlesOf(q.Entity))
		}
		var pageIDs []string
		pageIDs, page.PageInfo = pageOf(ids, p)
		page.Articles = make([]graph.Article, len(pageIDs))
		for i, id := range pageIDs {
			page.Articles[i], _ = st.article(id)
		}
		return nil
	})
	return page, err
}

// articlesOf returns the sorted ids of the articles an entity published or that are
// evidence for a relationship it is From, To or About of.
func (st *state) articlesOf(entity string) []string {
	set := map[string]bool{}
	for _, id := range st.byOutlet[entity] {
		set[id] = true
	}
	var r graph.Relationship // scratch
	cite := func(ref relRef) {
		st.decode(ref, &r)
		for _, ev := range r.Evidence {
			set[ev.Article] = true
		}
	}
	for _, e := range st.touch[entity] {
		cite(e.rel)
	}
	for _, ref := range st.about[entity] {
		cite(ref)
	}
	return slices.Sorted(maps.Keys(set))
}

// intersectSorted returns the ids in both sorted lists.
func intersectSorted(a, b []string) []string {
	var out []string
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

// ScanArticles implements graph.ArticleReader.
func (s *Store) ScanArticles(ctx context.Context, fn func(graph.Article) error) error {
	return scanChunks(ctx, s, func(st *state, cursor string) ([]graph.Article, string) {
		ids := st.articleIDs[after(st.articleIDs, cursor, func(id string) string { return id }):]
		ids = ids[:min(len(ids), scanChunk)]
		chunk := make([]graph.Article, len(ids))
		for i, id := range ids {
			chunk[i], _ = st.article(id)
		}
		return chunk, lastOr(ids, cursor)
	}, fn)
}

// Relationship implements graph.RelationshipReader.
func (s *Store) Relationship(ctx context.Context, id string) (graph.Relationship, error) {
	if err := graph.ValidateID("relationship", id); err != nil {
		return graph.Relationship{}, err
	}
	var r graph.Relationship
	err := s.read(ctx, func(st *state) error {
		var ok bool
		if r, ok = st.relationship(id); !ok {
			return graph.Errorf(graph.ENOTFOUND, "relationship %q does not exist", id)
		}
		return nil
	})
	return r, err
}

// ListRelationships implements graph.RelationshipReader.
func (s *Store) ListRelationships(ctx context.Context, q graph.RelationshipQuery) (graph.RelationshipPage, error) {
	if err := q.Normalize(); err != nil {
		return graph.RelationshipPage{}, err
	}
	page := graph.RelationshipPage{Relationships: []graph.Relationship{}}
	err := s.read(ctx, func(st *state) error {
		list := st.relCandidates(q)
		// Sized once, as a timeline page is.
		page.Relationships = make([]graph.Relationship, 0, min(q.Page.First, list.len()))
		var r graph.Relationship // scratch until it joins the page
		i := list.after(st, q.Page.After)
		for ; i < list.len() && len(page.Relationships) < q.Page.First; i++ {
			if st.decode(list.at(i), &r); q.Match(r) {
				page.Relationships = append(page.Relationships, r)
				r = graph.Relationship{}
			}
		}
		for ; i < list.len() && !page.HasNextPage; i++ {
			st.decode(list.at(i), &r)
			page.HasNextPage = q.Match(r)
		}
		if n := len(page.Relationships); n > 0 {
			page.EndCursor = page.Relationships[n-1].ID
		}
		if !q.Page.SkipTotal {
			page.TotalCount = st.countMatches(q, list)
		}
		return nil
	})
	return page, err
}

// relList is a list of relationships in id order: every relationship (global), an
// article's, or an entity's touch list.
type relList struct {
	global bool     // refs holds every relationship
	refs   []relRef // when global or an article's
	edges  []edge   // when an entity's; nil (empty) is either
}

func (l relList) len() int {
	if l.edges == nil {
		return len(l.refs)
	}
	return len(l.edges)
}

func (l relList) at(i int) relRef {
	if l.edges == nil {
		return l.refs[i]
	}
	return l.edges[i].rel
}

func (l relList) after(st *state, cursor string) int {
	if l.edges == nil {
		return after(l.refs, cursor, st.refID)
	}
	return after(l.edges, cursor, st.edgeID)
}

// relCandidates returns a list that holds every match of q: the shortest of the touch
// lists of the entities q names and the list of the article it names, or every
// relationship when it names none.
func (st *state) relCandidates(q graph.RelationshipQuery) relList {
	var lists [][]edge
	for _, id := range []string{q.From, q.To, q.Entity} {
		if id != "" {
			lists = append(lists, st.touch[id])
		}
	}
	if q.Article != "" {
		if cited := st.citedBy(q.Article); len(lists) == 0 || len(cited) < len(slices.MinFunc(lists, byLen)) {
			return relList{refs: cited}
		}
	}
	if len(lists) == 0 {
		return relList{global: true, refs: st.order}
	}
	return relList{edges: slices.MinFunc(lists, byLen)}
}

func byLen(a, b []edge) int { return cmp.Compare(len(a), len(b)) }

// countMatches counts the relationships of list that match q. Counters answer the common
// queries (all relationships, or all of one entity's, by type and negation) without a scan.
func (st *state) countMatches(q graph.RelationshipQuery, list relList) int {
	// The counters count every review state, which the default filter answers only while
	// no relationship is rejected.
	simple := q.Since == "" && q.Until == "" && q.MinSources == 0 && len(q.Review) == 0 && st.rejected == 0
	switch {
	case simple && list.global:
		return st.countByType(q.Types, q.IncludeNegated)
	case simple && len(q.Types) == 0 && q.From == "" && q.To == "" && q.Article == "" && q.Direction == graph.Both:
		n := len(st.touch[q.Entity])
		if !q.IncludeNegated {
			n -= st.negatedTouch[q.Entity]
		}
		return n
	}
	n := 0
	var r graph.Relationship // scratch
	for i := range list.len() {
		if st.decode(list.at(i), &r); q.Match(r) {
			n++
		}
	}
	return n
}

// countByType counts the relationships of the types (all when empty) from the counters.
func (st *state) countByType(types []graph.RelationType, withNegated bool) int {
	if len(types) == 0 {
		types = graph.RelationTypes
	}
	n := 0
	for _, t := range graph.Dedupe(types) {
		n += st.relsByType[t]
		if !withNegated {
			n -= st.negatedByType[t]
		}
	}
	return n
}

// ScanRelationships implements graph.RelationshipReader.
func (s *Store) ScanRelationships(ctx context.Context, q graph.RelationshipQuery, fn func(graph.Relationship) error) error {
	if err := q.Normalize(); err != nil {
		return err
	}
	return scanChunks(ctx, s, func(st *state, cursor string) ([]graph.Relationship, string) {
		list := st.relCandidates(q)
		var chunk []graph.Relationship
		var r graph.Relationship // scratch until it joins the chunk
		last := cursor
		// A rare match must not keep the lock for the whole list: examining is bounded too.
		for i, n := list.after(st, cursor), 0; i < list.len() && len(chunk) < scanChunk && n < 16*scanChunk; i, n = i+1, n+1 {
			st.decode(list.at(i), &r)
			last = r.ID
			if q.Match(r) {
				chunk = append(chunk, r)
				r = graph.Relationship{}
			}
		}
		return chunk, last
	}, fn)
}

// Stats implements graph.RelationshipReader.
func (s *Store) Stats(ctx context.Context) (graph.Stats, error) {
	st := graph.Stats{EntitiesByKind: map[graph.Kind]int{}, RelationshipsByType: map[graph.RelationType]int{}}
	err := s.read(ctx, func(m *state) error {
		st.Entities, st.Articles, st.Relationships = len(m.entities), len(m.articleIDs), len(m.order)
		for k, ids := range m.byKind {
			st.EntitiesByKind[graph.Kind(k)] = len(ids)
		}
		for t, n := range m.relsByType {
			if n > 0 {
				st.RelationshipsByType[t] = n
			}
		}
		for _, n := range m.negatedByType {
			st.NegatedRelationships += n
		}
		return nil
	})
	return st, err
}

// Values handed to callers are copies, so that callers cannot change the store's memory.
func cloneEntity(e graph.Entity) graph.Entity {
	e.Aliases = slices.Clone(e.Aliases)
	return e
}

func cloneArticle(a graph.Article) graph.Article {
	a.Authors = slices.Clone(a.Authors)
	return a
}

func cloneRelationship(r graph.Relationship) graph.Relationship {
	r.About = slices.Clone(r.About)
	r.Evidence = slices.Clone(r.Evidence)
	return r
}
