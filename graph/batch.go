package graph

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
)

// Batch is one atomic write, the only kind a backend implements (Applier.Apply): all of it
// or nothing. Its parts apply in this order, each seeing the ones before:
//
//  1. Require: preconditions, checked against the state before the batch.
//  2. Entities, then Articles, then Relationships: upserts by id, Patches, Evidence and
//     Reviews among them (Expand turns them into upserts of the records they change).
//     Entities and articles are created or replaced. A relationship is created, or, when
//     its id exists, its fields are replaced and its evidence is merged by article (a new
//     excerpt for the same article wins), and a write that makes no review decision keeps
//     the stored review and a curated origin (Relationship.Onto), so applying the same
//     batch twice changes nothing. A later item with the id of an earlier one replaces
//     (relationships: merges into) it. References (From, To, About, evidence, outlet) may
//     point into the batch or into the store.
//  3. Merges.
//  4. DeleteRelationships, then DeleteEntities.
//
// A batch holds either upserts, or one merge, or deletions (each with any preconditions):
// merges and deletions find what they touch through the store's indexes, which a backend
// need not keep up to date within a transaction.
type Batch struct {
	Require       []Precondition
	Entities      []Entity
	Articles      []Article
	Relationships []Relationship
	// Patches change stored entities, each of which must exist (ENOTFOUND), in place.
	Patches []Patch
	// Evidence adds evidence to stored relationships (ENOTFOUND for one that does not exist),
	// as an upsert of the relationship with only that evidence would.
	Evidence []EvidenceAddition
	// Reviews record decisions on stored relationships (ENOTFOUND for one that does not
	// exist), replacing their review.
	Reviews []ReviewDecision
	Merges  []Merge
	// DeleteRelationships removes relationships by id; each must exist (ENOTFOUND). An id
	// named twice is deleted once, here and in DeleteEntities.
	DeleteRelationships []string
	// DeleteEntities removes entities by id, each with every relationship it is From or To
	// of, and drops it from other relationships' About. Each must exist (ENOTFOUND); an
	// outlet that published articles cannot be deleted (ECONFLICT).
	DeleteEntities []string
	// Return asks Apply to fill BatchResult.Stored.
	Return bool
	// Change says who makes the write and why; Apply passes it to the change log of a
	// backend that keeps one, and otherwise ignores it.
	Change Change
}

// Patch applies an EntityPatch to the stored entity ID.
type Patch struct {
	ID    string
	Patch EntityPatch
}

// EvidenceAddition adds Evidence to the stored relationship Relationship.
type EvidenceAddition struct {
	Relationship string
	Evidence     Evidence
}

// Merge folds Others into Survivor: their names and aliases become the survivor's aliases
// (MergeAliases), every reference to them (From, To, About, Outlet) moves to it, and they are
// deleted. Every id must exist (ENOTFOUND); an outlet with articles cannot be merged into an
// entity of another kind (ECONFLICT). Ids are checked by ValidateMerge.
type Merge struct {
	Survivor string
	Others   []string
}

// Change describes a write for a change log: who made it and which operation it is.
type Change struct {
	Actor     string // a credential's name, or the CLI command for local writes; "" = unknown
	Operation string // e.g. "create entity", "merge entities", "import", "seed"
}

// Record names a kind of record, for preconditions.
type Record string

// The records.
const (
	EntityRecord       Record = "entity"
	ArticleRecord      Record = "article"
	RelationshipRecord Record = "relationship"
)

// Precondition is a condition on one record that Apply checks inside its transaction,
// before it writes anything.
type Precondition struct {
	Record Record
	ID     string
	// Exists requires the record to exist (else ENOTFOUND); false requires it not to
	// (else ECONFLICT).
	Exists bool
	// Version, with Exists, requires the record to be unchanged since the caller read it:
	// it is the Version of the record as read ("" = any version). Else ECONFLICT.
	Version string
	// What names the operation in error messages ("update", "merge survivor"); may be "".
	What string
}

