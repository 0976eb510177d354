package graph

import (
	"context"
	"io"
	"slices"
)

// Limits shared by every store, so that both backends answer alike.
const (
	DefaultPageSize  = 50
	MaxPageSize      = 500
	MaxDepth         = 6   // neighbourhood depth and path length
	DefaultNodeLimit = 500 // neighbourhood size
	MaxNodeLimit     = 5000
	MaxPaths         = 50 // paths returned at most
	DefaultSearch    = 10
	MaxSearch        = 100
)

// Direction selects which end of a relationship an entity must be.
type Direction string

// The directions.
const (
	Out  Direction = "OUT"  // the entity is From
	In   Direction = "IN"   // the entity is To
	Both Direction = "BOTH" // either
)

// Page asks for First items after the item whose sort key is After ("" = from the start).
// Lists are ordered by id; After is the id of the last item of the previous page.
type Page struct {
	First int
	After string
	// SkipTotal says the caller reads no TotalCount: a store may then leave it 0 and spare
	// the count, which can cost more than the page (an entity with many relationships).
	SkipTotal bool
}

// PageInfo describes a page of results.
type PageInfo struct {
	TotalCount  int // items matching the query, over all pages
	HasNextPage bool
	EndCursor   string // id of the page's last item, "" for an empty page
}

// EntityQuery filters ListEntities.
type EntityQuery struct {
	Kind Kind // "" = any
	Page Page
}

// EntityPage is a page of entities ordered by id.
type EntityPage struct {
	Entities []Entity
	PageInfo
}

// SearchQuery asks for entities whose name or aliases match Text.
type SearchQuery struct {
	Text  string
	Kinds []Kind // empty = any
	Limit int    // 0 = DefaultSearch
}

// ArticleQuery filters ListArticles.
type ArticleQuery struct {
	Outlet string // "" = any; else articles published by this outlet
	// Entity, when set, keeps the articles that are evidence for a relationship the entity
	// is From, To or About of, or that the entity (an outlet) published.
	Entity string
	Page   Page
}

// ArticlePage is a page of articles ordered by id.
type ArticlePage struct {
	Articles []Article
	PageInfo
}

// RelationshipFilter is the filter shared by lists, neighbourhoods, timelines and exports.
type RelationshipFilter struct {
	Types          []RelationType // empty = any
	Since, Until   PartialDate    // interval overlap; undated relationships fail a bounded filter
	MinSources     int            // at least this many distinct outlets
	IncludeNegated bool           // negated relationships are left out unless true
	// Review keeps relationships in these review states (Relationship.ReviewOf); empty means
	// PROPOSED and CONFIRMED: a rejected relationship appears only when asked for.
	Review []ReviewState
}

// ReviewStates returns the review states f keeps.
func (f RelationshipFilter) ReviewStates() []ReviewState {
	if len(f.Review) == 0 {
		return []ReviewState{Proposed, Confirmed}
	}
	return f.Review
}

// Match reports whether r passes f.
func (f RelationshipFilter) Match(r Relationship) bool {
	if r.Negated && !f.IncludeNegated {
		return false
	}
	if len(f.Types) > 0 && !containsType(f.Types, r.Type) {
		return false
	}
	if r.SourceCount < f.MinSources {
		return false
	}
	if !slices.Contains(f.ReviewStates(), r.ReviewOf()) {
		return false
	}
	return r.Date.InRange(f.Since, f.Until)
}

func containsType(types []RelationType, t RelationType) bool {
	for _, x := range types {
		if x == t {
			return true
		}
	}
	return false
}

// RelationshipQuery filters ListRelationships and ScanRelationships.
type RelationshipQuery struct {
	RelationshipFilter
	From string // "" = any
	To   string // "" = any
	// Entity, when set, keeps relationships whose From (Direction Out), To (In) or either
	// (Both, the default) is Entity.
	Entity    string
	Direction Direction
	// Article, when set, keeps relationships with evidence from that article. Stores answer
	// it from an index, at a cost that grows with the article's relationships only.
	Article string
	Page    Page // ignored by ScanRelationships
}

// RelationshipPage is a page of relationships ordered by id.
type RelationshipPage struct {
	Relationships []Relationship
	PageInfo
}

// NeighborhoodQuery asks for the subgraph around Center.
type NeighborhoodQuery struct {
	Center string
	Depth  int // hops, 1..MaxDepth
	Limit  int // nodes at most, centre included; 0 = DefaultNodeLimit
	RelationshipFilter
}

// Subgraph is a set of entities and the relationships among them.
type Subgraph struct {
	Nodes []Entity
	Edges []Relationship
}

// PathQuery asks for the shortest paths between two entities.
type PathQuery struct {
	From, To string
	MaxDepth int // 1..MaxDepth
	RelationshipFilter
}

// Path is a walk from one entity to another; Edges[i] joins Nodes[i] and Nodes[i+1], in
// either direction.
type Path struct {
	Nodes []Entity
	Edges []Relationship
}

