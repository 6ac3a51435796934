package triage

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/herald-mail/herald/daemon/classify"
	"github.com/herald-mail/herald/daemon/compose"
	"github.com/herald-mail/herald/daemon/inbox"
	"github.com/herald-mail/herald/daemon/message"
	"github.com/herald-mail/herald/daemon/rsvp"
	"github.com/herald-mail/herald/daemon/store"
)

// Ack suppression reasons decided here (classify.Suppress gives the
// header-based ones).
const (
	ReasonRuleOff         = "rule: acknowledge false"
	ReasonAlreadyAcked    = "already acknowledged within ack_once_per"
	ReasonHourlyCap       = "10 automatic messages to this address in the last hour"
	ReasonNoReturnAddress = "no return address"
	ReasonTemplateMissing = "no acknowledgement template"
	maxAutoRepliesPerHour = 10
	autoReplyWindow       = time.Hour
)

// NoSender is the From shown for an enquiry whose message has no From
// address.
const NoSender = "(no sender)"

// AckJob is what an "ack" action carries to the sender (respond.Acks):
// everything needed to render and address the acknowledgement, fixed at
// decision time.
type AckJob struct {
	Template  string   `json:"template"`
	Languages []string `json:"languages"`
	To        string   `json:"to"`
	MessageID string   `json:"message_id"` // ours, without <>
	Ref       string   `json:"ref"`
	// Original is the message answered, for In-Reply-To and References.
	Original  compose.Original `json:"original"`
	Subject   string           `json:"subject"`
	Category  string           `json:"category"`
	EnquiryID int64            `json:"enquiry_id,omitempty"`
	// ContactID is set for confirmations to a contact (RSVP, unsubscribe).
	ContactID int64 `json:"contact_id,omitempty"`
}

// ForwardJob is what a "forward" action carries: the original, re-sent as
// an attachment with its headers (docs/CONFIG.md §6.2, action forward).
type ForwardJob struct {
	To      string `json:"to"`
	Ref     string `json:"ref"`
	Subject string `json:"subject"`
	Raw     []byte `json:"raw"`
}

// recorder decides and records one message inside the batch transaction.
type recorder struct {
	p   *Processor
	tx  *store.InboxTx
	mb  inbox.Mailbox
	x   parsed
	now time.Time

	kind       string
	suppressed string
	queued     bool
	// forcedCategory makes the enquiry an rsvp-unclear or unverified one,
	// filed in forcedFolder.
	forcedCategory, forcedFolder string
	// verified caches senderVerified.
	verified *bool
	// received is set once the message is in a contact's history.
	received bool
	// delivery caches threadDelivery once deliveryRead.
	delivery     *store.SentDelivery
	deliveryRead bool
}

func (r *recorder) record() error {
	if err := r.decide(); err != nil {
		return err
	}
	return r.logReceived()
}

// logReceived adds the message to its sender's history when the sender
// is a contact and no step logged it yet (docs/BEHAVIOUR.md §2, contacts show: every
// message received, out-of-office and enquiries included).
func (r *recorder) logReceived() error {
	if r.x.m == nil || r.received || r.kind == KindDuplicate || r.kind == KindOwn {
		return nil
	}
	c, err := r.tx.ContactByAddress(r.x.m.FromAddress())
	if err != nil || c == nil {
		return err
	}
	kind := r.kind
	if r.forcedCategory != "" {
		kind = r.forcedCategory
	}
	return r.tx.AddReceived(c.ID, r.x.m.MessageID, kind)
}

