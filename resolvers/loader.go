package resolvers

import (
	"context"
	"slices"
	"sync"
)

// loader batches look-ups by key within one request. Resolvers enqueue the keys they will
// need and return a thunk; graphql-go runs every resolver of a level before it calls the
// first thunk, and the first thunk that needs a key not yet fetched fetches every key
// enqueued so far in one call.
//
// We use this rather than github.com/graph-gophers/dataloader: dataloader dispatches a batch
// on a timer (16ms by default), which adds that wait to every level of a query and makes the
// batch size — and so the number of store calls — depend on scheduling. Dispatching on
// demand costs no wait, and bounds the store calls of a query by its shape, whatever the
// size of its lists.
type loader[V any] struct {
	fetch func(ctx context.Context, keys []string) (map[string]V, error)

	mu      sync.Mutex // held across fetch, so that concurrent callers share one call
	values  map[string]V
	fetched map[string]bool // keys looked up, found or not
	pending []string
	queued  map[string]bool
}

func newLoader[V any](fetch func(ctx context.Context, keys []string) (map[string]V, error)) *loader[V] {
	// The maps are made on first write: most requests use one loader of the three, if any.
	return &loader[V]{fetch: fetch}
}

// enqueue records keys for the next fetch.
func (l *loader[V]) enqueue(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.enqueueLocked(keys)
}

func (l *loader[V]) enqueueLocked(keys []string) {
	for _, k := range keys {
		if !l.fetched[k] && !l.queued[k] {
			if l.queued == nil {
				l.queued = make(map[string]bool, len(keys))
			}
			l.queued[k] = true
			l.pending = append(l.pending, k)
		}
	}
}

// load returns the values of keys that exist, fetching along with them every key enqueued
// so far.
func (l *loader[V]) load(ctx context.Context, keys ...string) (map[string]V, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.enqueueLocked(keys)
	if len(l.pending) > 0 && l.needsFetch(keys) {
		if err := l.fetchLocked(ctx); err != nil {
			return nil, err
		}
	}
	out := make(map[string]V, len(keys))
	for _, k := range keys {
		if v, ok := l.values[k]; ok {
			out[k] = v
		}
	}
	return out, nil
}

// loadOne is load for one key, answered without building a map: a pointer to a copy of
// its value, or false when it does not exist.
func (l *loader[V]) loadOne(ctx context.Context, key string) (*V, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.fetched[key] {
		l.enqueueLocked([]string{key})
		if err := l.fetchLocked(ctx); err != nil {
			return nil, false, err
		}
	}
	v, ok := l.values[key]
	if !ok {
		return nil, false, nil
	}
	return &v, true, nil
}

// peek answers key without fetching: its value (nil when it does not exist), and whether
// the request has fetched it at all.
func (l *loader[V]) peek(key string) (v *V, fetched bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.fetched[key] {
		return nil, false
	}
	if got, ok := l.values[key]; ok {
		return &got, true
	}
	return nil, true
}

// prefetch fetches keys, with every key enqueued so far, in one call, so that later look-ups
// of them are answered by peek. A failed fetch is forgotten: those look-ups fetch again and
// report it where they are.
func (l *loader[V]) prefetch(ctx context.Context, keys []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.enqueueLocked(keys)
	if len(l.pending) > 0 {
		_ = l.fetchLocked(ctx) // see above: the error surfaces at the field that needs the value
	}
}

// fetchLocked fetches every pending key in one call; l.mu is held.
func (l *loader[V]) fetchLocked(ctx context.Context) error {
	batch := slices.DeleteFunc(l.pending, func(k string) bool { return l.fetched[k] }) // primed since enqueued
	l.pending, l.queued = nil, nil
	got, err := l.fetch(ctx, batch)
	if err != nil {
		return err
	}
	l.makeMaps(len(batch))
	for _, k := range batch {
		l.fetched[k] = true
		if v, ok := got[k]; ok {
			l.values[k] = v
		}
	}
	return nil
}

func (l *loader[V]) needsFetch(keys []string) bool {
	for _, k := range keys {
		if !l.fetched[k] {
			return true
		}
	}
	return false
}

// prime records values read by another call as fetched, so that loads of their keys cost
// no fetch.
func (l *loader[V]) prime(values map[string]V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.makeMaps(len(values))
	for k, v := range values {
		l.values[k] = v
		l.fetched[k] = true
	}
}

// forget drops every fetched value, so that later loads see the store as it is now.
func (l *loader[V]) forget() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.values, l.fetched = nil, nil
}

// makeMaps makes the maps of fetched keys, sized for n, unless they exist.
func (l *loader[V]) makeMaps(n int) {
	if l.values == nil {
		l.values, l.fetched = make(map[string]V, n), make(map[string]bool, n)
	}
}
