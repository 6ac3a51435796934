package triage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/herald-mail/herald/daemon/classify"
	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/inbox"
	"github.com/herald-mail/herald/daemon/message"
	"github.com/herald-mail/herald/daemon/metrics"
	"github.com/herald-mail/herald/daemon/rsvp"
	"github.com/herald-mail/herald/daemon/service"
	"github.com/herald-mail/herald/daemon/store"
)

// Kinds recorded for incoming messages, beyond classify's.
const (
	KindEnquiry    = "enquiry"
	KindFollowUp   = "follow-up"
	KindUnreadable = "unreadable"
	KindDuplicate  = "duplicate"
	KindOwn        = "own"
)

// Folders for the kinds that never become enquiries (docs/BEHAVIOUR.md §4).
const (
	FolderBounces     = "Triage/Bounces"
	FolderAutoReplies = "Triage/Auto-replies"
	FolderReports     = "Triage/Reports"
)

// LoopHeader marks every automatic message herald sends; its value is the
// sending account's address. A message carrying it is never acknowledged.
const LoopHeader = "X-Herald-Loop"

// Processor is the inbox.Handler of one account.
type Processor struct {
	Config  *config.Config
	Account *config.Account
	Store   *store.Store
	Log     *slog.Logger
	// Metrics counts a parser's recovered panics; may be nil.
	Metrics *metrics.Metrics
	// Secret verifies the unsubscribe tokens of List-Unsubscribe mailtos.
	Secret []byte
	// Queued is called after a commit that queued mail to send (acks,
	// forwards), to wake the account's sender (respond.Acks.Kick); may be
	// nil.
	Queued func()
	// Seen is told each message's kind and, for an enquiry that gets no
	// acknowledgement, why (metrics); may be nil.
	Seen func(kind, suppressed string)
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time

	compile sync.Once
	refRE   *regexp.Regexp // an enquiry reference in a subject
	own     []string       // the account's address and aliases, lowercased
}

// patterns prepares, once per Processor, what every message is matched
// against. The triage.ack_exceptions regexps are config's, compiled (and
// checked, with their line) when the file was read.
func (p *Processor) patterns() {
	p.compile.Do(func() {
		p.refRE = regexp.MustCompile(`\b` + regexp.QuoteMeta(p.Config.Event.RefPrefix) + `-\d{4,}\b`)
		p.own = []string{strings.ToLower(p.Account.Address)}
		for _, a := range p.Account.Aliases {
			p.own = append(p.own, strings.ToLower(a))
		}
	})
}

var _ inbox.Handler = (*Processor)(nil)

func (p *Processor) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// LastUID implements inbox.Handler.
func (p *Processor) LastUID(ctx context.Context, mb inbox.Mailbox) (uint32, error) {
	return p.Store.LastUID(ctx, mb.Account, mb.Name, mb.UIDValidity)
}

// Pending implements inbox.Handler.
func (p *Processor) Pending(ctx context.Context, mb inbox.Mailbox) ([]inbox.Action, error) {
	rows, err := p.Store.PendingIMAP(ctx, mb.Account, mb.Name, mb.UIDValidity)
	if err != nil {
		return nil, err
	}
	out := make([]inbox.Action, len(rows))
	for i, r := range rows {
		out[i] = inbox.Action{ID: r.ID, UID: r.UID, Kind: inbox.ActionKind(r.Kind), Arg: r.Arg}
	}
	return out, nil
}

// Done implements inbox.Handler.
func (p *Processor) Done(ctx context.Context, ids []int64, err error) error {
	return p.Store.ActionsDone(ctx, ids, err)
}

// parsed is a fetched message decoded outside the transaction, so the
// write lock is held only for the database work.
type parsed struct {
	f    inbox.Fetched
	m    *message.Message // nil when unreadable
	err  error
	hash string
	lang string
	// reply is what the sender wrote, quotes and signature left out, also
	// for a bottom-posted answer (Thunderbird), which NewText misses.
	reply string
	cls   classify.Result
}

