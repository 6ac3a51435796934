package compose

import (
	"strings"
	"testing"
	"time"
)

func plainInput() PlainInput {
	return PlainInput{
		From: "decorte@un.org", FromName: "herald", To: "decorte@un.org",
		Subject:   "Enquêtes en attente depuis plus de 48 heures – résumé du matin pour le point focal",
		Date:      time.Date(2017, 10, 2, 8, 0, 0, 0, time.FixedZone("", 2*3600)),
		MessageID: "<digest.1@un.org>",
		Fields: []Field{{"Auto-Submitted", "auto-generated"}, {"X-Herald-Loop", "decorte@un.org"},
			{"X-Auto-Response-Suppress", "All"}},
		Text: "Bonjour,\n\nGCCM-0001  amina@dakar.example  Demande de visa   \n",
	}
}

// TestPlain reads a Plain message back as a client would.
func TestPlain(t *testing.T) {
	raw, err := Plain(plainInput())
	if err != nil {
		t.Fatalf("Plain() = %v", err)
	}
	p := parse(t, raw)
	for k, want := range map[string]string{
		"From":                      `"herald" <decorte@un.org>`,
		"To":                        "<decorte@un.org>",
		"Date":                      "Mon, 02 Oct 2017 08:00:00 +0200",
		"Message-Id":                "<digest.1@un.org>",
		"Mime-Version":              "1.0",
		"Auto-Submitted":            "auto-generated",
		"X-Herald-Loop":             "decorte@un.org",
		"X-Auto-Response-Suppress":  "All",
		"Content-Transfer-Encoding": "quoted-printable",
	} {
		if got := p.h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if s, err := p.h.Subject(); err != nil || s != plainInput().Subject {
		t.Errorf("Subject = %q, %v", s, err)
	}
	if p.h.Has("In-Reply-To") || p.h.Has("References") {
		t.Error("In-Reply-To or References without InReplyTo")
	}
	if len(p.parts) != 1 || p.parts[0].typ != "text/plain" || p.parts[0].charset != "utf-8" ||
		p.parts[0].body != plainInput().Text {
		t.Errorf("parts = %+v", p.parts)
	}
	// The loop marker and the rest keep the order they were given in.
	s := string(raw)
	if a, l, x := strings.Index(s, "Auto-Submitted:"), strings.Index(s, "X-Herald-Loop:"),
		strings.Index(s, "X-Auto-Response-Suppress:"); a > l || l > x {
		t.Errorf("Fields out of order:\n%s", s)
	}
}

func TestPlainReply(t *testing.T) {
	in := plainInput()
	in.FromName, in.Fields, in.Text = "", nil, ""
	in.InReplyTo = " abc.123@un.org> "
	raw, err := Plain(in)
	if err != nil {
		t.Fatalf("Plain() = %v", err)
	}
	p := parse(t, raw)
	if got := p.h.Get("In-Reply-To") + " " + p.h.Get("References"); got != "<abc.123@un.org> <abc.123@un.org>" {
		t.Errorf("In-Reply-To References = %q", got)
	}
	if got := p.h.Get("From"); got != "<decorte@un.org>" {
		t.Errorf("From = %q", got)
	}
	if len(p.parts) != 1 || p.parts[0].body != "" {
		t.Errorf("parts = %+v", p.parts)
	}
}

func TestPlainRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*PlainInput)
		want string
	}{
		{"display name in To", func(in *PlainInput) { in.To = "Ana <ana@x.org>" }, "to address"},
		{"no from", func(in *PlainInput) { in.From = "" }, "from address"},
		{"bad id", func(in *PlainInput) { in.MessageID = "no-at-sign" }, "message-id"},
		{"bad in-reply-to", func(in *PlainInput) { in.InReplyTo = "x y" }, "in-reply-to"},
		{"own header", func(in *PlainInput) { in.Fields = []Field{{"subject", "x"}} }, `"subject"`},
		{"twice", func(in *PlainInput) { in.Fields = append(in.Fields, Field{"x-herald-loop", "y"}) }, `"x-herald-loop"`},
		{"bad name", func(in *PlainInput) { in.Fields = []Field{{"X Bad", "x"}} }, `"X Bad"`},
	} {
		in := plainInput()
		tc.edit(&in)
		_, err := Plain(in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Plain() = %v, want an error about %s", tc.name, err, tc.want)
		}
	}
	// A line break in a value never starts a header line: a subject's
	// is folded to a space, another field's encoded in an RFC 2047 word.
	in := plainInput()
	in.Subject = "a\r\nBcc: e@vil"
	in.Fields = []Field{{"X-A", "b\r\nBcc: e@vil"}}
	raw, err := Plain(in)
	if err != nil || !strings.Contains(string(raw), "Subject: a Bcc: e@vil\r\n") || strings.Contains(string(raw), "\nBcc") {
		t.Errorf("Plain() = %v\n%s", err, raw)
	}
}
