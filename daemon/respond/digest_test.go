package respond

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/sandbox"
	"github.com/herald-mail/herald/daemon/sender"
	"github.com/herald-mail/herald/daemon/templates"
)

// TestDigestListsUnansweredEnquiries sends the digest through the sandbox
// SMTP server and reads what the account received.
func TestDigestListsUnansweredEnquiries(t *testing.T) {
	f := newFixture(t)
	f.deliver(mail("amina@dakar.example", "decorte@un.org", "Old question"))
	f.clock = f.clock.Add(72 * time.Hour)
	f.deliver(mail("mayor@quito.example", "decorte@un.org", "Fresh question"))

	var mu sync.Mutex
	var got [][]byte
	sb, err := sandbox.Start(context.Background(), sandbox.Options{
		Accounts: []sandbox.Account{{Name: "other", Address: "other@example.org"}},
		Capture: func(_ context.Context, m sandbox.Captured) error {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, m.Raw)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	host, port, _ := net.SplitHostPort(sb.SMTPAddr())
	acc := f.p.Account
	acc.FromName = "UN-Habitat focal point"
	acc.SMTP = config.SMTP{Host: host, Security: "none"}
	acc.SMTP.Port, _ = strconv.Atoi(port)
	tmpl, err := templates.Load("../../templates")
	if err != nil {
		t.Fatal(err)
	}
	cfg := f.p.Config
	cfg.Triage.Digest = config.Digest{Cron: "0 8 * * *", OlderThan: 48 * time.Hour, Template: "digest"}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pool := sender.New(sender.Options{Account: *acc, Log: log})
	defer pool.Close()
	d := &Digest{Config: cfg, Account: acc, Store: f.st, Templates: tmpl, SMTP: pool, Log: log}
	n, err := d.Send(context.Background(), f.clock.Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("Send() = %d, %v; want 1 enquiry", n, err)
	}
	if len(got) != 1 {
		t.Fatalf("messages sent = %d, want 1", len(got))
	}
	msg := string(got[0])
	for _, want := range []string{"GCCM-0001", "Old question", "Auto-Submitted: auto-generated", "To: <decorte@un.org>"} {
		if !strings.Contains(msg, want) {
			t.Errorf("digest lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "Fresh question") {
		t.Errorf("digest lists an enquiry younger than older_than:\n%s", msg)
	}
	// Delivered back into its own INBOX, herald leaves it there.
	f.deliver(strings.ReplaceAll(msg, "\r\n", "\n"))
	if moves := f.actions("move"); len(moves) != 2 {
		t.Errorf("moves = %d, want 2 (the two enquiries, not the digest)", len(moves))
	}
}
