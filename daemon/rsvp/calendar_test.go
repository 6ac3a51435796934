package rsvp

import (
	"errors"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/message"
)

// ics joins lines with CRLF, as RFC 5545 §3.1 has them.
func ics(lines ...string) []byte {
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}

func TestParseCalendarReply(t *testing.T) {
	const uid = "5f0c2a9e4b7d1c3a8e6f9b2d4c7a1e3f@un.org"
	cases := []struct {
		name string
		raw  []byte
		want Reply
	}{
		{"outlook quoted CN with comma and colon, MAILTO upper case", ics(
			"BEGIN:VCALENDAR", "METHOD:REPLY", "BEGIN:VEVENT",
			`ATTENDEE;PARTSTAT=ACCEPTED;CN="Name, Title: Mayor":mailto:Mayor@City.example`,
			"UID:"+uid, "SEQUENCE:2", "END:VEVENT", "END:VCALENDAR"),
			Reply{UID: uid, Attendee: "mayor@city.example", PartStat: "ACCEPTED", Sequence: 2}},
		{"folded everywhere, LF line ends, no SEQUENCE", []byte(
			"BEGIN:VCALENDAR\nMETH\n OD:REP\n LY\nBEGIN:VEVENT\nATTENDEE;PARTSTAT=DEC\n LINED;CN=A:MAI\n\tLTO:a@b.example\nUID:" + uid[:10] + "\n " + uid[10:] + "\nEND:VEVENT\nEND:VCALENDAR\n"),
			Reply{UID: uid, Attendee: "a@b.example", PartStat: "DECLINED"}},
		{"fold inside a UTF-8 sequence", []byte(
			"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x\r\nATTENDEE;PARTSTAT=TENTATIVE:mailto:c@d.example\r\nCOMMENT:d\xc3\r\n \xa9j\xc3\xa0 vu\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"),
			Reply{UID: "x", Attendee: "c@d.example", PartStat: "TENTATIVE", Comment: "déjà vu"}},
		{"windows-1252 comment", []byte(
			"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x\r\nATTENDEE;PARTSTAT=DECLINED:mailto:c@d.example\r\nCOMMENT:d\xe9sol\xe9\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"),
			Reply{UID: "x", Attendee: "c@d.example", PartStat: "DECLINED", Comment: "désolé"}},
		{"lower-case names and values, escaped comment", ics(
			"begin:vcalendar", "method:reply", "begin:vevent", "uid:x",
			"attendee;partstat=accepted:MailTo:X@Y.example", `comment:a\, b\; c\nd\\e`, "end:vevent", "end:vcalendar"),
			Reply{UID: "x", Attendee: "x@y.example", PartStat: "ACCEPTED", Comment: "a, b; c\nd\\e"}},
		{"VTIMEZONE, VALARM attendee, X- properties and an override", ics(
			"BEGIN:VCALENDAR", "PRODID:-//Apple Inc.//Mac OS X//EN", "METHOD:REPLY",
			"BEGIN:VTIMEZONE", "TZID:Europe/Brussels", "BEGIN:STANDARD", "TZOFFSETTO:+0100", "END:STANDARD", "END:VTIMEZONE",
			"BEGIN:VEVENT", "UID:x", "RECURRENCE-ID:20171117T080000Z", "ATTENDEE;PARTSTAT=DECLINED:mailto:e@f.example", "END:VEVENT",
			"BEGIN:VEVENT", "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC", "UID:x",
			`ATTENDEE;CN="E";EMAIL="e@f.example";PARTSTAT=ACCEPTED:mailto:e@f.example`,
			"BEGIN:VALARM", "ACTION:EMAIL", "ATTENDEE:mailto:alarm@f.example", "END:VALARM",
			"SEQUENCE:0", "END:VEVENT", "END:VCALENDAR"),
			Reply{UID: "x", Attendee: "e@f.example", PartStat: "ACCEPTED"}},
		{"no PARTSTAT is NEEDS-ACTION", ics(
			"BEGIN:VCALENDAR", "METHOD:REPLY", "BEGIN:VEVENT", "UID:x", "ATTENDEE:mailto:g@h.example", "END:VEVENT", "END:VCALENDAR"),
			Reply{UID: "x", Attendee: "g@h.example", PartStat: "NEEDS-ACTION"}},
		{"EMAIL parameter when the value is not mailto, RFC 6868 CN", ics(
			"BEGIN:VCALENDAR", "METHOD:REPLY", "BEGIN:VEVENT", "UID:x",
			`ATTENDEE;CN=^'Boss^';EMAIL=Boss@Example.org;PARTSTAT=DELEGATED:urn:uuid:1234`, "END:VEVENT", "END:VCALENDAR"),
			Reply{UID: "x", Attendee: "boss@example.org", PartStat: "DELEGATED"}},
		{"several attendees, one answering", ics(
			"BEGIN:VCALENDAR", "METHOD:REPLY", "BEGIN:VEVENT", "UID:x",
			"ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:other@x.example",
			"ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@x.example", "END:VEVENT", "END:VCALENDAR"),
			Reply{UID: "x", Attendee: "me@x.example", PartStat: "ACCEPTED"}},
		{"Google note in X-RESPONSE-COMMENT, bad SEQUENCE", ics(
			"BEGIN:VCALENDAR", "METHOD:REPLY", "BEGIN:VEVENT", "UID:x", "SEQUENCE:lots",
			`ATTENDEE;PARTSTAT=DECLINED;X-RESPONSE-COMMENT="it&#39\;s late":mailto:a@b.example`, "END:VEVENT", "END:VCALENDAR"),
			Reply{UID: "x", Attendee: "a@b.example", PartStat: "DECLINED", Comment: "it's late"}},
		{"BOM, no BEGIN:VCALENDAR, junk lines", []byte("\uFEFFMETHOD:REPLY\r\nthis is not a content line\r\nBEGIN:VEVENT\r\nUID:x\r\nATTENDEE;PARTSTAT=\"ACCEPTED:mailto:broken\r\nATTENDEE;PARTSTAT=accepted:<mailto:a@b.example>\r\nEND:VEVENT\r\n"),
			Reply{UID: "x", Attendee: "a@b.example", PartStat: "ACCEPTED"}},
	}
	for _, c := range cases {
		got, err := ParseCalendarReply(c.raw)
		if err != nil || got != c.want {
			t.Errorf("%s: ParseCalendarReply() = %+v, %v; want %+v", c.name, got, err, c.want)
		}
	}
}

