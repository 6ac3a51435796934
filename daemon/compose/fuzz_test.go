package compose

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/emersion/go-message/mail"
)

// FuzzSubject checks that any subject and display name give a message
// whose header decodes back to them, one line each, no line over 998.
func FuzzSubject(f *testing.F) {
	f.Add("[GCCM-0042] Re: Demande de visa — délégation", "Point focal ONU-Hábitat")
	f.Add("Hello\r\nBcc: x@evil", "a\nb")
	f.Add(strings.Repeat("é", 200), "")
	f.Add("=?utf-8?q?hi?=", "=?utf-8?q?x?=")
	f.Fuzz(func(t *testing.T, subject, name string) {
		if !utf8.ValidString(subject) || !utf8.ValidString(name) || strings.TrimSpace(subject) == "" {
			return
		}
		in := baseInput()
		in.Rendered.Subject = subject
		in.FromName = name
		raw, err := AutoReply(in)
		if err != nil {
			t.Fatalf("AutoReply() = %v", err)
		}
		for _, l := range bytes.Split(raw, []byte("\r\n")) {
			if len(l) > 998 || bytes.ContainsAny(l, "\r\n") {
				t.Fatalf("bad line %q", l)
			}
		}
		mr, err := mail.CreateReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("CreateReader() = %v", err)
		}
		if mr.Header.Has("Bcc") || mr.Header.Has("Cc") {
			t.Fatal("header injected")
		}
		got, err := mr.Header.Subject()
		if want := oneLine(subject); err != nil || (plain(want) && strings.TrimSpace(got) != strings.TrimSpace(want)) || (!plain(want) && got != want) {
			t.Fatalf("Subject() = %q, %v; want %q", got, err, want)
		}
	})
}
