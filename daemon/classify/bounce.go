package classify

import (
	"regexp"
	"strings"

	"github.com/herald-mail/herald/daemon/message"
	"github.com/herald-mail/herald/daemon/textmatch"
)

// evidence is what a person reading a message looks at to tell a failure
// notice: who sent it, its subject, the wording of its text, an SMTP reply
// or status code in it, and the returned original.
type evidence struct {
	daemon   bool // MAILER-DAEMON, postmaster, "Mail Delivery System", ...
	null     bool // null return path "<>" (RFC 5321 §4.5.5)
	auto     bool // Auto-Submitted other than "no" (RFC 3834 §5)
	ndr      bool // X-Failed-Recipients (Exim), X-MS-Exchange-Message-Is-Ndr
	listMgr  bool // a list manager's own address (owner-, -bounces, LISTSERV, Sympa)
	subject  bool // a failure or delay subject
	mtaSubj  bool // the subject as MTAs write it, not a person's sentence
	autoSubj bool // an automatic-reply subject: not a bounce on weak evidence
	mailer   string
	code     bool // an SMTP reply or enhanced status code in the notice
	returned bool // the original, attached or inline
}

// gather reads the evidence of m; human is the text before the returned
// original.
func gather(m *message.Message, human string) evidence {
	e := evidence{
		daemon:   isDaemon(m),
		null:     m.HasReturnPath && m.ReturnPath == "",
		auto:     autoSubmitted(m.Header),
		ndr:      m.Header.Get("X-Failed-Recipients") != "" || m.Header.Has("X-MS-Exchange-Message-Is-Ndr"),
		listMgr:  isListManager(m),
		subject:  bounceSubject().MatchString(m.Subject) && !question(m.Subject),
		autoSubj: autoReplySubject().MatchString(m.Subject),
	}
	e.mtaSubj = e.subject && mtaSubject(m.Subject)
	if !(e.daemon || e.null || e.auto || e.ndr || e.listMgr || e.subject) {
		// Ordinary mail: skip the body scans below, the costliest step
		// of classifying a message.
		return e
	}
	folded := textmatch.Fold(m.Text)
	e.code = smtpEvidence(human)
	e.returned = m.Part("message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers") != nil ||
		returnedText().Match(m.Text, folded)
	for _, ml := range mailers {
		if ml.text().Match(m.Text, folded) {
			e.mailer = ml.name
			break
		}
	}
	return e
}

// question reports a subject that asks something ("Message non remis ?",
// "Undelivered invitation?"): a person's, as no MTA asks.
func question(subject string) bool {
	return strings.HasSuffix(strings.TrimSpace(subject), "?")
}

// bounceReason decides, as a person would, whether the evidence makes a
// failure notice, and names it. A known text alone is not enough (a person
// may forward a bounce to us), nor a subject alone (a person may write
// "Undeliverable" about a parcel): two independent signs are needed.
func (e evidence) bounceReason() string {
	automatic := e.daemon || e.null || e.auto
	known := e.mailer != "" && e.mailer != "mta-text" && e.mailer != "list-manager"
	switch {
	case e.ndr:
		if known {
			return e.mailer
		}
		return "exim"
	case known && (automatic || e.subject || e.listMgr):
		return e.mailer
	case e.mailer == "list-manager" && (e.listMgr || automatic):
		return e.mailer
	case e.autoSubj:
		// "Automatic reply:" with a null path is an out-of-office that may
		// quote our invitation: only a known failure text makes it a bounce.
		return ""
	case e.mailer == "mta-text" && (e.daemon || e.mtaSubj || (automatic && (e.code || e.returned))):
		// A failure word in the text and a subject that starts with one
		// ("Undeliverable mail from your server") may be one person's
		// sentence said twice: the subject must be shaped as MTAs write it.
		return e.mailer
	case e.daemon && (e.subject || e.code || e.returned):
		return "mta-text"
	case e.subject && (automatic || e.code || e.returned):
		return "mta-text"
	}
	return ""
}

// classifyTextBounce recognises bounces without a usable RFC 3464 part.
func classifyTextBounce(m *message.Message) (Result, bool) {
	human, rest := splitReturned(m.Text)
	name := gather(m, human).bounceReason()
	if name == "" {
		return Result{}, false
	}
	return textBounce(m, name, human, rest), true
}