func TestParseCalendarReplyErrors(t *testing.T) {
	cases := []struct {
		name string
		raw  []byte
		want error
	}{
		{"request", ics("BEGIN:VCALENDAR", "METHOD:REQUEST", "BEGIN:VEVENT", "UID:x", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example", "END:VEVENT", "END:VCALENDAR"), ErrNotReply},
		{"no method", ics("BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:x", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example", "END:VEVENT", "END:VCALENDAR"), ErrNotReply},
		{"no uid", ics("BEGIN:VCALENDAR", "METHOD:REPLY", "BEGIN:VEVENT", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example", "END:VEVENT", "END:VCALENDAR"), ErrNoEvent},
		{"no event", ics("BEGIN:VCALENDAR", "METHOD:REPLY", "END:VCALENDAR"), ErrNoEvent},
		{"no attendee", ics("BEGIN:VCALENDAR", "METHOD:REPLY", "BEGIN:VEVENT", "UID:x", "END:VEVENT", "END:VCALENDAR"), ErrNoAttendee},
		{"attendee without address", ics("BEGIN:VCALENDAR", "METHOD:REPLY", "BEGIN:VEVENT", "UID:x", "ATTENDEE;PARTSTAT=ACCEPTED:urn:uuid:1", "END:VEVENT", "END:VCALENDAR"), ErrNoAttendee},
		{"two answering attendees", ics("BEGIN:VCALENDAR", "METHOD:REPLY", "BEGIN:VEVENT", "UID:x",
			"ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example", "ATTENDEE;PARTSTAT=DECLINED:mailto:c@b.example", "END:VEVENT", "END:VCALENDAR"), ErrNoAttendee},
		{"empty", nil, ErrNotReply},
		{"binary", []byte{0, 1, 2, 0xff, '\n', ':'}, ErrNotReply},
	}
	for _, c := range cases {
		if _, err := ParseCalendarReply(c.raw); !errors.Is(err, c.want) {
			t.Errorf("%s: ParseCalendarReply() error = %v, want %v", c.name, err, c.want)
		}
	}
}

func TestCalendarReplyPart(t *testing.T) {
	body := ics("BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:x", "ATTENDEE;PARTSTAT=TENTATIVE:mailto:a@b.example", "END:VEVENT", "END:VCALENDAR")
	// RFC 6047 §2.4: the MIME method parameter stands in for a missing METHOD.
	r, err := CalendarReply(message.Part{ContentType: "text/calendar", Params: map[string]string{"method": "reply"}, Body: body})
	if err != nil || r.Intent() != Maybe {
		t.Errorf("CalendarReply() = %+v, %v; want a tentative reply", r, err)
	}
	if _, err := CalendarReply(message.Part{ContentType: "message/delivery-status", Body: body}); !errors.Is(err, ErrNotReply) {
		t.Errorf("CalendarReply(delivery-status) error = %v, want ErrNotReply", err)
	}
}

func TestReplyIntent(t *testing.T) {
	for ps, want := range map[string]string{"ACCEPTED": Accepted, "DECLINED": Declined, "TENTATIVE": Maybe,
		"NEEDS-ACTION": "", "DELEGATED": "", "X-SOMETHING": "", "": ""} {
		if got := (Reply{PartStat: ps}).Intent(); got != want {
			t.Errorf("Reply{PartStat: %q}.Intent() = %q, want %q", ps, got, want)
		}
	}
}
