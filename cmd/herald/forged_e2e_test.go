package main

// Acceptance test of "forged mail changes nothing and learns nothing"
// (docs/BEHAVIOUR.md §6.1) against real servers: the real
// binary sends an invitation wave to smtp-sink, then reads from a real
// Dovecot INBOX genuine answers next to forged ones — an unsubscribe by
// subject from a contact's address, a calendar Accept with the public
// event UID and a forged Return-Path, a bounce text without our
// Message-ID, 45 return paths victim+N@, a 1 MB subject — and only the
// proven answers may change a contact.

import (
	"fmt"
	"mime"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/herald-mail/herald/daemon/compose"
	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/realserver"
	"github.com/herald-mail/herald/daemon/triage"
)

const fgAttacker = "attacker@evil.example"

// fgConfig is rpConfig's account and templates with the invitation wave
// alone, our MX trusted for DMARC, and an hourly ceiling of 20.
func fgConfig(t *testing.T, dir string, imapPort, smtpPort int) string {
	t.Helper()
	return writeConfig(t, dir, configHead(dir, rpTemplates(t, dir), false)+fmt.Sprintf(`accounts:
  - name: habitat
    address: decorte@un.org
    from_name: UN-Habitat focal point
    language: en
    imap: {host: 127.0.0.1, port: %d, security: none, username: decorte@un.org, password: Habitat2017, watch: [INBOX]}
    smtp: {host: 127.0.0.1, port: %d, security: none, connections: 2, rate: 200/s}
triage:
  trusted_authserv_ids: [mx1.un.org]
  ack_max_per_hour: 20
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
`, imapPort, smtpPort), true)
}

// fgPlain is a short text message; head comes first, as an MX prepends.
func fgPlain(id, from, returnPath, subject, body string, head ...string) rpMail {
	m := rpMail{id: id}
	m.header = append(head, "Return-Path: <"+returnPath+">", "From: "+from, "To: decorte@un.org", "Subject: "+subject,
		"Message-ID: <"+id+">", "Date: "+time.Now().Format(time.RFC1123Z), "Content-Type: text/plain; charset=utf-8")
	m.body = body + "\n"
	return m
}

