package sender

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
)

// sendAll sends n messages to rcpt000@… from workers goroutines and
// returns the errors.
func sendAll(ctx context.Context, p *Pool, n, workers int, raw func(i int) []byte) []error {
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				to := fmt.Sprintf("rcpt%03d@example.org", i)
				errs[i] = p.Send(ctx, "herald@example.org", to, raw(i))
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return errs
}

func TestSessionsReusedAndQuit(t *testing.T) {
	f := startFake(t, nil)
	p := New(Options{Account: f.Account(4, fast, 0)})
	ctx := timeout(t, time.Minute)
	for i, err := range sendAll(ctx, p, 200, 8, func(i int) []byte { return message("x", i) }) {
		if err != nil {
			t.Fatalf("Send #%d = %v", i, err)
		}
	}
	sessions, _, msgs := f.stats()
	if sessions > 4 {
		t.Errorf("server saw %d sessions for 4 connections", sessions)
	}
	seen := map[string]int{}
	for _, m := range msgs {
		seen[m.To]++
	}
	if len(msgs) != 200 || len(seen) != 200 {
		t.Errorf("server got %d messages for %d recipients, want 200 each once", len(msgs), len(seen))
	}
	if err := p.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	eventually(t, "every session to end", func() bool { _, open, _ := f.stats(); return open == 0 })
	if err := p.Send(ctx, "herald@example.org", "late@example.org", message("x", 0)); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after Close = %v, want ErrClosed", err)
	}
}

// TestAnswers checks how each kind of refusal comes back and whether it
// slows the account; after each, the same session must serve the next
// message (which needs the RSET: go-smtp refuses a nested MAIL).
func TestAnswers(t *testing.T) {
	tests := []struct {
		name          string
		cmd           string
		answer        *gosmtp.SMTPError
		temporary     bool
		slowed        bool
		newSession    bool
		enhanced, txt string
	}{
		{"unknown user", "RCPT", &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "No such user here"},
			false, false, false, "5.1.1", "No such user here"},
		{"rejected content", ".", &gosmtp.SMTPError{Code: 554, EnhancedCode: gosmtp.EnhancedCode{5, 7, 1}, Message: "Message refused"},
			false, false, false, "5.7.1", "Message refused"},
		{"local problem", "MAIL", &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 3, 0}, Message: "Local error in processing"},
			true, false, false, "4.3.0", "Local error in processing"},
		{"mailbox busy 450", "RCPT", &gosmtp.SMTPError{Code: 450, EnhancedCode: gosmtp.EnhancedCode{4, 2, 0}, Message: "Mailbox busy"},
			true, true, false, "4.2.0", "Mailbox busy"},
		{"policy 451 4.7.0", "MAIL", &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 7, 0}, Message: "Sending rate exceeded"},
			true, true, false, "4.7.0", "Sending rate exceeded"},
		{"421 closing", "MAIL", &gosmtp.SMTPError{Code: 421, EnhancedCode: gosmtp.EnhancedCode{4, 7, 0}, Message: "Try again later, closing connection"},
			true, true, true, "4.7.0", "Try again later, closing connection"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := startFake(t, func(ev fakeEvent) error {
				// MAIL events carry no recipient: the first one is the bad message's.
				bad := ev.Mails == 1 || ev.To == "bad@example.org"
				if ev.Cmd == tt.cmd && bad {
					return tt.answer
				}
				return nil
			})
			p := New(Options{Account: f.Account(1, config.Rate{N: 20, Per: time.Second}, 0)})
			defer p.Close()
			ctx := timeout(t, 30*time.Second)
			e := wantError(t, p.Send(ctx, "herald@example.org", "bad@example.org", message("bad@example.org", 1)))
			if e.Code != tt.answer.Code || e.Enhanced != tt.enhanced || e.Text != tt.txt || e.Temporary != tt.temporary ||
				e.Command != tt.cmd || e.Uncertain {
				t.Errorf("error %+v, want %d %s %q temporary %v at %s", e, tt.answer.Code, tt.enhanced, tt.txt, tt.temporary, tt.cmd)
			}
			if want := fmt.Sprintf("smtp %s: %d %s %s", tt.cmd, tt.answer.Code, tt.enhanced, tt.txt); e.Error() != want {
				t.Errorf("Error() = %q, want %q", e.Error(), want)
			}
			if slowed := p.Rate() < 20; slowed != tt.slowed {
				t.Errorf("after %d: Rate() = %v, slowed %v, want %v", tt.answer.Code, p.Rate(), slowed, tt.slowed)
			} else if slowed && p.Rate() != 10 {
				t.Errorf("Rate() = %v after one slow-down, want 10 (half of 20)", p.Rate())
			}
			if err := p.Send(ctx, "herald@example.org", "good@example.org", message("good@example.org", 2)); err != nil {
				t.Fatalf("next Send = %v", err)
			}
			sessions, _, msgs := f.stats()
			if want := map[bool]int{false: 1, true: 2}[tt.newSession]; sessions != want {
				t.Errorf("sessions = %d, want %d", sessions, want)
			}
			if len(msgs) != 1 || msgs[0].To != "good@example.org" {
				t.Errorf("server got %+v, want only the good message", msgs)
			}
		})
	}
}