// textBounce reads a failure notice's recipients, original Message-ID and
// kind (a delay warning or a bounce) from its text.
func textBounce(m *message.Message, name, human, rest string) Result {
	failedHdr := m.Header.Get("X-Failed-Recipients")
	r := Result{Kind: Bounce, Reason: name, Recipients: textRecipients(human, failedHdr)}
	if i := strings.Index(rest, "Reporting-MTA:"); i >= 0 {
		// The report's fields pasted into the text (a relay flattened the
		// multipart/report): they say more than the prose.
		if d, err := ParseDSN([]byte(rest[i:])); err == nil {
			r.Recipients, r.ReportingMTA = d.Recipients, d.ReportingMTA
		}
	}
	r.OriginalMessageID = originalMessageID(m)
	if r.OriginalMessageID == "" {
		r.OriginalMessageID = quotedMessageID(rest)
	}
	if delayText().MatchString(human) || delayText().MatchString(m.Subject) {
		r.Kind = Delay
		for i := range r.Recipients {
			r.Recipients[i].Action = "delayed"
			if r.Recipients[i].Status == "" || r.Recipients[i].Status[0] == '5' {
				r.Recipients[i].Status = "4.0.0"
			}
		}
	}
	return r
}

// daemonNames are display names MTAs give their notices.
var daemonNames = textmatch.Lazy(`(?i)mail delivery|mailer[- ]?daemon|mail administrator|mail router|postmaster|delivery status|mail system|courier mail server|l-soft list server|internet mail delivery`)

// isDaemon reports a From, Sender or Return-Path of the mail system itself:
// MAILER-DAEMON and postmaster in their spellings (RFC 5321 §4.5.1),
// Exchange's MicrosoftExchange<hex> system mailbox, and the display names
// MTAs use. Courier writes its notices "From: ... <@>".
func isDaemon(m *message.Message) bool {
	for _, a := range append([]string{m.ReturnPath}, addrs(m.From, m.Sender)...) {
		if daemonLocalPart(localPart(a)) {
			return true
		}
	}
	for _, a := range append(append([]message.Address{}, m.From...), m.Sender...) {
		if daemonNames().MatchString(a.Name) || a.Address == "@" {
			return true
		}
	}
	return false
}

// dashes writes "_" and "." in a local part as "-", so that one spelling
// of a robot's mailbox covers "mailer_daemon" and "mailer.daemon".
var dashes = strings.NewReplacer("_", "-", ".", "-")

// listManagerLocalPart recognises a list manager's own mailboxes in a
// local part without its +detail: LISTSERV, Sympa, Mailman, Majordomo,
// owner-*, *-owner, *-bounces, *-request.
func listManagerLocalPart(lp string) bool {
	switch lp {
	case "listserv", "sympa", "mailman", "majordomo":
		return true
	}
	return strings.HasPrefix(lp, "owner-") || strings.HasSuffix(lp, "-owner") ||
		strings.HasSuffix(lp, "-bounces") || strings.HasSuffix(lp, "-request")
}

// daemonLocalPart recognises the mail system's own mailboxes.
func daemonLocalPart(lp string) bool {
	lp = dashes.Replace(lp)
	switch lp {
	case "mailer-daemon", "mailerdaemon", "mail-daemon", "maildaemon", "postmaster", "post-master", "mdaemon", "mail-delivery-subsystem":
		return true
	}
	return strings.HasPrefix(lp, "microsoftexchange") || strings.HasPrefix(lp, "mailer-daemon")
}

// isListManager reports mail from a list manager's own address: owner-*,
// *-owner, *-bounces, *-request, *-admin (fml), LISTSERV, Sympa, Mailman.
func isListManager(m *message.Message) bool {
	for _, a := range append([]string{m.ReturnPath}, addrs(m.From, m.Sender)...) {
		lp := localPart(a)
		if i := strings.IndexByte(lp, '+'); i > 0 {
			lp = lp[:i]
		}
		if listManagerLocalPart(lp) || strings.HasSuffix(lp, "-admin") {
			return true
		}
	}
	return false
}

