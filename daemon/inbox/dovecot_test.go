package inbox

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/realserver"
)

// startDovecot starts a real Dovecot (skipped when missing, unless CI=true)
// and returns its account section.
func startDovecot(t *testing.T) (*realserver.Dovecot, config.IMAP) {
	t.Helper()
	d := realserver.StartDovecot(t, map[string]string{"alice": "s3cret"})
	return d, imapConf(d.Addr, "alice", "s3cret")
}

// checkMoved checks that INBOX is empty and folder holds exactly want.
func checkMoved(t *testing.T, conf config.IMAP, folder string, want []string) {
	t.Helper()
	c := dialTest(t, conf)
	if left := listMailbox(t, c, "INBOX"); len(left) != 0 {
		t.Errorf("INBOX still holds %d messages", len(left))
	}
	got := listMailbox(t, c, folder)
	if ids := messageIDs(got); !slices.Equal(ids, slices.Sorted(slices.Values(want))) {
		t.Errorf("%s holds %d messages, want %d", folder, len(ids), len(want))
	}
	for _, m := range got {
		if hasFlag(m.Flags, imap.FlagSeen) || hasFlag(m.Flags, imap.FlagDeleted) {
			t.Errorf("%s in %s has flags %v", m.ID, folder, m.Flags)
		}
	}
}

// TestDovecot200WhileRunning: 200 messages appended while the watcher
// runs are all processed once and moved.
func TestDovecot200WhileRunning(t *testing.T) {
	_, conf := startDovecot(t)
	h := newFakeHandler(triage)
	w, _ := testWatcher(t, conf, "INBOX", h, nil)
	w.o.Batch = 50
	run(t, w)

	all := ids("run", 200)
	start := time.Now()
	c := dialTest(t, conf)
	for _, id := range all {
		appendMessage(t, c, "INBOX", testMessage(id, 2000))
	}
	eventually(t, "200 messages", func() bool { return h.processed() == len(all) })
	eventually(t, "200 moves", func() bool { return h.pendingActions() == 0 })
	t.Logf("200 messages appended, processed and moved in %v (%d batches)", time.Since(start).Round(time.Millisecond), h.batches)
	h.checkOnce(t, all)
	checkMoved(t, conf, triage, all)
}

// TestDovecotCatchUpMovesInGroups: a backlog longer than ActionEvery is
// flagged and moved in groups during the catch-up and at its end (with
// MOVE, and with the COPY fallback); every message is processed once and
// moved once, with its flag.
func TestDovecotCatchUpMovesInGroups(t *testing.T) {
	for _, noMove := range []bool{false, true} {
		t.Run(map[bool]string{false: "move", true: "copy"}[noMove], func(t *testing.T) {
			_, conf := startDovecot(t)
			all := ids("backlog", 400)
			c := dialTest(t, conf)
			for _, id := range all {
				appendMessage(t, c, "INBOX", testMessage(id, 1500))
			}
			h := newFakeHandler(triage)
			h.flag = `\Flagged`
			w, _ := testWatcher(t, conf, "INBOX", h, nil)
			if noMove {
				w.ignoreCaps = map[imap.Cap]bool{imap.CapMove: true}
			}
			w.o.Batch, w.o.ActionEvery = 20, 60
			run(t, w)
			eventually(t, "400 messages", func() bool { return h.processed() == len(all) })
			eventually(t, "400 moves", func() bool { return h.pendingActions() == 0 })
			h.checkOnce(t, all)
			checkMoved(t, conf, triage, all)
			for _, m := range listMailbox(t, c, triage) {
				if !hasFlag(m.Flags, imap.FlagFlagged) {
					t.Errorf("%s was moved without its flag: %v", m.ID, m.Flags)
				}
			}
		})
	}
}

// TestDovecotCutMidFetch: the connection dies in the middle of a FETCH
// (inside a body literal, or wherever 1234567 bytes falls); the watcher
// reconnects and resumes from the saved mark, so every message is still
// processed exactly once.
func TestDovecotCutMidFetch(t *testing.T) {
	for _, cutAfter := range []int64{600 << 10, 1234567} {
		t.Run(strconv.FormatInt(cutAfter, 10), func(t *testing.T) {
			d, conf := startDovecot(t)
			all := ids("cut", 200)
			c := dialTest(t, conf)
			for _, id := range all {
				appendMessage(t, c, "INBOX", testMessage(id, 8000))
			}
			// 200 × 8 kB: the first connection dies part way through.
			p := startProxy(t, d.Addr, cutAfter)
			h := newFakeHandler(triage)
			w, reconnects := testWatcher(t, imapConf(p.Addr(), "alice", "s3cret"), "INBOX", h, nil)
			w.o.Batch = 50
			start := time.Now()
			run(t, w)
			eventually(t, "200 messages", func() bool { return h.processed() == len(all) })
			eventually(t, "200 moves", func() bool { return h.pendingActions() == 0 })
			t.Logf("200 messages with a cut after %d bytes: %v, %d reconnects, %d batches",
				cutAfter, time.Since(start).Round(time.Millisecond), reconnects.Load(), h.batches)
			if p.cuts.Load() != 1 || reconnects.Load() < 1 {
				t.Errorf("%d cuts, %d reconnects; want 1 cut and a reconnect", p.cuts.Load(), reconnects.Load())
			}
			h.checkOnce(t, all)
			checkMoved(t, conf, triage, all)
		})
	}
}

