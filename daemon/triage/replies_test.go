package triage

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/compose"
	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/store/storetest"
)

// waveFixture adds, to the processor fixture, a list of contacts who were
// each sent the invitation wave of this account.
type waveFixture struct {
	*fixture
	msgIDs map[string]string // contact email → Message-ID of the invitation they got
}

func newWaveFixture(t *testing.T, emails ...string) *waveFixture {
	f := newFixture(t)
	f.p.Config.Waves = []config.Wave{{Name: "invitation", Account: account, List: "mayors", Template: "invitation"}}
	f.p.Config.Event.Name = "Global Conference on Cities and Migrants"
	f.p.Secret = []byte("secret")
	w := &waveFixture{fixture: f, msgIDs: map[string]string{}}
	cs := make([]storetest.Contact, len(emails))
	for i, e := range emails {
		cs[i] = storetest.Contact{Email: e, Name: "Contact " + e, Language: "fr"}
	}
	ids := storetest.AddContacts(t, f.st, "mayors", cs...)
	storetest.AddContacts(t, f.st, "press", cs...)
	sent := make([]storetest.Sent, len(emails))
	for i, e := range emails {
		w.msgIDs[e] = fmt.Sprintf("inv%d@un.org", ids[i])
		sent[i] = storetest.Sent{ContactID: ids[i], Email: e, MessageID: w.msgIDs[e]}
	}
	storetest.SentWave(t, f.st, "invitation", sent...)
	return w
}

func (w *waveFixture) contact(email string) *store.Contact {
	c, err := w.st.ContactByEmail(context.Background(), email)
	if err != nil || c == nil {
		w.t.Fatalf("ContactByEmail(%s) = %v, %v", email, c, err)
	}
	return c
}

func (w *waveFixture) memberStatus(email, list string) string {
	w.t.Helper()
	return storetest.MemberStatus(w.t, w.st, email, list)
}

func (w *waveFixture) ackTemplates() []string {
	var out []string
	for _, a := range w.actions("ack") {
		var j AckJob
		json.Unmarshal([]byte(a.Arg), &j)
		out = append(out, j.Template+" → "+j.To)
	}
	return out
}

func reply(from, inReplyTo, subject, body string) string {
	return fmt.Sprintf("Return-Path: <%s>\nFrom: %s\nTo: decorte@un.org\nSubject: %s\nMessage-ID: <%d@%s>\nIn-Reply-To: <%s>\nReferences: <%s>\nDate: Tue, 3 Oct 2017 10:00:00 +0200\nContent-Type: text/plain; charset=utf-8\n\n%s\n",
		from, from, subject, time.Now().UnixNano(), strings.SplitN(from, "@", 2)[1], inReplyTo, inReplyTo, body)
}

func TestTextRSVPsAndConfirmations(t *testing.T) {
	w := newWaveFixture(t, "maire@dakar.example", "alcalde@quito.example", "mayor@kampala.example", "mayor@amman.example")
	w.deliver(
		reply("maire@dakar.example", w.msgIDs["maire@dakar.example"], "Re: Invitation",
			"Je ne pourrai malheureusement pas venir.\n\nLe 15 sept. 2017, decorte@un.org a écrit :\n> Nous serions ravis de votre présence."),
		reply("alcalde@quito.example", w.msgIDs["alcalde@quito.example"], "RE: Invitación",
			"Confirmo mi asistencia.\n\n-----Original Message-----\nFrom: decorte@un.org\n> no podrá asistir"),
		reply("mayor@kampala.example", w.msgIDs["mayor@kampala.example"], "Re: Invitation",
			"Could I send my deputy instead? And is there a visa letter?"),
		// Not a reply to any wave message, but from a contact: never
		// applied silently.
		reply("mayor@amman.example", "unrelated@example.org", "Conference", "Yes, I will attend."),
	)
	if got := w.contact("maire@dakar.example").RSVP; got != "declined" {
		t.Errorf("dakar RSVP = %q, want declined", got)
	}
	if got := w.contact("alcalde@quito.example").RSVP; got != "accepted" {
		t.Errorf("quito RSVP = %q, want accepted", got)
	}
	for _, email := range []string{"mayor@kampala.example", "mayor@amman.example"} {
		if got := w.contact(email).RSVP; got != "none" {
			t.Errorf("%s RSVP = %q, want none (unclear)", email, got)
		}
	}
	unclear := 0
	w.st.Enquiries(context.Background(), store.EnquiryFilter{Category: CategoryRSVPUnclear}, func(*store.Enquiry) error { unclear++; return nil })
	if unclear != 2 {
		t.Errorf("rsvp-unclear enquiries = %d, want 2", unclear)
	}
	acks := strings.Join(w.ackTemplates(), "\n")
	for _, want := range []string{"rsvp-declined → maire@dakar.example", "rsvp-accepted → alcalde@quito.example"} {
		if !strings.Contains(acks, want) {
			t.Errorf("confirmations lack %q:\n%s", want, acks)
		}
	}
	// The same answer again: recorded, not confirmed twice; a new one wins.
	w.deliver(reply("alcalde@quito.example", w.msgIDs["alcalde@quito.example"], "Re: Invitación", "Sí, asistiré."))
	w.deliver(reply("alcalde@quito.example", w.msgIDs["alcalde@quito.example"], "Re: Invitación", "Lamentablemente no podré asistir."))
	if got := w.contact("alcalde@quito.example").RSVP; got != "declined" {
		t.Errorf("latest answer: %q, want declined", got)
	}
	n := strings.Count(strings.Join(w.ackTemplates(), "\n"), "→ alcalde@quito.example")
	if n != 2 {
		t.Errorf("confirmations to quito = %d, want 2 (accepted, then declined)", n)
	}
}

