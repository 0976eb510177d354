package bolt

import (
	"context"
	"fmt"
	"maps"

	"go.etcd.io/bbolt"

	"github.com/dossiergraph/dossier/graph"
)

// pendingWrite is a write waiting in the queue for a group commit.
type pendingWrite struct {
	ctx  context.Context
	fn   func(t *tx) error
	done chan error // receives the write's outcome once
}

// write runs fn on a new transaction and commits what it wrote: first to bbolt, then, once
// that succeeded, to memory, under the write lock so that no read sees half of it. Writes
// that arrive while another commits wait in a queue; whoever takes writeMu next prepares
// all of them in order and commits them in one bbolt transaction, so concurrent writers
// share one fsync instead of paying one each. Each is acknowledged only after that commit.
// fn may run twice (see tx.stale) and must keep its effects in t.
func (s *Store) write(ctx context.Context, fn func(t *tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	w := &pendingWrite{ctx: ctx, fn: fn, done: make(chan error, 1)}
	s.queueMu.Lock()
	s.queue = append(s.queue, w)
	s.queueMu.Unlock()

	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	select {
	case err := <-w.done: // the group before took it
		return err
	default:
	}
	s.queueMu.Lock()
	queued := s.queue
	s.queue = nil
	s.queueMu.Unlock()
	defer func() {
		// A panic must not leave the writers this one took waiting forever.
		if p := recover(); p != nil {
			for _, q := range queued {
				select {
				case q.done <- fmt.Errorf("write: another write of its group panicked: %v", p):
				default: // answered already
				}
			}
			panic(p)
		}
	}()
	s.commitQueued(queued)
	return <-w.done
}

// commitQueued prepares the queued writes in order, each seeing the ones before, and
// commits them in groups; every write's done receives its outcome.
func (s *Store) commitQueued(queued []*pendingWrite) {
	var g group
	for len(queued) > 0 {
		w := queued[0]
		if s.db == nil {
			w.done <- errClosed
			queued = queued[1:]
			continue
		}
		t := &tx{st: s.st, change: newChange(), group: g.view}
		err := w.fn(t)
		if t.stale {
			// w read an index that the group's pending writes would change: commit them,
			// then prepare w again on the state they leave.
			s.commitGroup(&g)
			continue
		}
		queued = queued[1:]
		if err == nil {
			err = w.ctx.Err()
		}
		if err != nil {
			w.done <- err
			continue
		}
		g.add(w, t)
	}
	s.commitGroup(&g)
}

// group is the writes prepared for one commit, and the change they make together.
type group struct {
	writes []*pendingWrite
	txs    []*tx
	view   *change // what the writes change together; nil while there are none
	owned  bool    // view is the group's own, not the first tx's change
}

func (g *group) add(w *pendingWrite, t *tx) {
	g.writes, g.txs = append(g.writes, w), append(g.txs, t)
	switch {
	case g.view == nil:
		g.view = &t.change // read-only from here on
	case !g.owned:
		first := g.view
		g.view = &change{entities: maps.Clone(first.entities), articles: maps.Clone(first.articles), rels: maps.Clone(first.rels)}
		g.owned = true
		fallthrough
	default:
		maps.Copy(g.view.entities, t.entities)
		maps.Copy(g.view.articles, t.articles)
		maps.Copy(g.view.rels, t.rels)
	}
}

// commitGroup commits g's writes in one bbolt transaction, each with its own change log
// entry, applies them to memory, tells every writer the outcome and empties g.
func (s *Store) commitGroup(g *group) {
	if len(g.writes) == 0 {
		return
	}
	err := s.commit(g.txs)
	if err == nil {
		s.mu.Lock()
		s.st.apply(g.view)
		s.mu.Unlock()
	}
	for _, w := range g.writes {
		w.done <- err
	}
	*g = group{}
}

// commit writes the txs' changes to bbolt in one transaction, in order.
func (s *Store) commit(txs []*tx) error {
	last := s.lastChange
	if err := s.db.Update(func(btx *bbolt.Tx) error {
		for _, t := range txs {
			var changes []loggedRecord
			for _, put := range []func() ([]loggedRecord, error){
				func() ([]loggedRecord, error) {
					return putAll(btx, bucketEntities, graph.EntityRecord, t.entities, encodeEntity)
				},
				func() ([]loggedRecord, error) {
					return putAll(btx, bucketArticles, graph.ArticleRecord, t.articles, encodeArticle)
				},
				func() ([]loggedRecord, error) {
					return putAll(btx, bucketRelationships, graph.RelationshipRecord, t.rels, encodeRelationship)
				},
			} {
				c, err := put()
				if err != nil {
					return err
				}
				changes = append(changes, c...)
			}
			if s.unlogged {
				continue
			}
			var err error
			if last, err = appendLog(btx, t.log, changes, last); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("commit to %s: %w", s.path, err)
	}
	s.lastChange = last
	return nil
}
