package sender

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/herald-mail/herald/daemon/config"
)

const from = "herald@example.org"

// chain sends a message to each of tos over st, each one's content in
// the same exchange as the next one's envelope, as a wave's session does,
// and returns each message's envelope error (begins) and verdict (ends).
func chain(ctx context.Context, st *Stream, tos ...string) (begins, ends []error) {
	begins, ends = make([]error, len(tos)), make([]error, len(tos))
	open := -1
	for i := 0; i <= len(tos); i++ {
		to := ""
		if i < len(tos) {
			to = tos[i]
		}
		var next error
		switch {
		case open >= 0:
			ends[open], next = st.End(ctx, message(tos[open], open), from, to)
		case to != "":
			next = st.Begin(ctx, from, to)
		}
		if to == "" {
			break
		}
		begins[i], open = next, -1
		if next == nil {
			open = i
		}
	}
	return begins, ends
}

// wireProxy forwards connections to target and keeps what clients wrote,
// so that a test can wait for bytes the server has not read yet.
type wireProxy struct {
	port int
	mu   sync.Mutex
	cond sync.Cond
	sent bytes.Buffer
}

func startWireProxy(t testing.TB, target string) *wireProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w := &wireProxy{port: l.Addr().(*net.TCPAddr).Port}
	w.cond.L = &w.mu
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				s, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer s.Close()
				go func() { io.Copy(s, io.TeeReader(c, w)); s.Close() }()
				io.Copy(c, s)
			})
		}
	})
	return w
}

func (w *wireProxy) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sent.Write(b)
	w.cond.Broadcast()
	return len(b), nil
}

// waitFor waits until a client wrote s, or the test's patience ends.
func (w *wireProxy) waitFor(s string) bool {
	stop := time.AfterFunc(10*time.Second, func() { w.mu.Lock(); w.cond.Broadcast(); w.mu.Unlock() })
	defer stop.Stop()
	deadline := time.Now().Add(10 * time.Second)
	w.mu.Lock()
	defer w.mu.Unlock()
	for !bytes.Contains(w.sent.Bytes(), []byte(s)) {
		if time.Now().After(deadline) {
			return false
		}
		w.cond.Wait()
	}
	return true
}

// TestStreamPipelinesAcrossMessages: the server holds its answer to each
// message's end of data until the client has written the next message's
// RCPT, which a client that waits for the answer (two round trips per
// message) never does.
func TestStreamPipelinesAcrossMessages(t *testing.T) {
	var proxy *wireProxy
	tos := []string{"a@example.org", "b@example.org", "c@example.org", "d@example.org"}
	f := startFake(t, func(ev fakeEvent) error {
		for i, to := range tos[:len(tos)-1] {
			if ev.Cmd == "." && ev.To == to && !proxy.waitFor("RCPT TO:<"+tos[i+1]+">") {
				return &gosmtp.SMTPError{Code: 451, Message: "the next envelope did not come before this answer"}
			}
		}
		return nil
	})
	proxy = startWireProxy(t, fmt.Sprintf("%s:%d", f.Host, f.Port))
	p := New(Options{Account: testAccount(f.Host, proxy.port, 1, fast, 0)})
	defer p.Close()
	ctx := timeout(t, 60*time.Second)
	st, err := p.Stream(ctx)
	if err != nil {
		t.Fatalf("Stream() = %v", err)
	}
	begins, ends := chain(ctx, st, tos...)
	st.Close()
	for i := range tos {
		if begins[i] != nil || ends[i] != nil {
			t.Errorf("message %d: Begin %v, End %v", i, begins[i], ends[i])
		}
	}
	sessions, _, msgs := f.stats()
	if sessions != 1 || len(msgs) != len(tos) {
		t.Fatalf("sessions %d, messages %d; want 1 and %d", sessions, len(msgs), len(tos))
	}
	for i, m := range msgs {
		if m.To != tos[i] || !bytes.Equal(m.Data, message(tos[i], i)) {
			t.Errorf("message %d to %s: %q, want %q to %s", i, m.To, m.Data, message(tos[i], i), tos[i])
		}
	}
}

