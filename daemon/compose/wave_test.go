package compose

import (
	"bufio"
	"bytes"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/herald-mail/herald/daemon/templates"
)

func waveInput() WaveInput {
	return WaveInput{
		From:        "decorte@un.org",
		FromName:    "Point focal ONU-Habitat",
		To:          "maria.lopez@ayto-madrid.es",
		ToName:      "Maria Lopez",
		MessageID:   "<wave.invitation.42@un.org>",
		Date:        time.Date(2017, 10, 2, 10, 30, 0, 0, time.FixedZone("", 2*3600)),
		Unsubscribe: UnsubscribeToken(testSecret, "habitat", "mayors", 42),
		WaveHeader:  "X-Herald-Wave",
		WaveValue:   "invitation/1",
		Rendered: &templates.Rendered{
			Name: "invitation", Lang: "es",
			Subject: "Invitación: Conferencia mundial sobre ciudades y migración",
			Text:    "Estimada señora López:\n\nTenemos el placer de invitarla.\n",
		},
	}
}

// waveMsg is a wave message read back with go-message, as a client would.
type waveMsg struct {
	h     mail.Header
	count map[string]int
	// tree is each entity's depth and media type, in order
	// ("0 multipart/mixed", "1 multipart/alternative", ...).
	tree  []string
	parts []wavePart
}

type wavePart struct {
	typ         string
	params      map[string]string
	disposition string
	filename    string
	encoding    string
	body        string
}

func parseWave(t *testing.T, raw []byte) waveMsg {
	t.Helper()
	checkWaveLines(t, raw)
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("message.Read() = %v\n%s", err, raw)
	}
	m := waveMsg{h: mail.Header{Header: e.Header}, count: map[string]int{}}
	for f := e.Header.Fields(); f.Next(); {
		m.count[f.Key()]++
	}
	err = e.Walk(func(path []int, ent *message.Entity, err error) error {
		if err != nil {
			return err
		}
		typ, params, _ := ent.Header.ContentType()
		m.tree = append(m.tree, strings.Repeat("  ", len(path))+typ)
		if strings.HasPrefix(typ, "multipart/") {
			return nil
		}
		disp, dparams, _ := ent.Header.ContentDisposition()
		b, err := io.ReadAll(ent.Body)
		if err != nil {
			return err
		}
		m.parts = append(m.parts, wavePart{typ, params, disp, dparams["filename"],
			ent.Header.Get("Content-Transfer-Encoding"), string(b)})
		return nil
	})
	if err != nil {
		t.Fatalf("Walk() = %v", err)
	}
	return m
}

// checkWaveLines: every line ends in CRLF and none passes 998 octets
// (RFC 5322 §2.1.1); only List-Unsubscribe, whose URLs are not folded,
// may pass 78.
func checkWaveLines(t *testing.T, raw []byte) {
	t.Helper()
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		t.Error("message does not end in CRLF")
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Split(splitCRLF)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", n, line)
		}
		limit := 78
		if strings.HasPrefix(line, "List-Unsubscribe: ") || strings.HasPrefix(line, " <http") {
			limit = 998
		}
		if len(line) > limit {
			t.Errorf("line %d is %d octets: %q", n, len(line), line)
		}
	}
}

