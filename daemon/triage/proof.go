package triage

import (
	"strings"
	"unicode/utf8"

	"github.com/herald-mail/herald/daemon/classify"
	"github.com/herald-mail/herald/daemon/compose"
	"github.com/herald-mail/herald/daemon/message"
	"github.com/herald-mail/herald/daemon/rsvp"
	"github.com/herald-mail/herald/daemon/store"
)

// ReasonAccountCap: the account sent triage.ack_max_per_hour automatic
// messages in the last hour, whoever they went to.
const ReasonAccountCap = "ack_max_per_hour automatic messages from this account in the last hour"

// senderVerified reports whether the From address is proven by a DMARC
// pass that one of the account's trusted servers recorded (docs/BEHAVIOUR.md
// §6.1; classify.DMARCPass says which fields
// count). Without triage.trusted_authserv_ids nothing is.
func (r *recorder) senderVerified() bool {
	if r.verified == nil {
		ok := classify.DMARCPass(r.x.m, r.p.Config.TrustedAuthServIDs(r.p.Account))
		r.verified = &ok
	}
	return *r.verified
}

// unverified makes the message an enquiry of category for a person, in
// folder: it asked for a change it could not prove it may make.
func (r *recorder) unverified(category, folder string) {
	r.forcedCategory, r.forcedFolder = category, folder
	r.p.Log.Info("answer without proof: an enquiry, nothing changed", "component", "triage",
		"account", r.p.Account.Name, "category", category, "message_id", r.x.m.MessageID)
}

// calendarContact maps a calendar REPLY to the contact whose answer it
// proves to be. ours reports a UID of this account's event (then a nil
// contact means the reply proved nothing); a REPLY to someone else's
// event is neither.
//
// A UID from compose.EventUID carries a MAC that names the contact. The
// older UIDs (compose.LegacyEventUID, one per event, sent before) can be
// computed by anyone, so a reply naming one needs other proof: an
// In-Reply-To/References naming the invitation sent to that contact, or
// a trusted DMARC pass. Either way the ATTENDEE must be the contact and
// the message's sender (From or Sender), so one invitee cannot answer for
// another.
func (r *recorder) calendarContact(cal rsvp.Reply) (c *store.Contact, ours bool, err error) {
	ev, acct := r.p.Config.Event, r.p.Account.Address
	switch id, ok := compose.ParseEventUID(r.p.Secret, ev, acct, cal.UID); {
	case ok:
		if c, err = r.tx.ContactByID(id); err != nil {
			return nil, true, err
		}
	case strings.EqualFold(cal.UID, compose.LegacyEventUID(ev, acct)):
		if c, err = r.legacyCalendarContact(cal); err != nil {
			return nil, true, err
		}
	case compose.EventUIDShaped(acct, cal.UID):
		return nil, true, nil // our form, but a MAC we did not make
	default:
		return nil, false, nil
	}
	if c == nil || !sameAddress(cal.Attendee, c.Email) || !r.sentBy(cal.Attendee) {
		return nil, true, nil
	}
	return c, true, nil
}

// legacyCalendarContact is the attendee's contact when the reply to an
// old public UID has other proof; nil otherwise.
func (r *recorder) legacyCalendarContact(cal rsvp.Reply) (*store.Contact, error) {
	c, err := r.tx.ContactByAddress(cal.Attendee)
	if err != nil || c == nil {
		return nil, err
	}
	d, err := r.threadDelivery()
	if err != nil {
		return nil, err
	}
	if (d != nil && d.ContactID == c.ID) || r.senderVerified() {
		return c, nil
	}
	return nil, nil
}

// sentBy reports whether addr is the message's From or Sender.
func (r *recorder) sentBy(addr string) bool {
	m := r.x.m
	for _, a := range append(append([]message.Address{}, m.From...), m.Sender...) {
		if sameAddress(a.Address, addr) {
			return true
		}
	}
	return false
}

// sameAddress compares two addresses as contacts are (store.EmailKey).
func sameAddress(a, b string) bool {
	ka, err1 := store.EmailKey(strings.TrimSpace(a))
	kb, err2 := store.EmailKey(strings.TrimSpace(b))
	return err1 == nil && err2 == nil && ka == kb
}

// overCaps returns why no more automatic messages may go to `to` now, or
// "": 10 an hour to one address (docs/BEHAVIOUR.md §5.1; counted by store.RateKey, so
// victim+1@ and victim+2@ are one), and triage.ack_max_per_hour from the
// account, whoever they go to.
func (r *recorder) overCaps(to string) (string, error) {
	since := r.now.Add(-autoReplyWindow)
	n, err := r.tx.AutoRepliesSince(to, since)
	if err != nil {
		return "", err
	}
	if n >= maxAutoRepliesPerHour {
		return ReasonHourlyCap, nil
	}
	if n, err = r.tx.AccountAutoRepliesSince(r.p.Account.Name, since); err != nil {
		return "", err
	}
	if n >= r.p.Config.AckMaxPerHour(r.p.Account) {
		return ReasonAccountCap, nil
	}
	return "", nil
}

// maxQuotedSubject is how much of the original subject an automatic
// message quotes, in characters: enough to recognise it, and a forged
// megabyte of subject does not go out again.
const maxQuotedSubject = 150

// clipSubject cuts s to maxQuotedSubject characters, on a character
// boundary, with an ellipsis when it cut.
func clipSubject(s string) string {
	if utf8.RuneCountInString(s) <= maxQuotedSubject {
		return s
	}
	n := 0
	for i := range s {
		if n == maxQuotedSubject {
			return strings.TrimRight(s[:i], " \t") + "…"
		}
		n++
	}
	return s
}

// maxIDLen is the longest Message-ID an automatic message repeats in
// In-Reply-To or References; real ones are under 100 characters.
const maxIDLen = 250

// boundedOriginal is what an automatic message needs of m to thread
// (compose.Original), bounded: overlong ids are dropped and References
// keeps the first id and the latest, as compose does when it writes
// them, so a hostile original cannot make the queued job or the answer
// large.
func boundedOriginal(m *message.Message) compose.Original {
	short := func(ids []string, keepFirst, keepLast int) []string {
		var out []string
		for _, id := range ids {
			if len(id) <= maxIDLen {
				out = append(out, id)
			}
		}
		if len(out) > keepFirst+keepLast {
			out = append(out[:keepFirst:keepFirst], out[len(out)-keepLast:]...)
		}
		return out
	}
	o := compose.Original{References: short(m.References, 1, 19), InReplyTo: short(m.InReplyTo, 0, 2)}
	if len(m.MessageID) <= maxIDLen {
		o.MessageID = m.MessageID
	}
	return o
}
