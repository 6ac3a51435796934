package sender

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
)

// blockingFake holds the answer to "." for slow@example.org until the test
// ends; entered receives when it starts holding.
func blockingFake(t *testing.T) (*fakeServer, <-chan struct{}) {
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	f := startFake(t, func(ev fakeEvent) error {
		if ev.Cmd == "." && ev.To == "slow@example.org" {
			entered <- struct{}{}
			<-release
		}
		return nil
	})
	t.Cleanup(func() { close(release) })
	return f, entered
}

func TestContextEndsWaitForToken(t *testing.T) {
	f := startFake(t, nil)
	p := New(Options{Account: f.Account(1, config.Rate{N: 1, Per: time.Hour}, 0)})
	defer p.Close()
	if err := p.Send(timeout(t, 30*time.Second), "herald@example.org", "a@example.org", message("a", 1)); err != nil {
		t.Fatalf("first Send = %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := p.Send(ctx, "herald@example.org", "b@example.org", message("b", 2)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Send waiting an hour for a token = %v, want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Send took %v to notice its context ended", d)
	}
	// Close ends a wait too.
	errc := make(chan error)
	go func() { errc <- p.Send(context.Background(), "herald@example.org", "c@example.org", message("c", 3)) }()
	p.Close()
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Errorf("Send waiting during Close = %v, want ErrClosed", err)
	}
}

func TestContextEndsWaitForSession(t *testing.T) {
	f, entered := blockingFake(t)
	p := New(Options{Account: f.Account(1, fast, 0)})
	errc := make(chan error, 1)
	go func() {
		errc <- p.Send(timeout(t, 30*time.Second), "herald@example.org", "slow@example.org", message("slow", 1))
	}()
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if err := p.Send(ctx, "herald@example.org", "b@example.org", message("b", 2)); !errors.Is(err, context.Canceled) {
		t.Errorf("Send waiting for the only session = %v, want Canceled", err)
	}
}

func TestContextEndsTransactionUncertain(t *testing.T) {
	f, entered := blockingFake(t)
	st := openStore(t)
	p := New(Options{Account: f.Account(1, fast, 5), Store: st})
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-entered; cancel() }()
	err := p.Send(ctx, "herald@example.org", "slow@example.org", message("slow", 1))
	e := wantError(t, err)
	if !e.Uncertain || !errors.Is(err, context.Canceled) {
		t.Errorf("Send cancelled while waiting for the answer to \".\" = %+v, want Uncertain and Canceled", e)
	}
	if n, _ := st.SendCount(context.Background(), "test", time.Now().UTC().Format(time.DateOnly)); n != 1 {
		t.Errorf("daily count = %d, want 1", n)
	}
	// Cancelled before anything was sent: uncounted.
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if err := p.Send(ctx2, "herald@example.org", "b@example.org", message("b", 2)); !errors.Is(err, context.Canceled) {
		t.Errorf("Send with a cancelled context = %v", err)
	}
	if n, _ := st.SendCount(context.Background(), "test", time.Now().UTC().Format(time.DateOnly)); n != 1 {
		t.Errorf("daily count = %d after a cancelled Send, want 1", n)
	}
}
