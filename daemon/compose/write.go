package compose

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"mime"
	"net/textproto"
	"strings"

	"github.com/emersion/go-message"
)

// fields is a header under construction, in the order it will be written.
type fields []field

// field is a header field; raw, when set, is the whole field already
// formatted and folded ("Subject: =?utf-8?q?...?=\r\n =?utf-8?q?...?=").
type field struct{ k, v, raw string }

func (f *fields) add(k, v string)      { *f = append(*f, field{k: k, v: v}) }
func (f *fields) addRaw(k, raw string) { *f = append(*f, field{k: k, raw: raw}) }

// has reports whether f holds k, case-insensitively.
func (f fields) has(k string) bool {
	for _, x := range f {
		if strings.EqualFold(x.k, k) {
			return true
		}
	}
	return false
}

// header turns f into a go-message header. go-message writes fields
// last-added first, so they are added in reverse. A line break anywhere
// but in our own folding is refused: no value can start a header line.
func (f fields) header() (message.Header, error) {
	var h message.Header
	for i := len(f) - 1; i >= 0; i-- {
		x := f[i]
		if !validFieldName(x.k) {
			return h, fmt.Errorf("header name %q is not valid", x.k)
		}
		v := x.v
		if x.raw != "" {
			v = strings.ReplaceAll(x.raw, "\r\n ", "")
		}
		if strings.ContainsAny(v, "\r\n") {
			return h, fmt.Errorf("header %s contains a line break", x.k)
		}
		if x.raw != "" {
			h.AddRaw([]byte(x.raw + "\r\n"))
		} else {
			h.Add(x.k, v)
		}
	}
	return h, nil
}

// body is the text and optional HTML of a message.
type body struct {
	text, html string
}

// write writes a message of headers f and body b: text/plain alone, or
// multipart/alternative with the text first and the HTML last, the
// preferred form (RFC 2046 §5.1.4). Both are UTF-8 in quoted-printable,
// which keeps lines short and French and Spanish text mostly readable.
func write(f fields, b body) ([]byte, error) {
	f.addRaw("MIME-Version", "MIME-Version: 1.0") // raw keeps the usual spelling
	var buf bytes.Buffer
	if b.html == "" {
		f.add("Content-Type", "text/plain; charset=utf-8")
		f.add("Content-Transfer-Encoding", "quoted-printable")
		if err := writeEntity(&buf, f, b.text); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	f.add("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": newBoundary()}))
	h, err := f.header()
	if err != nil {
		return nil, err
	}
	mw, err := message.CreateWriter(&buf, h)
	if err != nil {
		return nil, err
	}
	if err := writeTextParts(mw, b); err != nil {
		return nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// newBoundary is a multipart boundary of our own. Giving one keeps
// Content-Type where it was added: go-message would otherwise set it
// again, moving it to the top.
func newBoundary() string { return "herald-" + strings.ToLower(rand.Text()) }

// writeTextParts writes b's text, then its HTML when there is one, as
// parts of the multipart mw, each UTF-8 in quoted-printable.
func writeTextParts(mw *message.Writer, b body) error {
	for _, p := range []struct{ typ, content string }{{"text/plain", b.text}, {"text/html", b.html}} {
		if p.typ == "text/html" && p.content == "" {
			continue
		}
		var ph message.Header
		ph.SetContentType(p.typ, map[string]string{"charset": "utf-8"})
		ph.Set("Content-Transfer-Encoding", "quoted-printable")
		pw, err := mw.CreatePart(ph)
		if err != nil {
			return err
		}
		if err := writeAll(pw, p.content); err != nil {
			return err
		}
	}
	return nil
}

func writeEntity(w io.Writer, f fields, content string) error {
	h, err := f.header()
	if err != nil {
		return err
	}
	mw, err := message.CreateWriter(w, h)
	if err != nil {
		return err
	}
	return writeAll(mw, content)
}

func writeAll(w io.WriteCloser, s string) error {
	if _, err := io.WriteString(w, s); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

func validFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

// canonical is the usual spelling of a header name (x-tag -> X-Tag).
func canonical(k string) string { return textproto.CanonicalMIMEHeaderKey(k) }
