package classify

import (
	"encoding/json"
	"strings"

	"github.com/herald-mail/herald/daemon/message"
	"github.com/herald-mail/herald/daemon/textmatch"
)

// jmrpSubject is the subject of Microsoft's Junk Mail Reporting Program
// complaints (Hotmail, Outlook.com), which are not ARF (RFC 5965): a
// multipart/mixed with a short text and the complained-of message.
var jmrpSubject = textmatch.Lazy(`(?i)^\s*complaint about message from\b`)

var jmrpText = textmatch.Lazy(`(?i)This is an e-?mail abuse report for an e-?mail message`)

// jmrpResult recognises a JMRP complaint: the returned message carries
// X-HmXmrOriginalRecipient (the complaining Outlook.com user), or the
// subject or text is JMRP's and the original is attached.
func jmrpResult(m *message.Message) (Result, bool) {
	p := m.Part("message/rfc822")
	var rcpt string
	if p != nil {
		if om, err := message.ParseHeaderOnly(p.Body); err == nil {
			rcpt = recipientAddress(om.Header.Get("X-HmXmrOriginalRecipient"))
		}
	}
	if rcpt == "" && !(p != nil && (jmrpSubject().MatchString(m.Subject) || jmrpText().MatchString(m.Text))) {
		return Result{}, false
	}
	r := Result{Kind: AbuseReport, Reason: "jmrp", FeedbackType: "abuse", OriginalMessageID: originalMessageID(m)}
	if rcpt != "" {
		r.Recipients = []Recipient{{Address: rcpt, FinalRecipient: rcpt, Action: "abuse"}}
	}
	return r, true
}

