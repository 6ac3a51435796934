package realserver

import (
	"errors"
	"slices"
	"testing"
)

// A dump as smtp-sink 3.7 wrote it for a message sent by Python's smtplib.
const sampleDump = "X-Client-Addr: 127.0.0.1\n" +
	"X-Client-Proto: ESMTP\n" +
	"X-Helo-Args: [127.0.0.1]\n" +
	"X-Mail-Args: <a@x.org> BODY=8BITMIME\n" +
	"X-Rcpt-Args: <b@y.org> NOTIFY=NEVER\n" +
	"X-Rcpt-Args: <c@z.org> NOTIFY=NEVER\n" +
	"Received: from [127.0.0.1] ([127.0.0.1])\n" +
	"\tby smtp-sink (smtp-sink) with ESMTP id 6071d3d0;\n" +
	"\tSat, 28 Nov 2026 18:09:32 +0000 (UTC)\n" +
	"Subject: hi\n" +
	"\n" +
	".dot line\n" +
	"body\n" +
	"\n"

func TestParseDump(t *testing.T) {
	m, err := parseDump([]byte(sampleDump))
	if err != nil {
		t.Fatalf("parseDump = %v", err)
	}
	if m.From != "a@x.org" || m.MailArgs != "<a@x.org> BODY=8BITMIME" {
		t.Errorf("From %q MailArgs %q", m.From, m.MailArgs)
	}
	if !slices.Equal(m.To, []string{"b@y.org", "c@z.org"}) {
		t.Errorf("To = %q", m.To)
	}
	if m.Helo != "[127.0.0.1]" || m.ClientAddr != "127.0.0.1" {
		t.Errorf("Helo %q ClientAddr %q", m.Helo, m.ClientAddr)
	}
	if want := "Subject: hi\n\n.dot line\nbody\n"; string(m.Data) != want {
		t.Errorf("Data = %q, want %q", m.Data, want)
	}
}

func TestParseDumpNullSenderAndIncomplete(t *testing.T) {
	m, err := parseDump([]byte("X-Client-Addr: 127.0.0.1\nX-Client-Proto: SMTP\nX-Mail-Args: <>\n" +
		"X-Rcpt-Args: <d@y.org>\nReceived: from [127.0.0.1] ([127.0.0.1])\n\tby h (smtp-sink) with SMTP id 1;\n\tdate\n\n"))
	if err != nil || m.From != "" || len(m.Data) != 0 {
		t.Errorf("null sender, empty data: %+v, %v", m, err)
	}
	_, err = parseDump([]byte("X-Client-Addr: 127.0.0.1\nX-Client-Proto: ESMTP\nX-Mail-Args: <a@x.org>\n"))
	if !errors.Is(err, errIncomplete) {
		t.Errorf("no DATA yet: err = %v, want errIncomplete", err)
	}
}

func TestPathAddr(t *testing.T) {
	for in, want := range map[string]string{
		"<a@x.org>":              "a@x.org",
		"<a@x.org> SIZE=10":      "a@x.org",
		"<>":                     "",
		"a@x.org":                "a@x.org",
		`<"a b"@x.org> SMTPUTF8`: `"a b"@x.org`,
	} {
		if got := pathAddr(in); got != want {
			t.Errorf("pathAddr(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseDump(f *testing.F) {
	f.Add([]byte(sampleDump))
	f.Add([]byte("Received: x\n\ta\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseDump(data)
		if err == nil && len(m.Data) > len(data) {
			t.Fatalf("data longer than input")
		}
	})
}
