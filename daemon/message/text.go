package message

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"github.com/herald-mail/herald/daemon/textmatch"
	"golang.org/x/text/encoding/charmap"
)

// charsetReader resolves a charset name for RFC 2047 words and bodies with
// go-message's charset table. ISO-8859-1 and US-ASCII labels are read as
// windows-1252, as the WHATWG Encoding Standard does, because Outlook and
// others label cp1252 text (curly quotes, €) that way.
func charsetReader(name string, input io.Reader) (io.Reader, error) {
	switch normalizeCharset(name) {
	case "utf-8":
		return input, nil
	case "windows-1252":
		return charmap.Windows1252.NewDecoder().Reader(input), nil
	}
	return charset.Reader(name, input)
}

func normalizeCharset(name string) string {
	n := strings.ToLower(strings.Trim(strings.TrimSpace(name), `"'`))
	switch n {
	case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8":
		return "utf-8"
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819",
		"us-ascii", "ascii", "ansi_x3.4-1968", "windows-1252", "cp1252", "x-cp1252":
		return "windows-1252"
	}
	return n
}

// decodeWindows1252 is the fallback for 8-bit text without a usable charset.
func decodeWindows1252(b []byte) string {
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(out)
}

var metaCharset = textmatch.Lazy(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_.:-]+)`)

// decodeText converts a text part to UTF-8 with "\n" line ends. The declared
// charset (RFC 2046 §4.1.2) is used when it decodes; text declared UTF-8 or
// undeclared but not valid UTF-8 is read as windows-1252, the most common
// truth behind such mislabelling.
func decodeText(data []byte, cs string, isHTML bool, m *Message) string {
	if cs == "" && isHTML {
		if sm := metaCharset().FindSubmatch(data[:min(len(data), 4096)]); sm != nil {
			cs = string(sm[1])
		}
	}
	var s string
	n := normalizeCharset(cs)
	switch {
	case n == "" || n == "utf-8":
		s = utf8OrLatin(data, m)
	case n == "windows-1252" && utf8.Valid(data):
		// Valid UTF-8 labelled ASCII or Latin-1 is almost always UTF-8:
		// Latin-1 text rarely forms valid multi-byte sequences by chance.
		s = string(data)
	default:
		r, err := charsetReader(cs, bytes.NewReader(data))
		var out []byte
		if err == nil {
			out, err = io.ReadAll(r)
		}
		if err != nil {
			m.defect("unknown charset " + n)
			s = utf8OrLatin(data, m)
		} else {
			s = string(out)
		}
	}
	s = strings.TrimPrefix(s, "\uFEFF")
	return normalizeNewlines(s)
}

func utf8OrLatin(data []byte, m *Message) string {
	if utf8.Valid(data) {
		return string(data)
	}
	m.defect("8-bit text that is not UTF-8 read as windows-1252")
	return decodeWindows1252(data)
}

// normalizeNewlines turns CRLF and lone CR into "\n".
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// unflow joins the soft line breaks of format=flowed text (RFC 3676 §4.2):
// a line ending in a space continues on the next line with the same quote
// depth. With DelSp=yes the trailing space is removed (§4.2). The signature
// separator "-- " is never a flowed line (§4.3).
func unflow(s string, delsp bool) string {
	lines := strings.Split(s, "\n")
	var out []string
	var cur strings.Builder
	curDepth, open := 0, false
	for _, line := range lines {
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		content := line[depth:]
		if depth > 0 || strings.HasPrefix(content, " ") {
			content = strings.TrimPrefix(content, " ") // space-stuffing, §4.4
		}
		if open && depth != curDepth {
			out = append(out, cur.String())
			cur.Reset()
			open = false
		}
		if !open {
			cur.WriteString(strings.Repeat(">", depth))
			if depth > 0 {
				cur.WriteByte(' ')
			}
			curDepth = depth
		}
		flowed := strings.HasSuffix(content, " ") && content != "-- "
		if flowed && delsp {
			content = content[:len(content)-1]
		}
		cur.WriteString(content)
		if flowed {
			open = true
			continue
		}
		out = append(out, cur.String())
		cur.Reset()
		open = false
	}
	if open {
		out = append(out, cur.String())
	}
	return strings.Join(out, "\n")
}