func TestWaveHeaders(t *testing.T) {
	in := waveInput()
	raw, err := Wave(in)
	if err != nil {
		t.Fatalf("Wave() = %v", err)
	}
	m := parseWave(t, raw)
	for k, n := range m.count {
		if n != 1 {
			t.Errorf("header %s appears %d times", k, n)
		}
	}
	for _, k := range []string{"Bcc", "Cc", "Auto-Submitted", "Precedence", "List-Unsubscribe-Post", "In-Reply-To", "References"} {
		if m.h.Has(k) {
			t.Errorf("header %s present", k)
		}
	}
	want := map[string]string{
		"Message-Id":               "<wave.invitation.42@un.org>",
		"X-Auto-Response-Suppress": "OOF, AutoReply",
		"X-Herald-Wave":            "invitation/1",
		"List-Unsubscribe":         "<mailto:decorte@un.org?subject=unsubscribe%20" + in.Unsubscribe + ">",
		"Mime-Version":             "1.0",
		"Content-Language":         "es",
	}
	for k, v := range want {
		if got := m.h.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	from, err := m.h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != in.FromName || from[0].Address != in.From {
		t.Errorf("From = %v, %v", from, err)
	}
	to, err := m.h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != in.To || to[0].Name != in.ToName {
		t.Errorf("To = %v, %v", to, err)
	}
	rt, err := m.h.AddressList("Reply-To")
	if err != nil || len(rt) != 1 || rt[0].Address != in.From {
		t.Errorf("Reply-To = %v, %v", rt, err)
	}
	if s, err := m.h.Subject(); err != nil || s != in.Rendered.Subject {
		t.Errorf("Subject() = %q, %v", s, err)
	}
	if d, err := m.h.Date(); err != nil || !d.Equal(in.Date) {
		t.Errorf("Date() = %v, %v", d, err)
	}
	if len(m.tree) != 1 || len(m.parts) != 1 || m.parts[0].typ != "text/plain" || m.parts[0].params["charset"] != "utf-8" ||
		strings.ReplaceAll(m.parts[0].body, "\r\n", "\n") != in.Rendered.Text {
		t.Errorf("body = %v %+v", m.tree, m.parts)
	}
	if !bytes.Contains(raw, []byte("\r\nMessage-ID: <wave.invitation.42@un.org>\r\n")) {
		t.Error("Message-ID not spelled as usual")
	}
}

// TestWaveListUnsubscribe: the mailto form always, the https link and
// one-click Post only with a public URL (RFC 2369, RFC 8058 §3.1), and
// both carry a token that reads back to (account, list, contact).
func TestWaveListUnsubscribe(t *testing.T) {
	tok := UnsubscribeToken(testSecret, "habitat", "mayors", 42)
	tests := []struct {
		name, public, from string
		want               string
		post               bool
	}{
		{"mailto only", "", "decorte@un.org",
			"<mailto:decorte@un.org?subject=unsubscribe%20" + tok + ">", false},
		{"https", "https://herald.un.org", "decorte@un.org",
			"<mailto:decorte@un.org?subject=unsubscribe%20" + tok + ">, <https://herald.un.org/u/" + tok + ">", true},
		{"https with path", "https://un.org/herald/", "decorte@un.org",
			"<mailto:decorte@un.org?subject=unsubscribe%20" + tok + ">, <https://un.org/herald/u/" + tok + ">", true},
		{"http sandbox", "http://127.0.0.1:8025", "decorte@un.org",
			"<mailto:decorte@un.org?subject=unsubscribe%20" + tok + ">, <http://127.0.0.1:8025/u/" + tok + ">", false},
		{"address to escape", "", "events+gccm&co@un.org",
			"<mailto:events+gccm%26co@un.org?subject=unsubscribe%20" + tok + ">", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := waveInput()
			in.PublicURL, in.From = tt.public, tt.from
			in.Unsubscribe = tok
			raw, err := Wave(in)
			if err != nil {
				t.Fatalf("Wave() = %v", err)
			}
			m := parseWave(t, raw)
			if got := m.h.Get("List-Unsubscribe"); got != tt.want {
				t.Errorf("List-Unsubscribe = %q, want %q", got, tt.want)
			}
			if got := m.h.Get("List-Unsubscribe-Post"); (got == "List-Unsubscribe=One-Click") != tt.post || (!tt.post && got != "") {
				t.Errorf("List-Unsubscribe-Post = %q, want it %v", got, tt.post)
			}
			for _, u := range strings.Split(m.h.Get("List-Unsubscribe"), ", ") {
				checkUnsubscribeURL(t, strings.Trim(u, "<>"), tt.from)
			}
		})
	}
}

// checkUnsubscribeURL reads the token back from a List-Unsubscribe URL.
func checkUnsubscribeURL(t *testing.T, s, from string) {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatalf("url.Parse(%q) = %v", s, err)
	}
	var tok string
	switch u.Scheme {
	case "mailto":
		if addr, err := url.PathUnescape(u.Opaque); err != nil || addr != from {
			t.Errorf("mailto address = %q, want %q", u.Opaque, from)
		}
		subject := u.Query().Get("subject")
		var ok bool
		if tok, ok = strings.CutPrefix(subject, "unsubscribe "); !ok {
			t.Errorf("mailto subject = %q", subject)
		}
	default:
		var ok bool
		if _, tok, ok = strings.Cut(u.Path, "/u/"); !ok {
			t.Errorf("link path = %q", u.Path)
		}
	}
	if got, ok := ParseUnsubscribeToken(testSecret, tok); !ok || got != (UnsubscribeTarget{"habitat", "mayors", 42}) {
		t.Errorf("token in %s = %+v, %v", s, got, ok)
	}
}

