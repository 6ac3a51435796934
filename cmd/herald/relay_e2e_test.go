package main

// Sending through the organisation's relay (docs/GOING-LIVE.md §4.1): the
// daemon sends a wave to a real Postfix, which relays it to smtp-sink,
// refuses one recipient at RCPT, and bounces another that the next hop
// refuses after Postfix took it; its DSN reaches the account's mailbox
// through dovecot-lda, and herald reads it there.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/realserver"
	"github.com/herald-mail/herald/daemon/triage"
)

// recorder forwards TCP connections to target and keeps what each client
// sent, so a test can compare the bytes herald wrote with what came out of
// the relay.
type recorder struct {
	ln     net.Listener
	target string
	port   int
	mu     sync.Mutex
	sent   []*lockedBuffer // client bytes, one buffer per connection
}

func startRecorder(t *testing.T, target string) *recorder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{ln: ln, target: target, port: ln.Addr().(*net.TCPAddr).Port}
	var wg sync.WaitGroup
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				r.forward(c)
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return r
}

func (r *recorder) forward(c net.Conn) {
	defer c.Close()
	up, err := net.Dial("tcp", r.target)
	if err != nil {
		return
	}
	defer up.Close()
	buf := &lockedBuffer{}
	r.mu.Lock()
	r.sent = append(r.sent, buf)
	r.mu.Unlock()
	done := make(chan struct{})
	go func() {
		io.Copy(c, up)
		c.Close()
		close(done)
	}()
	io.Copy(io.MultiWriter(up, buf), c)
	up.Close()
	<-done
}

// lockedBuffer is one connection's client bytes, read while it may grow.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// connections returns how many connections the client opened.
func (r *recorder) connections() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sent)
}

// clientBytes returns everything the clients sent, connection after connection.
func (r *recorder) clientBytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	var all bytes.Buffer
	for _, b := range r.sent {
		b.mu.Lock()
		all.Write(b.b.Bytes())
		b.mu.Unlock()
	}
	return all.Bytes()
}

// relayAnswer is Postfix's answer to a recipient its access map refuses,
// and mxAnswer the next hop's to one it does not know.
const (
	relayAnswer = "this address has left the organisation"
	mxAnswer    = "550 5.1.1 Recipient address rejected: User unknown in local recipient table"
)

