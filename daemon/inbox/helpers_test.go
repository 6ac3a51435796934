package inbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/mailconn"
	"github.com/herald-mail/herald/daemon/service"
)

// testTimeout bounds every wait of these tests.
const testTimeout = 60 * time.Second

// fakeAction is an Action with its mailbox generation and outcome.
type fakeAction struct {
	Action
	mb   Mailbox
	done bool
	err  error
}

// fakeHandler records batches in memory, keeps the high-water marks and
// queues a move (and a flag) per message when moveTo (flag) is set.
type fakeHandler struct {
	moveTo, flag string

	mu       sync.Mutex
	marks    map[Mailbox]uint32
	count    map[string]int      // Message-ID → times processed
	gen      map[string][]uint32 // Message-ID → UIDVALIDITY of each time
	fetched  []Fetched
	batches  int
	failNext int // Process calls left that fail
	actions  []*fakeAction
	bad      []string // contract violations seen

	// batchBytes is the RFC822.SIZE total of each batch, in order.
	batchBytes []int64
}

func newFakeHandler(moveTo string) *fakeHandler {
	return &fakeHandler{moveTo: moveTo, marks: map[Mailbox]uint32{}, count: map[string]int{}, gen: map[string][]uint32{}}
}

func (h *fakeHandler) LastUID(_ context.Context, mb Mailbox) (uint32, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.marks[mb], nil
}

// Prepare marks each message, so that Process can check that the watcher
// prepared every batch it hands over (inbox.Preparer).
func (h *fakeHandler) Prepare(batch []Fetched) {
	for i := range batch {
		batch[i].Prepared = "prepared " + messageID(batch[i].Raw)
	}
}

func (h *fakeHandler) Process(ctx context.Context, mb Mailbox, batch []Fetched) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.failNext > 0 {
		h.failNext--
		return errors.New("database is locked (test)")
	}
	for i, f := range batch {
		if f.UID <= h.marks[mb] || (i > 0 && f.UID <= batch[i-1].UID) {
			h.bad = append(h.bad, fmt.Sprintf("UID %d out of order (mark %d)", f.UID, h.marks[mb]))
		}
		id := messageID(f.Raw)
		if f.Prepared != "prepared "+id {
			h.bad = append(h.bad, fmt.Sprintf("UID %d handed over unprepared (Prepared = %v)", f.UID, f.Prepared))
		}
		h.count[id]++
		h.gen[id] = append(h.gen[id], mb.UIDValidity)
		h.fetched = append(h.fetched, f)
		if h.flag != "" {
			h.queue(mb, f.UID, ActionFlag, h.flag)
		}
		if h.moveTo != "" {
			h.queue(mb, f.UID, ActionMove, h.moveTo)
		}
	}
	h.marks[mb] = batch[len(batch)-1].UID
	h.batches++
	var total int64
	for _, f := range batch {
		total += f.Size
	}
	h.batchBytes = append(h.batchBytes, total)
	return nil
}

// queue adds an action; h.mu is held.
func (h *fakeHandler) queue(mb Mailbox, uid uint32, kind ActionKind, arg string) {
	id := int64(len(h.actions) + 1)
	h.actions = append(h.actions, &fakeAction{Action: Action{ID: id, UID: uid, Kind: kind, Arg: arg}, mb: mb})
}

// Queue adds an action from "elsewhere" (as after a Kick).
func (h *fakeHandler) Queue(mb Mailbox, uid uint32, kind ActionKind, arg string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.queue(mb, uid, kind, arg)
}

func (h *fakeHandler) Pending(_ context.Context, mb Mailbox) ([]Action, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []Action
	for _, a := range h.actions {
		if a.mb == mb && !a.done {
			out = append(out, a.Action)
		}
	}
	return out, nil
}

func (h *fakeHandler) Done(_ context.Context, ids []int64, err error) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range ids {
		a := h.actions[id-1]
		a.err = err
		a.done = err == nil
	}
	return nil
}

// processed returns how many distinct messages were processed.
func (h *fakeHandler) processed() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.count)
}

// pendingActions counts actions not yet done.
func (h *fakeHandler) pendingActions() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, a := range h.actions {
		if !a.done {
			n++
		}
	}
	return n
}

// checkOnce fails unless each of ids was processed exactly once and
// nothing else was.
func (h *fakeHandler) checkOnce(t *testing.T, ids []string) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, bad := range h.bad {
		t.Error(bad)
	}
	for _, id := range ids {
		if h.count[id] != 1 {
			t.Errorf("message %s processed %d times, want 1", id, h.count[id])
		}
	}
	if len(h.count) != len(ids) {
		t.Errorf("%d distinct messages processed, want %d", len(h.count), len(ids))
	}
}

