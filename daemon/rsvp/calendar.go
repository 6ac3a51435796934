package rsvp

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/herald-mail/herald/daemon/message"
)

// Participation statuses of a VEVENT attendee (RFC 5545 §3.2.12).
const (
	PartStatAccepted    = "ACCEPTED"
	PartStatDeclined    = "DECLINED"
	PartStatTentative   = "TENTATIVE"
	PartStatNeedsAction = "NEEDS-ACTION"
	PartStatDelegated   = "DELEGATED"
)

// Reply is an attendee's answer to an invitation, as a calendar client
// sends it: an iTIP REPLY (RFC 5546 §3.2.3).
type Reply struct {
	// UID is the event's UID (RFC 5545 §3.8.4.7), the one herald sent
	// (compose.EventUID).
	UID string
	// Attendee is the replying attendee's address, lowercased, without
	// "mailto:".
	Attendee string
	// PartStat is the attendee's PARTSTAT, uppercased: ACCEPTED, DECLINED,
	// TENTATIVE, or another value (NEEDS-ACTION when absent, the RFC 5545
	// §3.2.12 default).
	PartStat string
	// Sequence is the event's SEQUENCE (RFC 5545 §3.8.7.4), 0 when absent.
	Sequence int
	// Comment is the note the attendee added, from COMMENT (RFC 5545
	// §3.8.1.4) or Google Calendar's X-RESPONSE-COMMENT parameter.
	Comment string
}

// Intent maps PartStat to "accepted", "declined" or "maybe"; "" for any
// other status (NEEDS-ACTION, DELEGATED), which a human should look at.
func (r Reply) Intent() string {
	switch r.PartStat {
	case PartStatAccepted:
		return Accepted
	case PartStatDeclined:
		return Declined
	case PartStatTentative:
		return Maybe
	}
	return ""
}

// Errors from CalendarReply and ParseCalendarReply.
var (
	// ErrNotReply: the object is not an iTIP REPLY (a REQUEST, a CANCEL,
	// a plain .ics file, or no calendar at all).
	ErrNotReply = errors.New("rsvp: calendar object is not an iTIP REPLY")
	// ErrNoEvent: a REPLY without a VEVENT that has a UID.
	ErrNoEvent = errors.New("rsvp: calendar reply has no event with a UID")
	// ErrNoAttendee: no attendee with an email address, or several that
	// answer, which RFC 5546 §3.2.3 does not allow and herald cannot pick from.
	ErrNoAttendee = errors.New("rsvp: calendar reply has no single answering attendee")
)

// CalendarReply reads a text/calendar (or application/ics) part kept by
// message.Parse. The part's method parameter (RFC 6047 §2.4) is used only
// when the object itself has no METHOD.
func CalendarReply(p message.Part) (Reply, error) {
	if p.ContentType != "text/calendar" && p.ContentType != "application/ics" {
		return Reply{}, fmt.Errorf("%w: part is %s", ErrNotReply, p.ContentType)
	}
	return parseReply(p.Body, p.Params["method"])
}

// FindCalendarReply returns the first calendar part of m that is an iTIP
// REPLY. Outlook attaches the same object twice (inline and as an .ics),
// and a forwarded invitation may carry a REQUEST: those are skipped.
func FindCalendarReply(m *message.Message) (Reply, error) {
	err := error(ErrNotReply)
	for _, p := range m.Parts {
		if p.ContentType != "text/calendar" && p.ContentType != "application/ics" {
			continue
		}
		r, perr := CalendarReply(p)
		if perr == nil {
			return r, nil
		}
		if !errors.Is(perr, ErrNotReply) {
			err = perr
		}
	}
	return Reply{}, err
}

// ParseCalendarReply reads a raw iCalendar object that should be an iTIP
// REPLY (RFC 5546 §3.2.3).
func ParseCalendarReply(raw []byte) (Reply, error) {
	return parseReply(raw, "")
}

// vevent collects the properties of one VEVENT that a reply needs.
type vevent struct {
	uid, seq    string
	recurrence  bool
	attendees   []contentLine
	comments    []string
	hasUID      bool
	hasSequence bool
}

func parseReply(raw []byte, mimeMethod string) (Reply, error) {
	method, events := readCalendar(raw)
	if method == "" {
		method = strings.ToUpper(strings.TrimSpace(mimeMethod))
	}
	// RFC 5546 §1.4: METHOD says what the object is for; only REPLY
	// carries an attendee's answer.
	if method != "REPLY" {
		if method == "" {
			return Reply{}, fmt.Errorf("%w: no METHOD", ErrNotReply)
		}
		return Reply{}, fmt.Errorf("%w: METHOD:%s", ErrNotReply, method)
	}
	ev := pickEvent(events)
	if ev == nil {
		return Reply{}, ErrNoEvent
	}
	att, err := pickAttendee(ev.attendees)
	if err != nil {
		return Reply{}, err
	}
	r := Reply{UID: ev.uid, Attendee: att.address, PartStat: att.partStat}
	if n, err := strconv.Atoi(strings.TrimSpace(ev.seq)); err == nil && n > 0 {
		r.Sequence = n
	}
	r.Comment = strings.TrimSpace(strings.Join(ev.comments, "\n"))
	if r.Comment == "" {
		r.Comment = att.comment
	}
	return r, nil
}

