package triage

import (
	"fmt"
	"strings"

	"github.com/herald-mail/herald/daemon/classify"
	"github.com/herald-mail/herald/daemon/compose"
	"github.com/herald-mail/herald/daemon/rsvp"
	"github.com/herald-mail/herald/daemon/store"
)

// Kinds and folders of replies to waves (docs/BEHAVIOUR.md §6.2 and §6.3).
const (
	KindUnsubscribe = "unsubscribe"
	KindRSVP        = "rsvp"
	// CategoryRSVPUnclear is the enquiry category of an answer herald
	// could not read with certainty: a person decides.
	CategoryRSVPUnclear = "rsvp-unclear"
	// CategoryUnsubscribeUnverified is the enquiry category of a request
	// to unsubscribe a contact that does not prove it comes from them
	// (docs/BEHAVIOUR.md §6.1): nothing changes, a person
	// decides.
	CategoryUnsubscribeUnverified = "unsubscribe-unverified"
	// CategoryRSVPUnverified is the enquiry category of a calendar answer
	// that names our event but does not prove it comes from the invitee.
	CategoryRSVPUnverified = "rsvp-unverified"
	FolderRSVP             = "Triage/RSVP"
	FolderUnsubscribe      = "Triage/Unsubscribe"
)

// accountWaves are the waves of this account: replies map only to those
// (an unsubscribe leaves the lists they send to, config.ListsOf).
func (p *Processor) accountWaves() (waves []string) {
	for _, w := range p.Config.Waves {
		if w.Account == p.Account.Name {
			waves = append(waves, w.Name)
		}
	}
	return waves
}

// threadDelivery is ourDelivery of the message's In-Reply-To and
// References, looked up once per message: the proof checks, the
// unsubscribe and the answer each ask it.
func (r *recorder) threadDelivery() (*store.SentDelivery, error) {
	if !r.deliveryRead {
		m := r.x.m
		d, err := r.ourDelivery(append(append([]string{}, m.InReplyTo...), m.References...))
		if err != nil {
			return nil, err
		}
		r.delivery, r.deliveryRead = d, true
	}
	return r.delivery, nil
}

// ourDelivery maps ids (a message's In-Reply-To and References) to the
// wave message they answer; nil when they answer none of this account's.
func (r *recorder) ourDelivery(ids []string) (*store.SentDelivery, error) {
	d, err := r.tx.DeliveryByMessageIDs(ids)
	if err != nil || d == nil {
		return nil, err
	}
	waves := r.p.accountWaves()
	for _, w := range waves {
		if w == d.Wave {
			return d, nil
		}
	}
	return nil, nil
}

// bounceContacts records a bounce against the one contact it concerns
// (docs/BEHAVIOUR.md §6.4 and §6.1). A bounce that
// returns the Message-ID of one of our wave messages is proof: it counts
// against that message's contact, with its status. Anything else (a
// bounce text without our Message-ID, or a DSN without one) could be
// written by anyone: it counts against a failed recipient who is a
// contact only when it names exactly one, and at most as a temporary
// failure, which marks the contact only on the third different day.
// Delay warnings are not bounces.
func (r *recorder) bounceContacts() error {
	if r.x.cls.Kind != classify.Bounce {
		return nil
	}
	failed := r.x.cls.Failed()
	var mapped *store.SentDelivery
	if id := r.x.cls.OriginalMessageID; id != "" {
		var err error
		if mapped, err = r.tx.DeliveryByMessageIDs([]string{id}); err != nil {
			return err
		}
	}
	if mapped != nil {
		rc, ok := mappedRecipient(failed, mapped)
		if !ok {
			return nil
		}
		c, err := r.tx.ContactByID(mapped.ContactID)
		if err != nil || c == nil {
			return err
		}
		return r.recordBounce(c, rc, rc.Permanent(), rc.Policy(), "returned Message-ID")
	}
	var c *store.Contact
	var rc classify.Recipient
	for _, f := range failed {
		fc, err := r.tx.ContactByAddress(f.Address)
		if err != nil {
			return err
		}
		if fc == nil {
			continue
		}
		if c != nil && fc.ID != c.ID {
			r.p.Log.Warn("bounce without our Message-ID names several contacts; none recorded", "component", "triage",
				"account", r.p.Account.Name, "message_id", r.x.m.MessageID)
			return nil
		}
		c, rc = fc, f
	}
	if c == nil {
		return nil
	}
	// Unproven: at most temporary, and a policy rejection stays one.
	return r.recordBounce(c, rc, false, rc.Policy(), "no returned Message-ID: counted as temporary")
}

