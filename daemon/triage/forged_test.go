package triage

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/herald-mail/herald/daemon/compose"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/store/storetest"
)

// The contacts of the forgery cases, each sent the invitation.
const (
	mayor   = "mayor@city.example"
	deputy  = "deputy@city.example"
	attack  = "attacker@evil.example"
	trusted = "Authentication-Results: mx.un.org; dkim=pass header.d=city.example; dmarc=pass (p=reject) header.from=city.example"
	ourRcvd = "Received: from mail.city.example by mx.un.org with ESMTPS; Tue, 3 Oct 2017 10:00:00 +0200"
)

// forgeCase is one message and what it may change (docs/BEHAVIOUR.md
// §6.1, proof before a state change).
type forgeCase struct {
	name    string
	trusted []string // triage.trusted_authserv_ids
	msg     func(w *waveFixture) string
	// want: the mayor's RSVP and mayors-list status afterwards, whether the
	// mayor is bounced, the enquiry category it made ("" for none), and
	// where confirmations went.
	rsvp, status string
	bounced      bool
	category     string
	confirmTo    []string
}

// plain is a text message From the mayor with a Return-Path and headers.
func plain(subject, body string, head ...string) string {
	return strings.Join(append(head, "From: Mayor <"+mayor+">", "To: decorte@un.org", "Subject: "+subject,
		fmt.Sprintf("Message-ID: <%s.%d@city.example>", strings.ReplaceAll(subject, " ", "."), len(body)),
		"Date: Tue, 3 Oct 2017 10:00:00 +0200", "Content-Type: text/plain; charset=utf-8", "", body), "\n") + "\n"
}

func rp(addr string) string { return "Return-Path: <" + addr + ">" }

