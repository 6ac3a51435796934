package realserver

import (
	"context"
	"errors"
	"io"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wneessen/go-mail"
)

func sinkClient(t *testing.T, s *Sink) *mail.Client {
	t.Helper()
	// smtp-sink has no TLS, and go-mail insists on STARTTLS by default.
	c, err := mail.NewClient(s.Host, mail.WithPort(s.Port), mail.WithTLSPolicy(mail.NoTLS),
		mail.WithTimeout(10*time.Second), mail.WithHELO("herald.test"))
	if err != nil {
		t.Fatalf("mail.NewClient = %v", err)
	}
	return c
}

func newMsg(t *testing.T, from, subject, body string, to ...string) *mail.Msg {
	t.Helper()
	m := mail.NewMsg()
	if err := m.From(from); err != nil {
		t.Fatal(err)
	}
	if err := m.To(to...); err != nil {
		t.Fatal(err)
	}
	m.Subject(subject)
	m.SetBodyString(mail.TypeTextPlain, body)
	return m
}

func TestSinkDumpsMessages(t *testing.T) {
	s := StartSMTPSink(t, SinkOptions{})
	c := sinkClient(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m1 := newMsg(t, "ann@example.org", "one", "First body.\n.leading dot\n", "bob@example.org", "carol@example.org")
	m2 := newMsg(t, "ann@example.org", "two", "Second body.\n", "dave@example.net")
	if err := c.DialAndSendWithContext(ctx, m1, m2); err != nil {
		t.Fatalf("DialAndSend = %v", err)
	}

	msgs, err := s.Messages()
	if err != nil {
		t.Fatalf("Messages() = %v", err)
	}
	if len(msgs) != 2 {
		t.Fatalf("Messages() gave %d messages, want 2: %+v", len(msgs), msgs)
	}
	bySubject := map[string]DumpedMessage{}
	for _, d := range msgs {
		m, err := d.Message()
		if err != nil {
			t.Fatalf("%s: Message() = %v", d.File, err)
		}
		bySubject[m.Header.Get("Subject")] = d
	}
	want := map[string]struct {
		to   []string
		body string
	}{
		"one": {[]string{"bob@example.org", "carol@example.org"}, "First body.\n.leading dot\n"},
		"two": {[]string{"dave@example.net"}, "Second body.\n"},
	}
	for subject, w := range want {
		d, ok := bySubject[subject]
		if !ok {
			t.Errorf("no message with subject %q", subject)
			continue
		}
		if d.From != "ann@example.org" {
			t.Errorf("%q: From = %q, want ann@example.org", subject, d.From)
		}
		if !slices.Equal(d.To, w.to) {
			t.Errorf("%q: To = %q, want %q", subject, d.To, w.to)
		}
		if d.Helo != "herald.test" || d.ClientAddr != "127.0.0.1" {
			t.Errorf("%q: Helo %q, ClientAddr %q", subject, d.Helo, d.ClientAddr)
		}
		m, _ := d.Message()
		body, err := io.ReadAll(m.Body)
		if err != nil {
			t.Fatal(err)
		}
		if string(body) != w.body {
			t.Errorf("%q: body %q, want %q", subject, body, w.body)
		}
	}
}

func TestSinkHardRejectRcpt(t *testing.T) {
	s := StartSMTPSink(t, SinkOptions{HardReject: []string{"RCPT"}, HardReply: "550 5.1.1 no such user"})
	c := sinkClient(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := c.DialAndSendWithContext(ctx, newMsg(t, "ann@example.org", "x", "x\n", "nobody@example.org"))
	var se *mail.SendError
	if !errors.As(err, &se) {
		t.Fatalf("DialAndSend = %v (%T), want a *mail.SendError", err, err)
	}
	if se.ErrorCode() != 550 || se.IsTemp() || se.EnhancedStatusCode() != "5.1.1" {
		t.Errorf("SendError code %d temp %v enhanced %q, want 550 permanent 5.1.1: %v",
			se.ErrorCode(), se.IsTemp(), se.EnhancedStatusCode(), err)
	}
	if msgs, err := s.Messages(); err != nil || len(msgs) != 0 {
		t.Errorf("Messages() = %d, %v; want none after a refused RCPT", len(msgs), err)
	}
}

func TestSinkSoftRejectData(t *testing.T) {
	s := StartSMTPSink(t, SinkOptions{SoftReject: []string{"DATA"}})
	c := sinkClient(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := c.DialAndSendWithContext(ctx, newMsg(t, "ann@example.org", "x", "x\n", "bob@example.org"))
	var se *mail.SendError
	if !errors.As(err, &se) || se.ErrorCode() != 450 || !se.IsTemp() {
		t.Fatalf("DialAndSend = %v, want a temporary 450 SendError", err)
	}
}

func TestSinkOptionsChecked(t *testing.T) {
	for _, o := range []SinkOptions{
		{SoftReply: "550 nope"},
		{HardReply: "450 nope"},
		{HardReply: "55 nope"},
		{Delays: []SinkDelay{{Command: "RCPT"}}},
	} {
		if _, err := o.args(); err == nil {
			t.Errorf("args(%+v) accepted", o)
		}
	}
	got, err := SinkOptions{SoftReject: []string{"RCPT", "DATA"}, Delays: []SinkDelay{{"MAIL", 1, 50}}}.args()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"-r", "RCPT,DATA", "-W", "MAIL:1:50"}
	if !slices.Equal(got, want) {
		t.Errorf("args = %q, want %q", got, want)
	}
}

func TestSinkSkipsTransactionInProgress(t *testing.T) {
	s := StartSMTPSink(t, SinkOptions{})
	conn, err := net.DialTimeout("tcp", s.Addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	tc := textproto.NewConn(conn)
	expect := func(code int, format string, args ...any) {
		t.Helper()
		if format != "" {
			if err := tc.PrintfLine(format, args...); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := tc.ReadResponse(code); err != nil {
			t.Fatalf("%q: %v", format, err)
		}
	}
	expect(220, "")
	expect(250, "EHLO client.test")
	expect(250, "MAIL FROM:<a@x.org>")
	expect(250, "RCPT TO:<b@y.org>")
	expect(354, "DATA")
	// More than smtp-sink's 4 KiB write buffer, so part of it reaches the file.
	filler := strings.Repeat("filler line\r\n", 1000)
	if err := tc.PrintfLine("Subject: half\r\n\r\n%snot finished", filler); err != nil {
		t.Fatal(err)
	}
	// Wait until the partial data is on disk: only then does an empty
	// Messages() prove the transaction in progress is skipped (a sink
	// slow to write would otherwise make the check pass untested).
	for deadline := time.Now().Add(10 * time.Second); !dumpHas(t, s.Dir, "filler line"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("smtp-sink wrote none of the message data to its dump file in 10 s")
		}
	}
	if msgs, err := s.Messages(); err != nil || len(msgs) != 0 {
		t.Fatalf("Messages() during DATA = %d, %v; want none", len(msgs), err)
	}
	expect(250, ".")
	msgs, err := s.Messages()
	if err != nil || len(msgs) != 1 || msgs[0].Helo != "client.test" {
		t.Fatalf("Messages() after DATA = %+v, %v; want one from client.test", msgs, err)
	}
	want := "Subject: half\n\n" + strings.ReplaceAll(filler, "\r", "") + "not finished\n"
	if string(msgs[0].Data) != want {
		t.Errorf("Data is %d bytes, want %d", len(msgs[0].Data), len(want))
	}
}

// dumpHas reports whether a file in smtp-sink's dump directory holds text.
func dumpHas(t *testing.T, dir, text string) bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && strings.Contains(string(b), text) {
			return true
		}
	}
	return false
}
