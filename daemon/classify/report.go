package classify

import (
	"strings"

	"github.com/herald-mail/herald/daemon/message"
	"github.com/herald-mail/herald/daemon/textmatch"
)

// dsnResult classifies an RFC 3464 report from its per-recipient Actions:
// any failure makes a bounce; only "delayed" makes a delay warning, which
// is not a bounce (§2.3.3: the MTA is still trying); only delivered,
// relayed or expanded makes a positive delivery report.
func dsnResult(m *message.Message) (Result, bool) {
	p := m.Part("message/delivery-status", "message/global-delivery-status")
	if p == nil {
		return Result{}, false
	}
	d, err := ParseDSN(p.Body)
	if err != nil {
		return Result{}, false
	}
	r := Result{Reason: "dsn", Recipients: d.Recipients, ReportingMTA: d.ReportingMTA, OriginalMessageID: originalMessageID(m)}
	failed, delayed, positive := false, false, false
	for _, rc := range d.Recipients {
		switch rc.Action {
		case "failed":
			failed = true
		case "delayed":
			delayed = true
		case "delivered", "relayed", "expanded":
			positive = true
		}
	}
	switch {
	case failed:
		r.Kind = Bounce
	case delayed:
		r.Kind = Delay
	case positive:
		r.Kind = DeliveryReport
	default:
		// No Action or status we can read: the report's own text decides.
		return unreadableDSN(m, true), true
	}
	return r, true
}

// mdnResult reads a message/disposition-notification (RFC 8098 §3).
func mdnResult(m *message.Message) Result {
	r := Result{Kind: ReadReceipt, Reason: "mdn"}
	p := m.Part("message/disposition-notification", "message/global-disposition-notification")
	if p == nil {
		r.OriginalMessageID = originalMessageID(m)
		return r
	}
	h := message.ParseHeader(p.Body)
	r.Disposition = collapse(h.Get("Disposition"))
	if ids := message.ParseMsgIDs(h.Raw("Original-Message-Id")); len(ids) > 0 {
		r.OriginalMessageID = ids[0]
	} else {
		r.OriginalMessageID = originalMessageID(m)
	}
	rc := Recipient{
		OriginalRecipient: recipientAddress(h.Get("Original-Recipient")),
		FinalRecipient:    recipientAddress(h.Get("Final-Recipient")),
		Action:            dispositionType(r.Disposition),
	}
	rc.Address = firstNonEmpty(rc.OriginalRecipient, rc.FinalRecipient)
	if rc.Address != "" {
		r.Recipients = []Recipient{rc}
	}
	r.ReportingMTA = stripType(h.Get("Reporting-UA"))
	return r
}

// dispositionType returns "displayed", "deleted", ... from a Disposition
// value "action-mode/sending-mode; type" (RFC 8098 §3.2.6).
func dispositionType(d string) string {
	if i := strings.IndexByte(d, ';'); i >= 0 {
		return strings.ToLower(firstWord(strings.SplitN(d[i+1:], "/", 2)[0]))
	}
	return ""
}

// arfResult reads a message/feedback-report (RFC 5965 §3.1–3.2).
func arfResult(m *message.Message) Result {
	r := Result{Kind: AbuseReport, Reason: "arf", OriginalMessageID: originalMessageID(m)}
	p := m.Part("message/feedback-report")
	if p == nil {
		return r
	}
	h := message.ParseHeader(p.Body)
	r.FeedbackType = strings.ToLower(strings.TrimSpace(h.Get("Feedback-Type")))
	r.ReportingMTA = stripType(h.Get("Reporting-MTA"))
	// Original-Rcpt-To names the complaining recipient: the contact.
	for _, v := range h.Values("Original-Rcpt-To") {
		if a := recipientAddress(v); a != "" {
			r.Recipients = append(r.Recipients, Recipient{Address: a, FinalRecipient: a, Action: r.FeedbackType})
		}
	}
	return r
}

// originalMessageID finds the Message-ID of the message a report is about:
// the returned message (message/rfc822, RFC 3464 §2 / RFC 6522 §3), its
// headers (text/rfc822-headers), or a Message-ID line quoted in the text, as
// Exim, qmail and Exchange include the original headers inline.
func originalMessageID(m *message.Message) string {
	if p := m.Part("message/rfc822", "message/global"); p != nil {
		if om, err := message.ParseHeaderOnly(p.Body); err == nil && om.MessageID != "" {
			return om.MessageID
		}
	}
	if p := m.Part("text/rfc822-headers", "message/global-headers"); p != nil {
		if ids := message.ParseMsgIDs(message.ParseHeader(p.Body).Raw("Message-Id")); len(ids) > 0 {
			return ids[0]
		}
	}
	return quotedMessageID(m.Text)
}

var quotedMsgID = textmatch.Lazy(`(?im)^[ \t>]*Message-ID:[ \t]*\n?[ \t]*<([^<>\s]+)>`)

// quotedMessageID returns the first Message-ID header line in a text.
func quotedMessageID(text string) string {
	if m := quotedMsgID().FindStringSubmatch(text); m != nil {
		return m[1]
	}
	return ""
}
