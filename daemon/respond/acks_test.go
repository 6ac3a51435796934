package respond

import (
	"context"
	"io"
	"log/slog"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/metrics"
	"github.com/herald-mail/herald/daemon/sandbox"
	"github.com/herald-mail/herald/daemon/sender"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/templates"
	"github.com/herald-mail/herald/daemon/triage"
)

// TestAcksSendAckAndForward sends the queued acknowledgement and forward
// through the sandbox and checks the RFC 3834 headers, the enquiry's new
// status, and the copy in the sent folder. A message without From is
// acknowledged to its return path.
func TestAcksSendAckAndForward(t *testing.T) {
	f := newFixture(t)
	f.deliver(
		mail("amina@dakar.example", "decorte@un.org", "Visa letter", "References: <older@dakar.example>"),
		mail("journalist@reuters.com", "decorte@un.org", "Interview request"),
		"Return-Path: <webform@cities.example>\nTo: decorte@un.org\nSubject: Form question\nMessage-ID: <form-1@cities.example>\n\nA question.\n",
	)
	var mu sync.Mutex
	captured := map[string][]byte{}
	sb, err := sandbox.Start(context.Background(), sandbox.Options{
		Accounts: []sandbox.Account{{Name: account, Address: "decorte@un.org"}},
		Capture: func(_ context.Context, m sandbox.Captured) error {
			mu.Lock()
			defer mu.Unlock()
			captured[m.To[0]] = m.Raw
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	acc := f.p.Account
	acc.FromName = "UN-Habitat focal point"
	ih, ip, _ := net.SplitHostPort(sb.IMAPAddr())
	sh, sp, _ := net.SplitHostPort(sb.SMTPAddr())
	auth := config.Auth{Username: "decorte@un.org", Password: sandbox.Password}
	acc.IMAP = config.IMAP{Host: ih, Security: "none", Auth: auth}
	acc.IMAP.Port, _ = strconv.Atoi(ip)
	acc.SMTP = config.SMTP{Host: sh, Security: "none", Auth: auth, SentFolder: "Sent/herald"}
	acc.SMTP.Port, _ = strconv.Atoi(sp)
	tmpl, err := templates.Load("../../templates")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pool := sender.New(sender.Options{Account: *acc, Log: log})
	defer pool.Close()
	s := NewAcks(f.p.Config, acc, f.st, tmpl, pool, log, metrics.New("test"))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.round(ctx); err != nil {
		t.Fatalf("round() = %v", err)
	}
	if n := len(f.actions("ack")) + len(f.actions("forward")); n != 0 {
		t.Errorf("pending sends after a round = %d", n)
	}

	ack, err := netmail.ReadMessage(strings.NewReader(string(captured["amina@dakar.example"])))
	if err != nil {
		t.Fatalf("ack not captured: %v (captured %d)", err, len(captured))
	}
	h := ack.Header
	orig := f.enquiries()["Visa letter"]
	th, _ := f.st.Thread(ctx, orig.ID)
	for name, want := range map[string]string{
		"Auto-Submitted":           "auto-replied",
		"X-Auto-Response-Suppress": "All",
		triage.LoopHeader:          "decorte@un.org",
		"In-Reply-To":              "<" + th[0].MessageID + ">",
		"References":               "<older@dakar.example> <" + th[0].MessageID + ">",
		"Subject":                  "[" + orig.Ref + "] Re: Visa letter",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("ack %s = %q, want %q", name, got, want)
		}
	}
	if orig.Status != "acknowledged" || orig.AcknowledgedAt.IsZero() || orig.ThreadSize != 2 {
		t.Errorf("enquiry after ack = %+v", orig)
	}
	// The thread keeps the acknowledgement's text and template for the
	// enquiry's page.
	if tt, err := f.st.ThreadText(ctx, orig.ID); err != nil || len(tt) != 2 || tt[1].Direction != "out" ||
		!strings.Contains(tt[1].Text, orig.Ref) || !strings.HasPrefix(tt[1].Detail, "template ") {
		t.Errorf("thread after ack = %+v, %v", tt, err)
	}
	fw, err := netmail.ReadMessage(strings.NewReader(string(captured["press@example.org"])))
	if err != nil {
		t.Fatalf("forward not captured: %v", err)
	}
	body, _ := io.ReadAll(fw.Body)
	if !strings.Contains(string(body), "message/rfc822") || !strings.Contains(string(body), "Subject: Interview request") {
		t.Errorf("forward does not carry the original as message/rfc822:\n%s", body)
	}
	if form, err := netmail.ReadMessage(strings.NewReader(string(captured["webform@cities.example"]))); err != nil {
		t.Errorf("no ack to the return path of a message without From: %v", err)
	} else if got := form.Header.Get("To"); got != "<webform@cities.example>" {
		t.Errorf("ack to a message without From: To = %q, want its return path", got)
	}
	if e := f.enquiries()["Form question"]; e == nil || e.From != triage.NoSender || e.Status != "acknowledged" {
		t.Errorf("enquiry without From = %+v, want from %q and acknowledged", e, triage.NoSender)
	}
	if n := sentCopies(t, sb.IMAPAddr(), "Sent/herald"); n != 2 {
		t.Errorf("copies in the sent folder = %d, want 2 (the acks, not the forward)", n)
	}
	var got store.Enquiry = *f.enquiries()["Interview request"]
	if got.Status != "open" || got.AckSuppressed != triage.ReasonRuleOff {
		t.Errorf("press enquiry = %+v", got)
	}
}

func sentCopies(t *testing.T, addr, folder string) uint32 {
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("decorte@un.org", sandbox.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	st, err := c.Status(folder, &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil {
		t.Fatalf("Status(%s) = %v", folder, err)
	}
	return *st.NumMessages
}
