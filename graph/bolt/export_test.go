package bolt

// DisableChangeLog turns s's change log off, for the benchmark that measures its cost.
func DisableChangeLog(s *Store) { s.unlogged = true }

// The record encoders, for the benchmark that writes the records alone as a floor.
var (
	EncodeEntity       = encodeEntity
	EncodeArticle      = encodeArticle
	EncodeRelationship = encodeRelationship
)

// SequentialFill is how full the store packs pages of keys written in order.
const SequentialFill = sequentialFill
