package graph

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Origin says who made a relationship.
type Origin string

// The origins. The zero value reads as Curated: every relationship written before origins
// were recorded came from the seed, a mutation or an import, all made by people.
const (
	Curated   Origin = "CURATED"   // written by a person: seed, mutation, import
	Extracted Origin = "EXTRACTED" // made by ingestion, with the extractor's confidence
)

// Origins lists every Origin in a stable order.
var Origins = []Origin{Curated, Extracted}

// ReviewState is where a relationship stands in review.
type ReviewState string

// The review states. A curated relationship is confirmed by the person who wrote it (the
// change log says who); an extracted one arrives Proposed and waits for a decision.
const (
	Proposed  ReviewState = "PROPOSED"
	Confirmed ReviewState = "CONFIRMED"
	Rejected  ReviewState = "REJECTED"
)

// ReviewStates lists every ReviewState in a stable order.
var ReviewStates = []ReviewState{Proposed, Confirmed, Rejected}

// Decisions are the states a reviewer may decide on.
var Decisions = []ReviewState{Confirmed, Rejected}

// Valid reports whether s is one of ReviewStates.
func (s ReviewState) Valid() bool { return slices.Contains(ReviewStates, s) }

// Review is the review of a relationship: its state and, once someone decided, who, when
// and why. The zero Review is the state of a curated relationship (see ReviewState).
type Review struct {
	State    ReviewState `json:"state,omitempty"`
	Reviewer string      `json:"reviewer,omitempty"` // the deciding credential's name
	Time     string      `json:"time,omitempty"`     // RFC 3339, UTC
	Note     string      `json:"note,omitempty"`
}

// OriginOf returns r's origin, Curated when none was recorded.
func (r Relationship) OriginOf() Origin {
	if r.Origin == "" {
		return Curated
	}
	return r.Origin
}

// ReviewOf returns r's review state: the recorded one, else Proposed for an extracted
// relationship and Confirmed for a curated one.
func (r Relationship) ReviewOf() ReviewState {
	switch {
	case r.Review.State != "":
		return r.Review.State
	case r.OriginOf() == Extracted:
		return Proposed
	}
	return Confirmed
}

// plainProvenance drops what the zero values already say (a CURATED origin, a review
// that is only the origin's default state), so that a record exported with its origin and
// review spelled out and imported again is stored as it was.
func (r Relationship) plainProvenance() Relationship {
	if r.Origin == Curated {
		r.Origin = ""
	}
	if r.Review.Reviewer == "" && r.Review.Time == "" && r.Review.Note == "" && r.Review.State != "" {
		if plain := (Relationship{Origin: r.Origin}); plain.ReviewOf() == r.Review.State {
			r.Review.State = ""
		}
	}
	return r
}

// Decided reports whether a reviewer recorded a decision on r.
func (r Relationship) Decided() bool {
	return r.Review.State == Confirmed || r.Review.State == Rejected
}

// Onto returns r as it is stored when it is written onto old, the stored relationship with
// its id: the evidence merges by article, and a write that makes no decision keeps old's
// origin and decision, so that neither re-ingestion nor a concurrent corroboration undoes a
// reviewer's verdict or turns a curated fact into an extracted one.
func (r Relationship) Onto(old Relationship) Relationship {
	r.Evidence = MergeEvidence(old.Evidence, r.Evidence)
	if !r.Decided() {
		r.Review = old.Review
	}
	if old.OriginOf() == Curated && r.Origin == Extracted {
		r.Origin, r.Confidence = old.Origin, old.Confidence
	}
	return r
}

func joinStates(states []ReviewState) string {
	s := make([]string, len(states))
	for i, st := range states {
		s[i] = string(st)
	}
	return strings.Join(s, ", ")
}

// validateProvenance checks r's origin, confidence and review.
func (r Relationship) validateProvenance(what string) error {
	if r.Origin != "" && !slices.Contains(Origins, r.Origin) {
		return Errorf(EINVALID, "%s: unknown origin %q: want CURATED or EXTRACTED", what, Clip(string(r.Origin)))
	}
	if r.Confidence < 0 || r.Confidence > 1 {
		return Errorf(EINVALID, "%s: confidence %g is not between 0 and 1", what, r.Confidence)
	}
	if r.Review.State != "" && !r.Review.State.Valid() {
		return Errorf(EINVALID, "%s: unknown review state %q: want one of %s", what, Clip(string(r.Review.State)), joinStates(ReviewStates))
	}
	if r.Review.Time != "" {
		if _, err := time.Parse(time.RFC3339, r.Review.Time); err != nil {
			return Errorf(EINVALID, "%s: review time %q is not RFC 3339", what, Clip(r.Review.Time))
		}
	}
	if err := validText(what, "reviewer", r.Review.Reviewer, MaxNameLen); err != nil {
		return err
	}
	return validText(what, "review note", r.Review.Note, MaxTextLen)
}

// ReviewDecision records Review, a reviewer's decision, on the stored relationship
// Relationship (Batch.Reviews).
type ReviewDecision struct {
	Relationship string
	Review       Review
}

func validateReviews(reviews []ReviewDecision) error {
	for _, d := range reviews {
		if err := ValidateID("relationship", d.Relationship); err != nil {
			return err
		}
		if !slices.Contains(Decisions, d.Review.State) {
			return Errorf(EINVALID, "unknown review decision %q: want one of %s", Clip(string(d.Review.State)), joinStates(Decisions))
		}
		if err := (Relationship{Review: d.Review}).validateProvenance("review of relationship " + d.Relationship); err != nil {
			return err
		}
	}
	return nil
}

// expandReviews turns b's Reviews into upserts of the relationships they decide on.
func (b Batch) expandReviews(l Lookup) (Batch, error) {
	if len(b.Reviews) == 0 {
		return b, nil
	}
	found, err := l.Relationships(idsOf(b.Reviews, func(d ReviewDecision) string { return d.Relationship }))
	if err != nil {
		return b, err
	}
	b.Relationships = slices.Clone(b.Relationships)
	for _, d := range b.Reviews {
		r, ok := found[d.Relationship]
		if !ok {
			return b, Errorf(ENOTFOUND, "review: relationship %q does not exist", d.Relationship)
		}
		r.Review = d.Review // a decision, so the upsert replaces the stored review
		b.Relationships = append(b.Relationships, r)
	}
	return b, nil
}

// ReviewRelationship records the context's actor's decision on the relationship, with an
// optional note, in the store's transaction. Deciding on a relationship already decided is
// allowed: it replaces the review and, like every write, is kept in the change log with
// the review it replaced.
func (w *Writer) ReviewRelationship(ctx context.Context, id string, decision ReviewState, note string) (Relationship, error) {
	// Nanoseconds, so that two decisions in one second are two changes.
	review := Review{State: decision, Reviewer: ActorOf(ctx), Time: time.Now().UTC().Format(time.RFC3339Nano), Note: strings.TrimSpace(note)}
	return one(ctx, w, "review relationship", Batch{Reviews: []ReviewDecision{{Relationship: id, Review: review}}},
		func(s *Stored) []Relationship { return s.Relationships })
}