func TestUnsubscribeURL(t *testing.T) {
	bad := []string{"", "herald.un.org", "ftp://un.org", "https://", "https://un.org/?a=b", "https://un.org/#x",
		"https://user:pw@un.org", "https://un.org/a,b", "https://un.org/a b", "https://un.org/é", "javascript:alert(1)"}
	for _, p := range bad {
		if u, err := UnsubscribeURL(p, "AbC_-1"); err == nil {
			t.Errorf("UnsubscribeURL(%q) = %q, want an error", p, u)
		}
	}
	if u, err := UnsubscribeURL("https://un.org", "a/b"); err == nil {
		t.Errorf("UnsubscribeURL(bad token) = %q", u)
	}
	if u, err := UnsubscribeURL("https://un.org//", "AbC_-1"); err != nil || u != "https://un.org/u/AbC_-1" {
		t.Errorf("UnsubscribeURL() = %q, %v", u, err)
	}
}

// TestWaveNonASCII: names and subjects in French, Spanish and Chinese
// come back as written, in RFC 2047 words where needed.
func TestWaveNonASCII(t *testing.T) {
	tests := []struct{ from, to, subject string }{
		{"Point focal ONU-Hábitat", "María López Núñez", "Invitación: Conferencia mundial sobre ciudades y migración"},
		{"Délégation générale", "Françoise d'Aubigné-Lefèvre", "Invitation — Conférence mondiale sur les villes et les migrations, Malines, 16 et 17 novembre 2017"},
		{"联合国人居署", "王小明", "会议邀请"},
		{"Plain, with comma", "O'Brien, Seán", "Plain ASCII subject long enough that it has to be folded across more than one header line"},
	}
	for _, tt := range tests {
		in := waveInput()
		in.FromName, in.ToName, in.Rendered.Subject = tt.from, tt.to, tt.subject
		raw, err := Wave(in)
		if err != nil {
			t.Fatalf("Wave(%q) = %v", tt.subject, err)
		}
		m := parseWave(t, raw)
		if s, err := m.h.Subject(); err != nil || s != tt.subject {
			t.Errorf("Subject() = %q, %v; want %q", s, err, tt.subject)
		}
		from, err := m.h.AddressList("From")
		if err != nil || len(from) != 1 || from[0].Name != tt.from {
			t.Errorf("From = %v, %v; want %q", from, err, tt.from)
		}
		to, err := m.h.AddressList("To")
		if err != nil || len(to) != 1 || to[0].Name != tt.to || to[0].Address != in.To {
			t.Errorf("To = %v, %v; want %q", to, err, tt.to)
		}
	}
}

func TestWaveHTML(t *testing.T) {
	in := waveInput()
	in.Rendered.HTML = "<p>Estimada señora López:</p>\n<p>Tenemos el placer de invitarla.</p>\n"
	in.Rendered.Headers = map[string]string{"X-Campaign": "gccm-2017"}
	raw, err := Wave(in)
	if err != nil {
		t.Fatalf("Wave() = %v", err)
	}
	m := parseWave(t, raw)
	if want := []string{"multipart/alternative", "  text/plain", "  text/html"}; strings.Join(m.tree, "|") != strings.Join(want, "|") {
		t.Errorf("structure = %q, want %q", m.tree, want)
	}
	if len(m.parts) != 2 || strings.ReplaceAll(m.parts[1].body, "\r\n", "\n") != in.Rendered.HTML || m.parts[1].params["charset"] != "utf-8" {
		t.Errorf("parts = %+v", m.parts)
	}
	if m.h.Get("X-Campaign") != "gccm-2017" || m.count["Content-Type"] != 1 {
		t.Errorf("headers = %v", m.count)
	}
}

