// Package inbox is the IMAP side of the inbox watcher (docs/BEHAVIOUR.md §3): one session
// per watched mailbox fetches every message above the saved high-water mark,
// hands them in batches to a Handler that records the outcome, performs the
// IMAP actions the Handler queued (flags, then moves), and waits for more
// mail with IDLE or by polling. Any error ends the session; it is opened
// again with backoff and catches up from the saved mark, so a message is
// handed over again only if its batch was never committed.
//
// What is done with a message (classification, store, replies) belongs to
// the Handler; this package never imports them.
package inbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/herald-mail/herald/daemon/backoff"
	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/mailconn"
	"github.com/herald-mail/herald/daemon/metrics"
	"github.com/herald-mail/herald/daemon/service"
)

// Defaults applied by New.
const (
	// DefaultBatch is the number of messages per Process call.
	DefaultBatch = 100
	// DefaultActionEvery is how many messages of a catch-up are processed
	// between two runs of the queued actions.
	DefaultActionEvery = 5000
	// maxActionGroup caps the UIDs of one STORE or MOVE, so that the
	// command line stays short (Dovecot's imap_max_line_length is 64 KiB;
	// 1,000 scattered UIDs take at most about 11 KiB).
	maxActionGroup = 1000
	// DefaultCommandTimeout bounds every IMAP command.
	DefaultCommandTimeout = 60 * time.Second
	// DefaultIdleRestart stays under the 29 minutes of RFC 2177 §3, after
	// which a server may log an idle client out.
	DefaultIdleRestart = 25 * time.Minute
	// defaultPoll is config's default for imap.poll, for Options built by hand.
	defaultPoll = 60 * time.Second
	// DefaultMaxMessageSize is config's default for triage.max_message_size.
	DefaultMaxMessageSize = 25 << 20
	// DefaultBatchBytes bounds the bytes of one batch: with the batch
	// being fetched beside the one being recorded, the watcher holds
	// about twice this of mail (or two messages, when they are larger).
	DefaultBatchBytes = 32 << 20
)

// Mailbox identifies one watched mailbox generation.
type Mailbox struct {
	Account, Name string
	UIDValidity   uint32
}

// Fetched is one message as fetched.
type Fetched struct {
	UID          uint32
	Raw          []byte
	Flags        []imap.Flag
	InternalDate time.Time
	Size         int64
	// HeaderOnly reports that Raw holds only the message's header: its
	// Size is over Options.MaxMessageSize, so it was not fetched whole.
	HeaderOnly bool
	// Prepared is what a Preparer made of the message, for its Process.
	Prepared any
}

// ActionKind is what an Action does to a message.
type ActionKind string

// The kinds of Action.
const (
	// ActionMove moves the message to the folder named by Arg.
	ActionMove ActionKind = "move"
	// ActionFlag adds the flag or keyword named by Arg.
	ActionFlag ActionKind = "flag"
)

// Action is an IMAP side effect the handler recorded, to perform on the
// message in this mailbox.
type Action struct {
	ID   int64
	UID  uint32
	Kind ActionKind
	Arg  string // folder or keyword
}

// Handler decides and records what happens to fetched messages.
type Handler interface {
	// LastUID is the high-water mark saved for this mailbox generation (0
	// when this UIDVALIDITY is new: rescan all).
	LastUID(ctx context.Context, mb Mailbox) (uint32, error)
	// Process records the outcome of each message of the batch (in UID
	// order) and the new high-water mark in ONE transaction, and returns
	// once committed.
	Process(ctx context.Context, mb Mailbox, batch []Fetched) error
	// Pending lists IMAP actions not yet done for this mailbox generation,
	// oldest first.
	Pending(ctx context.Context, mb Mailbox) ([]Action, error)
	// Done marks actions performed (err nil) or failed (err kept, retried
	// on a later pass).
	Done(ctx context.Context, ids []int64, err error) error
}

// Preparer is a Handler that does part of its work before Process and
// outside its transaction: the watcher calls Prepare for each batch on the
// goroutine that fetched it, while the batch before it is being committed.
// Prepare may only set the batch's Prepared fields; what it computes must
// depend on the messages alone.
type Preparer interface {
	Prepare(batch []Fetched)
}