// messageID returns the Message-ID of raw, without angle brackets.
func messageID(raw []byte) string {
	i := bytes.Index(raw, []byte("Message-ID: <"))
	if i < 0 {
		return ""
	}
	rest := raw[i+len("Message-ID: <"):]
	return string(rest[:bytes.IndexByte(rest, '>')])
}

// testMessage builds a message whose body has about size bytes.
func testMessage(id string, size int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: Amina Diallo <amina@dakar.example>\r\nTo: contact@conf.test\r\n"+
		"Subject: Demande %s\r\nMessage-ID: <%s>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\n", id, id)
	line := "Bonjour, pourriez-vous m'envoyer une lettre d'invitation ? Merci.\r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	return []byte(b.String())
}

// ids returns n Message-IDs with a prefix.
func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%03d@test", prefix, i)
	}
	return out
}

// testLogger discards logs unless the tests run with -v and INBOX_TEST_LOG=1.
func testLogger(t *testing.T) *slog.Logger {
	if !testing.Verbose() || os.Getenv("INBOX_TEST_LOG") == "" {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// imapConf is a plaintext IMAP account section.
func imapConf(addr, user, password string) config.IMAP {
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	return config.IMAP{Host: host, Port: p, Security: "none", Poll: time.Second,
		Auth: config.Auth{Username: user, Password: password}}
}

// testWatcher returns a fast-reconnecting Watcher and counts reconnects.
func testWatcher(t *testing.T, conf config.IMAP, mailbox string, h Handler, health *service.Health) (*Watcher, *atomic.Int32) {
	var reconnects atomic.Int32
	w := New(Options{
		Account:        config.Account{Name: "contact", Address: "contact@conf.test", IMAP: conf},
		Mailbox:        mailbox,
		Handler:        h,
		Health:         health,
		Log:            testLogger(t),
		Batch:          20,
		CommandTimeout: 10 * time.Second,
		IdleRestart:    2 * time.Second,
		OnReconnect:    func() { reconnects.Add(1) },
	})
	w.bo.Min, w.bo.Max = 20*time.Millisecond, 200*time.Millisecond
	return w, &reconnects
}

// run runs w until the test ends, then checks that Run returned nil.
func run(t *testing.T, w *Watcher) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run = %v, want nil after cancel", err)
				}
			case <-time.After(15 * time.Second):
				t.Errorf("Run did not return 15s after cancel")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// eventually polls cond until it holds or testTimeout passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(testTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

// dialTest logs in a second client, for checks and deliveries.
func dialTest(t *testing.T, conf config.IMAP) *imapclient.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	c, err := mailconn.DialIMAP(ctx, conf, nil)
	if err != nil {
		t.Fatalf("DialIMAP = %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// must runs a command of c with a deadline and fails the test on error.
func must[T any](t *testing.T, c *imapclient.Client, what string, f func() (T, error)) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	v, err := mailconn.Wait(ctx, c, f)
	if err != nil {
		t.Fatalf("%s = %v", what, err)
	}
	return v
}

// appendMessage appends raw to mailbox.
func appendMessage(t *testing.T, c *imapclient.Client, mailbox string, raw []byte) {
	t.Helper()
	must(t, c, "Append("+mailbox+")", func() (*imap.AppendData, error) {
		cmd := c.Append(mailbox, int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			return nil, err
		}
		if err := cmd.Close(); err != nil {
			return nil, err
		}
		return cmd.Wait()
	})
}

// message is what checks need of a stored message.
type message struct {
	UID   imap.UID
	ID    string
	Flags []imap.Flag
}

// listMailbox EXAMINEs mailbox and returns its messages in UID order.
func listMailbox(t *testing.T, c *imapclient.Client, mailbox string) []message {
	t.Helper()
	sel := must(t, c, "Examine("+mailbox+")", c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait)
	if sel.NumMessages == 0 {
		return nil
	}
	var all imap.SeqSet
	all.AddRange(1, 0)
	opts := &imap.FetchOptions{UID: true, Flags: true, Envelope: true}
	bufs := must(t, c, "Fetch(1:*)", c.Fetch(all, opts).Collect)
	out := make([]message, 0, len(bufs))
	for _, b := range bufs {
		out = append(out, message{UID: b.UID, ID: b.Envelope.MessageID, Flags: b.Flags})
	}
	slices.SortFunc(out, func(a, b message) int { return int(a.UID) - int(b.UID) })
	return out
}

// messageIDs returns the Message-IDs of msgs, sorted.
func messageIDs(msgs []message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.ID
	}
	slices.Sort(out)
	return out
}

// hasFlag reports whether flags has f; keywords are case-insensitive
// (RFC 9051 §2.3.2), and imapmemserver lowercases them.
func hasFlag(flags []imap.Flag, f imap.Flag) bool {
	return slices.ContainsFunc(flags, func(g imap.Flag) bool { return strings.EqualFold(string(f), string(g)) })
}
