package message

import (
	"html"
	"strings"
)

// HTMLToText renders HTML mail as readable plain text: tags, scripts, styles
// and comments go, entities are decoded, block elements and <br> become line
// breaks, list items get "- ", and <blockquote> content is prefixed with "> "
// so that quoted replies look the same as in plain-text mail. It is a small
// tolerant tokenizer, not a full HTML5 parser: mail HTML only needs to be read.
//
// Its work is bounded whatever the input: only the first MaxHTMLInput bytes
// are read, quotes deeper than maxQuoteDepth get no more "> " than that, and
// rendering stops once MaxText bytes are written. Without these bounds a
// few hundred kilobytes of nested <blockquote>, each level with a word in
// it, render to gigabytes of "> " prefixes.
func HTMLToText(s string) string {
	if len(s) > MaxHTMLInput {
		s = strings.ToValidUTF8(s[:MaxHTMLInput], "")
	}
	r := htmlRenderer{unclosed: map[string]bool{}}
	r.run(s)
	return r.finish()
}

// Bounds of the text a message yields (see HTMLToText and Parse).
const (
	// MaxHTMLInput is how much HTML is read, in total per message.
	MaxHTMLInput = 1 << 20
	// MaxText bounds the text kept from a message's plain-text parts, and
	// the text rendered from its HTML.
	MaxText = 1 << 20
	// maxQuoteDepth caps the "> " prefixes of one rendered line; deeper
	// quotes are still quotes, only not deeper ones.
	maxQuoteDepth = 32
)

// blockTags start and end lines.
var blockTags = map[string]bool{
	"p": true, "div": true, "tr": true, "table": true, "ul": true, "ol": true, "dl": true,
	"dt": true, "dd": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"pre": true, "hr": true, "section": true, "article": true, "header": true, "footer": true,
	"center": true, "address": true, "form": true, "fieldset": true, "body": true, "html": true,
	"blockquote": true, "li": true, "caption": true, "tbody": true, "thead": true, "tfoot": true,
}

// skipTags have content that is never shown.
var skipTags = map[string]bool{"script": true, "style": true, "title": true, "template": true, "head": true, "xml": true}

type htmlRenderer struct {
	out       strings.Builder
	line      strings.Builder // current line, without quote prefix
	quote     int             // <blockquote> depth
	lineQuote int             // quote depth of the current line
	pre       int
	blank     int  // consecutive empty lines written
	sawText   bool // text written since the last <p>
	unclosed  map[string]bool
}

func (r *htmlRenderer) run(s string) {
	for i := 0; i < len(s) && r.out.Len() < MaxText; {
		if s[i] != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				j = len(s) - i
			}
			r.text(s[i : i+j])
			i += j
			continue
		}
		i = r.markup(s, i)
	}
}

// markup handles the construct starting with '<' at i and returns where to go on.
func (r *htmlRenderer) markup(s string, i int) int {
	rest := s[i:]
	switch {
	case strings.HasPrefix(rest, "<!--"):
		if j := strings.Index(rest[4:], "-->"); j >= 0 {
			return i + 4 + j + 3
		}
		return len(s)
	case strings.HasPrefix(rest, "<![CDATA["):
		j := strings.Index(rest, "]]>")
		if j < 0 {
			r.text(rest[9:])
			return len(s)
		}
		r.text(rest[9:j])
		return i + j + 3
	case strings.HasPrefix(rest, "<!") || strings.HasPrefix(rest, "<?"):
		if j := strings.IndexByte(rest, '>'); j >= 0 {
			return i + j + 1
		}
		return len(s)
	}
	closing := len(rest) > 1 && rest[1] == '/'
	k := 1
	if closing {
		k = 2
	}
	if k >= len(rest) || !isASCIILetter(rest[k]) {
		r.text("<") // a lone '<' in text
		return i + 1
	}
	n := k
	for n < len(rest) && (isASCIILetter(rest[n]) || (rest[n] >= '0' && rest[n] <= '9') || rest[n] == ':' || rest[n] == '-') {
		n++
	}
	name := strings.ToLower(rest[k:n])
	if c := strings.LastIndexByte(name, ':'); c >= 0 {
		name = name[c+1:] // Office namespaces: <o:p>, <v:shape>
	}
	end := tagEnd(rest, n)
	if !closing && skipTags[name] && !r.unclosed[name] {
		if k := skipContent(rest, end, name); k >= 0 {
			return i + k
		}
		// No end tag: hide the rest of a script or style, but render what
		// follows an unclosed <head>. Remember, so the search is not repeated.
		if name != "head" {
			return len(s)
		}
		r.unclosed[name] = true
	}
	r.tag(name, closing)
	return i + end
}