func TestIdleTimeoutRedialsWithoutSlowing(t *testing.T) {
	f := startFake(t, nil, func(s *gosmtp.Server) { s.ReadTimeout = 300 * time.Millisecond })
	p := New(Options{Account: f.Account(1, fast, 0)})
	defer p.Close()
	ctx := timeout(t, 30*time.Second)
	if err := p.Send(ctx, "herald@example.org", "a@example.org", message("a", 1)); err != nil {
		t.Fatalf("first Send = %v", err)
	}
	// go-smtp answers "421 4.4.2 Idle timeout" and hangs up.
	eventually(t, "the server to time out the session", func() bool { _, open, _ := f.stats(); return open == 0 })
	if err := p.Send(ctx, "herald@example.org", "b@example.org", message("b", 2)); err != nil {
		t.Fatalf("Send after the idle timeout = %v", err)
	}
	if sessions, _, msgs := f.stats(); sessions != 2 || len(msgs) != 2 {
		t.Errorf("sessions %d, messages %d; want 2 and 2", sessions, len(msgs))
	}
	if p.Rate() != float64(fast.N) {
		t.Errorf("Rate() = %v after an idle timeout, want %d", p.Rate(), fast.N)
	}
}

func TestDroppedBeforeEndRedialsAndContinues(t *testing.T) {
	f := startFake(t, func(ev fakeEvent) error {
		if ev.Cmd == "MAIL" && ev.Mails == 3 {
			return errDrop
		}
		if ev.Cmd == "RCPT" && ev.To == "rcpt005@example.org" && ev.Session == 2 {
			return errDrop
		}
		return nil
	})
	p := New(Options{Account: f.Account(1, fast, 0)})
	defer p.Close()
	for i, err := range sendAll(timeout(t, 30*time.Second), p, 8, 1, func(i int) []byte { return message("x", i) }) {
		if err != nil {
			t.Errorf("Send #%d = %v", i, err)
		}
	}
	sessions, _, msgs := f.stats()
	if sessions != 3 || len(msgs) != 8 {
		t.Errorf("sessions %d, messages %d; want 3 and 8", sessions, len(msgs))
	}
}

func TestDroppedTwiceGivesUp(t *testing.T) {
	f := startFake(t, func(ev fakeEvent) error {
		if ev.Cmd == "MAIL" {
			return errDrop
		}
		return nil
	})
	p := New(Options{Account: f.Account(1, fast, 0)})
	defer p.Close()
	e := wantError(t, p.Send(timeout(t, 30*time.Second), "herald@example.org", "a@example.org", message("a", 1)))
	if e.Code != 0 || !e.Temporary || e.Uncertain || e.Command != CmdMail {
		t.Errorf("error %+v, want a temporary network error at MAIL", e)
	}
	if sessions, _, _ := f.stats(); sessions != 2 {
		t.Errorf("sessions = %d, want 2 (one re-dial)", sessions)
	}
}