// TestWaveInvitation: with an event, the invitation is the last
// alternative as text/calendar; method=REQUEST and again an invite.ics
// attachment, the same object for this contact.
func TestWaveInvitation(t *testing.T) {
	for _, html := range []string{"", "<p>Estimada señora López:</p>\n"} {
		in := waveInput()
		in.Rendered.HTML = html
		ev := testEvent()
		in.Event, in.EventUID = &ev, EventUID([]byte("k"), ev, in.From, 42)
		in.PublicURL = "https://herald.un.org"
		raw, err := Wave(in)
		if err != nil {
			t.Fatalf("Wave() = %v", err)
		}
		m := parseWave(t, raw)
		want := []string{"multipart/mixed", "  multipart/alternative", "    text/plain", "    text/calendar", "  application/ics"}
		if html != "" {
			want = []string{"multipart/mixed", "  multipart/alternative", "    text/plain", "    text/html", "    text/calendar", "  application/ics"}
		}
		if strings.Join(m.tree, "|") != strings.Join(want, "|") {
			t.Fatalf("structure = %q, want %q", m.tree, want)
		}
		cal, att := m.parts[len(m.parts)-2], m.parts[len(m.parts)-1]
		if cal.params["method"] != "REQUEST" || cal.params["charset"] != "utf-8" || cal.disposition != "" || cal.encoding != "base64" {
			t.Errorf("calendar part = %+v", cal)
		}
		if att.disposition != "attachment" || att.filename != "invite.ics" || att.params["name"] != "invite.ics" || att.encoding != "base64" {
			t.Errorf("attachment = %+v", att)
		}
		ics := Invitation(ICSInput{Event: ev, Organizer: in.From, OrganizerName: in.FromName,
			Attendee: in.To, AttendeeName: in.ToName, Stamp: in.Date, UID: in.EventUID})
		if cal.body != string(ics) || att.body != string(ics) {
			t.Errorf("calendar parts differ from Invitation():\n%s", cal.body)
		}
		obj := readICS(t, []byte(cal.body))
		if obj.get(t, "VCALENDAR", "METHOD").value != "REQUEST" ||
			obj.get(t, "VEVENT", "ATTENDEE").value != "mailto:"+in.To ||
			obj.get(t, "VEVENT", "ORGANIZER").value != "mailto:"+in.From {
			t.Errorf("invitation = %s", cal.body)
		}
		if m.count["Content-Type"] != 1 || m.count["To"] != 1 || m.h.Has("Cc") || m.h.Has("Bcc") {
			t.Errorf("headers = %v", m.count)
		}
	}
}

func TestWaveRejects(t *testing.T) {
	tests := []struct {
		name string
		edit func(*WaveInput)
		want string
	}{
		{"to with name", func(in *WaveInput) { in.To = "Eve <eve@x.org>" }, "to address"},
		{"two recipients", func(in *WaveInput) { in.To = "a@x.org, b@x.org" }, "to address"},
		{"injected to", func(in *WaveInput) { in.To = "a@x.org\r\nBcc: b@x.org" }, "to address"},
		{"bad from", func(in *WaveInput) { in.From = "habitat" }, "from address"},
		{"no message-id", func(in *WaveInput) { in.MessageID = "" }, "message-id"},
		{"no content", func(in *WaveInput) { in.Rendered = nil }, "no subject"},
		{"no text", func(in *WaveInput) { in.Rendered.Text = "" }, "empty text"},
		{"no token", func(in *WaveInput) { in.Unsubscribe = "" }, "unsubscribe token"},
		{"token with space", func(in *WaveInput) { in.Unsubscribe = "abc def" }, "unsubscribe token"},
		{"token breaking out", func(in *WaveInput) { in.Unsubscribe = "abc>, <https://evil" }, "unsubscribe token"},
		{"bad public url", func(in *WaveInput) { in.PublicURL = "herald.un.org" }, "public url"},
		{"wave header reserved", func(in *WaveInput) { in.WaveHeader = "Reply-To" }, "wave header"},
		{"wave header list", func(in *WaveInput) { in.WaveHeader = "List-Id" }, "wave header"},
		{"wave value only", func(in *WaveInput) { in.WaveHeader = "" }, "wave header"},
		{"wave value", func(in *WaveInput) { in.WaveValue = "a\r\nBcc: b@x" }, "wave header value"},
		{"template list header", func(in *WaveInput) {
			in.Rendered.Headers = map[string]string{"list-unsubscribe-post": "List-Unsubscribe=One-Click"}
		}, "clashes"},
		{"template suppress", func(in *WaveInput) {
			in.Rendered.Headers = map[string]string{"X-Auto-Response-Suppress": "None"}
		}, "clashes"},
		{"template wave header", func(in *WaveInput) {
			in.Rendered.Headers = map[string]string{"X-Herald-Wave": "x"}
		}, "clashes"},
		{"event without start", func(in *WaveInput) {
			ev := testEvent()
			ev.Start = time.Time{}
			in.Event, in.EventUID = &ev, "e1-1-00@un.org"
		}, "no start"},
		{"event without UID", func(in *WaveInput) {
			ev := testEvent()
			in.Event = &ev
		}, "no event UID"},
	}
	for _, tt := range tests {
		in := waveInput()
		tt.edit(&in)
		_, err := Wave(in)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "wave message to ") {
			t.Errorf("%s: Wave() = %v, want an error about %q", tt.name, err, tt.want)
		}
	}
}

