package main

// Acceptance tests of the waves issue against Postfix's smtp-sink: a list
// imported with `herald lists import`, a one-shot wave run with `herald
// waves send`, and every message checked in the sink's dump
// (docs/BEHAVIOUR.md §8 and §9).

import (
	"bytes"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/smtp"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
	_ "github.com/mattn/go-sqlite3"

	"github.com/herald-mail/herald/daemon/realserver"
	"github.com/herald-mail/herald/daemon/testconfig"
)

// ---- contacts, config and the CLI ----

// waveContact is one row of the generated list.
type waveContact struct{ Email, Name, Lang string }

var (
	waveGiven = map[string][]string{
		"en": {"Sarah", "James", "Amina", "Thomas", "Grace"},
		"fr": {"Valérie", "François", "Hélène", "Jérôme", "Maïté"},
		"es": {"Begoña", "José", "Ángela", "Íñigo", "Lucía"},
	}
	waveFamily = map[string][]string{
		"en": {"Okello", "Smith", "Diallo", "Brown", "Mensah"},
		"fr": {"Lefèvre", "Côté", "Moreau", "Giraud", "Dubois"},
		"es": {"Muñoz", "Peña", "García", "Ibáñez", "Núñez"},
	}
	waveLangs = []string{"en", "fr", "es"}
)

// waveContacts makes n distinct contacts, languages in turn en, fr, es,
// with accented names in French and Spanish.
func waveContacts(n int) []waveContact {
	cs := make([]waveContact, n)
	for i := range cs {
		lang := waveLangs[i%3]
		cs[i] = waveContact{
			Email: fmt.Sprintf("contact%05d@city%02d.example", i, i%37),
			Name:  waveGiven[lang][i/3%5] + " " + waveFamily[lang][i/15%5],
			Lang:  lang,
		}
	}
	return cs
}

