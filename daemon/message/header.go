package message

import (
	"mime"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/textproto"
	"github.com/herald-mail/herald/daemon/textmatch"
)

// Field is one header field.
type Field struct {
	// Key is the canonical field name ("Message-Id", "X-Ms-Exchange-...").
	Key string
	// Raw is the unfolded value with raw 8-bit bytes converted to UTF-8 but
	// encoded-words left alone: the form address and msg-id parsers need.
	Raw string
	// Value is Raw with RFC 2047 encoded-words decoded.
	Value string
}

// Header is an ordered list of fields; lookups ignore case (RFC 5322 §1.2.2).
type Header []Field

// Get returns the decoded value of the first field named key, or "".
func (h Header) Get(key string) string {
	for _, f := range h {
		if strings.EqualFold(f.Key, key) {
			return f.Value
		}
	}
	return ""
}

// Values returns the decoded values of every field named key, in order.
func (h Header) Values(key string) []string {
	var vs []string
	for _, f := range h {
		if strings.EqualFold(f.Key, key) {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// Raw returns the undecoded value of the first field named key, or "".
func (h Header) Raw(key string) string {
	for _, f := range h {
		if strings.EqualFold(f.Key, key) {
			return f.Raw
		}
	}
	return ""
}

// Has reports whether a field named key is present, even if empty.
func (h Header) Has(key string) bool {
	for _, f := range h {
		if strings.EqualFold(f.Key, key) {
			return true
		}
	}
	return false
}

// HasPrefix reports whether any field name starts with prefix (ignoring case),
// e.g. "List-" for the RFC 2369/2919 list fields.
func (h Header) HasPrefix(prefix string) bool {
	for _, f := range h {
		if len(f.Key) >= len(prefix) && strings.EqualFold(f.Key[:len(prefix)], prefix) {
			return true
		}
	}
	return false
}

// ParseHeader reads a bare header block (as found in text/rfc822-headers or
// a message/delivery-status group) into a Header. It keeps whatever fields it
// could read before a malformed line.
func ParseHeader(raw []byte) Header {
	h, _ := readHeader(raw)
	return h
}

// fromTextproto converts a go-message header, decoding every value.
func fromTextproto(th textproto.Header) Header {
	var h Header
	fs := th.Fields()
	for fs.Next() {
		raw := toUTF8(fs.Value())
		h = append(h, Field{Key: fs.Key(), Raw: raw, Value: decodeWords(raw)})
	}
	return h
}

// toUTF8 accepts raw 8-bit header text. RFC 6532 allows UTF-8; older mailers
// still send Latin-1 or windows-1252 without encoded-words, so invalid UTF-8
// is read as windows-1252 (the superset browsers use for "iso-8859-1").
func toUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return decodeWindows1252([]byte(s))
}

var wordDecoder = &mime.WordDecoder{CharsetReader: charsetReader}

// decodeWords decodes RFC 2047 encoded-words. Words with an unknown charset
// or bad encoding are left as they are rather than losing the whole value.
func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	// A word's bytes are not checked against its charset ("=?utf-8?B?//8=?="),
	// so the result is made valid UTF-8.
	if d, err := wordDecoder.DecodeHeader(s); err == nil {
		return strings.ToValidUTF8(d, "\uFFFD")
	}
	// Decode word by word so one bad word does not spoil the others.
	return strings.ToValidUTF8(encodedWord().ReplaceAllStringFunc(s, func(w string) string {
		if d, err := wordDecoder.Decode(w); err == nil {
			return d
		}
		return w
	}), "\uFFFD")
}

var encodedWord = textmatch.Lazy(`=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=`)

// collapseSpace folds runs of white space into one space and trims.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// parseAddressList reads an address list (RFC 5322 §3.4) and, when the strict
// parser refuses it, salvages each comma-separated element it can.
func parseAddressList(raw string) ([]Address, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, true
	}
	parser := mail.AddressParser{WordDecoder: wordDecoder}
	if list, err := parser.ParseList(raw); err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			out = append(out, Address{Name: cleanName(a.Name), Address: strings.ToLower(a.Address)})
		}
		return out, true
	}
	var out []Address
	for _, elem := range splitAddressList(raw) {
		if a, ok := salvageAddress(elem, &parser); ok {
			out = append(out, a)
		}
	}
	return out, false
}

// cleanName decodes encoded-words that the parser leaves inside quoted
// strings (a common violation of RFC 2047 §5) and tidies white space.
func cleanName(s string) string {
	return collapseSpace(decodeWords(s))
}