// decide classifies the message in docs/BEHAVIOUR.md §4's order and records it.
func (r *recorder) decide() error {
	if r.x.f.HeaderOnly {
		return r.oversized()
	}
	if r.x.m == nil {
		r.kind = KindUnreadable
		return r.file(store.MessageRow{Kind: KindUnreadable, Detail: r.x.err.Error()}, r.p.Config.Triage.QuarantineFolder)
	}
	m := r.x.m
	dup, err := r.tx.SeenBefore(r.p.Account.Name, m.MessageID, r.x.hash)
	if err != nil {
		return err
	}
	if dup != nil {
		// A second copy (address and alias both in To, or a rescan after
		// a UIDVALIDITY change): filed like the first, never acknowledged.
		r.kind = KindDuplicate
		return r.file(r.row(KindDuplicate, fmt.Sprintf("copy of message %d", dup.ID), dup.EnquiryID), dup.Folder)
	}
	if r.ownDigest() {
		// herald's own digest to this account: it stays in the INBOX for
		// the person who reads it.
		r.kind = KindOwn
		return r.file(r.row(KindOwn, "digest", 0), "")
	}
	if k := r.x.cls.Kind; (k == classify.AutoReply || k.Report()) && r.signedUnsubscribe() {
		// A mail client's automatic unsubscribe request (RFC 3834 lets it
		// say Auto-Submitted): our signed token proves it.
		if done, err := r.unsubscribe(); err != nil || done {
			return err
		}
	}
	switch r.x.cls.Kind {
	case classify.Bounce, classify.Delay:
		if err := r.bounceContacts(); err != nil {
			return err
		}
		return r.report(FolderBounces)
	case classify.ListUnsubscribe:
		// A mail client's request for its user without our token: proof
		// from DMARC still unsubscribes; anything else is filed as a
		// report, never answered.
		if done, err := r.unsubscribe(); err != nil || done {
			return err
		}
		r.forcedCategory, r.forcedFolder = "", ""
		return r.report(FolderReports)
	case classify.AutoReply:
		ours := true
		if r.x.cls.SubjectOnly {
			// A subject alone counts only on a reply to our own mail: an
			// acknowledgement or a wave message.
			if ours, err = r.answersUs(); err != nil {
				return err
			}
		}
		if ours {
			r.kind = string(classify.AutoReply)
			return r.file(r.row(r.kind, r.x.cls.Reason, 0), FolderAutoReplies)
		}
	default:
		if r.x.cls.Kind.Report() {
			return r.report(FolderReports)
		}
	}
	if done, err := r.unsubscribe(); err != nil || done {
		return err
	}
	if r.forcedCategory == "" {
		if done, err := r.answer(); err != nil || done {
			return err
		}
	}
	if e, err := r.followUp(); err != nil || e != nil {
		if err != nil {
			return err
		}
		return r.joinThread(e)
	}
	return r.enquiry()
}

// answersUs reports whether the message's In-Reply-To/References name
// mail this account sent: an automatic message (SentByUs) or a wave
// message (an out-of-office answering an invitation must never be read
// as the invitee's answer).
func (r *recorder) answersUs() (bool, error) {
	m := r.x.m
	ids := append(append([]string{}, m.InReplyTo...), m.References...)
	if ours, err := r.tx.SentByUs(r.p.Account.Name, ids); err != nil || ours {
		return ours, err
	}
	d, err := r.threadDelivery()
	return d != nil, err
}

// signedUnsubscribe reports a subject carrying an unsubscribe token we
// signed (the List-Unsubscribe mailto of our waves).
func (r *recorder) signedUnsubscribe() bool {
	tok := rsvp.UnsubscribeTokenFromSubject(r.x.m.Subject)
	if tok == "" || len(r.p.Secret) == 0 {
		return false
	}
	_, ok := compose.ParseUnsubscribeToken(r.p.Secret, tok)
	return ok
}

// ownDigest recognises a message this account's herald sent to itself.
func (r *recorder) ownDigest() bool {
	m := r.x.m
	return strings.EqualFold(m.Header.Get(LoopHeader), r.p.Account.Address) && strings.EqualFold(m.FromAddress(), r.p.Account.Address)
}

// report files a bounce, delay warning, receipt or abuse report.
func (r *recorder) report(folder string) error {
	r.kind = string(r.x.cls.Kind)
	detail := r.x.cls.Reason
	for _, rc := range r.x.cls.Recipients {
		detail += fmt.Sprintf("; %s %s %s", rc.Address, rc.Action, rc.Status)
	}
	return r.file(r.row(r.kind, detail, 0), folder)
}