// sesEvent is the part of an Amazon SES notification herald reads: the
// notification (or event publishing) JSON, possibly inside an SNS
// envelope whose Message is that JSON as a string.
type sesEvent struct {
	Type             string `json:"Type"`
	TopicArn         string `json:"TopicArn"`
	Message          string `json:"Message"`
	NotificationType string `json:"notificationType"`
	EventType        string `json:"eventType"`
	Bounce           *struct {
		BounceType        string `json:"bounceType"`
		BouncedRecipients []struct {
			EmailAddress   string `json:"emailAddress"`
			Status         string `json:"status"`
			Action         string `json:"action"`
			DiagnosticCode string `json:"diagnosticCode"`
		} `json:"bouncedRecipients"`
		ReportingMTA string `json:"reportingMTA"`
	} `json:"bounce"`
	Complaint *struct {
		ComplainedRecipients []struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"complainedRecipients"`
		ComplaintFeedbackType string `json:"complaintFeedbackType"`
	} `json:"complaint"`
	Delivery *struct {
		Recipients []string `json:"recipients"`
	} `json:"delivery"`
	Mail *struct {
		CommonHeaders *struct {
			MessageID string `json:"messageId"`
		} `json:"commonHeaders"`
	} `json:"mail"`
}

// maxJSON bounds the body herald tries to read as a notification.
const maxJSON = 1 << 20

// sesResult recognises an Amazon SES notification delivered by mail,
// directly or through SNS ("Type": "Notification"): JSON in the body with
// a notificationType or eventType. It is a report about mail sent through
// SES; its recipients are listed but never applied to contacts (the JSON
// is not signed in a way herald checks).
func sesResult(m *message.Message) (Result, bool) {
	body := strings.TrimSpace(m.Text)
	if len(body) < 2 || len(body) > maxJSON || body[0] != '{' || !strings.Contains(body, "Type") {
		return Result{}, false
	}
	// Decode the first JSON value only: SNS's "Email" protocol puts its
	// own footer ("--\nIf you wish to stop receiving notifications from
	// this topic...") after the notification.
	var ev sesEvent
	if json.NewDecoder(strings.NewReader(body)).Decode(&ev) != nil {
		return Result{}, false
	}
	if ev.Type != "" && ev.Message != "" && strings.HasPrefix(strings.TrimSpace(ev.Message), "{") {
		var inner sesEvent
		if json.Unmarshal([]byte(ev.Message), &inner) == nil {
			inner.Type, inner.TopicArn = ev.Type, ev.TopicArn
			ev = inner
		}
	}
	kind := strings.ToLower(firstNonEmpty(ev.NotificationType, ev.EventType))
	sns := strings.HasPrefix(ev.TopicArn, "arn:aws:sns:") || strings.EqualFold(ev.Type, "SubscriptionConfirmation")
	if kind == "" && !sns {
		return Result{}, false
	}
	r := Result{Kind: Notification, Reason: "ses", FeedbackType: firstNonEmpty(kind, strings.ToLower(ev.Type))}
	if ev.Mail != nil && ev.Mail.CommonHeaders != nil {
		r.OriginalMessageID = strings.Trim(ev.Mail.CommonHeaders.MessageID, "<> ")
	}
	r.Recipients = sesRecipients(ev)
	return r, true
}

func sesRecipients(ev sesEvent) []Recipient {
	var out []Recipient
	add := func(addr, action, status, diag string) {
		if a := recipientAddress(addr); a != "" && len(out) < maxTextRecipients {
			out = append(out, Recipient{Address: a, FinalRecipient: a, Action: action, Status: statusCode(status), DiagnosticCode: diag})
		}
	}
	if ev.Bounce != nil {
		for _, b := range ev.Bounce.BouncedRecipients {
			add(b.EmailAddress, "failed", b.Status, b.DiagnosticCode)
		}
	}
	if ev.Complaint != nil {
		for _, c := range ev.Complaint.ComplainedRecipients {
			add(c.EmailAddress, "abuse", "", "")
		}
	}
	if ev.Delivery != nil {
		for _, a := range ev.Delivery.Recipients {
			add(a, "delivered", "", "")
		}
	}
	return out
}

// appleUnsubscribe recognises the message Apple Mail sends on the user's
// behalf to a List-Unsubscribe mailto (its "Unsubscribe" banner): it
// carries X-Apple-Unsubscribe. No person wrote it and none reads the
// answer.
func appleUnsubscribe(m *message.Message) bool {
	return flagSet(m.Header, "X-Apple-Unsubscribe")
}

// aggregateSubject is the subject RFC 7489 §7.2.1.1 (DMARC aggregate
// reports) and RFC 8460 §5.3 (SMTP TLS reports) ask for: "Report Domain:
// <domain> Submitter: <submitter> Report-ID: <id>".
var aggregateSubject = textmatch.Lazy(`(?i)^\s*(\[[^\]]*\]\s*)?report\s+domain\s*:\s*\S+\s+submitter\s*:`)

// aggregateReport recognises a DMARC aggregate or TLS report: its
// subject, or its compressed XML/JSON attachment (RFC 7489 §7.2.1.1
// names the file "submitter!domain!begin!end.zip"; RFC 8460 uses
// application/tlsrpt+gzip). A secretariat that publishes a DMARC record
// receives one a day from each large provider.
func aggregateReport(m *message.Message) (string, bool) {
	if m.Header.Has("TLS-Report-Domain") || m.Header.Has("TLS-Report-Submitter") {
		return "tlsrpt", true
	}
	for _, a := range m.Attachments {
		switch ct := strings.ToLower(a.ContentType); {
		case strings.HasPrefix(ct, "application/tlsrpt"):
			return "tlsrpt", true
		case strings.Count(a.Filename, "!") >= 3 && (strings.Contains(ct, "zip") || strings.Contains(ct, "xml") || strings.Contains(ct, "octet-stream")):
			return "dmarc", true
		}
	}
	if aggregateSubject().MatchString(m.Subject) {
		return "dmarc", true
	}
	return "", false
}

// pecReceipt recognises the receipts of Italian certified mail (PEC, DPR
// 68/2005 and its technical rules): acceptance, taking in charge and
// delivery receipts carry X-Ricevuta. A failed delivery's receipt
// ("errore-consegna", "non-accettazione", "preavviso-errore-consegna")
// is left to the failure rules.
func pecReceipt(m *message.Message) bool {
	switch strings.ToLower(strings.TrimSpace(m.Header.Get("X-Ricevuta"))) {
	case "accettazione", "presa-in-carico", "avvenuta-consegna":
		return true
	}
	return false
}
