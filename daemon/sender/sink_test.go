package sender

import (
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/realserver"
)

// countingProxy forwards connections to target and counts them: smtp-sink
// cannot say how many sessions it served.
func countingProxy(t testing.TB, target string) (port int, conns *atomic.Int32) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns = new(atomic.Int32)
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			wg.Go(func() {
				defer c.Close()
				s, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer s.Close()
				go func() { io.Copy(s, c); s.Close() }()
				io.Copy(c, s)
			})
		}
	})
	return l.Addr().(*net.TCPAddr).Port, conns
}

func TestSinkDelivers200OverFourSessions(t *testing.T) {
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})
	port, conns := countingProxy(t, sink.Addr)
	p := New(Options{Account: testAccount(sink.Host, port, 4, fast, 0)})
	ctx := timeout(t, time.Minute)
	for i, err := range sendAll(ctx, p, 200, 8, func(i int) []byte { return message("x", i) }) {
		if err != nil {
			t.Fatalf("Send #%d = %v", i, err)
		}
	}
	if err := p.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	msgs, err := sink.WaitMessages(ctx, 200)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, m := range msgs {
		if len(m.To) != 1 || m.From != "herald@example.org" {
			t.Errorf("%s: MAIL %q RCPT %q", m.File, m.From, m.To)
			continue
		}
		seen[m.To[0]]++
		if !strings.Contains(string(m.Data), "\n.leading dot\n") {
			t.Errorf("%s: dot-stuffing lost: %q", m.File, m.Data)
		}
	}
	for to, n := range seen {
		if n != 1 {
			t.Errorf("%s got %d copies", to, n)
		}
	}
	if len(msgs) != 200 || len(seen) != 200 {
		t.Errorf("smtp-sink has %d messages for %d recipients, want 200 each once", len(msgs), len(seen))
	}
	if n := conns.Load(); n > 4 {
		t.Errorf("%d connections for a pool of 4", n)
	}
}

func TestSinkRefusals(t *testing.T) {
	tests := []struct {
		name      string
		opts      realserver.SinkOptions
		code      int
		enhanced  string
		text      string
		cmd       string
		temporary bool
		slowed    bool
		uncertain bool
	}{
		{"550 at RCPT", realserver.SinkOptions{HardReject: []string{"RCPT"},
			HardReply: "550 5.1.1 <a@example.org>: Recipient address rejected: User unknown"},
			550, "5.1.1", "<a@example.org>: Recipient address rejected: User unknown", CmdRcpt, false, false, false},
		{"451 at MAIL", realserver.SinkOptions{SoftReject: []string{"MAIL"}, SoftReply: "451 4.3.0 Error: queue file write error"},
			451, "4.3.0", "Error: queue file write error", CmdMail, true, false, false},
		{"450 at RCPT", realserver.SinkOptions{SoftReject: []string{"RCPT"}},
			450, "4.3.0", "Error: command failed", CmdRcpt, true, true, false},
		{"421 at MAIL", realserver.SinkOptions{Close421: []string{"MAIL"}},
			421, "4.0.0", "Server closing connection", CmdMail, true, true, false},
		{"hang-up after the end of data", realserver.SinkOptions{Disconnect: []string{"."}},
			0, "", "", CmdEnd, true, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := realserver.StartSMTPSink(t, tt.opts)
			p := New(Options{Account: testAccount(sink.Host, sink.Port, 2, config.Rate{N: 20, Per: time.Second}, 0)})
			defer p.Close()
			err := p.Send(timeout(t, 30*time.Second), "herald@example.org", "a@example.org", message("a", 1))
			e := wantError(t, err)
			if e.Code != tt.code || e.Enhanced != tt.enhanced || e.Text != tt.text || e.Command != tt.cmd ||
				e.Temporary != tt.temporary || e.Uncertain != tt.uncertain {
				t.Errorf("error %+v\nwant %d %s %q at %s, temporary %v, uncertain %v", e, tt.code, tt.enhanced, tt.text, tt.cmd, tt.temporary, tt.uncertain)
			}
			if slowed := p.Rate() < 20; slowed != tt.slowed {
				t.Errorf("Rate() = %v: slowed %v, want %v", p.Rate(), slowed, tt.slowed)
			}
		})
	}
}

// TestSinkRateSanity only checks that a 20/s pool is not faster than 20/s
// plus its burst; the exact rate is BucketRateIsSharedBySessions's job.
func TestSinkRateSanity(t *testing.T) {
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})
	p := New(Options{Account: testAccount(sink.Host, sink.Port, 4, config.Rate{N: 20, Per: time.Second}, 0)})
	defer p.Close()
	start := time.Now()
	for i, err := range sendAll(timeout(t, time.Minute), p, 30, 8, func(i int) []byte { return message("x", i) }) {
		if err != nil {
			t.Fatalf("Send #%d = %v", i, err)
		}
	}
	if d, least := time.Since(start), 1200*time.Millisecond; d < least {
		t.Errorf("30 messages at 20/s with a burst of 4 took %v, want at least %v (1.3 s, less a margin)", d, least)
	}
}