// tagEnd finds the '>' closing a tag, skipping quoted attribute values.
func tagEnd(s string, from int) int {
	var q byte
	var last byte // last non-space byte outside quotes
	for j := from; j < len(s); j++ {
		c := s[j]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
			continue
		case (c == '"' || c == '\'') && last == '=':
			// Quotes only open a value right after '=' (possibly spaced).
			q = c
		case c == '>':
			return j + 1
		}
		if !isSpace(c) {
			last = c
		}
	}
	return len(s)
}

// skipContent skips raw content up to and including </name>, or returns -1
// when there is no such end tag.
func skipContent(s string, from int, name string) int {
	for j := from; j < len(s); {
		k := strings.Index(s[j:], "</")
		if k < 0 {
			break
		}
		j += k + 2
		if len(s)-j >= len(name) && strings.EqualFold(s[j:j+len(name)], name) {
			return from + tagEnd(s[from:], j-from+len(name))
		}
	}
	return -1
}

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

func (r *htmlRenderer) tag(name string, closing bool) {
	switch {
	case name == "br":
		r.newline(true)
	case name == "blockquote":
		r.newline(false)
		if closing {
			if r.quote > 0 {
				r.quote--
			}
		} else {
			r.quote++
		}
	case name == "pre":
		r.newline(false)
		if closing && r.pre > 0 {
			r.pre--
		} else if !closing {
			r.pre++
		}
	case name == "li" && !closing:
		r.newline(false)
		r.line.WriteString("- ")
	case name == "td" || name == "th":
		if !closing && r.line.Len() > 0 {
			r.line.WriteString(" ")
		}
	case name == "p":
		// Outlook writes every line as a <p> and blank lines as <p>&nbsp;</p>,
		// so only an empty paragraph makes an empty line.
		empty := !r.sawText
		r.newline(false)
		if closing && empty {
			r.newline(true)
		}
		r.sawText = false
	case blockTags[name]:
		r.newline(false)
	}
}

// text appends character data: white space collapses outside <pre>,
// entities are decoded and no-break spaces become spaces.
func (r *htmlRenderer) text(s string) {
	if r.pre > 0 {
		s = html.UnescapeString(s)
		for i, part := range strings.Split(normalizeNewlines(s), "\n") {
			if i > 0 {
				r.newline(true)
			}
			r.write(part)
		}
		return
	}
	fields := strings.Fields(s)
	if len(fields) == 0 {
		if s != "" && r.line.Len() > 0 {
			r.write(" ")
		}
		return
	}
	t := strings.Join(fields, " ")
	if isSpace(s[0]) && r.line.Len() > 0 {
		t = " " + t
	}
	if isSpace(s[len(s)-1]) {
		t += " "
	}
	r.write(strings.ReplaceAll(html.UnescapeString(t), "\u00a0", " "))
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func (r *htmlRenderer) write(s string) {
	if r.line.Len() == 0 {
		if r.pre == 0 {
			s = strings.TrimLeft(s, " ")
		}
		if s == "" {
			return
		}
		r.lineQuote = r.quote
	}
	r.sawText = true
	r.line.WriteString(s)
}

// newline ends the current line; with force an empty line is written too
// (for <br> and paragraph ends), but never more than one in a row.
func (r *htmlRenderer) newline(force bool) {
	line := strings.TrimRight(r.line.String(), " ")
	r.line.Reset()
	if line == "" {
		if !force || r.blank >= 1 || r.out.Len() == 0 {
			return
		}
		r.prefix(r.quote)
		r.out.WriteByte('\n')
		r.blank++
		return
	}
	r.prefix(r.lineQuote)
	r.out.WriteString(line)
	r.out.WriteByte('\n')
	r.blank = 0
}

// prefix writes the quote marks of a line at depth.
func (r *htmlRenderer) prefix(depth int) {
	for range min(depth, maxQuoteDepth) {
		r.out.WriteString("> ")
	}
}

func (r *htmlRenderer) finish() string {
	r.newline(false)
	lines := strings.Split(r.out.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
