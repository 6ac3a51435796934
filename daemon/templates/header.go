package templates

import (
	"bytes"
	"fmt"
	"net/textproto"
	"strings"
	"unicode/utf8"
)

// field is one header of a template's header block. Value keeps the
// newlines of folded lines so that template errors keep their line.
type field struct {
	Name  string // canonical, e.g. "Subject", "X-Tag"
	Value string
	Line  int // 1-based line of "Name:"
}

// block is a parsed .txt file: headers, then the body from BodyLine on.
type block struct {
	Fields   []field
	Body     string
	BodyLine int // 0 when no blank line ended the headers
}

// lineError is a problem on one line of a file.
type lineError struct {
	Line int
	Msg  string
}

// parseHeaderBlock splits a .txt template into its header block and body
// and checks the header rules of the package doc. It reports every header
// problem it can; after a line that is not a header it stops, as what
// follows cannot be told apart from the body.
func parseHeaderBlock(src []byte) (block, []lineError) {
	var b block
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	if !utf8.Valid(src) {
		return b, []lineError{{invalidUTF8Line(src), "not valid UTF-8; save the file as UTF-8"}}
	}
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	var errs []lineError
	seen := map[string]int{}
	line := 1
	for rest := text; ; line++ {
		if rest == "" {
			last := max(line-1, 1)
			return b, append(errs, lineError{last, "no blank line after the headers; put one between the headers and the body"})
		}
		l, next, _ := strings.Cut(rest, "\n")
		rest = next
		if strings.Trim(l, " \t\r") == "" {
			b.BodyLine = line + 1
			b.Body = rest
			break
		}
		if l[0] == ' ' || l[0] == '\t' {
			if len(b.Fields) == 0 {
				return b, append(errs, lineError{line, "continuation line before any header; the file must start with \"Subject: ...\""})
			}
			f := &b.Fields[len(b.Fields)-1]
			f.Value += "\n" + strings.TrimRight(l, " \t\r")
			continue
		}
		f, msg := parseField(l, line)
		if msg != "" {
			return b, append(errs, lineError{line, msg})
		}
		if msg := allowedHeader(f.Name); msg != "" {
			errs = append(errs, lineError{line, msg})
		}
		if first, dup := seen[f.Name]; dup {
			errs = append(errs, lineError{line, fmt.Sprintf("header %s given twice (first on line %d)", f.Name, first)})
		}
		seen[f.Name] = line
		b.Fields = append(b.Fields, f)
	}
	for _, f := range b.Fields {
		if strings.TrimSpace(f.Value) == "" {
			errs = append(errs, lineError{f.Line, fmt.Sprintf("header %s has no value", f.Name)})
		}
	}
	if _, ok := seen["Subject"]; !ok {
		errs = append(errs, lineError{1, "no Subject: header; a template starts with \"Subject: ...\", then a blank line, then the body"})
	}
	return b, errs
}

// parseField reads "Name: value". The name is RFC 5322 §2.2 ftext
// (printable ASCII but colon); blanks before the colon are tolerated as
// RFC 5322 §4.5.1 obsolete syntax allows.
func parseField(l string, line int) (field, string) {
	name, value, ok := strings.Cut(l, ":")
	name = strings.TrimRight(name, " \t")
	if !ok || name == "" || !validFieldName(name) {
		return field{}, fmt.Sprintf("%q is not a header (\"Name: value\"); the headers end at the first blank line, and the body follows it", shorten(l))
	}
	return field{
		Name:  textproto.CanonicalMIMEHeaderKey(name),
		Value: strings.Trim(value, " \t\r"),
		Line:  line,
	}, ""
}

// allowedHeader returns why a template may not set name, or "".
func allowedHeader(name string) string {
	switch {
	case name == "Subject":
		return ""
	case strings.HasPrefix(name, "X-Herald-"), name == "X-Auto-Response-Suppress":
		return fmt.Sprintf("header %s is set by herald, not by templates", name)
	case strings.HasPrefix(name, "X-") && len(name) > 2:
		return ""
	}
	return fmt.Sprintf("header %s is not allowed in a template: only Subject and X- headers (herald sets From, To, Reply-To, Date, Message-ID and the rest)", name)
}

func validFieldName(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

// invalidUTF8Line is the 1-based line of the first invalid UTF-8 byte.
func invalidUTF8Line(src []byte) int {
	line := 1
	for len(src) > 0 {
		r, n := utf8.DecodeRune(src)
		if r == utf8.RuneError && n <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		src = src[n:]
	}
	return line
}

func shorten(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}

// sanitizeHeader makes a rendered header value safe to put on one header
// line: control characters (CR and LF among them) and Unicode line
// separators become spaces, blank runs shrink to one space, and the ends
// are trimmed (Unicode spaces too). Folding rather than rejecting keeps a
// delivery going when a contact's name carries a stray newline, and no
// header can be injected.
func sanitizeHeader(s string) string {
	var sb strings.Builder
	sb.Grow(len(s))
	blank := false
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 || r == ' ' {
			blank = true
			continue
		}
		if blank && sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		blank = false
		sb.WriteRune(r)
	}
	// Other Unicode spaces (NBSP before a French colon) stay inside the
	// value but not at its ends.
	return strings.TrimSpace(sb.String())
}
