package templates

// The escapers of html/template that the fast path reproduces, for plain
// text arguments (a string, or any value that is not one of
// html/template's content types: the compiler declines those). This code
// follows Go 1.26's html/template (html.go, url.go, content.go), which is
// Copyright 2011 The Go Authors and governed by a BSD-style licence (the
// Go distribution's LICENSE file); the differential and fuzz tests check
// it against the standard package byte for byte.

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// filterFailsafe is what html/template writes in place of an unsafe value.
const filterFailsafe = "ZgotmplZ"

// escaper is one of html/template's escapers for plain text.
type escaper struct {
	fn   func(string) string
	text bool // fn is htmlEscapeString, which appendHTMLEscaped writes in place
}

// escapers maps the identifiers html/template adds to actions to their
// function on plain text.
var escapers = map[string]escaper{
	// For plain text, htmlEscaper, attrEscaper and rcdataEscaper are all
	// htmlReplacer(s, htmlReplacementTable, true).
	"_html_template_htmlescaper":    {htmlEscapeString, true},
	"_html_template_attrescaper":    {htmlEscapeString, true},
	"_html_template_rcdataescaper":  {htmlEscapeString, true},
	"_html_template_nospaceescaper": {fn: htmlNospaceEscapeString},
	"_html_template_urlfilter":      {fn: urlFilterString},
	"_html_template_urlnormalizer":  {fn: func(s string) string { return urlProcess(s, true) }},
	"_html_template_urlescaper":     {fn: func(s string) string { return urlProcess(s, false) }},
	"_html_template_commentescaper": {fn: func(string) string { return "" }},
}

// htmlReplacementTable is html/template's: the runes escaped in a text
// node or a quoted attribute value. template.HTMLEscapeString and
// html.EscapeString are no substitutes: neither escapes '+'.
var htmlReplacementTable = [...]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}

// htmlNospaceReplacementTable is html/template's, for unquoted attribute
// values.
var htmlNospaceReplacementTable = [...]string{
	0:    "&#xfffd;",
	'\t': "&#9;",
	'\n': "&#10;",
	'\v': "&#11;",
	'\f': "&#12;",
	'\r': "&#13;",
	' ':  "&#32;",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'=':  "&#61;",
	'>':  "&gt;",
	'`':  "&#96;",
}

// htmlSpecial marks the bytes htmlReplacementTable replaces. With
// html/template's badRunes set, only runes below the table's length are
// replaced, and such a rune is always one ASCII byte (the bytes of a
// multi-byte or invalid sequence are all 0x80 and above), so a byte scan
// is the rune scan of htmlReplacer.
var htmlSpecial = func() (t [256]bool) {
	for i, r := range htmlReplacementTable {
		t[i] = r != ""
	}
	return t
}()

// appendHTMLEscaped appends htmlReplacer(s, htmlReplacementTable, true).
func appendHTMLEscaped(dst []byte, s string) []byte {
	written := 0
	for i := 0; i < len(s); i++ {
		if htmlSpecial[s[i]] {
			dst = append(dst, s[written:i]...)
			dst = append(dst, htmlReplacementTable[s[i]]...)
			written = i + 1
		}
	}
	return append(dst, s[written:]...)
}

// htmlEscapeString is htmlReplacer(s, htmlReplacementTable, true): s
// itself when nothing is to be replaced.
func htmlEscapeString(s string) string {
	for i := 0; i < len(s); i++ {
		if htmlSpecial[s[i]] {
			b := make([]byte, 0, len(s)+16)
			return string(appendHTMLEscaped(b, s))
		}
	}
	return s
}

// htmlNospaceEscapeString is htmlNospaceEscaper for plain text.
func htmlNospaceEscapeString(s string) string {
	if s == "" {
		return filterFailsafe
	}
	return htmlReplacer(s, htmlNospaceReplacementTable[:], false)
}

// htmlReplacer is html/template's.
func htmlReplacer(s string, replacementTable []string, badRunes bool) string {
	written, b := 0, new(strings.Builder)
	r, w := rune(0), 0
	for i := 0; i < len(s); i += w {
		r, w = utf8.DecodeRuneInString(s[i:])
		if int(r) < len(replacementTable) {
			if repl := replacementTable[r]; len(repl) != 0 {
				if written == 0 {
					b.Grow(len(s))
				}
				b.WriteString(s[written:i])
				b.WriteString(repl)
				written = i + w
			}
		} else if badRunes {
			// No-op.
		} else if 0xfdd0 <= r && r <= 0xfdef || 0xfff0 <= r && r <= 0xffff {
			if written == 0 {
				b.Grow(len(s))
			}
			fmt.Fprintf(b, "%s&#x%x;", s[written:i], r)
			written = i + w
		}
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

// urlFilterString is urlFilter for plain text.
func urlFilterString(s string) string {
	if !isSafeURL(s) {
		return "#" + filterFailsafe
	}
	return s
}

// isSafeURL is html/template's.
func isSafeURL(s string) bool {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			return false
		}
	}
	return true
}

// urlProcess is urlProcessor for plain text: it normalizes (norm) or
// escapes s as a URL part, returning s itself when nothing changes.
func urlProcess(s string, norm bool) string {
	const hex = "0123456789abcdef"
	var b []byte
	written := 0
	for i, n := 0, len(s); i < n; i++ {
		c := s[i]
		switch c {
		case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']':
			if norm {
				continue
			}
		case '-', '.', '_', '~':
			continue
		case '%':
			if norm && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				continue
			}
		default:
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				continue
			}
		}
		if b == nil {
			b = make([]byte, 0, len(s)+16)
		}
		b = append(b, s[written:i]...)
		b = append(b, '%', hex[c>>4], hex[c&0xf])
		written = i + 1
	}
	if written == 0 {
		return s
	}
	return string(append(b, s[written:]...))
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// stringifyValue is html/template's stringify of one argument v that is
// not a string and not a content type.
func stringifyValue(v reflect.Value) string {
	a := v.Interface()
	if s, ok := indirectAny(a).(string); ok {
		return s
	}
	if a == nil {
		return fmt.Sprint()
	}
	return fmt.Sprint(indirectToStringerOrError(a))
}

// indirectAny is html/template's indirect.
func indirectAny(a any) any {
	if a == nil {
		return nil
	}
	if t := reflect.TypeOf(a); t.Kind() != reflect.Pointer {
		return a
	}
	v := reflect.ValueOf(a)
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	return v.Interface()
}

// indirectToStringerOrError is html/template's.
func indirectToStringerOrError(a any) any {
	if a == nil {
		return nil
	}
	v := reflect.ValueOf(a)
	for !v.Type().Implements(fmtStringerType) && !v.Type().Implements(errorType) && v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	return v.Interface()
}