var forgeCases = []forgeCase{
	// Unsubscribes.
	{name: "forged From, subject unsubscribe", msg: func(*waveFixture) string { return plain("unsubscribe", "", rp(mayor)) },
		rsvp: "none", status: "subscribed", category: CategoryUnsubscribeUnverified, confirmTo: []string{"ack → " + mayor}},
	{name: "remove me, no proof", msg: func(*waveFixture) string {
		return plain("Conference", "Please remove me from your mailing list.", rp(attack))
	}, rsvp: "none", status: "subscribed", category: CategoryUnsubscribeUnverified, confirmTo: []string{"ack → " + attack}},
	{name: "unsubscribe with a trusted DMARC pass", trusted: []string{"mx.un.org"},
		msg:  func(*waveFixture) string { return plain("unsubscribe", "", rp(mayor), trusted, ourRcvd) },
		rsvp: "none", status: "unsubscribed", confirmTo: []string{"unsubscribed → " + mayor}},
	{name: "DMARC pass from an untrusted server", trusted: []string{"mx2.un.org"},
		msg:  func(*waveFixture) string { return plain("unsubscribe", "", rp(mayor), trusted, ourRcvd) },
		rsvp: "none", status: "subscribed", category: CategoryUnsubscribeUnverified, confirmTo: []string{"ack → " + mayor}},
	{name: "forged DMARC pass below our Received", trusted: []string{"mx.un.org"},
		msg: func(*waveFixture) string {
			return plain("unsubscribe", "", rp(mayor), "Authentication-Results: mx.un.org; dmarc=fail header.from=city.example", ourRcvd, trusted)
		}, rsvp: "none", status: "subscribed", category: CategoryUnsubscribeUnverified, confirmTo: []string{"ack → " + mayor}},
	{name: "reply to the invitation asking removal", msg: func(w *waveFixture) string {
		return reply(mayor, w.msgIDs[mayor], "Re: Invitation", "Please remove me from your list.")
	}, rsvp: "none", status: "unsubscribed", confirmTo: []string{"unsubscribed → " + mayor}},
	{name: "signed token from another address: confirmed to the contact", msg: func(w *waveFixture) string {
		tok := compose.UnsubscribeToken(w.p.Secret, "habitat", "mayors", w.contact(mayor).ID)
		return strings.Replace(plain("unsubscribe "+tok, "", rp(attack)), "From: Mayor <"+mayor+">", "From: "+attack, 1)
	}, rsvp: "none", status: "unsubscribed", confirmTo: []string{"unsubscribed → " + mayor}},
	{name: "altered token", msg: func(w *waveFixture) string {
		tok := compose.UnsubscribeToken([]byte("not our secret"), "habitat", "mayors", w.contact(mayor).ID)
		return strings.Replace(plain("unsubscribe "+tok, "", rp(attack)), "From: Mayor <"+mayor+">", "From: "+attack, 1)
	}, rsvp: "none", status: "subscribed", category: CategoryUnsubscribeUnverified, confirmTo: []string{"ack → " + attack}},

	// Calendar answers.
	{name: "calendar, our UID, attendee the sender", msg: func(w *waveFixture) string {
		return calReply(mayor, mayor, "ACCEPTED", w.uid(mayor))
	}, rsvp: "accepted", status: "subscribed", confirmTo: []string{"rsvp-accepted → " + mayor}},
	{name: "calendar accepted, forged Return-Path: confirmed to the contact", msg: func(w *waveFixture) string {
		return calReply(mayor, mayor, "ACCEPTED", w.uid(mayor), rp(attack))
	}, rsvp: "accepted", status: "subscribed", confirmTo: []string{"rsvp-accepted → " + mayor}},
	{name: "calendar, public legacy UID, no other proof", msg: func(w *waveFixture) string {
		return calReply(mayor, mayor, "DECLINED", compose.LegacyEventUID(w.p.Config.Event, w.p.Account.Address), rp(attack))
	}, rsvp: "none", status: "subscribed", category: CategoryRSVPUnverified, confirmTo: []string{"ack → " + attack}},
	{name: "calendar, legacy UID answering the mayor's invitation", msg: func(w *waveFixture) string {
		return calReply(mayor, mayor, "DECLINED", compose.LegacyEventUID(w.p.Config.Event, w.p.Account.Address),
			"In-Reply-To: <"+w.msgIDs[mayor]+">")
	}, rsvp: "declined", status: "subscribed", confirmTo: []string{"rsvp-declined → " + mayor}},
	{name: "calendar, legacy UID answering the deputy's invitation", msg: func(w *waveFixture) string {
		return calReply(mayor, mayor, "DECLINED", compose.LegacyEventUID(w.p.Config.Event, w.p.Account.Address),
			"In-Reply-To: <"+w.msgIDs[deputy]+">")
	}, rsvp: "none", status: "subscribed", category: CategoryRSVPUnverified, confirmTo: []string{"ack → " + mayor}},
	{name: "calendar, legacy UID with a trusted DMARC pass", trusted: []string{"mx.un.org"}, msg: func(w *waveFixture) string {
		return calReply(mayor, mayor, "TENTATIVE", compose.LegacyEventUID(w.p.Config.Event, w.p.Account.Address), trusted, ourRcvd)
	}, rsvp: "maybe", status: "subscribed", confirmTo: []string{"rsvp-maybe → " + mayor}},
	{name: "calendar, the deputy's UID answering for the mayor", msg: func(w *waveFixture) string {
		return calReply(mayor, mayor, "DECLINED", w.uid(deputy))
	}, rsvp: "none", status: "subscribed", category: CategoryRSVPUnverified, confirmTo: []string{"ack → " + mayor}},
	{name: "calendar, the mayor's UID, attendee not the sender", msg: func(w *waveFixture) string {
		return calReply(attack, mayor, "DECLINED", w.uid(mayor))
	}, rsvp: "none", status: "subscribed", category: CategoryRSVPUnverified, confirmTo: []string{"ack → " + attack}},
	{name: "calendar, a UID of our form with a made-up MAC", msg: func(w *waveFixture) string {
		return calReply(mayor, mayor, "ACCEPTED", fmt.Sprintf("e1-%d-%032x@un.org", w.contact(mayor).ID, 7))
	}, rsvp: "none", status: "subscribed", category: CategoryRSVPUnverified, confirmTo: []string{"ack → " + mayor}},

	// Text answers: In-Reply-To is the proof; the confirmation goes to
	// the contact whatever the Return-Path.
	{name: "text yes with a forged Return-Path", msg: func(w *waveFixture) string {
		return strings.Replace(reply(mayor, w.msgIDs[mayor], "Re: Invitation", "Yes, I will attend."), rp(mayor), rp(attack), 1)
	}, rsvp: "accepted", status: "subscribed", confirmTo: []string{"rsvp-accepted → " + mayor}},

	// Bounces.
	{name: "DSN returning our Message-ID", msg: func(w *waveFixture) string { return dsn("5.1.1", mayor, w.msgIDs[mayor]) },
		rsvp: "none", status: "subscribed", bounced: true},
	{name: "DSN without our Message-ID: temporary at most", msg: func(*waveFixture) string { return dsn("5.1.1", mayor, "unknown@evil.example") },
		rsvp: "none", status: "subscribed"},
	{name: "text bounce without our Message-ID", msg: func(*waveFixture) string { return textBounce(mayor) },
		rsvp: "none", status: "subscribed"},
	{name: "text bounce naming two contacts", msg: func(*waveFixture) string { return textBounce(mayor, deputy) },
		rsvp: "none", status: "subscribed"},
}