// mappedRecipient picks, among a proven bounce's failed recipients, the
// one our message went to: the delivery's address, else the only one (a
// DSN may name a rewritten address: forwarding, SRS).
func mappedRecipient(failed []classify.Recipient, d *store.SentDelivery) (classify.Recipient, bool) {
	for _, rc := range failed {
		if strings.EqualFold(rc.Address, d.Email) || strings.EqualFold(rc.FinalRecipient, d.Email) {
			return rc, true
		}
	}
	if len(failed) == 1 {
		return failed[0], true
	}
	return classify.Recipient{}, false
}

// recordBounce logs one failure against c.
func (r *recorder) recordBounce(c *store.Contact, rc classify.Recipient, permanent, policy bool, proof string) error {
	diag := rc.DiagnosticCode
	if !permanent && rc.Permanent() {
		diag = proof + "; " + diag
	}
	out, err := r.tx.RecordBounce(c.ID, rc.Status, diag, "bounce "+r.x.m.MessageID, permanent, policy)
	if err != nil {
		return err
	}
	if err := r.addReceived(c.ID, "bounce"); err != nil {
		return err
	}
	if out.NowBounced {
		r.p.Log.Info("contact bounced", "component", "triage", "contact", c.Email, "status", rc.Status, "proof", proof)
	}
	return nil
}

// unsubscribe handles docs/BEHAVIOUR.md §6.2: the List-Unsubscribe mailto (its
// signed token names the contact), a reply to a wave asking to be
// removed, or a mail asking it from a contact's address whose From a
// trusted DMARC pass proves. A request that proves nothing changes
// nothing: it becomes an unsubscribe-unverified enquiry. It reports
// whether the message was a proven one.
func (r *recorder) unsubscribe() (bool, error) {
	m := r.x.m
	var contactID int64
	how, unproven := "", false
	account := r.p.Account.Name // whose lists the contact leaves
	if tok := rsvp.UnsubscribeTokenFromSubject(m.Subject); tok != "" {
		if t, ok := compose.ParseUnsubscribeToken(r.p.Secret, tok); ok && len(r.p.Secret) > 0 {
			contactID, how = t.Contact, "List-Unsubscribe mailto"
			if t.Account != "" && r.p.Config.Account(t.Account) != nil {
				// The token says which account sent the message, even if
				// the mail reached another one's inbox.
				account = t.Account
			}
		} else {
			unproven = true // a token we did not sign, or one altered
		}
	}
	if contactID == 0 && rsvp.IsUnsubscribe(m.Subject, r.x.reply) {
		d, err := r.threadDelivery()
		if err != nil {
			return false, err
		}
		if d != nil {
			contactID, how = d.ContactID, "reply to "+d.Wave
		} else if c, err := r.tx.ContactByAddress(m.FromAddress()); err != nil {
			return false, err
		} else if c != nil && r.senderVerified() {
			contactID, how = c.ID, "mail from the contact's address, DMARC pass"
		} else if c != nil {
			unproven = true
		}
	}
	if contactID == 0 {
		if unproven {
			r.unverified(CategoryUnsubscribeUnverified, FolderUnsubscribe)
		}
		return false, nil
	}
	c, err := r.tx.ContactByID(contactID)
	if err != nil || c == nil {
		return false, err
	}
	lists := r.p.Config.ListsOf(account)
	if len(lists) == 0 {
		lists = nil // an account without waves: every list the contact is on
	}
	changed, err := r.tx.Unsubscribe(c.ID, lists, "reply "+m.MessageID, how)
	if err != nil {
		return false, err
	}
	r.kind = KindUnsubscribe
	if err := r.addReceived(c.ID, KindUnsubscribe); err != nil {
		return false, err
	}
	id, err := r.fileRow(r.row(KindUnsubscribe, fmt.Sprintf("%s; lists %s", how, strings.Join(changed, ",")), 0), FolderUnsubscribe)
	if err != nil {
		return false, err
	}
	// The confirmation goes once, ever (docs/BEHAVIOUR.md §6.2).
	once, err := r.tx.AutoRepliedEver(r.p.Account.Name, c.Email, "unsubscribed")
	if err != nil || once {
		return true, err
	}
	return true, r.confirm("unsubscribed", c, id)
}

