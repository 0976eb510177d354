package bolt

// DisableChangeLog turns s's change log off, for the benchmark that measures its cost.
func DisableChangeLog(s *Store) { s.unlogged = true }