// TestWaveInjection: line breaks in names, subjects and template headers
// are folded, never written; the contact stays the only recipient.
func TestWaveInjection(t *testing.T) {
	in := waveInput()
	in.ToName = "Maria\r\nBcc: a@evil"
	in.FromName = "Habitat\nCc: b@evil"
	in.Rendered.Subject = "Hello\r\nBcc: c@evil"
	in.Rendered.Headers = map[string]string{"X-Note": "n\nCc: d@evil"}
	raw, err := Wave(in)
	if err != nil {
		t.Fatalf("Wave() = %v", err)
	}
	m := parseWave(t, raw)
	if m.h.Has("Bcc") || m.h.Has("Cc") {
		t.Fatalf("header injected:\n%s", raw)
	}
	if to, _ := m.h.AddressList("To"); len(to) != 1 || to[0].Address != in.To || to[0].Name != "Maria Bcc: a@evil" {
		t.Errorf("To = %v", to)
	}
}

// TestWaveRendered renders a wave template as the daemon does, with the
// unsubscribe link in the body, and builds the message with its
// invitation.
func TestWaveRendered(t *testing.T) {
	dir := t.TempDir()
	err := os.WriteFile(filepath.Join(dir, "invitation.fr.txt"), []byte("Subject: Invitation : {{.Event.Name}}\nX-Campaign: {{.Wave.Name}}\n\n"+
		"Bonjour {{.Contact.Name}},\n\nSe désinscrire : {{.UnsubscribeURL}}\n"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	set, err := templates.Load(dir)
	if err != nil {
		t.Fatalf("Load() = %v", err)
	}
	in := waveInput()
	in.PublicURL = "https://herald.un.org"
	link, err := UnsubscribeURL(in.PublicURL, in.Unsubscribe)
	if err != nil {
		t.Fatal(err)
	}
	ev := testEvent()
	ev.Name = "Conférence mondiale sur les villes et les migrations"
	in.Event, in.EventUID = &ev, EventUID([]byte("k"), ev, in.From, 7)
	in.ToName = "Françoise Lefèvre"
	in.Rendered, err = set.Render("invitation", []string{"fr", "en"}, templates.Data{
		Contact:        &templates.Contact{Email: in.To, Name: in.ToName, Language: "fr"},
		Event:          ev,
		Account:        templates.AccountData{Name: "habitat", Address: in.From, FromName: in.FromName},
		Wave:           &templates.WaveData{Name: "invitation"},
		UnsubscribeURL: link,
	})
	if err != nil {
		t.Fatalf("Render() = %v", err)
	}
	raw, err := Wave(in)
	if err != nil {
		t.Fatalf("Wave() = %v", err)
	}
	m := parseWave(t, raw)
	if s, _ := m.h.Subject(); s != "Invitation : "+ev.Name {
		t.Errorf("Subject = %q", s)
	}
	if !strings.Contains(m.parts[0].body, link) || !strings.Contains(m.h.Get("List-Unsubscribe"), "<"+link+">") {
		t.Errorf("unsubscribe link missing:\n%s", raw)
	}
	if m.h.Get("X-Campaign") != "invitation" || m.h.Get("Content-Language") != "fr" {
		t.Errorf("headers = %v", m.count)
	}
	obj := readICS(t, []byte(m.parts[1].body))
	if got := unescapeText(t, obj.get(t, "VEVENT", "SUMMARY").value); got != ev.Name {
		t.Errorf("SUMMARY = %q", got)
	}
}
