package realserver

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

const testMessage = "From: Ann <ann@example.org>\r\n" +
	"To: Bob <bob@example.org>\r\n" +
	"Subject: %s\r\n" +
	"Message-ID: <%s@example.org>\r\n" +
	"\r\n" +
	"Hello.\r\n"

// wait runs a go-imap Wait with a deadline: Wait blocks forever on a dead
// connection, so on timeout the client is closed and the test fails.
func wait[T any](t *testing.T, c *imapclient.Client, what string, f func() (T, error)) T {
	t.Helper()
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("%s = %v", what, r.err)
		}
		return r.v
	case <-timer.C:
		c.Close()
		t.Fatalf("%s: no answer after 10s", what)
		panic("unreachable")
	}
}

func dial(t *testing.T, d *Dovecot, opts *imapclient.Options) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(d.Addr, opts)
	if err != nil {
		t.Fatalf("DialInsecure(%s) = %v", d.Addr, err)
	}
	t.Cleanup(func() { c.Close() })
	wait(t, c, "Login().Wait()", func() (struct{}, error) {
		return struct{}{}, c.Login("alice", "s3cret").Wait()
	})
	return c
}

func appendMsg(t *testing.T, c *imapclient.Client, mailbox, subject string) *imap.AppendData {
	t.Helper()
	msg := strings.NewReplacer("%s", subject).Replace(testMessage)
	cmd := c.Append(mailbox, int64(len(msg)), nil)
	if _, err := cmd.Write([]byte(msg)); err != nil {
		t.Fatalf("Append.Write = %v", err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatalf("Append.Close = %v", err)
	}
	return wait(t, c, "Append().Wait()", cmd.Wait)
}

func TestDovecotIdleAppendMove(t *testing.T) {
	d := StartDovecot(t, map[string]string{"alice": "s3cret"})
	t.Logf("dovecot %s on %s", d.Version, d.Addr)

	exists := make(chan uint32, 16)
	watcher := dial(t, d, &imapclient.Options{
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			// Runs on the client's reader goroutine: hand off, never block.
			Mailbox: func(m *imapclient.UnilateralDataMailbox) {
				if m.NumMessages != nil {
					select {
					case exists <- *m.NumMessages:
					default:
					}
				}
			},
		},
	})
	caps := wait(t, watcher, "Capability().Wait()", watcher.Capability().Wait)
	for _, c := range []imap.Cap{imap.CapIdle, imap.CapMove, imap.CapUIDPlus} {
		if !caps.Has(c) {
			t.Errorf("server does not advertise %s: %v", c, caps)
		}
	}

	appendMsg(t, watcher, "INBOX", "first")
	sel := wait(t, watcher, "Select(INBOX).Wait()", watcher.Select("INBOX", nil).Wait)
	if sel.NumMessages != 1 {
		t.Fatalf("SELECT INBOX: %d messages, want 1", sel.NumMessages)
	}

	idle, err := watcher.Idle()
	if err != nil {
		t.Fatalf("Idle() = %v", err)
	}
	other := dial(t, d, nil)
	appendMsg(t, other, "INBOX", "second")

	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	for n := uint32(0); n != 2; {
		select {
		case n = <-exists:
			if n > 2 {
				t.Fatalf("EXISTS %d during IDLE, want 2", n)
			}
		case <-timer.C:
			t.Fatal("no EXISTS 2 during IDLE within 10s")
		}
	}
	if err := idle.Close(); err != nil {
		t.Fatalf("IdleCommand.Close() = %v", err)
	}
	wait(t, watcher, "IdleCommand.Wait()", func() (struct{}, error) { return struct{}{}, idle.Wait() })

	wait(t, watcher, "Create(Archive).Wait()", func() (struct{}, error) {
		return struct{}{}, watcher.Create("Archive", nil).Wait()
	})
	moved := wait(t, watcher, "Move(1, Archive).Wait()", watcher.Move(imap.SeqSetNum(1), "Archive").Wait)
	if moved.UIDValidity == 0 || len(moved.DestUIDs.String()) == 0 {
		t.Errorf("MOVE gave no COPYUID (UIDPLUS): %+v", moved)
	}
	st := wait(t, watcher, "Status(Archive).Wait()", watcher.Status("Archive", &imap.StatusOptions{NumMessages: true}).Wait)
	if st.NumMessages == nil || *st.NumMessages != 1 {
		t.Errorf("Archive holds %v messages after MOVE, want 1", st.NumMessages)
	}

	fetch := watcher.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{Envelope: true})
	msgs := wait(t, watcher, "Fetch(1).Collect()", fetch.Collect)
	if len(msgs) != 1 || msgs[0].Envelope == nil || msgs[0].Envelope.Subject != "second" {
		t.Errorf("INBOX after MOVE: %+v, want only \"second\"", msgs)
	}
	wait(t, watcher, "Logout().Wait()", func() (struct{}, error) { return struct{}{}, watcher.Logout().Wait() })
}

func TestDovecotRejectsWrongPassword(t *testing.T) {
	d := StartDovecot(t, map[string]string{"alice": "s3cret"})
	c, err := imapclient.DialInsecure(d.Addr, nil)
	if err != nil {
		t.Fatalf("DialInsecure = %v", err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- c.Login("alice", "wrong").Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		t.Fatal("Login().Wait(): no answer after 10s")
	}
	if err == nil {
		t.Fatal("Login with a wrong password succeeded")
	}
}