func TestDroppedAfterEndIsUncertain(t *testing.T) {
	f := startFake(t, func(ev fakeEvent) error {
		if ev.Cmd == "." && ev.Session == 1 {
			return errDrop
		}
		return nil
	})
	st := openStore(t)
	p := New(Options{Account: f.Account(1, fast, 10), Store: st})
	defer p.Close()
	ctx := timeout(t, 30*time.Second)
	e := wantError(t, p.Send(ctx, "herald@example.org", "a@example.org", message("a", 1)))
	if !e.Uncertain || !e.Temporary || e.Code != 0 || e.Command != CmdEnd || !strings.Contains(e.Error(), "may have accepted") {
		t.Errorf("error %+v (%q), want Uncertain at the end of data", e, e)
	}
	// The fake server files the message on its own goroutine, which may
	// run after the client saw the connection drop: wait for it.
	deadline := time.Now().Add(5 * time.Second)
	_, _, msgs := f.stats()
	for len(msgs) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		_, _, msgs = f.stats()
	}
	if len(msgs) != 1 {
		t.Errorf("server got %d copies, want 1: an uncertain message is never resent", len(msgs))
	}
	if n, _ := st.SendCount(ctx, "test", time.Now().UTC().Format(time.DateOnly)); n != 1 {
		t.Errorf("daily count = %d, want 1: an uncertain message stays counted", n)
	}
	// The pool carries on with a new session.
	if err := p.Send(ctx, "herald@example.org", "b@example.org", message("b", 2)); err != nil {
		t.Errorf("next Send = %v", err)
	}
}

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestDailyCapSurvivesRestart(t *testing.T) {
	f := startFake(t, func(ev fakeEvent) error {
		if ev.Cmd == "RCPT" && strings.HasPrefix(ev.To, "bad") {
			return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
		}
		return nil
	})
	st := openStore(t)
	loc := time.FixedZone("UTC+14", 14*3600) // a day other than UTC's for part of it
	opts := Options{Account: f.Account(2, fast, 3), Store: st, Location: loc}
	p := New(opts)
	ctx := timeout(t, 30*time.Second)
	for i, to := range []string{"a@example.org", "bad@example.org", "b@example.org", "c@example.org"} {
		err := p.Send(ctx, "herald@example.org", to, message(to, i))
		if (err != nil) != strings.HasPrefix(to, "bad") {
			t.Fatalf("Send to %s = %v", to, err)
		}
	}
	err := p.Send(ctx, "herald@example.org", "d@example.org", message("d", 9))
	if !errors.Is(err, ErrDailyCap) || !strings.Contains(err.Error(), "daily cap of 3") {
		t.Errorf("fourth accepted Send = %v, want ErrDailyCap", err)
	}
	p.Close()

	p2 := New(opts)
	defer p2.Close()
	if err := p2.Send(ctx, "herald@example.org", "d@example.org", message("d", 9)); !errors.Is(err, ErrDailyCap) {
		t.Errorf("Send on a new pool = %v, want ErrDailyCap", err)
	}
	if n, err := st.SendCount(ctx, "test", time.Now().In(loc).Format(time.DateOnly)); n != 3 || err != nil {
		t.Errorf("count for today in %s = %d, %v; want 3", loc, n, err)
	}
	if _, _, msgs := f.stats(); len(msgs) != 3 {
		t.Errorf("server got %d messages, want 3", len(msgs))
	}
}

func TestDialFailure(t *testing.T) {
	p := New(Options{Account: testAccount("127.0.0.1", 1, 1, fast, 0)})
	defer p.Close()
	e := wantError(t, p.Send(timeout(t, 30*time.Second), "herald@example.org", "a@example.org", message("a", 1)))
	if e.Command != CmdConnect || !e.Temporary || e.Code != 0 {
		t.Errorf("error %+v, want a temporary connect failure", e)
	}
}

func TestInvalidAddress(t *testing.T) {
	p := New(Options{Account: testAccount("127.0.0.1", 1, 1, fast, 0)})
	defer p.Close()
	e := wantError(t, p.Send(context.Background(), "herald@example.org", "a@example.org>\r\nRSET", nil))
	if e.Temporary || e.Command != CmdRcpt {
		t.Errorf("error %+v, want a permanent RCPT error", e)
	}
}
