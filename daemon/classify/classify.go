// Package classify recognises, from a parsed message alone, the kinds of
// incoming mail herald must not treat as enquiries — bounces, delay warnings,
// read receipts, abuse reports and auto-replies (docs/BEHAVIOUR.md §4, steps 1 and 2) —
// and decides from the header whether an acknowledgement must be suppressed
// (docs/BEHAVIOUR.md §5, acknowledgement policy). Nothing here needs the database or the
// network: rate limits and "replies to our mail" are the caller's business.
package classify

import (
	"strings"

	"github.com/herald-mail/herald/daemon/message"
	"github.com/herald-mail/herald/daemon/textmatch"
)

// Kind is what a message was recognised as.
type Kind string

// The kinds Classify reports.
const (
	// Other is ordinary mail: unsubscribe, RSVP, follow-up or enquiry.
	Other Kind = "other"
	// Bounce is a delivery failure (RFC 3464 DSN or a known MTA text).
	Bounce Kind = "bounce"
	// Delay is a delivery-delayed warning (RFC 3464 Action: delayed): the
	// message may still arrive, so it is not a bounce.
	Delay Kind = "delay"
	// DeliveryReport is a positive DSN (Action: delivered, relayed, expanded).
	DeliveryReport Kind = "delivery-report"
	// ReadReceipt is a message disposition notification (RFC 8098).
	ReadReceipt Kind = "read-receipt"
	// AbuseReport is a feedback report (RFC 5965, ARF), e.g. a spam complaint.
	AbuseReport Kind = "abuse-report"
	// AutoReply is an out-of-office or other automatic answer (RFC 3834).
	AutoReply Kind = "auto-reply"
	// Notification is a machine's report about mail: a sending service's
	// (Amazon SES, directly or through SNS: JSON in the body), or a DMARC
	// aggregate or SMTP TLS report (RFC 7489, RFC 8460).
	Notification Kind = "notification"
	// ListUnsubscribe is a request a mail client sent on its user's behalf
	// to a List-Unsubscribe mailto (Apple Mail's X-Apple-Unsubscribe): an
	// unsubscribe if it carries our signed token, otherwise a report.
	ListUnsubscribe Kind = "list-unsubscribe"
)

// Report reports the kinds that are filed as reports and never answered:
// positive delivery reports, read receipts, complaints and notifications.
func (k Kind) Report() bool {
	switch k {
	case DeliveryReport, ReadReceipt, AbuseReport, Notification, ListUnsubscribe:
		return true
	}
	return false
}

// Result is the outcome of Classify.
type Result struct {
	Kind Kind
	// Reason says which evidence decided, as a short stable string: "dsn",
	// "postfix", "exim", "qmail", "exchange", "gmail", "mta-text", "mdn",
	// "arf", "auto-submitted", "x-autoreply", "x-autorespond",
	// "precedence", "ms-exchange", "subject".
	Reason string
	// SubjectOnly is set for an AutoReply recognised only from a subject
	// that a person might also write ("Absence", "Vacation"), with no
	// automatic header and no out-of-office text. Classify only reports it
	// when the message has In-Reply-To or References; the caller should
	// count it as an auto-reply only if those name a message we sent, and
	// treat it as Other otherwise.
	SubjectOnly bool
	// Recipients are the per-recipient results of a DSN, the recipients
	// read from a bounce text, the Final-Recipient of a read receipt or the
	// Original-Rcpt-To of an abuse report.
	Recipients []Recipient
	// OriginalMessageID is the Message-ID (without <>) of the message the
	// report is about, from the returned message or headers.
	OriginalMessageID string
	// ReportingMTA is the DSN Reporting-MTA (RFC 3464 §2.2.2) or the ARF one.
	ReportingMTA string
	// Disposition is the MDN Disposition field (RFC 8098 §3.2.6),
	// e.g. "manual-action/MDN-sent-manually; displayed".
	Disposition string
	// FeedbackType is the ARF Feedback-Type (RFC 5965 §3.1), e.g. "abuse".
	FeedbackType string
}

// Failed returns the recipients whose delivery failed (Action: failed).
func (r Result) Failed() []Recipient {
	var out []Recipient
	for _, rc := range r.Recipients {
		if rc.Action == "failed" {
			out = append(out, rc)
		}
	}
	return out
}

// Classify recognises bounces and other reports first, then auto-replies,
// in the order of docs/BEHAVIOUR.md §4. Everything else is Other.
func Classify(m *message.Message) Result {
	if r, ok := classifyReport(m); ok {
		return r
	}
	if r, ok := jmrpResult(m); ok {
		return r
	}
	if r, ok := sesResult(m); ok {
		return r
	}
	if reason, ok := aggregateReport(m); ok {
		return Result{Kind: Notification, Reason: reason}
	}
	if pecReceipt(m) {
		return Result{Kind: DeliveryReport, Reason: "pec"}
	}
	if appleUnsubscribe(m) {
		return Result{Kind: ListUnsubscribe, Reason: "x-apple-unsubscribe"}
	}
	if r, ok := classifyTextBounce(m); ok {
		return r
	}
	if reason, subjectOnly := autoReply(m); reason != "" {
		return Result{Kind: AutoReply, Reason: reason, SubjectOnly: subjectOnly}
	}
	return Result{Kind: Other}
}

// classifyReport handles multipart/report (RFC 6522) and report bodies
// found elsewhere in the MIME tree, which some MTAs wrap in multipart/mixed.
func classifyReport(m *message.Message) (Result, bool) {
	reportType := ""
	if m.ContentType == "multipart/report" {
		reportType = strings.ToLower(m.ContentParams["report-type"])
	}
	switch {
	case reportType == "delivery-status" || reportType == "global-delivery-status" ||
		m.Part("message/delivery-status", "message/global-delivery-status") != nil:
		if r, ok := dsnResult(m); ok {
			return r, true
		}
		return unreadableDSN(m, reportType != ""), true
	case reportType == "disposition-notification" ||
		m.Part("message/disposition-notification", "message/global-disposition-notification") != nil:
		return mdnResult(m), true
	case reportType == "feedback-report" || m.Part("message/feedback-report") != nil:
		return arfResult(m), true
	}
	return Result{}, false
}

// unreadableDSN classifies a delivery report whose machine-readable part
// is missing or names no recipient. The report type says what it is
// (RFC 6522 §3), so it is trusted: a failure notice, unless its text says
// it is a delay warning or a success; its recipients come from its text.
func unreadableDSN(m *message.Message, typed bool) Result {
	human, rest := splitReturned(m.Text)
	name := "dsn"
	if !typed {
		name = firstNonEmpty(gather(m, human).bounceReason(), "dsn")
	}
	r := textBounce(m, name, human, rest)
	if r.Kind == Bounce && successText().MatchString(m.Subject+"\n"+human) && !failureWords().MatchString(human) {
		r.Kind, r.Recipients = DeliveryReport, nil
	}
	return r
}

// successText is how positive reports name themselves.
var successText = textmatch.Lazy(`(?i)^\s*(delivered|relayed|expanded)\s*:|successful(ly)? (mail )?deliver|delivery (status notification \()?success|was (successfully )?delivered to|has been delivered|delivery to the following recipients? (was complete|succeeded)`)

// failureWords keep a report that also mentions success a failure.
var failureWords = textmatch.Lazy(`(?i)fail|could not|couldn'?t|unable|undeliver|not delivered|rejected|error`)
