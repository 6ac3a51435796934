package templates

import (
	"strings"
)

// maxParseProblems bounds the syntax errors reported for one part: past
// a few, the rest are more likely echoes of the first ones.
const maxParseProblems = 10

// parseAll parses src with parse and, where text/template stops at the
// first syntax error, goes on: each action opened and never closed is
// reported and turned into text, and a line with another error is
// blanked and the rest parsed again, so that one mistake does not hide
// the others (fields that do not exist included, which need a tree).
// It returns the last tree parsed, possibly of a repaired source (nil if
// none parsed), the source that tree is of, and the problems; the tree
// is for checking only when there are problems.
func parseAll[T any](file, src string, parse func(string) (T, error)) (tree T, parsed string, probs []Problem) {
	src, probs = closeActions(file, src)
	for range maxParseProblems {
		t, err := parse(src)
		if err == nil {
			return t, src, probs
		}
		p := parseProblem(file, err)
		structural := isStructural(p.Msg)
		if structural && len(probs) > 0 {
			// An {{end}} without its {{if}}, or the reverse, after an
			// earlier error is most likely that error's echo (a blanked
			// line held the {{if}}); saying so would only mislead.
			return tree, src, probs
		}
		probs = append(probs, explain(p))
		next := blankLine(src, p.Line)
		if structural || p.Line == 0 || next == src {
			return tree, src, probs
		}
		src = next
	}
	return tree, src, probs
}

// isStructural reports a parse error about how actions nest.
func isStructural(msg string) bool {
	return msg == "unexpected EOF" || strings.HasPrefix(msg, "unexpected {{end}}") ||
		strings.HasPrefix(msg, "unexpected {{else") || strings.HasPrefix(msg, "unexpected {{break") ||
		strings.HasPrefix(msg, "unexpected {{continue")
}

// explain says what text/template's terser errors mean for the organiser
// who edits a template.
func explain(p Problem) Problem {
	if p.Msg == "unexpected EOF" {
		p.Msg = "the file ends inside an {{if}}, {{with}}, {{range}} or {{define}}: one has no {{end}}"
	}
	return p
}

// blankLine replaces the text of line (1-based) in src by spaces, so
// that the lines after it keep their numbers.
func blankLine(src string, line int) string {
	start := 0
	for i := 1; i < line; i++ {
		nl := strings.IndexByte(src[start:], '\n')
		if nl < 0 {
			return src
		}
		start += nl + 1
	}
	end := strings.IndexByte(src[start:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += start
	}
	return src[:start] + strings.Repeat(" ", end-start) + src[end:]
}

// closeActions finds every "{{" with no "}}" before the next "{{" or the
// end of the file. text/template reads on past the end of the line (an
// action may span lines) and then blames whatever it meets, often the
// next action's text, lines later; here the problem is reported at the
// line of the "{{" itself, and that "{{" becomes plain text so the rest
// can be parsed.
func closeActions(file, src string) (string, []Problem) {
	var probs []Problem
	b := []byte(src)
	for i := 0; i < len(b)-1; {
		if b[i] != '{' || b[i+1] != '{' {
			i++
			continue
		}
		end, ok := actionEnd(b, i+2)
		if ok {
			i = end
			continue
		}
		line := 1 + strings.Count(string(b[:i]), "\n")
		probs = append(probs, Problem{File: file, Line: line,
			Msg: `unclosed action: this "{{" has no "}}"` + quoteAction(b, i)})
		b[i], b[i+1] = ' ', ' '
		i += 2
	}
	return string(b), probs
}

// quoteAction quotes the start of the action at i, to show which one.
func quoteAction(b []byte, i int) string {
	s := string(b[i:])
	if nl := strings.IndexByte(s, '\n'); nl >= 0 {
		s = s[:nl]
	}
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return " (" + strings.TrimSpace(s) + ")"
}

// actionEnd returns the index after the "}}" closing the action whose
// body starts at i, skipping comments and quoted strings; ok is false
// when another "{{" or the end comes first.
func actionEnd(b []byte, i int) (end int, ok bool) {
	if rest := string(b[i:]); strings.HasPrefix(strings.TrimLeft(rest, "- "), "/*") {
		c := strings.Index(rest, "*/")
		if c < 0 {
			return 0, false
		}
		i += c + 2
	}
	for i < len(b) {
		switch c := b[i]; {
		case c == '}' && i+1 < len(b) && b[i+1] == '}':
			return i + 2, true
		case c == '{' && i+1 < len(b) && b[i+1] == '{':
			return 0, false
		case c == '"' || c == '`' || c == '\'':
			i = skipQuoted(b, i)
		default:
			i++
		}
	}
	return 0, false
}

// skipQuoted returns the index after the string or rune literal at i (or
// the end of its line, when it is not closed: the parser reports that).
func skipQuoted(b []byte, i int) int {
	q := b[i]
	for i++; i < len(b); i++ {
		switch {
		case b[i] == '\\' && q != '`':
			i++
		case b[i] == q:
			return i + 1
		case b[i] == '\n' && q != '`':
			return i
		}
	}
	return i
}