// calReply is a calendar REPLY as Exchange sends it: From the attendee,
// the answer base64 in a text/calendar part; extra header lines go first.
func calReply(from, attendee, partstat, uid string, extra ...string) string {
	cal := "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nPRODID:Microsoft Exchange Server 2010\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n" +
		"ATTENDEE;PARTSTAT=" + partstat + ";CN=\"Smith, John\":MAILTO:" + attendee + "\r\nUID:" + uid + "\r\n" +
		"DTSTAMP:20170919T073000Z\r\nSEQUENCE:0\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	return strings.Join(append(extra, ""), "\n") + "From: \"Smith, John\" <" + from + ">\nTo: decorte@un.org\nSubject: Accepted: Global Conference\nMessage-ID: <" +
		fmt.Sprintf("%d", time.Now().UnixNano()) + partstat + "@outlook.example>\nContent-Type: multipart/alternative; boundary=B\nMIME-Version: 1.0\n\n--B\n" +
		"Content-Type: text/plain\n\n \n--B\nContent-Type: text/calendar; charset=utf-8; method=REPLY\nContent-Transfer-Encoding: base64\n\n" +
		base64.StdEncoding.EncodeToString([]byte(cal)) + "\n--B--\n"
}

// uid is the event UID the invitation to email carried.
func (w *waveFixture) uid(email string) string {
	return compose.EventUID(w.p.Secret, w.p.Config.Event, w.p.Account.Address, w.contact(email).ID)
}

func TestCalendarReplyMatchedOnUIDAndAttendee(t *testing.T) {
	w := newWaveFixture(t, "John.Smith@city.example", "other@city.example")
	w.deliver(
		calReply("John.Smith@city.example", "john.smith@CITY.example", "TENTATIVE", w.uid("John.Smith@city.example")),
		calReply("other@city.example", "other@city.example", "DECLINED", "someone-elses-event@example.org"),
	)
	if got := w.contact("John.Smith@city.example").RSVP; got != "maybe" {
		t.Errorf("calendar TENTATIVE: RSVP %q, want maybe", got)
	}
	if got := w.contact("other@city.example").RSVP; got != "none" {
		t.Errorf("a reply to another event's UID changed the RSVP to %q", got)
	}
}

