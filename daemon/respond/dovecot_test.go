package respond

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/mailconn"
	"github.com/herald-mail/herald/daemon/metrics"
	"github.com/herald-mail/herald/daemon/realserver"
	"github.com/herald-mail/herald/daemon/sender"
	"github.com/herald-mail/herald/daemon/service"
	"github.com/herald-mail/herald/daemon/templates"
)

// TestDovecotAcksSentCopiesAndAnsweredScan runs both IMAP sides of
// respond against real Dovecot, the acknowledgements going through
// smtp-sink: the copies are APPENDed to a sent folder that does not exist
// yet (created on the first refusal, RFC 3501 §6.3.11), and the answered
// scan then finds the human reply among them and a message flagged
// \Answered in a triage folder, and takes herald's own copies for what
// they are.
func TestDovecotAcksSentCopiesAndAnsweredScan(t *testing.T) {
	dv := realserver.StartDovecot(t, map[string]string{"decorte": "s3cret"})
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})
	f := newFixture(t)
	f.deliver(
		mail("amina@dakar.example", "decorte@un.org", "Question one"),
		mail("mayor@quito.example", "decorte@un.org", "Question two"),
		mail("carla@example.es", "decorte@un.org", "Question three"),
	)
	const sent = "Sent/herald"
	acc := f.p.Account
	acc.IMAP = config.IMAP{Host: dv.Host, Port: dv.Port, Security: "none",
		Auth: config.Auth{Username: "decorte", Password: "s3cret"}, Watch: []string{"INBOX"}}
	acc.SMTP = config.SMTP{Host: sink.Host, Port: sink.Port, Security: "none", SentFolder: sent}
	tmpl, err := templates.Load("../../templates")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pool := sender.New(sender.Options{Account: *acc, Log: log})
	defer pool.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := NewAcks(f.p.Config, acc, f.st, tmpl, pool, log, metrics.New("test")).round(ctx); err != nil {
		t.Fatalf("round() = %v", err)
	}
	if got, err := sink.WaitMessages(ctx, 3); err != nil || len(got) != 3 {
		t.Fatalf("smtp-sink received %d acknowledgements (%v), want 3", len(got), err)
	}
	c, err := mailconn.DialIMAP(ctx, acc.IMAP, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if n := countMessages(t, c, sent); n != 3 {
		t.Fatalf("%s holds %d copies, want the 3 acknowledgements", sent, n)
	}

	ids := map[string]string{}
	for subj, e := range f.enquiries() {
		th, err := f.st.Thread(ctx, e.ID)
		if err != nil || len(th) == 0 {
			t.Fatalf("Thread(%s) = %v, %v", subj, th, err)
		}
		ids[subj] = th[0].MessageID
	}
	// A person answers question one from their mail client, which files
	// the reply in the sent folder; question three is answered in place,
	// its copy in Triage/General flagged \Answered.
	appendTo(t, c, sent, "From: decorte@un.org\nTo: amina@dakar.example\nSubject: Re: Question one\nIn-Reply-To: <"+ids["Question one"]+">\nMessage-ID: <human@un.org>\n\nDear Amina,\n")
	must(t, "CREATE", func() (struct{}, error) { return struct{}{}, c.Create("Triage/General", nil).Wait() })
	appendTo(t, c, "Triage/General", "From: carla@example.es\nTo: decorte@un.org\nSubject: Question three\nMessage-ID: <"+ids["Question three"]+">\n\nHola\n", imap.FlagAnswered)

	a := &Answered{Config: f.p.Config, Account: acc, Store: f.st, Log: log, Health: service.NewHealth(nil)}
	if err := a.Scan(ctx); err != nil {
		t.Fatalf("Scan() = %v", err)
	}
	got := f.enquiries()
	for subj, want := range map[string]string{"Question one": "answered", "Question two": "acknowledged", "Question three": "answered"} {
		if got[subj].Status != want {
			t.Errorf("%s: status %s, want %s", subj, got[subj].Status, want)
		}
	}
}

// must runs one IMAP command with a deadline and fails the test on error.
func must[T any](t *testing.T, what string, f func() (T, error)) T {
	t.Helper()
	done := make(chan struct{})
	var v T
	var err error
	go func() { defer close(done); v, err = f() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: no answer from the server", what)
	}
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func countMessages(t *testing.T, c *imapclient.Client, folder string) uint32 {
	t.Helper()
	st := must(t, "STATUS "+folder, func() (*imap.StatusData, error) {
		return c.Status(folder, &imap.StatusOptions{NumMessages: true}).Wait()
	})
	return *st.NumMessages
}

func appendTo(t *testing.T, c *imapclient.Client, folder, raw string, flags ...imap.Flag) {
	t.Helper()
	raw = strings.ReplaceAll(raw, "\n", "\r\n")
	must(t, "APPEND "+folder, func() (*imap.AppendData, error) {
		cmd := c.Append(folder, int64(len(raw)), &imap.AppendOptions{Flags: flags})
		if _, err := cmd.Write([]byte(raw)); err != nil {
			cmd.Close()
			return nil, err
		}
		if err := cmd.Close(); err != nil {
			return nil, err
		}
		return cmd.Wait()
	})
}