// splitAddressList splits on commas outside quotes, comments and angle brackets.
func splitAddressList(s string) []string {
	var parts []string
	depth, angle, quoted, start := 0, 0, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case c == '<':
			angle = 1 // "<<a@b>" is a typo, not nesting
		case c == '>':
			angle = 0
		case (c == ',' || c == ';') && depth == 0 && angle == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

var (
	angleAddr = textmatch.Lazy(`<\s*([^<>\s]*@[^<>\s]*)\s*>`)
	bareAddr  = textmatch.Lazy(`[^\s<>()",;:]+@[^\s<>()",;:]+`)
)

// salvageAddress keeps what can be read of one broken list element.
func salvageAddress(elem string, parser *mail.AddressParser) (Address, bool) {
	elem = strings.TrimSpace(elem)
	if i := strings.LastIndex(elem, ":"); i >= 0 && !strings.Contains(elem[:i], "@") && !strings.Contains(elem[:i], "<") {
		elem = strings.TrimSpace(elem[i+1:]) // drop a group name ("undisclosed:")
	}
	if elem == "" {
		return Address{}, false
	}
	if a, err := parser.Parse(elem); err == nil {
		return Address{Name: cleanName(a.Name), Address: strings.ToLower(a.Address)}, true
	}
	if m := angleAddr().FindStringSubmatchIndex(elem); m != nil {
		name := strings.Trim(strings.TrimSpace(elem[:m[0]]), `"'< `)
		return Address{Name: cleanName(name), Address: strings.ToLower(elem[m[2]:m[3]])}, true
	}
	if loc := bareAddr().FindStringIndex(elem); loc != nil {
		name := strings.Trim(strings.TrimSpace(elem[:loc[0]]+elem[loc[1]:]), `"'() `)
		return Address{Name: cleanName(name), Address: strings.ToLower(strings.Trim(elem[loc[0]:loc[1]], "."))}, true
	}
	return Address{}, false
}

// parseReturnPath reads Return-Path (RFC 5322 §3.6.7); the null path "<>"
// (or an empty value) yields "" and ok, an unreadable value !ok.
func parseReturnPath(raw string) (string, bool) {
	raw = strings.TrimSpace(stripComments(raw))
	if m := angleAddr().FindStringSubmatch(raw); m != nil {
		return strings.ToLower(m[1]), true
	}
	if raw == "" || strings.Contains(raw, "<>") {
		return "", true
	}
	if a := bareAddr().FindString(raw); a != "" {
		return strings.ToLower(a), true
	}
	return "", false
}

var msgIDToken = textmatch.Lazy(`<([^<>]*)>`)

// MaxMsgIDs is how many ids parseMsgIDs keeps from one field: the first
// (a References thread's root) and the last MaxMsgIDs-1 (its latest
// messages). RFC 5322 §3.6.4 has a reply's References carry its parent's
// plus the parent's id, so a real thread grows by one id per message; a
// field with thousands is an attack on every lookup made with them.
const MaxMsgIDs = 100

// parseMsgIDs reads a list of msg-ids (RFC 5322 §3.6.4). Ids without angle
// brackets, which some mailers write, are accepted when they contain "@".
// At most MaxMsgIDs are kept.
func parseMsgIDs(raw string) []string {
	raw = stripComments(raw)
	var ids []string
	if ms := msgIDToken().FindAllStringSubmatchIndex(raw, -1); ms != nil {
		for _, m := range capIDs(ms) {
			if id := strings.Join(strings.Fields(raw[m[2]:m[3]]), ""); id != "" {
				ids = append(ids, id)
			}
		}
		return ids
	}
	for _, tok := range strings.FieldsFunc(raw, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' }) {
		if strings.Contains(tok, "@") {
			ids = append(ids, tok)
		}
	}
	return capIDs(ids)
}

// capIDs keeps the first and the last MaxMsgIDs-1 elements of ids.
func capIDs[T any](ids []T) []T {
	if len(ids) <= MaxMsgIDs {
		return ids
	}
	return append(ids[:1], ids[len(ids)-(MaxMsgIDs-1):]...)
}

// stripComments removes (comments) outside angle brackets.
func stripComments(s string) string {
	if !strings.Contains(s, "(") {
		return s
	}
	var b strings.Builder
	depth, angle := 0, false
	for _, r := range s {
		switch {
		case r == '<' && depth == 0:
			angle = true
		case r == '>' && depth == 0:
			angle = false
		case r == '(' && !angle:
			depth++
			continue
		case r == ')' && !angle && depth > 0:
			depth--
			continue
		}
		if depth == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// commonDate is RFC 5322's date-time with the day of the week and a
// numeric zone, the day in one or two digits.
const commonDate = "Mon, 2 Jan 2006 15:04:05 -0700"

// dateLayouts are tried after net/mail.ParseDate for dates seen in the wild.
var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700 (MST)",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 MST 2006",
	"Mon, 2 Jan 2006 15:04:05",
	time.RFC3339,
}

// parseDate reads an RFC 5322 §3.3 date, tolerating common deviations.
func parseDate(s string) time.Time {
	s = collapseSpace(s)
	if s == "" {
		return time.Time{}
	}
	// The form nearly every mailer writes, tried first: net/mail tries
	// a dozen layouts, each failure an allocated error.
	if t, err := time.Parse(commonDate, s); err == nil {
		return t
	}
	if t, err := mail.ParseDate(s); err == nil {
		return t
	}
	s = strings.TrimSuffix(strings.TrimSpace(stripComments(s)), ",")
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

var looseParam = textmatch.Lazy(`(?i)([a-z0-9_.*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)`)

// parseMediaType reads a Content-Type or Content-Disposition value
// (RFC 2045 §5.1, RFC 2183, RFC 2231 continuations). When the strict parser
// refuses the parameters, they are read loosely; parameter values are
// RFC 2047-decoded because many mailers encode filenames that way.
func parseMediaType(v string) (string, map[string]string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", map[string]string{}
	}
	mt, params, err := mime.ParseMediaType(v)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(v, ";", 2)[0]))
		params = map[string]string{}
		if i := strings.IndexByte(v, ';'); i >= 0 {
			for _, m := range looseParam().FindAllStringSubmatch(v[i+1:], -1) {
				key := strings.ToLower(m[1])
				if _, dup := params[key]; !dup {
					params[key] = strings.Trim(m[2], `"`)
				}
			}
		}
	}
	for k, p := range params {
		params[k] = decodeWords(toUTF8(p))
	}
	return mt, params
}

// ParseMsgIDs returns the message ids in a Message-ID, In-Reply-To or
// References value, without angle brackets.
func ParseMsgIDs(raw string) []string {
	return parseMsgIDs(toUTF8(raw))
}

// ParseAddressList reads an address list as Parse does for From or To,
// keeping what can be read of broken elements.
func ParseAddressList(raw string) []Address {
	l, _ := parseAddressList(toUTF8(raw))
	return l
}
