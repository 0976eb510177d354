package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"unsafe"

	"github.com/dossiergraph/dossier/graph"
)

// Records are stored (schema 2) in a compact binary form rather than JSON: decoding JSON was
// most of what Open cost, and the binary form is about half the size. A value is a format
// byte, then the record's fields in a fixed order: a string is its length (uvarint) and
// bytes, a list its length and items, a bool one byte, an int a varint, a float64 eight
// bytes. A new field goes at the end, under a new format byte.
const (
	formatEntity       byte = 1
	formatArticle      byte = 1
	formatRelationship byte = 1
)

var errShort = errors.New("record ends early")

// encoder appends fields to a buffer.
type encoder struct{ buf []byte }

func (e *encoder) str(s string) {
	e.buf = binary.AppendUvarint(e.buf, uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *encoder) strs(list []string) {
	e.buf = binary.AppendUvarint(e.buf, uint64(len(list)))
	for _, s := range list {
		e.str(s)
	}
}

func (e *encoder) bool(b bool) {
	var v byte
	if b {
		v = 1
	}
	e.buf = append(e.buf, v)
}

func (e *encoder) int(n int) { e.buf = binary.AppendVarint(e.buf, int64(n)) }
func (e *encoder) float(f float64) {
	e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(f))
}
func (e *encoder) count(n int)        { e.buf = binary.AppendUvarint(e.buf, uint64(n)) }
func (e *encoder) format(format byte) { e.buf = append(e.buf, format) }

// interner returns one shared copy of a string it has seen, so that the many references
// to an entity, an article, a type or a date share memory. It must copy what it keeps.
type interner func(s string) string

// decoder reads fields from a value; the first failure sticks, and later reads return
// zero values. Strings it returns are cut out of the value, unless copying: a decoder on
// bbolt's memory, valid only during the transaction, must copy.
type decoder struct {
	s      string
	err    error
	intern interner // nil: none
	copy   bool
	// arena, when set, holds the copies: Open's decoders copy millions of short strings,
	// and one allocation per string is most of what collecting them costs.
	arena *arena
}

// arena hands out copies of strings and small lists cut from large blocks. A block lives
// as long as any string or list cut from it does, which the records loaded together share.
type arena struct {
	bytes []byte
	strs  []string
}

// arenaBlock is the size of a block of bytes: large enough that allocating blocks costs
// little, small enough that a block kept alive by one survivor wastes little.
const arenaBlock = 64 << 10

func (a *arena) clone(s string) string {
	if len(s) == 0 {
		return ""
	}
	if len(s) > cap(a.bytes)-len(a.bytes) {
		a.bytes = make([]byte, 0, max(arenaBlock, len(s)))
	}
	start := len(a.bytes)
	a.bytes = append(a.bytes, s...)
	return unsafe.String(&a.bytes[start], len(s))
}

// arenaItems is how many strings a block of string lists holds.
const arenaItems = 1024

// cut returns a list of n items from *block, full to its capacity so that an append
// copies it rather than write over its neighbour.
func cut[T any](block *[]T, n int) []T {
	if n > cap(*block)-len(*block) {
		*block = make([]T, 0, max(arenaItems, n))
	}
	start := len(*block)
	*block = (*block)[:start+n]
	return (*block)[start : start+n : start+n]
}

func (d *decoder) clone(v string) string {
	if d.arena != nil {
		return d.arena.clone(v)
	}
	return strings.Clone(v)
}

// storedDecoder reads a value that bbolt holds, copying what it keeps.
func storedDecoder(v []byte, intern interner) *decoder {
	return &decoder{s: unsafe.String(unsafe.SliceData(v), len(v)), intern: intern, copy: true}
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.s = ""
}

func (d *decoder) uvarint() uint64 {
	var n uint64
	for i := 0; i < len(d.s) && i < binary.MaxVarintLen64; i++ {
		c := d.s[i]
		n |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.s = d.s[i+1:]
			return n
		}
	}
	d.fail(errShort)
	return 0
}