// Process implements inbox.Handler: every message of the batch gets its
// outcome recorded, and the high-water mark moves to the batch's last UID,
// in one transaction (docs/BEHAVIOUR.md §3.2, exactly once).
func (p *Processor) Process(ctx context.Context, mb inbox.Mailbox, batch []inbox.Fetched) error {
	if len(batch) == 0 {
		return nil
	}
	p.patterns()
	// The watcher prepares every batch (Prepare); a batch handed over
	// otherwise, or prepared for other UIDs, is parsed here.
	ps := make([]parsed, len(batch))
	for i, f := range batch {
		x, ok := f.Prepared.(parsed)
		if !ok || x.f.UID != f.UID {
			ps = p.parseAll(batch)
			break
		}
		ps[i] = x
	}
	var queued bool
	var seen [][2]string
	keys := batchKeys(ps)
	err := p.Store.Inbox(ctx, func(tx *store.InboxTx) error {
		queued, seen = false, seen[:0]
		if err := p.prefetch(tx, mb, keys); err != nil {
			return err
		}
		var last uint32
		for _, x := range ps {
			r, err := p.recordOne(tx, mb, x)
			if err != nil {
				return err
			}
			queued = queued || r.queued
			seen = append(seen, [2]string{r.kind, r.suppressed})
			last = max(last, x.f.UID)
		}
		return tx.SetMark(mb.Account, mb.Name, mb.UIDValidity, last)
	})
	if err != nil {
		return err
	}
	for _, k := range seen {
		if p.Seen != nil {
			p.Seen(k[0], k[1])
		}
	}
	if queued && p.Queued != nil {
		p.Queued()
	}
	return nil
}

// batchKeys is what recording ps looks up in the store by Message-ID,
// hash and sender, for Prefetch.
func batchKeys(ps []parsed) []store.MessageKey {
	keys := make([]store.MessageKey, 0, len(ps))
	for _, x := range ps {
		if x.m == nil || x.f.HeaderOnly {
			continue // filed without a look-up
		}
		refs := append(append([]string{}, x.m.InReplyTo...), x.m.References...)
		if id := x.cls.OriginalMessageID; id != "" {
			refs = append(refs, id) // a bounce's, mapped to our wave message
		}
		k := store.MessageKey{MessageID: x.m.MessageID, Hash: x.hash, From: x.m.FromAddress(), Refs: refs}
		if x.cls.Kind == classify.Bounce {
			for _, rc := range x.cls.Failed() {
				k.Contacts = append(k.Contacts, rc.Address) // bounceContacts looks them up
			}
		}
		keys = append(keys, k)
	}
	return keys
}

// prefetch has the store read the batch's look-ups at once: on
// PostgreSQL each is a round trip, and the batch's messages asked them
// one by one (docs/BENCHMARKS.md, "Inbox look-ups per batch"). It runs
// in a savepoint of its own: when it fails otherwise than by the
// database's own trouble, the messages look themselves up as before,
// each in its savepoint, where a failure is that message's alone.
func (p *Processor) prefetch(tx *store.InboxTx, mb inbox.Mailbox, keys []store.MessageKey) error {
	failed, err := tx.Try(func() error { return tx.Prefetch(p.Account.Name, keys) })
	if err != nil || failed == nil {
		return err
	}
	if store.IsStoreFailure(failed) {
		return failed
	}
	p.Log.Warn("batch look-up failed; looking messages up one by one", "component", "triage", "account", mb.Account,
		"mailbox", mb.Name, "err", failed)
	return nil
}

// Prepare implements inbox.Preparer: the batch is parsed while the one
// before it is committed.
func (p *Processor) Prepare(batch []inbox.Fetched) {
	for i, x := range p.parseAll(batch) {
		x.f.Prepared = nil
		batch[i].Prepared = x
	}
}

var _ inbox.Preparer = (*Processor)(nil)

// parseAll parses a batch on every CPU: decoding, classifying and reading
// the text of each message is independent of the others and of the store.
// The bytes parsed at once are bounded by parseBudget, not only their
// number by the CPUs.
func (p *Processor) parseAll(batch []inbox.Fetched) []parsed {
	ps := make([]parsed, len(batch))
	workers := min(runtime.GOMAXPROCS(0), len(batch))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(batch); i = int(next.Add(1) - 1) {
				took := parseBudget.acquire(int64(len(batch[i].Raw)))
				ps[i] = p.parse(batch[i])
				parseBudget.release(took)
			}
		})
	}
	wg.Wait()
	return ps
}

func (p *Processor) parse(f inbox.Fetched) (x parsed) {
	sum := sha256.Sum256(f.Raw)
	x = parsed{f: f, hash: hex.EncodeToString(sum[:])}
	defer func() {
		// A message that trips a bug in a decoder is quarantined like
		// one that cannot be parsed, and the watcher carries on.
		if v := recover(); v != nil {
			x.m, x.err = nil, fmt.Errorf("parser failed: %w", service.Panicked(p.Log, p.Metrics, "triage", v))
		}
	}()
	x.m, x.err = message.Parse(f.Raw)
	if x.err != nil {
		x.m = nil
		return x
	}
	// The language of what the sender wrote, not of what they quoted.
	x.reply = rsvp.ReplyText(x.m.Text)
	x.lang = message.DetectLanguage(x.reply)
	x.cls = classify.Classify(x.m)
	return x
}
