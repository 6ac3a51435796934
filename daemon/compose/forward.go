package compose

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"mime"
	"strings"
	"time"

	"github.com/emersion/go-message"
)

// ForwardInput is what Forward needs.
type ForwardInput struct {
	From, FromName string
	To             string
	MessageID      string // ours, with or without <>
	Date           time.Time
	Subject        string
	Text           string // a short note above the attachment
	LoopHeader     string
	LoopValue      string
	Original       []byte // the message forwarded, as received
}

// Forward builds a message that carries the original as a message/rfc822
// attachment, headers intact (docs/CONFIG.md §6.2, action forward). RFC 2046
// §5.2.1 allows only 7bit, 8bit or binary for message/rfc822, never
// base64, so the original is attached as it is, with CRLF line ends.
func Forward(in ForwardInput) ([]byte, error) {
	to, err := bareAddress("To", in.To)
	if err != nil {
		return nil, err
	}
	from, err := bareAddress("From", in.From)
	if err != nil {
		return nil, err
	}
	if in.Date.IsZero() {
		in.Date = time.Now()
	}
	id := normID(in.MessageID)
	if id == "" {
		return nil, fmt.Errorf("forward: message id %q is not valid", in.MessageID)
	}
	var f fields
	f.addAddress("From", in.FromName, from)
	f.addAddress("To", "", to)
	f.addText("Subject", oneLine(in.Subject))
	f.add("Date", in.Date.Format(time.RFC1123Z))
	f.add("Message-ID", "<"+id+">")
	f.add("Auto-Submitted", "auto-forwarded") // RFC 3834 §5
	f.add("X-Auto-Response-Suppress", "All")
	if in.LoopHeader != "" {
		f.add(in.LoopHeader, in.LoopValue)
	}
	f.addRaw("MIME-Version", "MIME-Version: 1.0")
	boundary := "herald-" + strings.ToLower(rand.Text())
	f.add("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": boundary}))
	h, err := f.header()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	mw, err := message.CreateWriter(&buf, h)
	if err != nil {
		return nil, err
	}
	var th message.Header
	th.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	th.Set("Content-Transfer-Encoding", "quoted-printable")
	pw, err := mw.CreatePart(th)
	if err != nil {
		return nil, err
	}
	if err := writeAll(pw, in.Text); err != nil {
		return nil, err
	}
	orig := crlfLines(in.Original)
	var oh message.Header
	oh.SetContentType("message/rfc822", nil)
	oh.Set("Content-Disposition", "attachment")
	oh.Set("Content-Transfer-Encoding", transferEncoding(orig))
	ow, err := mw.CreatePart(oh)
	if err != nil {
		return nil, err
	}
	if _, err := ow.Write(orig); err != nil {
		return nil, err
	}
	if err := ow.Close(); err != nil {
		return nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// crlfLines makes every line end in CRLF, as SMTP requires.
func crlfLines(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}

// transferEncoding is 7bit for plain ASCII, else 8bit (RFC 6152 8BITMIME,
// which every submission server herald meets offers).
func transferEncoding(b []byte) string {
	for _, c := range b {
		if c >= 0x80 || c == 0 {
			return "8bit"
		}
	}
	return "7bit"
}