// writeContactsCSV writes cs as an import file (docs/BEHAVIOUR.md §9 columns).
func writeContactsCSV(t *testing.T, path string, cs []waveContact) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("email,name,language,organisation,title,city,country\n")
	for i, c := range cs {
		fmt.Fprintf(&b, "%s,%s,%s,City of %d,Mayor,City%d,BE\n", c.Email, c.Name, c.Lang, i, i)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// waveConfig is what the tests vary in a non-sandbox config.
type waveConfig struct {
	SMTPPort    int
	IMAPPort    int // a Dovecot's, or a closed port: `waves send` never opens IMAP
	Connections int
	Rate        string
	Waves       string // the waves: section, indented by two spaces
}

// writeWaveConfig writes config.yaml into dir for one account, habitat,
// sending through 127.0.0.1:SMTPPort without TLS or AUTH (smtp-sink offers
// neither usefully), one list, invitees, and the given waves, with the
// repository's templates; it checks it with `herald check`.
func writeWaveConfig(t *testing.T, dir string, o waveConfig) string {
	t.Helper()
	return writeConfig(t, dir, configHead(dir, testconfig.RepoTemplates(), false)+fmt.Sprintf(`accounts:
  - name: habitat
    address: decorte@un.org
    from_name: UN-Habitat focal point
    language: en
    imap: {host: 127.0.0.1, port: %d, security: none, username: decorte@un.org, password: Habitat2017}
    smtp: {host: 127.0.0.1, port: %d, security: none, connections: %d, rate: %s}
triage:
  acknowledge: false
lists:
  - name: invitees
waves:
%s
`, o.IMAPPort, o.SMTPPort, o.Connections, o.Rate, o.Waves), true)
}

// closedPort returns a loopback port nothing listens on. `waves send`
// never opens IMAP; `herald run` with an unreachable IMAP server still
// sends its waves while the watcher reconnects with backoff, but the crash
// test gives the daemon a real Dovecot all the same.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// importContacts runs `herald lists import invitees FILE --json` and
// requires every row added.
func importContacts(t *testing.T, cfg string, cs []waveContact) {
	t.Helper()
	csv := filepath.Join(filepath.Dir(cfg), "contacts.csv")
	writeContactsCSV(t, csv, cs)
	out, errOut, code := herald(t, "--config", cfg, "lists", "import", "invitees", csv, "--json")
	if code != 0 {
		t.Fatalf("lists import: exit %d\n%s%s", code, out, errOut)
	}
	var rep struct {
		Added    int               `json:"added"`
		Rejected []json.RawMessage `json:"rejected"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Added != len(cs) || len(rep.Rejected) != 0 {
		t.Fatalf("lists import --json = %v\n%s", err, out)
	}
}

// waveStatus is `waves --json` / `waves show --json` (docs/BEHAVIOUR.md §2), with
// show's last_errors.
type waveStatus struct {
	Name       string `json:"name"`
	State      string `json:"state"`
	Runs       int    `json:"runs"`
	Planned    int    `json:"planned"`
	Sent       int    `json:"sent"`
	Failed     int    `json:"failed"`
	Skipped    int    `json:"skipped"`
	Pending    int    `json:"pending"`
	Uncertain  int    `json:"uncertain"`
	LastErrors []struct {
		Email             string `json:"email"`
		State             string `json:"state"`
		Reason            string `json:"reason"`
		PossibleDuplicate bool   `json:"possible_duplicate"`
	} `json:"last_errors"`
}

func (s waveStatus) counts() string {
	return fmt.Sprintf("%s: planned %d, sent %d, failed %d, skipped %d, pending %d, uncertain %d",
		s.State, s.Planned, s.Sent, s.Failed, s.Skipped, s.Pending, s.Uncertain)
}

// waveList runs `herald waves --json` and returns the wave named name.
func waveList(t *testing.T, cfg, name string) waveStatus {
	t.Helper()
	out, errOut, code := herald(t, "--config", cfg, "waves", "--json")
	if code != 0 {
		t.Fatalf("waves --json: exit %d\n%s", code, errOut)
	}
	var all []waveStatus
	if err := json.Unmarshal([]byte(out), &all); err != nil {
		t.Fatalf("waves --json: %v\n%s", err, out)
	}
	for _, w := range all {
		if w.Name == name {
			return w
		}
	}
	t.Fatalf("waves --json has no wave %s:\n%s", name, out)
	return waveStatus{}
}

// waveShow runs `herald waves show NAME --json`.
func waveShow(t *testing.T, cfg, name string) waveStatus {
	t.Helper()
	out, errOut, code := herald(t, "--config", cfg, "waves", "show", name, "--json")
	if code != 0 {
		t.Fatalf("waves show --json: exit %d\n%s", code, errOut)
	}
	var s waveStatus
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("waves show --json: %v\n%s", err, out)
	}
	return s
}

// waveSend runs `herald waves send NAME` and returns its summary line.
func waveSend(t *testing.T, cfg, name string) string {
	t.Helper()
	start := time.Now()
	out, errOut, code := herald(t, "--config", cfg, "waves", "send", name)
	if code != 0 {
		t.Fatalf("waves send %s: exit %d\n%s%s", name, code, out, errOut)
	}
	t.Logf("waves send %s in %v: %s", name, time.Since(start).Round(time.Millisecond), strings.TrimSpace(out))
	return out
}

// ---- what the sink received ----

// perRecipient groups the sink's messages by envelope recipient, failing
// on a transaction with other than one recipient.
func perRecipient(t *testing.T, msgs []realserver.DumpedMessage) map[string][]realserver.DumpedMessage {
	t.Helper()
	by := map[string][]realserver.DumpedMessage{}
	for _, m := range msgs {
		if len(m.To) != 1 {
			t.Errorf("%s: %d envelope recipients %v, want 1 (docs/BEHAVIOUR.md §8.5: one recipient per message)", m.File, len(m.To), m.To)
			continue
		}
		by[strings.ToLower(m.To[0])] = append(by[strings.ToLower(m.To[0])], m)
	}
	return by
}

// eventDates is {{date .Event.Start}} in each language (docs/BEHAVIOUR.md §10: dates in
// the contact's language).
var eventDates = map[string]string{"en": "16 November 2017", "fr": "16 novembre 2017", "es": "16 de noviembre de 2017"}

// shippedSubjects reads the Subject line of the shipped
// templates/NAME.LANG.txt for en, fr and es and fills in the two actions
// the invitation uses; a language without its own file expects English
// (docs/BEHAVIOUR.md §10 fallback).
func shippedSubjects(t *testing.T, name, event string) map[string]string {
	t.Helper()
	subjects := map[string]string{}
	for _, lang := range waveLangs {
		raw, err := os.ReadFile(filepath.Join("../../templates", name+"."+lang+".txt"))
		if err != nil {
			t.Errorf("docs/BEHAVIOUR.md §10 ships %s in en, fr and es: %v", name, err)
			continue
		}
		line, _, _ := strings.Cut(string(raw), "\n")
		subj, ok := strings.CutPrefix(line, "Subject: ")
		if !ok {
			t.Fatalf("templates/%s.%s.txt does not start with Subject:", name, lang)
		}
		subj = strings.ReplaceAll(subj, "{{.Event.Name}}", event)
		subj = strings.ReplaceAll(subj, "{{date .Event.Start}}", eventDates[lang])
		if strings.Contains(subj, "{{") {
			t.Fatalf("templates/%s.%s.txt: this test knows only .Event.Name and date .Event.Start in the subject: %q", name, lang, subj)
		}
		subjects[lang] = subj
	}
	return subjects
}

// mimePart is one leaf of a message: its media type and parameters, its
// Content-Disposition and its decoded body.
type mimePart struct {
	Type        string
	Params      map[string]string
	Disposition string
	Body        []byte
}

// leaves walks a MIME entity depth first and returns its leaf parts,
// bodies decoded (multipart.Reader.NextPart undoes quoted-printable itself).
func leaves(h textproto.MIMEHeader, body io.Reader) ([]mimePart, error) {
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return nil, fmt.Errorf("content-type %q: %w", h.Get("Content-Type"), err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		var out []mimePart
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return out, nil
			}
			if err != nil {
				return nil, err
			}
			sub, err := leaves(p.Header, p)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		}
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(h.Get("Content-Transfer-Encoding"), "base64") {
		if raw, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(raw)), "")); err != nil {
			return nil, fmt.Errorf("%s part: base64: %w", mt, err)
		}
	}
	disp, _, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	return []mimePart{{Type: mt, Params: params, Disposition: disp, Body: raw}}, nil
}

// unsubscribeRE is herald's List-Unsubscribe without http.public_url:
// the mailto form alone, its subject carrying the signed token (docs/BEHAVIOUR.md §8.5).
var unsubscribeRE = regexp.MustCompile(`^<mailto:decorte@un\.org\?subject=unsubscribe%20[A-Za-z0-9_-]{16,}>$`)

// checkInvitation checks one dumped invitation against its contact:
// envelope and header recipients, language, subject, List-Unsubscribe,
// text part and the iTIP invitation (docs/BEHAVIOUR.md §8.5).
func checkInvitation(m realserver.DumpedMessage, c waveContact, subjects map[string]string) error {
	msg, err := m.Message()
	if err != nil {
		return err
	}
	h := msg.Header
	if m.From != "decorte@un.org" {
		return fmt.Errorf("MAIL FROM %q", m.From)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 1 || !strings.EqualFold(to[0].Address, c.Email) || to[0].Name != c.Name {
		return fmt.Errorf("To %q (%v), want %s <%s> alone", h.Get("To"), err, c.Name, c.Email)
	}
	for _, k := range []string{"Cc", "Bcc"} {
		if v := h.Get(k); v != "" {
			return fmt.Errorf("%s: %q on a wave message", k, v)
		}
	}
	if got := h.Get("Content-Language"); got != c.Lang {
		return fmt.Errorf("Content-Language %q, want %s", got, c.Lang)
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subj != subjects[c.Lang] {
		return fmt.Errorf("Subject %q (%v), want %q from templates/invitation.%s.txt", subj, err, subjects[c.Lang], c.Lang)
	}
	if lu := strings.Join(strings.Fields(h.Get("List-Unsubscribe")), ""); !unsubscribeRE.MatchString(lu) {
		return fmt.Errorf("List-Unsubscribe %q", h.Get("List-Unsubscribe"))
	}
	if h.Get("Message-Id") == "" || h.Get("X-Auto-Response-Suppress") != "OOF, AutoReply" || h.Get("Reply-To") != "<decorte@un.org>" {
		return fmt.Errorf("headers Message-ID %q, X-Auto-Response-Suppress %q, Reply-To %q", h.Get("Message-Id"), h.Get("X-Auto-Response-Suppress"), h.Get("Reply-To"))
	}
	parts, err := leaves(textproto.MIMEHeader(h), msg.Body)
	if err != nil {
		return err
	}
	var text, request, attachment int
	for _, p := range parts {
		switch {
		case p.Type == "text/plain":
			text++
			if !bytes.Contains(p.Body, []byte(c.Email)) {
				return fmt.Errorf("text part does not name the contact's address")
			}
		case p.Type == "text/calendar" && strings.EqualFold(p.Params["method"], "REQUEST"):
			request++
			if err := checkICS(p.Body, c.Email); err != nil {
				return fmt.Errorf("text/calendar part: %w", err)
			}
		case p.Type == "application/ics" && p.Disposition == "attachment":
			attachment++
			if err := checkICS(p.Body, c.Email); err != nil {
				return fmt.Errorf("application/ics part: %w", err)
			}
		}
	}
	if text != 1 || request != 1 || attachment != 1 {
		return fmt.Errorf("parts %v: want one text/plain, one text/calendar;method=REQUEST and one .ics attachment", partTypes(parts))
	}
	return nil
}

func partTypes(ps []mimePart) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Type)
	}
	return out
}

// checkICS checks an iCalendar object is a REQUEST naming the attendee
// (RFC 5546 §3.2.2). Lines may be folded (RFC 5545 §3.1): unfold first.
func checkICS(ics []byte, attendee string) error {
	s := strings.ReplaceAll(strings.ReplaceAll(string(ics), "\r\n ", ""), "\n ", "")
	if !strings.Contains(s, "METHOD:REQUEST") || !strings.Contains(s, "BEGIN:VEVENT") ||
		!strings.Contains(strings.ToLower(s), "mailto:"+strings.ToLower(attendee)) {
		return fmt.Errorf("not a REQUEST to %s:\n%s", attendee, s)
	}
	return nil
}

// ---- the tests ----

// TestWaveToSMTPSink: 2,000 contacts in English, French and Spanish, one
// invitation each through four sessions, each in the contact's language
// with the invitation attached.
func TestWaveToSMTPSink(t *testing.T) {
	t.Parallel()
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})
	dir := t.TempDir()
	cfg := writeWaveConfig(t, dir, waveConfig{SMTPPort: sink.Port, IMAPPort: closedPort(t), Connections: 4, Rate: "500/s",
		Waves: `  - name: invitation
    account: habitat
    list: invitees
    template: invitation
    at: 2017-09-01T09:00:00+02:00
    attach_ics: true`})
	contacts := waveContacts(2000)
	importContacts(t, cfg, contacts)

	out := waveSend(t, cfg, "invitation")
	if !strings.Contains(out, "sent 2000, failed 0, skipped 0, pending 0, possible duplicates 0") {
		t.Errorf("waves send printed %q", out)
	}
	if s := waveList(t, cfg, "invitation"); s.State != "done" || s.Planned != 2000 || s.Sent != 2000 || s.Failed+s.Pending+s.Skipped+s.Uncertain != 0 {
		t.Errorf("waves --json: %s, want done with 2000 sent", s.counts())
	}

	msgs, err := sink.Messages()
	if err != nil {
		t.Fatal(err)
	}
	by := perRecipient(t, msgs)
	subjects := shippedSubjects(t, "invitation", "Global Conference on Cities and Migrants")
	ids := map[string]string{}
	var bad []string
	for _, c := range contacts {
		got := by[c.Email]
		if len(got) != 1 {
			bad = append(bad, fmt.Sprintf("%s: %d messages", c.Email, len(got)))
			continue
		}
		if err := checkInvitation(got[0], c, subjects); err != nil {
			bad = append(bad, fmt.Sprintf("%s (%s): %v", c.Email, c.Lang, err))
			continue
		}
		m, _ := got[0].Message()
		id := m.Header.Get("Message-Id")
		if prev, dup := ids[id]; dup {
			bad = append(bad, fmt.Sprintf("%s: Message-ID %s already used for %s", c.Email, id, prev))
		}
		ids[id] = c.Email
	}
	if len(msgs) != len(contacts) {
		t.Errorf("the sink received %d messages for %d contacts", len(msgs), len(contacts))
	}
	if len(bad) > 0 {
		t.Errorf("%d of %d contacts did not get exactly one right invitation; first ones:\n%s", len(bad), len(contacts), strings.Join(bad[:min(len(bad), 10)], "\n"))
	}

	// A one-shot wave goes to a contact once, ever (README): running it
	// again writes a new run in which everyone is skipped.
	out = waveSend(t, cfg, "invitation")
	if !strings.Contains(out, "sent 2000, failed 0, skipped 2000, pending 0") {
		t.Errorf("second waves send printed %q", out)
	}
	if again, _ := sink.Messages(); len(again) != len(msgs) {
		t.Errorf("a second waves send of a one-shot wave sent %d more messages", len(again)-len(msgs))
	}
}

// faultyRelay is an SMTP server in front of smtp-sink that refuses chosen
// recipients at RCPT and relays every other transaction to the sink,
// answering its DATA only after the sink answered. smtp-sink alone can
// refuse every RCPT or none (-r, -f), not a share of them.
type faultyRelay struct {
	sink   string
	srv    *gosmtp.Server
	port   int
	policy atomic.Pointer[func(rcpt string) *gosmtp.SMTPError]

	mu      sync.Mutex
	refused map[int][]string // reply code -> recipients refused with it
}

func startFaultyRelay(t *testing.T, sink string) *faultyRelay {
	t.Helper()
	r := &faultyRelay{sink: sink, refused: map[int][]string{}}
	r.setPolicy(nil)
	r.srv = gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) {
		return &relaySession{r: r}, nil
	}))
	r.srv.Domain = "relay.test"
	r.srv.ReadTimeout, r.srv.WriteTimeout = 30*time.Second, 30*time.Second
	r.srv.MaxMessageBytes = 10 << 20
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.port = ln.Addr().(*net.TCPAddr).Port
	go r.srv.Serve(ln)
	t.Cleanup(func() { r.srv.Close() })
	return r
}

// setPolicy decides the RCPT answers from now on; nil accepts everyone.
func (r *faultyRelay) setPolicy(p func(rcpt string) *gosmtp.SMTPError) {
	if p == nil {
		p = func(string) *gosmtp.SMTPError { return nil }
	}
	r.policy.Store(&p)
}

// takeRefused returns and forgets the recipients refused so far, by code.
func (r *faultyRelay) takeRefused() map[int][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.refused
	r.refused = map[int][]string{}
	return out
}

// relaySession is one client session; it keeps one session with the sink.
type relaySession struct {
	r     *faultyRelay
	from  string
	rcpts []string
	up    *smtp.Client
}

func (s *relaySession) Reset() { s.from, s.rcpts = "", nil }

func (s *relaySession) Logout() error {
	if s.up != nil {
		s.up.Quit()
	}
	return nil
}

func (s *relaySession) Mail(from string, _ *gosmtp.MailOptions) error {
	s.from, s.rcpts = from, nil
	return nil
}

func (s *relaySession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if e := (*s.r.policy.Load())(strings.ToLower(to)); e != nil {
		s.r.mu.Lock()
		s.r.refused[e.Code] = append(s.r.refused[e.Code], strings.ToLower(to))
		s.r.mu.Unlock()
		return e
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *relaySession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := s.forward(raw); err != nil {
		if s.up != nil {
			s.up.Close()
			s.up = nil
		}
		return &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 4, 0}, Message: "relay to smtp-sink failed: " + err.Error()}
	}
	return nil
}

func (s *relaySession) forward(raw []byte) error {
	if s.up == nil {
		c, err := smtp.Dial(s.r.sink)
		if err != nil {
			return err
		}
		if err := c.Hello("relay.test"); err != nil {
			c.Close()
			return err
		}
		s.up = c
	}
	if err := s.up.Mail(s.from); err != nil {
		return err
	}
	for _, to := range s.rcpts {
		if err := s.up.Rcpt(to); err != nil {
			return err
		}
	}
	w, err := s.up.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	return w.Close()
}

// Answers of the faulty relay, in Postfix's words.
const (
	softText = "Temporary lookup failure"
	hardText = "Recipient address rejected: User unknown in virtual mailbox table"
)

func softReject(rcpt string) *gosmtp.SMTPError {
	return &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 3, 0}, Message: "<" + rcpt + ">: " + softText}
}

func hardReject(rcpt string) *gosmtp.SMTPError {
	return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "<" + rcpt + ">: " + hardText}
}

// heraldTS is how the store writes times (daemon/store tsLayout): the
// deliveries' next_at is compared as text, so a test edit must match it.
const heraldTS = "2006-01-02T15:04:05.000000000Z07:00"

// TestWaveRetriesAndFailures: one contact in ten gets a 4xx at RCPT, one
// in 25 a 5xx. The 4xx are retried with backoff and delivered once the
// server recovers; the 5xx fail with the server's text, are listed by
// `waves show`, and `waves retry` then `waves send` delivers them once the
// server accepts them. Every contact ends with exactly one message.
func TestWaveRetriesAndFailures(t *testing.T) {
	t.Parallel()
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})
	relay := startFaultyRelay(t, sink.Addr)
	dir := t.TempDir()
	cfg := writeWaveConfig(t, dir, waveConfig{SMTPPort: relay.port, IMAPPort: closedPort(t), Connections: 4, Rate: "500/s",
		Waves: `  - name: invitation
    account: habitat
    list: invitees
    template: invitation
    at: 2017-09-01T09:00:00+02:00`})
	contacts := waveContacts(500)
	importContacts(t, cfg, contacts)
	soft, hard := map[string]bool{}, map[string]bool{}
	for i, c := range contacts {
		switch {
		case i%10 == 3:
			soft[c.Email] = true
		case i%25 == 7:
			hard[c.Email] = true
		}
	}
	relay.setPolicy(func(rcpt string) *gosmtp.SMTPError {
		switch {
		case soft[rcpt]:
			return softReject(rcpt)
		case hard[rcpt]:
			return hardReject(rcpt)
		}
		return nil
	})
	nSoft, nHard, n := len(soft), len(hard), len(contacts)

	// Phase 1: the server refuses a share of the recipients.
	out := waveSend(t, cfg, "invitation")
	want := fmt.Sprintf("sent %d, failed %d, skipped 0, pending %d", n-nSoft-nHard, nHard, nSoft)
	if !strings.Contains(out, want) {
		t.Errorf("waves send printed %q, want %q", out, want)
	}
	refused := relay.takeRefused()
	if len(refused[451]) != nSoft || len(refused[550]) != nHard {
		t.Errorf("phase 1: the relay refused %d with 451 and %d with 550, want %d and %d (each recipient once)",
			len(refused[451]), len(refused[550]), nSoft, nHard)
	}
	checkSinkOnce(t, sink, contacts, func(email string) bool { return !soft[email] && !hard[email] })

	// The 4xx wait for their retry: 30 s after the first try (docs/BEHAVIOUR.md §8.6).
	db := openHeraldDB(t, cfg)
	rows, err := db.Query(`SELECT email, tries, next_at, reason FROM deliveries WHERE wave = 'invitation' AND state = 'retry'`)
	if err != nil {
		t.Fatal(err)
	}
	retries := 0
	for rows.Next() {
		var email, next, reason string
		var tries int
		if err := rows.Scan(&email, &tries, &next, &reason); err != nil {
			t.Fatal(err)
		}
		retries++
		at, _ := time.Parse(time.RFC3339Nano, next)
		if wait := time.Until(at); !soft[email] || tries != 1 || wait < 20*time.Second || wait > 31*time.Second ||
			!strings.Contains(reason, "451 4.3.0") || !strings.Contains(reason, softText) {
			t.Errorf("retry row %s: tries %d, next in %v, reason %q; want a soft-refused contact, 1 try, ~30 s, the server's 451 text",
				email, tries, wait.Round(time.Second), reason)
		}
	}
	rows.Close()
	if retries != nSoft {
		t.Errorf("%d rows wait for a retry, want %d", retries, nSoft)
	}
	if s := waveList(t, cfg, "invitation"); s.State != "running" || s.Pending != nSoft || s.Failed != nHard {
		t.Errorf("after phase 1 waves --json: %s", s.counts())
	}

	// Phase 2: the server recovers from its temporary trouble. The first
	// retry is due 30 s after the 4xx; rather than wait, the test moves the
	// retry rows' next_at to now — the backoff itself was checked above.
	relay.setPolicy(func(rcpt string) *gosmtp.SMTPError {
		if hard[rcpt] {
			return hardReject(rcpt)
		}
		return nil
	})
	if _, err := db.Exec(`UPDATE deliveries SET next_at = ? WHERE wave = 'invitation' AND state = 'retry'`,
		time.Now().Add(-time.Second).UTC().Format(heraldTS)); err != nil {
		t.Fatal(err)
	}
	out = waveSend(t, cfg, "invitation")
	want = fmt.Sprintf("sent %d, failed %d, skipped 0, pending 0", n-nHard, nHard)
	if !strings.Contains(out, want) {
		t.Errorf("waves send after recovery printed %q, want %q", out, want)
	}
	if refused := relay.takeRefused(); len(refused) != 0 {
		t.Errorf("phase 2: the relay refused %v; failed deliveries must not be retried without 'waves retry'", refused)
	}
	checkSinkOnce(t, sink, contacts, func(email string) bool { return !hard[email] })

	// The 5xx failed with the server's text, listed by `waves show`.
	s := waveShow(t, cfg, "invitation")
	if s.State != "done" || s.Failed != nHard || s.Sent != n-nHard || s.Pending != 0 {
		t.Errorf("waves show --json after phase 2: %s", s.counts())
	}
	if len(s.LastErrors) == 0 {
		t.Errorf("waves show --json lists no last_errors with %d failed", s.Failed)
	}
	for _, e := range s.LastErrors {
		if e.State != "failed" || !hard[e.Email] || !strings.Contains(e.Reason, "550 5.1.1") || !strings.Contains(e.Reason, hardText) {
			t.Errorf("last_errors entry %+v: want a failed hard-refused contact with the server's 550 5.1.1 text", e)
		}
	}

	// Phase 3: the server now knows them: `waves retry`, then `waves send`.
	relay.setPolicy(nil)
	out, errOut, code := herald(t, "--config", cfg, "waves", "retry", "invitation")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("%d failed deliveries", nHard)) {
		t.Fatalf("waves retry: exit %d %q\n%s", code, out, errOut)
	}
	if s := waveList(t, cfg, "invitation"); s.Pending != nHard || s.Failed != 0 {
		t.Errorf("after waves retry, waves --json: %s; want %d pending, 0 failed", s.counts(), nHard)
	}
	out = waveSend(t, cfg, "invitation")
	want = fmt.Sprintf("sent %d, failed 0, skipped 0, pending 0", n)
	if !strings.Contains(out, want) {
		t.Errorf("waves send after waves retry printed %q, want %q", out, want)
	}
	checkSinkOnce(t, sink, contacts, func(string) bool { return true })
	if s := waveShow(t, cfg, "invitation"); s.State != "done" || s.Sent != n || s.Failed != 0 || s.Pending != 0 || len(s.LastErrors) != 0 {
		t.Errorf("waves show --json at the end: %s, last_errors %+v; want done, all sent, none listed", s.counts(), s.LastErrors)
	}
}

// openHeraldDB opens the config's database next to herald (WAL allows it).
func openHeraldDB(t *testing.T, cfg string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(filepath.Dir(cfg), "data", "herald.db")+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// checkSinkOnce requires exactly one message in the sink for each contact
// that should have one by now, and none for the others.
func checkSinkOnce(t *testing.T, sink *realserver.Sink, contacts []waveContact, should func(email string) bool) {
	t.Helper()
	msgs, err := sink.Messages()
	if err != nil {
		t.Fatal(err)
	}
	by := perRecipient(t, msgs)
	var bad []string
	for _, c := range contacts {
		want := 0
		if should(c.Email) {
			want = 1
		}
		if got := len(by[c.Email]); got != want {
			bad = append(bad, fmt.Sprintf("%s: %d messages, want %d", c.Email, got, want))
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Errorf("%d contacts with a wrong message count in the sink (%d messages in all); first ones:\n%s",
			len(bad), len(msgs), strings.Join(bad[:min(len(bad), 10)], "\n"))
	}
}