func TestForgedMailThroughDovecot(t *testing.T) {
	t.Parallel()
	const user, pass = "decorte@un.org", "Habitat2017"
	dv := realserver.StartDovecot(t, map[string]string{user: pass})
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})
	dir := t.TempDir()
	cfg := fgConfig(t, dir, dv.Port, sink.Port)

	contacts := waveContacts(6)
	csv := filepath.Join(dir, "mayors.csv")
	writeContactsCSV(t, csv, contacts)
	herald(t, "--config", cfg, "lists", "import", "mayors", csv)
	if out := waveSend(t, cfg, "invitation"); !strings.Contains(out, "sent 6, failed 0") {
		t.Fatalf("waves send invitation printed %q", out)
	}
	invited, err := sink.Messages()
	if err != nil {
		t.Fatal(err)
	}
	byRcpt := perRecipient(t, invited)
	inv := map[int]rpInvite{}
	for i, c := range contacts {
		if inv[i], err = rpInvitation(byRcpt[c.Email][0]); err != nil {
			t.Fatalf("invitation to %s: %v", c.Email, err)
		}
	}
	g := &rpGen{at: time.Now().Add(-time.Hour)}
	domain := func(i int) string { return rpDomain(contacts[i].Email) }
	ourMX := func(i int) string {
		return fmt.Sprintf("Received: from mail.%s (mail.%[1]s [192.0.2.%d])\n\tby mx1.un.org (Postfix) with ESMTPS; %s", domain(i), 20+i,
			time.Now().Format(time.RFC1123Z))
	}

	// Genuine answers, first so that the hourly ceiling cannot hold back
	// their confirmations.
	accept := g.googleCalendar(contacts[0], inv[0], "ACCEPTED", "")
	accept.header = append([]string{"Return-Path: <" + fgAttacker + ">"}, accept.header...)
	dmarcUnsub := fgPlain("unsub3@"+domain(3), contacts[3].Email, contacts[3].Email, "unsubscribe", "",
		"Authentication-Results: mx1.un.org; spf=pass smtp.mailfrom="+contacts[3].Email+"; dmarc=pass (p=reject) header.from="+domain(3), ourMX(3))
	dsn := g.postfixDSN(contacts[5], inv[5], "5.1.1", "550 5.1.1 <"+contacts[5].Email+">: Recipient address rejected: User unknown")

	// Forgeries. The public UID of the invitations herald sent before
	// UIDs carried a MAC, which anyone can compute.
	public := inv[1]
	public.UID = compose.LegacyEventUID(config.Event{Name: "Global Conference on Cities and Migrants"}, "decorte@un.org")
	forgedAccept := g.googleCalendar(contacts[1], public, "ACCEPTED", "")
	forgedAccept.header = append([]string{"Return-Path: <" + fgAttacker + ">"}, forgedAccept.header...)
	// Our MX found DMARC failing; the pass below its Received field was
	// in the message when it arrived: the sender wrote it.
	forgedUnsub := fgPlain("unsub2@evil.example", contacts[2].Email, contacts[2].Email, "unsubscribe", "",
		"Authentication-Results: mx1.un.org; spf=fail smtp.mailfrom="+contacts[2].Email+"; dmarc=fail (p=none) header.from="+domain(2),
		ourMX(2), "Authentication-Results: mx1.un.org; dmarc=pass header.from="+domain(2))
	forgedBounce := fgPlain("bounce4@mx.evil.example", "MAILER-DAEMON@mx.evil.example", "", "Undelivered Mail Returned to Sender",
		"This is the mail system at host mx.evil.example.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n<"+
			contacts[4].Email+">: host mail."+domain(4)+" said: 550 5.1.1 User unknown (in reply to RCPT TO command)")

	inbox := []rpMail{accept, dmarcUnsub, dsn, forgedAccept, forgedUnsub, forgedBounce}
	for i := range 45 {
		inbox = append(inbox, fgPlain(fmt.Sprintf("victim%d@evil.example", i), "Victim <victim@example.org>",
			fmt.Sprintf("victim+%d@example.org", i), fmt.Sprintf("Question %d", i), "When does registration open?"))
	}
	huge := "Visa " + strings.Repeat("A", 1<<20) + " end"
	inbox = append(inbox, fgPlain("huge@example.org", "big@example.org", "big@example.org", huge, "Hello."))
	for i := range 30 {
		inbox = append(inbox, fgPlain(fmt.Sprintf("p%d@example.org", i), fmt.Sprintf("person%02d@example.org", i),
			fmt.Sprintf("person%02d@example.org", i), "Programme", "Is there a programme yet?"))
	}

	h := startLiveHerald(t, "herald run", cfg)
	admin := dvLogin(t, dv.Addr, user, pass)
	for _, m := range inbox {
		if err := dvAppend(admin, "INBOX", m.raw()); err != nil {
			t.Fatalf("append <%s>: %v", m.id, err)
		}
	}
	// 20 automatic messages at most (ack_max_per_hour), all of them due.
	last, since := "", time.Now()
	ibxWait(t, 60*time.Second, "empty INBOX and the automatic messages sent", func() (bool, string) {
		n, err := dvCount(admin, "INBOX")
		if err != nil {
			t.Fatal(err)
		}
		got, err := sink.Messages()
		if err != nil {
			t.Fatal(err)
		}
		state := fmt.Sprintf("INBOX %d, sink %d", n, len(got)-len(invited))
		if state != last {
			last, since = state, time.Now()
		}
		return n == 0 && len(got)-len(invited) >= 20 && time.Since(since) > 1500*time.Millisecond, state
	})
	h.stop(t)
	all, err := sink.Messages()
	if err != nil {
		t.Fatal(err)
	}
	fgCheckContacts(t, cfg, contacts)
	fgCheckSent(t, all[len(invited):], contacts, len(huge))
	fgCheckEnquiries(t, cfg, contacts)
	fgCheckFolders(t, admin, map[string]string{accept.id: triage.FolderRSVP, dmarcUnsub.id: triage.FolderUnsubscribe,
		dsn.id: triage.FolderBounces, forgedAccept.id: triage.FolderRSVP, forgedUnsub.id: triage.FolderUnsubscribe,
		forgedBounce.id: triage.FolderBounces, "huge@example.org": "Triage/General"})
}

// fgCheckContacts: only the proven answers changed their contacts.
func fgCheckContacts(t *testing.T, cfg string, contacts []waveContact) {
	t.Helper()
	want := []struct{ rsvp, status string }{
		{"accepted", "subscribed"}, // genuine calendar Accept, forged Return-Path
		{"none", "subscribed"},     // forged Accept with the public UID
		{"none", "subscribed"},     // forged unsubscribe, forged DMARC pass
		{"none", "unsubscribed"},   // unsubscribe with our MX's DMARC pass
		{"none", "subscribed"},     // forged bounce text: temporary at most
		{"none", "bounced"},        // DSN returning our Message-ID
	}
	for i, c := range contacts {
		var got rpContact
		rpJSON(t, &got, "--config", cfg, "contacts", "show", c.Email, "--json")
		if got.RSVP != want[i].rsvp || got.Status != want[i].status {
			t.Errorf("contact %d %s: rsvp %q status %q, want %q %q", i, c.Email, got.RSVP, got.Status, want[i].rsvp, want[i].status)
		}
	}
}

