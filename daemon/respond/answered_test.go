package respond

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/sandbox"
	"github.com/herald-mail/herald/daemon/service"
	"github.com/herald-mail/herald/daemon/store"
)

// TestAnsweredBySentReplyAndFlag: an enquiry is answered when a human
// reply shows up in the sent folder, or when its message carries
// \Answered; herald's own acknowledgement in Sent does not count.
func TestAnsweredBySentReplyAndFlag(t *testing.T) {
	f := newFixture(t)
	f.deliver(
		mail("amina@dakar.example", "decorte@un.org", "Question one"),
		mail("mayor@quito.example", "decorte@un.org", "Question two"),
		mail("press@example.org", "decorte@un.org", "Question three"),
	)
	ids := map[string]string{}
	f.st.Enquiries(context.Background(), store.EnquiryFilter{}, func(e *store.Enquiry) error {
		th, _ := f.st.Thread(context.Background(), e.ID)
		ids[e.Subject] = th[0].MessageID
		return nil
	})

	sb, err := sandbox.Start(context.Background(), sandbox.Options{Accounts: []sandbox.Account{{Name: account, Address: "decorte@un.org"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	host, port, _ := net.SplitHostPort(sb.IMAPAddr())
	acc := f.p.Account
	acc.IMAP = config.IMAP{Host: host, Security: "none", Auth: config.Auth{Username: "decorte@un.org", Password: sandbox.Password}}
	acc.IMAP.Port, _ = strconv.Atoi(port)
	acc.IMAP.Watch = []string{"INBOX"}
	acc.SMTP.SentFolder = "Sent"

	c, err := imapclient.DialInsecure(sb.IMAPAddr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("decorte@un.org", sandbox.Password).Wait(); err != nil {
		t.Fatalf("Login().Wait() = %v", err)
	}
	appendMsg := func(folder, raw string, flags ...imap.Flag) {
		t.Helper()
		c.Create(folder, nil).Wait() // may exist already
		raw = strings.ReplaceAll(raw, "\n", "\r\n")
		cmd := c.Append(folder, int64(len(raw)), &imap.AppendOptions{Flags: flags})
		cmd.Write([]byte(raw))
		cmd.Close()
		if _, err := cmd.Wait(); err != nil {
			t.Fatalf("Append(%s).Wait() = %v", folder, err)
		}
	}
	// A human reply to question one, and herald's own ack of question two.
	appendMsg("Sent", "From: decorte@un.org\nTo: amina@dakar.example\nSubject: Re: Question one\nIn-Reply-To: <"+ids["Question one"]+">\nMessage-ID: <human@un.org>\n\nDear Amina,\n")
	appendMsg("Sent", "From: decorte@un.org\nTo: mayor@quito.example\nSubject: [GCCM-0002] Re: Question two\nAuto-Submitted: auto-replied\nIn-Reply-To: <"+ids["Question two"]+">\nMessage-ID: <ack@un.org>\n\nThank you\n")
	// Question three, filed, then answered from a mail client.
	appendMsg("Triage/General", "From: press@example.org\nTo: decorte@un.org\nSubject: Question three\nMessage-ID: <"+ids["Question three"]+">\n\nHello\n", imap.FlagAnswered)

	a := &Answered{Config: f.p.Config, Account: acc, Store: f.st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Health: service.NewHealth(nil)}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.Scan(ctx); err != nil {
		t.Fatalf("Scan() = %v", err)
	}
	got := f.enquiries()
	for subj, want := range map[string]string{"Question one": "answered", "Question two": "open", "Question three": "answered"} {
		if got[subj].Status != want {
			t.Errorf("%s: status %s, want %s", subj, got[subj].Status, want)
		}
	}
}
