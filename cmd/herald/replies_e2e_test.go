package main

// Acceptance test of the replies issue against real servers: the real
// binary sends an invitation wave to Postfix's smtp-sink, reads the answers
// from a real Dovecot INBOX — text replies as Outlook, Gmail, Thunderbird
// and Apple Mail lay them out, calendar buttons from Outlook and Google,
// unsubscribes, Postfix DSNs, an out-of-office — and the next waves must go
// exactly to whom those answers say (docs/BEHAVIOUR.md §4, §6 and §8.2 audiences).

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/herald-mail/herald/daemon/realserver"
	"github.com/herald-mail/herald/daemon/triage"
)

// ---- config and templates ----

// rpTemplates copies the shipped templates into dir/templates, with one
// added header, X-Test-Template: NAME, so that every message in the sink
// says which template made it (rsvp-declined and rsvp-maybe share their
// subject), and adds the logistics template the test's third wave uses.
func rpTemplates(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(dir, "templates")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../../templates/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("shipped templates: %v", err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(f)
		if strings.HasSuffix(base, ".txt") {
			name := strings.SplitN(base, ".", 2)[0]
			subject, rest, _ := strings.Cut(string(raw), "\n")
			raw = []byte(subject + "\nX-Test-Template: " + name + "\n" + rest)
		}
		if err := os.WriteFile(filepath.Join(out, base), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for lang, body := range rpLogistics {
		if err := os.WriteFile(filepath.Join(out, "logistics."+lang+".txt"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// rpLogistics is the practical-information message sent to those who accepted.
var rpLogistics = map[string]string{
	"en": "Subject: Practical information – {{.Event.Name}}\nX-Test-Template: logistics\n\n" +
		"Dear {{with .Contact.Name}}{{.}}{{else}}participant{{end}},\n\nThank you for accepting. Registration opens at 08:00 on {{date .Event.Start}} at the {{.Event.Venue}}.\n\n{{.Account.FromName}}\n",
	"fr": "Subject: Informations pratiques – {{.Event.Name}}\nX-Test-Template: logistics\n\n" +
		"Madame, Monsieur,\n\nMerci de votre participation. L'accueil ouvre à 8 h le {{date .Event.Start}}, {{.Event.Venue}}.\n\n{{.Account.FromName}}\n",
	"es": "Subject: Información práctica – {{.Event.Name}}\nX-Test-Template: logistics\n\n" +
		"Estimada señora, estimado señor:\n\nGracias por su participación. La acreditación abre a las 8:00 el {{date .Event.Start}}, {{.Event.Venue}}.\n\n{{.Account.FromName}}\n",
}

// rpConfig writes a non-sandbox config: habitat reads the Dovecot INBOX
// and sends through the sink; three waves to the list mayors.
func rpConfig(t *testing.T, dir string, imapPort, smtpPort int) string {
	t.Helper()
	return writeConfig(t, dir, configHead(dir, rpTemplates(t, dir), false)+fmt.Sprintf(`accounts:
  - name: habitat
    address: decorte@un.org
    from_name: UN-Habitat focal point
    language: en
    aliases: [gccm@un.org]
    imap: {host: 127.0.0.1, port: %d, security: none, username: decorte@un.org, password: Habitat2017, watch: [INBOX]}
    smtp: {host: 127.0.0.1, port: %d, security: none, connections: 2, rate: 200/s}
triage:
  acknowledge: true
  ack_template: ack
  default: {category: general, folder: Triage/General}
lists:
  - name: mayors
waves:
  - name: invitation
    account: habitat
    list: mayors
    template: invitation
    at: 2017-09-15T09:00:00+02:00
    attach_ics: true
  - name: reminder
    account: habitat
    list: mayors
    template: reminder
    cron: "0 9 29 2 *"
    audience: no-reply
    after: invitation
    min_gap: 120h
  - name: logistics
    account: habitat
    list: mayors
    template: logistics
    at: 2099-11-01T09:00:00+01:00
    audience: accepted
`, imapPort, smtpPort), true)
}

// rpJSON runs a herald command that prints JSON and decodes it into v.
func rpJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	out, errOut, code := herald(t, args...)
	if code != 0 {
		t.Fatalf("herald %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("herald %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// ---- the invitations, as the sink received them ----

// rpInvite is one contact's invitation: what a reply quotes and names.
type rpInvite struct {
	ID, Subject, Text string
	Date              time.Time
	UID, Summary, Seq string // of the iTIP REQUEST
	UnsubSubject      string // the subject of the List-Unsubscribe mailto
	Headers           string // the header block, as a DSN returns it
}

var (
	rpMailtoRE = regexp.MustCompile(`<(mailto:[^>]+)>`)
	rpICSProp  = func(ics, name string) string {
		m := regexp.MustCompile(`(?m)^` + name + `(?:;[^:\r\n]*)?:([^\r\n]*)`).FindStringSubmatch(ics)
		if m == nil {
			return ""
		}
		return m[1]
	}
)

func rpInvitation(m realserver.DumpedMessage) (rpInvite, error) {
	msg, err := m.Message()
	if err != nil {
		return rpInvite{}, err
	}
	h := msg.Header
	inv := rpInvite{ID: strings.Trim(h.Get("Message-Id"), "<>")}
	inv.Subject, _ = new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	inv.Date, _ = h.Date()
	head, _, _ := bytes.Cut(m.Data, []byte("\n\n"))
	inv.Headers = string(head)
	mt := rpMailtoRE.FindStringSubmatch(strings.Join(strings.Fields(h.Get("List-Unsubscribe")), ""))
	if mt == nil {
		return inv, fmt.Errorf("no mailto in List-Unsubscribe %q", h.Get("List-Unsubscribe"))
	}
	u, err := url.Parse(mt[1])
	if err != nil {
		return inv, err
	}
	inv.UnsubSubject = u.Query().Get("subject")
	parts, err := leaves(textproto.MIMEHeader(h), msg.Body)
	if err != nil {
		return inv, err
	}
	for _, p := range parts {
		switch {
		case p.Type == "text/plain":
			inv.Text = strings.ReplaceAll(string(p.Body), "\r\n", "\n")
		case p.Type == "text/calendar":
			ics := strings.ReplaceAll(strings.ReplaceAll(string(p.Body), "\r\n ", ""), "\r\n", "\n")
			inv.UID, inv.Summary, inv.Seq = rpICSProp(ics, "UID"), rpICSProp(ics, "SUMMARY"), rpICSProp(ics, "SEQUENCE")
		}
	}
	if inv.ID == "" || inv.Text == "" || inv.UID == "" || inv.UnsubSubject == "" {
		return inv, fmt.Errorf("invitation lacks a Message-ID, text, UID or unsubscribe subject: %+v", inv)
	}
	if inv.Seq == "" {
		inv.Seq = "0"
	}
	return inv, nil
}

// ---- replies as real clients write them ----

// rpGen makes the replies' Message-IDs, dates and boundaries.
type rpGen struct {
	n  int
	at time.Time
}

func (g *rpGen) next() (int, time.Time) {
	g.n++
	return g.n, g.at.Add(time.Duration(g.n) * 7 * time.Minute)
}

func (g *rpGen) hex(n int, salt string) string {
	s := fmt.Sprintf("%x", []byte(fmt.Sprintf("%s%06d%s", salt, g.n, salt)))
	for len(s) < n {
		s += s
	}
	return strings.ToUpper(s[:n])
}

// rpMail is one message to APPEND: header lines and a body, LF line ends.
type rpMail struct {
	id     string // Message-ID without <>
	header []string
	body   string
}

func (m rpMail) raw() []byte {
	s := strings.Join(m.header, "\n") + "\n\n" + m.body
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
	return []byte(s)
}

func rpQP(s string) string {
	var b strings.Builder
	w := quotedprintable.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func rpB64(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(s) > 76 {
		out.WriteString(s[:76] + "\n")
		s = s[76:]
	}
	return out.String() + s + "\n"
}

func rpSubject(s string) string { return mime.QEncoding.Encode("utf-8", s) }

func rpQuote(text string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if l == "" {
			b.WriteString(">\n")
		} else {
			b.WriteString("> " + l + "\n")
		}
	}
	return b.String()
}

var (
	rpMonths = map[string][]string{
		"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		"es": {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
	}
	rpDays = map[string][]string{
		"fr": {"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
		"es": {"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"},
	}
)

// rpAttribution is the line a client writes above the quoted invitation.
func rpAttribution(client, lang string, d time.Time) string {
	const who = "UN-Habitat focal point"
	mon := func() string { return rpMonths[lang][d.Month()-1] }
	switch client + "/" + lang {
	case "gmail/en":
		return d.Format("On Mon, Jan 2, 2006 at 3:04 PM, ") + who + " <decorte@un.org>\nwrote:"
	case "gmail/fr":
		return fmt.Sprintf("Le %s %d %s %d à %s, %s <decorte@un.org> a\nécrit :", rpDays["fr"][d.Weekday()][:3]+".", d.Day(), mon()[:4]+".", d.Year(), d.Format("15:04"), who)
	case "gmail/es":
		return fmt.Sprintf("El %s, %d %s %d a las %s, %s (<decorte@un.org>)\nescribió:", rpDays["es"][d.Weekday()][:3]+".", d.Day(), mon()[:4]+".", d.Year(), d.Format("15:04"), who)
	case "thunderbird/en":
		return d.Format("On 02/01/2006 15:04, ") + who + " wrote:"
	case "thunderbird/fr":
		return d.Format("Le 02/01/2006 à 15:04, ") + who + " a écrit :"
	case "thunderbird/es":
		return d.Format("El 02/01/06 a las 15:04, ") + who + " escribió:"
	case "apple/en":
		return d.Format("On 2 Jan 2006, at 15:04, ") + who + " <decorte@un.org> wrote:"
	case "apple/fr":
		return fmt.Sprintf("Le %d %s %d à %s, %s <decorte@un.org> a écrit :", d.Day(), mon()[:4]+".", d.Year(), d.Format("15:04"), who)
	case "apple/es":
		return fmt.Sprintf("El %d %s %d, a las %s, %s <decorte@un.org> escribió:", d.Day(), mon()[:4], d.Year(), d.Format("15:04"), who)
	}
	panic("no attribution for " + client + "/" + lang)
}

// rpOutlookBlock is the header block Outlook writes above the original.
func rpOutlookBlock(lang string, inv rpInvite, c waveContact) string {
	d := inv.Date
	switch lang {
	case "fr":
		return fmt.Sprintf("________________________________\nDe : UN-Habitat focal point <decorte@un.org>\nEnvoyé : %s %d %s %d %s\nÀ : %s <%s>\nObjet : %s\n",
			rpDays["fr"][d.Weekday()], d.Day(), rpMonths["fr"][d.Month()-1], d.Year(), d.Format("15:04"), c.Name, c.Email, inv.Subject)
	case "es":
		return fmt.Sprintf("De: UN-Habitat focal point <decorte@un.org>\nEnviado el: %s, %d de %s de %d %s\nPara: %s <%s>\nAsunto: %s\n",
			rpDays["es"][d.Weekday()], d.Day(), rpMonths["es"][d.Month()-1], d.Year(), d.Format("15:04"), c.Name, c.Email, inv.Subject)
	}
	return fmt.Sprintf("From: UN-Habitat focal point <decorte@un.org>\nSent: %s\nTo: %s <%s>\nSubject: %s\n",
		d.Format("02 January 2006 15:04"), c.Name, c.Email, inv.Subject)
}

// rpOutlookName is how Exchange shows a person: "Family, Given".
func rpOutlookName(c waveContact) string {
	given, family, _ := strings.Cut(c.Name, " ")
	return family + ", " + given
}

func rpDomain(email string) string { return email[strings.LastIndexByte(email, '@')+1:] }

// textReply is a person's answer typed in a mail client: client is
// outlook (top-posted above a header block), gmail (top-posted, quoted,
// text and HTML), apple (top-posted, quoted) or thunderbird (bottom-posted
// below the quoted invitation). Every layout carries the whole invitation,
// which itself asks for "I will attend" or "I am unable to attend".
func (g *rpGen) textReply(client string, c waveContact, inv rpInvite, text string) rpMail {
	n, at := g.next()
	from := (&mail.Address{Name: c.Name, Address: c.Email}).String()
	m := rpMail{}
	common := func(subject string) []string {
		return []string{"Return-Path: <" + c.Email + ">",
			fmt.Sprintf("Received: from mail.%s (mail.%[1]s [192.0.2.%d])\n\tby mx1.un.org (Postfix) with ESMTPS id %s\n\tfor <decorte@un.org>; %s",
				rpDomain(c.Email), 10+n, g.hex(10, "rcv"), at.Add(4*time.Second).Format(time.RFC1123Z)),
			"Date: " + at.Format(time.RFC1123Z), "Subject: " + rpSubject(subject)}
	}
	refs := []string{"In-Reply-To: <" + inv.ID + ">", "References: <" + inv.ID + ">"}
	switch client {
	case "outlook":
		m.id = fmt.Sprintf("AM4PR06%sB%04d@AM4PR06%[1]s.eurprd06.prod.outlook.com", g.hex(8, "ol"), n)
		re := map[string]string{"en": "RE: ", "fr": "RE : ", "es": "RE: "}[c.Lang]
		m.header = append(common(re+inv.Subject), "From: "+(&mail.Address{Name: rpOutlookName(c), Address: c.Email}).String(),
			`To: "UN-Habitat focal point" <decorte@un.org>`, "Thread-Topic: "+rpSubject(inv.Subject),
			"Thread-Index: AdMt"+g.hex(20, "ti"), "Message-ID: <"+m.id+">")
		m.header = append(m.header, refs[0], "Content-Language: "+map[string]string{"en": "en-GB", "fr": "fr-FR", "es": "es-ES"}[c.Lang],
			"X-MS-Has-Attach:", "X-MS-TNEF-Correlator:", `Content-Type: text/plain; charset="utf-8"`,
			"Content-Transfer-Encoding: quoted-printable", "MIME-Version: 1.0")
		m.body = rpQP(text + "\n\n" + rpOutlookBlock(c.Lang, inv, c) + "\n" + inv.Text)
	case "gmail":
		m.id = fmt.Sprintf("CA+%sw%d@mail.gmail.com", g.hex(14, "gm"), n)
		boundary := "0000000000" + strings.ToLower(g.hex(16, "bd"))
		quoteLine := rpAttribution("gmail", c.Lang, inv.Date)
		plain := text + "\n\n" + quoteLine + "\n\n" + rpQuote(inv.Text)
		htmlBody := `<div dir="ltr">` + strings.ReplaceAll(html.EscapeString(text), "\n", "<br>") + `</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">` +
			html.EscapeString(quoteLine) + `<br></div><blockquote class="gmail_quote" style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex">` +
			strings.ReplaceAll(html.EscapeString(inv.Text), "\n", "<br>") + "</blockquote></div>"
		m.header = append(common("Re: "+inv.Subject), "MIME-Version: 1.0", "From: "+from, "Message-ID: <"+m.id+">")
		m.header = append(m.header, refs...)
		m.header = append(m.header, `To: "UN-Habitat focal point" <decorte@un.org>`,
			`Content-Type: multipart/alternative; boundary="`+boundary+`"`)
		cte, enc := "quoted-printable", rpQP(plain)
		if c.Lang == "es" {
			cte, enc = "base64", rpB64([]byte(plain))
		}
		m.body = fmt.Sprintf("--%s\nContent-Type: text/plain; charset=\"UTF-8\"\nContent-Transfer-Encoding: %s\n\n%s\n--%[1]s\nContent-Type: text/html; charset=\"UTF-8\"\nContent-Transfer-Encoding: quoted-printable\n\n%[4]s\n--%[1]s--\n",
			boundary, cte, enc, rpQP(htmlBody))
	case "apple":
		m.id = fmt.Sprintf("%s-93D4-4C1B-9E2A-%s@%s", g.hex(8, "ap"), g.hex(12, "pl"), rpDomain(c.Email))
		sent := map[string]string{"en": "Sent from my iPhone", "fr": "Envoyé de mon iPad", "es": "Enviado desde mi iPhone"}[c.Lang]
		m.header = append(common("Re: "+inv.Subject), "From: "+from, "Content-Type: text/plain;\n\tcharset=utf-8",
			"Content-Transfer-Encoding: quoted-printable", "Mime-Version: 1.0 (1.0)", "Message-Id: <"+m.id+">")
		m.header = append(m.header, refs[1], refs[0], "To: UN-Habitat focal point <decorte@un.org>", "X-Mailer: iPhone Mail (14G60)")
		m.body = rpQP(text + "\n\n" + sent + "\n\n> " + rpAttribution("apple", c.Lang, inv.Date) + "\n>\n" + rpQuote(inv.Text))
	case "thunderbird":
		m.id = fmt.Sprintf("%s-7d4e-4f5a-9b6c-%s@%s", strings.ToLower(g.hex(8, "tb")), strings.ToLower(g.hex(12, "rd")), rpDomain(c.Email))
		m.header = append(common("Re: "+inv.Subject), "To: UN-Habitat focal point <decorte@un.org>", refs[1], "From: "+from,
			"Message-ID: <"+m.id+">", "User-Agent: Mozilla/5.0 (Windows NT 10.0; WOW64; rv:52.0) Gecko/20100101\n Thunderbird/52.3.0",
			"MIME-Version: 1.0", refs[0], "Content-Type: text/plain; charset=utf-8; format=flowed", "Content-Transfer-Encoding: 8bit",
			"Content-Language: "+c.Lang)
		m.body = rpAttribution("thunderbird", c.Lang, inv.Date) + "\n" + rpQuote(inv.Text) + "\n" + text + "\n\n-- \n" + c.Name + "\n"
	default:
		panic(client)
	}
	return m
}

// icsFold folds a content line at 75 octets, on a rune boundary (RFC 5545 §3.1).
func icsFold(line string) string {
	var b strings.Builder
	n := 0
	for _, r := range line {
		if w := len(string(r)); n+w > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += len(string(r))
	}
	return b.String() + "\r\n"
}

func icsObject(lines ...string) []byte {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(icsFold(l))
	}
	return []byte(b.String())
}

// outlookCalendar is what Exchange sends when the invitee clicks Accept,
// Decline or Tentative: a METHOD:REPLY with the organizer's UID, the
// attendee in upper-case MAILTO with the address as they typed it, and
// X-Auto-Response-Suppress, which asks for no automatic answer.
func (g *rpGen) outlookCalendar(c waveContact, inv rpInvite, partstat string, inReplyTo bool, comment string) rpMail {
	n, at := g.next()
	verb := map[string]map[string]string{
		"en": {"ACCEPTED": "Accepted", "DECLINED": "Declined", "TENTATIVE": "Tentative"},
		"fr": {"ACCEPTED": "Accepté", "DECLINED": "Refusé", "TENTATIVE": "Provisoire"},
		"es": {"ACCEPTED": "Aceptado", "DECLINED": "Rechazado", "TENTATIVE": "Provisional"},
	}[c.Lang][partstat]
	sep := map[string]string{"fr": " : "}[c.Lang]
	if sep == "" {
		sep = ": "
	}
	subject := verb + sep + inv.Summary
	lang := map[string]string{"en": "en-GB", "fr": "fr-FR", "es": "es-ES"}[c.Lang]
	local, domain, _ := strings.Cut(c.Email, "@")
	mixed := strings.ToUpper(local[:1]) + local[1:] + "@" + strings.ToUpper(domain[:1]) + domain[1:]
	ics := icsObject("BEGIN:VCALENDAR", "METHOD:REPLY", "PRODID:Microsoft Exchange Server 2010", "VERSION:2.0",
		"BEGIN:VTIMEZONE", "TZID:Romance Standard Time", "BEGIN:STANDARD", "DTSTART:16010101T030000", "TZOFFSETFROM:+0200",
		"TZOFFSETTO:+0100", "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10", "END:STANDARD", "BEGIN:DAYLIGHT",
		"DTSTART:16010101T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3",
		"END:DAYLIGHT", "END:VTIMEZONE", "BEGIN:VEVENT",
		fmt.Sprintf(`ATTENDEE;PARTSTAT=%s;CN="%s":MAILTO:%s`, partstat, rpOutlookName(c), mixed),
		"COMMENT;LANGUAGE="+lang+":"+strings.NewReplacer(",", `\,`, ";", `\;`, "\n", `\n`).Replace(comment),
		"SUMMARY;LANGUAGE="+lang+":"+subject,
		"DTSTART;TZID=Romance Standard Time:20171116T090000", "DTEND;TZID=Romance Standard Time:20171117T170000",
		"UID:"+inv.UID, "CLASS:PUBLIC", "PRIORITY:5", "DTSTAMP:"+at.UTC().Format("20060102T150405Z"), "TRANSP:OPAQUE",
		"STATUS:CONFIRMED", "SEQUENCE:"+inv.Seq, "LOCATION;LANGUAGE="+lang+":Lamot Congress Centre\\, Mechelen\\, Belgium",
		"X-MICROSOFT-CDO-APPT-SEQUENCE:"+inv.Seq, "X-MICROSOFT-CDO-BUSYSTATUS:BUSY", "X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY",
		"X-MICROSOFT-CDO-ALLDAYEVENT:FALSE", "X-MICROSOFT-CDO-IMPORTANCE:1", "X-MICROSOFT-CDO-INSTTYPE:0",
		"X-MICROSOFT-DISALLOW-COUNTER:FALSE", "END:VEVENT", "END:VCALENDAR")
	m := rpMail{id: fmt.Sprintf("DB6PR08%sMB%04d@DB6PR08%[1]s.eurprd08.prod.outlook.com", g.hex(8, "oc"), n)}
	boundary := "_000_" + strings.TrimSuffix(m.id[:20], "@") + "_"
	m.header = []string{"Return-Path: <" + c.Email + ">", "From: " + (&mail.Address{Name: rpOutlookName(c), Address: c.Email}).String(),
		`To: "UN-Habitat focal point" <decorte@un.org>`, "Subject: " + rpSubject(subject), "Thread-Topic: " + rpSubject(inv.Summary),
		"Date: " + at.Format(time.RFC1123Z), "Message-ID: <" + m.id + ">"}
	if inReplyTo {
		m.header = append(m.header, "In-Reply-To: <"+inv.ID+">")
	}
	m.header = append(m.header, "Content-Language: "+lang, "X-MS-Has-Attach:", "X-MS-TNEF-Correlator:",
		"X-Auto-Response-Suppress: DR, OOF, AutoReply", `Content-Type: multipart/alternative; boundary="`+boundary+`"`, "MIME-Version: 1.0")
	text := comment
	if text == "" {
		text = " "
	}
	m.body = fmt.Sprintf("--%s\nContent-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: quoted-printable\n\n%s\n\n--%[1]s\nContent-Type: text/calendar; charset=\"utf-8\"; method=REPLY\nContent-Transfer-Encoding: base64\n\n%[3]s\n--%[1]s--\n",
		boundary, rpQP(text), rpB64(ics))
	return m
}

// googleCalendar is Google Calendar's answer for a Gmail user: sent by
// Google for the attendee, multipart/mixed with the REPLY inline and as
// invite.ics, an optional note in X-RESPONSE-COMMENT.
func (g *rpGen) googleCalendar(c waveContact, inv rpInvite, partstat, comment string) rpMail {
	n, at := g.next()
	verb := map[string]string{"ACCEPTED": "Accepted", "DECLINED": "Declined", "TENTATIVE": "Tentatively Accepted"}[partstat]
	subject := fmt.Sprintf("%s: %s @ Thu Nov 16, 2017 9am - Fri Nov 17, 2017 5pm (CET) (decorte@un.org)", verb, inv.Summary)
	att := fmt.Sprintf("ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=%s;CN=%s;X-NUM-GUESTS=0", partstat, c.Name)
	if comment != "" {
		att += `;X-RESPONSE-COMMENT="` + strings.ReplaceAll(comment, ",", `\,`) + `"`
	}
	ics := icsObject("BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0", "CALSCALE:GREGORIAN",
		"METHOD:REPLY", "BEGIN:VEVENT", "DTSTART:20171116T080000Z", "DTEND:20171117T160000Z",
		"DTSTAMP:"+at.UTC().Format("20060102T150405Z"), "ORGANIZER;CN=UN-Habitat focal point:mailto:decorte@un.org",
		"UID:"+inv.UID, att+":mailto:"+c.Email, "CREATED:20170915T070000Z", "LAST-MODIFIED:"+at.UTC().Format("20060102T150405Z"),
		"LOCATION:Lamot Congress Centre\\, Mechelen\\, Belgium", "SEQUENCE:"+inv.Seq, "STATUS:CONFIRMED",
		"SUMMARY:"+inv.Summary, "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR")
	did := map[string]string{"ACCEPTED": "accepted", "DECLINED": "declined", "TENTATIVE": "tentatively accepted"}[partstat]
	note := c.Name + " has " + did + " this invitation."
	if comment != "" {
		note = c.Name + " has " + did + " this invitation with note:\n" + comment
	}
	outer, inner := "000000000000"+strings.ToLower(g.hex(12, "go")), "000000000000"+strings.ToLower(g.hex(12, "gi"))
	m := rpMail{id: fmt.Sprintf("000000000000%s%04d@google.com", strings.ToLower(g.hex(12, "gm")), n)}
	m.header = []string{"MIME-Version: 1.0", "Reply-To: " + (&mail.Address{Name: c.Name, Address: c.Email}).String(),
		"Sender: Google Calendar <calendar-notification@google.com>", "Message-ID: <" + m.id + ">",
		"Date: " + at.Format(time.RFC1123Z), "Subject: " + rpSubject(subject),
		"From: " + (&mail.Address{Name: c.Name, Address: c.Email}).String(), "To: decorte@un.org",
		`Content-Type: multipart/mixed; boundary="` + outer + `"`}
	m.body = fmt.Sprintf(`--%[1]s
Content-Type: multipart/alternative; boundary="%[2]s"

--%[2]s
Content-Type: text/plain; charset="UTF-8"; format=flowed; delsp=yes
Content-Transfer-Encoding: quoted-printable

%[3]s

--%[2]s
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

%[4]s
--%[2]s
Content-Type: text/calendar; charset="UTF-8"; method=REPLY
Content-Transfer-Encoding: base64

%[5]s
--%[2]s--

--%[1]s
Content-Type: application/ics; name="invite.ics"
Content-Disposition: attachment; filename="invite.ics"
Content-Transfer-Encoding: base64

%[5]s
--%[1]s--
`, outer, inner, rpQP(note+"\n\nInvitation from Google Calendar"), rpQP("<p>"+html.EscapeString(note)+"</p>"), rpB64(ics))
	return m
}

// tokenUnsubscribe is what a client's "Unsubscribe" button sends to the
// List-Unsubscribe mailto: its subject, from wherever the reader reads
// the mail — here a personal address that is not the contact's.
func (g *rpGen) tokenUnsubscribe(from string, inv rpInvite) rpMail {
	_, at := g.next()
	m := rpMail{id: fmt.Sprintf("CAGk%s@mail.gmail.com", g.hex(16, "us"))}
	m.header = []string{"Return-Path: <" + from + ">", "MIME-Version: 1.0", "From: " + from, "Date: " + at.Format(time.RFC1123Z),
		"Message-ID: <" + m.id + ">", "Subject: " + inv.UnsubSubject, "To: decorte@un.org", `Content-Type: text/plain; charset="UTF-8"`}
	m.body = "This message was automatically generated by Gmail.\n"
	return m
}

// outOfOffice is an Exchange automatic reply to the invitation. Its text
// says "I will attend to your message", which must not count
// (docs/BEHAVIOUR.md §4 step 2).
func (g *rpGen) outOfOffice(c waveContact, inv rpInvite) rpMail {
	n, at := g.next()
	m := rpMail{id: fmt.Sprintf("AM5PR07%sMB%04d@AM5PR07%[1]s.eurprd07.prod.outlook.com", g.hex(8, "oo"), n)}
	m.header = []string{"Return-Path: <" + c.Email + ">", "From: " + (&mail.Address{Name: rpOutlookName(c), Address: c.Email}).String(),
		"To: UN-Habitat focal point <decorte@un.org>", "Subject: " + rpSubject("Automatic reply: "+inv.Subject),
		"Thread-Topic: " + rpSubject(inv.Subject), "Date: " + at.Format(time.RFC1123Z), "Message-ID: <" + m.id + ">",
		"In-Reply-To: <" + inv.ID + ">", "References: <" + inv.ID + ">", "Auto-Submitted: auto-replied",
		"X-MS-Exchange-Inbox-Rules-Loop: " + c.Email, "X-Auto-Response-Suppress: All",
		`Content-Type: text/plain; charset="us-ascii"`, "MIME-Version: 1.0"}
	m.body = "Thank you for your message. I am out of the office until 2 October with limited access to email.\nI will attend to your message on my return. Yes, urgent matters can go to the protocol office.\n\n" + c.Name + "\n"
	return m
}

// postfixDSN is the organisation's relay reporting a failed invitation
// (RFC 3464), with the invitation's headers returned (text/rfc822-headers).
func (g *rpGen) postfixDSN(c waveContact, inv rpInvite, status, diag string) rpMail {
	n, at := g.next()
	qid := g.hex(10, "dq")
	m := rpMail{id: fmt.Sprintf("%s.%s@mx1.un.org", at.Format("20060102150405"), qid)}
	boundary := fmt.Sprintf("%s.%d/mx1.un.org", qid, at.Unix())
	m.header = []string{"Return-Path: <>", "Date: " + at.Format(time.RFC1123Z),
		"From: MAILER-DAEMON@mx1.un.org (Mail Delivery System)", "Subject: Undelivered Mail Returned to Sender",
		"To: decorte@un.org", "Auto-Submitted: auto-replied", "MIME-Version: 1.0",
		"Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"" + boundary + "\"",
		"Content-Transfer-Encoding: 8bit", "Message-Id: <" + m.id + ">"}
	m.body = fmt.Sprintf(`This is a MIME-encapsulated message.

--%[1]s
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx1.un.org.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<%[2]s>: host mail.%[3]s[198.51.100.%[4]d] said: %[5]s (in reply to RCPT TO
    command)

--%[1]s
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.un.org
X-Postfix-Queue-ID: %[6]s
X-Postfix-Sender: rfc822; decorte@un.org
Arrival-Date: %[7]s

Final-Recipient: rfc822; %[2]s
Original-Recipient: rfc822;%[2]s
Action: failed
Status: %[8]s
Remote-MTA: dns; mail.%[3]s
Diagnostic-Code: smtp; %[5]s

--%[1]s
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <decorte@un.org>
Received: from herald.un.org (herald.un.org [10.0.0.5])
	by mx1.un.org (Postfix) with ESMTP id %[6]s
	for <%[2]s>; %[7]s
%[9]s

--%[1]s--
`, boundary, c.Email, rpDomain(c.Email), n, diag, qid, inv.Date.Format(time.RFC1123Z), status, inv.Headers)
	return m
}

// ---- what each contact does, and what herald must make of it ----

// rpCase is one contact's answer: the messages it sends (in order) and
// the outcome docs/BEHAVIOUR.md §4 and §6 prescribe.
type rpCase struct {
	lang, what string
	mails      func(g *rpGen, c waveContact, inv rpInvite) []rpMail
	rsvp       string   // final RSVP: none, accepted, declined, maybe
	status     string   // subscribed, unsubscribed, bounced
	confirms   []string // templates herald must send back, in order
	unclear    bool     // an rsvp-unclear enquiry
}

func rpText(client, text string) func(*rpGen, waveContact, rpInvite) []rpMail {
	return func(g *rpGen, c waveContact, inv rpInvite) []rpMail {
		text := strings.ReplaceAll(strings.ReplaceAll(text, "{Name}", c.Name), "{Given}", strings.Fields(c.Name)[0])
		return []rpMail{g.textReply(client, c, inv, text)}
	}
}

// rpCases are the answers, each given to the next contact of its language.
var rpCases = []rpCase{
	{lang: "en", what: "Outlook, top-posted yes", rsvp: "accepted", confirms: []string{"rsvp-accepted"},
		mails: rpText("outlook", "Dear Mr Decorte,\n\nYes, I will attend. Thank you for the invitation.\n\nKind regards,\n{Name}\nMayor's Office")},
	{lang: "en", what: "Thunderbird, bottom-posted yes", rsvp: "accepted", confirms: []string{"rsvp-accepted"},
		mails: rpText("thunderbird", "Count me in!")},
	{lang: "en", what: "Gmail, top-posted no", rsvp: "declined", confirms: []string{"rsvp-declined"},
		mails: rpText("gmail", "Thank you for the kind invitation. Unfortunately I will not be able to\nattend, as I will be travelling that week.\n\nBest regards,\n{Given}")},
	{lang: "en", what: "iPhone, maybe", rsvp: "maybe", confirms: []string{"rsvp-maybe"},
		mails: rpText("apple", "I will try to attend, not sure yet about my schedule.")},
	{lang: "en", what: "Gmail, yes with a question", rsvp: "none", unclear: true, confirms: []string{"ack"},
		mails: rpText("gmail", "Yes, I'd like to come. Can I bring a colleague?\n\n{Given}")},
	{lang: "en", what: "Outlook calendar Accept", rsvp: "accepted", // X-Auto-Response-Suppress: no confirmation
		mails: func(g *rpGen, c waveContact, inv rpInvite) []rpMail {
			return []rpMail{g.outlookCalendar(c, inv, "ACCEPTED", true, "")}
		}},
	{lang: "en", what: "Google calendar Accept", rsvp: "accepted", confirms: []string{"rsvp-accepted"},
		mails: func(g *rpGen, c waveContact, inv rpInvite) []rpMail {
			return []rpMail{g.googleCalendar(c, inv, "ACCEPTED", "")}
		}},
	{lang: "en", what: "Gmail, remove me", status: "unsubscribed", confirms: []string{"unsubscribed"},
		mails: rpText("gmail", "Please remove me from your list.\n\nThanks,\n{Name}")},
	{lang: "en", what: "Postfix DSN 5.1.1", status: "bounced",
		mails: func(g *rpGen, c waveContact, inv rpInvite) []rpMail {
			return []rpMail{g.postfixDSN(c, inv, "5.1.1", "550 5.1.1 <"+c.Email+">: Recipient address rejected: User unknown in virtual mailbox table")}
		}},
	{lang: "en", what: "out-of-office", rsvp: "none",
		mails: func(g *rpGen, c waveContact, inv rpInvite) []rpMail { return []rpMail{g.outOfOffice(c, inv)} }},
	{lang: "en", what: "maybe by text, then Accept in Google Calendar", rsvp: "accepted", confirms: []string{"rsvp-maybe", "rsvp-accepted"},
		mails: func(g *rpGen, c waveContact, inv rpInvite) []rpMail {
			return []rpMail{g.textReply("apple", c, inv, "I will try to attend, not sure yet about my schedule."),
				g.googleCalendar(c, inv, "ACCEPTED", "")}
		}},
	{lang: "en", what: "yes by text, then Accept in Google Calendar", rsvp: "accepted", confirms: []string{"rsvp-accepted"},
		mails: func(g *rpGen, c waveContact, inv rpInvite) []rpMail {
			return []rpMail{g.textReply("gmail", c, inv, "Thank you, I will attend.\n\nBest,\n"+c.Name),
				g.googleCalendar(c, inv, "ACCEPTED", "")}
		}},
	{lang: "fr", what: "Gmail, top-posted oui", rsvp: "accepted", confirms: []string{"rsvp-accepted"},
		mails: rpText("gmail", "J'ai le plaisir de confirmer ma participation.\n\nBien à vous,\n{Name}")},
	{lang: "fr", what: "Outlook, top-posted non", rsvp: "declined", confirms: []string{"rsvp-declined"},
		mails: rpText("outlook", "Bonjour,\n\nJe ne pourrai malheureusement pas venir.\n\nCordialement,\n{Name}")},
	{lang: "fr", what: "Thunderbird, bottom-posted peut-être", rsvp: "maybe", confirms: []string{"rsvp-maybe"},
		mails: rpText("thunderbird", "Peut-être, je vais essayer de me libérer.")},
	{lang: "fr", what: "iPad, Oui", rsvp: "accepted", confirms: []string{"rsvp-accepted"},
		mails: rpText("apple", "Oui")},
	{lang: "fr", what: "Outlook calendar Decline with a comment", rsvp: "declined",
		mails: func(g *rpGen, c waveContact, inv rpInvite) []rpMail {
			return []rpMail{g.outlookCalendar(c, inv, "DECLINED", false, "Désolée, je serai en déplacement ce jour-là.\nBien à vous; "+c.Name)}
		}},
	{lang: "fr", what: "Google calendar Decline with a note", rsvp: "declined", confirms: []string{"rsvp-declined"},
		mails: func(g *rpGen, c waveContact, inv rpInvite) []rpMail {
			return []rpMail{g.googleCalendar(c, inv, "DECLINED", "Désolé, je serai en mission cette semaine-là")}
		}},
	// The confirmation goes to the contact's stored address, not to the
	// sender of the mailto (docs/BEHAVIOUR.md §6.1).
	{lang: "fr", what: "List-Unsubscribe mailto from another address", status: "unsubscribed", confirms: []string{"unsubscribed"},
		mails: func(g *rpGen, c waveContact, inv rpInvite) []rpMail {
			return []rpMail{g.tokenUnsubscribe("secretariat.maire@gmail.example", inv)}
		}},
	{lang: "fr", what: "Outlook, retirez-moi", status: "unsubscribed", confirms: []string{"unsubscribed"},
		mails: rpText("outlook", "Bonjour,\n\nMerci de me retirer de votre liste de diffusion.\n\n{Name}")},
	{lang: "fr", what: "Postfix DSN 5.7.1 (policy)", rsvp: "none",
		mails: func(g *rpGen, c waveContact, inv rpInvite) []rpMail {
			return []rpMail{g.postfixDSN(c, inv, "5.7.1", "554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org")}
		}},
	{lang: "es", what: "Outlook, top-posted sí", rsvp: "accepted", confirms: []string{"rsvp-accepted"},
		mails: rpText("outlook", "Estimados:\n\nConfirmo mi asistencia.\n\nSaludos,\n{Name}")},
	{lang: "es", what: "Gmail (base64), no", rsvp: "declined", confirms: []string{"rsvp-declined"},
		mails: rpText("gmail", "Lamentablemente no podré asistir.\n\nUn saludo,\n{Given}")},
	{lang: "es", what: "Gmail, quizás", rsvp: "maybe", confirms: []string{"rsvp-maybe"},
		mails: rpText("gmail", "Quizás. Intentaré ir si consigo vuelo.")},
	{lang: "es", what: "Thunderbird, bottom-posted no", rsvp: "declined", confirms: []string{"rsvp-declined"},
		mails: rpText("thunderbird", "No me será posible asistir, lo siento.")},
	{lang: "es", what: "iPhone, sí without accents", rsvp: "accepted", confirms: []string{"rsvp-accepted"},
		mails: rpText("apple", "Si, asistire con gusto")},
	{lang: "es", what: "Outlook calendar Tentative", rsvp: "maybe",
		mails: func(g *rpGen, c waveContact, inv rpInvite) []rpMail {
			return []rpMail{g.outlookCalendar(c, inv, "TENTATIVE", false, "")}
		}},
	{lang: "es", what: "Google calendar Tentative", rsvp: "maybe", confirms: []string{"rsvp-maybe"},
		mails: func(g *rpGen, c waveContact, inv rpInvite) []rpMail {
			return []rpMail{g.googleCalendar(c, inv, "TENTATIVE", "")}
		}},
	{lang: "es", what: "Outlook, a question", rsvp: "none", unclear: true, confirms: []string{"ack"},
		mails: rpText("outlook", "¿Puedo ir con un acompañante?\n\n{Given}")},
}

// rpWant is one contact's expected state.
type rpWant struct {
	c        waveContact
	cs       *rpCase // nil: never answered
	mails    []rpMail
	rsvp     string
	status   string
	confirms []string
}

// ---- the test ----

func TestRepliesCloseTheLoop(t *testing.T) {
	t.Parallel()
	start := time.Now()
	const user, pass = "decorte@un.org", "Habitat2017"
	dv := realserver.StartDovecot(t, map[string]string{user: pass})
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})
	dir := t.TempDir()
	cfg := rpConfig(t, dir, dv.Port, sink.Port)

	contacts := waveContacts(50)
	csv := filepath.Join(dir, "mayors.csv")
	writeContactsCSV(t, csv, contacts)
	var imp struct {
		Added    int               `json:"added"`
		Rejected []json.RawMessage `json:"rejected"`
	}
	rpJSON(t, &imp, "--config", cfg, "lists", "import", "mayors", csv, "--json")
	if imp.Added != 50 || len(imp.Rejected) != 0 {
		t.Fatalf("lists import: %+v", imp)
	}

	// The invitation, and what each contact received.
	if out := waveSend(t, cfg, "invitation"); !strings.Contains(out, "sent 50, failed 0, skipped 0, pending 0") {
		t.Fatalf("waves send invitation printed %q", out)
	}
	dumped, err := sink.Messages()
	if err != nil {
		t.Fatal(err)
	}
	byRcpt := perRecipient(t, dumped)
	invites := map[string]rpInvite{}
	uids := map[string]bool{}
	for _, c := range contacts {
		if len(byRcpt[c.Email]) != 1 {
			t.Fatalf("%s got %d invitations", c.Email, len(byRcpt[c.Email]))
		}
		inv, err := rpInvitation(byRcpt[c.Email][0])
		if err != nil {
			t.Fatalf("invitation to %s: %v", c.Email, err)
		}
		invites[c.Email] = inv
		uids[inv.UID] = true
	}
	if len(uids) != len(contacts) {
		// Each UID carries a MAC naming its contact (README "Replies").
		t.Errorf("the invitations carry %d event UIDs, want one per contact", len(uids))
	}

	// Each case goes to the next contact of its language; the rest never answer.
	wants := make([]*rpWant, len(contacts))
	next := map[string]int{}
	g := &rpGen{at: time.Now().Add(-6 * time.Hour)}
	var inbox []rpMail
	for i, c := range contacts {
		wants[i] = &rpWant{c: c, rsvp: "none", status: "subscribed"}
	}
	for ci := range rpCases {
		cs := &rpCases[ci]
		i := next[cs.lang]
		for i < len(contacts) && contacts[i].Lang != cs.lang {
			i++
		}
		if i == len(contacts) {
			t.Fatalf("no %s contact left for %q", cs.lang, cs.what)
		}
		next[cs.lang] = i + 1
		w := wants[i]
		w.cs, w.mails, w.confirms = cs, cs.mails(g, w.c, invites[w.c.Email]), cs.confirms
		if cs.rsvp != "" {
			w.rsvp = cs.rsvp
		}
		if cs.status != "" {
			w.status = cs.status
		}
	}
	// Answers arrive interleaved, as they would over a morning; a contact's
	// own messages keep their order.
	for round := 0; ; round++ {
		added := false
		for _, w := range wants {
			if round < len(w.mails) {
				inbox = append(inbox, w.mails[round])
				added = true
			}
		}
		if !added {
			break
		}
	}
	nConfirm := 0
	for _, w := range wants {
		nConfirm += len(w.confirms)
	}

	// herald runs while the answers arrive, until the INBOX is empty and
	// every confirmation is out.
	h := startLiveHerald(t, "herald run", cfg)
	admin := dvLogin(t, dv.Addr, user, pass)
	for _, m := range inbox {
		if err := dvAppend(admin, "INBOX", m.raw()); err != nil {
			t.Fatalf("append <%s>: %v", m.id, err)
		}
	}
	last, since := "", time.Now()
	ibxWait(t, 30*time.Second, "empty INBOX and every confirmation sent", func() (bool, string) {
		n, err := dvCount(admin, "INBOX")
		if err != nil {
			t.Fatal(err)
		}
		got, err := sink.Messages()
		if err != nil {
			t.Fatal(err)
		}
		state := fmt.Sprintf("INBOX %d, sink %d (want %d)", n, len(got), len(contacts)+nConfirm)
		if state != last {
			last, since = state, time.Now()
		}
		return n == 0 && len(got) >= len(contacts)+nConfirm && time.Since(since) > 1500*time.Millisecond, state
	})
	h.stop(t)
	t.Logf("%d answers triaged %v after the start: %s", len(inbox), time.Since(start).Round(time.Millisecond), last)

	rpCheckFolders(t, admin, wants, len(inbox))
	afterReplies, err := sink.Messages()
	if err != nil {
		t.Fatal(err)
	}
	rpCheckConfirmations(t, wants, afterReplies[len(dumped):])
	rpCheckContacts(t, cfg, wants)
	rpCheckEnquiries(t, cfg, wants)
	rpCheckLists(t, cfg, wants)

	// The reminder goes to those who have not answered, and only to them.
	var remind []string
	for _, w := range wants {
		if w.rsvp == "none" && w.status == "subscribed" {
			remind = append(remind, w.c.Email)
		}
	}
	rpCheckDryRun(t, cfg, "reminder", wants, remind)
	out := waveSend(t, cfg, "reminder")
	if want := fmt.Sprintf("sent %d, failed 0, skipped %d, pending 0", len(remind), len(contacts)-len(remind)); !strings.Contains(out, want) {
		t.Errorf("waves send reminder printed %q, want %q", out, want)
	}
	afterReminder, err := sink.Messages()
	if err != nil {
		t.Fatal(err)
	}
	rpCheckWave(t, "reminder", afterReminder[len(afterReplies):], wants, remind)

	// Practical information goes to those who accepted, and only to them.
	var accepted []string
	for _, w := range wants {
		if w.rsvp == "accepted" && w.status == "subscribed" {
			accepted = append(accepted, w.c.Email)
		}
	}
	out = waveSend(t, cfg, "logistics")
	if want := fmt.Sprintf("sent %d, failed 0, skipped %d, pending 0", len(accepted), len(contacts)-len(accepted)); !strings.Contains(out, want) {
		t.Errorf("waves send logistics printed %q, want %q", out, want)
	}
	afterLogistics, err := sink.Messages()
	if err != nil {
		t.Fatal(err)
	}
	rpCheckWave(t, "logistics", afterLogistics[len(afterReminder):], wants, accepted)
	t.Logf("%d contacts, %d answers, %d confirmations, %d reminders, %d logistics in %v", len(contacts), len(inbox), nConfirm,
		len(remind), len(accepted), time.Since(start).Round(time.Millisecond))
}

// ---- checks ----

// rpCheckFolders: every answer left the INBOX for the folder its kind
// has (README: Triage/RSVP, Triage/Unsubscribe, Triage/Bounces,
// Triage/Auto-replies), once, and none was lost.
func rpCheckFolders(t *testing.T, c *imapclient.Client, wants []*rpWant, total int) {
	t.Helper()
	all, counts, err := dvReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("folders: %v", counts)
	where := map[string][]string{}
	for _, m := range all {
		pm, err := mail.ReadMessage(bytes.NewReader(m.Raw))
		if err != nil {
			t.Errorf("%s UID %d: %v", m.Folder, m.UID, err)
			continue
		}
		id := strings.Trim(pm.Header.Get("Message-Id"), "<> ")
		where[id] = append(where[id], m.Folder)
	}
	if len(all) != total {
		t.Errorf("Dovecot holds %d messages, want the %d appended", len(all), total)
	}
	for _, w := range wants {
		for _, m := range w.mails {
			if got, want := where[m.id], rpWantFolder(w.cs); len(got) != 1 || got[0] != want {
				t.Errorf("%s (%s): <%s> is in %v, want %s", w.c.Email, w.cs.what, m.id, got, want)
			}
		}
	}
}

// rpWantFolder is where docs/BEHAVIOUR.md §4 and the README file a case's messages.
func rpWantFolder(cs *rpCase) string {
	switch {
	case cs.status == "bounced" || strings.HasPrefix(cs.what, "Postfix"):
		return triage.FolderBounces
	case cs.what == "out-of-office":
		return triage.FolderAutoReplies
	case cs.status == "unsubscribed":
		return triage.FolderUnsubscribe
	}
	return triage.FolderRSVP
}

// rpConfirmation is one automatic message herald sent after the invitation.
type rpConfirmation struct {
	template, inReplyTo, lang, subject string
}

// rpCheckConfirmations: each contact got exactly the confirmations its
// answers call for, once each, in order, in its language, answering its
// own message; nobody else got anything.
func rpCheckConfirmations(t *testing.T, wants []*rpWant, sent []realserver.DumpedMessage) {
	t.Helper()
	got := map[string][]rpConfirmation{}
	for _, d := range sent {
		m, err := d.Message()
		if err != nil || len(d.To) != 1 {
			t.Errorf("sink message %s: %v, recipients %v", d.File, err, d.To)
			continue
		}
		if m.Header.Get("X-Herald-Wave") != "" {
			t.Errorf("a wave message to %v during the replies: %s", d.To, m.Header.Get("X-Herald-Wave"))
		}
		if v := m.Header.Get("Auto-Submitted"); v != "auto-replied" {
			t.Errorf("confirmation to %s: Auto-Submitted %q, want auto-replied", d.To[0], v)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		to := strings.ToLower(d.To[0])
		got[to] = append(got[to], rpConfirmation{template: m.Header.Get("X-Test-Template"),
			inReplyTo: strings.Trim(m.Header.Get("In-Reply-To"), "<> "), lang: m.Header.Get("Content-Language"), subject: subject})
	}
	subjects := map[string]map[string]string{}
	for _, name := range []string{"rsvp-accepted", "rsvp-declined", "rsvp-maybe", "unsubscribed"} {
		subjects[name] = shippedSubjects(t, name, "Global Conference on Cities and Migrants")
	}
	expected := map[string]bool{}
	for _, w := range wants {
		if len(w.confirms) == 0 {
			continue
		}
		to := w.c.Email
		expected[to] = true
		var templates []string
		for _, cf := range got[to] {
			templates = append(templates, cf.template)
		}
		if !slices.Equal(templates, w.confirms) {
			t.Errorf("%s (%s, %s): herald sent %q to %s, want %q", w.c.Email, w.c.Lang, w.cs.what, templates, to, w.confirms)
			continue
		}
		ids := map[string]bool{}
		for _, m := range w.mails {
			ids[m.id] = true
		}
		for _, cf := range got[to] {
			if !ids[cf.inReplyTo] {
				t.Errorf("%s: %s answers <%s>, not one of the contact's messages", w.c.Email, cf.template, cf.inReplyTo)
			}
			if cf.template == "ack" {
				if !strings.HasPrefix(cf.subject, "[GCCM-") {
					t.Errorf("%s: acknowledgement subject %q", w.c.Email, cf.subject)
				}
				continue
			}
			if cf.lang != w.c.Lang || cf.subject != subjects[cf.template][w.c.Lang] {
				t.Errorf("%s (%s): %s in %q with subject %q, want templates/%[3]s.%[2]s.txt", w.c.Email, w.c.Lang, cf.template, cf.lang, cf.subject)
			}
		}
	}
	for to, cfs := range got {
		if !expected[to] {
			t.Errorf("herald sent %d automatic messages to %s, who should get none: %+v", len(cfs), to, cfs)
		}
	}
}

// rpContact is `herald contacts show EMAIL --json` (docs/BEHAVIOUR.md §2).
type rpContact struct {
	Email    string `json:"email"`
	Status   string `json:"status"`
	RSVP     string `json:"rsvp"`
	Bounced  bool   `json:"bounced"`
	Bounces  int    `json:"bounces"`
	Received []struct {
		MessageID string `json:"message_id"`
		Kind      string `json:"kind"`
	} `json:"received"`
	Sent []struct {
		Wave string `json:"wave"`
	} `json:"sent"`
}

// rpCheckContacts: every contact's status and RSVP is what its answers
// mean, and each answer herald acted on is in its history.
func rpCheckContacts(t *testing.T, cfg string, wants []*rpWant) {
	t.Helper()
	for _, w := range wants {
		var c rpContact
		rpJSON(t, &c, "--config", cfg, "contacts", "show", w.c.Email, "--json")
		what := "no answer"
		if w.cs != nil {
			what = w.cs.what
		}
		if c.RSVP != w.rsvp || c.Status != w.status || c.Bounced != (w.status == "bounced") {
			t.Errorf("%s (%s, %s): rsvp %q status %q bounced %v, want rsvp %q status %q", w.c.Email, w.c.Lang, what,
				c.RSVP, c.Status, c.Bounced, w.rsvp, w.status)
		}
		if len(c.Sent) != 1 || c.Sent[0].Wave != "invitation" {
			t.Errorf("%s: sent %+v, want the invitation alone", w.c.Email, c.Sent)
		}
		if w.cs == nil {
			if len(c.Received) != 0 {
				t.Errorf("%s never wrote, but received lists %+v", w.c.Email, c.Received)
			}
			continue
		}
		kinds := map[string]string{}
		for _, r := range c.Received {
			kinds[r.MessageID] = r.Kind
		}
		// Every message from a contact is in their history (docs/BEHAVIOUR.md §2):
		// unclear answers as rsvp-unclear enquiries, out-of-office replies
		// as auto-replies.
		want := map[string]string{triage.FolderRSVP: triage.KindRSVP, triage.FolderUnsubscribe: triage.KindUnsubscribe,
			triage.FolderBounces: "bounce", triage.FolderAutoReplies: "auto-reply"}[rpWantFolder(w.cs)]
		if w.cs.unclear {
			want = triage.CategoryRSVPUnclear
		}
		if want == "" {
			t.Errorf("%s (%s): no expected history kind for folder %s", w.c.Email, what, rpWantFolder(w.cs))
			continue
		}
		for _, m := range w.mails {
			if got := kinds[m.id]; got != want {
				t.Errorf("%s (%s): received <%s> as %q, want %q", w.c.Email, what, m.id, got, want)
			}
		}
	}
}

// rpCheckEnquiries: the unclear answers, and nothing else, are enquiries
// of category rsvp-unclear, acknowledged.
func rpCheckEnquiries(t *testing.T, cfg string, wants []*rpWant) {
	t.Helper()
	qs := liveEnquiries(t, cfg)
	var want, got []string
	for _, w := range wants {
		if w.cs != nil && w.cs.unclear {
			want = append(want, w.c.Email)
		}
	}
	for _, q := range qs {
		got = append(got, q.From)
		if q.Category != triage.CategoryRSVPUnclear || q.Status != "acknowledged" {
			t.Errorf("enquiry %s from %s: category %q status %q, want %s, acknowledged", q.Ref, q.From, q.Category, q.Status, triage.CategoryRSVPUnclear)
		}
	}
	sort.Strings(want)
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("enquiries from %q, want exactly the unclear answers from %q", got, want)
	}
}

// rpCheckLists: `lists --json` counts what the contacts say.
func rpCheckLists(t *testing.T, cfg string, wants []*rpWant) {
	t.Helper()
	var lists []struct {
		Name                                        string
		Contacts, Subscribed, Unsubscribed, Bounced int
		RSVP                                        struct{ Accepted, Declined, Maybe, None int }
	}
	rpJSON(t, &lists, "--config", cfg, "lists", "--json")
	var want struct {
		status map[string]int
		rsvp   map[string]int
	}
	want.status, want.rsvp = map[string]int{}, map[string]int{}
	for _, w := range wants {
		want.status[w.status]++
		want.rsvp[w.rsvp]++
	}
	if len(lists) != 1 || lists[0].Name != "mayors" {
		t.Fatalf("lists --json = %+v, want mayors alone", lists)
	}
	l := lists[0]
	if l.Contacts != len(wants) || l.Subscribed != want.status["subscribed"] || l.Unsubscribed != want.status["unsubscribed"] ||
		l.Bounced != want.status["bounced"] || l.RSVP.Accepted != want.rsvp["accepted"] || l.RSVP.Declined != want.rsvp["declined"] ||
		l.RSVP.Maybe != want.rsvp["maybe"] || l.RSVP.None != want.rsvp["none"] {
		t.Errorf("lists --json mayors = %+v, want %d contacts, status %v, rsvp %v", l, len(wants), want.status, want.rsvp)
	}
}

// rpCheckDryRun: `waves send WAVE --dry-run` names exactly who gets it,
// and says why the others do not.
func rpCheckDryRun(t *testing.T, cfg, wave string, wants []*rpWant, gets []string) {
	t.Helper()
	out, errOut, code := herald(t, "--config", cfg, "waves", "send", wave, "--dry-run")
	if code != 0 {
		t.Fatalf("waves send %s --dry-run: exit %d\n%s%s", wave, code, out, errOut)
	}
	yes, why := map[string]bool{}, map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && strings.Contains(f[0], "@") {
			yes[f[0]] = f[1] == "yes"
			why[f[0]] = strings.Join(f[2:], " ")
		}
	}
	for _, w := range wants {
		e := w.c.Email
		wantWhy := ""
		switch {
		case slices.Contains(gets, e):
		case w.status == "bounced":
			wantWhy = "bounced"
		case w.status == "unsubscribed":
			wantWhy = "unsubscribed"
		default:
			wantWhy = "already answered: " + w.rsvp
		}
		if _, listed := yes[e]; !listed || yes[e] != (wantWhy == "") || why[e] != wantWhy {
			t.Errorf("waves send %s --dry-run: %s listed %v, gets it %v, why %q; want gets it %v, why %q",
				wave, e, listed, yes[e], why[e], wantWhy == "", wantWhy)
		}
	}
	if !strings.Contains(out, fmt.Sprintf("%s would go to %d contact(s); %d left out", wave, len(gets), len(wants)-len(gets))) {
		t.Errorf("waves send %s --dry-run summary:\n%s", wave, out)
	}
}

// rpCheckWave: the wave's run put exactly one message per contact of gets
// in the sink, from its template, in the contact's language.
func rpCheckWave(t *testing.T, wave string, sent []realserver.DumpedMessage, wants []*rpWant, gets []string) {
	t.Helper()
	lang := map[string]string{}
	for _, w := range wants {
		lang[w.c.Email] = w.c.Lang
	}
	by := perRecipient(t, sent)
	for _, e := range gets {
		if len(by[e]) != 1 {
			t.Errorf("%s: %s got %d messages, want 1", wave, e, len(by[e]))
			continue
		}
		m, err := by[e][0].Message()
		if err != nil {
			t.Errorf("%s to %s: %v", wave, e, err)
			continue
		}
		if tpl, cl := m.Header.Get("X-Test-Template"), m.Header.Get("Content-Language"); tpl != wave || cl != lang[e] {
			t.Errorf("%s to %s: template %q language %q, want %s in %s", wave, e, tpl, cl, wave, lang[e])
		}
		delete(by, e)
	}
	for e, ms := range by {
		t.Errorf("%s went to %s (%d messages), who should not get it", wave, e, len(ms))
	}
}
