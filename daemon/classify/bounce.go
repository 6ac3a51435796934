package classify

import (
	"regexp"
	"strings"

	"github.com/herald-mail/herald/daemon/message"
	"github.com/herald-mail/herald/daemon/textmatch"
)

// A mailer is a non-standard bounce format: the texts that identify it.
type mailer struct {
	name string
	text *textmatch.Regexp
}

// mailers are tried in order on the body text. Postfix, Exchange and Gmail
// normally send RFC 3464 reports; their texts matter when a relay or an old
// version strips the report part.
var mailers = []mailer{
	{"exim", textmatch.MustCompile(`(?i)This message was created automatically by mail delivery software|A message that you sent could not be delivered to one or more of its|following address\(es\) failed`)},
	{"qmail", textmatch.MustCompile(`(?i)Hi\. This is the qmail-send program|I'm afraid I wasn't able to deliver your message`)},
	{"postfix", textmatch.MustCompile(`(?i)This is the mail system at host|I'm sorry to have to inform you that your message could not\s+be delivered`)},
	{"exchange", textmatch.MustCompile(`(?i)Delivery has failed to these recipients or groups|Your message to \S+ couldn'?t be delivered|Your message couldn'?t be delivered|La remise a échoué pour ces destinataires|Error en la entrega a estos destinatarios`)},
	{"gmail", textmatch.MustCompile(`(?i)Address not found|Your message wasn'?t delivered to|Delivery to the following recipients? failed permanently|Message not delivered`)},
	{"mta-text", textmatch.MustCompile(`(?i)The original message was received at|could not be delivered to one or more recipients|Delivery to the following recipients? failed|permanent fatal errors|Undelivered Mail Returned to Sender`)},
}

// bounceSubject matches the subjects MTAs give bounces, in the languages of
// SPEC §4 (Exchange localises "Undeliverable:" as "Non remis :" and
// "No se puede entregar:").
var bounceSubject = regexp.MustCompile(`(?i)^(undeliverable|undelivered|non remis|no se puede entregar|non distribuable|returned mail|mail delivery failed|delivery status notification \((failure|delay)\)|delivery failure|failure notice|delivery (has )?failed|message not delivered|mail system error|warning: message .* delayed|delayed mail|delivery delayed|remise retardée|entrega retrasada)`)

// delayText marks warnings that delivery is still being retried.
var delayText = regexp.MustCompile(`(?i)has not yet been delivered|Delayed Mail \(still being retried\)|This is a warning only|Delivery Status Notification \(Delay\)|Delivery delayed|Delivery incomplete|still trying to deliver|will (retry|keep trying)|Remise retardée|Entrega retrasada`)

// classifyTextBounce recognises bounces without a usable RFC 3464 part.
// A body text alone is not enough (a person may forward a bounce to us):
// it must come with an automatic sender, a bounce subject, a null return
// path or an Auto-Submitted field, or Exim's X-Failed-Recipients.
func classifyTextBounce(m *message.Message) (Result, bool) {
	text := m.Text
	failedHdr := m.Header.Get("X-Failed-Recipients")
	automatic := isDaemon(m) || (m.HasReturnPath && m.ReturnPath == "") ||
		autoSubmitted(m.Header) || failedHdr != ""
	subject := bounceSubject.MatchString(m.Subject)
	if !automatic && !subject {
		// Ordinary mail: skip the body scans below, the costliest step of
		// classifying a message (a known MTA text alone is not enough).
		return Result{}, false
	}
	name := ""
	folded := textmatch.Fold(text)
	for _, ml := range mailers {
		if ml.text.Match(text, folded) {
			name = ml.name
			break
		}
	}
	switch {
	case name != "" && (automatic || subject):
	case automatic && subject:
		name = "mta-text"
	case failedHdr != "":
		name = "exim"
	default:
		return Result{}, false
	}
	human, rest := splitReturned(text)
	r := Result{Kind: Bounce, Reason: name, Recipients: textRecipients(human, failedHdr)}
	r.OriginalMessageID = originalMessageID(m)
	if r.OriginalMessageID == "" {
		r.OriginalMessageID = quotedMessageID(rest)
	}
	if delayText.MatchString(human) || delayText.MatchString(m.Subject) {
		r.Kind = Delay
		for i := range r.Recipients {
			r.Recipients[i].Action = "delayed"
		}
	}
	return r, true
}

// isDaemon reports a From or Return-Path of the mail system itself.
func isDaemon(m *message.Message) bool {
	for _, a := range append([]string{m.ReturnPath}, addrs(m.From, m.Sender)...) {
		lp := localPart(a)
		if lp == "mailer-daemon" || lp == "postmaster" {
			return true
		}
	}
	for _, a := range m.From {
		if strings.Contains(strings.ToLower(a.Name), "mail delivery") {
			return true
		}
	}
	return false
}

// returnedMarker starts the copy of the original that bounce texts append.
var returnedMarker = regexp.MustCompile(`(?im)^.*(This is a copy of the message|Below this line is a copy of the message|Enclosed are the original headers|Original message headers:|original message follows|Original message:|----- Original message -----|The header of the original message is following|Reporting-MTA:).*$`)

