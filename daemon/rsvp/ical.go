package rsvp

import (
	"html"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// This file reads the small part of iCalendar (RFC 5545) a calendar reply
// needs: content lines, parameters and TEXT values. It is not a general
// iCalendar parser; it skips what it cannot read rather than fail.

// maxCalendar bounds the calendar object read; a reply is a few KiB.
const maxCalendar = 1 << 20

// contentLine is one unfolded line: NAME;PARAM=V1,V2:VALUE (RFC 5545 §3.1).
type contentLine struct {
	name   string              // uppercased
	params map[string][]string // uppercased names, values unquoted
	value  string              // raw: unescape TEXT values with unescapeText
}

// param returns the first value of parameter name, or "".
func (l contentLine) param(name string) string {
	if v := l.params[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// unfoldLines splits raw into logical lines. RFC 5545 §3.1: a CRLF
// followed by one space or tab is a fold, removed with that one
// character; a fold may split a UTF-8 sequence, so text is checked only
// once unfolded. Bare LF and bare CR line ends are tolerated, as is text
// in windows-1252, which old Outlook versions send despite §3.1.4 (UTF-8).
func unfoldLines(raw []byte) []string {
	if len(raw) > maxCalendar {
		raw = raw[:maxCalendar]
	}
	s := strings.TrimPrefix(string(raw), "\uFEFF")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var lines []string
	var cur strings.Builder
	started, valid := false, true
	flush := func() {
		l := cur.String()
		valid = valid && utf8.ValidString(l)
		lines = append(lines, l)
		cur.Reset()
	}
	for _, l := range strings.Split(s, "\n") {
		if started && l != "" && (l[0] == ' ' || l[0] == '\t') {
			cur.WriteString(l[1:])
			continue
		}
		if started {
			flush()
		}
		cur.WriteString(l)
		started = true
	}
	if started {
		flush()
	}
	if !valid {
		dec := charmap.Windows1252.NewDecoder()
		for i, l := range lines {
			if out, err := dec.String(l); err == nil {
				lines[i] = out
			} else {
				lines[i] = strings.ToValidUTF8(l, "\uFFFD")
			}
		}
	}
	return lines
}

// parseContentLine reads one unfolded line (RFC 5545 §3.1 contentline,
// §3.2 parameters). A colon or semicolon inside a quoted parameter value
// (CN="Doe, Jane: Mayor") does not end it. ok is false for a line that is
// not a content line.
func parseContentLine(s string) (l contentLine, ok bool) {
	i := 0
	for i < len(s) && isNameChar(s[i]) {
		i++
	}
	if i == 0 || i == len(s) {
		return l, false
	}
	l.name = strings.ToUpper(s[:i])
	for i < len(s) && s[i] == ';' {
		i++
		start := i
		for i < len(s) && s[i] != '=' && s[i] != ';' && s[i] != ':' {
			i++
		}
		pname := strings.ToUpper(strings.TrimSpace(s[start:i]))
		var values []string
		if i < len(s) && s[i] == '=' {
			i++
			for {
				var v string
				if i < len(s) && s[i] == '"' {
					end := strings.IndexByte(s[i+1:], '"')
					if end < 0 {
						return l, false // unterminated quoted-string
					}
					v = s[i+1 : i+1+end]
					i += end + 2
				} else {
					start := i
					for i < len(s) && s[i] != ',' && s[i] != ';' && s[i] != ':' {
						i++
					}
					v = s[start:i]
				}
				values = append(values, decodeParam(v))
				if i < len(s) && s[i] == ',' {
					i++
					continue
				}
				break
			}
		}
		if pname != "" {
			if l.params == nil {
				l.params = map[string][]string{}
			}
			l.params[pname] = append(l.params[pname], values...)
		}
	}
	if i >= len(s) || s[i] != ':' {
		return l, false
	}
	l.value = s[i+1:]
	return l, true
}

// isNameChar reports a character of a property name: iana-token and
// x-name are ALPHA, DIGIT and "-" (RFC 5545 §3.1).
func isNameChar(c byte) bool {
	return c == '-' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// decodeParam reads RFC 6868 caret escapes (^n newline, ^' quote, ^^
// caret), which Apple Calendar uses in CN.
func decodeParam(v string) string {
	if !strings.Contains(v, "^") {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '^' && i+1 < len(v) {
			switch v[i+1] {
			case 'n', 'N':
				b.WriteByte('\n')
				i++
				continue
			case '\'':
				b.WriteByte('"')
				i++
				continue
			case '^':
				b.WriteByte('^')
				i++
				continue
			}
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// unescapeText reads a TEXT value (RFC 5545 §3.3.11): "\\", "\;", "\,"
// and "\n" or "\N". An unknown escape keeps the character, as most
// clients do.
func unescapeText(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
			if v[i] == 'n' || v[i] == 'N' {
				b.WriteByte('\n')
			} else {
				b.WriteByte(v[i])
			}
			continue
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// responseComment reads Google Calendar's X-RESPONSE-COMMENT parameter,
// where it puts the note an invitee types: TEXT-escaped and with HTML
// entities ("it&#39\;s"), observed in Google's replies.
func responseComment(v string) string {
	return strings.TrimSpace(html.UnescapeString(unescapeText(v)))
}
