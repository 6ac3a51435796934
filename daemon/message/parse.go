package message

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

// ErrUnreadable is returned by Parse when the input has no header block.
var ErrUnreadable = errors.New("message: no header block")

const (
	maxDepth = 32   // nesting of multiparts; deeper parts are ignored
	maxParts = 1000 // leaf parts; more are ignored
)

// Parse decodes raw into a Message. It fails only when raw has no header
// block at all (empty input, binary junk, a body without fields); broken
// MIME, unknown charsets and malformed fields are tolerated and listed in
// Message.Defects.
func Parse(raw []byte) (*Message, error) {
	h, body, ok := splitHeader(raw)
	if !ok {
		return nil, ErrUnreadable
	}
	m := &Message{Header: h}
	if !hasMessageField(h) {
		return nil, ErrUnreadable
	}
	m.readEnvelope()
	m.ContentType, m.ContentParams = contentType(h)

	w := walker{m: m, plainLeft: MaxText, htmlLeft: MaxHTMLInput}
	w.entity(h, body, 0, "")
	m.Text = w.text()
	return m, nil
}

// ParseHeaderOnly decodes the header of raw as Parse does (addresses,
// subject, ids) without reading its body: for a message returned inside
// a report, whose header is all that is asked of it.
func ParseHeaderOnly(raw []byte) (*Message, error) {
	h, _, ok := splitHeader(raw)
	if !ok || !hasMessageField(h) {
		return nil, ErrUnreadable
	}
	m := &Message{Header: h}
	m.readEnvelope()
	m.ContentType, m.ContentParams = contentType(h)
	return m, nil
}

// hasMessageField tells a real header block from a body that happens to begin
// with "Word: text": at least one RFC 5322 or MIME field must be present.
func hasMessageField(h Header) bool {
	for _, k := range []string{"From", "Sender", "To", "Cc", "Subject", "Date", "Message-Id",
		"Received", "Return-Path", "Content-Type", "Mime-Version", "Delivered-To", "Reply-To", "In-Reply-To", "References"} {
		if h.Has(k) {
			return true
		}
	}
	return false
}

// splitHeader finds the header block and parses it with go-message. The
// block normally ends at the first empty line (RFC 5322 §2.1); a line that is
// neither a field nor a continuation also ends it, and is kept as body, so a
// mailer that forgot the blank line loses nothing.
func splitHeader(raw []byte) (Header, []byte, bool) {
	pos := 0
	// An mbox "From " separator line may precede the header.
	if bytes.HasPrefix(raw, []byte("From ")) {
		if i := bytes.IndexByte(raw, '\n'); i >= 0 && !isFieldLine(raw[:i]) {
			pos = i + 1
		}
	}
	start, end, bodyStart := pos, -1, len(raw)
	fields := 0
	for pos < len(raw) {
		next := len(raw)
		line := raw[pos:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			next = pos + i + 1
			line = line[:i]
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		switch {
		case len(line) == 0:
			end, bodyStart = pos, next
		case line[0] == ' ' || line[0] == '\t':
			if fields == 0 {
				end, bodyStart = pos, pos
			}
		case isFieldLine(line):
			fields++
		default:
			end, bodyStart = pos, pos
		}
		if end >= 0 {
			break
		}
		pos = next
	}
	if end < 0 {
		end = len(raw)
	}
	if fields == 0 {
		return nil, nil, false
	}
	h, _ := readHeader(raw[start:end])
	if len(h) == 0 {
		return nil, nil, false
	}
	return h, raw[bodyStart:], true
}

// readHeader parses a header block with go-message's textproto reader.
func readHeader(block []byte) (Header, error) {
	buf := make([]byte, 0, len(block)+2)
	buf = append(append(buf, block...), "\r\n"...)
	th, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(buf)))
	return fromTextproto(th), err
}

// isFieldLine reports "name:" with a valid field name (RFC 5322 §2.2;
// spaces before the colon are tolerated as go-message does).
func isFieldLine(line []byte) bool {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return false
	}
	name := bytes.TrimRight(line[:i], " \t")
	if len(name) == 0 {
		return false
	}
	for _, c := range name {
		if c < 33 || c > 126 {
			return false
		}
	}
	return true
}

