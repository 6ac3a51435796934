package main

// Crash test of the waves outbox (docs/BEHAVIOUR.md §8.3): the real daemon is SIGKILLed
// in the middle of a wave and restarted on the same database. No contact
// may be missed, and the only duplicates allowed are the messages in
// flight at the kill — at most one per SMTP connection — each reported as
// a possible duplicate.

import (
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/realserver"
)

func TestWaveCrashResume(t *testing.T) {
	t.Parallel()
	const (
		contacts    = 3000
		connections = 4
		killAfter   = 300 // messages in the sink
	)
	start := time.Now()
	dv := realserver.StartDovecot(t, map[string]string{"decorte@un.org": "Habitat2017"})
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})
	dir := t.TempDir()
	// A one-shot wave whose time has passed runs when the daemon starts
	// (docs/BEHAVIOUR.md §8.1).
	cfg := writeWaveConfig(t, dir, waveConfig{SMTPPort: sink.Port, IMAPPort: dv.Port, Connections: connections, Rate: "600/s",
		Waves: `  - name: invitation
    account: habitat
    list: invitees
    template: invitation
    at: 2017-09-01T09:00:00+02:00
    attach_ics: true`})
	cs := waveContacts(contacts)
	importContacts(t, cfg, cs)

	run1 := startLiveHerald(t, "herald run 1", cfg)
	deadline := time.Now().Add(30 * time.Second)
	for dumped(t, sink) < killAfter {
		if time.Now().After(deadline) {
			t.Fatalf("the sink has %d messages 30 s after the start, want %d", dumped(t, sink), killAfter)
		}
		time.Sleep(2 * time.Millisecond)
	}
	run1.kill()
	killedAt := time.Now()
	atKill, err := sink.Messages()
	if err != nil {
		t.Fatal(err)
	}
	// The outbox at the kill: the wave half-way, and at most one row per
	// connection between its claim and its result (README: "at most one
	// per connection").
	mid := waveList(t, cfg, "invitation")
	var sending int
	if err := openHeraldDB(t, cfg).QueryRow(`SELECT count(*) FROM deliveries WHERE wave = 'invitation' AND state = 'sending'`).Scan(&sending); err != nil {
		t.Fatal(err)
	}
	t.Logf("SIGKILLed %v after the start with %d messages in the sink; outbox %s, %d rows sending",
		killedAt.Sub(start).Round(time.Millisecond), len(atKill), mid.counts(), sending)
	if len(atKill) >= contacts || mid.Sent >= contacts || mid.State != "running" {
		t.Fatalf("the kill came too late to test anything: %d in the sink, %s", len(atKill), mid.counts())
	}
	if sending > connections {
		t.Errorf("%d rows were 'sending' at the kill, want at most %d (one per connection)", sending, connections)
	}

	// The same database, a new process: it waits for the dead process's
	// lease to expire (30 s), then recovers and finishes the run.
	run2 := startLiveHerald(t, "herald run 2", cfg)
	var end waveStatus
	deadline = time.Now().Add(60 * time.Second)
	for {
		end = waveList(t, cfg, "invitation")
		if end.State == "done" && end.Pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("wave not done 60 s after the restart: %s", end.counts())
		}
		time.Sleep(250 * time.Millisecond)
	}
	resumed := time.Now()
	run2.stop(t)
	t.Logf("restarted run done %v after the kill: %s", resumed.Sub(killedAt).Round(time.Millisecond), end.counts())
	if end.Sent != contacts || end.Failed != 0 || end.Planned != contacts {
		t.Errorf("waves --json at the end: %s, want %d sent", end.counts(), contacts)
	}
	// Until the dead process's lease expires, the new one finds the wave
	// leased on each 2 s tick.
	t.Logf("run 2 found the wave leased by the killed process %d times", strings.Count(run2.stderr.String(), "being sent by another herald process"))
	if !strings.Contains(run2.stderr.String(), "may be duplicates") && sending > 0 {
		t.Errorf("run 2 did not log the recovery of the %d rows left in flight", sending)
	}

	msgs, err := sink.Messages()
	if err != nil {
		t.Fatal(err)
	}
	by := perRecipient(t, msgs)
	var missing, dupRcpts []string
	extra := 0
	for _, c := range cs {
		switch n := len(by[c.Email]); {
		case n == 0:
			missing = append(missing, c.Email)
		case n > 1:
			dupRcpts = append(dupRcpts, c.Email)
			extra += n - 1
			// The copies are the same message: the Message-ID was fixed in
			// the outbox before the first try, so a reader's client can
			// tell them apart from a second invitation.
			ids := map[string]bool{}
			for _, m := range by[c.Email] {
				pm, err := m.Message()
				if err != nil {
					t.Fatal(err)
				}
				ids[pm.Header.Get("Message-Id")] = true
			}
			if len(ids) != 1 {
				t.Errorf("%s got %d copies with %d different Message-IDs, want one", c.Email, n, len(ids))
			}
		}
	}
	sort.Strings(dupRcpts)
	t.Logf("sink: %d messages for %d contacts; %d missing, %d duplicated (%v)", len(msgs), contacts, len(missing), len(dupRcpts), dupRcpts)
	if len(missing) > 0 {
		t.Errorf("%d contacts got nothing, e.g. %v", len(missing), missing[:min(len(missing), 10)])
	}
	if extra > connections {
		t.Errorf("%d duplicate messages, want at most %d (the messages in flight at the kill)", extra, connections)
	}
	if len(msgs) != contacts+extra {
		t.Errorf("%d messages in the sink, want %d", len(msgs), contacts+extra)
	}

	// Every duplicate is reported: counted as uncertain and listed by
	// `waves show` as a possible duplicate.
	if end.Uncertain < len(dupRcpts) {
		t.Errorf("waves --json uncertain = %d, but %d contacts got two copies", end.Uncertain, len(dupRcpts))
	}
	if end.Uncertain > connections {
		t.Errorf("waves --json uncertain = %d, want at most %d", end.Uncertain, connections)
	}
	shown := waveShow(t, cfg, "invitation")
	listed := map[string]bool{}
	for _, e := range shown.LastErrors {
		if e.PossibleDuplicate {
			listed[strings.ToLower(e.Email)] = true
		}
	}
	for _, r := range dupRcpts {
		if !listed[r] {
			t.Errorf("%s got two copies but waves show --json does not list it as a possible duplicate: %+v", r, shown.LastErrors)
		}
	}
	if len(listed) != end.Uncertain {
		t.Errorf("waves show lists %d possible duplicates, waves --json counts %d", len(listed), end.Uncertain)
	}
	out, _, _ := herald(t, "--config", cfg, "waves", "show", "invitation")
	if end.Uncertain > 0 && !strings.Contains(out, "possible duplicate") {
		t.Errorf("waves show does not mention the possible duplicates:\n%s", out)
	}
	t.Logf("whole test %v", time.Since(start).Round(time.Millisecond))
}

// dumped counts the files in the sink's dump folder: cheaper than parsing
// them, and close enough to know when to pull the plug (a file appears at
// MAIL FROM).
func dumped(t *testing.T, sink *realserver.Sink) int {
	t.Helper()
	entries, err := os.ReadDir(sink.Dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}