// splitReturned separates the human explanation from the returned original.
func splitReturned(text string) (human, rest string) {
	if !returnedScreen().MatchString(text) {
		return text, ""
	}
	if loc := returnedMarker().FindStringIndex(text); loc != nil {
		// From the start of the marker's line.
		start := strings.LastIndexByte(text[:loc[0]], '\n') + 1
		return text[:start], text[start:]
	}
	return text, ""
}

var (
	// "<addr>: reason" (Postfix, qmail) at the start of a line.
	angleLine = textmatch.Lazy(`^\s*<([^<>\s]+@[^<>\s]+)>:?\s*(.*)$`)
	// Any address; used on short indented or listed lines (Exim, old
	// Gmail, Exchange), where it names a failed recipient.
	anyAddr = textmatch.Lazy(`[^\s<>()\[\]@,;:"']+@[^\s<>()\[\]@,;:"']+[^\s<>()\[\]@,;:"'.]`)
	// "addr: reason" or "addr, ERROR CODE ..." at the start of a line
	// (OpenSMTPD, Zoho, GMX).
	addrLine = textmatch.Lazy(`^\s*<?([^\s<>()@,;:"]+@[^\s<>(),;:"]+?)>?\s*[:,](\s|$)`)
	// "... to addr ..." sentences (Gmail, Office 365, dma, KDDI, Sun).
	// "for list 'addr'", "the mailing list addr" (list managers).
	listSentence = textmatch.Lazy(`(?i)\blist[ea]?\s+['"<]?([^\s'"<>()@,;:]+@[^\s'"<>(),;:]*[^\s'"<>(),;:.])['">]?[\s.,;:)]`)
	sentence     = textmatch.Lazy(`(?i)(?:wasn'?t delivered to|couldn'?t be delivered to|message to|mail to|delivery to|delivered to|deliver to|deliver message to|deliver (?:your )?(?:message|mail) to|delivering (?:your )?(?:message|mail) to|recipient address|original recipient|recipient)\s*:?\s+<?([^\s<>()@,;:"]+@[^\s<>(),;:"]*[^\s<>(),;:".])>?[\s.,;:)]`)
	// A recipient named after a label in the notice's language (Orange's
	// "Destinataire :", QQ's "收 件 人：", Naver's "받는 사람:") or in a
	// session transcript's "RCPT To:<addr>" (MDaemon).
	labelled   = textmatch.Lazy(`(?i)(destinataire|destinatari[oa]s?|empf[äa]nger|destinat[áa]rio|ontvanger|收\s*件\s*人|收件地址|받는\s*사람|宛先|получател[ья]|p[řr][íi]jemce|odbiorca|rcpt to)\s*[:：]\s*<?([^\s<>()@,;:"：]+@[^\s<>(),;:"]*[^\s<>(),;:".])>?`)
	smtpReason = textmatch.Lazy(`(?m)^\s*(?:.*said:\s*|#)?([45]\d\d)[ -]`)
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
		if m := angleLine().FindStringSubmatch(l); m != nil {
			add(m[1], i)
		} else if m := addrLine().FindStringSubmatch(l); m != nil {
			add(m[1], i)
		} else if a := anyAddr().FindString(l); a != "" && (len(strings.Fields(l)) <= 4 || startsWith(l, a)) &&
			(strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") || afterIntro(lines, i) || onlyAddress(l, a)) {
			add(a, i)
		}
		if strings.Contains(l, "to") || strings.Contains(l, "TO") || strings.Contains(l, "To") || strings.Contains(l, "ecipient") || strings.Contains(l, "ECIPIENT") {
			for _, m := range sentence().FindAllStringSubmatch(l+" ", -1) {
				add(m[1], i)
			}
		}
		for _, m := range listSentence().FindAllStringSubmatch(l+" ", -1) {
			add(m[1], i)
		}
		if strings.ContainsAny(l, ":：") {
			for _, m := range labelled().FindAllStringSubmatch(l, -1) {
				add(m[2], i)
			}
		}
	}
	var lower []string // lines, lowercased
	for i, a := range strings.Split(failedHdr, ",") {
		a = strings.ToLower(strings.Trim(a, ".<> \t"))
		if i >= maxTextRecipients || len(hits) >= maxTextRecipients {
			break
		}
		if !seen[a] {
			if lower == nil {
				lower = strings.Split(strings.ToLower(human), "\n") // once, not per address
			}
			add(a, mentionLine(lower, a))
		}
	}
	out := make([]Recipient, 0, len(hits))
	textStatus := statusCode(human)
	permanent := strings.Contains(strings.ToLower(human), "permanent")
	humanPhrase, phraseRead := "", false // phraseStatus(human), read once if ever needed
	for _, h := range hits {
		para := paragraph(lines, h.line)
		status := statusCode(para)
		if status == "" {
			status = textStatus
		}
		if status == "" {
			if m := smtpReason().FindStringSubmatch(para); m != nil {
				status = m[1][:1] + ".0.0"
			} else if status = phraseStatus(para); status == "" {
				if !phraseRead {
					humanPhrase, phraseRead = phraseStatus(human), true
				}
				status = humanPhrase
			}
			if status == "" && permanent {
				status = "5.0.0"
			}
		}
		out = append(out, Recipient{Address: h.addr, FinalRecipient: h.addr, Action: "failed", Status: status, DiagnosticCode: para})
	}
	return out
}