// TimelineQuery asks for a page of dated relationships in date order (start date, then
// id). After is the id of the last relationship of the previous page; Page.SkipTotal is
// implied, since a timeline has no total count.
type TimelineQuery struct {
	Entity string // "" = all; else relationships the entity is From or To of
	RelationshipFilter
	Page Page
}

// Stats counts what a store holds.
type Stats struct {
	Entities             int
	Articles             int
	Relationships        int
	NegatedRelationships int
	EntitiesByKind       map[Kind]int
	RelationshipsByType  map[RelationType]int
}

// EntityPatch changes some fields of an entity; nil fields stay as they are.
type EntityPatch struct {
	Kind        *Kind
	Name        *string
	Aliases     *[]string
	Description *string
	Country     *string
	Role        *string
}

// EntityReader reads entities.
type EntityReader interface {
	// Entity returns the entity with the id, or an ENOTFOUND error.
	Entity(ctx context.Context, id string) (Entity, error)
	// EntitiesByID returns the entities among ids that exist, keyed by id; missing ids are
	// left out, not an error.
	EntitiesByID(ctx context.Context, ids []string) (map[string]Entity, error)
	// ListEntities pages through the entities of q.Kind ("" = all) in id order. An unknown
	// kind or a bad page is EINVALID.
	ListEntities(ctx context.Context, q EntityQuery) (EntityPage, error)
	// ScanEntities calls fn for every entity in id order until fn returns an error. Scans
	// stream: a store may read in chunks, so a scan that runs while others write sees every
	// item whole but may see writes made after it began.
	ScanEntities(ctx context.Context, fn func(Entity) error) error
}

// Searcher finds entities by name.
type Searcher interface {
	// SearchEntities ranks entities whose name or aliases match q.Text by MatchScore, best
	// first; ties by name then id. q is checked with q.Normalize.
	SearchEntities(ctx context.Context, q SearchQuery) ([]Entity, error)
}

// ArticleReader reads articles.
type ArticleReader interface {
	// Article returns the article with the id, or an ENOTFOUND error.
	Article(ctx context.Context, id string) (Article, error)
	// ArticlesByID returns the articles among ids that exist, keyed by id.
	ArticlesByID(ctx context.Context, ids []string) (map[string]Article, error)
	// ListArticles pages through the articles matching q in id order. An outlet or entity
	// that names nothing gives an empty page, not an error.
	ListArticles(ctx context.Context, q ArticleQuery) (ArticlePage, error)
	// ScanArticles calls fn for every article in id order, streaming like ScanEntities.
	ScanArticles(ctx context.Context, fn func(Article) error) error
}

// RelationshipReader reads relationships.
type RelationshipReader interface {
	// Relationship returns the relationship with the id, or an ENOTFOUND error.
	Relationship(ctx context.Context, id string) (Relationship, error)
	// ListRelationships pages through the relationships matching q (see RelationshipFilter
	// and RelationshipQuery) in id order; q is checked with q.Normalize. An entity that
	// names nothing gives an empty page.
	ListRelationships(ctx context.Context, q RelationshipQuery) (RelationshipPage, error)
	// ScanRelationships calls fn for every relationship matching q in id order, q.Page
	// ignored, streaming like ScanEntities.
	ScanRelationships(ctx context.Context, q RelationshipQuery, fn func(Relationship) error) error
}

// Walker walks the graph that relationships form. Each method checks its query with the
// query's Normalize and answers ENOTFOUND when an entity it starts from does not exist, so
// callers need not look the entities up first.
type Walker interface {
	// Neighborhood returns the entities within Depth hops of Center over matching
	// relationships (the nearest first, ties by id, at most Limit of them) and every
	// matching relationship between two of them, ordered by id. Nodes are ordered by
	// distance, then id.
	Neighborhood(ctx context.Context, q NeighborhoodQuery) (Subgraph, error)
	// Paths returns every shortest path of at most MaxDepth hops over matching
	// relationships, ordered by the ids of their edges, at most MaxPaths of them. From equal
	// to To gives one path of that entity alone.
	Paths(ctx context.Context, q PathQuery) ([]Path, error)
	// Timeline returns a page of matching dated relationships ordered by start date, then
	// id; an After that names no dated relationship is ENOTFOUND.
	Timeline(ctx context.Context, q TimelineQuery) ([]Relationship, error)
}

// Counter counts what a store holds.
type Counter interface {
	Stats(ctx context.Context) (Stats, error)
}

// Reader reads records: what an export or the source of a copy needs.
type Reader interface {
	EntityReader
	ArticleReader
	RelationshipReader
}

// Querier is every read the API serves: a read-only deployment needs no more.
type Querier interface {
	Reader
	Searcher
	Walker
	Counter
}

