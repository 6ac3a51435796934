package inbox

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/sandbox"
	"github.com/herald-mail/herald/daemon/service"
)

const triage = "Triage/General"

// startSandbox starts the in-process IMAP server with one account.
func startSandbox(t *testing.T) (*sandbox.Sandbox, config.IMAP) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	sb, err := sandbox.Start(ctx, sandbox.Options{
		Accounts: []sandbox.Account{{Name: "contact", Address: "contact@conf.test"}},
		Logger:   testLogger(t),
	})
	if err != nil {
		t.Fatalf("sandbox.Start = %v", err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb, imapConf(sb.IMAPAddr(), "contact@conf.test", sandbox.Password)
}

// deliver puts messages with ids into the sandbox INBOX.
func deliver(t *testing.T, sb *sandbox.Sandbox, ids []string) {
	t.Helper()
	for _, id := range ids {
		if err := sb.Deliver("contact", testMessage(id, 300)); err != nil {
			t.Fatalf("Deliver = %v", err)
		}
	}
}

// TestSandboxExistingThenIdle: messages already there are processed at
// start, later ones arrive through IDLE, every message once, and all are
// moved (with MOVE, and with the COPY fallback).
func TestSandboxExistingThenIdle(t *testing.T) {
	for _, noMove := range []bool{false, true} {
		name := map[bool]string{false: "move", true: "copy"}[noMove]
		t.Run(name, func(t *testing.T) {
			sb, conf := startSandbox(t)
			early, late := ids("early", 45), ids("late", 7)
			deliver(t, sb, early)

			h := newFakeHandler(triage)
			h.flag = "$Triaged"
			health := service.NewHealth(nil)
			w, reconnects := testWatcher(t, conf, "INBOX", h, health)
			if noMove {
				w.ignoreCaps = map[imap.Cap]bool{imap.CapMove: true}
			}
			w.o.IdleRestart = time.Hour // arrivals must come through EXISTS
			// The early backlog (3 batches) is longer than ActionEvery: it
			// is moved in groups during the catch-up.
			w.o.ActionEvery = 20
			run(t, w)
			eventually(t, "the early messages", func() bool { return h.processed() == len(early) })

			deliver(t, sb, late[:1])
			eventually(t, "a message delivered during IDLE", func() bool { return h.processed() == len(early)+1 })
			deliver(t, sb, late[1:])
			all := append(slices.Clone(early), late...)
			eventually(t, "every message", func() bool { return h.processed() == len(all) })
			eventually(t, "every move", func() bool { return h.pendingActions() == 0 })

			h.checkOnce(t, all)
			if h.batches < 3 {
				t.Errorf("%d batches for %d messages in batches of 20", h.batches, len(early))
			}
			for _, f := range h.fetched {
				if f.Size != int64(len(f.Raw)) || f.InternalDate.IsZero() || hasFlag(f.Flags, imap.FlagSeen) {
					t.Errorf("UID %d: size %d for %d bytes, date %v, flags %v", f.UID, f.Size, len(f.Raw), f.InternalDate, f.Flags)
				}
			}
			c := dialTest(t, conf)
			if left := listMailbox(t, c, "INBOX"); len(left) != 0 {
				t.Errorf("INBOX still holds %d messages", len(left))
			}
			moved := listMailbox(t, c, triage)
			if got, want := messageIDs(moved), slices.Sorted(slices.Values(all)); !slices.Equal(got, want) {
				t.Errorf("%s holds %v, want %v", triage, got, want)
			}
			for _, m := range moved {
				if hasFlag(m.Flags, imap.FlagSeen) || !hasFlag(m.Flags, "$Triaged") {
					t.Errorf("moved %s has flags %v, want $Triaged and not \\Seen", m.ID, m.Flags)
				}
			}
			if ok, st := health.Report(); !ok || len(st) != 1 || st[0].Component != "inbox contact/INBOX" {
				t.Errorf("health = %v %+v", ok, st)
			}
			if n := reconnects.Load(); n != 0 {
				t.Errorf("%d reconnects, want 0", n)
			}
		})
	}
}

// TestSandboxPoll: without IDLE, NOOP every Poll interval finds new mail.
func TestSandboxPoll(t *testing.T) {
	sb, conf := startSandbox(t)
	conf.Poll = 50 * time.Millisecond
	h := newFakeHandler(triage)
	w, _ := testWatcher(t, conf, "INBOX", h, nil)
	w.ignoreCaps = map[imap.Cap]bool{imap.CapIdle: true}
	run(t, w)
	all := ids("p", 6)
	deliver(t, sb, all[:3])
	eventually(t, "the first messages", func() bool { return h.processed() == 3 })
	deliver(t, sb, all[3:])
	eventually(t, "every message", func() bool { return h.processed() == 6 })
	eventually(t, "every move", func() bool { return h.pendingActions() == 0 })
	h.checkOnce(t, all)
}

// TestSandboxReconnect: connections cut from outside; every message is
// still processed exactly once, including those delivered while cut.
func TestSandboxReconnect(t *testing.T) {
	sb, conf := startSandbox(t)
	p := startProxy(t, sb.IMAPAddr(), 0)
	h := newFakeHandler(triage)
	pconf := imapConf(p.Addr(), conf.Username, conf.Password)
	w, reconnects := testWatcher(t, pconf, "INBOX", h, nil)
	run(t, w)

	first, second, third := ids("a", 5), ids("b", 4), ids("c", 3)
	deliver(t, sb, first)
	eventually(t, "the first messages", func() bool { return h.processed() == 5 })
	p.cut()
	deliver(t, sb, second)
	eventually(t, "a reconnect", func() bool { return reconnects.Load() >= 1 })
	eventually(t, "the messages delivered while cut", func() bool { return h.processed() == 9 })
	p.cut()
	deliver(t, sb, third)
	eventually(t, "every message", func() bool { return h.processed() == 12 })
	eventually(t, "every move", func() bool { return h.pendingActions() == 0 })

	h.checkOnce(t, slices.Concat(first, second, third))
	if left := listMailbox(t, dialTest(t, conf), "INBOX"); len(left) != 0 {
		t.Errorf("INBOX still holds %d messages", len(left))
	}
}

// TestSandboxHandlerErrorRetried: a failing Process closes the session and
// is retried with backoff; nothing is lost or doubled.
func TestSandboxHandlerErrorRetried(t *testing.T) {
	sb, conf := startSandbox(t)
	all := ids("m", 30)
	deliver(t, sb, all)
	h := newFakeHandler(triage)
	h.failNext = 2
	health := service.NewHealth(nil)
	w, reconnects := testWatcher(t, conf, "INBOX", h, health)
	run(t, w)
	eventually(t, "every message", func() bool { return h.processed() == len(all) })
	eventually(t, "every move", func() bool { return h.pendingActions() == 0 })
	h.checkOnce(t, all)
	if n := reconnects.Load(); n != 2 {
		t.Errorf("%d reconnects after 2 handler errors, want 2", n)
	}
	eventually(t, "healthy again", func() bool { ok, _ := health.Report(); return ok })
}

// TestSandboxUIDValidityRescan: a mailbox deleted and re-created gets a new
// UIDVALIDITY; its messages are all fetched again though their UIDs are
// below the old mark.
func TestSandboxUIDValidityRescan(t *testing.T) {
	_, conf := startSandbox(t)
	c := dialTest(t, conf)
	must(t, c, "Create(Watched)", func() (struct{}, error) { return struct{}{}, c.Create("Watched", nil).Wait() })
	old := ids("old", 6)
	for _, id := range old {
		appendMessage(t, c, "Watched", testMessage(id, 200))
	}
	h := newFakeHandler("")
	w, _ := testWatcher(t, conf, "Watched", h, nil)
	stop := run(t, w)
	eventually(t, "the first generation", func() bool { return h.processed() == len(old) })
	stop()

	must(t, c, "Delete(Watched)", func() (struct{}, error) { return struct{}{}, c.Delete("Watched").Wait() })
	must(t, c, "Create(Watched)", func() (struct{}, error) { return struct{}{}, c.Create("Watched", nil).Wait() })
	renewed := ids("new", 3)
	for _, id := range renewed {
		appendMessage(t, c, "Watched", testMessage(id, 200))
	}
	w2, _ := testWatcher(t, conf, "Watched", h, nil)
	run(t, w2)
	eventually(t, "the new generation", func() bool { return h.processed() == len(old)+len(renewed) })
	h.checkOnce(t, slices.Concat(old, renewed))
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.marks) != 2 {
		t.Errorf("marks %v, want one per UIDVALIDITY", h.marks)
	}
	if g := h.gen[renewed[0]]; len(g) != 1 || g[0] == h.gen[old[0]][0] {
		t.Errorf("new message seen under UIDVALIDITY %v, old under %v", g, h.gen[old[0]])
	}
}