// textBounce is a Postfix-style bounce text without a delivery-status part
// or the returned message: anyone can write one.
func textBounce(rcpts ...string) string {
	var b strings.Builder
	b.WriteString("Return-Path: <>\nFrom: MAILER-DAEMON@mx.evil.example (Mail Delivery System)\nTo: decorte@un.org\n" +
		"Subject: Undelivered Mail Returned to Sender\n" + fmt.Sprintf("Message-ID: <bounce.%d@mx.evil.example>\n\n", time.Now().UnixNano()) +
		"This is the mail system at host mx.evil.example.\n\nI'm sorry to have to inform you that your message could not\n" +
		"be delivered to one or more recipients.\n\n")
	for _, r := range rcpts {
		b.WriteString("<" + r + ">: host mail.city.example said: 550 5.1.1 User unknown (in reply to RCPT TO command)\n\n")
	}
	return b.String()
}

// TestForgedMailChangesNothing: every state change needs its proof; an
// answer without one becomes an enquiry of its own category and changes
// nothing, and confirmations never go to a forged return path.
func TestForgedMailChangesNothing(t *testing.T) {
	for _, tt := range forgeCases {
		t.Run(tt.name, func(t *testing.T) {
			w := newWaveFixture(t, mayor, deputy)
			w.p.Config.Triage.TrustedAuthServIDs = tt.trusted
			w.deliver(tt.msg(w))
			c := w.contact(mayor)
			if c.RSVP != tt.rsvp || w.memberStatus(mayor, "mayors") != tt.status || c.Bounced != tt.bounced {
				t.Errorf("mayor: rsvp %q, status %q, bounced %v; want %q, %q, %v", c.RSVP, w.memberStatus(mayor, "mayors"), c.Bounced,
					tt.rsvp, tt.status, tt.bounced)
			}
			if d := w.contact(deputy); d.RSVP != "none" || d.Bounced || w.memberStatus(deputy, "mayors") != "subscribed" {
				t.Errorf("the deputy changed: %+v", d)
			}
			var cats []string
			for _, e := range w.enquiries() {
				cats = append(cats, e.Category)
			}
			if want := []string{tt.category}; tt.category == "" && len(cats) > 0 || tt.category != "" && !slices.Equal(cats, want) {
				t.Errorf("enquiries of categories %q, want %q", cats, tt.category)
			}
			if got := w.ackTemplates(); !slices.Equal(got, tt.confirmTo) {
				t.Errorf("automatic messages %q, want %q", got, tt.confirmTo)
			}
			if tt.category != "" {
				folder := map[string]string{CategoryUnsubscribeUnverified: FolderUnsubscribe, CategoryRSVPUnverified: FolderRSVP}[tt.category]
				if moves := w.actions("move"); len(moves) != 1 || moves[0].Arg != folder {
					t.Errorf("moves %+v, want one to %s", moves, folder)
				}
			}
		})
	}
}

// TestUnprovenBounceCountsTemporary: a bounce without our Message-ID is
// logged as a temporary failure (so it marks only on a third day), and
// one naming several contacts is logged against none.
func TestUnprovenBounceCountsTemporary(t *testing.T) {
	w := newWaveFixture(t, mayor, deputy)
	w.deliver(textBounce(mayor), dsn("5.1.1", mayor, "unknown@evil.example"), textBounce(mayor, deputy))
	events := func(email string) []string {
		var kinds []string
		for _, e := range storetest.ContactDetail(t, w.st, email).Events {
			if strings.HasPrefix(e.Kind, "bounce") {
				kinds = append(kinds, e.Kind)
			}
		}
		return kinds
	}
	if got := events(mayor); !slices.Equal(got, []string{"bounce-temporary", "bounce-temporary"}) {
		t.Errorf("mayor's bounce events %q, want two temporary ones", got)
	}
	if got := events(deputy); len(got) != 0 {
		t.Errorf("deputy's bounce events %q, want none (a message names at most one contact)", got)
	}
	// On a third day the temporary failures do mark the contact, as
	// docs/BEHAVIOUR.md §6.4 has them.
	for _, day := range []int{1, 2} {
		storetest.AddEvent(t, w.st, mayor, store.ContactEvent{Kind: "bounce-temporary", Value: "5.1.1", Actor: "test",
			At: time.Date(2017, 9, day, 10, 0, 0, 0, time.UTC)})
	}
	w.deliver(textBounce(mayor))
	if !w.contact(mayor).Bounced {
		t.Error("unproven failures on three different days did not mark the contact")
	}
}