// readCalendar returns the METHOD of the (first) VCALENDAR and its VEVENTs.
// Properties of nested components (VALARM, whose ATTENDEE is who gets an
// email alarm; VTIMEZONE) are not the event's. A missing BEGIN:VCALENDAR
// is tolerated.
func readCalendar(raw []byte) (string, []*vevent) {
	var method string
	var events []*vevent
	var stack []string
	var cur *vevent
	for _, line := range unfoldLines(raw) {
		l, ok := parseContentLine(line)
		if !ok {
			continue
		}
		switch l.name {
		case "BEGIN":
			comp := strings.ToUpper(strings.TrimSpace(l.value))
			if len(stack) >= 16 {
				continue
			}
			stack = append(stack, comp)
			if comp == "VEVENT" && calendarLevel(stack[:len(stack)-1]) {
				cur = &vevent{}
				events = append(events, cur)
			}
			continue
		case "END":
			comp := strings.ToUpper(strings.TrimSpace(l.value))
			for k := len(stack) - 1; k >= 0; k-- {
				if stack[k] == comp {
					stack = stack[:k]
					break
				}
			}
			if comp == "VCALENDAR" && len(stack) == 0 && (method != "" || len(events) > 0) {
				return method, events
			}
			if comp == "VEVENT" {
				cur = nil
			}
			continue
		}
		switch {
		case calendarLevel(stack):
			if l.name == "METHOD" && method == "" {
				method = strings.ToUpper(strings.TrimSpace(l.value))
			}
		case cur != nil && stack[len(stack)-1] == "VEVENT":
			cur.add(l)
		}
	}
	return method, events
}

// calendarLevel reports the VCALENDAR's own level (or the top level of an
// object without BEGIN:VCALENDAR).
func calendarLevel(stack []string) bool {
	return len(stack) == 0 || len(stack) == 1 && stack[0] == "VCALENDAR"
}

func (ev *vevent) add(l contentLine) {
	switch l.name {
	case "UID":
		if !ev.hasUID {
			ev.uid = strings.TrimSpace(unescapeText(l.value))
			ev.hasUID = ev.uid != ""
		}
	case "SEQUENCE":
		if !ev.hasSequence {
			ev.seq, ev.hasSequence = l.value, true
		}
	case "RECURRENCE-ID":
		ev.recurrence = true
	case "ATTENDEE":
		ev.attendees = append(ev.attendees, l)
	case "COMMENT":
		if c := strings.TrimSpace(unescapeText(l.value)); c != "" {
			ev.comments = append(ev.comments, c)
		}
	}
}

// pickEvent returns the master VEVENT: the first with a UID and no
// RECURRENCE-ID, else the first with a UID (a reply to one occurrence).
func pickEvent(events []*vevent) *vevent {
	var first *vevent
	for _, ev := range events {
		if !ev.hasUID {
			continue
		}
		if !ev.recurrence {
			return ev
		}
		if first == nil {
			first = ev
		}
	}
	return first
}

type attendee struct {
	address, partStat, comment string
}

// pickAttendee returns the attendee who answers. RFC 5546 §3.2.3 has a
// REPLY carry exactly one ATTENDEE; when a client sends more, the one
// whose PARTSTAT is not NEEDS-ACTION is taken if it is the only one.
func pickAttendee(lines []contentLine) (attendee, error) {
	var all, answering []attendee
	for _, l := range lines {
		a := attendee{address: calAddress(l), partStat: strings.ToUpper(strings.TrimSpace(l.param("PARTSTAT")))}
		if a.address == "" {
			continue
		}
		if a.partStat == "" {
			a.partStat = PartStatNeedsAction // RFC 5545 §3.2.12 default
		}
		a.comment = responseComment(l.param("X-RESPONSE-COMMENT"))
		all = append(all, a)
		if a.partStat != PartStatNeedsAction {
			answering = append(answering, a)
		}
	}
	switch {
	case len(all) == 1:
		return all[0], nil
	case len(answering) == 1:
		return answering[0], nil
	case len(all) == 0:
		return attendee{}, fmt.Errorf("%w: no ATTENDEE with an email address", ErrNoAttendee)
	}
	return attendee{}, fmt.Errorf("%w: %d attendees", ErrNoAttendee, len(all))
}

// calAddress returns the email address of an ATTENDEE: its CAL-ADDRESS
// value (RFC 5545 §3.3.3) when a mailto: URI (in any case), else the
// EMAIL parameter (RFC 7986 §6.9), else "".
func calAddress(l contentLine) string {
	for _, v := range []string{l.value, l.param("EMAIL")} {
		v = strings.Trim(strings.TrimSpace(v), `"<>`)
		if len(v) >= 7 && strings.EqualFold(v[:7], "mailto:") {
			v = v[7:]
		}
		if i := strings.IndexByte(v, '?'); i >= 0 {
			v = v[:i]
		}
		if strings.Contains(v, "%") {
			if u, err := url.PathUnescape(v); err == nil {
				v = u
			}
		}
		v = strings.ToLower(strings.TrimSpace(v))
		if at := strings.LastIndexByte(v, '@'); at > 0 && at < len(v)-1 && !strings.ContainsAny(v, " \t:;,<>\"") {
			return v
		}
	}
	return ""
}