// TestSandboxKickRunsQueuedActions: actions queued from elsewhere run on
// Kick, without new mail.
func TestSandboxKickRunsQueuedActions(t *testing.T) {
	sb, conf := startSandbox(t)
	msgs := ids("k", 2)
	deliver(t, sb, msgs)
	h := newFakeHandler("")
	w, _ := testWatcher(t, conf, "INBOX", h, nil)
	w.o.IdleRestart = time.Hour
	run(t, w)
	eventually(t, "both messages", func() bool { return h.processed() == 2 })
	h.mu.Lock()
	var mb Mailbox
	for m := range h.marks {
		mb = m
	}
	h.mu.Unlock()
	h.Queue(mb, 2, ActionFlag, "$Answered-Elsewhere")
	h.Queue(mb, 1, ActionMove, "Archive/2026")
	h.Queue(mb, 1, "explode", "")
	w.Kick()
	eventually(t, "the flag and the move", func() bool { return h.pendingActions() == 1 })
	// The kicked sync searched UID 3:*, which also answers UID 2.
	h.checkOnce(t, msgs)
	c := dialTest(t, conf)
	inbox := listMailbox(t, c, "INBOX")
	if len(inbox) != 1 || inbox[0].UID != 2 || !hasFlag(inbox[0].Flags, "$Answered-Elsewhere") {
		t.Errorf("INBOX = %+v, want UID 2 flagged", inbox)
	}
	if got := listMailbox(t, c, "Archive/2026"); len(got) != 1 {
		t.Errorf("Archive/2026 = %+v, want 1 message", got)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if a := h.actions[2]; a.done || a.err == nil || !strings.Contains(a.err.Error(), "explode") {
		t.Errorf("unknown action: done %v err %v", a.done, a.err)
	}
}

// TestRejectedCredentialsNotHammered: bad credentials are reported on
// /healthz and retried only after the maximum delay.
func TestRejectedCredentialsNotHammered(t *testing.T) {
	_, conf := startSandbox(t)
	conf.Password = "wrong"
	health := service.NewHealth(nil)
	w, reconnects := testWatcher(t, conf, "INBOX", h0(), health)
	w.bo.Max = time.Hour
	stop := run(t, w)
	eventually(t, "unhealthy", func() bool { ok, st := health.Report(); return !ok && len(st) == 1 })
	_, st := health.Report()
	if !strings.Contains(st[0].Problem, "auth failed") || !strings.Contains(st[0].Problem, "password") {
		t.Errorf("health problem %q, want the auth failure and what to check", st[0].Problem)
	}
	timer := time.NewTimer(500 * time.Millisecond)
	<-timer.C
	if n := reconnects.Load(); n != 0 {
		t.Errorf("%d reconnects within 500ms of a rejected login, want 0", n)
	}
	start := time.Now()
	stop()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Run took %v to stop during the backoff", d)
	}
}

func h0() *fakeHandler { return newFakeHandler("") }
