package sender

import (
	"errors"
	"fmt"
	"net/textproto"
	"sync"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/realserver"
)

// TestSinkDelayedAnswers sends through smtp-sink holding back its answer
// to one command (-W): it then answers the commands pipelined after that
// one first, out of order, and even runs them first (DATA before a
// delayed RCPT gets "503 need RCPT command"). herald must notice, go on
// one command at a time, and deliver each message exactly once, with no
// error, over Streams (a wave's sessions) and Sends alike. A delay on
// DATA, which ends every group, keeps the answers in order: pipelining
// stays on.
func TestSinkDelayedAnswers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		cmd       string
		outOfStep bool
	}{{"", false}, {"MAIL", true}, {"RCPT", true}, {"DATA", false}, {".", true}} {
		t.Run("delay "+tt.cmd, func(t *testing.T) {
			t.Parallel()
			var opts realserver.SinkOptions
			if tt.cmd != "" {
				opts.Delays = []realserver.SinkDelay{{Command: tt.cmd, Seconds: 1}}
			}
			sink := realserver.StartSMTPSink(t, opts)
			p := New(Options{Account: testAccount(sink.Host, sink.Port, 2, fast, 0)})
			ctx := timeout(t, 2*time.Minute)
			const perStream = 4
			var mu sync.Mutex
			var errs []error
			var wg sync.WaitGroup
			for w := range 2 {
				wg.Go(func() {
					st, err := p.Stream(ctx)
					if err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
						return
					}
					defer st.Close()
					var tos []string
					for i := range perStream {
						tos = append(tos, fmt.Sprintf("w%d-%d@example.org", w, i))
					}
					begins, ends := chain(ctx, st, tos...)
					mu.Lock()
					defer mu.Unlock()
					for i := range tos {
						if begins[i] != nil || ends[i] != nil {
							errs = append(errs, fmt.Errorf("%s: Begin %v, End %v", tos[i], begins[i], ends[i]))
						}
					}
				})
			}
			wg.Wait()
			for i := range 2 {
				if err := p.Send(ctx, from, fmt.Sprintf("send%d@example.org", i), message("s", i)); err != nil {
					errs = append(errs, fmt.Errorf("Send #%d: %v", i, err))
				}
			}
			p.Close()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			const want = 2*perStream + 2
			msgs, err := sink.WaitMessages(ctx, want)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]int{}
			for _, m := range msgs {
				for _, to := range m.To {
					seen[to]++
				}
			}
			for to, n := range seen {
				if n != 1 {
					t.Errorf("%s got %d copies, want 1", to, n)
				}
			}
			if len(msgs) != want || len(seen) != want {
				t.Errorf("smtp-sink has %d messages for %d recipients, want %d each once", len(msgs), len(seen), want)
			}
			if got := p.serial.Load(); got != tt.outOfStep {
				t.Errorf("pipelining turned off: %v, want %v", got, tt.outOfStep)
			}
		})
	}
}

// TestStray: which answers cannot be those of their commands.
func TestStray(t *testing.T) {
	for _, tt := range []struct {
		cmd      string
		code     int
		accepted bool
		want     bool
	}{
		{CmdData, 250, true, true},   // the answer of a MAIL or RCPT in DATA's place
		{CmdRcpt, 354, true, true},   // DATA's answer in RCPT's place
		{CmdEnd, 354, true, true},    // DATA's answer to the end of data
		{CmdMail, 503, true, true},   // "need MAIL command" to MAIL
		{CmdData, 503, true, true},   // "need RCPT command" after RCPT was accepted
		{CmdData, 503, false, false}, // no valid recipient: RFC 2920 §3.1
		{CmdData, 554, true, false},  // a refusal, in step
		{CmdRcpt, 550, true, false},
		{CmdEnd, 503, true, false},
	} {
		e := smtpError(tt.cmd, &textproto.Error{Code: tt.code, Msg: "x"})
		if got := stray(tt.cmd, e, tt.accepted); got != tt.want {
			t.Errorf("stray(%s, %d, accepted %v) = %v, want %v", tt.cmd, tt.code, tt.accepted, got, tt.want)
		}
	}
	if stray(CmdData, &Error{Command: CmdData, Err: errors.New("reset")}, true) {
		t.Error("a network error is stray, want not")
	}
}