// TestAckCaps: forged return paths varying the +detail of one mailbox
// are one sender for ack_once_per, and get at most 10 automatic messages
// an hour between them even when ack_once_per allows more; the account
// sends at most ack_max_per_hour whoever they go to; the quoted subject
// and the ids an ack repeats are bounded.
func TestAckCaps(t *testing.T) {
	f := newFixture(t)
	var msgs []string
	for i := range 45 {
		msgs = append(msgs, mail(fmt.Sprintf("Victim+%d@example.org", i), "decorte@un.org", fmt.Sprintf("Question %d", i)))
	}
	f.deliver(msgs...)
	if n := len(f.actions("ack")); n != 1 {
		t.Errorf("45 forged victim+N@ senders: %d acks, want 1 (ack_once_per)", n)
	}
	f = newFixture(t)
	f.p.Config.Triage.AckOncePer = 30 * time.Second
	for _, m := range msgs { // one a minute: all within the hour
		f.clock = f.clock.Add(time.Minute)
		f.deliver(m)
	}
	if n := len(f.actions("ack")); n != maxAutoRepliesPerHour {
		t.Errorf("45 forged victim+N@ senders a minute apart, ack_once_per 30s: %d acks, want %d", n, maxAutoRepliesPerHour)
	}

	f = newFixture(t)
	f.p.Config.Triage.AckMaxPerHour = 5
	msgs = msgs[:0]
	for i := range 8 {
		msgs = append(msgs, mail(fmt.Sprintf("person%d@example.org", i), "decorte@un.org", fmt.Sprintf("Question %d", i)))
	}
	f.deliver(msgs...)
	if n := len(f.actions("ack")); n != 5 {
		t.Errorf("ack_max_per_hour 5: %d acks, want 5", n)
	}
	suppressed := 0
	for _, e := range f.enquiries() {
		if e.AckSuppressed == ReasonAccountCap {
			suppressed++
		}
	}
	if suppressed != 3 {
		t.Errorf("%d enquiries suppressed by the account cap, want 3", suppressed)
	}

	f = newFixture(t)
	long := strings.Repeat("é", 200_000) + " end"
	hugeID := strings.Repeat("x", 5000) + "@evil.example"
	refs := make([]string, 300)
	for i := range refs {
		refs[i] = fmt.Sprintf("<r%d@x.example>", i)
	}
	raw := mail("big@example.org", "decorte@un.org", long, "References: "+strings.Join(refs, " ")+" <"+hugeID+">")
	f.deliver(raw)
	acks := f.actions("ack")
	if len(acks) != 1 {
		t.Fatalf("%d acks, want 1", len(acks))
	}
	var job AckJob
	if err := json.Unmarshal([]byte(acks[0].Arg), &job); err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(job.Subject); n != maxQuotedSubject+1 || !strings.HasSuffix(job.Subject, "é…") {
		t.Errorf("quoted subject has %d characters (%q…), want %d and an ellipsis", n, job.Subject[:20], maxQuotedSubject+1)
	}
	if len(job.Original.References) != 20 || job.Original.References[0] != "r0@x.example" || slices.Contains(job.Original.References, hugeID) {
		t.Errorf("References kept %d ids (first %q)", len(job.Original.References), job.Original.References[0])
	}
	if len(acks[0].Arg) > 4096 {
		t.Errorf("the queued ack is %d bytes", len(acks[0].Arg))
	}
}

func TestClipSubject(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"Visa letter", "Visa letter"},
		{strings.Repeat("a", 150), strings.Repeat("a", 150)},
		{strings.Repeat("a", 151), strings.Repeat("a", 150) + "…"},
		{strings.Repeat("日", 149) + " b c", strings.Repeat("日", 149) + "…"},
		{strings.Repeat("ñ", 300), strings.Repeat("ñ", 150) + "…"},
	} {
		if got := clipSubject(tt.in); got != tt.want {
			t.Errorf("clipSubject(%d runes) = %q (%d runes), want %d runes", utf8.RuneCountInString(tt.in), got,
				utf8.RuneCountInString(got), utf8.RuneCountInString(tt.want))
		}
	}
}
