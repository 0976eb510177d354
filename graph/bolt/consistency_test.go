package bolt

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/dossiergraph/dossier/graph"
	"github.com/dossiergraph/dossier/graph/synth"
)

// TestIndexesStayConsistent runs a long random mix of writes, then checks the indexes kept
// up to date write by write against indexes built afresh from the records, the source
// counts against the articles, and the file against memory.
func TestIndexesStayConsistent(t *testing.T) {
	ctx, dir := t.Context(), t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, synth.Generate(11, 60, 240)); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(11, 12))
	ids := func(m map[string]graph.Entity) []string { return slices.Sorted(maps.Keys(m)) }
	pick := func(list []string) string {
		if len(list) == 0 {
			return "none"
		}
		return list[r.IntN(len(list))]
	}
	succeeded := map[string]int{}
	for i := range 600 {
		entities := ids(s.st.entities)
		articles := slices.Clone(s.st.articleIDs)
		rels := s.st.refIDs(s.st.order)
		var outlets []string
		for _, id := range entities {
			if s.st.entities[id].Kind == graph.Outlet {
				outlets = append(outlets, id)
			}
		}
		randomRel := func(id string) graph.Relationship {
			rel := graph.Relationship{ID: id, Type: graph.RelationTypes[r.IntN(len(graph.RelationTypes))], From: pick(entities),
				Negated: r.IntN(3) == 0, Date: graph.PartialDate(fmt.Sprint(2000 + r.IntN(20)))}
			switch r.IntN(5) {
			case 0: // no counterpart
			case 1:
				rel.To = rel.From // a loop
			default:
				rel.To = pick(entities)
			}
			for range r.IntN(3) {
				rel.About = append(rel.About, pick(entities))
			}
			for range r.IntN(4) {
				rel.Evidence = append(rel.Evidence, graph.Evidence{Article: pick(articles), Excerpt: fmt.Sprint("e", r.IntN(3))})
			}
			return rel
		}
		var op string
		var err error
		switch r.IntN(10) {
		case 0:
			op = "create entity"
			_, err = graph.NewWriter(s).CreateEntity(ctx, graph.Entity{ID: fmt.Sprintf("n%d", i), Kind: graph.Kinds[r.IntN(len(graph.Kinds))], Name: fmt.Sprintf("New %d", i), Aliases: []string{pick(entities)}})
		case 1:
			op = "update entity"
			name := fmt.Sprintf("Renamed %d", i)
			_, err = graph.NewWriter(s).UpdateEntity(ctx, pick(entities), graph.EntityPatch{Name: &name})
		case 2:
			op = "delete entity"
			err = graph.NewWriter(s).DeleteEntity(ctx, pick(entities))
		case 3:
			op = "merge"
			_, err = graph.NewWriter(s).MergeEntities(ctx, pick(entities), []string{pick(entities), pick(entities)})
		case 4:
			op = "create relationship"
			_, err = graph.NewWriter(s).CreateRelationship(ctx, randomRel(fmt.Sprintf("x%d", i)))
		case 5:
			op = "add evidence"
			_, err = graph.NewWriter(s).AddEvidence(ctx, pick(rels), graph.Evidence{Article: pick(articles)})
		case 6:
			op = "delete relationship"
			err = graph.NewWriter(s).DeleteRelationship(ctx, pick(rels))
		case 7:
			op = "upsert relationships"
			_, err = s.Apply(ctx, graph.Batch{Relationships: []graph.Relationship{randomRel(pick(rels)), randomRel(pick(rels))}})
		case 8:
			op = "move article"
			a, _ := s.st.article(pick(articles))
			a.Outlet = pick(outlets)
			_, err = s.Apply(ctx, graph.Batch{Articles: []graph.Article{a}})
		default:
			op = "create article"
			_, err = graph.NewWriter(s).CreateArticle(ctx, graph.Article{ID: fmt.Sprintf("a%d", i), Title: "T", Outlet: pick(outlets)})
		}
		if err == nil {
			succeeded[op]++
		} else if graph.ErrorCode(err) == graph.EINTERNAL {
			t.Fatalf("%s: %v", op, err)
		}
	}
	for _, op := range []string{"create entity", "update entity", "delete entity", "merge", "create relationship", "add evidence", "delete relationship", "upsert relationships", "move article", "create article"} {
		if succeeded[op] == 0 {
			t.Errorf("no %s succeeded: the mix tests too little", op)
		}
	}

	checkAgainstRebuild(t, s.st)
	for _, rel := range s.st.allRelationships() {
		id := rel.ID
		if n := graph.CountSources(rel.Evidence, func(id string) string { a, _ := s.st.article(id); return a.Outlet }); n != rel.SourceCount {
			t.Errorf("%s: SourceCount %d, its articles have %d outlets", id, rel.SourceCount, n)
		}
		for _, end := range rel.Ends() {
			if _, ok := s.st.entities[end]; !ok {
				t.Errorf("%v refers to the missing entity %s", rel, end)
			}
		}
	}
	before := viewOf(s.st)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if after := viewOf(s.st); !reflect.DeepEqual(before, after) {
		t.Error("the reopened store differs from memory before Close")
	}
}

// checkAgainstRebuild compares st with a state built from st's records alone.
func checkAgainstRebuild(t *testing.T, st *state) {
	t.Helper()
	var entities []graph.Entity
	for _, id := range slices.Sorted(maps.Keys(st.entities)) {
		entities = append(entities, st.entities[id])
	}
	var articles []graph.Article
	for _, id := range st.articleIDs {
		a, _ := st.article(id)
		articles = append(articles, a)
	}
	var rels []*graph.Relationship
	for _, r := range st.allRelationships() {
		rels = append(rels, &r)
	}
	v1, v2 := viewOf(st), viewOf(buildState(entities, articles, rels))
	if reflect.DeepEqual(v1, v2) {
		return
	}
	r1, r2 := reflect.ValueOf(v1), reflect.ValueOf(v2)
	for i := range r1.NumField() {
		if !reflect.DeepEqual(r1.Field(i).Interface(), r2.Field(i).Interface()) {
			t.Errorf("index %s kept by writes differs from one built afresh", r1.Type().Field(i).Name)
		}
	}
}
