package compose

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// PlainInput is a plain-text message herald writes of its own accord,
// neither an answer to a received message nor a wave: the digest an
// account receives, a message 'herald sandbox inject' delivers.
type PlainInput struct {
	// From is a plain address, FromName its display name (may be empty).
	From     string
	FromName string
	// To is a plain address.
	To      string
	Subject string
	// Date is the Date header; zero means now.
	Date time.Time
	// MessageID is the message's id, from NewMessageID, with or without <>.
	MessageID string
	// InReplyTo, when set, is the id of the message this one answers: it
	// becomes In-Reply-To and References (RFC 5322 §3.6.4).
	InReplyTo string
	// Fields are further header fields, written in order after those
	// above: Auto-Submitted, a loop marker, X-Auto-Response-Suppress.
	Fields []Field
	// Text is the body, UTF-8.
	Text string
}

// Field is one header field of PlainInput.
type Field struct{ Name, Value string }

// plainOwn are the fields Plain sets itself, which PlainInput.Fields may
// not give again.
var plainOwn = []string{"From", "To", "Subject", "Date", "Message-Id", "In-Reply-To", "References",
	"Mime-Version", "Content-Type", "Content-Transfer-Encoding"}

// Plain builds a text/plain message, UTF-8 in quoted-printable, with the
// header rules of every message herald writes: non-ASCII text in RFC 2047
// words, no line break in a value.
func Plain(in PlainInput) ([]byte, error) {
	f, err := in.fields()
	if err != nil {
		return nil, fmt.Errorf("message to %s: %w", in.To, err)
	}
	b, err := write(nil, f, body{text: in.Text})
	if err != nil {
		return nil, fmt.Errorf("message to %s: %w", in.To, err)
	}
	return b, nil
}

func (in *PlainInput) fields() (fields, error) {
	from, err := bareAddress("from", in.From)
	if err != nil {
		return nil, err
	}
	to, err := bareAddress("to", in.To)
	if err != nil {
		return nil, err
	}
	id := normID(in.MessageID)
	if id == "" {
		return nil, fmt.Errorf("message-id %q is not <left@right>; make one with NewMessageID", in.MessageID)
	}
	date := in.Date
	if date.IsZero() {
		date = time.Now()
	}
	var f fields
	f.addAddress("From", oneLine(in.FromName), from)
	f.addAddress("To", "", to)
	f.addText("Subject", oneLine(in.Subject))
	f.add("Date", date.Format(time.RFC1123Z))
	f.addRaw("Message-ID", "Message-ID: <"+id+">") // not go-message's "Message-Id"
	if in.InReplyTo != "" {
		parent := normID(in.InReplyTo)
		if parent == "" {
			return nil, fmt.Errorf("in-reply-to %q is not a Message-ID <left@right>", in.InReplyTo)
		}
		f.add("In-Reply-To", "<"+parent+">")
		f.add("References", "<"+parent+">")
	}
	for _, x := range in.Fields {
		name := canonical(x.Name)
		if !validFieldName(name) || f.has(name) || slices.ContainsFunc(plainOwn, func(o string) bool { return strings.EqualFold(o, name) }) {
			return nil, fmt.Errorf("header %q is not a free header name", x.Name)
		}
		f.addText(name, x.Value)
	}
	return f, nil
}
