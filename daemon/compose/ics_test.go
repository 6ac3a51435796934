package compose

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/herald-mail/herald/daemon/config"
)

// icsProp is one content line read back: name, parameters and value,
// the value still in its value type's form.
type icsProp struct {
	name   string
	params map[string]string
	value  string
}

// icsObject is an iCalendar object read back: the properties of each
// component, by component name ("VCALENDAR", "VEVENT").
type icsObject map[string][]icsProp

// get returns the only property name of component comp.
func (o icsObject) get(t *testing.T, comp, name string) icsProp {
	t.Helper()
	var found []icsProp
	for _, p := range o[comp] {
		if p.name == name {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s has %d %s properties, want 1", comp, len(found), name)
	}
	return found[0]
}

// readICS is a small RFC 5545 reader: it checks the physical lines
// (CRLF, at most 75 octets, whole UTF-8 sequences), unfolds them (§3.1),
// splits name, parameters and value, and tracks BEGIN/END nesting.
func readICS(t *testing.T, raw []byte) icsObject {
	t.Helper()
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		t.Fatalf("object does not end in CRLF: %q", raw)
	}
	phys := strings.Split(strings.TrimSuffix(string(raw), "\r\n"), "\r\n")
	var logical []string
	for i, l := range phys {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Fatalf("line %d is %d octets: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Fatalf("line %d splits a UTF-8 sequence: %q", i+1, l)
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(logical) == 0 {
				t.Fatal("object starts with a continuation line")
			}
			logical[len(logical)-1] += l[1:]
			continue
		}
		logical = append(logical, l)
	}
	obj := icsObject{}
	var stack []string
	for _, l := range logical {
		p := splitProp(t, l)
		switch p.name {
		case "BEGIN":
			stack = append(stack, p.value)
			continue
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != p.value {
				t.Fatalf("END:%s does not close %v", p.value, stack)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		if len(stack) == 0 {
			t.Fatalf("property %s outside any component", p.name)
		}
		obj[stack[len(stack)-1]] = append(obj[stack[len(stack)-1]], p)
	}
	if len(stack) != 0 {
		t.Fatalf("components left open: %v", stack)
	}
	return obj
}

// splitProp splits a content line: name *(";" param) ":" value, where a
// parameter value may be a quoted string holding ";", ":" and ",".
func splitProp(t *testing.T, l string) icsProp {
	t.Helper()
	p := icsProp{params: map[string]string{}}
	i := strings.IndexAny(l, ";:")
	if i <= 0 {
		t.Fatalf("no name in %q", l)
	}
	p.name = l[:i]
	for l[i] == ';' {
		l = l[i+1:]
		eq := strings.IndexByte(l, '=')
		if eq <= 0 {
			t.Fatalf("bad parameter in %q", l)
		}
		key, rest := l[:eq], l[eq+1:]
		var val string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				t.Fatalf("unterminated quote in %q", l)
			}
			val, rest = rest[1:end+1], rest[end+2:]
		} else {
			end := strings.IndexAny(rest, ";:")
			if end < 0 {
				t.Fatalf("no value after %q", l)
			}
			val, rest = rest[:end], rest[end:]
			if strings.ContainsAny(val, `",`) {
				t.Fatalf("unquoted parameter %s=%q", key, val)
			}
		}
		p.params[key] = val
		l, i = rest, 0
		if l == "" {
			t.Fatalf("no value in property %s", p.name)
		}
	}
	p.value = l[i+1:]
	return p
}

// unescapeText reads a TEXT value (RFC 5545 §3.3.11).
func unescapeText(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			case '\\', ';', ',':
				b.WriteByte(s[i])
			default:
				t.Fatalf("bad escape \\%c in %q", s[i], s)
			}
		case c == '\\' || c == ';' || c == ',':
			t.Fatalf("unescaped %q in TEXT %q", c, s)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func testEvent() config.Event {
	return config.Event{
		Name:  "Global Conference on Cities and Migration",
		Start: time.Date(2017, 11, 16, 9, 0, 0, 0, time.FixedZone("CET", 3600)),
		End:   time.Date(2017, 11, 17, 17, 30, 0, 0, time.FixedZone("CET", 3600)),
		Venue: "Lamot Congress Centre, Van Beethovenstraat 8; Mechelen",
		URL:   "https://gccm.example.org/programme?lang=en&day=1",
	}
}

func testICSInput() ICSInput {
	return ICSInput{
		Event:         testEvent(),
		Organizer:     "decorte@un.org",
		OrganizerName: "Point focal ONU-Habitat",
		Attendee:      "maria.lopez@ayto-madrid.es",
		AttendeeName:  "María López Núñez",
		Stamp:         time.Date(2017, 10, 2, 10, 30, 0, 0, time.UTC),
		UID:           EventUID(testSecret, testEvent(), "decorte@un.org", 17),
	}
}

