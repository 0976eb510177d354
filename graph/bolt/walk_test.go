package bolt

import "testing"

// Numbers that share a bitmap bit must still be told apart by the map behind it.
func TestNodeSet(t *testing.T) {
	s := newNodeSet(4)
	s.set(7, 1)
	s.set(7+1024, 2)
	s.set(7+1024, 3) // a new mark replaces the old one
	for n, want := range map[int32]int8{7: 1, 7 + 1024: 3, 7 + 2048: 0, 8: 0, 0: 0, noEnd: 0} {
		if got := s.get(n); got != want {
			t.Errorf("get(%d) = %d, want %d", n, got, want)
		}
	}
}

// BenchmarkMarks measures what a neighbourhood pays to mark its 100 nodes and test a hub's
// 18,000 relationships against them in a 200k-entity store: an array over every entity
// (the old way), a map, and nodeSet.
func BenchmarkMarks(b *testing.B) {
	const entities, members, hub = 200_000, 100, 18_000
	others := make([]int32, hub)
	for i := range others {
		others[i] = int32((i * 7919) % entities)
	}
	nodes := make([]int32, members)
	for i := range nodes {
		nodes[i] = int32((i * 104_729) % entities)
	}
	found := 0
	b.Run("array", func(b *testing.B) {
		for b.Loop() {
			mark := make([]int8, entities)
			for _, n := range nodes {
				mark[n] = 1
			}
			for _, o := range others {
				if mark[o] == 1 {
					found++
				}
			}
		}
	})
	b.Run("map", func(b *testing.B) {
		for b.Loop() {
			mark := make(map[int32]int8, members)
			for _, n := range nodes {
				mark[n] = 1
			}
			for _, o := range others {
				if mark[o] == 1 {
					found++
				}
			}
		}
	})
	b.Run("nodeSet", func(b *testing.B) {
		for b.Loop() {
			mark := newNodeSet(members)
			for _, n := range nodes {
				mark.set(n, 1)
			}
			for _, o := range others {
				if mark.get(o) == 1 {
					found++
				}
			}
		}
	})
	if found == 0 {
		b.Fatal("no relationship reached a marked node")
	}
}