// TestStreamAnswers: the answers about the second of three messages,
// which arrive with the first one's verdict or the third one's envelope.
func TestStreamAnswers(t *testing.T) {
	const a, b, c = "a@example.org", "b@example.org", "c@example.org"
	tests := []struct {
		name     string
		cmd      string // the command of b answered with answer
		answer   error
		begin    *Error // b's envelope error
		end      *Error // b's verdict
		sessions int
		got      []string // the messages the server has
	}{
		{"next RCPT refused", "RCPT", &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "No such user"},
			&Error{Code: 550, Command: CmdRcpt}, nil, 1, []string{a, c}},
		{"next RCPT deferred", "RCPT", &gosmtp.SMTPError{Code: 450, EnhancedCode: gosmtp.EnhancedCode{4, 2, 0}, Message: "Mailbox busy"},
			&Error{Code: 450, Command: CmdRcpt, Temporary: true}, nil, 1, []string{a, c}},
		{"next MAIL refused", "MAIL", &gosmtp.SMTPError{Code: 553, EnhancedCode: gosmtp.EnhancedCode{5, 7, 1}, Message: "Sender refused"},
			&Error{Code: 553, Command: CmdMail}, nil, 1, []string{a, c}},
		{"421 at next RCPT", "RCPT", &gosmtp.SMTPError{Code: 421, EnhancedCode: gosmtp.EnhancedCode{4, 7, 0}, Message: "Closing"},
			&Error{Code: 421, Command: CmdRcpt, Temporary: true}, nil, 2, []string{a, c}},
		{"end of data refused", ".", &gosmtp.SMTPError{Code: 554, EnhancedCode: gosmtp.EnhancedCode{5, 7, 1}, Message: "Message refused"},
			nil, &Error{Code: 554, Command: CmdEnd}, 1, []string{a, c}},
		{"end of data deferred", ".", &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 3, 0}, Message: "Try later"},
			nil, &Error{Code: 451, Command: CmdEnd, Temporary: true}, 1, []string{a, c}},
		{"answer to end of data lost", ".", errDrop,
			nil, &Error{Command: CmdEnd, Temporary: true, Uncertain: true}, 2, []string{a, b, c}},
		{"next MAIL lost", "MAIL", errDrop, nil, nil, 2, []string{a, b, c}},
		{"next RCPT lost twice", "RCPT", errDrop, &Error{Command: CmdRcpt, Temporary: true}, nil, 3, []string{a, c}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := startFake(t, func(ev fakeEvent) error {
				// MAIL events carry no recipient: the second is b's.
				if ev.Cmd == tt.cmd && (ev.To == b || ev.Cmd == "MAIL" && ev.Mails == 2) {
					return tt.answer
				}
				return nil
			})
			st := openStore(t)
			p := New(Options{Account: f.Account(1, fast, 100), Store: st})
			defer p.Close()
			ctx := timeout(t, 60*time.Second)
			s, err := p.Stream(ctx)
			if err != nil {
				t.Fatalf("Stream() = %v", err)
			}
			begins, ends := chain(ctx, s, a, b, c)
			s.Close()
			for i, want := range []struct{ begin, end *Error }{{}, {tt.begin, tt.end}, {}} {
				checkError(t, fmt.Sprintf("message %d Begin", i), begins[i], want.begin)
				checkError(t, fmt.Sprintf("message %d End", i), ends[i], want.end)
			}
			// The fake files a message whose answer it dropped on its own
			// goroutine: wait for it.
			eventually(t, "the messages", func() bool { _, _, msgs := f.stats(); return len(msgs) >= len(tt.got) })
			sessions, _, msgs := f.stats()
			var got []string
			for _, m := range msgs {
				got = append(got, m.To)
			}
			// A message whose answer was dropped is filed when the fake's
			// goroutine gets to it, maybe after the next one.
			slices.Sort(got)
			if sessions != tt.sessions || fmt.Sprint(got) != fmt.Sprint(tt.got) {
				t.Errorf("sessions %d, messages to %v; want %d and %v", sessions, got, tt.sessions, tt.got)
			}
			// Counted: what the server took or may have taken.
			if n, _ := st.SendCount(ctx, "test", time.Now().UTC().Format(time.DateOnly)); n != len(tt.got) {
				t.Errorf("daily count = %d, want %d", n, len(tt.got))
			}
		})
	}
}