// splitReturned separates the human explanation from the returned original.
func splitReturned(text string) (human, rest string) {
	if loc := returnedMarker.FindStringIndex(text); loc != nil {
		return text[:loc[0]], text[loc[0]:]
	}
	return text, ""
}

var (
	// "<addr>: reason" (Postfix, qmail) at the start of a line.
	angleLine = regexp.MustCompile(`^\s*<([^<>\s]+@[^<>\s]+)>:?\s*(.*)$`)
	// Any address; used on short indented or listed lines (Exim, old
	// Gmail, Exchange), where it names a failed recipient.
	anyAddr = regexp.MustCompile(`[^\s<>()\[\]@,;:"']+@[^\s<>()\[\]@,;:"']+[^\s<>()\[\]@,;:"'.]`)
	// "... to addr ..." sentences (Gmail, Office 365).
	sentence   = regexp.MustCompile(`(?i)(?:wasn'?t delivered to|couldn'?t be delivered to|message to|delivery to|could not be delivered to|failed to deliver to)\s+<?([^\s<>()@,;:"]+@[^\s<>(),;:"]+?)>?[\s.,;:]`)
	smtpReason = regexp.MustCompile(`(?m)^\s*(?:.*said:\s*|#)?([45]\d\d)[ -]`)
)

// maxTextRecipients bounds the work on hostile bounce texts; real bounces
// name a handful of recipients.
const maxTextRecipients = 100

// textRecipients extracts failed recipients and their status from a bounce
// text: "<addr>:" blocks, indented or listed address lines, "delivered to
// addr" sentences, and Exim's X-Failed-Recipients. Each recipient's
// diagnostic is the paragraph that names it; its status the first enhanced
// status code there, else the text's first one, else the class of an SMTP
// reply code.
func textRecipients(human, failedHdr string) []Recipient {
	lines := strings.Split(human, "\n")
	type found struct {
		addr string
		line int
	}
	var hits []found
	seen := map[string]bool{}
	add := func(a string, line int) {
		a = strings.ToLower(strings.Trim(a, ".<> \t"))
		if !strings.Contains(a, "@") || seen[a] || len(hits) >= maxTextRecipients {
			return
		}
		seen[a] = true
		hits = append(hits, found{a, line})
	}
	for i, l := range lines {
		if m := angleLine.FindStringSubmatch(l); m != nil {
			add(m[1], i)
		} else if a := anyAddr.FindString(l); a != "" && len(strings.Fields(l)) <= 4 &&
			(strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") || afterIntro(lines, i)) {
			add(a, i)
		}
		for _, m := range sentence.FindAllStringSubmatch(l+" ", -1) {
			add(m[1], i)
		}
	}
	for i, a := range strings.Split(failedHdr, ",") {
		a = strings.ToLower(strings.Trim(a, ".<> \t"))
		if i >= maxTextRecipients || len(hits) >= maxTextRecipients {
			break
		}
		if !seen[a] {
			add(a, mentionLine(lines, a))
		}
	}
	out := make([]Recipient, 0, len(hits))
	textStatus := statusCode(human)
	permanent := strings.Contains(strings.ToLower(human), "permanent")
	for _, h := range hits {
		para := paragraph(lines, h.line)
		status := statusCode(para)
		if status == "" {
			status = textStatus
		}
		if status == "" {
			if m := smtpReason.FindStringSubmatch(para); m != nil {
				status = m[1][:1] + ".0.0"
			} else if permanent {
				status = "5.0.0"
			}
		}
		out = append(out, Recipient{Address: h.addr, FinalRecipient: h.addr, Action: "failed", Status: status, DiagnosticCode: para})
	}
	return out
}

// mentionLine returns the first line that mentions addr, or -1.
func mentionLine(lines []string, addr string) int {
	if addr == "" {
		return -1
	}
	for i, l := range lines {
		if strings.Contains(strings.ToLower(l), addr) {
			return i
		}
	}
	return -1
}

// paragraph returns lines[i] and the lines after it up to a blank line,
// collapsed and capped: a recipient's explanation in a bounce text.
func paragraph(lines []string, i int) string {
	if i < 0 || i >= len(lines) {
		return ""
	}
	end := i + 1
	for end < len(lines) && end < i+20 && strings.TrimSpace(lines[end]) != "" {
		end++
	}
	p := collapse(strings.Join(lines[i:end], " "))
	if len(p) > 500 {
		p = strings.ToValidUTF8(p[:500], "")
	}
	return p
}

// afterIntro reports whether line i belongs to a list of addresses
// introduced by a line ending in ":" ("... to these recipients or groups:").
func afterIntro(lines []string, i int) bool {
	for k := i - 1; k >= 0 && k >= i-10; k-- {
		t := strings.TrimSpace(lines[k])
		switch {
		case t == "":
			continue
		case strings.HasSuffix(t, ":"):
			return true
		case anyAddr.MatchString(t) && len(strings.Fields(t)) <= 4:
			continue // an earlier entry of the same list
		default:
			return false
		}
	}
	return false
}
