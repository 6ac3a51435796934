package classify

import (
	"errors"
	"strings"

	"github.com/herald-mail/herald/daemon/message"
	"github.com/herald-mail/herald/daemon/textmatch"
)

// Recipient is the delivery outcome for one recipient.
type Recipient struct {
	// Address is the recipient as we addressed it: Original-Recipient when
	// given (RFC 3464 §2.3.1), else Final-Recipient (§2.3.2), lowercased.
	Address           string
	OriginalRecipient string
	FinalRecipient    string
	// Action is lowercased: failed, delayed, delivered, relayed, expanded
	// (RFC 3464 §2.3.3).
	Action string
	// Status is the enhanced status code "class.subject.detail"
	// (RFC 3464 §2.3.4, RFC 3463), e.g. "5.1.1"; "" when unknown.
	Status string
	// DiagnosticCode is the remote server's answer without its type
	// (RFC 3464 §2.3.6), e.g. "550 5.1.1 <x@y>: User unknown".
	DiagnosticCode string
	// RemoteMTA is the server that gave the answer (RFC 3464 §2.3.5).
	RemoteMTA string
}

// Permanent reports a permanent failure (5.x.x, RFC 3463 §3.1) that is not
// a policy or spam rejection: the address itself is bad.
func (r Recipient) Permanent() bool {
	return strings.HasPrefix(r.Status, "5.") && !r.Policy()
}

// Temporary reports a persistent transient failure (4.x.x, RFC 3463 §3.1).
func (r Recipient) Temporary() bool {
	return strings.HasPrefix(r.Status, "4.")
}

// Policy reports a rejection for policy or spam reasons — 5.7.x "security or
// policy status" (RFC 3463 §3.8) or a diagnostic that says so — which says
// nothing about the address and must not mark the contact bounced
// (docs/BEHAVIOUR.md §6.4).
func (r Recipient) Policy() bool {
	if policyText().MatchString(r.DiagnosticCode) {
		return true
	}
	if strings.HasPrefix(r.Status, "5.7.") && noSuchUser().MatchString(r.DiagnosticCode) {
		// Yandex and a few others answer an unknown address with
		// "550 5.7.1 No such user!": the words say what a person reads.
		return false
	}
	return strings.HasPrefix(r.Status, "5.7.") || strings.HasPrefix(r.Status, "4.7.")
}

// noSuchUser is a diagnostic that says the address does not exist.
var noSuchUser = textmatch.Lazy(`(?i)\bno such (user|mailbox|recipient)\b|\buser unknown\b|\bunknown user\b|\b(user|recipient|mailbox) (does not exist|not found)\b`)

// "Not listed in Domino Directory" says the address is unknown; "listed
// at Spamhaus" that the sender is blocked: only block lists count.
var policyText = textmatch.Lazy(`(?i)\bspam\b|blacklist|blocklist|block ?list|\blisted (at|on|in) [^.;]*(spamhaus|spamcop|sorbs|barracuda|\bcbl\b|\brbl\b|dnsbl|uceprotect|abuseat|block|black)|spamhaus|spamcop|\bdnsbl\b|\brbl\b|\bpolicy\b|reputation|\bdmarc\b|\bspf\b|\bdkim\b`)

// DSN is a parsed message/delivery-status body (RFC 3464 §2).
type DSN struct {
	ReportingMTA       string
	ReceivedFromMTA    string
	OriginalEnvelopeID string
	ArrivalDate        string
	Recipients         []Recipient
}

// ErrNoRecipients is returned by ParseDSN when no per-recipient group is found.
var ErrNoRecipients = errors.New("classify: delivery status without recipient fields")

