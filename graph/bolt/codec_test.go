package bolt

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/dossiergraph/dossier/graph"
)

// filled sets every field of the struct v points to, recursively, to a value that is not
// the zero value, so a field the codec forgets shows as a difference after a round trip.
func filled(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString("v-" + path)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(len(path)) + 3)
	case reflect.Float64:
		v.SetFloat(0.75)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			filled(t, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Struct:
		for i := range v.NumField() {
			filled(t, v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	default:
		t.Fatalf("%s: the test does not know how to fill a %s; teach it, and the codec", path, v.Kind())
	}
}

func TestCodecKeepsEveryField(t *testing.T) {
	var e graph.Entity
	filled(t, reflect.ValueOf(&e).Elem(), "entity")
	var a graph.Article
	filled(t, reflect.ValueOf(&a).Elem(), "article")
	var r graph.Relationship
	filled(t, reflect.ValueOf(&r).Elem(), "relationship")

	interned := map[string]string{}
	intern := func(v string) string {
		if s, ok := interned[v]; ok {
			return s
		}
		s := strings.Clone(v)
		interned[s] = s
		return s
	}
	for _, in := range []interner{nil, intern} {
		gotE, err := decodeEntity(storedDecoder(encodeEntity(&e), in))
		if err != nil || !reflect.DeepEqual(gotE, e) {
			t.Errorf("entity round trip = %+v, %v; want %+v", gotE, err, e)
		}
		gotA, err := decodeArticle(storedDecoder(encodeArticle(&a), in))
		if err != nil || !reflect.DeepEqual(gotA, a) {
			t.Errorf("article round trip = %+v, %v; want %+v", gotA, err, a)
		}
		gotR, err := decodeRelationship(storedDecoder(encodeRelationship(&r), in))
		if err != nil || !reflect.DeepEqual(gotR, r) {
			t.Errorf("relationship round trip = %+v, %v; want %+v", gotR, err, r)
		}
	}
	// A decoder on a string shares its memory; one on bbolt's bytes must copy, since bbolt
	// reuses them after the transaction.
	v := encodeRelationship(&r)
	if got, err := decodeRelationship(&decoder{s: string(v)}); err != nil || !reflect.DeepEqual(got, r) {
		t.Errorf("relationship decoded from a string = %+v, %v", got, err)
	}
	got, err := decodeRelationship(storedDecoder(v, nil))
	clear(v)
	if err != nil || !reflect.DeepEqual(got, r) {
		t.Errorf("relationship decoded from bytes changed with them: %+v, %v", got, err)
	}
	// Zero values stay zero: empty lists come back nil, as Canonical stores them.
	if got, err := decodeRelationship(storedDecoder(encodeRelationship(&graph.Relationship{ID: "x"}), nil)); err != nil || !reflect.DeepEqual(got, graph.Relationship{ID: "x"}) {
		t.Errorf("sparse relationship round trip = %+v, %v", got, err)
	}
}

// TestCodecRefusesDamage checks that a cut or lengthened value fails to decode instead
// of yielding a record with fields shifted.
func TestCodecRefusesDamage(t *testing.T) {
	r := graph.Relationship{ID: "r1", Type: graph.Warned, From: "a", To: "b", Summary: "a summary",
		Evidence: []graph.Evidence{{Article: "art", Excerpt: "said so"}}, Confidence: 0.5}
	v := encodeRelationship(&r)
	for n := range len(v) {
		if _, err := decodeRelationship(storedDecoder(v[:n], nil)); err == nil {
			t.Errorf("a value cut to %d of %d bytes decoded", n, len(v))
		}
	}
	if _, err := decodeRelationship(storedDecoder(append(v, 0), nil)); err == nil {
		t.Error("a value with a trailing byte decoded")
	}
	if _, err := decodeRelationship(storedDecoder([]byte(`{"id":"r1"}`), nil)); err == nil {
		t.Error("a JSON value decoded as a binary one")
	}
}

// TestArticleOutlet checks that the outlet read without decoding is the article's.
func TestArticleOutlet(t *testing.T) {
	for _, a := range []graph.Article{
		{ID: "a1", Title: "A title", Outlet: "some-outlet", URL: "https://example.org/a1", Authors: []string{"X"}},
		{ID: "a2", Outlet: "other"},
	} {
		if got := articleOutlet(string(encodeArticle(&a))); got != a.Outlet {
			t.Errorf("articleOutlet(%s) = %q, want %q", a.ID, got, a.Outlet)
		}
	}
}
