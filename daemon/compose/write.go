package compose

import (
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
		if err := x.check(); err != nil {
			return h, err
		}
		if x.raw != "" {
			h.AddRaw([]byte(x.raw + "\r\n"))
		} else {
			h.Add(x.k, x.v)
		}
	}
	return h, nil
}

// check refuses a field name that is not one, and a line break anywhere
// but in our own folding.
func (x field) check() error {
	if !validFieldName(x.k) {
		return fmt.Errorf("header name %q is not valid", x.k)
	}
	v := x.v
	if x.raw != "" {
		v = strings.ReplaceAll(x.raw, "\r\n ", "")
	}
	if strings.ContainsAny(v, "\r\n") {
		return fmt.Errorf("header %s contains a line break", x.k)
	}
	return nil
}

// appendHeader appends f and the blank line after it to dst, byte for
// byte as go-message writes f.header(), without building that header
// first: the wave messages' hot path.
func (f fields) appendHeader(dst []byte) ([]byte, error) {
	for _, x := range f {
		if err := x.check(); err != nil {
			return dst, err
		}
		if x.raw != "" {
			dst = append(append(dst, x.raw...), '\r', '\n')
		} else {
			dst = appendFolded(dst, canonical(x.k), x.v)
		}
	}
	return append(dst, '\r', '\n'), nil
}

// appendFolded appends the field "k: v", folded as go-message's
// textproto.formatHeaderField folds it: at the last space or tab before
// 76 octets, or, when a word is longer than that, before 998.
func appendFolded(dst []byte, k, v string) []byte {
	const preferred, hard = 76, 998
	dst = append(append(dst, k...), ": "...)
	if v == "" {
		return append(dst, '\r', '\n')
	}
	keylen := len(k) + 2
	for len(v) > 0 {
		// max: a name too long for its line (go-message panics there)
		// gets its value on the next one.
		at, folding, ok := foldHeaderLine(v, max(preferred-keylen, 2))
		if !ok {
			at, folding, _ = foldHeaderLine(v, max(hard-keylen, 2))
		}
		dst = append(append(dst, v[:at]...), folding...)
		v = v[at:]
		keylen = 0
	}
	return dst
}

// foldHeaderLine is go-message's foldLine: the first line of v within
// maxlen octets is v[:at] followed by folding, its line ending, and the
// rest is v[at:]; ok is false when no whitespace allowed the fold and one
// had to be inserted. (Returned in parts, not joined: no allocation.)
func foldHeaderLine(v string, maxlen int) (at int, folding string, ok bool) {
	ok = true
	foldBefore := maxlen + 1
	foldAt := len(v)
	if foldBefore > len(v) {
		if v[len(v)-1] != '\n' {
			folding = "\r\n"
		}
	} else {
		foldAt = strings.LastIndexAny(v[:foldBefore], " \t\n")
		if foldAt == 0 {
			foldAt = foldBefore - 1 // the previous fold's whitespace
		} else if foldAt < 0 {
			foldAt = foldBefore - 2
		}
		switch v[foldAt] {
		case ' ', '\t':
			if v[foldAt-1] != '\n' {
				folding = "\r\n"
			}
		case '\n':
			folding = ""
		default:
			folding = "\r\n "
			ok = false
		}
	}
	return foldAt, folding, ok
}

// body is the text and optional HTML of a message.
type body struct {
	text, html string
}

// write writes a message of headers f and body b: text/plain alone, or
// multipart/alternative with the text first and the HTML last, the
// preferred form (RFC 2046 §5.1.4). Both are UTF-8 in quoted-printable,
// which keeps lines short and French and Spanish text mostly readable.
//
// The message is laid out here, into one buffer sized once, byte for
// byte in the shape go-message's writers give it (RFC 2046 §5.1.1):
// building a wave message through them cost more than rendering its
// templates.
//
// The message is appended to dst, which may be a buffer to reuse.
func write(dst []byte, f fields, b body) ([]byte, error) {
	f.addRaw("MIME-Version", "MIME-Version: 1.0") // raw keeps the usual spelling
	boundary := ""
	if b.html == "" {
		f.add("Content-Type", "text/plain; charset=utf-8")
		f.add("Content-Transfer-Encoding", "quoted-printable")
	} else {
		boundary = newBoundary()
		f.add("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": boundary}))
	}
	// Quoted-printable grows French or Spanish text by a few percent; the
	// header and part headers are well under 2 KiB.
	out := dst
	if need := len(out) + 2048 + (len(b.text)+len(b.html))*9/8; cap(out) < need {
		out = append(make([]byte, 0, need), out...)
	}
	out, err := f.appendHeader(out)
	if err != nil {
		return nil, err
	}
	if boundary == "" {
		return appendQP(out, b.text), nil
	}
	for i, p := range []struct{ typ, content string }{{"text/plain", b.text}, {"text/html", b.html}} {
		if i > 0 {
			out = append(out, "\r\n"...)
		}
		out = append(out, "--"+boundary+"\r\n"...)
		out = append(out, "Content-Type: "+p.typ+"; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"...)
		out = appendQP(out, p.content)
	}
	return append(out, "\r\n--"+boundary+"--\r\n"...), nil
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