// Check returns p's error given whether its record exists now and, if so, the record (an
// Entity, Article or Relationship, as the backend's readers return it). A backend calls it
// for every precondition of a batch.
func (p Precondition) Check(exists bool, current any) error {
	prefix := ""
	if p.What != "" {
		prefix = p.What + ": "
	}
	switch {
	case p.Exists && !exists:
		return Errorf(ENOTFOUND, "%s%s %q does not exist", prefix, p.Record, p.ID)
	case !p.Exists && exists:
		return Errorf(ECONFLICT, "%s%s %q already exists", prefix, p.Record, p.ID)
	case p.Exists && p.Version != "" && Version(current) != p.Version:
		return Errorf(ECONFLICT, "%s%s %q changed since it was read", prefix, p.Record, p.ID)
	}
	return nil
}

// Version returns a digest of a record's content: two reads of a record have the same
// Version exactly when nothing about it changed in between. Preconditions use it as the
// record's version, so backends need not keep counters.
func Version(record any) string {
	b, err := json.Marshal(record)
	if err != nil { // records are plain structs of strings, ints and slices
		panic(fmt.Sprintf("graph: encode record for its version: %v", err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// BatchResult counts what Apply did.
type BatchResult struct {
	EntitiesCreated, EntitiesUpdated           int
	ArticlesCreated, ArticlesUpdated           int
	RelationshipsCreated, RelationshipsUpdated int
	EntitiesDeleted, RelationshipsDeleted      int
	// Stored holds, when the batch asked (Return), the records it wrote as stored.
	Stored *Stored
}

// Stored is what a batch wrote, as stored (relationships with their SourceCount), one
// record per id in the order the batch first names them; a merge's survivor is among the
// entities.
type Stored struct {
	Entities      []Entity
	Articles      []Article
	Relationships []Relationship
}

// ItemError is the error of Batch.Validate for one of its entities, articles or
// relationships: Index is the item's position in its list. Its code and message are Err's.
type ItemError struct {
	Record Record
	Index  int
	Err    error
}

func (e *ItemError) Error() string { return e.Err.Error() }
func (e *ItemError) Unwrap() error { return e.Err }

// Validate checks the fields of every item of b (not the references between them or into
// the store, which only the backend's transaction can check) and that b is one of upserts,
// a merge or deletions. Backends call it first in Apply; an item's error is an *ItemError.
func (b Batch) Validate() error {
	for _, p := range b.Require {
		switch p.Record {
		case EntityRecord, ArticleRecord, RelationshipRecord:
		default:
			return Errorf(EINVALID, "precondition on unknown record %q", Clip(string(p.Record)))
		}
		if err := ValidateID(string(p.Record), p.ID); err != nil {
			return err
		}
	}
	for i, e := range b.Entities {
		if err := e.Validate(); err != nil {
			return &ItemError{Record: EntityRecord, Index: i, Err: err}
		}
	}
	for i, a := range b.Articles {
		if err := a.Validate(); err != nil {
			return &ItemError{Record: ArticleRecord, Index: i, Err: err}
		}
	}
	for i, r := range b.Relationships {
		if err := r.Validate(); err != nil {
			return &ItemError{Record: RelationshipRecord, Index: i, Err: err}
		}
	}
	for _, p := range b.Patches {
		if err := ValidateID("entity", p.ID); err != nil {
			return err
		}
	}
	for _, a := range b.Evidence {
		if err := ValidateID("relationship", a.Relationship); err != nil {
			return err
		}
		if err := a.Evidence.Validate("relationship " + a.Relationship); err != nil {
			return err
		}
	}
	if err := validateReviews(b.Reviews); err != nil {
		return err
	}
	upserts := len(b.Entities) + len(b.Articles) + len(b.Relationships) + len(b.Patches) + len(b.Evidence) + len(b.Reviews)
	deletions := len(b.DeleteEntities) + len(b.DeleteRelationships)
	switch {
	case len(b.Merges) > 1:
		return Errorf(EINVALID, "a batch holds at most one merge, not %d", len(b.Merges))
	case len(b.Merges) == 1 && upserts+deletions > 0, upserts > 0 && deletions > 0:
		return Errorf(EINVALID, "a batch holds upserts, a merge or deletions, not several of them")
	}
	for _, m := range b.Merges {
		if _, err := ValidateMerge(m.Survivor, m.Others); err != nil {
			return err
		}
	}
	for _, id := range b.DeleteRelationships {
		if err := ValidateID("relationship", id); err != nil {
			return err
		}
	}
	for _, id := range b.DeleteEntities {
		if err := ValidateID("entity", id); err != nil {
			return err
		}
	}
	return nil
}

// Outlet rules every backend applies while it writes, worded once.

// ErrOutletKind is the error for an article whose outlet is not an OUTLET.
func ErrOutletKind(article string, outlet Entity) error {
	return Errorf(EINVALID, "article %s: outlet %q is a %s, not an %s", article, outlet.ID, outlet.Kind, Outlet)
}

// CheckKindChange refuses to turn an outlet that published articles into another kind,
// which would leave its articles without an outlet.
func CheckKindChange(old Entity, published int, kind Kind) error {
	if old.Kind == Outlet && kind != Outlet && published > 0 {
		return Errorf(ECONFLICT, "entity %s published %d articles and must stay an %s", old.ID, published, Outlet)
	}
	return nil
}

// CheckDeletable refuses to delete an outlet that published articles.
func CheckDeletable(id string, published int) error {
	if published > 0 {
		return Errorf(ECONFLICT, "entity %s published %d articles; delete or move them first (merge it into another outlet)", id, published)
	}
	return nil
}

// ErrMissing is the error for a reference to something that does not exist; what names
// who refers to it, noun what is missing ("entity", "evidence article").
func ErrMissing(what, noun, id string) error {
	return Errorf(ENOTFOUND, "%s: %s %q does not exist", what, noun, id)
}

// Upsert returns r as an upsert leaves it, and counts it in res: when found, over the
// stored old, with r's fields and the evidence of both merged by article (checked against
// its limit) and old's review and origin kept as Relationship.Onto says; else r itself.
func (res *BatchResult) Upsert(old Relationship, found bool, r Relationship) (Relationship, error) {
	if !found {
		res.RelationshipsCreated++
		return r, nil
	}
	res.RelationshipsUpdated++
	r = r.Onto(old)
	// Both sides were valid, so only the merged list's length can be out of bounds.
	if len(r.Evidence) > MaxListLen {
		return r, Errorf(EINVALID, "relationship %s has more than %d pieces of evidence", r.ID, MaxListLen)
	}
	return r, nil
}

// Merged returns the survivor as m leaves it, given the entities it absorbs.
func (m Merge) Merged(survivor Entity, gone []Entity) (Entity, error) {
	survivor.Aliases = MergeAliases(survivor, gone...)
	survivor = survivor.Canonical()
	return survivor, survivor.Validate()
}

// Retarget returns r with every reference to one of m.Others moved to m.Survivor (a
// relationship between the two becomes a loop; About loses repeats).
func (m Merge) Retarget(r Relationship) Relationship {
	moveTo := func(id string) string {
		if slices.Contains(m.Others, id) {
			return m.Survivor
		}
		return id
	}
	r.From, r.To = moveTo(r.From), moveTo(r.To)
	about := make([]string, len(r.About))
	for i, a := range r.About {
		about[i] = moveTo(a)
	}
	r.About = nilIfEmpty(Dedupe(about))
	return r
}

// Lookup reads records by id inside a backend's transaction, for the Batch helpers that
// every backend's Apply shares; ids that name nothing are left out of the maps.
type Lookup interface {
	Entities(ids []string) (map[string]Entity, error)
	Articles(ids []string) (map[string]Article, error)
	Relationships(ids []string) (map[string]Relationship, error)
}

// CheckRequire checks b.Require against the state l reads, one read per kind of record.
func (b Batch) CheckRequire(l Lookup) error {
	if len(b.Require) == 0 {
		return nil
	}
	ids := map[Record][]string{}
	for _, p := range b.Require {
		ids[p.Record] = append(ids[p.Record], p.ID)
	}
	current := map[Record]map[string]any{}
	if err := readInto(current, EntityRecord, ids, l.Entities); err != nil {
		return err
	}
	if err := readInto(current, ArticleRecord, ids, l.Articles); err != nil {
		return err
	}
	if err := readInto(current, RelationshipRecord, ids, l.Relationships); err != nil {
		return err
	}
	for _, p := range b.Require {
		rec, ok := current[p.Record][p.ID]
		if err := p.Check(ok, rec); err != nil {
			return err
		}
	}
	return nil
}

func readInto[T any](current map[Record]map[string]any, record Record, ids map[Record][]string, read func([]string) (map[string]T, error)) error {
	if len(ids[record]) == 0 {
		return nil
	}
	found, err := read(ids[record])
	if err != nil {
		return err
	}
	current[record] = make(map[string]any, len(found))
	for id, v := range found {
		current[record][id] = v
	}
	return nil
}

// Expand returns b with its Patches, Evidence and Reviews turned into upserts of the entities and
// relationships they change, read through l: a backend calls it in its transaction, after
// CheckRequire, and applies what it returns.
func (b Batch) Expand(l Lookup) (Batch, error) {
	if len(b.Patches) > 0 {
		found, err := l.Entities(idsOf(b.Patches, func(p Patch) string { return p.ID }))
		if err != nil {
			return b, err
		}
		b.Entities = slices.Clone(b.Entities)
		for _, p := range b.Patches {
			old, ok := found[p.ID]
			if !ok {
				return b, ErrMissing("update", "entity", p.ID)
			}
			e := p.Patch.Apply(old)
			if err := e.Validate(); err != nil {
				return b, err
			}
			b.Entities = append(b.Entities, e)
		}
	}
	if len(b.Evidence) > 0 {
		found, err := l.Relationships(idsOf(b.Evidence, func(a EvidenceAddition) string { return a.Relationship }))
		if err != nil {
			return b, err
		}
		b.Relationships = slices.Clone(b.Relationships)
		for _, a := range b.Evidence {
			r, ok := found[a.Relationship]
			if !ok {
				return b, Errorf(ENOTFOUND, "relationship %q does not exist", a.Relationship)
			}
			r.Evidence = []Evidence{a.Evidence} // the upsert merges it with the stored evidence
			b.Relationships = append(b.Relationships, r)
		}
	}
	b, err := b.expandReviews(l)
	b.Patches, b.Evidence, b.Reviews = nil, nil, nil
	return b, err
}

func idsOf[T any](items []T, id func(T) string) []string {
	ids := make([]string, len(items))
	for i, item := range items {
		ids[i] = id(item)
	}
	return ids
}

// WrittenIDs returns, in batch order, the ids of the records b writes: its entities and
// merge survivors, its articles and its relationships.
func (b Batch) WrittenIDs() (entities, articles, relationships []string) {
	for _, e := range b.Entities {
		entities = append(entities, e.ID)
	}
	for _, m := range b.Merges {
		entities = append(entities, m.Survivor)
	}
	for _, a := range b.Articles {
		articles = append(articles, a.ID)
	}
	for _, r := range b.Relationships {
		relationships = append(relationships, r.ID)
	}
	return entities, articles, relationships
}

// StoredIn returns what b wrote (see Stored), read through l once b is applied.
func (b Batch) StoredIn(l Lookup) (*Stored, error) {
	entityIDs, articleIDs, relIDs := b.WrittenIDs()
	var out Stored
	var err error
	if out.Entities, err = inOrder(entityIDs, l.Entities); err != nil {
		return nil, err
	}
	if out.Articles, err = inOrder(articleIDs, l.Articles); err != nil {
		return nil, err
	}
	if out.Relationships, err = inOrder(relIDs, l.Relationships); err != nil {
		return nil, err
	}
	return &out, nil
}

// inOrder reads ids and returns what it found in the order of ids, once per id.
func inOrder[T any](ids []string, read func([]string) (map[string]T, error)) ([]T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	found, err := read(ids)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(found))
	seen := make(map[string]bool, len(found))
	for _, id := range ids {
		if v, ok := found[id]; ok && !seen[id] {
			seen[id] = true
			out = append(out, v)
		}
	}
	return out, nil
}
