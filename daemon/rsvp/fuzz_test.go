package rsvp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/herald-mail/herald/daemon/message"
)

// FuzzIntent checks that no text or subject makes Intent, IsUnsubscribe
// or UnsubscribeTokenFromSubject panic, and that a Result is consistent.
// Run with: go test -run ^$ -fuzz FuzzIntent ./daemon/rsvp/
func FuzzIntent(f *testing.F) {
	for _, m := range fixtureMessages(f) {
		f.Add(m.Text, m.Subject)
	}
	f.Add("Yes, I will attend.\n> No\nOn x wrote:", "Accepted: x")
	f.Add("Si, asistire con gusto ¿? ", "unsubscribe "+strings.Repeat("A", 40))
	f.Add(strings.Repeat("maybe ", 500), "Re: [x] Refusé :")
	f.Fuzz(func(t *testing.T, text, subject string) {
		reply := ReplyText(text)
		r := Intent(reply, subject)
		switch r.Intent {
		case "", Accepted, Declined, Maybe:
		default:
			t.Fatalf("Intent = %q", r.Intent)
		}
		if r.Clear && r.Intent == "" {
			t.Fatalf("Clear without an intent: %+v", r)
		}
		switch r.Lang {
		case "", "en", "fr", "es":
		default:
			t.Fatalf("Lang = %q", r.Lang)
		}
		if utf8.ValidString(text) && utf8.ValidString(subject) && !utf8.ValidString(r.Evidence) {
			t.Fatalf("invalid UTF-8 in Evidence %q", r.Evidence)
		}
		IsUnsubscribe(subject, reply)
		if tok := UnsubscribeTokenFromSubject(subject); tok != "" && !strings.Contains(subject, tok) {
			t.Fatalf("token %q not in subject %q", tok, subject)
		}
	})
}

// FuzzCalendarReply checks that no input makes ParseCalendarReply panic
// and that a reply it accepts is well formed.
// Run with: go test -run ^$ -fuzz FuzzCalendarReply ./daemon/rsvp/
func FuzzCalendarReply(f *testing.F) {
	for _, m := range fixtureMessages(f) {
		for _, p := range m.Parts {
			f.Add(p.Body)
		}
	}
	f.Add(ics("BEGIN:VCALENDAR", "METHOD:REPLY", "BEGIN:VEVENT", "UID:x",
		`ATTENDEE;CN="a;b:c";PARTSTAT=ACCEPTED:mailto:A@B`, "END:VEVENT", "END:VCALENDAR"))
	f.Add([]byte("METHOD:REPLY\nBEGIN:VEVENT\nUID:\\\nATTENDEE;X=\"\n \":mailto:%40@\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := ParseCalendarReply(raw)
		if err != nil {
			return
		}
		if r.UID == "" || r.PartStat == "" || r.PartStat != strings.ToUpper(r.PartStat) || r.Sequence < 0 {
			t.Fatalf("malformed reply %+v", r)
		}
		if !strings.Contains(r.Attendee, "@") || r.Attendee != strings.ToLower(r.Attendee) {
			t.Fatalf("attendee %q", r.Attendee)
		}
		for _, s := range []string{r.UID, r.Attendee, r.PartStat, r.Comment} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 %q in %+v", s, r)
			}
		}
	})
}

// fixtureMessages parses every testdata/*.eml, for fuzz seeds.
func fixtureMessages(tb testing.TB) []*message.Message {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	var out []*message.Message
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		if m, err := message.Parse(raw); err == nil {
			out = append(out, m)
		}
	}
	return out
}