// ParseDSN reads a message/delivery-status body: one group of per-message
// fields, then one group per recipient, separated by blank lines
// (RFC 3464 §2.1). It is lenient, as a person reading the report is: a
// missing blank line between groups, a missing Action or Status, extra
// blank lines, and a long value wrapped onto an unindented line (which
// RFC 5322 §2.2.3 forbids, but MTAs write) are all read.
func ParseDSN(body []byte) (*DSN, error) {
	d := &DSN{}
	for i, h := range dsnGroups(body) {
		if i == 0 || h.Has("Reporting-MTA") {
			d.ReportingMTA = firstNonEmpty(d.ReportingMTA, stripType(h.Get("Reporting-MTA")))
			d.ReceivedFromMTA = firstNonEmpty(d.ReceivedFromMTA, stripType(h.Get("Received-From-MTA")))
			d.OriginalEnvelopeID = firstNonEmpty(d.OriginalEnvelopeID, strings.TrimSpace(h.Get("Original-Envelope-Id")))
			d.ArrivalDate = firstNonEmpty(d.ArrivalDate, strings.TrimSpace(h.Get("Arrival-Date")))
		}
		if h.Has("Final-Recipient") || h.Has("Original-Recipient") {
			d.Recipients = append(d.Recipients, recipientFields(h))
		}
	}
	if len(d.Recipients) == 0 {
		return d, ErrNoRecipients
	}
	return d, nil
}

// dsnFieldNames are the fields of RFC 3464 §2.2 and §2.3 (and RFC 6533's);
// a line "Name: value" is a field only with one of these names or an X-
// name, so "said: 550 ..." wrapped onto its own line stays part of the
// diagnostic before it.
var dsnFieldNames = map[string]bool{
	"reporting-mta": true, "dsn-gateway": true, "received-from-mta": true, "arrival-date": true,
	"original-envelope-id": true, "original-recipient": true, "final-recipient": true, "action": true,
	"status": true, "remote-mta": true, "diagnostic-code": true, "last-attempt-date": true,
	"final-log-id": true, "will-retry-until": true,
}

