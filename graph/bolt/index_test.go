package bolt

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// TestApplySorted checks the sorted-list maintenance against sorting from scratch.
func TestApplySorted(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		set := map[string]bool{}
		var list []string
		for range r.IntN(60) {
			id := strconv.Itoa(r.IntN(100))
			if !set[id] {
				set[id] = true
				list = append(list, id)
			}
		}
		slices.Sort(list)
		c := &listChanges[string]{}
		var added []string
		for range r.IntN(30) {
			id := strconv.Itoa(r.IntN(100))
			if r.IntN(2) == 0 {
				if !slices.Contains(added, id) {
					added = append(added, id)
					c.add = append(c.add, withID[string]{id, id})
					set[id] = true
				}
				continue
			}
			if slices.Contains(added, id) {
				continue
			}
			if c.del == nil {
				c.del = map[string]bool{}
			}
			c.del[id] = true
			delete(set, id)
		}
		want := make([]string, 0, len(set))
		for id := range set {
			want = append(want, id)
		}
		slices.Sort(want)
		if got := applySorted(slices.Clone(list), c, self); !slices.Equal(got, want) {
			t.Fatalf("round %d: %q with +%q -%v = %q, want %q", round, list, added, c.del, got, want)
		}
	}
}

// TestApplySortedPastTheEnd checks the append of additions that all sort after the list,
// as a bulk load's do, and that the appended list is still the whole sorted list.
func TestApplySortedPastTheEnd(t *testing.T) {
	var list, add, want []string
	for i := range 40 {
		id := "id-" + strconv.Itoa(100+i)
		if i < 25 {
			list = append(list, id)
		} else {
			add = append(add, id)
		}
		want = append(want, id)
	}
	slices.Reverse(add) // unsorted, and more than the few inserted one by one
	got := applySorted(slices.Clip(list), &listChanges[string]{add: withIDs(add)}, self)
	if !slices.Equal(got, want) {
		t.Errorf("applySorted past the end = %q, want %q", got, want)
	}
}