// phrases map the wording of a failure without a code to the status a
// person reads in it (RFC 3463 §3): the address is bad, the mailbox full,
// the domain unknown, a policy refused it, or the attempt failed for now.
var phrases = []struct {
	re     func() *regexp.Regexp
	status string
}{
	{textmatch.Lazy(`(?i)user unknown|unknown user|no such (user|mailbox|recipient)|does not exist|doesn'?t (have|exist)|address (couldn'?t be found|not found|rejected)|invalid (recipient|address|mailbox)|mailbox (unavailable|not found)|(user|recipient) not found|not listed in|wasn'?t found|introuvable|n'existe pas|inconnu|no existe|desconocido|unbekannt|existiert nicht|sconosciuto|inesistente|não existe|desconhecido|bestaat niet|onbekend|宛先不明|存在しません`), "5.1.1"},
	{textmatch.Lazy(`(?i)host (unknown|not found)|domain (not found|name not found)|no such domain|couldn'?t find any host|DNS Error`), "5.1.2"},
	{textmatch.Lazy(`(?i)mailbox (is )?full|over quota|quota exceeded|exceeded (the |their )?storage|boîte (aux lettres )?pleine|buzón lleno|Postfach (ist )?voll|casella piena|caixa (postal )?cheia|mailbox vol|容量`), "5.2.2"},
	{textmatch.Lazy(`(?i)not (allowed|authori[sz]ed|permitted) to (post|send)|not a (member|subscriber)|non-member|rejected by the list|moderator|pas autoris|pas abonn|no (est[áa]s? )?autorizad|no (es|est[áa]) suscrit|nicht berechtigt|non autorizzat|blocked|spam|content filter|policy|refused|refusé|rechazado|abgelehnt|rifiutato|recusad|geweigerd`), "5.7.1"},
	{textmatch.Lazy(`(?i)timed? ?out|connection refused|try again later|temporar|retry|greylist`), "4.0.0"},
}

// phraseStatus returns the status a failure's wording implies, or "".
func phraseStatus(s string) string {
	for _, p := range phrases {
		if p.re().MatchString(s) {
			return p.status
		}
	}
	return ""
}

// startsWith reports a line whose first word is the address a, as in
// Exchange 2007's "addr on <date>" lists.
func startsWith(l, a string) bool {
	t := strings.TrimLeft(strings.TrimSpace(l), "<")
	return strings.HasPrefix(t, a)
}

// onlyAddress reports a line that is the address a and nothing else: in
// the notice's own text, the failed recipient set apart (Sendmail's "had
// permanent fatal errors" list, Mimecast's notice).
func onlyAddress(l, a string) bool {
	return strings.Trim(strings.TrimSpace(l), "<>") == a
}

// mentionLine returns the first of the lowercased lines that mentions
// addr (lowercase), or -1.
func mentionLine(lower []string, addr string) int {
	if addr == "" {
		return -1
	}
	for i, l := range lower {
		if strings.Contains(l, addr) {
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
		case anyAddr().MatchString(t) && len(strings.Fields(t)) <= 4:
			continue // an earlier entry of the same list
		default:
			return false
		}
	}
	return false
}
