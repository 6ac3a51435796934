package waves

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/sender"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/store/storetest"
)

// TestStreamKeepsOneRowSendingPerSession is TestGroupCommitKeepsOneRowSendingPerSession
// with refused envelopes. The account's pool pipelines each message's
// content with the next one's envelope: whenever a message's content has
// reached the server its row is 'sending', and no more rows are 'sending'
// than there are sessions. A refused envelope fails or defers its row,
// with the try counted, without it ever going out.
func TestStreamKeepsOneRowSendingPerSession(t *testing.T) {
	f := newFixture(t, 200, config.Wave{Name: "invitation"})
	conns := f.cfg.Accounts[0].SMTP.Connections
	var mu sync.Mutex
	var problems []string
	check := func(cmd, to string) error {
		sending, mine := storetest.Sending(t, f.st, to)
		mu.Lock()
		defer mu.Unlock()
		if sending > conns {
			problems = append(problems, fmt.Sprintf("%d rows sending at %s to %s, want at most %d", sending, cmd, to, conns))
		}
		if cmd == "." && mine != 1 {
			problems = append(problems, fmt.Sprintf("the message to %s reached the server but its row is not 'sending'", to))
		}
		switch {
		case cmd == "RCPT" && to == "Mayor7@City7.example":
			return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
		case cmd == "RCPT" && to == "Mayor8@City8.example":
			return &gosmtp.SMTPError{Code: 450, EnhancedCode: gosmtp.EnhancedCode{4, 2, 0}, Message: "Mailbox busy"}
		}
		return nil
	}
	f.fake.failWith(check)

	if err := f.run("invitation"); err != nil {
		t.Fatalf("RunWave() = %v", err)
	}
	if c := f.counts("invitation"); c.Sent != 198 || c.Failed != 1 || c.Pending != 1 || c.Uncertain != 0 {
		t.Errorf("counts = %+v, want 198 sent, 1 failed, 1 to retry", c)
	}
	byEmail := map[string]storetest.Delivery{}
	for _, d := range storetest.Deliveries(t, f.st, "invitation") {
		byEmail[d.Email] = d
	}
	for _, want := range []struct{ email, state, reason string }{
		{"Mayor7@City7.example", "failed", "550 5.1.1 No such user"},
		{"Mayor8@City8.example", "retry", "450 4.2.0 Mailbox busy"},
	} {
		d := byEmail[want.email]
		if d.State != want.state || !strings.Contains(d.Reason, want.reason) || d.Tries != 1 {
			t.Errorf("%s: %s (%q) after %d tries, want %s (%q) after 1", want.email, d.State, d.Reason, d.Tries, want.state, want.reason)
		}
	}
	for _, p := range problems[:min(len(problems), 10)] {
		t.Error(p)
	}
}

// TestClosedPoolLeavesRowsDue: a pool closed under a wave (the daemon
// stopping) ends the run without an error and without touching the rows
// it did not send: they stay due, no try counted, for the next process.
// Closed before the run, the pool lends no session; closed during it, it
// refuses the next envelope.
func TestClosedPoolLeavesRowsDue(t *testing.T) {
	for _, during := range []bool{false, true} {
		t.Run(fmt.Sprintf("during=%v", during), func(t *testing.T) {
			f := newFixture(t, 30, config.Wave{Name: "invitation"})
			pool := f.engine.Senders["habitat"].(*sender.Pool)
			if during {
				var once sync.Once
				f.fake.failWith(func(cmd, _ string) error {
					if cmd == "." {
						// Close waits for the sessions: it cannot finish
						// before this message's verdict.
						once.Do(func() { go pool.Close(); time.Sleep(100 * time.Millisecond) })
					}
					return nil
				})
			} else {
				pool.Close()
			}
			if err := f.run("invitation"); err != nil {
				t.Fatalf("RunWave() = %v", err)
			}
			c := f.counts("invitation")
			if c.Sent+c.Pending != 30 || c.Pending == 0 || c.Failed != 0 || c.Uncertain != 0 {
				t.Errorf("counts = %+v, want the rows not sent pending", c)
			}
			touched := 0
			for _, d := range storetest.Deliveries(t, f.st, "invitation") {
				if d.State != store.DeliverySent && (d.State != store.DeliveryPending || d.Tries != 0) {
					touched++
				}
			}
			if touched != 0 {
				t.Errorf("%d rows not sent were touched, want none", touched)
			}
			if sent, _ := f.fake.messages(); len(sent) != c.Sent {
				t.Errorf("the server got %d messages, the outbox says %d sent", len(sent), c.Sent)
			}
		})
	}
}