// TestWaveThroughPostfixRelay: 300 invitations sent by the daemon through
// four sessions to a real Postfix, which relays them to smtp-sink. Every
// contact Postfix takes gets exactly one message, byte for byte as herald
// wrote it under Postfix's Received header (what DKIM signs is unchanged);
// the recipient Postfix refuses at RCPT is failed with Postfix's reply;
// the one the next hop refuses after Postfix took it is sent for herald,
// then Postfix's own DSN reaches the account's INBOX through dovecot-lda,
// and the running daemon files it and marks the contact bounced.
func TestWaveThroughPostfixRelay(t *testing.T) {
	t.Parallel()
	start := time.Now()
	const user, pass = "decorte@un.org", "Habitat2017"
	dv := realserver.StartDovecot(t, map[string]string{user: pass})
	lda, err := realserver.LDA()
	if err != nil {
		t.Fatalf("dovecot-lda (Debian's dovecot-core) not found: %v", err)
	}
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})
	mx := realserver.StartSMTPSink(t, realserver.SinkOptions{HardReject: []string{"RCPT"}, HardReply: mxAnswer})
	contacts := waveContacts(300)
	refused, gone := contacts[10], contacts[20]
	pf := realserver.StartPostfix(t, realserver.PostfixOptions{
		Relayhost: sink.Addr,
		Main: map[string]string{
			"smtpd_recipient_restrictions": "check_recipient_access texthash:$config_directory/recipients, permit_mynetworks, reject_unauth_destination",
			// gone's own MX, and the account's domain to its mailbox.
			"transport_maps": "texthash:$config_directory/transport",
			// dovecot-lda takes one recipient per run (-d).
			"dovecot_destination_recipient_limit": "1",
		},
		// dovecot-lda runs as the mail user, who cannot open Dovecot's log:
		// it logs to stderr, which pipe(8) puts in the maillog on failure.
		Master: []string{"dovecot unix - n n - - pipe flags=DRhu user=dovecot:dovecot argv=" + lda +
			" -c " + dv.ConfigFile() + " -o log_path=/dev/stderr -o info_log_path=/dev/stderr -d ${recipient}"},
		Files: map[string]string{
			"recipients": refused.Email + " REJECT " + relayAnswer + "\n",
			"transport":  gone.Email + " smtp:[127.0.0.1]:" + strconv.Itoa(mx.Port) + "\nun.org dovecot:\n",
		},
	})
	rec := startRecorder(t, pf.Addr)
	dir := t.TempDir()
	// A one-shot wave whose time has passed runs when the daemon starts
	// (docs/BEHAVIOUR.md §8.1).
	cfg := writeWaveConfig(t, dir, waveConfig{SMTPPort: rec.port, IMAPPort: dv.Port, Connections: 4, Rate: "500/s",
		Waves: `  - name: invitation
    account: habitat
    list: invitees
    template: invitation
    at: 2017-09-01T09:00:00+02:00
    attach_ics: true`})
	importContacts(t, cfg, contacts)

	h := startLiveHerald(t, "herald run", cfg)
	var goneAfter rpContact
	state := ibxWait(t, 40*time.Second, "wave done and the bounce read", func() (bool, string) {
		s := waveList(t, cfg, "invitation")
		rpJSON(t, &goneAfter, "--config", cfg, "contacts", "show", gone.Email, "--json")
		return s.State == "done" && goneAfter.Bounced, fmt.Sprintf("wave %s; %s bounced %v", s.counts(), gone.Email, goneAfter.Bounced)
	})
	h.stop(t)
	t.Logf("%v after the start: %s; herald opened %d connections to Postfix", time.Since(start).Round(time.Millisecond), state, rec.connections())

	relayCheckWave(t, cfg, len(contacts), refused.Email)
	relayCheckSink(t, sink, rec, contacts, func(email string) bool { return email != refused.Email && email != gone.Email })
	if got, err := mx.Messages(); err != nil || len(got) != 0 {
		t.Errorf("gone's MX holds %d messages (%v), want none: it refuses at RCPT", len(got), err)
	}
	relayCheckBounce(t, dv, pf, gone, goneAfter)

	// Nothing was deferred or is left behind in Postfix's queue.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := pf.WaitQueueEmpty(ctx); err != nil {
		t.Error(err)
	}
	log := pf.Log()
	if want := "NOQUEUE: reject: RCPT from localhost[127.0.0.1]: 554 5.7.1 <" + refused.Email + ">: Recipient address rejected: " + relayAnswer; !strings.Contains(log, want) {
		t.Errorf("Postfix's maillog lacks %q", want)
	}
	if n := strings.Count(log, "status=deferred"); n > 0 {
		t.Errorf("Postfix deferred %d deliveries", n)
	}
}

// relayCheckWave: the wave is done; the one recipient Postfix refused at
// RCPT failed with Postfix's reply, and everyone else counts as sent,
// the one Postfix bounced later included.
func relayCheckWave(t *testing.T, cfg string, n int, refused string) {
	t.Helper()
	s := waveShow(t, cfg, "invitation")
	if s.State != "done" || s.Planned != n || s.Sent != n-1 || s.Failed != 1 || s.Pending+s.Skipped+s.Uncertain != 0 {
		t.Errorf("waves show --json: %s; want done, %d sent, 1 failed", s.counts(), n-1)
	}
	if len(s.LastErrors) != 1 {
		t.Fatalf("waves show --json last_errors %+v, want %s alone", s.LastErrors, refused)
	}
	e := s.LastErrors[0]
	if e.Email != refused || e.State != "failed" || !strings.Contains(e.Reason, "554 5.7.1") || !strings.Contains(e.Reason, relayAnswer) {
		t.Errorf("last_errors %+v: want %s failed with Postfix's 554 5.7.1 … %s", e, refused, relayAnswer)
	}
}

// relayCheckSink: each contact should() names has exactly one message at
// the sink, right for it and byte for byte what herald sent Postfix.
func relayCheckSink(t *testing.T, sink *realserver.Sink, rec *recorder, contacts []waveContact, should func(string) bool) {
	t.Helper()
	checkSinkOnce(t, sink, contacts, should)
	msgs, err := sink.Messages()
	if err != nil {
		t.Fatal(err)
	}
	by := perRecipient(t, msgs)
	subjects := shippedSubjects(t, "invitation", "Global Conference on Cities and Migrants")
	sent := rec.clientBytes()
	var bad []string
	want := 0
	for _, c := range contacts {
		if !should(c.Email) || len(by[c.Email]) != 1 {
			continue
		}
		want++
		m := by[c.Email][0]
		if err := checkInvitation(m, c, subjects); err != nil {
			bad = append(bad, fmt.Sprintf("%s: %v", c.Email, err))
		} else if err := relayedAsSent(m.Data, sent); err != nil {
			bad = append(bad, fmt.Sprintf("%s: %v", c.Email, err))
		}
	}
	if len(msgs) != want {
		t.Errorf("the sink holds %d messages, want the %d invitations alone", len(msgs), want)
	}
	if len(bad) > 0 {
		t.Errorf("%d of %d relayed invitations are wrong; first ones:\n%s", len(bad), want, strings.Join(bad[:min(len(bad), 5)], "\n"))
	}
}

