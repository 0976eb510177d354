package graph

import "context"

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
	Page      Page // ignored by ScanRelationships
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

// TimelineQuery asks for dated relationships in date order.
type TimelineQuery struct {
	Entity string // "" = all; else relationships the entity is From or To of
	RelationshipFilter
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

// Batch is a set of upserts applied atomically by Store.Apply: all of it or nothing.
// Entities and articles are created or replaced by id. A relationship is created, or, when
// its id exists, its fields are replaced and its evidence is merged by article (a new
// excerpt for the same article wins), so applying the same batch twice changes nothing.
// References may point into the batch or into the store.
type Batch struct {
	Entities      []Entity
	Articles      []Article
	Relationships []Relationship
}

// BatchResult counts what Apply did.
type BatchResult struct {
	EntitiesCreated, EntitiesUpdated           int
	ArticlesCreated, ArticlesUpdated           int
	RelationshipsCreated, RelationshipsUpdated int
}

// EntityReader reads entities.
type EntityReader interface {
	// Entity returns the entity with the id, or an ENOTFOUND error.
	Entity(ctx context.Context, id string) (Entity, error)
	// EntitiesByID returns the entities among ids that exist, keyed by id.
	EntitiesByID(ctx context.Context, ids []string) (map[string]Entity, error)
	ListEntities(ctx context.Context, q EntityQuery) (EntityPage, error)
	// SearchEntities ranks entities by MatchScore, best first; ties by name then id.
	SearchEntities(ctx context.Context, q SearchQuery) ([]Entity, error)
	// ScanEntities calls fn for every entity in id order until fn returns an error. Scans
	// stream: a store may read in chunks, so a scan that runs while others write sees every
	// item whole but may see writes made after it began.
	ScanEntities(ctx context.Context, fn func(Entity) error) error
}

// ArticleReader reads articles.
type ArticleReader interface {
	Article(ctx context.Context, id string) (Article, error)
	ArticlesByID(ctx context.Context, ids []string) (map[string]Article, error)
	ListArticles(ctx context.Context, q ArticleQuery) (ArticlePage, error)
	ScanArticles(ctx context.Context, fn func(Article) error) error
}

// RelationshipReader reads relationships and walks the graph they form. Walks treat
// relationships as undirected, skip those without a To, and never follow About.
type RelationshipReader interface {
	Relationship(ctx context.Context, id string) (Relationship, error)
	ListRelationships(ctx context.Context, q RelationshipQuery) (RelationshipPage, error)
	// ScanRelationships calls fn for every matching relationship in id order.
	ScanRelationships(ctx context.Context, q RelationshipQuery, fn func(Relationship) error) error
	// Neighborhood returns the entities within Depth hops of Center over matching
	// relationships (the nearest first, ties by id, at most Limit of them) and every
	// matching relationship between two of them, ordered by id. Nodes are ordered by
	// distance, then id.
	Neighborhood(ctx context.Context, q NeighborhoodQuery) (Subgraph, error)
	// Paths returns every shortest path of at most MaxDepth hops over matching
	// relationships, ordered by the ids of their edges, at most MaxPaths of them. From equal
	// to To gives one path of that entity alone. A loop (From = To, which a merge can leave)
	// belongs to a neighbourhood's edges but is never a step of a walk or path.
	Paths(ctx context.Context, q PathQuery) ([]Path, error)
	// Timeline returns matching dated relationships ordered by start date, then id.
	Timeline(ctx context.Context, q TimelineQuery) ([]Relationship, error)
	Stats(ctx context.Context) (Stats, error)
}

// Writer changes the graph. Every method validates its input and either applies all of its
// change or none of it. Errors carry codes (see ErrorCode): BAD_INPUT for malformed input or
// an outlet that is not an OUTLET, NOT_FOUND for a well-formed id that names nothing,
// CONFLICT for a taken id, deleting an outlet that published articles, or changing its kind.
type Writer interface {
	// CreateEntity adds e; ECONFLICT if the id is taken. An empty id is derived from the name.
	CreateEntity(ctx context.Context, e Entity) (Entity, error)
	UpdateEntity(ctx context.Context, id string, p EntityPatch) (Entity, error)
	// DeleteEntity removes the entity and every relationship it is From or To of, and drops
	// it from other relationships' About. An outlet that published articles cannot be deleted
	// (ECONFLICT).
	DeleteEntity(ctx context.Context, id string) error
	// MergeEntities folds the others into the survivor: their names and aliases become the
	// survivor's aliases, and every reference to them (From, To, About, Outlet) moves to it.
	MergeEntities(ctx context.Context, survivor string, others []string) (Entity, error)
	// CreateArticle adds a; its outlet must exist and be an OUTLET.
	CreateArticle(ctx context.Context, a Article) (Article, error)
	// CreateRelationship adds r; its ends and evidence articles must exist. An empty id is
	// generated.
	CreateRelationship(ctx context.Context, r Relationship) (Relationship, error)
	// AddEvidence adds ev to the relationship, replacing the excerpt of an existing
	// evidence from the same article.
	AddEvidence(ctx context.Context, relationship string, ev Evidence) (Relationship, error)
	DeleteRelationship(ctx context.Context, id string) error
	// Apply applies b atomically; see Batch.
	Apply(ctx context.Context, b Batch) (BatchResult, error)
}

// Store is a Dossier graph. Implementations are safe for concurrent use, and every read
// sees a consistent state.
type Store interface {
	EntityReader
	ArticleReader
	RelationshipReader
	Writer
	Close() error
}