// Options configures a Watcher.
type Options struct {
	// Account is dialled with mailconn.DialIMAP(ctx, Account.IMAP, …).
	Account config.Account
	// Mailbox is the mailbox watched, e.g. INBOX.
	Mailbox string
	// Handler records what the watcher fetches.
	Handler Handler
	// Health receives "inbox <account>/<mailbox>" healthy or unhealthy
	// with the reason; may be nil.
	Health *service.Health
	// Log is the logger; nil means slog.Default().
	Log *slog.Logger
	// Metrics counts panics recovered in the watcher's goroutines; may be
	// nil.
	Metrics *metrics.Metrics
	// Batch is the number of messages per Process call (default 100).
	Batch int
	// ActionEvery is how many messages a catch-up processes between two
	// runs of the queued flags and moves (default 5,000); they also run at
	// the end of every catch-up.
	ActionEvery int
	// CommandTimeout bounds every IMAP command (default 60 s). A FETCH of
	// a batch may take longer: it is cut only after this long without data.
	CommandTimeout time.Duration
	// IdleRestart is how often IDLE is re-issued (default 25 min).
	IdleRestart time.Duration
	// MaxMessageSize is the largest message fetched whole (default
	// 25 MiB); a larger one is fetched by its header alone (HeaderOnly),
	// as its RFC822.SIZE says before anything else is fetched.
	MaxMessageSize int64
	// BatchBytes bounds the bytes of one batch (default 32 MiB): a batch
	// ends at Batch messages or at this size, whichever comes first, and
	// holds one message at least.
	BatchBytes int64
	// OnReconnect is called before every connection attempt but the first
	// (the imap reconnects metric); may be nil.
	OnReconnect func()
}

// Watcher watches one mailbox of one account. Run it once.
type Watcher struct {
	o    Options
	name string
	log  *slog.Logger
	kick chan struct{}
	bo   backoff.Backoff

	// ignoreCaps are capabilities treated as absent, to exercise the COPY
	// fallback, copies without UIDPLUS and polling against servers that
	// have MOVE, UIDPLUS and IDLE.
	ignoreCaps map[imap.Cap]bool
	// copyOnlyOnce logs once that moves are copies on this server.
	copyOnlyOnce sync.Once
}

// New returns a Watcher for o with defaults filled in.
func New(o Options) *Watcher {
	if o.Batch <= 0 {
		o.Batch = DefaultBatch
	}
	if o.ActionEvery <= 0 {
		o.ActionEvery = DefaultActionEvery
	}
	if o.CommandTimeout <= 0 {
		o.CommandTimeout = DefaultCommandTimeout
	}
	if o.IdleRestart <= 0 {
		o.IdleRestart = DefaultIdleRestart
	}
	if o.MaxMessageSize <= 0 {
		o.MaxMessageSize = DefaultMaxMessageSize
	}
	if o.BatchBytes <= 0 {
		o.BatchBytes = DefaultBatchBytes
	}
	if o.Account.IMAP.Poll <= 0 {
		o.Account.IMAP.Poll = defaultPoll
	}
	log := o.Log
	if log == nil {
		log = slog.Default()
	}
	return &Watcher{
		o:    o,
		name: fmt.Sprintf("inbox %s/%s", o.Account.Name, o.Mailbox),
		log:  log.With("component", "inbox", "account", o.Account.Name, "mailbox", o.Mailbox),
		kick: make(chan struct{}, 1),
		bo:   backoff.Backoff{Min: time.Second, Max: 5 * time.Minute, Jitter: 0.2, Healthy: time.Minute},
	}
}

// Name is the component name: "inbox <account>/<mailbox>".
func (w *Watcher) Name() string { return w.name }

// Kick asks for an immediate re-sync, e.g. after the handler queued actions
// from elsewhere. It never blocks.
func (w *Watcher) Kick() { signal(w.kick) }

// Run watches the mailbox until ctx is done, then returns nil. Errors end
// the current session, which is opened again after a backoff delay; it
// never returns on them.
func (w *Watcher) Run(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		if attempt > 0 && w.o.OnReconnect != nil {
			w.o.OnReconnect()
		}
		err := w.runSession(ctx)
		w.bo.Disconnected(time.Now())
		if ctx.Err() != nil {
			return nil
		}
		if err == nil {
			err = errors.New("session ended without an error")
		}
		delay := w.bo.Next()
		if mailconn.IsRejected(err) {
			// STYLE §5: the same credentials fail again; do not hammer.
			delay = w.bo.Max
			err = fmt.Errorf("%w; check the account's IMAP username and password", err)
		}
		w.setHealth(err)
		w.log.Error("imap session failed; reconnecting", "err", err, "in", delay.Round(time.Millisecond))
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// setHealth reports err (nil: healthy) under the watcher's name.
func (w *Watcher) setHealth(err error) {
	if w.o.Health != nil {
		w.o.Health.Set(w.name, err)
	}
}

// signal makes a non-blocking send on a channel of capacity 1: a pending
// signal already says "look again".
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// drain empties a signal channel.
func drain(ch chan struct{}) {
	select {
	case <-ch:
	default:
	}
}