// relayedAsSent checks that data, a message as smtp-sink dumped it (LF line
// ends), is Postfix's Received header (RFC 5321 §4.4) on top of bytes that
// herald sent in a DATA command, unchanged: no header rewritten, refolded
// or added, no body re-encoded.
func relayedAsSent(data, sent []byte) error {
	if !bytes.HasPrefix(data, []byte("Received: from ")) {
		return fmt.Errorf("does not start with Postfix's Received header:\n%.300s", data)
	}
	rest, received := data, 0
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			return fmt.Errorf("no header after Received")
		}
		if received > 0 && rest[0] != ' ' && rest[0] != '\t' {
			break
		}
		received += i + 1
		rest = rest[i+1:]
	}
	if !bytes.Contains(data[:received], []byte("by relay.test (Postfix)")) {
		return fmt.Errorf("first Received is not Postfix's: %q", data[:received])
	}
	wire := bytes.ReplaceAll(rest, []byte("\n"), []byte("\r\n"))
	wire = bytes.ReplaceAll(wire, []byte("\r\n."), []byte("\r\n..")) // RFC 5321 §4.5.2
	if bytes.HasPrefix(wire, []byte(".")) {
		wire = append([]byte("."), wire...)
	}
	if !bytes.Contains(sent, append(append([]byte("DATA\r\n"), wire...), ".\r\n"...)) {
		id := ""
		if m, err := (realserver.DumpedMessage{Data: rest}).Message(); err == nil {
			id = m.Header.Get("Message-Id")
		}
		return fmt.Errorf("the message %s under Postfix's Received is not what herald sent Postfix", id)
	}
	return nil
}

// relayCheckBounce: Postfix bounced gone after its MX refused it, its DSN
// went through dovecot-lda into the INBOX, and herald filed it in
// Triage/Bounces and marked the contact bounced (docs/BEHAVIOUR.md §6.4).
func relayCheckBounce(t *testing.T, dv *realserver.Dovecot, pf *realserver.Postfix, gone waveContact, c rpContact) {
	t.Helper()
	if c.Status != "bounced" || !c.Bounced || c.Bounces != 1 {
		t.Errorf("contacts show %s: status %q bounced %v bounces %d, want bounced once", gone.Email, c.Status, c.Bounced, c.Bounces)
	}
	kinds := []string{}
	for _, r := range c.Received {
		kinds = append(kinds, r.Kind)
	}
	if len(kinds) != 1 || kinds[0] != "bounce" {
		t.Errorf("contacts show %s: received %v, want the bounce alone", gone.Email, kinds)
	}
	log := pf.Log()
	for _, want := range []string{
		"to=<" + gone.Email + ">, relay=127.0.0.1[127.0.0.1]:",
		"status=bounced (host 127.0.0.1[127.0.0.1] said: " + mxAnswer + " (in reply to RCPT TO command))",
		"sender non-delivery notification",
		"to=<decorte@un.org>, relay=dovecot",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("Postfix's maillog lacks %q", want)
		}
	}
	admin := dvLogin(t, dv.Addr, "decorte@un.org", "Habitat2017")
	msgs, counts, err := dvReadAll(admin)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].Folder != triage.FolderBounces {
		t.Fatalf("the mailbox holds %v, want Postfix's DSN alone, in %s", counts, triage.FolderBounces)
	}
	raw := string(msgs[0].Raw)
	for _, want := range []string{"Delivered-To: decorte@un.org", "From: Mail Delivery System <MAILER-DAEMON@relay.test>",
		"report-type=delivery-status", "Final-Recipient: rfc822; " + gone.Email, "Status: 5.1.1"} {
		if !strings.Contains(raw, want) {
			t.Errorf("the DSN in %s lacks %q:\n%s", triage.FolderBounces, want, raw)
		}
	}
}
