package sender

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/compose"
	"github.com/herald-mail/herald/daemon/realserver"
	"github.com/herald-mail/herald/daemon/templates"
)

// TestSinkInternationalAddresses: Postfix's smtp-sink does not offer
// SMTPUTF8, as many servers do not. An invitation and an acknowledgement
// to an address at mairie-évry.fr reach it with the A-label in RCPT TO
// and in a 7-bit header, MAIL without SMTPUTF8; one to a non-ASCII local
// part never reaches it and fails with the reason.
func TestSinkInternationalAddresses(t *testing.T) {
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})
	p := New(Options{Account: testAccount(sink.Host, sink.Port, 1, fast, 0)})
	defer p.Close()
	ctx := timeout(t, time.Minute)
	const to = "Maire@Mairie-Évry.fr"
	wave, err := compose.Wave(compose.WaveInput{
		From: from, FromName: "Secrétariat", To: to, ToName: "Mairie d'Évry",
		MessageID: "<wave.1@example.org>", Unsubscribe: compose.UnsubscribeToken([]byte("k"), "a", "l", 1),
		Rendered: &templates.Rendered{Name: "invitation", Lang: "fr", Subject: "Invitation", Text: "Madame la Maire,\n"},
	})
	if err != nil {
		t.Fatalf("Wave() = %v", err)
	}
	ack, err := compose.AutoReply(compose.AutoReplyInput{
		From: from, To: to, MessageID: "<ack.1@example.org>", LoopHeader: "X-Herald-Loop", LoopValue: from,
		Rendered: &templates.Rendered{Name: "ack", Lang: "fr", Subject: "Accusé de réception", Text: "Merci.\n"},
	})
	if err != nil {
		t.Fatalf("AutoReply() = %v", err)
	}
	for _, raw := range [][]byte{wave, ack} {
		if err := p.Send(ctx, from, to, raw); err != nil {
			t.Fatalf("Send(%s) = %v", to, err)
		}
	}
	st, err := p.Stream(ctx)
	if err != nil {
		t.Fatalf("Stream() = %v", err)
	}
	begins, ends := chain(ctx, st, "zoë@mairie-évry.fr", "b@example.org")
	st.Close()
	checkNoUTF8(t, "Stream to zoë@mairie-évry.fr", begins[0])
	if begins[1] != nil || ends[1] != nil {
		t.Errorf("the message after it: Begin = %v, End = %v", begins[1], ends[1])
	}
	checkNoUTF8(t, "Send to zoë@mairie-évry.fr", p.Send(ctx, from, "zoë@mairie-évry.fr", message("zoë", 9)))

	msgs, err := sink.WaitMessages(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 3 {
		t.Fatalf("smtp-sink has %d messages, want 3", len(msgs))
	}
	idn := 0
	for i, m := range msgs {
		if len(m.To) == 1 && m.To[0] == "b@example.org" {
			continue
		}
		idn++
		if len(m.To) != 1 || m.To[0] != "Maire@xn--mairie-vry-h7a.fr" || strings.Contains(m.MailArgs, "SMTPUTF8") {
			t.Errorf("message %d: MAIL %q RCPT %q; want RCPT the A-label, no SMTPUTF8", i, m.MailArgs, m.RcptArgs)
		}
		header, _, _ := bytes.Cut(m.Data, []byte("\n\n"))
		if bytes.ContainsFunc(header, func(r rune) bool { return r >= 0x80 }) {
			t.Errorf("message %d: header is not 7-bit:\n%s", i, header)
		}
		if !bytes.Contains(header, []byte("<Maire@xn--mairie-vry-h7a.fr>")) {
			t.Errorf("message %d: To without the A-label:\n%s", i, header)
		}
	}
	if idn != 2 {
		t.Errorf("%d messages to the international domain, want 2 (invitation and acknowledgement)", idn)
	}
}
