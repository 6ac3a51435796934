package classify

import (
	"regexp"
	"strings"

	"github.com/herald-mail/herald/daemon/message"
)

// autoSubmitted reports an Auto-Submitted field whose leading token is not
// "no" (RFC 3834 §5; §2: responders must not answer such mail). Only the
// token counts, case-insensitively: "auto-replied (vacation)" (Sieve),
// "auto-replied; owner-email=..." (iCloud) and "Auto-Generated" all count.
func autoSubmitted(h message.Header) bool {
	for _, v := range h.Values("Auto-Submitted") {
		if tok := strings.ToLower(firstWord(v)); tok != "" && tok != "no" {
			return true
		}
	}
	return false
}

// flagSet reports a marker field that is present and not explicitly off
// ("no", "false", "0").
func flagSet(h message.Header, key string) bool {
	for _, v := range h.Values(key) {
		switch strings.ToLower(firstWord(v)) {
		case "no", "false", "0":
		default:
			return true
		}
	}
	return false
}

// precedenceIs reports a Precedence field (non-standard, RFC 2076, but set
// by list software and old autoresponders) with one of the given values.
func precedenceIs(h message.Header, values ...string) bool {
	for _, v := range h.Values("Precedence") {
		tok := strings.ToLower(firstWord(v))
		for _, want := range values {
			if tok == want {
				return true
			}
		}
	}
	return false
}

// autoReplySubject matches out-of-office subjects in English, French and
// Spanish: Outlook/Exchange prefixes ("Automatic reply:", "Réponse
// automatique :", "Respuesta automática:"), older Exchange ("Out of Office:"),
// Lotus Notes ("AUTO: ... is out of the office") and common hand-set ones.
var autoReplySubject = regexp.MustCompile(`(?i)^\s*(re:\s*)?(automatic reply|auto[- ]?reply|auto[- ]?response|autoresponder|auto:|out of (the )?office|ooo\b|away from (the )?office|on vacation|vacation( reply)?:|absent|absence du bureau|r[ée]ponse automatique|message d'absence|respuesta autom[áa]tica|fuera de la oficina|ausente|ausencia|abwesenheit)|(is )?out of (the )?office|absence du bureau|fuera de la oficina`)

// forwardSubject marks forwarded mail ("FW:", "Fwd:", French "TR:", Spanish "RV:").
var forwardSubject = regexp.MustCompile(`(?i)^\s*(fw|fwd|tr|rv|wg)\s*:`)

// autoReply returns why m is an automatic answer, or "". subjectOnly is set
// when only the subject says so; that counts only for a reply (In-Reply-To
// or References present), since "Out of office hours?" may head an enquiry.
func autoReply(m *message.Message) (reason string, subjectOnly bool) {
	h := m.Header
	switch {
	case autoSubmitted(h):
		return "auto-submitted", false
	case flagSet(h, "X-Autoreply") || flagSet(h, "X-Autoreply-From") || flagSet(h, "X-Mail-Autoreply"):
		// Set by Gmail, cPanel/Exim autoresponders and others.
		return "x-autoreply", false
	case flagSet(h, "X-Autorespond"):
		return "x-autorespond", false
	case precedenceIs(h, "auto_reply"):
		// The pre-RFC 3834 autoresponder convention.
		return "precedence", false
	case msExchangeAutoReply(m):
		return "ms-exchange", false
	}
	if autoReplySubject.MatchString(m.Subject) && (len(m.InReplyTo) > 0 || len(m.References) > 0) {
		return "subject", true
	}
	return "", false
}

// msExchangeAutoReply recognises Exchange's automatic replies when the
// Auto-Submitted field was lost. X-MS-Exchange-Inbox-Rules-Loop alone is not
// enough: Exchange also stamps it on mail forwarded by an inbox rule, which
// may be a genuine enquiry. It counts together with the sender's
// X-Auto-Response-Suppress (which Exchange puts on its own automatic replies)
// or with X-MS-Exchange-Generated-Message-Source, and never on a forward.
// X-Auto-Response-Suppress alone means nothing here: Outlook sets it on
// ordinary mail too; it is the sender's wish, honoured by Suppress.
func msExchangeAutoReply(m *message.Message) bool {
	h := m.Header
	if !h.Has("X-MS-Exchange-Inbox-Rules-Loop") || forwardSubject.MatchString(m.Subject) {
		return false
	}
	return h.Has("X-Auto-Response-Suppress") || h.Has("X-MS-Exchange-Generated-Message-Source")
}
