package main

import (
	"context"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/realserver"
)

// TestStopAndReloadMidWaveSMTPSink is the operator's story against Postfix's
// smtp-sink made slow with a delay (-W), as an operator testing herald
// would set it up: SIGHUP with a changed wave and SMTP rate (scheduler and
// SMTP pool rebuilt) and SIGTERM, each while messages are in flight, then a
// restart, until the wave is done. A delay on the end of data or on RCPT
// makes smtp-sink answer pipelined commands out of order (RFC 2920 §3.1);
// herald goes one command at a time then. Each contact gets the wave
// exactly once, every stop exits 0, and no row is left in doubt.
func TestStopAndReloadMidWaveSMTPSink(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		delay             string
		contacts, connect int
	}{{".", 24, 4}, {"RCPT", 12, 1}, {"DATA", 24, 4}} {
		t.Run("delay "+tt.delay, func(t *testing.T) {
			t.Parallel()
			sink := realserver.StartSMTPSink(t, realserver.SinkOptions{
				Delays: []realserver.SinkDelay{{Command: tt.delay, Seconds: 1}}})
			dumped := func() int {
				msgs, err := sink.Messages()
				if err != nil {
					t.Fatal(err)
				}
				return len(msgs)
			}
			waitDumped := func(n int) {
				t.Helper()
				waitUntil(t, 60*time.Second, strconv.Itoa(n)+" messages at smtp-sink", func() bool { return dumped() >= n })
			}
			dir := t.TempDir()
			wc := waveConfig{SMTPPort: sink.Port, IMAPPort: closedPort(t), Connections: tt.connect, Rate: "100/s",
				Waves: sinkWave(10)}
			cfg := writeWaveConfig(t, dir, wc)
			cs := waveContacts(tt.contacts)
			importContacts(t, cfg, cs)

			run1 := startLiveHerald(t, "herald run 1", cfg)
			waitDumped(2)
			wc.Waves, wc.Rate = sinkWave(9), "90/s"
			writeWaveConfig(t, dir, wc)
			run1.cmd.Process.Signal(syscall.SIGHUP)
			waitUntil(t, 10*time.Second, "the reload", func() bool { return strings.Contains(run1.stderr.String(), "reloaded") })
			waitDumped(dumped() + 2)
			stopMidWave(t, run1, cfg)

			run2 := startLiveHerald(t, "herald run 2", cfg)
			waitDumped(dumped() + 2)
			stopMidWave(t, run2, cfg)

			run3 := startLiveHerald(t, "herald run 3", cfg)
			waitUntil(t, 90*time.Second, "the wave done", func() bool {
				s := waveList(t, cfg, "invitation")
				return s.State == "done" && s.Pending == 0
			})
			run3.stop(t)

			if end := waveList(t, cfg, "invitation"); end.Sent != len(cs) || end.Uncertain != 0 || end.Failed != 0 {
				t.Errorf("waves --json at the end: %s; want %d sent, none failed or uncertain", end.counts(), len(cs))
			}
			// Not even a retry: a try that failed would have waited 30 s
			// (smtp-sink out of step got RSET in its DATA phase).
			var retried int
			var reason string
			if err := openHeraldDB(t, cfg).QueryRow(`SELECT count(*), coalesce(max(reason), '') FROM deliveries WHERE tries <> 1 OR reason <> ''`).Scan(&retried, &reason); err != nil {
				t.Fatal(err)
			}
			if retried != 0 {
				t.Errorf("%d deliveries took more than one try; one said %q", retried, reason)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			msgs, err := sink.WaitMessages(ctx, len(cs))
			if err != nil {
				t.Fatal(err)
			}
			by := perRecipient(t, msgs)
			for _, c := range cs {
				if n := len(by[c.Email]); n != 1 {
					t.Errorf("%s got the wave %d times, want once", c.Email, n)
				}
			}
			if len(msgs) != len(cs) {
				t.Errorf("smtp-sink has %d messages for %d contacts", len(msgs), len(cs))
			}
			for _, h := range []*liveHerald{run1, run2, run3} {
				if s := h.stderr.String(); strings.Contains(s, "may be duplicates") || strings.Contains(s, "delivery failed") {
					t.Errorf("%s logged a doubt or a failure:\n%s", h.name, tail(s, 3000))
				}
			}
		})
	}
}

// sinkWave is the wave of TestStopAndReloadMidWaveSMTPSink; a reload
// changes its max_tries.
func sinkWave(maxTries int) string {
	return `  - name: invitation
    account: habitat
    list: invitees
    template: invitation
    at: 2017-09-01T09:00:00+02:00
    max_tries: ` + strconv.Itoa(maxTries)
}
