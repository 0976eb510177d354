package bolt

import (
	"slices"
	"sort"
	"strings"
)

// sortedIndex maps a key (an entity id, a kind, a word...) to a list of items sorted by
// their ids, without repeats.
type sortedIndex[T any] map[string][]T

// listChanges are the items to add to (or replace in) one sorted list and the ids to
// remove from it.
type listChanges[T any] struct {
	add []withID[T]
	del map[string]bool // nil until something is removed
}

// withID is an item to add with its id, read once: reading a relationship's id touches its
// value, which sorting and merging a batch's items would otherwise do at every comparison.
type withID[T any] struct {
	id   string
	item T
}

// indexDelta collects the changes to every list of a sortedIndex, so that a batch of
// thousands of writes sorts and merges each list once instead of inserting one by one.
type indexDelta[T any] struct {
	id      func(T) string
	changes map[string]*listChanges[T]
}

// newDelta returns an empty delta with room for about keys lists: a batch's delta grows
// to thousands of keys, and growing a map step by step rehashes it each time.
func newDelta[T any](id func(T) string, keys int) *indexDelta[T] {
	return &indexDelta[T]{id: id, changes: make(map[string]*listChanges[T], keys)}
}

func (d *indexDelta[T]) at(key string) *listChanges[T] {
	c := d.changes[key]
	if c == nil {
		c = &listChanges[T]{}
		d.changes[key] = c
	}
	return c
}

func (d *indexDelta[T]) remove(key, id string) { d.at(key).remove(id) }

// remove records that the item with the id leaves the list.
func (c *listChanges[T]) remove(id string) {
	if c.del == nil {
		c.del = map[string]bool{}
	}
	c.del[id] = true
}

func (d *indexDelta[T]) add(key string, item T) {
	c := d.at(key)
	c.add = append(c.add, withID[T]{d.id(item), item})
}

// move records that item left the lists of oldKeys and is in those of newKeys; lists that
// keep it are left alone.
func (d *indexDelta[T]) move(item T, oldKeys, newKeys []string) {
	for _, k := range oldKeys {
		if !slices.Contains(newKeys, k) {
			d.remove(k, d.id(item))
		}
	}
	for _, k := range newKeys {
		if !slices.Contains(oldKeys, k) {
			d.add(k, item)
		}
	}
}

// applyTo changes idx; it reports the keys whose list was created and those whose list
// became empty (and was dropped).
func (d *indexDelta[T]) applyTo(idx sortedIndex[T]) (created, dropped []string) {
	for key, c := range d.changes {
		old, had := idx[key]
		list := applySorted(old, c, d.id)
		switch {
		case len(list) == 0:
			delete(idx, key)
			if had {
				dropped = append(dropped, key)
			}
		default:
			idx[key] = list
			if !had {
				created = append(created, key)
			}
		}
	}
	return created, dropped
}

// applyWith changes an index kept elsewhere than in a sortedIndex: update is called once
// per key with what turns the key's list into its new one (empty: the key has none left),
// so that the caller finds each list once.
func (d *indexDelta[T]) applyWith(update func(key string, change func(list []T) []T)) {
	for key, c := range d.changes {
		update(key, func(list []T) []T { return applySorted(list, c, d.id) })
	}
}

// applySorted returns list without c's removals and with its additions, an added item
// replacing the one with the same id; it may reuse list.
func applySorted[T any](list []T, c *listChanges[T], id func(T) string) []T {
	search := func(target string) (int, bool) {
		return slices.BinarySearchFunc(list, target, func(item T, t string) int { return strings.Compare(id(item), t) })
	}
	if len(c.del) > 0 {
		if len(c.del) <= 8 {
			for target := range c.del {
				if i, ok := search(target); ok {
					list = slices.Delete(list, i, i+1)
				}
			}
		} else {
			list = slices.DeleteFunc(list, func(item T) bool { return c.del[id(item)] })
		}
	}
	if len(c.add) == 0 {
		return list
	}
	if len(c.add) <= 8 {
		for _, a := range c.add {
			if n := len(list); n == 0 || id(list[n-1]) < a.id { // past the end, the common case
				list = append(list, a.item)
				continue
			}
			if i, ok := search(a.id); ok {
				list[i] = a.item
			} else {
				list = slices.Insert(list, i, a.item)
			}
		}
		return list
	}
	// A delta adds an id at most once per list, so the order of equal ids does not matter.
	slices.SortFunc(c.add, func(a, b withID[T]) int { return strings.Compare(a.id, b.id) })
	add := slices.CompactFunc(c.add, func(a, b withID[T]) bool { return a.id == b.id })
	if len(list) == 0 || add[0].id > id(list[len(list)-1]) {
		// All past the end, as a bulk load's ids are: appending grows the list in place,
		// where a merge would copy all of it for every batch.
		list = slices.Grow(list, len(add))
		for _, a := range add {
			list = append(list, a.item)
		}
		return list
	}
	return mergeSorted(list, add, id)
}

// mergeSorted merges the sorted list a and the sorted, repeat-free items b; an item of b
// replaces the item of a with its id. It finds each item's place in a by binary search and
// copies the runs of a between them whole, so merging a few items into a long list costs
// few comparisons.
func mergeSorted[T any](a []T, b []withID[T], id func(T) string) []T {
	out := make([]T, 0, len(a)+len(b))
	i := 0
	for _, item := range b {
		n, found := slices.BinarySearchFunc(a[i:], item.id, func(x T, k string) int { return strings.Compare(id(x), k) })
		out = append(out, a[i:i+n]...)
		i += n
		if found {
			i++
		}
		out = append(out, item.item)
	}
	return append(out, a[i:]...)
}

func self(s string) string { return s }

// withIDs returns ids as items to add to a list of ids.
func withIDs(ids []string) []withID[string] {
	out := make([]withID[string], len(ids))
	for i, id := range ids {
		out[i] = withID[string]{id, id}
	}
	return out
}

// after returns the position of the first item in the sorted list whose id sorts after
// cursor.
func after[T any](list []T, cursor string, id func(T) string) int {
	if cursor == "" {
		return 0
	}
	return sort.Search(len(list), func(i int) bool { return id(list[i]) > cursor })
}
