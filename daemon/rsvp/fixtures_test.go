package rsvp

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/message"
)

// fixture is what one testdata/*.eml must read as.
type fixture struct {
	intent string // Intent(ReplyText(m.Text), m.Subject).Intent
	clear  bool
	unsub  bool
	// partStat is the calendar reply's PARTSTAT, "" when the message
	// must not yield one.
	partStat string
	attendee string
	comment  string
	sequence int
}

// fixtures lists every file in testdata; the test fails on a file not
// listed here, so a new fixture cannot be forgotten.
var fixtures = map[string]fixture{
	// Text replies; each quotes an invitation that says the opposite.
	"en-outlook-accept.eml":             {intent: Accepted, clear: true},
	"en-gmail-decline.eml":              {intent: Declined, clear: true},
	"en-apple-maybe.eml":                {intent: Maybe, clear: true},
	"en-thunderbird-bottom-accept.eml":  {intent: Accepted, clear: true},
	"en-gmail-question.eml":             {intent: Accepted, clear: false},
	"en-outlook-yes-but.eml":            {intent: Accepted, clear: false},
	"en-gmail-html-decline.eml":         {intent: Declined, clear: true},
	"en-gmail-short-no.eml":             {intent: Declined, clear: true},
	"en-outlook-deputy.eml":             {intent: "", clear: false},
	"fr-outlook-decline.eml":            {intent: Declined, clear: true},
	"fr-gmail-accept.eml":               {intent: Accepted, clear: true},
	"fr-apple-oui.eml":                  {intent: Accepted, clear: true},
	"fr-thunderbird-bottom-maybe.eml":   {intent: Maybe, clear: true},
	"fr-outlook-partial.eml":            {intent: Accepted, clear: false},
	"es-outlook-accept.eml":             {intent: Accepted, clear: true},
	"es-gmail-decline.eml":              {intent: Declined, clear: true},
	"es-apple-accept-noaccent.eml":      {intent: Accepted, clear: true},
	"es-thunderbird-bottom-decline.eml": {intent: Declined, clear: true},
	"es-gmail-maybe.eml":                {intent: Maybe, clear: true},
	"es-outlook-question.eml":           {intent: Accepted, clear: false},
	// Calendar replies (RFC 5546 §3.2.3); the subject agrees with PARTSTAT.
	"ical-outlook-accepted.eml":        {intent: Accepted, clear: true, partStat: PartStatAccepted, attendee: "john.smith@city.example"},
	"ical-outlook-declined-fr.eml":     {intent: Declined, clear: true, partStat: PartStatDeclined, attendee: "l.moreau@paris.example", comment: "Désolée, je serai en déplacement ce jour-là.\nBien à vous; Louise"},
	"ical-outlook-tentative-es.eml":    {intent: Maybe, clear: true, partStat: PartStatTentative, attendee: "ana.garcia@ayto.example"},
	"ical-google-accepted.eml":         {intent: Accepted, clear: true, partStat: PartStatAccepted, attendee: "john.smith.mechelen@gmail.com"},
	"ical-google-declined-comment.eml": {intent: Declined, clear: true, partStat: PartStatDeclined, attendee: "anna.berg@gmail.com", comment: "Sorry, I'm travelling that week", sequence: 1},
	"ical-apple-accepted.eml":          {intent: Accepted, clear: true, partStat: PartStatAccepted, attendee: "louise.moreau@icloud.com"},
	"ical-request-forwarded.eml":       {intent: "", clear: false},
	// Unsubscribe requests, and a refusal that is not one.
	"unsub-mailto-token.eml": {unsub: true},
	"unsub-fr-body.eml":      {unsub: true},
	"unsub-es-subject.eml":   {unsub: true},
	"unsub-en-body.eml":      {unsub: true},
	"not-unsub-decline.eml":  {intent: Declined, clear: false},
}

func TestFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	seen := map[string]bool{}
	for _, path := range files {
		name := filepath.Base(path)
		seen[name] = true
		want, ok := fixtures[name]
		if !ok {
			t.Errorf("%s: not in the fixtures table", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			m, err := message.Parse(raw)
			if err != nil {
				t.Fatalf("Parse() = %v", err)
			}
			text := ReplyText(m.Text)

			r := Intent(text, m.Subject)
			if r.Intent != want.intent || r.Clear != want.clear {
				t.Errorf("Intent(%q, %q) = %+v, want intent %q clear %v", text, m.Subject, r, want.intent, want.clear)
			}
			if got := IsUnsubscribe(m.Subject, text); got != want.unsub {
				t.Errorf("IsUnsubscribe(%q, %q) = %v, want %v", m.Subject, text, got, want.unsub)
			}

			reply, err := FindCalendarReply(m)
			switch {
			case want.partStat == "" && err == nil:
				t.Errorf("FindCalendarReply() = %+v, want an error", reply)
			case want.partStat == "" && !errors.Is(err, ErrNotReply):
				t.Errorf("FindCalendarReply() error = %v, want ErrNotReply", err)
			case want.partStat != "" && err != nil:
				t.Errorf("FindCalendarReply() = %v", err)
			case want.partStat != "":
				wantReply := Reply{UID: "5f0c2a9e4b7d1c3a8e6f9b2d4c7a1e3f@un.org", Attendee: want.attendee,
					PartStat: want.partStat, Sequence: want.sequence, Comment: want.comment}
				if reply != wantReply {
					t.Errorf("FindCalendarReply() = %+v, want %+v", reply, wantReply)
				}
				if reply.Intent() != want.intent {
					t.Errorf("Reply.Intent() = %q, want %q", reply.Intent(), want.intent)
				}
			}
		})
	}
	for name := range fixtures {
		if !seen[name] {
			t.Errorf("%s: listed but missing from testdata", name)
		}
	}
}

// TestFixturesQuoteTheOpposite guards the fixtures themselves: what a
// clear text reply quotes (the invitation) must hold wording of another
// intent, so that a quote leaking into the new text would show.
func TestFixturesQuoteTheOpposite(t *testing.T) {
	for name, want := range fixtures {
		if strings.HasPrefix(name, "ical-") || strings.HasPrefix(name, "unsub-") || !want.clear {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		m, err := message.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		quoted := strings.Replace(m.Text, ReplyText(m.Text), "", 1)
		quoted = strings.ReplaceAll(strings.ReplaceAll(quoted, "> ", ""), ">", "")
		_, sigs, _ := collect(quoted, "")
		opposite := false
		for _, s := range sigs {
			opposite = opposite || s.intent != want.intent
		}
		if !opposite {
			t.Errorf("%s: the quoted part %q holds no wording of another intent than %q", name, quoted, want.intent)
		}
	}
}