// checkError compares err with want on the fields a caller acts on.
func checkError(t *testing.T, what string, err error, want *Error) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Errorf("%s = %v, want nil", what, err)
		}
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("%s = %v (%T), want %+v", what, err, err, want)
		return
	}
	if e.Code != want.Code || e.Command != want.Command || e.Temporary != want.Temporary || e.Uncertain != want.Uncertain {
		t.Errorf("%s = %+v, want code %d at %s, temporary %v, uncertain %v", what, e, want.Code, want.Command, want.Temporary, want.Uncertain)
	}
}

// TestStreamAbort: an envelope for a message that does not go delivers
// nothing, and the next message goes on a new session.
func TestStreamAbort(t *testing.T) {
	f := startFake(t, nil)
	st := openStore(t)
	p := New(Options{Account: f.Account(1, fast, 100), Store: st})
	defer p.Close()
	ctx := timeout(t, 60*time.Second)
	s := beginStream(t, ctx, p, "dropped@example.org")
	s.Abort()
	if _, ends := chain(ctx, s, "kept@example.org"); ends[0] != nil {
		t.Errorf("End after Abort = %v", ends[0])
	}
	s.Close()
	sessions, _, msgs := f.stats()
	if sessions != 2 || len(msgs) != 1 || msgs[0].To != "kept@example.org" {
		t.Errorf("sessions %d, messages %+v; want 2 and only kept@", sessions, msgs)
	}
	if n, _ := st.SendCount(ctx, "test", time.Now().UTC().Format(time.DateOnly)); n != 1 {
		t.Errorf("daily count = %d, want 1", n)
	}
}

// TestStreamHandsOverToWaitingSend: a Send waiting for the session gets
// it between two messages of a stream.
func TestStreamHandsOverToWaitingSend(t *testing.T) {
	f := startFake(t, nil)
	p := New(Options{Account: f.Account(1, fast, 0)})
	defer p.Close()
	ctx := timeout(t, 60*time.Second)
	s := beginStream(t, ctx, p, "a@example.org")
	sent := make(chan error, 1)
	go func() { sent <- p.Send(ctx, from, "ack@example.org", message("ack@example.org", 9)) }()
	eventually(t, "Send to wait for the session", func() bool { return p.waiting.Load() == 1 })
	end, next := s.End(ctx, message("a@example.org", 0), from, "b@example.org")
	if end != nil || next != nil {
		t.Fatalf("End = %v, %v", end, next)
	}
	if err := <-sent; err != nil {
		t.Errorf("Send = %v", err)
	}
	if end, _ := s.End(ctx, message("b@example.org", 1), "", ""); end != nil {
		t.Errorf("End = %v", end)
	}
	s.Close()
	_, _, msgs := f.stats()
	var got []string
	for _, m := range msgs {
		got = append(got, m.To)
	}
	if fmt.Sprint(got) != "[a@example.org ack@example.org b@example.org]" {
		t.Errorf("messages to %v, want a, ack, b", got)
	}
}

// TestStreamSendsContentBeforeWaitingForToken: without a rate token at
// hand, the open message is not held in DATA while the next one waits.
func TestStreamSendsContentBeforeWaitingForToken(t *testing.T) {
	f := startFake(t, nil)
	ctx := timeout(t, 60*time.Second)
	short, cancel := context.WithCancel(ctx)
	var verdicts int
	p := New(Options{Account: f.Account(1, config.Rate{N: 1, Per: time.Hour}, 0), OnSend: func(_ time.Duration, err error) {
		// The first message's verdict is in: the stream waits for a token.
		if verdicts++; err == nil {
			cancel()
		}
	}})
	defer p.Close()
	s := beginStream(t, ctx, p, "a@example.org")
	defer s.Close()
	end, next := s.End(short, message("a@example.org", 0), from, "b@example.org")
	if end != nil || !errors.Is(next, context.Canceled) || verdicts != 1 {
		t.Errorf("End = %v, %v after %d verdicts; want nil, the wait for a token cancelled, 1", end, next, verdicts)
	}
	if _, _, msgs := f.stats(); len(msgs) != 1 {
		t.Errorf("server got %d messages, want 1", len(msgs))
	}
}

