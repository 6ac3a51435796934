package sender

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

const noUTF8 = "non-ASCII local part and the server does not offer SMTPUTF8"

func TestPathsFor(t *testing.T) {
	tests := []struct {
		from, to string
		smtputf8 bool
		want     paths
		err      string // in the error, "" for none
		cmd      string
	}{
		{"herald@example.org", "a@example.org", true, paths{"herald@example.org", "a@example.org", false}, "", ""},
		{"herald@example.org", "maire@mairie-évry.fr", false, paths{"herald@example.org", "maire@xn--mairie-vry-h7a.fr", false}, "", ""},
		{"herald@example.org", "Maire@Mairie-Évry.FR", false, paths{"herald@example.org", "Maire@xn--mairie-vry-h7a.fr", false}, "", ""},
		{"herald@example.org", "maire@Mairie-Évry.fr", true, paths{"herald@example.org", "maire@mairie-évry.fr", true}, "", ""},
		{"herald@example.org", "zoë@mairie-évry.fr", true, paths{"herald@example.org", "zoë@mairie-évry.fr", true}, "", ""},
		{"herald@example.org", "zoë@example.org", false, paths{}, "recipient's address \"zoë@example.org\" has a " + noUTF8, CmdRcpt},
		{"secrétariat@conférence.example", "a@example.org", false, paths{}, "sender's address", CmdMail},
		{"secretariat@conférence.example", "a@mairie-évry.fr", false,
			paths{"secretariat@xn--confrence-e4a.example", "a@xn--mairie-vry-h7a.fr", false}, "", ""},
		{"herald@example.org", "a@mairie_évry.fr", false, paths{}, "not a valid international domain name", CmdRcpt},
		{"herald@example.org", "a@mairie_évry.fr", true, paths{}, "not a valid international domain name", CmdRcpt},
	}
	for _, tt := range tests {
		got, e := pathsFor(tt.from, tt.to, tt.smtputf8)
		if tt.err == "" {
			if e != nil || got != tt.want {
				t.Errorf("pathsFor(%q, %q, %v) = %+v, %v; want %+v", tt.from, tt.to, tt.smtputf8, got, e, tt.want)
			}
			continue
		}
		if e == nil || !strings.Contains(e.Error(), tt.err) || e.Command != tt.cmd || e.Temporary || e.Code != 0 {
			t.Errorf("pathsFor(%q, %q, %v) = %+v, %v; want a permanent %s error with %q", tt.from, tt.to, tt.smtputf8, got, e, tt.cmd, tt.err)
		}
	}
}

// idnCase is an address sent to a server offering SMTPUTF8 or not, and
// what that server must see: RCPT TO's path and MAIL's SMTPUTF8
// parameter, or no transaction and a permanent failure.
type idnCase struct {
	to                    string
	plain, utf8           string // RCPT TO without / with SMTPUTF8; "" for a failure
	plainParam, utf8Param bool   // MAIL had SMTPUTF8
}

var idnCases = []idnCase{
	{"a@example.org", "a@example.org", "a@example.org", false, false},
	{"maire@mairie-évry.fr", "maire@xn--mairie-vry-h7a.fr", "maire@mairie-évry.fr", false, true},
	{"maire@xn--mairie-vry-h7a.fr", "maire@xn--mairie-vry-h7a.fr", "maire@xn--mairie-vry-h7a.fr", false, false},
	{"zoë@mairie-évry.fr", "", "zoë@mairie-évry.fr", false, true},
	{"b@example.org", "b@example.org", "b@example.org", false, false},
}

// TestInternationalAddresses sends to each idnCase through Send and
// through a Stream, to a go-smtp server with and without SMTPUTF8,
// pipelined and not: RCPT TO carries the A-label unless the server
// offers SMTPUTF8; MAIL has the parameter only when a path needs it; a
// non-ASCII local part without SMTPUTF8 fails that message alone, and
// the session goes on.
func TestInternationalAddresses(t *testing.T) {
	for _, pipelining := range []bool{true, false} {
		for _, smtputf8 := range []bool{false, true} {
			t.Run(fmt.Sprintf("pipelining=%v/smtputf8=%v", pipelining, smtputf8), func(t *testing.T) {
				usePipelining = pipelining
				defer func() { usePipelining = true }()
				testInternationalAddresses(t, smtputf8)
			})
		}
	}
}

func testInternationalAddresses(t *testing.T, smtputf8 bool) {
	f := startFake(t, nil, func(s *gosmtp.Server) { s.EnableSMTPUTF8 = smtputf8 })
	p := New(Options{Account: f.Account(1, fast, 0)})
	defer p.Close()
	ctx := timeout(t, time.Minute)
	var tos []string
	var sendErrs []error
	for i, c := range idnCases {
		tos = append(tos, c.to)
		sendErrs = append(sendErrs, p.Send(ctx, from, c.to, message(c.to, i)))
	}
	st, err := p.Stream(ctx)
	if err != nil {
		t.Fatalf("Stream() = %v", err)
	}
	begins, ends := chain(ctx, st, tos...)
	st.Close()
	_, _, msgs := f.stats()
	for i, c := range idnCases {
		want, want8 := c.plain, c.plainParam
		if smtputf8 {
			want, want8 = c.utf8, c.utf8Param
		}
		if want == "" {
			checkNoUTF8(t, "Send to "+c.to, sendErrs[i])
			checkNoUTF8(t, "Stream to "+c.to, begins[i])
			continue
		}
		if sendErrs[i] != nil || begins[i] != nil || ends[i] != nil {
			t.Errorf("to %s: Send = %v, Begin = %v, End = %v", c.to, sendErrs[i], begins[i], ends[i])
		}
		n := 0
		for _, m := range msgs {
			if strings.Contains(string(m.Data), "Subject: test "+fmt.Sprint(i)+"\r\n") {
				n++
				if m.To != want || m.UTF8 != want8 || m.From != from {
					t.Errorf("to %s: MAIL %q (SMTPUTF8 %v) RCPT %q; want RCPT %q, SMTPUTF8 %v", c.to, m.From, m.UTF8, m.To, want, want8)
				}
			}
		}
		if n != 2 {
			t.Errorf("to %s: %d messages, want 2 (Send and Stream)", c.to, n)
		}
	}
	if sessions, _, _ := f.stats(); sessions != 1 {
		t.Errorf("%d sessions, want 1: a refused address must not cost the session", sessions)
	}
}

func checkNoUTF8(t *testing.T, what string, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Temporary || e.Uncertain || e.Command != CmdRcpt || !strings.Contains(e.Error(), noUTF8) {
		t.Errorf("%s = %v; want a permanent RCPT failure saying %q", what, err, noUTF8)
	}
}
