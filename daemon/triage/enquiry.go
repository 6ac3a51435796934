package triage

import (
	"strings"

	"github.com/herald-mail/herald/daemon/classify"
	"github.com/herald-mail/herald/daemon/compose"
	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
)

// enquiry is docs/BEHAVIOUR.md §4 step 6: rules, a new reference, filing, flagging,
// forwarding and — unless the policy forbids it — an acknowledgement.
func (r *recorder) enquiry() error {
	m, t := r.x.m, &r.p.Config.Triage
	actions := t.Default
	if rule := FirstRule(t.Rules, m, r.x.lang); rule != nil {
		actions = rule.RuleActions
		if actions.Category == "" {
			actions.Category = t.Default.Category
		}
		if actions.Folder == "" {
			actions.Folder = t.Default.Folder
		}
	}
	if r.forcedCategory != "" {
		actions.Category, actions.Folder = r.forcedCategory, r.forcedFolder
	}
	to := classify.ReplyAddress(m)
	suppressed, err := r.ackPolicy(&actions, to)
	if err != nil {
		return err
	}
	r.suppressed = suppressed
	from, fromName := m.FromAddress(), ""
	if len(m.From) > 0 {
		fromName = m.From[0].Name
	}
	if from == "" {
		// A message without From (RFC 5322 §3.6 requires one; web forms and
		// scripts forget it) is still an enquiry someone must read. Its
		// acknowledgement, if any, goes to the return path, like every one.
		from = NoSender
	}
	// The next reference and the enquiry in one call: one statement on
	// PostgreSQL.
	ref, eid, err := r.tx.NewEnquiry(r.p.Config.Event.RefPrefix, store.Enquiry{
		Account: r.p.Account.Name, Mailbox: r.mb.Name, From: from, FromName: fromName,
		Subject: m.Subject, Category: actions.Category, Language: r.x.lang, ReceivedAt: r.now, AckSuppressed: suppressed,
	})
	if err != nil {
		return err
	}
	r.kind = KindEnquiry
	row := r.row(KindEnquiry, ref, eid)
	row.Account, row.Direction, row.Mailbox = r.p.Account.Name, "in", r.mb.Name
	row.UIDValidity, row.UID, row.Hash, row.Folder = r.mb.UIDValidity, r.x.f.UID, r.x.hash, actions.Folder
	if row.Date.IsZero() {
		row.Date = r.x.f.InternalDate
	}
	id, err := r.tx.AddMessage(row)
	if err != nil {
		return err
	}
	// docs/BEHAVIOUR.md §4 step 6, "flagged": \Flagged marks it waiting for a person
	// in any mail client; the rule's flag comes on top. One shared flag,
	// not a keyword per reference: each new keyword name slows Dovecot
	// down (10× over a 10,000-message backlog) and every enquiry would need
	// a STORE of its own.
	for _, kw := range []string{`\Flagged`, actions.Flag} {
		if kw != "" {
			if err := r.action("flag", kw, id); err != nil {
				return err
			}
		}
	}
	if actions.Forward != "" {
		job := ForwardJob{To: actions.Forward, Ref: ref, Subject: m.Subject, Raw: r.x.f.Raw}
		if err := r.action("forward", ackJSON(job), id); err != nil {
			return err
		}
		r.queued = true
	}
	if suppressed == "" {
		if err := r.queueAck(&actions, to, ref, eid, id); err != nil {
			return err
		}
	}
	if actions.Folder != "" && actions.Folder != r.mb.Name {
		return r.action("move", actions.Folder, id)
	}
	return nil
}

// ackPolicy returns why no acknowledgement may go to `to`, or "" (docs/BEHAVIOUR.md §5.1:
// RFC 3834 §2 and Sieve vacation, RFC 5230 §4.2 and §4.5).
func (r *recorder) ackPolicy(actions *config.RuleActions, to string) (string, error) {
	ack, _ := r.p.Config.Triage.Ack(actions)
	if !ack {
		return ReasonRuleOff, nil
	}
	policy := classify.Policy{OwnAddresses: r.p.own, LoopHeader: LoopHeader, Exceptions: r.p.Config.Triage.AckExceptions}
	if why := classify.Suppress(r.x.m, policy); why != "" {
		return why, nil
	}
	if to == "" {
		return ReasonNoReturnAddress, nil
	}
	// RFC 5230 §4.2: one reply per sender per period (:days).
	acked, err := r.tx.AckedSince(r.p.Account.Name, to, r.now.Add(-r.p.Config.Triage.AckOncePer))
	if err != nil || acked {
		return ReasonAlreadyAcked, err
	}
	// docs/BEHAVIOUR.md §5.1: never more than 10 automatic messages to one address an
	// hour; and the account's own hourly ceiling.
	return r.overCaps(to)
}

// queueAck logs the automatic reply now (so the limits count it at once)
// and queues it, with its Message-ID fixed in advance, for respond.Acks,
// which renders, sends and files it.
func (r *recorder) queueAck(actions *config.RuleActions, to, ref string, enquiry, msg int64) error {
	_, tmpl := r.p.Config.Triage.Ack(actions)
	m := r.x.m
	job := AckJob{
		Template: tmpl, To: to, Ref: ref, Subject: clipSubject(m.Subject), Category: actions.Category, EnquiryID: enquiry,
		MessageID: strings.Trim(compose.NewMessageID(r.p.Account.Address), "<>"),
		Original:  boundedOriginal(m),
		// docs/BEHAVIOUR.md §10: someone who is not a contact is answered in the language
		// they wrote in, else the account's.
		Languages: nonEmpty(r.x.lang, r.p.Account.Language, "en"),
	}
	if err := r.tx.AddAutoReply(r.p.Account.Name, to, "ack", job.MessageID, r.now); err != nil {
		return err
	}
	r.queued = true
	return r.action("ack", ackJSON(job), msg)
}

func nonEmpty(vs ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range vs {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