// readEnvelope fills the address, identifier, subject and date fields.
func (m *Message) readEnvelope() {
	h := m.Header
	addrs := func(key string) []Address {
		var out []Address
		for _, f := range h {
			if strings.EqualFold(f.Key, key) {
				l, ok := parseAddressList(f.Raw)
				if !ok {
					m.defect("malformed " + f.Key)
				}
				out = append(out, l...)
			}
		}
		return out
	}
	m.From, m.Sender, m.ReplyTo = addrs("From"), addrs("Sender"), addrs("Reply-To")
	m.To, m.Cc, m.Bcc = addrs("To"), addrs("Cc"), addrs("Bcc")
	m.ResentFrom, m.ResentTo = addrs("Resent-From"), addrs("Resent-To")
	m.ResentCc, m.ResentBcc = addrs("Resent-Cc"), addrs("Resent-Bcc")

	// The topmost Return-Path is the one added at final delivery (RFC 5321 §4.4).
	if h.Has("Return-Path") {
		if rp, ok := parseReturnPath(h.Raw("Return-Path")); ok {
			m.HasReturnPath, m.ReturnPath = true, rp
		} else {
			m.defect("unreadable Return-Path")
		}
	}
	m.Subject = collapseSpace(h.Get("Subject"))
	if ids := parseMsgIDs(h.Raw("Message-Id")); len(ids) > 0 {
		m.MessageID = ids[0]
	}
	m.InReplyTo = parseMsgIDs(h.Raw("In-Reply-To"))
	m.References = parseMsgIDs(strings.Join(rawValues(h, "References"), " "))
	m.Date = parseDate(h.Raw("Date"))
}

func rawValues(h Header, key string) []string {
	var vs []string
	for _, f := range h {
		if strings.EqualFold(f.Key, key) {
			vs = append(vs, f.Raw)
		}
	}
	return vs
}

// contentType returns the media type of an entity; RFC 2045 §5.2 makes a
// missing or unreadable one text/plain.
func contentType(h Header) (string, map[string]string) {
	mt, params := parseMediaType(h.Raw("Content-Type"))
	if mt == "" || !strings.Contains(mt, "/") {
		return "text/plain", params
	}
	return mt, params
}

// transferDecode undoes Content-Transfer-Encoding (RFC 2045 §6) with
// go-message, keeping at most limit bytes (limit < 0: all). Unknown
// encodings and corrupt data keep what could be read. The identity
// encodings return a slice of body, not a copy.
func transferDecode(cte string, body []byte, m *Message, limit int) []byte {
	r, ok := transferReader(cte, body, m)
	if !ok {
		if limit >= 0 && len(body) > limit {
			return body[:limit]
		}
		return body
	}
	if limit >= 0 {
		r = io.LimitReader(r, int64(limit))
	}
	out, err := io.ReadAll(r)
	if err != nil {
		m.defect("corrupt " + strings.ToLower(strings.TrimSpace(cte)) + " data")
	}
	return out
}

// decodedSize is the size of body once transfer-decoded, counted without
// keeping the decoded bytes.
func decodedSize(cte string, body []byte, m *Message) int {
	r, ok := transferReader(cte, body, m)
	if !ok {
		return len(body)
	}
	n, _ := io.Copy(io.Discard, r)
	return int(n)
}

// transferReader returns a decoding reader of body, or false when body
// needs no decoding (identity encodings, and unknown ones, which are kept
// as they are).
func transferReader(cte string, body []byte, m *Message) (io.Reader, bool) {
	cte = strings.ToLower(strings.TrimSpace(cte))
	switch cte {
	case "", "7bit", "8bit", "binary", "7-bit", "8-bit":
		return nil, false
	}
	var th textproto.Header
	th.Set("Content-Transfer-Encoding", cte)
	e, err := gomessage.New(gomessage.Header{Header: th}, bytes.NewReader(body))
	if err != nil {
		m.defect("unknown transfer encoding " + cte)
		return nil, false
	}
	return e.Body, true
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of b, left
// by a cut, so that cut UTF-8 text is not mistaken for another charset.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < utf8.RuneSelf {
			return b // ASCII: nothing partial after it
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}
