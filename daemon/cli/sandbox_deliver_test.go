package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/herald-mail/herald/daemon/realserver"
	"github.com/herald-mail/herald/daemon/testconfig"
)

// injectConfig is a sandbox config whose SMTP address is smtpAddr (a real
// smtp-sink standing in for the running sandbox), with the account
// decorte@un.org and its alias gccm@un.org.
func injectConfig(t *testing.T, smtpAddr string) string {
	t.Helper()
	dir := t.TempDir()
	head := testconfig.Head("herald.db", testconfig.RepoTemplates(), true, "info")
	head = strings.Replace(head, "sandbox: true", "sandbox: {imap: 127.0.0.1:1, smtp: "+smtpAddr+"}", 1)
	return writeFile(t, filepath.Join(dir, "config.yaml"), head+`accounts:
  - name: habitat
    address: decorte@un.org
    aliases: [gccm@un.org]
`)
}

const visaEML = "From: Amina Diallo <amina.diallo@dakar.example>\r\n" +
	"To: Secretariat <gccm@un.org>, someone@else.example\r\n" +
	"Subject: Visa\r\nMessage-ID: <visa-1@dakar.example>\r\n\r\nBonjour.\r\n"

// TestInjectEMLTakesTo: --eml without --to delivers to the file's To
// addresses that are sandbox accounts, and to nobody else.
func TestInjectEMLTakesTo(t *testing.T) {
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})
	cfg := injectConfig(t, sink.Addr)
	eml := writeFile(t, filepath.Join(t.TempDir(), "visa.eml"), visaEML)
	code, out, errOut := herald(t, cfg, "sandbox", "inject", "--eml", eml)
	if code != ExitOK || !strings.Contains(out, "delivered to the INBOX of gccm@un.org <visa-1@dakar.example>") {
		t.Fatalf("inject --eml = exit %d\n%s%s", code, out, errOut)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	msgs, err := sink.WaitMessages(ctx, 1)
	if err != nil {
		t.Fatalf("WaitMessages() = %v", err)
	}
	if m := msgs[0]; m.From != "amina.diallo@dakar.example" || strings.Join(m.To, ",") != "gccm@un.org" {
		t.Errorf("envelope = %s -> %v, want amina.diallo@dakar.example -> [gccm@un.org]", m.From, m.To)
	}

	// A file whose To names no account says so and what to do.
	other := writeFile(t, filepath.Join(t.TempDir(), "other.eml"), strings.Replace(visaEML, "Secretariat <gccm@un.org>, ", "", 1))
	code, _, errOut = herald(t, cfg, "sandbox", "inject", "--eml", other)
	if code != ExitUsage || !strings.Contains(errOut, "no address of its To (someone@else.example) is a sandbox account: give --to") {
		t.Errorf("inject --eml with no account in To = exit %d, stderr:\n%s", code, errOut)
	}
}

// TestInjectRefusalInServerWords: a server that refuses the message is
// quoted, not taken for a daemon that stopped; a port nobody listens on is.
func TestInjectRefusalInServerWords(t *testing.T) {
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{
		HardReject: []string{"RCPT"}, HardReply: "550 5.7.1 Relaying denied for this test",
	})
	args := []string{"sandbox", "inject", "--from", "a@b.example", "--to", "decorte@un.org", "--subject", "s"}
	code, _, errOut := herald(t, injectConfig(t, sink.Addr), args...)
	if code != ExitFailure || !strings.Contains(errOut, "refused the message: 550 5.7.1 Relaying denied for this test") ||
		strings.Contains(errOut, "still running") {
		t.Errorf("inject to a refusing server = exit %d, stderr:\n%s", code, errOut)
	}

	sink.Stop()
	code, _, errOut = herald(t, injectConfig(t, sink.Addr), args...)
	if code != ExitFailure || !strings.Contains(errOut, "is 'herald run' still running?") {
		t.Errorf("inject with no server = exit %d, stderr:\n%s", code, errOut)
	}
}

// TestInjectBinaryNeverEchoed: a binary file given as --eml is refused
// and no byte of it reaches the terminal; nor does a header line the
// parser quotes back.
func TestInjectBinaryNeverEchoed(t *testing.T) {
	cfg := injectConfig(t, "127.0.0.1:1")
	dir := t.TempDir()
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x1b[2J\x07")
	bad := []byte("From: a@b.example\r\nTo: decorte@un.org\r\n\x1b[31m\xff\xfe garbage without colon\r\n\r\nbody\r\n")
	for name, content := range map[string][]byte{"image.png": png, "garbled.eml": bad} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := herald(t, cfg, "sandbox", "inject", "--eml", path)
		if code == ExitOK || !strings.Contains(errOut, name) {
			t.Errorf("inject --eml %s = exit %d, stderr:\n%q", name, code, errOut)
		}
		for _, r := range out + errOut {
			if r == unicode.ReplacementChar || (unicode.IsControl(r) && r != '\n' && r != '\t') {
				t.Errorf("inject --eml %s printed %U:\n%q", name, r, out+errOut)
				break
			}
		}
	}
}

func TestVisible(t *testing.T) {
	for in, want := range map[string]string{
		"Réponse: 550 \"no\"":  "Réponse: 550 \"no\"",
		"a\x1b[2Jb\r\n\xff":    `a\x1b[2Jb\r\n\xff`,
		strings.Repeat("é", 5): "éé…",
	} {
		max := 100
		if strings.HasPrefix(in, "é") {
			max = 2
		}
		if got := visible(in, max); got != want {
			t.Errorf("visible(%q, %d) = %q, want %q", in, max, got, want)
		}
	}
}
