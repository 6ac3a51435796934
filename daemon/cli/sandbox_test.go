package cli

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/mail"
	"strings"
	"testing"
)

// TestInjectMessage: the message 'sandbox inject' composes from its flags
// reads back as a mail client would show it.
func TestInjectMessage(t *testing.T) {
	f := injectFlags{from: "Amina Diallo <amina.diallo@dakar.example>", to: "decorte@un.org",
		subject: "Demande de lettre d'invitation pour le visa – délégation", bodyFile: "-",
		inReplyTo: "inv-1@un.org"}
	raw, err := f.message(strings.NewReader("Madame, Monsieur,\nmerci.\n"))
	if err != nil {
		t.Fatalf("message() = %v", err)
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("ReadMessage() = %v\n%s", err, raw)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil || subject != f.subject {
		t.Errorf("Subject = %q, %v", subject, err)
	}
	for k, want := range map[string]string{
		"From": `"Amina Diallo" <amina.diallo@dakar.example>`, "To": "<decorte@un.org>",
		"In-Reply-To": "<inv-1@un.org>", "References": "<inv-1@un.org>",
		"Content-Type": "text/plain; charset=utf-8", "Content-Transfer-Encoding": "quoted-printable",
	} {
		if got := m.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if id := m.Header.Get("Message-Id"); !strings.HasSuffix(id, "@dakar.example>") {
		t.Errorf("Message-ID = %q, want one of the sender's domain", id)
	}
	if _, err := m.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if b, _ := io.ReadAll(m.Body); string(b) != "Madame, Monsieur,\r\nmerci.\r\n" {
		t.Errorf("body = %q", b)
	}
}

func TestInjectMessageRefuses(t *testing.T) {
	for _, f := range []injectFlags{
		{from: "not an address", to: "decorte@un.org", subject: "s"},
		{from: "a@b.example", to: "decorte@un.org", subject: "s", inReplyTo: "no id"},
	} {
		_, err := f.message(strings.NewReader(""))
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("message(%+v) = %v, want a usage error", f, err)
		}
	}
}