// raw reads a string's bytes, in the value's memory.
func (d *decoder) raw() string {
	n := d.uvarint()
	if n > uint64(len(d.s)) {
		d.fail(errShort)
		return ""
	}
	v := d.s[:n]
	d.s = d.s[n:]
	return v
}

func (d *decoder) str() string {
	v := d.raw()
	if d.copy {
		return d.clone(v)
	}
	return v
}

// shared reads a string that many records repeat, through the interner.
func (d *decoder) shared() string {
	v := d.raw()
	if v == "" || d.intern == nil {
		if d.copy {
			return strings.Clone(v)
		}
		return v
	}
	return d.intern(v)
}

// length reads a list's length, bounded by the bytes left (every item takes one at least).
func (d *decoder) length() int {
	n := d.uvarint()
	if n > uint64(len(d.s)) {
		d.fail(errShort)
		return 0
	}
	return int(n)
}

func (d *decoder) strs(read func() string) []string {
	n := d.length()
	if n == 0 {
		return nil
	}
	var out []string
	if d.arena != nil {
		out = cut(&d.arena.strs, n)
	} else {
		out = make([]string, n)
	}
	for i := range out {
		out[i] = read()
	}
	return out
}

func (d *decoder) bool() bool {
	if len(d.s) == 0 {
		d.fail(errShort)
		return false
	}
	v := d.s[0]
	d.s = d.s[1:]
	return v != 0
}

func (d *decoder) int() int {
	u := d.uvarint()
	n := int64(u >> 1) // zig-zag, as binary.AppendVarint writes it
	if u&1 != 0 {
		n = ^n
	}
	return int(n)
}

func (d *decoder) float() float64 {
	if len(d.s) < 8 {
		d.fail(errShort)
		return 0
	}
	var u uint64
	for i := range 8 {
		u |= uint64(d.s[i]) << (8 * i)
	}
	f := math.Float64frombits(u)
	d.s = d.s[8:]
	return f
}

func (d *decoder) format(want byte) {
	if len(d.s) == 0 || d.s[0] != want {
		d.fail(fmt.Errorf("unknown record format (want %d)", want))
		return
	}
	d.s = d.s[1:]
}

// done reports the first failure, or bytes left over.
func (d *decoder) done() error {
	if d.err == nil && len(d.s) > 0 {
		d.err = fmt.Errorf("%d bytes after the record", len(d.s))
	}
	return d.err
}

func encodeEntity(e *graph.Entity) []byte {
	enc := encoder{buf: make([]byte, 0, 64)}
	enc.format(formatEntity)
	enc.str(e.ID)
	enc.str(string(e.Kind))
	enc.str(e.Name)
	enc.strs(e.Aliases)
	enc.str(e.Description)
	enc.str(e.Country)
	enc.str(e.Role)
	return enc.buf
}

func decodeEntity(d *decoder) (graph.Entity, error) {
	d.format(formatEntity)
	e := graph.Entity{ID: d.str(), Kind: graph.Kind(d.shared()), Name: d.str()}
	e.Aliases = d.strs(d.str)
	e.Description, e.Country, e.Role = d.str(), d.shared(), d.shared()
	return e, d.done()
}

func encodeArticle(a *graph.Article) []byte {
	enc := encoder{buf: make([]byte, 0, 96)}
	enc.format(formatArticle)
	enc.str(a.ID)
	enc.str(a.Title)
	enc.str(a.Outlet)
	enc.str(a.URL)
	enc.str(string(a.Published))
	enc.strs(a.Authors)
	return enc.buf
}

func decodeArticle(d *decoder) (graph.Article, error) {
	d.format(formatArticle)
	a := graph.Article{ID: d.str(), Title: d.str(), Outlet: d.str(), URL: d.str(), Published: graph.PartialDate(d.shared())}
	a.Authors = d.strs(d.str)
	return a, d.done()
}