// TestStreamExchangeLeavesOutTheWaitForAToken: Exchange is the finished
// message's time at the server, not End's, which here also waits for the
// next message's rate token until a timer started after the verdict
// stops it.
func TestStreamExchangeLeavesOutTheWaitForAToken(t *testing.T) {
	f := startFake(t, nil)
	ctx := timeout(t, 60*time.Second)
	short, cancel := context.WithCancel(ctx)
	defer cancel()
	const wait = 300 * time.Millisecond
	p := New(Options{Account: f.Account(1, config.Rate{N: 1, Per: time.Hour}, 0), OnSend: func(time.Duration, error) {
		time.AfterFunc(wait, cancel)
	}})
	defer p.Close()
	s := beginStream(t, ctx, p, "a@example.org")
	defer s.Close()
	start := time.Now()
	end, _ := s.End(short, message("a@example.org", 0), from, "b@example.org")
	took := time.Since(start)
	if end != nil {
		t.Fatalf("End = %v", end)
	}
	if x := s.Exchange(); x <= 0 || x >= took || took < wait {
		t.Errorf("Exchange() = %v for an End of %v that waited %v for a token", x, took, wait)
	}
}

// TestStreamDailyCap: the next message past the cap is refused, the open
// one is sent.
func TestStreamDailyCap(t *testing.T) {
	f := startFake(t, nil)
	p := New(Options{Account: f.Account(1, fast, 1)})
	defer p.Close()
	ctx := timeout(t, 60*time.Second)
	s, err := p.Stream(ctx)
	if err != nil {
		t.Fatalf("Stream() = %v", err)
	}
	defer s.Close()
	begins, ends := chain(ctx, s, "a@example.org", "b@example.org")
	if begins[0] != nil || ends[0] != nil || !errors.Is(begins[1], ErrDailyCap) {
		t.Errorf("Begin %v, End %v, next Begin %v; want nil, nil, ErrDailyCap", begins[0], ends[0], begins[1])
	}
}

// TestStreamContextEnds: a stream interrupted while the server holds its
// answer to the end of data reports the message uncertain, and the next
// one not started.
func TestStreamContextEnds(t *testing.T) {
	f, entered := blockingFake(t)
	p := New(Options{Account: f.Account(1, fast, 0)})
	defer p.Close()
	ctx, cancel := context.WithCancel(timeout(t, 60*time.Second))
	s := beginStream(t, ctx, p, "slow@example.org")
	defer s.Close()
	go func() { <-entered; cancel() }()
	end, next := s.End(ctx, message("slow@example.org", 0), from, "b@example.org")
	if e := wantError(t, end); !e.Uncertain || !errors.Is(e, context.Canceled) {
		t.Errorf("End = %+v, want uncertain and cancelled", e)
	}
	if next == nil || !errors.Is(next, context.Canceled) {
		t.Errorf("next = %v, want cancelled", next)
	}
}

// TestStreamEndAfterContextEnded: nothing more goes out once ctx ended;
// the open message is dropped and uncounted.
func TestStreamEndAfterContextEnded(t *testing.T) {
	f := startFake(t, nil)
	st := openStore(t)
	p := New(Options{Account: f.Account(1, fast, 100), Store: st})
	defer p.Close()
	ctx, cancel := context.WithCancel(timeout(t, 60*time.Second))
	s := beginStream(t, ctx, p, "a@example.org")
	defer s.Close()
	cancel()
	end, next := s.End(ctx, message("a@example.org", 0), from, "b@example.org")
	if !errors.Is(end, context.Canceled) || !errors.Is(next, context.Canceled) {
		t.Errorf("End = %v, %v; want both cancelled", end, next)
	}
	if _, _, msgs := f.stats(); len(msgs) != 0 {
		t.Errorf("server got %d messages, want 0", len(msgs))
	}
	if n, _ := st.SendCount(context.Background(), "test", time.Now().UTC().Format(time.DateOnly)); n != 0 {
		t.Errorf("daily count = %d, want 0", n)
	}
}

// beginStream takes a stream of p and begins a message to to on it; the
// caller closes it.
func beginStream(t *testing.T, ctx context.Context, p *Pool, to string) *Stream {
	t.Helper()
	s, err := p.Stream(ctx)
	if err != nil {
		t.Fatalf("Stream() = %v", err)
	}
	if err := s.Begin(ctx, from, to); err != nil {
		t.Fatalf("Begin = %v", err)
	}
	return s
}