// answer handles docs/BEHAVIOUR.md §6.3: a calendar REPLY to our invitation, or a
// text reply to a wave message. It reports whether the message was one.
func (r *recorder) answer() (bool, error) {
	m := r.x.m
	if cal, err := rsvp.FindCalendarReply(m); err == nil && cal.UID != "" {
		c, ours, err := r.calendarContact(cal)
		if err != nil {
			return false, err
		}
		if ours && c == nil {
			r.unverified(CategoryRSVPUnverified, FolderRSVP)
			return false, nil
		}
		if c != nil && cal.Intent() != "" {
			return true, r.setRSVP(c, cal.Intent(), "calendar "+cal.PartStat)
		}
	}
	d, err := r.threadDelivery()
	if err != nil {
		return false, err
	}
	certain := d != nil
	if d == nil {
		// Last resort (mapping by the sender's address) is never applied
		// silently: at most it makes the enquiry an rsvp-unclear one.
		c, err := r.tx.ContactByAddress(m.FromAddress())
		if err != nil || c == nil {
			return false, err
		}
		waves := r.p.accountWaves()
		if d, err = r.tx.LastDeliveryTo(c.ID, waves); err != nil || d == nil {
			return false, err
		}
	}
	intent := rsvp.Intent(r.x.reply, m.Subject)
	if certain && intent.Clear && intent.Intent != "" {
		c, err := r.tx.ContactByID(d.ContactID)
		if err != nil || c == nil {
			return false, err
		}
		return true, r.setRSVP(c, intent.Intent, "reply: "+intent.Evidence)
	}
	if !certain && !(intent.Clear && intent.Intent != "") {
		return false, nil // from a contact, but not an answer: an ordinary enquiry
	}
	r.forcedCategory, r.forcedFolder = CategoryRSVPUnclear, FolderRSVP
	return false, nil
}

// setRSVP records a clear answer, files the message and, when the answer
// changed, confirms it with the rsvp-<intent> template.
func (r *recorder) setRSVP(c *store.Contact, intent, evidence string) error {
	m := r.x.m
	changed, err := r.tx.SetRSVP(c.ID, intent, "reply "+m.MessageID, evidence)
	if err != nil {
		return err
	}
	if err := r.addReceived(c.ID, KindRSVP); err != nil {
		return err
	}
	r.kind = KindRSVP
	id, err := r.fileRow(r.row(KindRSVP, intent+" ("+evidence+")", 0), FolderRSVP)
	if err != nil || !changed {
		return err
	}
	return r.confirm("rsvp-"+intent, c, id)
}

// confirm queues an automatic confirmation to a contact, within the same
// limits as acknowledgements: never to automatic senders or lists, never
// more than 10 automatic messages to one address an hour, nor more than
// ack_max_per_hour from the account. It goes to the contact's stored
// address, never to the incoming message's return path (docs/BEHAVIOUR.md §6.1): the
// confirmation names the contact, and a forged Return-Path must not
// receive it.
func (r *recorder) confirm(template string, c *store.Contact, msg int64) error {
	to := c.Email
	policy := classify.Policy{OwnAddresses: r.p.own, LoopHeader: LoopHeader}
	if to == "" || classify.Suppress(r.x.m, policy) != "" {
		return nil
	}
	if why, err := r.overCaps(to); err != nil || why != "" {
		return err
	}
	m := r.x.m
	job := AckJob{
		Template: template, To: to, Subject: clipSubject(m.Subject), ContactID: c.ID,
		MessageID: strings.Trim(compose.NewMessageID(r.p.Account.Address), "<>"),
		Original:  boundedOriginal(m),
		Languages: nonEmpty(c.Language, r.x.lang, r.p.Account.Language, "en"),
	}
	kind := template
	if strings.HasPrefix(template, "rsvp-") {
		kind = "rsvp"
	}
	if err := r.tx.AddAutoReply(r.p.Account.Name, to, kind, job.MessageID, r.now); err != nil {
		return err
	}
	r.queued = true
	return r.action("ack", ackJSON(job), msg)
}

// addReceived logs the message in a contact's history, once.
func (r *recorder) addReceived(contactID int64, kind string) error {
	r.received = true
	return r.tx.AddReceived(contactID, r.x.m.MessageID, kind)
}
