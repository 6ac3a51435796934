package rsvp

import (
	"strings"
	"unicode"

	"github.com/herald-mail/herald/daemon/message"
	"github.com/herald-mail/herald/daemon/textmatch"
	"golang.org/x/text/unicode/norm"
)

// Bounds on the text read. ReplyText cuts a body at maxBody before quotes
// are stripped (a bottom-posted answer may follow a long quote, but not one
// this long), and Intent and IsUnsubscribe cut the new text at maxText: a
// reply that long is far past maxWords anyway, and the phrase tables cost
// time in proportion to the text.
const (
	maxBody = 256 << 10
	maxText = 4 << 10
)

// ReplyText returns what the sender wrote in a reply body: message.NewText,
// and, when that is empty because the answer sits below the quote
// (Thunderbird and mailing-list habit: "On … wrote:", quoted lines, then the
// answer), the unquoted text after the first quoted line. Only the first
// maxBody bytes of body are read. Intent and IsUnsubscribe take its result.
func ReplyText(body string) string {
	if len(body) > maxBody {
		body = strings.ToValidUTF8(body[:maxBody], "")
	}
	if nt := message.NewText(body); nt != "" {
		return nt
	}
	lines := strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n")
	for i, l := range lines {
		if isQuoted(l) {
			return message.NewText(strings.Join(lines[i:], "\n"))
		}
	}
	return ""
}

func isQuoted(line string) bool {
	return strings.HasPrefix(strings.TrimLeft(line, " \t"), ">")
}

var (
	// Leftovers message.NewText may miss: an attribution longer or more
	// wrapped than it allows, and an Outlook header block that HTML
	// rendering put on one line ("From: X Sent: Monday To: Y").
	looseAttribution = textmatch.Lazy(`(?i)\b(wrote|a [ée]crit|escribi[óo])\s*:\s*$|^\s*.{0,200}\bwrote on\b.{0,100}:\s*$`)
	inlineOutlook    = textmatch.Lazy(`(?i)^\s*\*?(from|de)\s?:.{1,200}\b(sent|envoy[ée]|enviado(?: el)?)\s?:`)
)

// cleanReply strips, defensively, what ReplyText may have left of a quote
// (quoted lines, an attribution, an Outlook header block), so that quoted
// invitation wording never votes, and cuts the text at maxText.
func cleanReply(s string) string {
	if len(s) > maxText {
		s = strings.ToValidUTF8(s[:maxText], "")
	}
	var out []string
	for _, line := range strings.Split(s, "\n") {
		// Both patterns need a colon: most lines are settled without them.
		if strings.IndexByte(line, ':') >= 0 && (looseAttribution().MatchString(line) || inlineOutlook().MatchString(line)) {
			break
		}
		if isQuoted(line) {
			continue
		}
		out = append(out, line)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// sentence is one sentence of the reply: the original words, kept for
// Evidence, and the normalized form the phrase tables match.
type sentence struct {
	orig string
	norm string
}

// splitSentences cuts text at sentence punctuation, blank lines, and line
// breaks that end a short or punctuated line. A line break inside a long
// line is a hard wrap (RFC 3676 fixed text at ~72 columns), so the sentence
// goes on: "I will not be able to\nattend" stays one sentence.
func splitSentences(text string) []sentence {
	var out []sentence
	var cur strings.Builder
	flush := func() {
		if o := strings.TrimSpace(cur.String()); o != "" {
			if n := normalize(o); n != "" {
				out = append(out, sentence{orig: o, norm: n})
			}
		}
		cur.Reset()
	}
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		t := strings.TrimSpace(line)
		for _, r := range t {
			cur.WriteRune(r)
			switch r {
			case '.', '!', '?', ';', '…':
				flush()
			}
		}
		if t == "" || i == len(lines)-1 || len([]rune(t)) < 50 || strings.ContainsRune(".!?;:,", lastRune(t)) {
			flush()
		} else {
			cur.WriteByte(' ')
		}
	}
	flush()
	return out
}

func lastRune(s string) rune {
	r := []rune(s)
	if len(r) == 0 {
		return 0
	}
	return r[len(r)-1]
}

// normalize lowercases s, removes accents (people type "asistire" and
// "presente"), and keeps only words and commas, separated by single spaces:
// "Je n’y assisterai pas, désolé." → "je n y assisterai pas , desole".
// Apostrophes become spaces, so "I'll" is "i ll" and "j'ai" is "j ai".
func normalize(s string) string {
	s = norm.NFD.String(strings.ToLower(s))
	var b strings.Builder
	space := true
	sep := func() {
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			// combining accent left by NFD
		case r == 'œ':
			b.WriteString("oe")
			space = false
		case r == 'æ':
			b.WriteString("ae")
			space = false
		case r == 'ß':
			b.WriteString("ss")
			space = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			space = false
		case r == ',':
			sep()
			b.WriteString(", ")
			space = true
		default:
			sep()
		}
	}
	out := strings.TrimSpace(b.String())
	out = strings.TrimSpace(strings.Trim(out, ","))
	return strings.Join(strings.Fields(out), " ")
}

// foldAccents removes accents and turns "-" into a space, keeping other
// punctuation: "Refusé : x" → "refuse : x", "peut-être:" → "peut etre:".
func foldAccents(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == '-' || r == '\u00a0':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