// Applier is the one write a backend implements.
type Applier interface {
	// Apply applies b in one transaction of the backend: all of it or, on any error,
	// nothing. The backend must:
	//   - refuse a batch that fails b.Validate, with its error;
	//   - check b.Require against the state before the batch: b.CheckRequire does it on
	//     the backend's Lookup;
	//   - turn b's Patches and Evidence into upserts of what they change with b.Expand, on
	//     the same Lookup;
	//   - apply the upserts, the merge or the deletions as Batch documents them (references
	//     that name nothing: ENOTFOUND; an outlet that is not an OUTLET: EINVALID; what
	//     would leave an outlet's articles without an outlet: ECONFLICT, with the errors
	//     of CheckKindChange and CheckDeletable); BatchResult.Upsert merges a relationship
	//     into the stored one;
	//   - keep SourceCount (distinct outlets of the evidence articles) right for every
	//     relationship the batch touches, including those whose articles changed outlet;
	//   - with b.Return, fill the result's Stored (b.StoredIn does it).
	// b.Change describes the write (who, which operation); a backend that keeps a change log
	// (ChangeLog, graph/changelog.go) persists it here, in the same transaction, with every
	// record the batch changed before and after (Diff): Apply is the only place every write
	// passes, so nothing escapes the log and the log holds nothing that did not happen.
	Apply(ctx context.Context, b Batch) (BatchResult, error)
}

// Store is what a Dossier graph backend implements: 18 methods, the readers above (16),
// Apply, and Close. Every single change (create, update, merge, delete, add evidence) is
// written once, in Writer, on top of Apply; a backend writes none of them. Optional
// capabilities are found by type assertion: Pinger (a backend without it is checked with
// a one-item read) and ChangeLog (without it, the API answers history and changes with an
// error; both shipped stores keep one). graph/graphtest is the conformance suite every
// backend runs, the change log's tests included.
//
// Relationships carry their origin and review (graph/review.go): a backend stores the
// fields as given and filters by RelationshipFilter.Review like every other filter field
// (REJECTED left out unless asked for); Batch and BatchResult.Upsert say how a write keeps
// a stored decision.
//
// Rules that hold for every method:
//   - Implementations are safe for concurrent use, and every read sees a consistent state:
//     whole writes, never half of one.
//   - Every call gives up with an error on a canceled context, writing nothing.
//   - Input is validated once, by the method that receives it: malformed ids, kinds, types,
//     dates, page sizes, depths and limits are BAD_INPUT (EINVALID). The queries' Normalize
//     methods (graph/query.go), NormalizePage and Batch.Validate do it, so backends call
//     them rather than check by hand, and callers do not check ahead of a store.
//   - A well-formed id that names nothing is NOT_FOUND (ENOTFOUND) where a method reads
//     one record or starts from one entity; a hostile string where an id goes may give
//     either BAD_INPUT or NOT_FOUND. Error messages quote input through Clip.
//   - Records come back as Canonical makes them (no repeated About entries, evidence merged
//     by article); lists are returned with nil and empty alike.
//   - Walks (Neighborhood, Paths) treat relationships as undirected, skip those without a
//     To, and never follow About. A loop (From = To, which a merge can leave) is an edge of
//     a neighbourhood but never a step of a walk or path.
type Store interface {
	Querier
	Applier
	io.Closer
}

// Pinger is an optional capability of a Store: a cheap check that the backend answers,
// for health checks. Stores without it are checked with a one-item read.
type Pinger interface {
	Ping(ctx context.Context) error
}

// NameFinder is an optional capability of a Store: exact look-up of folded names through
// the store's name index, so that ingestion resolves an article's mentions at a cost that
// does not grow with the graph. Without it, ingestion reads every entity.
type NameFinder interface {
	// EntitiesNamed returns, ordered by id, the entities whose name or an alias folds
	// (Fold) to one of keys exactly.
	EntitiesNamed(ctx context.Context, keys []string) ([]Entity, error)
}

// EndsLister is an optional capability of a Store: a page of relationships read together
// with the entities at their ends. A store across a network (Neo4j) has it so that an
// entity's relationships and their other ends cost one round trip, not two; the API primes
// its per-request entity loader with the ends. Without it, callers read the ends with
// EntitiesByID.
type EndsLister interface {
	// ListRelationshipsWithEnds answers what ListRelationships answers, and also returns,
	// keyed by id, the entities that exist among the page's relationships' From and To and
	// among q's Entity, From and To: a caller learns in the same call whether the entity it
	// asked about exists.
	ListRelationshipsWithEnds(ctx context.Context, q RelationshipQuery) (RelationshipPage, map[string]Entity, error)
}

// Ping checks that s answers: with its Ping when it has one, else with a one-item read.
func Ping(ctx context.Context, s EntityReader) error {
	if p, ok := s.(Pinger); ok {
		return p.Ping(ctx)
	}
	_, err := s.ListEntities(ctx, EntityQuery{Page: Page{First: 1}})
	return err
}