func (r *recorder) row(kind, detail string, enquiry int64) store.MessageRow {
	m := r.x.m
	var rcpts []string
	for _, a := range append(append([]message.Address{}, m.To...), m.Cc...) {
		rcpts = append(rcpts, a.Address)
	}
	return store.MessageRow{
		Kind: kind, Detail: detail, EnquiryID: enquiry, MessageID: m.MessageID,
		From: m.FromAddress(), Recipients: rcpts, Subject: m.Subject, Date: m.Date,
		Text: m.Text, Attachments: attachmentInfo(m.Attachments),
	}
}

// attachmentInfo is what the store keeps of a message's attachments: the
// parse already read them, so recording costs no second pass.
func attachmentInfo(atts []message.Attachment) []store.AttachmentInfo {
	var out []store.AttachmentInfo
	for _, a := range atts {
		if a.Inline {
			continue // a signature logo is not what the sender attached
		}
		out = append(out, store.AttachmentInfo{Name: a.Filename, Type: a.ContentType, Size: a.Size})
	}
	return out
}

// file records the message and queues its move to folder ("" = leave it).
func (r *recorder) file(row store.MessageRow, folder string) error {
	_, err := r.fileRow(row, folder)
	return err
}

// fileRow is file, returning the message's row id.
func (r *recorder) fileRow(row store.MessageRow, folder string) (int64, error) {
	row.Account, row.Direction, row.Mailbox = r.p.Account.Name, "in", r.mb.Name
	row.UIDValidity, row.UID, row.Hash, row.Folder = r.mb.UIDValidity, r.x.f.UID, r.x.hash, folder
	if row.Date.IsZero() {
		row.Date = r.x.f.InternalDate
	}
	id, err := r.tx.AddMessage(row)
	if err != nil {
		return 0, err
	}
	if folder == "" || folder == r.mb.Name {
		return id, nil
	}
	return id, r.action("move", folder, id)
}

func (r *recorder) action(kind, arg string, msg int64) error {
	return r.tx.AddAction(store.Action{
		Account: r.p.Account.Name, Mailbox: r.mb.Name, UIDValidity: r.mb.UIDValidity, UID: r.x.f.UID,
		Kind: kind, Arg: arg, Message: msg,
	})
}

// followUp finds the enquiry this message continues (docs/BEHAVIOUR.md §4 step 5): by
// In-Reply-To/References, else by a reference in the subject — and only
// when the sender took part in the thread (wrote or was copied), so a
// stranger quoting a reference does not hijack it.
func (r *recorder) followUp() (*store.Enquiry, error) {
	m := r.x.m
	e, err := r.tx.EnquiryByMessageIDs(r.p.Account.Name, append(append([]string{}, m.InReplyTo...), m.References...))
	if err != nil {
		return nil, err
	}
	if e == nil {
		if ref := r.p.refRE.FindString(strings.ToUpper(m.Subject)); ref != "" {
			if e, err = r.tx.EnquiryByRef(r.p.Account.Name, ref); err != nil {
				return nil, err
			}
		}
	}
	if e == nil {
		return nil, nil
	}
	who, err := r.tx.ThreadParticipants(e.ID)
	if err != nil {
		return nil, err
	}
	if !who[m.FromAddress()] && !who[classify.ReplyAddress(m)] {
		return nil, nil
	}
	return e, nil
}

// joinThread adds a follow-up to its enquiry, reopens a closed one, files
// it where the enquiry's first message went, and does not acknowledge.
func (r *recorder) joinThread(e *store.Enquiry) error {
	r.kind = KindFollowUp
	if err := r.tx.Reopen(e.ID); err != nil {
		return err
	}
	return r.file(r.row(KindFollowUp, e.Ref, e.ID), r.folderOf(e.Category))
}

// folderOf is the folder of the rule (or default) that gave this category.
func (r *recorder) folderOf(category string) string {
	t := r.p.Config.Triage
	for _, rule := range t.Rules {
		if rule.Category == category && rule.Folder != "" {
			return rule.Folder
		}
	}
	return t.Default.Folder
}

// ackJSON encodes a job for the actions table.
func ackJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain structs of strings: cannot fail
	}
	return string(b)
}