// dsnGroups splits a DSN body into field groups: at blank lines, and where
// a second recipient's fields start without one.
func dsnGroups(body []byte) []message.Header {
	text := strings.ReplaceAll(string(body), "\r\n", "\n")
	var groups []message.Header
	var cur message.Header
	flush := func() {
		if len(cur) > 0 {
			groups = append(groups, cur)
			cur = nil
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		name, value, field := dsnField(line)
		switch {
		case field:
			key := strings.ToLower(name)
			if (key == "final-recipient" || key == "original-recipient") && (cur.Has(key) || cur.Has("Action") || cur.Has("Status")) {
				flush() // the next recipient, without a blank line
			}
			cur = append(cur, message.Field{Key: name, Raw: value, Value: value})
		case len(cur) > 0 && len(cur[len(cur)-1].Raw) < maxDSNField:
			// A continuation, indented (RFC 5322 §2.2.3) or not; a field
			// stops growing at maxDSNField, so that a stranger's report of
			// a million short lines costs its length, not its square.
			f := &cur[len(cur)-1]
			f.Raw = strings.TrimSpace(f.Raw + " " + strings.TrimSpace(line))
			f.Value = f.Raw
		}
		if len(groups) >= maxDSNGroups {
			break
		}
	}
	flush()
	return groups
}

// maxDSNField and maxDSNGroups bound what is read of a report: a field's
// value (a diagnostic is a line or two of SMTP reply) and the groups
// (the per-message one and one per recipient; herald's own messages have
// one recipient, and a report naming more is not about one of them).
const (
	maxDSNField  = 4 << 10
	maxDSNGroups = 101
)

// dsnField splits "Name: value" when Name is a DSN field name.
func dsnField(line string) (name, value string, ok bool) {
	if line[0] == ' ' || line[0] == '\t' {
		return "", "", false
	}
	i := strings.IndexByte(line, ':')
	if i <= 0 {
		return "", "", false
	}
	name = strings.TrimSpace(line[:i])
	key := strings.ToLower(name)
	if !dsnFieldNames[key] && !strings.HasPrefix(key, "x-") {
		return "", "", false
	}
	if strings.ContainsAny(name, " \t") {
		return "", "", false
	}
	return name, strings.TrimSpace(line[i+1:]), true
}

// recipientFields reads one per-recipient group (RFC 3464 §2.3).
func recipientFields(h message.Header) Recipient {
	r := Recipient{
		OriginalRecipient: recipientAddress(h.Get("Original-Recipient")),
		FinalRecipient:    recipientAddress(h.Get("Final-Recipient")),
		Action:            normalAction(firstWord(h.Get("Action"))),
		DiagnosticCode:    collapse(stripType(h.Get("Diagnostic-Code"))),
		RemoteMTA:         stripType(h.Get("Remote-MTA")),
	}
	r.Address = firstNonEmpty(r.OriginalRecipient, r.FinalRecipient)
	r.Status = statusFromText(h.Get("Status"))
	if r.Status == "" {
		r.Status = statusFromText(r.DiagnosticCode)
	}
	if r.Action == "" && r.Status != "" {
		// §2.3.3 makes Action required; without it, a 2.x.x status says
		// the message arrived, a 5.x.x or 4.x.x that the attempt failed.
		r.Action = "failed"
		if r.Status[0] == '2' {
			r.Action = "delivered"
		}
	}
	return r
}

// normalAction maps an Action value to RFC 3464 §2.3.3's words. MTAs also
// write "expired" (the retry period ran out: the message will not arrive),
// "failure", "bounced", "deferred" or "success".
func normalAction(a string) string {
	switch a = strings.ToLower(strings.Trim(a, ".,;")); a {
	case "expired", "failure", "fail", "bounced", "bounce", "undeliverable", "rejected", "error":
		return "failed"
	case "delay", "deferred", "retry", "queued":
		return "delayed"
	case "delivery", "success", "succeeded", "sent":
		return "delivered"
	}
	return a
}

// recipientAddress reads "addr-type; address" (RFC 3464 §2.3.1-2); for
// rfc822 and utf-8 (RFC 6533) addresses the brackets are dropped and the
// address lowercased.
func recipientAddress(v string) string {
	v = strings.TrimSpace(v)
	typ := ""
	if i := strings.IndexByte(v, ';'); i >= 0 {
		typ, v = strings.ToLower(strings.TrimSpace(v[:i])), strings.TrimSpace(v[i+1:])
	}
	v = strings.Trim(v, "<> \t")
	if typ == "" || typ == "rfc822" || typ == "utf-8" || strings.Contains(v, "@") {
		return strings.ToLower(v)
	}
	return v
}

// stripType drops the "type;" prefix of diagnostic-type and mta-name-type
// fields (RFC 3464 §2.2.2, §2.3.6).
func stripType(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, ';'); i >= 0 && i < 20 && !strings.ContainsAny(v[:i], " <@") {
		return strings.TrimSpace(v[i+1:])
	}
	return v
}

var (
	enhancedCode = textmatch.Lazy(`\b([245])\.(\d{1,3})\.(\d{1,3})\b`)
	basicCode    = textmatch.Lazy(`\b([45])[0-5][0-9]\b`)
)

// statusCode extracts "x.y.z" from a Status field, which may carry a comment.
func statusCode(v string) string {
	if m := enhancedCode().FindStringSubmatch(v); m != nil {
		return m[1] + "." + m[2] + "." + m[3]
	}
	return ""
}

// statusFromText finds an enhanced status code in free text, falling back to
// the class of a basic SMTP reply code (RFC 5321 §4.2: 5yz permanent, 4yz
// transient) as "5.0.0" or "4.0.0".
func statusFromText(s string) string {
	if c := statusCode(s); c != "" {
		return c
	}
	if m := basicCode().FindStringSubmatch(s); m != nil {
		return m[1] + ".0.0"
	}
	return ""
}

func firstWord(s string) string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == ';' || r == '(' })
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