// testSession is a connected session that ignores the capabilities ignore.
func testSession(t *testing.T, conf config.IMAP, h Handler, ignore ...imap.Cap) *session {
	t.Helper()
	w, _ := testWatcher(t, conf, "INBOX", h, nil)
	w.ignoreCaps = map[imap.Cap]bool{}
	for _, c := range ignore {
		w.ignoreCaps[c] = true
	}
	s := &session{w: w, log: w.log, changes: make(chan struct{}, 1), folders: map[string]bool{}}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := s.connect(ctx); err != nil {
		t.Fatalf("connect = %v", err)
	}
	t.Cleanup(s.close)
	return s
}

// TestDovecotSafeMoveWithoutMOVE forces the COPY fallback: a failed COPY
// deletes nothing, a successful one expunges exactly the copied message.
func TestDovecotSafeMoveWithoutMOVE(t *testing.T) {
	_, conf := startDovecot(t)
	c := dialTest(t, conf)
	msgs := ids("safe", 4)
	for _, id := range msgs {
		appendMessage(t, c, "INBOX", testMessage(id, 500))
	}
	// The user flagged UID 4 \Deleted without expunging: not ours to expunge.
	must(t, c, "Select(INBOX)", c.Select("INBOX", nil).Wait)
	userDeleted := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}}
	must(t, c, "Store(4 +\\Deleted)", c.Store(imap.UIDSetNum(4), userDeleted, nil).Collect)

	h := newFakeHandler("")
	s := testSession(t, conf, h, imap.CapMove)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if s.canMove() {
		t.Fatal("canMove with MOVE ignored")
	}

	// COPY to a folder that does not exist fails (TRYCREATE) …
	err := s.move(ctx, imap.UIDSetNum(1), "Nowhere")
	if err == nil || !isServerError(err) {
		t.Errorf("move to a missing folder = %v, want the server's NO", err)
	}
	// … and so does a folder that cannot be created; the session goes on.
	h.Queue(s.mb, 2, ActionMove, "Triage//Bad")
	h.Queue(s.mb, 3, ActionMove, "Archive")
	if err := s.runActions(ctx); err != nil {
		t.Fatalf("runActions = %v, want failures recorded, not returned", err)
	}
	h.mu.Lock()
	bad, good := *h.actions[0], *h.actions[1]
	h.mu.Unlock()
	if bad.done || bad.err == nil {
		t.Errorf("move to Triage//Bad: done %v, err %v; want a recorded failure", bad.done, bad.err)
	}
	if !good.done {
		t.Errorf("move to Archive: done %v, err %v", good.done, good.err)
	}
	inbox := listMailbox(t, c, "INBOX")
	if got := messageIDs(inbox); !slices.Equal(got, []string{msgs[0], msgs[1], msgs[3]}) {
		t.Errorf("INBOX holds %v, want every message but the one moved", got)
	}
	for _, m := range inbox {
		if m.UID != 4 && hasFlag(m.Flags, imap.FlagDeleted) {
			t.Errorf("UID %d flagged \\Deleted after a failed move", m.UID)
		}
	}
	if got := messageIDs(listMailbox(t, c, "Archive")); !slices.Equal(got, msgs[2:3]) {
		t.Errorf("Archive holds %v, want %v", got, msgs[2:3])
	}
	// A UID already gone (moved before a crash) counts as done.
	if err := s.move(ctx, imap.UIDSetNum(3, 99), "Archive"); err != nil {
		t.Errorf("move of UIDs no longer there = %v, want nil", err)
	}
	if n := len(listMailbox(t, c, "Archive")); n != 1 {
		t.Errorf("Archive holds %d messages after moving gone UIDs, want 1", n)
	}

	// Without UIDPLUS there is no UID EXPUNGE: the move is only a copy.
	s2 := testSession(t, conf, h, imap.CapMove, imap.CapUIDPlus)
	if err := s2.move(ctx, imap.UIDSetNum(1), "Archive"); err != nil {
		t.Errorf("copy-only move = %v", err)
	}
	inbox = listMailbox(t, c, "INBOX")
	if len(inbox) != 3 || inbox[0].UID != 1 || hasFlag(inbox[0].Flags, imap.FlagDeleted) {
		t.Errorf("INBOX after a move without UIDPLUS = %+v, want UID 1 untouched", inbox)
	}
	if n := len(listMailbox(t, c, "Archive")); n != 2 {
		t.Errorf("Archive holds %d messages after the copy, want 2", n)
	}
}

// TestDovecotUIDValidityChange: the watched mailbox is deleted and
// re-created while watched; the new generation is scanned from UID 1.
func TestDovecotUIDValidityChange(t *testing.T) {
	_, conf := startDovecot(t)
	c := dialTest(t, conf)
	must(t, c, "Create(Watched)", func() (struct{}, error) { return struct{}{}, c.Create("Watched", nil).Wait() })
	old, renewed := ids("old", 4), ids("new", 3)
	for _, id := range old {
		appendMessage(t, c, "Watched", testMessage(id, 300))
	}
	h := newFakeHandler("")
	w, reconnects := testWatcher(t, conf, "Watched", h, nil)
	run(t, w)
	eventually(t, "the first generation", func() bool { return h.processed() == len(old) })

	must(t, c, "Delete(Watched)", func() (struct{}, error) { return struct{}{}, c.Delete("Watched").Wait() })
	must(t, c, "Create(Watched)", func() (struct{}, error) { return struct{}{}, c.Create("Watched", nil).Wait() })
	for _, id := range renewed {
		appendMessage(t, c, "Watched", testMessage(id, 300))
	}
	eventually(t, "the new generation", func() bool { return h.processed() == len(old)+len(renewed) })
	h.checkOnce(t, slices.Concat(old, renewed))
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.marks) != 2 || h.gen[renewed[0]][0] == h.gen[old[0]][0] {
		t.Errorf("marks %v: want one per UIDVALIDITY", h.marks)
	}
	t.Logf("%d reconnects", reconnects.Load())
}