func encodeRelationship(r *graph.Relationship) []byte {
	// Sized for the strings and a few bytes of length per field, so the buffer is made once.
	size := 96 + len(r.ID) + len(r.Type) + len(r.From) + len(r.To) + len(r.Date) + len(r.DateText) +
		len(r.Summary) + len(r.Quantity) + len(r.Origin) + len(r.Review.State) + len(r.Review.Reviewer) +
		len(r.Review.Time) + len(r.Review.Note)
	for _, a := range r.About {
		size += 2 + len(a)
	}
	for _, ev := range r.Evidence {
		size += 4 + len(ev.Article) + len(ev.Excerpt)
	}
	enc := encoder{buf: make([]byte, 0, size)}
	enc.format(formatRelationship)
	enc.str(r.ID)
	enc.str(string(r.Type))
	enc.str(r.From)
	enc.str(r.To)
	enc.strs(r.About)
	enc.bool(r.Negated)
	enc.str(string(r.Date))
	enc.str(r.DateText)
	enc.str(r.Summary)
	enc.str(r.Quantity)
	enc.count(len(r.Evidence))
	for _, ev := range r.Evidence {
		enc.str(ev.Article)
		enc.str(ev.Excerpt)
	}
	enc.int(r.SourceCount)
	enc.str(string(r.Origin))
	enc.float(r.Confidence)
	enc.str(string(r.Review.State))
	enc.str(r.Review.Reviewer)
	enc.str(r.Review.Time)
	enc.str(r.Review.Note)
	return enc.buf
}

func decodeRelationship(d *decoder) (graph.Relationship, error) {
	var r graph.Relationship
	err := decodeRelationshipInto(d, &r)
	return r, err
}

// decodeRelationshipInto decodes into *r, reusing the memory of r.About and r.Evidence when
// they have room: the state decodes relationships it only looks at into one scratch value.
func decodeRelationshipInto(d *decoder, r *graph.Relationship) error {
	about, evidence := r.About, r.Evidence
	*r = graph.Relationship{}
	d.format(formatRelationship)
	r.ID, r.Type = d.str(), graph.RelationType(d.shared())
	r.From, r.To = d.str(), d.str()
	if n := d.length(); n > 0 {
		r.About = reuse(about, n)
		for i := range r.About {
			r.About[i] = d.str()
		}
	}
	r.Negated = d.bool()
	r.Date, r.DateText, r.Summary, r.Quantity = graph.PartialDate(d.shared()), d.str(), d.str(), d.str()
	if n := d.length(); n > 0 {
		r.Evidence = reuse(evidence, n)
		for i := range r.Evidence {
			r.Evidence[i] = graph.Evidence{Article: d.str(), Excerpt: d.str()}
		}
	}
	r.SourceCount = d.int()
	r.Origin = graph.Origin(d.shared())
	r.Confidence = d.float()
	r.Review = graph.Review{State: graph.ReviewState(d.shared()), Reviewer: d.shared(), Time: d.str(), Note: d.str()}
	return d.done()
}

// reuse returns a list of n items in list's memory when it has room, else in new memory.
func reuse[T any](list []T, n int) []T {
	if cap(list) >= n {
		return list[:n]
	}
	return make([]T, n)
}

// relationshipID and articleID return the id of an encoded record, in the value's memory.
func relationshipID(v string) string { return leadingID(v, formatRelationship) }
func articleID(v string) string      { return leadingID(v, formatArticle) }

// leadingID reads the id, the first field of every record format.
func leadingID(v string, format byte) string {
	d := decoder{s: v}
	d.format(format)
	return d.raw()
}

// relationshipValue returns r encoded, as memory keeps it: the encoder's buffer is the
// string's, not copied, since nothing else holds it.
func relationshipValue(r *graph.Relationship) string {
	b := encodeRelationship(r)
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// articleOutlet returns the outlet of an encoded article, in the value's memory, without
// decoding the rest: writes look outlets up once per piece of evidence.
func articleOutlet(v string) string {
	d := decoder{s: v}
	d.format(formatArticle)
	d.raw() // id
	d.raw() // title
	return d.raw()
}
