package realserver

import (
	"context"
	"errors"
	"fmt"
	"net/smtp"
	"net/textproto"
	"strings"
	"testing"
	"time"
)

// TestPostfixRelays: a message Postfix accepts reaches the relayhost with
// Postfix's Received header on top of the client's bytes; a recipient
// refused by an access map gets the map's reply at RCPT; a recipient the
// next hop refuses after Postfix accepted it comes back as Postfix's DSN
// to the envelope sender.
func TestPostfixRelays(t *testing.T) {
	sink := StartSMTPSink(t, SinkOptions{})
	gone := StartSMTPSink(t, SinkOptions{HardReject: []string{"RCPT"}, HardReply: "550 5.1.1 Recipient address rejected: User unknown"})
	p := StartPostfix(t, PostfixOptions{
		Relayhost: sink.Addr,
		Main: map[string]string{
			"smtpd_recipient_restrictions": "check_recipient_access texthash:$config_directory/refuse, permit_mynetworks, reject_unauth_destination",
			"transport_maps":               "texthash:$config_directory/transport",
		},
		Files: map[string]string{
			"refuse":    "left@city.example REJECT no longer here\n",
			"transport": "gone.example smtp:[127.0.0.1]:" + strings.TrimPrefix(gone.Addr, "127.0.0.1:") + "\n",
		},
	})
	t.Logf("postfix %s on %s", p.Version, p.Addr)

	const body = "From: Ann <ann@example.org>\r\nTo: <%s>\r\nSubject: hello\r\nMessage-ID: <%s@example.org>\r\nDate: Mon, 7 Dec 2026 09:00:00 +0100\r\n\r\nHello.\r\n.dot\r\n"
	send := func(to, id string) error {
		c, err := smtp.Dial(p.Addr)
		if err != nil {
			return err
		}
		defer c.Close()
		if err := c.Hello("client.test"); err != nil {
			return err
		}
		if err := c.Mail("ann@example.org"); err != nil {
			return err
		}
		if err := c.Rcpt(to); err != nil {
			return err
		}
		w, err := c.Data()
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, body, to, id); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		return c.Quit()
	}
	if err := send("bob@city.example", "one"); err != nil {
		t.Fatalf("send to bob: %v", err)
	}
	var tpErr *textproto.Error
	if err := send("left@city.example", "two"); !errors.As(err, &tpErr) || tpErr.Code != 554 || !strings.Contains(tpErr.Msg, "no longer here") {
		t.Errorf("send to left@city.example = %v, want the access map's 554 … no longer here at RCPT", err)
	}
	if err := send("mayor@gone.example", "three"); err != nil {
		t.Fatalf("send to mayor@gone.example = %v, want accepted (the next hop refuses it later)", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	msgs, err := sink.WaitMessages(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.WaitQueueEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	var relayed, dsn int
	for _, m := range msgs {
		switch {
		case len(m.To) == 1 && m.To[0] == "bob@city.example":
			relayed++
			// smtp-sink drops CRs; Postfix undoes the dot-stuffing.
			want := strings.ReplaceAll(fmt.Sprintf(body, "bob@city.example", "one"), "\r\n", "\n")
			if !strings.HasPrefix(string(m.Data), "Received: from client.test") || !strings.HasSuffix(string(m.Data), want) {
				t.Errorf("relayed message:\n%s\nwant Postfix's Received, then:\n%s", m.Data, want)
			}
		case len(m.To) == 1 && m.To[0] == "ann@example.org" && m.From == "":
			dsn++
			for _, s := range []string{"report-type=delivery-status", "Final-Recipient: rfc822; mayor@gone.example", "Status: 5.1.1", "Message-ID: <three@example.org>"} {
				if !strings.Contains(string(m.Data), s) {
					t.Errorf("Postfix's DSN lacks %q:\n%s", s, m.Data)
				}
			}
		default:
			t.Errorf("unexpected message from <%s> to %v:\n%s", m.From, m.To, m.Data)
		}
	}
	if relayed != 1 || dsn != 1 {
		t.Errorf("the relayhost got %d relayed messages and %d DSNs, want 1 and 1", relayed, dsn)
	}
	p.Stop()
	if groupAlive(p.proc.cmd.Process.Pid) {
		t.Errorf("Postfix processes left after Stop")
	}
}

// TestPostfixDiesWithTest: when the test binary dies, the pipe to the
// guard closes and Postfix's whole process group goes with it. Closing
// the pipe without "stop" is what the kernel does at the test's death.
func TestPostfixDiesWithTest(t *testing.T) {
	sink := StartSMTPSink(t, SinkOptions{})
	p := StartPostfix(t, PostfixOptions{Relayhost: sink.Addr})
	pgid := p.proc.cmd.Process.Pid
	p.guard.Close()
	p.guard = nil
	deadline := time.Now().Add(5 * time.Second)
	for groupAlive(pgid) {
		if time.Now().After(deadline) {
			t.Fatalf("Postfix's process group %d still runs 5 s after its guard's pipe closed", pgid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
