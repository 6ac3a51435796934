// Package message turns a raw RFC 5322 message into the decoded view the rest
// of herald works on: header fields, addresses, identifiers, readable text,
// attachments and the machine-readable parts of reports (DSN, MDN, ARF) and
// calendar replies. It never touches the network and never panics on input:
// only a message without any header block is refused (the watcher quarantines
// it, docs/BEHAVIOUR.md §3.5); everything else is read as well as it can be.
package message

import (
	"strings"
	"time"
)

// Message is the decoded view of one message.
type Message struct {
	// Header holds every top-level field in order, decoded.
	Header Header

	From, Sender, ReplyTo, To, Cc, Bcc []Address
	// Resent-* fields (RFC 5322 §3.6.6); all occurrences are merged.
	ResentFrom, ResentTo, ResentCc, ResentBcc []Address

	// ReturnPath is the lowercased envelope sender from the topmost
	// Return-Path field, "" when it is absent or the null path "<>".
	ReturnPath string
	// HasReturnPath reports a readable Return-Path field, so callers can
	// tell the null path "<>" (bounces, auto-replies) from "not recorded".
	HasReturnPath bool

	// Subject is decoded (RFC 2047, raw 8-bit) with whitespace collapsed.
	Subject string
	// MessageID, InReplyTo and References hold ids without angle brackets.
	MessageID  string
	InReplyTo  []string
	References []string
	// Date is the zero time when the field is missing or unreadable.
	Date time.Time

	// ContentType is the lowercased top-level media type, e.g.
	// "multipart/report"; ContentParams its parameters with lowercased keys
	// (e.g. "report-type" → "delivery-status").
	ContentType   string
	ContentParams map[string]string

	// Text is the readable body: the text/plain parts, or the HTML parts
	// rendered as text when there is no usable plain text. Line ends are "\n".
	Text string
	// TextFromHTML reports that Text was rendered from HTML.
	TextFromHTML bool

	// Attachments lists the parts that are not the body.
	Attachments []Attachment
	// Parts are the machine-readable parts of interest, kept as decoded bytes
	// (see IsPartOfInterest).
	Parts []Part

	// Defects lists what was wrong with the message and tolerated
	// (for logs; never shown to a correspondent).
	Defects []string
}

// Address is one mailbox: the lowercased address and the decoded display name.
// Address may be a partial string when the field was broken but readable.
type Address struct {
	Name    string
	Address string
}

// String formats the address for logs and templates.
func (a Address) String() string {
	if a.Name == "" {
		return a.Address
	}
	return a.Name + " <" + a.Address + ">"
}

// Attachment describes one non-body part.
type Attachment struct {
	Filename    string
	ContentType string
	// Size is the decoded size in bytes.
	Size int
	// Inline reports an inline part (Content-Disposition: inline, or a
	// Content-ID image inside multipart/related such as a signature logo),
	// which users do not think of as an attachment.
	Inline bool
}

// Part is a machine-readable part kept for classification.
type Part struct {
	// ContentType is lowercased; Params has lowercased keys.
	ContentType string
	Params      map[string]string
	Header      Header
	// Body is transfer-decoded (base64, quoted-printable) but otherwise raw.
	Body []byte
}

// partsOfInterest are kept raw for the classifier: RFC 3464 delivery status,
// RFC 8098 disposition notifications, RFC 5965 feedback reports, returned
// messages or their headers (RFC 3462 / RFC 6522, RFC 6533 global variants),
// and RFC 5546 calendar objects.
var partsOfInterest = map[string]bool{
	"message/delivery-status":                 true,
	"message/global-delivery-status":          true,
	"message/disposition-notification":        true,
	"message/global-disposition-notification": true,
	"message/feedback-report":                 true,
	"message/rfc822":                          true,
	"message/global":                          true,
	"text/rfc822-headers":                     true,
	"message/global-headers":                  true,
	"text/calendar":                           true,
	"application/ics":                         true,
}

// IsPartOfInterest reports whether parts of this media type end up in
// Message.Parts.
func IsPartOfInterest(contentType string) bool {
	return partsOfInterest[strings.ToLower(contentType)]
}

// Part returns the first kept part whose type is one of types, or nil.
func (m *Message) Part(types ...string) *Part {
	for i := range m.Parts {
		for _, t := range types {
			if strings.EqualFold(m.Parts[i].ContentType, t) {
				return &m.Parts[i]
			}
		}
	}
	return nil
}

// Recipients returns every address in To, Cc, Bcc and Resent-To/Cc/Bcc:
// the fields RFC 5230 §4.5 looks at to decide whether mail was sent to us.
func (m *Message) Recipients() []Address {
	var all []Address
	for _, l := range [][]Address{m.To, m.Cc, m.Bcc, m.ResentTo, m.ResentCc, m.ResentBcc} {
		all = append(all, l...)
	}
	return all
}

// FromAddress returns the first From address, or "".
func (m *Message) FromAddress() string {
	if len(m.From) == 0 {
		return ""
	}
	return m.From[0].Address
}

func (m *Message) defect(format string) {
	if len(m.Defects) < 50 {
		m.Defects = append(m.Defects, format)
	}
}