func TestUnsubscribeByReplyAndMailto(t *testing.T) {
	w := newWaveFixture(t, "maire@dakar.example", "mayor@kampala.example")
	w.deliver(reply("maire@dakar.example", w.msgIDs["maire@dakar.example"], "Re: Invitation",
		"Merci de me retirer de votre liste de diffusion."))
	token := compose.UnsubscribeToken(w.p.Secret, "habitat", "mayors", w.contact("mayor@kampala.example").ID)
	w.deliver(fmt.Sprintf("Return-Path: <mayor@kampala.example>\nFrom: mayor@kampala.example\nTo: decorte@un.org\nSubject: unsubscribe %s\nMessage-ID: <u1@kampala.example>\n\n", token))
	for _, e := range []string{"maire@dakar.example", "mayor@kampala.example"} {
		if got := w.memberStatus(e, "mayors"); got != "unsubscribed" {
			t.Errorf("%s on mayors: %q, want unsubscribed", e, got)
		}
		// press is no list of this account's waves: untouched.
		if got := w.memberStatus(e, "press"); got != "subscribed" {
			t.Errorf("%s on press: %q, want subscribed", e, got)
		}
	}
	// A second request gets no second confirmation.
	w.deliver(reply("maire@dakar.example", w.msgIDs["maire@dakar.example"], "unsubscribe", ""))
	confirm := 0
	for _, a := range w.ackTemplates() {
		if strings.HasPrefix(a, "unsubscribed → ") {
			confirm++
		}
	}
	if confirm != 2 {
		t.Errorf("unsubscribe confirmations = %d, want 2 (one per contact): %v", confirm, w.ackTemplates())
	}
}

// A mailto token names the account whose wave sent the message: the
// contact leaves that account's lists, even when the mail reaches another
// account's inbox, and keeps the lists of the account that received it.
func TestUnsubscribeMailtoLeavesOnlyItsAccountsLists(t *testing.T) {
	w := newWaveFixture(t, "mayor@kampala.example")
	cfg := w.p.Config
	cfg.Accounts = append(cfg.Accounts, config.Account{Name: "iom", Address: "ipopp@iom.int"})
	cfg.Waves = append(cfg.Waves, config.Wave{Name: "press-day", Account: "iom", List: "press", Template: "invitation"})
	token := compose.UnsubscribeToken(w.p.Secret, "iom", "press", w.contact("mayor@kampala.example").ID)
	w.deliver(fmt.Sprintf("From: mayor@kampala.example\nTo: decorte@un.org\nSubject: unsubscribe %s\nMessage-ID: <u2@kampala.example>\n\n", token))
	if got := w.memberStatus("mayor@kampala.example", "press"); got != "unsubscribed" {
		t.Errorf("press (iom's list): %q, want unsubscribed", got)
	}
	if got := w.memberStatus("mayor@kampala.example", "mayors"); got != "subscribed" {
		t.Errorf("mayors (habitat's list): %q, want subscribed", got)
	}
}

func dsn(status, failed, origID string) string {
	return "Return-Path: <>\nFrom: MAILER-DAEMON@mx.example\nTo: decorte@un.org\nSubject: Undelivered Mail Returned to Sender\n" +
		fmt.Sprintf("Message-ID: <dsn%d@mx.example>\n", time.Now().UnixNano()) +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=B\nMIME-Version: 1.0\n\n--B\nContent-Type: text/plain\n\nfailed\n--B\n" +
		"Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; " + failed +
		"\nAction: failed\nStatus: " + status + "\nDiagnostic-Code: smtp; " + status + " rejected\n\n--B\n" +
		"Content-Type: text/rfc822-headers\n\nFrom: decorte@un.org\nTo: " + failed + "\nMessage-ID: <" + origID + ">\n\n--B--\n"
}

func TestBouncesMarkContacts(t *testing.T) {
	w := newWaveFixture(t, "gone@city.example", "spam@city.example", "flaky@city.example")
	w.deliver(
		dsn("5.1.1", "gone@city.example", w.msgIDs["gone@city.example"]),
		dsn("5.7.1", "spam@city.example", w.msgIDs["spam@city.example"]),
	)
	if !w.contact("gone@city.example").Bounced {
		t.Error("5.1.1 did not mark the contact bounced")
	}
	if w.contact("spam@city.example").Bounced {
		t.Error("a 5.7.1 policy rejection marked the contact bounced")
	}
	// Temporary failures: bounced only on the third different day.
	flaky := w.contact("flaky@city.example")
	for _, day := range []int{1, 2} {
		storetest.AddEvent(t, w.st, flaky.Email, store.ContactEvent{Kind: "bounce-temporary", Value: "4.2.2", Actor: "test",
			At: time.Date(2017, 10, day, 10, 0, 0, 0, time.UTC)})
	}
	w.deliver(strings.Replace(dsn("4.2.2", "flaky@city.example", w.msgIDs["flaky@city.example"]), "Action: failed", "Action: failed", 1))
	if !w.contact("flaky@city.example").Bounced {
		t.Error("three temporary failures on different days did not mark the contact bounced")
	}
}
