package server

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/graphql-go/graphql/language/location"

	"github.com/dossiergraph/dossier/graph"
)

// sameAsMarshal fails unless appendJSON writes exactly what json.Marshal writes for v, and
// fails alike when json.Marshal fails.
func sameAsMarshal(t *testing.T, v any) {
	t.Helper()
	want, wantErr := json.Marshal(v)
	got, err := appendJSON([]byte("prefix"), v)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("%#v: error %v, json.Marshal's %v", v, err, wantErr)
	}
	if err != nil {
		return
	}
	if !bytes.HasPrefix(got, []byte("prefix")) || !bytes.Equal(got[len("prefix"):], want) {
		t.Fatalf("%#v:\n got %s\nwant %s", v, got, want)
	}
}

func TestAppendJSONMatchesMarshal(t *testing.T) {
	cases := []any{
		nil, true, false, 0, -1, math.MaxInt64, math.MinInt64, int32(-7), int64(1 << 40),
		"", "plain", `quote " and \ backslash`, "<script>&amp;</script>", "tab\tnew\nline\rret\bbs\fff",
		"\x00\x01\x1f\x7f", "héllo wörld ☃ 日本語 𝄞", "line\u2028sep\u2029par", "bad \xff\xfe utf8 \xc3",
		"\xed\xa0\x80 surrogate", strings.Repeat("long ", 500),
		0.0, math.Copysign(0, -1), 1.0, -2.5, 0.1, 1e-6, 9.99e-7, 1e-7, 123456789.125, 1e20, 1e21, 1e100, -3e-300,
		math.SmallestNonzeroFloat64, math.MaxFloat64,
		float32(0.1), float32(1e-7), float32(3.4e38), float32(1e21), float32(-0.000001),
		math.NaN(), math.Inf(1), math.Inf(-1), float32(math.Inf(-1)),
		[]any{}, []any(nil), map[string]any{}, map[string]any(nil),
		[]any{1, "two", 3.0, nil, []any{false}, map[string]any{"z": 1, "a": 2}},
		map[string]any{"b": []any{map[string]any{"y": nil, "x": "<>"}}, "a": 1, "é": 2, "A": 3, "": 4, "<k>": 5},
		map[string]any{"bad": math.NaN()},
		[]any{1, math.Inf(1)},
		// Values outside the fast path go through encoding/json.
		graph.PartialDate("2024-05"), []string{"a", "b"}, map[string]int{"b": 1, "a": 2}, struct{ X int }{1}, uint8(7),
		json.RawMessage(`{"raw":true}`), ptr("pointer"), map[string]any{"nested": []string{"x"}},
	}
	for _, v := range cases {
		sameAsMarshal(t, v)
	}
	// Many keys (past the small array) sort the same.
	wide := map[string]any{}
	for i := range 40 {
		wide[string(rune('a'+i%26))+strings.Repeat("k", i)] = i
	}
	sameAsMarshal(t, wide)
}

func TestAppendJSONMatchesMarshalOnRandomResults(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		sameAsMarshal(t, randomValue(rng, 4))
	}
}

// randomValue builds a result-like value: nested maps and lists of strings (any bytes,
// valid or not), numbers of every magnitude, booleans and nulls.
func randomValue(rng *rand.Rand, depth int) any {
	n := rng.IntN(9)
	if depth == 0 {
		n = rng.IntN(6)
	}
	switch n {
	case 0:
		return nil
	case 1:
		return rng.IntN(2) == 0
	case 2:
		return rng.Int() - rng.Int()
	case 3:
		return randomString(rng)
	case 4:
		f := math.Float64frombits(rng.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0.5
		}
		return f
	case 5:
		return rng.NormFloat64() * math.Pow(10, float64(rng.IntN(60)-30))
	case 6, 7:
		m := map[string]any{}
		for range rng.IntN(20) {
			m[randomString(rng)] = randomValue(rng, depth-1)
		}
		return m
	}
	list := make([]any, rng.IntN(6))
	for i := range list {
		list[i] = randomValue(rng, depth-1)
	}
	return list
}

func randomString(rng *rand.Rand) string {
	var b strings.Builder
	pieces := []string{"a", "Z", " ", `"`, `\`, "<", ">", "&", "\n", "\x00", "\x1f", "é", "☃", "𝄞", "\u2028", "\u2029", "\xff", "\xe2\x80", "\x7f"}
	for range rng.IntN(12) {
		if rng.IntN(3) == 0 {
			b.WriteByte(byte(rng.IntN(256)))
		} else {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
	}
	return b.String()
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "a<b>&c", "\u2028", "\xff", "é\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %s want %s", s, got, want)
		}
		if !utf8.Valid(appendJSONString(nil, s)) {
			t.Fatalf("%q: invalid UTF-8 out", s)
		}
	})
}

// TestEncodeAnswerMatchesMarshal covers the whole answer: data only (appendJSON), null data
// of an executed request, no data, errors and extensions (encoding/json), and other values.
func TestEncodeAnswerMatchesMarshal(t *testing.T) {
	var data any = map[string]any{"entity": map[string]any{"name": "Ana <&>", "n": 3}}
	var null any
	for _, v := range []any{
		response{Data: &data},
		response{Data: &null},
		response{},
		response{Errors: []responseError{{Message: "boom", Locations: []location.SourceLocation{{Line: 1, Column: 2}}, Path: []any{"a", 0}, Extensions: map[string]any{"code": "X"}}}, Data: &data},
		response{Data: &data, Extensions: map[string]any{"k": 1}},
		map[string]any{"credentials": []string{"x"}},
	} {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := encodeAnswer(nil, v)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%#v: got %s, %v; want %s", v, got, err, want)
		}
	}
	var bad any = map[string]any{"x": math.Inf(1)}
	if _, err := encodeAnswer(nil, response{Data: &bad}); err == nil {
		t.Fatal("encoding +Inf: no error")
	}
}

func ptr[T any](v T) *T { return &v }