func TestInvitation(t *testing.T) {
	in := testICSInput()
	obj := readICS(t, Invitation(in))
	cal := map[string]string{"PRODID": icsProdID, "VERSION": "2.0", "CALSCALE": "GREGORIAN", "METHOD": "REQUEST"}
	for k, v := range cal {
		if got := obj.get(t, "VCALENDAR", k).value; got != v {
			t.Errorf("VCALENDAR %s = %q, want %q", k, got, v)
		}
	}
	if n := len(obj["VCALENDAR"]); n != len(cal) {
		t.Errorf("VCALENDAR has %d properties", n)
	}
	ev := map[string]string{
		"UID":         in.UID,
		"DTSTAMP":     "20171002T103000Z",
		"DTSTART":     "20171116T080000Z", // 09:00 CET in UTC
		"DTEND":       "20171117T163000Z",
		"SEQUENCE":    "0",
		"STATUS":      "CONFIRMED",
		"TRANSP":      "OPAQUE",
		"URL":         in.Event.URL,
		"ORGANIZER":   "mailto:decorte@un.org",
		"ATTENDEE":    "mailto:maria.lopez@ayto-madrid.es",
		"SUMMARY":     `Global Conference on Cities and Migration`,
		"LOCATION":    `Lamot Congress Centre\, Van Beethovenstraat 8\; Mechelen`,
		"DESCRIPTION": in.Event.URL,
	}
	for k, v := range ev {
		if got := obj.get(t, "VEVENT", k).value; got != v {
			t.Errorf("VEVENT %s = %q, want %q", k, got, v)
		}
	}
	if n := len(obj["VEVENT"]); n != len(ev) {
		t.Errorf("VEVENT has %d properties, want %d", n, len(ev))
	}
	if got := unescapeText(t, obj.get(t, "VEVENT", "LOCATION").value); got != in.Event.Venue {
		t.Errorf("LOCATION = %q", got)
	}
	org := obj.get(t, "VEVENT", "ORGANIZER").params
	if len(org) != 1 || org["CN"] != in.OrganizerName {
		t.Errorf("ORGANIZER params = %v", org)
	}
	att := obj.get(t, "VEVENT", "ATTENDEE").params
	want := map[string]string{"CN": in.AttendeeName, "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"}
	if len(att) != len(want) {
		t.Errorf("ATTENDEE params = %v", att)
	}
	for k, v := range want {
		if att[k] != v {
			t.Errorf("ATTENDEE %s = %q, want %q", k, att[k], v)
		}
	}
}

func TestInvitationOptional(t *testing.T) {
	in := testICSInput()
	in.Event.End = in.Event.Start // no duration: no DTEND
	in.Event.Venue, in.Event.URL = "", ""
	in.OrganizerName, in.AttendeeName = "", " \r\n"
	in.Stamp = time.Time{}
	before := time.Now().UTC().Truncate(time.Second)
	obj := readICS(t, Invitation(in))
	for _, p := range obj["VEVENT"] {
		switch p.name {
		case "DTEND", "LOCATION", "DESCRIPTION", "URL":
			t.Errorf("%s written for an event without it", p.name)
		case "ORGANIZER", "ATTENDEE":
			if _, ok := p.params["CN"]; ok {
				t.Errorf("%s has a CN without a name", p.name)
			}
		}
	}
	stamp, err := time.Parse("20060102T150405Z", obj.get(t, "VEVENT", "DTSTAMP").value)
	if err != nil || stamp.Before(before) {
		t.Errorf("DTSTAMP = %v, %v; want now", stamp, err)
	}
}

// TestInvitationParams: a name with the characters that end a parameter
// value is quoted, DQUOTE and line breaks cannot get in.
func TestInvitationParams(t *testing.T) {
	in := testICSInput()
	in.OrganizerName = "UN-Habitat; Focal point: \"GCCM\", Nairobi"
	in.AttendeeName = "Eve\r\nATTENDEE:mailto:eve@evil"
	obj := readICS(t, Invitation(in))
	if got := obj.get(t, "VEVENT", "ORGANIZER").params["CN"]; got != "UN-Habitat; Focal point: 'GCCM', Nairobi" {
		t.Errorf("ORGANIZER CN = %q", got)
	}
	if got := obj.get(t, "VEVENT", "ATTENDEE"); got.params["CN"] != "Eve ATTENDEE:mailto:eve@evil" || got.value != "mailto:maria.lopez@ayto-madrid.es" {
		t.Errorf("ATTENDEE = %+v", got)
	}
}

func TestEscapeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a, b; c", `a\, b\; c`},
		{`C:\path`, `C:\\path`},
		{"one\r\ntwo\nthree\rfour", `one\ntwo\nthree\nfour`},
		{"tab\there", "tab\there"},
		{"bell\a and nul\x00 and del\x7f", "bell and nul and del"},
		{"bad \xff utf-8", "bad \uFFFD utf-8"},
		{"Mañana: «réunion», 会议", `Mañana: «réunion»\, 会议`},
		{`\n`, `\\n`},
	}
	for _, tt := range tests {
		if got := escapeText(tt.in); got != tt.want {
			t.Errorf("escapeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestInvitationFolding: long French and Spanish summaries, and
// multibyte characters and escapes at every position around the fold,
// come back whole, with no line over 75 octets.
func TestInvitationFolding(t *testing.T) {
	summaries := []string{
		"Conférence mondiale sur les villes et les migrations : séance plénière d'ouverture, déjeuner des délégations et réception à l'hôtel de ville de Malines",
		"Conferencia mundial sobre ciudades y migración: sesión plenaria de apertura; almuerzo de las delegaciones, recepción en el ayuntamiento de Malinas (Año 2017)",
		strings.Repeat("é", 200),
		strings.Repeat("€", 100),
		strings.Repeat("𝄞", 60),
		strings.Repeat(",", 100),
		strings.Repeat(`\`, 100),
		strings.Repeat("\n", 50),
		strings.Repeat("会议注册 ", 40),
	}
	// Shift a multibyte character or an escape across the fold point.
	for pad := range 80 {
		for _, s := range []string{"é", "€", "𝄞", ",", ";", "\n", "\\", "é,"} {
			summaries = append(summaries, strings.Repeat("x", pad)+s+strings.Repeat(s, 3)+" fin")
		}
	}
	for _, s := range summaries {
		in := testICSInput()
		in.Event.Name = s
		in.Event.Venue = s
		in.AttendeeName = s
		obj := readICS(t, Invitation(in))
		for _, k := range []string{"SUMMARY", "LOCATION"} {
			if got := unescapeText(t, obj.get(t, "VEVENT", k).value); got != s {
				t.Errorf("%s = %q, want %q", k, got, s)
			}
		}
		if got := obj.get(t, "VEVENT", "ATTENDEE").params["CN"]; got != cnName(s) {
			t.Errorf("ATTENDEE CN = %q, want %q", got, cnName(s))
		}
	}
}

// cnName is name as cnParam writes it into CN, unquoted.
func cnName(name string) string {
	name = strings.NewReplacer("\n", " ", `"`, "'").Replace(name)
	return strings.Join(strings.Fields(name), " ")
}

func TestFoldLine(t *testing.T) {
	line := "SUMMARY:" + strings.Repeat("a", 67) + "é" + strings.Repeat("b", 80)
	got := foldLine(line)
	want := "SUMMARY:" + strings.Repeat("a", 67) + "\r\n é" + strings.Repeat("b", 72) + "\r\n " + strings.Repeat("b", 8) + "\r\n"
	if got != want {
		t.Errorf("foldLine() =\n%q\nwant\n%q", got, want)
	}
	if got := foldLine("UID:x"); got != "UID:x\r\n" {
		t.Errorf("foldLine(short) = %q", got)
	}
	exact := strings.Repeat("a", 75)
	if got := foldLine(exact); got != exact+"\r\n" {
		t.Errorf("foldLine(75 octets) = %q", got)
	}
}

// TestEventUID: a contact's UID is stable across resends, event moves
// and the address's case; it differs per contact, event, account and
// secret; it names its contact only to the holder of the secret; and
// nothing computable from public data passes for one.
func TestEventUID(t *testing.T) {
	ev := testEvent()
	uid := EventUID(testSecret, ev, "decorte@un.org", 17)
	if !strings.HasPrefix(uid, "e1-17-") || !strings.HasSuffix(uid, "@un.org") || len(uid) != len("e1-17-")+32+len("@un.org") {
		t.Errorf("EventUID() = %q", uid)
	}
	moved := ev
	moved.Start, moved.End, moved.Venue = moved.Start.Add(time.Hour), moved.End.Add(time.Hour), "Elsewhere"
	if EventUID(testSecret, moved, "decorte@un.org", 17) != uid || EventUID(testSecret, ev, " Decorte@UN.org", 17) != uid {
		t.Error("EventUID changes with the event's time, place or the address's case")
	}
	other := ev
	other.Name = "GCCM 2018"
	for name, u := range map[string]string{
		"another contact": EventUID(testSecret, ev, "decorte@un.org", 18),
		"another event":   EventUID(testSecret, other, "decorte@un.org", 17),
		"another account": EventUID(testSecret, ev, "habitat@un.org", 17),
		"another secret":  EventUID([]byte("other"), ev, "decorte@un.org", 17),
	} {
		if u == uid {
			t.Errorf("EventUID is the same for %s", name)
		}
	}
	if u := EventUID(testSecret, ev, "no-domain", 1); !strings.HasSuffix(u, "@herald.invalid") {
		t.Errorf("EventUID(no domain) = %q", u)
	}

	if id, ok := ParseEventUID(testSecret, ev, "Decorte@un.org", strings.ToUpper(uid[:len(uid)-7])+"@UN.org"); !ok || id != 17 {
		t.Errorf("ParseEventUID(own UID, other case) = %d, %v; want 17, true", id, ok)
	}
	mac := uid[len("e1-17-") : len(uid)-len("@un.org")]
	for name, u := range map[string]string{
		"legacy public UID":  LegacyEventUID(ev, "decorte@un.org"),
		"contact changed":    "e1-18-" + mac + "@un.org",
		"leading zero":       "e1-017-" + mac + "@un.org",
		"MAC cut":            "e1-17-" + mac[:30] + "@un.org",
		"other domain":       "e1-17-" + mac + "@evil.example",
		"other event":        EventUID(testSecret, other, "decorte@un.org", 17),
		"other secret":       EventUID([]byte("other"), ev, "decorte@un.org", 17),
		"no MAC":             "e1-17@un.org",
		"negative":           "e1--17-" + mac + "@un.org",
		"empty":              "",
		"not hex":            "e1-17-" + strings.Repeat("z", 32) + "@un.org",
		"version 2":          "e2-17-" + mac + "@un.org",
		"computed, no proof": EventUID(nil, ev, "decorte@un.org", 17),
	} {
		if id, ok := ParseEventUID(testSecret, ev, "decorte@un.org", u); ok {
			t.Errorf("ParseEventUID(%s %q) = %d, true; want refused", name, u, id)
		}
	}
	if _, ok := ParseEventUID(nil, ev, "decorte@un.org", EventUID(nil, ev, "decorte@un.org", 17)); ok {
		t.Error("ParseEventUID accepts UIDs without a secret")
	}
	if legacy := LegacyEventUID(ev, "decorte@un.org"); len(legacy) != 32+len("@un.org") || strings.HasPrefix(legacy, eventUIDVersion) {
		t.Errorf("LegacyEventUID() = %q", legacy)
	}
}

// FuzzICSText: any text in SUMMARY, LOCATION or a CN gives lines of at
// most 75 octets, whole UTF-8 sequences, and comes back as given once
// unfolded and unescaped, bar line breaks made "\n" and control
// characters dropped.
func FuzzICSText(f *testing.F) {
	f.Add("Conférence mondiale; séance, plénière\\n", "María Núñez")
	f.Add(strings.Repeat("x", 73)+"é€𝄞", "\"quoted\": yes;")
	f.Add("\r\n\r\x00\xff", "\xc3")
	f.Fuzz(func(t *testing.T, text, name string) {
		in := testICSInput()
		in.Event.Name, in.Event.Venue, in.AttendeeName = text, text, name
		obj := readICS(t, Invitation(in))
		want := strings.ToValidUTF8(text, "\uFFFD")
		want = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(want)
		want = strings.Map(func(r rune) rune {
			if r != '\n' && r != '\t' && (r < 0x20 || r == 0x7f) {
				return -1
			}
			return r
		}, want)
		if got := unescapeText(t, obj.get(t, "VEVENT", "SUMMARY").value); got != want {
			t.Fatalf("SUMMARY = %q, want %q", got, want)
		}
		if p := obj.get(t, "VEVENT", "ATTENDEE"); p.value != "mailto:"+in.Attendee || p.params["PARTSTAT"] != "NEEDS-ACTION" {
			t.Fatalf("ATTENDEE = %+v", p)
		}
	})
}

// FuzzParseEventUID: any UID is either refused or names the one contact
// whose UID it is (in any case), and never panics.
// Run with: go test -run ^$ -fuzz FuzzParseEventUID ./daemon/compose/
func FuzzParseEventUID(f *testing.F) {
	ev := testEvent()
	f.Add(EventUID(testSecret, ev, "decorte@un.org", 17))
	f.Add(LegacyEventUID(ev, "decorte@un.org"))
	f.Add("e1--1-@un.org")
	f.Add("e1-9223372036854775807-00@UN.ORG")
	f.Fuzz(func(t *testing.T, uid string) {
		id, ok := ParseEventUID(testSecret, ev, "decorte@un.org", uid)
		if !ok {
			return
		}
		if want := EventUID(testSecret, ev, "decorte@un.org", id); !strings.EqualFold(strings.TrimSpace(uid), want) {
			t.Fatalf("ParseEventUID(%q) = %d, whose UID is %q", uid, id, want)
		}
	})
}
