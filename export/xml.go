package export

import (
	"encoding/xml"
	"io"
)

// xmlStream writes an XML document token by token, keeping the first error so that
// writers can emit a run of tokens and check once.
type xmlStream struct {
	enc *xml.Encoder
	err error
}

func newXMLStream(w io.Writer) *xmlStream {
	x := &xmlStream{enc: xml.NewEncoder(w)}
	x.enc.Indent("", " ")
	x.token(xml.ProcInst{Target: "xml", Inst: []byte(`version="1.0" encoding="UTF-8"`)})
	return x
}

func (x *xmlStream) token(t xml.Token) {
	if x.err == nil {
		x.err = x.enc.EncodeToken(t)
	}
}

// start opens an element with attributes given as name, value pairs; pairs with an empty
// value are left out.
func (x *xmlStream) start(name string, attrs ...string) {
	el := xml.StartElement{Name: xml.Name{Local: name}}
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] != "" {
			el.Attr = append(el.Attr, xml.Attr{Name: xml.Name{Local: attrs[i]}, Value: attrs[i+1]})
		}
	}
	x.token(el)
}

func (x *xmlStream) end(name string) { x.token(xml.EndElement{Name: xml.Name{Local: name}}) }

// leaf writes an element with attributes and no content.
func (x *xmlStream) leaf(name string, attrs ...string) {
	x.start(name, attrs...)
	x.end(name)
}

// text writes <name attrs...>s</name>.
func (x *xmlStream) text(name, s string, attrs ...string) {
	x.start(name, attrs...)
	x.token(xml.CharData(s))
	x.end(name)
}

// flush writes out what the encoder buffers, so that long exports reach the client as
// they are produced, and returns the first error.
func (x *xmlStream) flush() error {
	if x.err == nil {
		x.err = x.enc.Flush()
	}
	return x.err
}

// close ends the document.
func (x *xmlStream) close() error {
	x.token(xml.CharData("\n"))
	if err := x.flush(); err != nil {
		return err
	}
	return x.enc.Close()
}
