package triage

import (
	"fmt"
	"strings"

	"github.com/herald-mail/herald/daemon/inbox"
	"github.com/herald-mail/herald/daemon/store"
)

// Kinds of the messages set aside rather than triaged (issue 11: any
// message is processed or set aside, never a stop). Both go to the
// quarantine folder, with the reason in the messages row, so a restart
// never reads them again.
const (
	// KindOversized is a message over triage.max_message_size, filed by
	// its header alone.
	KindOversized = "oversized"
	// KindQuarantined is a message whose recording failed.
	KindQuarantined = "quarantined"
)

// maxDetail bounds the reason stored for a quarantined message.
const maxDetail = 500

// recordOne records one message in its own savepoint. When recording
// fails (a bug, or a message no query can take), what it wrote is undone
// and the message is quarantined with the reason, so the rest of the
// batch goes on; only a failure of the database itself fails the batch.
func (p *Processor) recordOne(tx *store.InboxTx, mb inbox.Mailbox, x parsed) (*recorder, error) {
	r := &recorder{p: p, tx: tx, mb: mb, x: x, now: p.now()}
	failed, err := tx.Try(r.record)
	if err != nil || failed == nil {
		return r, err
	}
	if store.IsStoreFailure(failed) {
		return nil, failed
	}
	p.Log.Error("message quarantined: recording it failed", "component", "triage", "account", mb.Account,
		"mailbox", mb.Name, "uid", x.f.UID, "err", failed)
	reason := failed.Error()
	if len(reason) > maxDetail {
		reason = strings.ToValidUTF8(reason[:maxDetail], "") + "…"
	}
	r = &recorder{p: p, tx: tx, mb: mb, x: x, now: p.now(), kind: KindQuarantined}
	row := store.MessageRow{Kind: KindQuarantined, Detail: "recording failed: " + reason}
	if x.m != nil {
		// With its Message-ID, a copy or a rescan is filed like it.
		withIDs := r.row(KindQuarantined, row.Detail, 0)
		if failed, err = tx.Try(func() error { return r.file(withIDs, p.Config.Triage.QuarantineFolder) }); err != nil || failed == nil {
			return r, err
		}
	}
	return r, r.file(row, p.Config.Triage.QuarantineFolder)
}

// oversized files a message over triage.max_message_size by its header
// alone: it is recorded with its size and moved to the quarantine folder,
// never triaged or acknowledged.
func (r *recorder) oversized() error {
	r.kind = KindOversized
	detail := fmt.Sprintf("%d bytes, over triage.max_message_size (%d): filed by its header alone",
		r.x.f.Size, r.p.Config.Triage.MaxMessageSize)
	row := store.MessageRow{Kind: KindOversized, Detail: detail}
	if r.x.m != nil {
		row = r.row(KindOversized, detail, 0)
	}
	return r.file(row, r.p.Config.Triage.QuarantineFolder)
}