// fgCheckSent: confirmations went to the contacts' stored addresses; the
// attacker got nothing naming a contact; victim+N@ got one message
// between them; the huge subject went out cut; 20 messages in all.
func fgCheckSent(t *testing.T, sent []realserver.DumpedMessage, contacts []waveContact, hugeLen int) {
	t.Helper()
	by := perRecipient(t, sent)
	tmpl := func(to string) []string {
		var out []string
		for _, d := range by[to] {
			m, err := d.Message()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, m.Header.Get("X-Test-Template"))
		}
		return out
	}
	if got := tmpl(contacts[0].Email); !slices.Equal(got, []string{"rsvp-accepted"}) {
		t.Errorf("contact 0 got %q, want its rsvp-accepted confirmation", got)
	}
	if got := tmpl(contacts[3].Email); !slices.Equal(got, []string{"unsubscribed"}) {
		t.Errorf("contact 3 got %q, want its unsubscribed confirmation", got)
	}
	for _, d := range by[fgAttacker] {
		for i, c := range contacts {
			if strings.Contains(string(d.Data), c.Name) || strings.Contains(string(d.Data), fmt.Sprintf("City%d", i)) {
				t.Errorf("the attacker got a message naming contact %d:\n%s", i, d.Data)
			}
		}
		if m, _ := d.Message(); m == nil || m.Header.Get("X-Test-Template") != "ack" {
			t.Errorf("the attacker got something else than an acknowledgement:\n%s", d.Data)
		}
	}
	victims := 0
	for to, ds := range by {
		if strings.HasPrefix(to, "victim") {
			victims += len(ds)
		}
	}
	if victims != 1 {
		t.Errorf("45 return paths victim+N@example.org got %d acknowledgements, want 1", victims)
	}
	if ds := by["big@example.org"]; len(ds) != 1 {
		t.Errorf("the 1 MB subject got %d acknowledgements, want 1", len(ds))
	} else {
		m, err := ds[0].Message()
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		if len(subject) > 250 || !strings.HasSuffix(subject, "…") || len(ds[0].Data) > 16<<10 {
			t.Errorf("acknowledgement of a %d-byte subject: subject of %d bytes (%.40q…), message of %d bytes", hugeLen, len(subject), subject, len(ds[0].Data))
		}
	}
	if len(sent) != 20 {
		t.Errorf("herald sent %d automatic messages, want the ack_max_per_hour of 20", len(sent))
	}
}

// fgCheckEnquiries: the forged answers are enquiries of their unverified
// categories; the account's ceiling is the reason the last were not
// acknowledged.
func fgCheckEnquiries(t *testing.T, cfg string, contacts []waveContact) {
	t.Helper()
	cats := map[string]string{}
	capped := 0
	for _, q := range liveEnquiries(t, cfg) {
		cats[q.From] = q.Category
		if q.AckSuppressed != nil && *q.AckSuppressed == triage.ReasonAccountCap {
			capped++
		}
	}
	if got := cats[contacts[1].Email]; got != triage.CategoryRSVPUnverified {
		t.Errorf("forged calendar Accept: enquiry category %q, want %s", got, triage.CategoryRSVPUnverified)
	}
	if got := cats[contacts[2].Email]; got != triage.CategoryUnsubscribeUnverified {
		t.Errorf("forged unsubscribe: enquiry category %q, want %s", got, triage.CategoryUnsubscribeUnverified)
	}
	for _, i := range []int{0, 3, 4, 5} {
		if got, ok := cats[contacts[i].Email]; ok {
			t.Errorf("contact %d: an enquiry of category %q, want none", i, got)
		}
	}
	if capped != 16 {
		t.Errorf("%d enquiries unacknowledged for the account's ceiling, want 16 (30 people after 14 places were left)", capped)
	}
}

// fgCheckFolders: each message left the INBOX for its folder, none lost.
func fgCheckFolders(t *testing.T, admin *imapclient.Client, want map[string]string) {
	t.Helper()
	all, _, err := dvReadAll(admin)
	if err != nil {
		t.Fatal(err)
	}
	where := map[string][]string{}
	for _, m := range all {
		head, _, _ := strings.Cut(string(m.Raw), "\r\n\r\n")
		for _, l := range strings.Split(head, "\r\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "Message-ID") {
				id := strings.Trim(strings.TrimSpace(v), "<>")
				where[id] = append(where[id], m.Folder)
			}
		}
	}
	for id, folder := range want {
		if got := where[id]; len(got) != 1 || got[0] != folder {
			t.Errorf("<%s> is in %v, want %s", id, got, folder)
		}
	}
}
