package compose

import (
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/herald-mail/herald/daemon/templates"
)

// AutoReplyInput is everything AutoReply needs; the caller has already
// decided, by the policy of docs/BEHAVIOUR.md §5, that an answer may be sent.
type AutoReplyInput struct {
	// From and FromName are the account's address and from_name.
	From     string
	FromName string
	// To is the original's return path (Return-Path, else From: RFC 3834
	// §4), a bare address.
	To string
	// MessageID is this reply's id, from NewMessageID, recorded by the
	// caller before sending.
	MessageID string
	// Date is the Date header; zero means now.
	Date time.Time
	// Original is the message answered.
	Original Original
	// LoopHeader and LoopValue are herald's loop marker, e.g.
	// "X-Herald-Loop: decorte@un.org"; both required.
	LoopHeader string
	LoopValue  string
	// Rendered is the acknowledgement or confirmation, from templates.
	Rendered *templates.Rendered
}

// reservedHeaders are set by AutoReply; neither the loop marker nor a
// template header may replace them.
var reservedHeaders = []string{
	"From", "To", "Cc", "Bcc", "Reply-To", "Sender", "Subject", "Date", "Message-Id",
	"In-Reply-To", "References", "Auto-Submitted", "X-Auto-Response-Suppress",
	"Mime-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Language",
	"Return-Path", "Precedence",
}

// AutoReply builds an automatic answer (acknowledgement, RSVP or
// unsubscribe confirmation) as RFC 3834 asks of one.
//
// Precedence is not set: RFC 3834 §3.1.8 says not to rely on it, and
// Auto-Submitted is the standard marker.
func AutoReply(in AutoReplyInput) ([]byte, error) {
	f, err := in.fields()
	if err != nil {
		return nil, fmt.Errorf("auto-reply to %s: %w", in.To, err)
	}
	b, err := write(nil, f, body{text: in.Rendered.Text, html: in.Rendered.HTML})
	if err != nil {
		return nil, fmt.Errorf("auto-reply to %s: %w", in.To, err)
	}
	return b, nil
}

// checkMessage checks what every message herald writes needs: plain
// From and To addresses, a Message-ID and a rendered subject and text. It
// returns the addresses bare and the id without its angle brackets.
func checkMessage(fromAddr, toAddr, messageID string, r *templates.Rendered) (from, to, id string, err error) {
	if from, err = bareAddress("from", fromAddr); err != nil {
		return "", "", "", err
	}
	if to, id, err = checkRecipient(toAddr, messageID, r); err != nil {
		return "", "", "", err
	}
	return from, to, id, nil
}

// checkRecipient is checkMessage after the sender's address.
func checkRecipient(toAddr, messageID string, r *templates.Rendered) (to, id string, err error) {
	if to, err = bareAddress("to", toAddr); err != nil {
		return "", "", err
	}
	if id = normID(messageID); id == "" {
		return "", "", fmt.Errorf("message-id %q is not <left@right>; make one with NewMessageID", messageID)
	}
	if r == nil || strings.TrimSpace(r.Subject) == "" {
		return "", "", errors.New("no subject: render the template first")
	}
	if r.Text == "" {
		return "", "", errors.New("empty text body")
	}
	return to, id, nil
}

// fields checks in and lays out the reply's header.
func (in *AutoReplyInput) fields() (fields, error) {
	from, to, id, err := checkMessage(in.From, in.To, in.MessageID, in.Rendered)
	if err != nil {
		return nil, err
	}
	c := in.Rendered
	date := in.Date
	if date.IsZero() {
		date = time.Now()
	}

	var f fields
	f.addAddress("From", oneLine(in.FromName), from)
	f.addAddress("To", "", to)
	f.addText("Subject", oneLine(c.Subject))
	f.add("Date", date.Format(time.RFC1123Z))
	f.addRaw("Message-ID", "Message-ID: <"+id+">") // not go-message's "Message-Id"
	if parent, refs := threading(in.Original); parent != "" {
		f.add("In-Reply-To", "<"+parent+">")
		f.add("References", "<"+strings.Join(refs, "> <")+">")
	}
	f.add("Auto-Submitted", "auto-replied")  // RFC 3834 §5
	f.add("X-Auto-Response-Suppress", "All") // Exchange: answer this with nothing
	if err := in.addLoop(&f); err != nil {
		return nil, err
	}
	if err := addExtra(&f, c.Headers); err != nil {
		return nil, err
	}
	if langRE.MatchString(c.Lang) {
		f.add("Content-Language", c.Lang) // RFC 3282
	}
	return f, nil
}

func (in *AutoReplyInput) addLoop(f *fields) error {
	name := canonical(strings.TrimSpace(in.LoopHeader))
	if !validFieldName(name) || reserved(name) {
		return fmt.Errorf("loop marker header %q is not a free header name; use e.g. X-Herald-Loop", in.LoopHeader)
	}
	v := strings.TrimSpace(in.LoopValue)
	if v == "" || strings.ContainsAny(v, "\r\n") || !isASCII(v) {
		return fmt.Errorf("loop marker value %q must be one line of ASCII", in.LoopValue)
	}
	f.add(name, v)
	return nil
}

// addExtra adds a template's own X- headers, sorted for stable output.
func addExtra(f *fields, extra map[string]string) error {
	names := make([]string, 0, len(extra))
	for k := range extra {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		name := canonical(k)
		if !validFieldName(name) || reserved(name) || f.has(name) {
			return fmt.Errorf("template header %q clashes with one herald sets", k)
		}
		f.addText(name, oneLine(extra[k]))
	}
	return nil
}

// bareAddress checks that s is one address without a display name, bare
// or in angle brackets as Return-Path gives it, and returns it bare, as
// headers carry it (headerAddress: an international domain in A-labels).
func bareAddress(role, s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" {
		return "", fmt.Errorf("%s address %q is not one plain address", role, s)
	}
	addr, err := headerAddress(a.Address)
	if err != nil {
		return "", fmt.Errorf("%s %w", role, err)
	}
	return addr, nil
}

func reserved(name string) bool {
	for _, r := range reservedHeaders {
		if strings.EqualFold(r, name) {
			return true
		}
	}
	return false
}

// oneLine folds any line break to a space: the templates package already
// guarantees it for subjects, the account's from_name comes from config.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s // what the join below gives, without its allocations
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }), " ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 32 || s[i] > 126 {
			return false
		}
	}
	return true
}

var langRE = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
