package bolt

import (
	"slices"
	"sort"
)

// multiIndex maps a key (an entity id, a kind, a word...) to a sorted list of ids.
type multiIndex map[string][]string

// idChanges are the ids to add to and remove from one sorted list.
type idChanges struct {
	add []string
	del map[string]bool
}

// indexDelta collects the changes to every list of a multiIndex, so that a batch of
// thousands of writes sorts and merges each list once instead of inserting one by one.
type indexDelta map[string]*idChanges

func (d indexDelta) at(key string) *idChanges {
	c := d[key]
	if c == nil {
		c = &idChanges{del: map[string]bool{}}
		d[key] = c
	}
	return c
}

// move records that id left the lists of oldKeys and joined those of newKeys; keys in both
// are left alone.
func (d indexDelta) move(id string, oldKeys, newKeys []string) {
	for _, k := range oldKeys {
		if !slices.Contains(newKeys, k) {
			d.at(k).del[id] = true
		}
	}
	for _, k := range newKeys {
		if !slices.Contains(oldKeys, k) {
			c := d.at(k)
			delete(c.del, id)
			c.add = append(c.add, id)
		}
	}
}

// applyTo changes idx; it reports the keys whose list was created and those whose list
// became empty (and was dropped).
func (d indexDelta) applyTo(idx multiIndex) (created, dropped []string) {
	for key, c := range d {
		old, had := idx[key]
		list := applyIDs(old, c)
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

// applyIDs returns the sorted list with c's removals and additions; it may reuse list.
func applyIDs(list []string, c *idChanges) []string {
	if len(c.del) > 0 {
		if len(c.del) <= 8 {
			for id := range c.del {
				if i, ok := slices.BinarySearch(list, id); ok {
					list = slices.Delete(list, i, i+1)
				}
			}
		} else {
			list = slices.DeleteFunc(list, func(id string) bool { return c.del[id] })
		}
	}
	if len(c.add) == 0 {
		return list
	}
	if len(c.add) <= 8 {
		for _, id := range c.add {
			if i, ok := slices.BinarySearch(list, id); !ok {
				list = slices.Insert(list, i, id)
			}
		}
		return list
	}
	add := slices.Clone(c.add)
	slices.Sort(add)
	add = slices.Compact(add)
	return mergeSorted(list, add)
}

// mergeSorted merges two sorted lists without duplicates.
func mergeSorted(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// after returns the position of the first id in the sorted list that sorts after cursor.
func after(list []string, cursor string) int {
	if cursor == "" {
		return 0
	}
	return sort.Search(len(list), func(i int) bool { return list[i] > cursor })
}
