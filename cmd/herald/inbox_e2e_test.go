package main

// Acceptance test of the inbox issue against real servers: the real binary
// watches a real Dovecot INBOX and sends its acknowledgements to Postfix's
// smtp-sink, is SIGKILLed half-way and has its IMAP connection cut in the
// middle of a FETCH, and must still file every message exactly once and
// acknowledge every enquiry the policy allows exactly once
// (docs/BEHAVIOUR.md §3.2 and §5).

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	gomessage "github.com/emersion/go-message"

	"github.com/herald-mail/herald/daemon/classify"
	"github.com/herald-mail/herald/daemon/realserver"
	"github.com/herald-mail/herald/daemon/testconfig"
	"github.com/herald-mail/herald/daemon/triage"
)

// ---- a `herald run` on a real-server config ----

// liveHerald is a `herald run` whose accounts point at real servers: no
// sandbox, so the banner names only the dashboard.
type liveHerald struct {
	name   string
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan struct{}
	err    error // from Wait, once done is closed
	// dashboard is the address the banner names (host:port), once
	// startLiveHerald returned.
	dashboard string
}

var liveDashboardLine = regexp.MustCompile(`^\s+dashboard\s+http://(\S+)`)

// startLiveHerald starts `herald --config config run` and waits for its
// banner. The process is SIGKILLed when the test ends; on failure its
// stderr (the log) is written to the test log under name.
func startLiveHerald(t *testing.T, name, config string) *liveHerald {
	t.Helper()
	h := &liveHerald{name: name, cmd: exec.Command(heraldBin, "--config", config, "run"), stderr: &syncBuffer{}, done: make(chan struct{})}
	h.cmd.Stderr = h.stderr
	out, err := h.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := h.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		seen := false
		for sc.Scan() {
			if m := liveDashboardLine.FindStringSubmatch(sc.Text()); !seen && m != nil {
				seen = true
				h.dashboard = m[1]
				close(ready)
			}
		}
		io.Copy(io.Discard, out)
	}()
	go func() { h.err = h.cmd.Wait(); close(h.done) }()
	t.Cleanup(func() {
		h.kill()
		if t.Failed() {
			t.Logf("%s stderr (last 30000 bytes):\n%s", name, tail(h.stderr.String(), 30000))
		}
	})
	select {
	case <-ready:
	case <-h.done:
		t.Fatalf("%s exited at start: %v\n%s", name, h.err, h.stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("%s printed no banner in 20 s\n%s", name, h.stderr.String())
	}
	return h
}

// kill SIGKILLs the process, giving it no chance to checkpoint, and waits
// for it. Calling it again is fine.
func (h *liveHerald) kill() {
	select {
	case <-h.done:
		return
	default:
	}
	h.cmd.Process.Kill()
	<-h.done
}

// stop sends SIGTERM and requires exit status 0 within 10 s (README).
func (h *liveHerald) stop(t *testing.T) {
	t.Helper()
	h.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-h.done:
		if h.err != nil {
			t.Errorf("%s after SIGTERM: %v, want exit 0", h.name, h.err)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("%s still running 10 s after SIGTERM", h.name)
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// writeLiveConfig writes a non-sandbox config.yaml into dir with the
// repository's templates, the GCCM event and the given accounts and triage
// sections (YAML, already indented), and checks it with `herald check`.
func writeLiveConfig(t *testing.T, dir, accounts, triageYAML string) string {
	t.Helper()
	return writeConfig(t, dir, configHead(dir, testconfig.RepoTemplates(), false)+"accounts:\n"+accounts+"\ntriage:\n"+triageYAML+"\n", true)
}

// liveEnquiry is one element of `herald enquiries --json` (docs/BEHAVIOUR.md §2).
type liveEnquiry struct {
	Ref            string     `json:"ref"`
	Account        string     `json:"account"`
	From           string     `json:"from"`
	Subject        string     `json:"subject"`
	Category       string     `json:"category"`
	Status         string     `json:"status"`
	AcknowledgedAt *time.Time `json:"acknowledged_at"`
	AckSuppressed  *string    `json:"ack_suppressed"`
	Language       string     `json:"language"`
}

// liveEnquiries runs `herald enquiries --json` on config's database.
func liveEnquiries(t *testing.T, config string) []liveEnquiry {
	t.Helper()
	out, errOut, code := herald(t, "--config", config, "enquiries", "--json")
	if code != 0 {
		t.Fatalf("herald enquiries --json: exit %d\n%s", code, errOut)
	}
	var qs []liveEnquiry
	if err := json.Unmarshal([]byte(out), &qs); err != nil {
		t.Fatalf("enquiries JSON: %v\n%s", err, out)
	}
	return qs
}

// ---- IMAP helpers (a test client of the real Dovecot) ----

// dvLogin connects to Dovecot as user; the connection closes with the test.
func dvLogin(t *testing.T, addr, user, pass string) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatalf("DialInsecure(%s) = %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(user, pass).Wait(); err != nil {
		t.Fatalf("Login(%s).Wait() = %v", user, err)
	}
	return c
}

// dvAppend APPENDs raw to mailbox.
func dvAppend(c *imapclient.Client, mailbox string, raw []byte) error {
	cmd := c.Append(mailbox, int64(len(raw)), nil)
	if _, err := cmd.Write(raw); err != nil {
		cmd.Close()
		return err
	}
	if err := cmd.Close(); err != nil {
		return err
	}
	_, err := cmd.Wait()
	return err
}

// dvMailboxes lists every selectable mailbox.
func dvMailboxes(c *imapclient.Client) ([]string, error) {
	data, err := c.List("", "*", nil).Collect()
	if err != nil {
		return nil, fmt.Errorf("List(*).Collect() = %w", err)
	}
	var out []string
	for _, d := range data {
		if !slices.Contains(d.Attrs, imap.MailboxAttrNoSelect) && !slices.Contains(d.Attrs, imap.MailboxAttrNonExistent) {
			out = append(out, d.Mailbox)
		}
	}
	sort.Strings(out)
	return out, nil
}

// dvCount is the STATUS MESSAGES of mailbox.
func dvCount(c *imapclient.Client, mailbox string) (uint32, error) {
	st, err := c.Status(mailbox, &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil {
		return 0, fmt.Errorf("Status(%s).Wait() = %w", mailbox, err)
	}
	return *st.NumMessages, nil
}

// dvMessage is one message as stored in Dovecot.
type dvMessage struct {
	Folder string
	UID    imap.UID
	Flags  []imap.Flag
	Raw    []byte
}

// dvReadAll reads every message of every mailbox without changing
// anything (EXAMINE, BODY.PEEK[]), and the STATUS count of each mailbox.
func dvReadAll(c *imapclient.Client) ([]dvMessage, map[string]uint32, error) {
	boxes, err := dvMailboxes(c)
	if err != nil {
		return nil, nil, err
	}
	counts := map[string]uint32{}
	var out []dvMessage
	for _, mb := range boxes {
		n, err := dvCount(c, mb)
		if err != nil {
			return nil, nil, err
		}
		counts[mb] = n
		if n == 0 {
			continue
		}
		if _, err := c.Select(mb, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			return nil, nil, fmt.Errorf("Examine(%s).Wait() = %w", mb, err)
		}
		var all imap.SeqSet
		all.AddRange(1, 0)
		section := &imap.FetchItemBodySection{Peek: true}
		bufs, err := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
		if err != nil {
			return nil, nil, fmt.Errorf("Fetch(%s 1:*).Collect() = %w", mb, err)
		}
		for _, b := range bufs {
			out = append(out, dvMessage{Folder: mb, UID: b.UID, Flags: b.Flags, Raw: b.FindBodySection(section)})
		}
	}
	return out, counts, nil
}

// ---- a TCP proxy that cuts one connection mid-stream ----

// cutProxy forwards TCP connections to target. Once armed, the first
// connection opened after arming that carries limit bytes from the server
// is cut there, as a network failure or a server crash in the middle of a
// FETCH would; only one connection is ever cut.
type cutProxy struct {
	ln     net.Listener
	target string
	limit  atomic.Int64 // for connections accepted from now on; 0: never cut
	cuts   atomic.Int32
	// before holds the last server bytes the cut connection carried.
	mu     sync.Mutex
	before []byte
	conns  []net.Conn
	wg     sync.WaitGroup
}

func startCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy listen: %v", err)
	}
	p := &cutProxy{ln: ln, target: target}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for _, c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

func (p *cutProxy) port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// arm cuts the next connection that carries limit bytes from the server.
func (p *cutProxy) arm(limit int64) { p.limit.Store(limit) }

func (p *cutProxy) serve() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		limit := p.limit.Load()
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, client, server)
		p.mu.Unlock()
		p.wg.Add(2)
		go func() {
			defer p.wg.Done()
			io.Copy(server, client)
			server.Close()
		}()
		go func() {
			defer p.wg.Done()
			p.down(client, server, limit)
			client.Close()
			server.Close()
		}()
	}
}

// down copies server to client and cuts both after limit bytes (0: never).
func (p *cutProxy) down(client, server net.Conn, limit int64) {
	buf := make([]byte, 8<<10)
	var sent int64
	var last []byte
	for {
		n, err := server.Read(buf)
		if n > 0 {
			if limit > 0 && sent+int64(n) >= limit && p.cuts.Load() == 0 {
				keep := limit - sent
				client.Write(buf[:keep])
				if p.cuts.CompareAndSwap(0, 1) {
					p.mu.Lock()
					p.before = append(last, buf[:keep]...)
					p.mu.Unlock()
				}
				return
			}
			if _, werr := client.Write(buf[:n]); werr != nil {
				return
			}
			sent += int64(n)
			last = append([]byte(nil), buf[:n]...)
		}
		if err != nil {
			return
		}
	}
}

// ---- the 200 messages ----

// ibxKind is what a test message is, and so what docs/BEHAVIOUR.md §4 says happens to it.
type ibxKind string

const (
	ibxPlain   ibxKind = "plain enquiry"
	ibxVisa    ibxKind = "visa request"
	ibxPress   ibxKind = "press (rule acknowledge: false)"
	ibxRepeat  ibxKind = "second mail of a sender"
	ibxAuto    ibxKind = "auto-reply"
	ibxDSN     ibxKind = "DSN bounce"
	ibxList    ibxKind = "list mail"
	ibxNullRP  ibxKind = "empty return path"
	ibxNoreply ibxKind = "noreply sender"
	ibxNotUs   ibxKind = "not addressed to us"
	ibxDup     ibxKind = "duplicate copy"
	ibxGarbage ibxKind = "unparseable"
)

// ibxPolicy is docs/BEHAVIOUR.md §4 (table) and §5 for each kind:
// whether it becomes an enquiry, is acknowledged, and why not.
var ibxPolicy = map[ibxKind]struct {
	enquiry, ack bool
	reason       string
}{
	ibxPlain:   {true, true, ""},
	ibxVisa:    {true, true, ""},
	ibxPress:   {true, false, triage.ReasonRuleOff},
	ibxRepeat:  {true, false, triage.ReasonAlreadyAcked},
	ibxAuto:    {false, false, ""},
	ibxDSN:     {false, false, ""},
	ibxList:    {true, false, classify.ReasonList},
	ibxNullRP:  {true, false, classify.ReasonEmptyReturnPath},
	ibxNoreply: {true, false, classify.ReasonAutomaticSender},
	ibxNotUs:   {true, false, classify.ReasonNotAddressedToUs},
	ibxDup:     {false, false, ""},
	ibxGarbage: {false, false, ""},
}

// ibxMsg is one generated message.
type ibxMsg struct {
	Seq     int
	Kind    ibxKind
	ID      string // Message-ID without <>; "" when unparseable
	From    string // address, lowercase
	AckTo   string // where an acknowledgement must go: Return-Path, else From (RFC 3834 §4)
	Subject string
	Lang    string
	Folder  string  // where herald must file it
	Orig    *ibxMsg // the copied message (duplicate) or the sender's first mail (repeat)
	who     person

	header    []string // header lines, without Delivered-To and the token
	body      string
	delivered string // Delivered-To of this copy
	garbage   []byte
}

const ibxToken = "HTOK-%04d-KOTH"

var ibxTokenRE = regexp.MustCompile(`HTOK-(\d{4})-KOTH`)

// raw renders the message with its token, which identifies this copy in
// whatever folder it ends up in.
func (m *ibxMsg) raw() []byte {
	token := fmt.Sprintf(ibxToken, m.Seq)
	if m.Kind == ibxGarbage {
		i := len(m.garbage) / 2
		return slices.Concat(m.garbage[:i], []byte(token), m.garbage[i:])
	}
	var b strings.Builder
	header := m.header
	// An MDA writes Return-Path first, then Delivered-To.
	if len(header) > 0 && strings.HasPrefix(header[0], "Return-Path:") {
		b.WriteString(header[0] + "\r\n")
		header = header[1:]
	}
	if m.delivered != "" {
		b.WriteString("Delivered-To: " + m.delivered + "\r\n")
	}
	for _, l := range header {
		b.WriteString(l + "\r\n")
	}
	b.WriteString("X-Test-Token: " + token + "\r\n\r\n")
	b.WriteString(strings.ReplaceAll(m.body, "\n", "\r\n"))
	return []byte(b.String())
}

// ibxCorpus generates the 200 messages in the order they are delivered.
func ibxCorpus(t *testing.T) []*ibxMsg {
	g := newMailGen(20171116)
	var base []*ibxMsg
	add := func(n int, f func(i int) *ibxMsg) []*ibxMsg {
		var out []*ibxMsg
		for i := range n {
			m := f(i)
			out = append(out, m)
			base = append(base, m)
		}
		return out
	}
	plain := add(110, func(i int) *ibxMsg {
		lang := []string{"en", "en", "en", "fr", "es", "en", "fr", "en"}[i%8]
		p := g.person()
		m := g.enquiry(ibxPlain, p, lang, g.topic(lang), "Triage/General")
		switch {
		case i%37 == 5:
			// Sent through a forwarding relay: the envelope sender (SRS) is
			// where problems — and automatic replies — go.
			srs := fmt.Sprintf("srs0=%s=%s=%s@relay.example.net", g.hex(4), p.domain, strings.Split(p.addr, "@")[0])
			m.AckTo = srs
			m.header = append([]string{"Return-Path: <" + srs + ">"}, m.header...)
		case i%3 != 0:
			m.header = append([]string{"Return-Path: <" + p.addr + ">"}, m.header...)
		}
		return m
	})
	visa := add(18, func(i int) *ibxMsg {
		lang := []string{"en", "fr", "es"}[i%3]
		p := g.person()
		m := g.enquiry(ibxVisa, p, lang, g.visaTopic(lang), "Triage/Visa")
		m.header = append([]string{"Return-Path: <" + p.addr + ">"}, m.header...)
		return m
	})
	add(4, func(i int) *ibxMsg {
		p := g.person()
		p.domain = []string{"reuters.com", "afp.com", "bbc.co.uk", "reuters.com"}[i]
		p.addr = strings.Split(p.addr, "@")[0] + "@" + p.domain
		m := g.enquiry(ibxPress, p, "en", "Interview request with the focal point", "Triage/Press")
		m.header = append([]string{"Return-Path: <" + p.addr + ">"}, m.header...)
		return m
	})
	add(15, func(i int) *ibxMsg { return g.autoReply(i) })
	add(10, func(i int) *ibxMsg { return g.dsn(i, i >= 8) })
	add(10, func(i int) *ibxMsg {
		m := g.enquiry(ibxList, g.person(), "en", "[GCCM partners] "+g.topic("en"), "Triage/General")
		m.header = slices.Concat([]string{"Return-Path: <gccm-partners-bounces+decorte=un.org@lists.example.org>"}, m.header,
			[]string{"List-Id: GCCM partner cities <gccm-partners.lists.example.org>",
				"List-Unsubscribe: <mailto:gccm-partners-request@lists.example.org?subject=unsubscribe>",
				"List-Post: <mailto:gccm-partners@lists.example.org>", "Precedence: list"})
		m.AckTo = "gccm-partners-bounces+decorte=un.org@lists.example.org"
		replaceHeader(m, "To", `"GCCM partner cities" <gccm-partners@lists.example.org>`)
		return m
	})
	add(5, func(i int) *ibxMsg {
		m := g.enquiry(ibxNullRP, g.person(), "en", g.topic("en"), "Triage/General")
		m.header = append([]string{"Return-Path: <>"}, m.header...)
		m.AckTo = ""
		return m
	})
	add(5, func(i int) *ibxMsg {
		local := []string{"noreply", "no-reply", "noreply-gccm", "noreply", "no-reply"}[i]
		p := person{name: "GCCM Registration Portal", addr: fmt.Sprintf("%s@portal%d.example.org", local, i), domain: "example.org"}
		m := g.enquiry(ibxNoreply, p, "en", fmt.Sprintf("New delegation registered: %s (%d)", g.city().name, 4100+i), "Triage/General")
		m.header = append([]string{"Return-Path: <" + p.addr + ">"}, m.header...)
		return m
	})
	add(5, func(i int) *ibxMsg {
		m := g.enquiry(ibxNotUs, g.person(), "en", g.topic("en"), "Triage/General")
		replaceHeader(m, "To", `"Partnerships desk" <partnerships@habitat-partners.example>`)
		return m
	})
	add(5, func(i int) *ibxMsg {
		return &ibxMsg{Kind: ibxGarbage, Folder: "Triage/Unreadable", garbage: g.garbage(300 + 97*i)}
	})
	g.shuffle(base)

	// Dependent messages go after the one they depend on.
	var deps []*ibxMsg
	for i, orig := range []*ibxMsg{plain[2], plain[7], plain[11], plain[40], plain[90]} {
		// Sent to the address and the alias: the MTA delivers two copies.
		replaceHeader(orig, "To", "decorte@un.org")
		orig.header = append(orig.header, "Cc: gccm@un.org")
		if i%2 == 1 {
			replaceHeader(orig, "To", `"GCCM secretariat" <gccm@un.org>`)
			orig.header[len(orig.header)-1] = "Cc: decorte@un.org"
		}
		orig.delivered = "decorte@un.org"
		deps = append(deps, &ibxMsg{Kind: ibxDup, ID: orig.ID, From: orig.From, Subject: orig.Subject, Orig: orig,
			header: orig.header, body: orig.body, delivered: "gccm@un.org"})
	}
	for i, first := range []*ibxMsg{plain[1], plain[4], plain[15], plain[33], plain[60], visa[0], visa[4], visa[8]} {
		if first.AckTo != first.From && first.AckTo != "" {
			t.Fatalf("generator: repeat sender %s has return path %s", first.From, first.AckTo)
		}
		p := first.who
		topic, folder := g.topic(first.Lang), "Triage/General"
		if i == 6 {
			topic, folder = g.visaTopic(first.Lang), "Triage/Visa"
		}
		for strings.HasPrefix(first.Subject, topic) { // a new matter, not the same mail again
			topic = g.topic(first.Lang)
			folder = "Triage/General"
		}
		m := g.enquiry(ibxRepeat, p, first.Lang, topic, folder)
		if slices.ContainsFunc(first.header, func(l string) bool { return strings.HasPrefix(l, "Return-Path:") }) {
			m.header = append([]string{"Return-Path: <" + p.addr + ">"}, m.header...)
		}
		m.Orig = first
		deps = append(deps, m)
	}
	all := base
	for _, d := range deps {
		at := slices.Index(all, d.Orig) + 1
		at += g.rng.IntN(len(all) - at + 1)
		all = slices.Insert(all, at, d)
	}
	subjects := map[string]*ibxMsg{}
	for i, m := range all {
		m.Seq = i + 1
		if m.Kind == ibxDup {
			m.Folder = m.Orig.Folder
			continue
		}
		if o := subjects[m.Subject]; o != nil && ibxPolicy[m.Kind].enquiry {
			t.Fatalf("generator: subject %q twice (%s, %s)", m.Subject, o.Kind, m.Kind)
		}
		if ibxPolicy[m.Kind].enquiry {
			subjects[m.Subject] = m
		}
	}
	return all
}

func replaceHeader(m *ibxMsg, name, value string) {
	for i, l := range m.header {
		if strings.HasPrefix(l, name+":") {
			m.header[i] = name + ": " + value
			return
		}
	}
	m.header = append(m.header, name+": "+value)
}

// ---- the test ----

func TestInboxExactlyOnceDovecot(t *testing.T) {
	t.Parallel()
	const user, pass = "decorte@un.org", "Habitat2017"
	start := time.Now()
	dv := realserver.StartDovecot(t, map[string]string{user: pass})
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})
	proxy := startCutProxy(t, dv.Addr)
	admin := dvLogin(t, dv.Addr, user, pass)

	// docs/CONFIG.md §5.2 sent_folder: this Dovecot has no Sent folder; herald must
	// create it on its first APPEND.
	const sent = testconfig.SentFolder
	if boxes, err := dvMailboxes(admin); err != nil {
		t.Fatal(err)
	} else if slices.Contains(boxes, sent) {
		t.Fatalf("Dovecot already has %q: %v", sent, boxes)
	}
	dir := t.TempDir()
	habitat := testconfig.Habitat{Address: user, Password: pass, IMAPPort: proxy.port(), SMTPPort: sink.Port}
	// The corpus acknowledges some 165 enquiries within seconds, more than
	// the default ack_max_per_hour (100): this test is about exactly-once,
	// so the ceiling is raised out of its way.
	cfg := writeLiveConfig(t, dir, habitat.YAML(), `  acknowledge: true
  ack_template: ack
  ack_once_per: 168h
  ack_max_per_hour: 1000
  quarantine_folder: Triage/Unreadable
  rules:
    - name: visa
      match:
        subject: '(?i)\bvisas?\b|invitation letter|lettre d.invitation|carta de invitaci[oó]n'
      category: visa
      folder: Triage/Visa
      ack_template: ack-visa
    - name: press
      match:
        from: '(?i)@(reuters|afp|bbc|apnews)\.'
      category: press
      folder: Triage/Press
      acknowledge: false
  default:
    category: general
    folder: Triage/General`)

	msgs := ibxCorpus(t)
	const firstPart = 100

	// Run 1: the first 100 arrive while herald runs; it is SIGKILLed as
	// soon as the first acknowledgements went out.
	run1 := startLiveHerald(t, "herald run 1", cfg)
	appender := dvLogin(t, dv.Addr, user, pass)
	var appended atomic.Int32
	appendDone := make(chan error, 1)
	go func() {
		tick := time.NewTicker(4 * time.Millisecond) // a busy morning, not one burst
		defer tick.Stop()
		for _, m := range msgs[:firstPart] {
			if err := dvAppend(appender, "INBOX", m.raw()); err != nil {
				appendDone <- fmt.Errorf("append message %d: %w", m.Seq, err)
				return
			}
			appended.Add(1)
			<-tick.C
		}
		appendDone <- nil
	}()
	acksAtKill := ibxWait(t, 20*time.Second, "4 acknowledgements in the sink before the kill", func() (bool, string) {
		got, err := sink.Messages()
		if err != nil {
			t.Fatal(err)
		}
		return len(got) >= 4, fmt.Sprintf("%d acks", len(got))
	})
	run1.kill()
	killedAt := time.Now()
	t.Logf("run 1 SIGKILLed after %v: %d of %d appended, %s", killedAt.Sub(start).Round(time.Millisecond), appended.Load(), firstPart, acksAtKill)
	if err := <-appendDone; err != nil {
		t.Fatal(err)
	}
	t.Logf("at the kill herald had recorded %d enquiries", len(liveEnquiries(t, cfg)))
	for _, m := range msgs[firstPart:] {
		if err := dvAppend(admin, "INBOX", m.raw()); err != nil {
			t.Fatalf("append message %d: %v", m.Seq, err)
		}
	}

	// Run 2 on the same database catches up; the first of its IMAP
	// connections to carry 96 kB from the server is cut there: the
	// watcher's, inside the catch-up FETCH of 100+ messages (the sent-folder
	// and answered-scan connections carry far less).
	proxy.arm(96 << 10)
	run2 := startLiveHerald(t, "herald run 2", cfg)
	var enquiries []liveEnquiry
	var acks []realserver.DumpedMessage
	last, stableSince := "", time.Now()
	ibxWait(t, 40*time.Second, "INBOX empty, every enquiry settled and the queue quiet", func() (bool, string) {
		n, err := dvCount(admin, "INBOX")
		if err != nil {
			t.Fatal(err)
		}
		enquiries = liveEnquiries(t, cfg)
		if acks, err = sink.Messages(); err != nil {
			t.Fatal(err)
		}
		settled := 0
		for _, e := range enquiries {
			if e.Status != "open" || e.AckSuppressed != nil {
				settled++
			}
		}
		copies, _ := dvCount(admin, sent) // an error until herald creates the folder
		state := fmt.Sprintf("INBOX %d, %d enquiries (%d settled), %d acks, %d in %s", n, len(enquiries), settled, len(acks), copies, sent)
		if state != last {
			last, stableSince = state, time.Now()
		}
		return n == 0 && settled == len(enquiries) && time.Since(stableSince) > 1500*time.Millisecond, state
	})
	run2.stop(t)
	t.Logf("settled %v after the start: %s", time.Since(start).Round(time.Millisecond), last)

	// The cut happened, once, inside a FETCH, and herald said so.
	if n := proxy.cuts.Load(); n != 1 {
		t.Errorf("proxy cut %d connections, want 1", n)
	}
	if log := run2.stderr.String(); !strings.Contains(log, "imap session failed") || !strings.Contains(log, "uid fetch") {
		t.Errorf("run 2 logged no failed session for the FETCH cut by the proxy")
	}
	proxy.mu.Lock()
	if !bytes.Contains(proxy.before, []byte(" FETCH ")) {
		t.Errorf("the proxy did not cut inside a FETCH; last bytes: %q", tail(string(proxy.before), 300))
	}
	proxy.mu.Unlock()

	ibxCheckFolders(t, admin, msgs, sent)
	refs := ibxCheckAcks(t, msgs, acks, killedAt)
	ibxCheckSent(t, admin, sent, acks, killedAt)
	ibxCheckQueue(t, msgs, enquiries, refs)
	ibxCheckKeywords(t, admin, msgs, enquiries)
	t.Logf("%d messages, %d enquiries, %d acknowledgements in %v", len(msgs), len(enquiries), len(acks), time.Since(start).Round(time.Millisecond))
}

// ibxWait polls cond every 150 ms until it holds, failing after d; it
// returns cond's last description.
func ibxWait(t *testing.T, d time.Duration, what string, cond func() (bool, string)) string {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		ok, state := cond()
		if ok {
			return state
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v: %s", what, d, state)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// ibxCheckFolders: every message copy is in exactly one folder, the one
// docs/BEHAVIOUR.md §4 names for it; copies with one Message-ID share a folder; nothing
// was deleted or left in INBOX.
func ibxCheckFolders(t *testing.T, c *imapclient.Client, msgs []*ibxMsg, sent string) {
	t.Helper()
	all, counts, err := dvReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("folders: %v", counts)
	// The sent folder holds herald's own acknowledgements (ibxCheckSent).
	delete(counts, sent)
	stored := slices.DeleteFunc(all, func(m dvMessage) bool { return m.Folder == sent })
	var total uint32
	for _, n := range counts {
		total += n
	}
	if int(total) != len(msgs) || len(stored) != len(msgs) {
		t.Errorf("Dovecot holds %d messages (STATUS) / %d (FETCH), want the %d appended", total, len(stored), len(msgs))
	}
	if counts["INBOX"] != 0 {
		t.Errorf("INBOX still holds %d messages", counts["INBOX"])
	}
	where := map[int][]string{}
	for _, s := range stored {
		m := ibxTokenRE.FindSubmatch(s.Raw)
		if m == nil {
			t.Errorf("%s UID %d: a message that was not appended: %q", s.Folder, s.UID, tail(string(s.Raw), 200))
			continue
		}
		seq, _ := strconv.Atoi(string(m[1])) // not Sscan: "0089" is no octal number
		where[seq] = append(where[seq], s.Folder)
		if slices.Contains(s.Flags, imap.FlagDeleted) {
			t.Errorf("message %d in %s is flagged \\Deleted", seq, s.Folder)
		}
	}
	byID := map[string]string{}
	for _, m := range msgs {
		got := where[m.Seq]
		switch {
		case len(got) != 1:
			t.Errorf("message %d (%s, %q) is in %d folders %v, want exactly one", m.Seq, m.Kind, m.Subject, len(got), got)
		case got[0] != m.Folder:
			t.Errorf("message %d (%s, %q) is in %s, want %s", m.Seq, m.Kind, m.Subject, got[0], m.Folder)
		}
		if m.ID == "" || len(got) != 1 {
			continue
		}
		if f, ok := byID[m.ID]; ok && f != got[0] {
			t.Errorf("copies of <%s> are in %s and %s, want one folder", m.ID, f, got[0])
		}
		byID[m.ID] = got[0]
	}
}

// ibxCheckSent: the sent folder (docs/CONFIG.md §5.2 sent_folder) holds a copy of
// each acknowledgement at most once, and of every one sent after the
// restart; a copy of one sent before the SIGKILL may be missing, since the
// copies of a send round are APPENDed after the whole round.
func ibxCheckSent(t *testing.T, c *imapclient.Client, sent string, acks []realserver.DumpedMessage, killedAt time.Time) {
	t.Helper()
	all, _, err := dvReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	copies := map[string]int{}
	for _, m := range all {
		if m.Folder != sent {
			continue
		}
		pm, err := mail.ReadMessage(bytes.NewReader(m.Raw))
		if err != nil {
			t.Errorf("%s UID %d: %v", sent, m.UID, err)
			continue
		}
		copies[pm.Header.Get("Message-Id")]++
		if !slices.Contains(m.Flags, imap.FlagSeen) {
			t.Errorf("%s UID %d is not \\Seen", sent, m.UID)
		}
	}
	doubled, ids := 0, map[string]bool{}
	for _, a := range acks {
		pm, err := a.Message()
		if err != nil {
			continue
		}
		id := pm.Header.Get("Message-Id")
		if ids[id] {
			continue // the ack resent after the kill: one copy is enough
		}
		ids[id] = true
		// Copies are queued durably with the send's record: none may be
		// missing. A SIGKILL between an APPEND and its record may file one
		// copy twice, once.
		switch n := copies[id]; {
		case n == 2:
			doubled++
		case n > 2:
			t.Errorf("ack %s is in %s %d times", id, sent, n)
		case n == 0:
			t.Errorf("ack %s has no copy in %s (docs/CONFIG.md §5.2: a copy of every acknowledgement)", id, sent)
		}
	}
	for id := range copies {
		if !ids[id] {
			t.Errorf("%s holds %s, which the SMTP server never received", sent, id)
		}
	}
	if doubled > 1 {
		t.Errorf("%d acknowledgements are twice in %s; at most the one in flight at the SIGKILL may be", doubled, sent)
	}
}

// ibxAck is one acknowledgement the sink received.
type ibxAck struct {
	dump    realserver.DumpedMessage
	id      string
	ref     string
	subject string
	at      time.Time
	body    string
}

var ibxRefSubject = regexp.MustCompile(`^\[(GCCM-\d{4,})\] Re: (.*)$`)

// ibxCheckAcks: every enquiry the policy allows got exactly one
// acknowledgement, shaped as RFC 3834 asks; nothing else was answered. A
// second copy is tolerated only for the message in flight at the SIGKILL.
// It returns the reference each acknowledged Message-ID was given.
func ibxCheckAcks(t *testing.T, msgs []*ibxMsg, dumps []realserver.DumpedMessage, killedAt time.Time) map[string]*ibxAck {
	t.Helper()
	byOrig := map[string][]*ibxAck{}
	dec := &mime.WordDecoder{}
	for _, d := range dumps {
		pm, err := d.Message()
		if err != nil {
			t.Errorf("sink message %s: %v", d.File, err)
			continue
		}
		subject, _ := dec.DecodeHeader(pm.Header.Get("Subject"))
		a := &ibxAck{dump: d, id: pm.Header.Get("Message-Id"), subject: subject}
		if fi, err := os.Stat(d.File); err == nil {
			a.at = fi.ModTime()
		}
		a.body = ibxText(d.Data)
		orig := strings.Trim(pm.Header.Get("In-Reply-To"), "<> ")
		if d.From != "decorte@un.org" || len(d.To) != 1 {
			t.Errorf("ack %s: MAIL FROM %q RCPT %v, want decorte@un.org to one recipient", a.id, d.From, d.To)
		}
		if v := pm.Header.Get("Auto-Submitted"); v != "auto-replied" {
			t.Errorf("ack %s: Auto-Submitted %q, want auto-replied (RFC 3834 §5)", a.id, v)
		}
		if v := pm.Header.Get("X-Auto-Response-Suppress"); !strings.Contains(v, "All") {
			t.Errorf("ack %s: X-Auto-Response-Suppress %q, want All", a.id, v)
		}
		if v := pm.Header.Get(triage.LoopHeader); v == "" {
			t.Errorf("ack %s: no %s loop marker", a.id, triage.LoopHeader)
		}
		if refs := pm.Header.Get("References"); !strings.HasSuffix(strings.TrimSpace(refs), "<"+orig+">") {
			t.Errorf("ack %s: References %q does not end with the original <%s>", a.id, refs, orig)
		}
		if m := ibxRefSubject.FindStringSubmatch(subject); m != nil {
			a.ref = m[1]
		} else {
			t.Errorf("ack %s: subject %q, want [GCCM-NNNN] Re: original subject", a.id, subject)
		}
		byOrig[orig] = append(byOrig[orig], a)
	}
	known := map[string]bool{}
	refs := map[string]*ibxAck{}
	repeated := 0
	for _, m := range msgs {
		if m.ID == "" || m.Kind == ibxDup {
			continue
		}
		known[m.ID] = true
		got := byOrig[m.ID]
		if !ibxPolicy[m.Kind].ack {
			if len(got) > 0 {
				t.Errorf("message %d (%s) from %s was acknowledged %d times; docs/BEHAVIOUR.md §5 forbids it", m.Seq, m.Kind, m.From, len(got))
			}
			continue
		}
		if len(got) == 0 {
			t.Errorf("message %d (%s, %q) from %s was not acknowledged", m.Seq, m.Kind, m.Subject, m.From)
			continue
		}
		a := got[0]
		refs[m.ID] = a
		if len(got) > 1 {
			// docs/BEHAVIOUR.md §3.2 allows a repeat only for the message in flight at the
			// crash: sent, but not yet recorded, when herald was killed.
			repeated++
			inFlight := len(got) == 2 && got[0].id == got[1].id && !got[0].at.After(killedAt) && got[1].at.After(killedAt)
			if !inFlight || repeated > 1 {
				t.Errorf("message %d (%s) was acknowledged %d times (ids %s, %s; at %v, %v; kill at %v)", m.Seq, m.Kind, len(got),
					got[0].id, got[1].id, got[0].at, got[1].at, killedAt)
			} else {
				t.Logf("message %d acknowledged twice: the same ack %s, sent just before the SIGKILL and again after the restart", m.Seq, a.id)
			}
		}
		if want := strings.ToLower(m.AckTo); len(a.dump.To) != 1 || strings.ToLower(a.dump.To[0]) != want {
			t.Errorf("message %d: ack went to %v, want %s (its return path, RFC 3834 §4)", m.Seq, a.dump.To, want)
		}
		if !strings.HasSuffix(a.subject, "Re: "+m.Subject) {
			t.Errorf("message %d: ack subject %q does not answer %q", m.Seq, a.subject, m.Subject)
		}
	}
	for orig, got := range byOrig {
		if !known[orig] {
			t.Errorf("%d sink messages answer <%s>, which was never appended", len(got), orig)
		}
	}
	return refs
}

// ibxText is the decoded text of a message, for language checks.
func ibxText(raw []byte) string {
	e, err := gomessage.Read(bytes.NewReader(raw))
	if err != nil && e == nil {
		return ""
	}
	if mr := e.MultipartReader(); mr != nil {
		var b strings.Builder
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			if ct, _, _ := p.Header.ContentType(); ct == "text/plain" {
				data, _ := io.ReadAll(p.Body)
				b.Write(data)
			}
		}
		return b.String()
	}
	data, _ := io.ReadAll(e.Body)
	return string(data)
}

// ibxGreeting is the first line of each language's acknowledgement template.
var ibxGreeting = map[string]string{"en": "Dear sender", "fr": "Madame, Monsieur", "es": "Estimada señora"}

// ibxCheckQueue cross-checks `herald enquiries --json`: one enquiry per
// message that docs/BEHAVIOUR.md §4 makes one, acknowledged exactly when the policy
// allows, with the reference its acknowledgement carries, or the reason
// it was not acknowledged.
func ibxCheckQueue(t *testing.T, msgs []*ibxMsg, qs []liveEnquiry, acks map[string]*ibxAck) {
	t.Helper()
	bySubject := map[string]liveEnquiry{}
	seenRef := map[string]bool{}
	refRE := regexp.MustCompile(`^GCCM-\d{4,}$`)
	for _, q := range qs {
		if _, dup := bySubject[q.Subject]; dup {
			t.Errorf("two enquiries with subject %q", q.Subject)
		}
		bySubject[q.Subject] = q
		if seenRef[q.Ref] || !refRE.MatchString(q.Ref) {
			t.Errorf("enquiry ref %q repeated or malformed", q.Ref)
		}
		seenRef[q.Ref] = true
	}
	want, langOK := 0, 0
	for _, m := range msgs {
		p := ibxPolicy[m.Kind]
		q, ok := bySubject[m.Subject]
		if m.Kind == ibxGarbage {
			continue
		}
		if !p.enquiry {
			if ok && m.Kind != ibxDup {
				t.Errorf("message %d (%s) became enquiry %s; docs/BEHAVIOUR.md §4 files it without one", m.Seq, m.Kind, q.Ref)
			}
			continue
		}
		want++
		if !ok {
			t.Errorf("message %d (%s, %q) has no enquiry", m.Seq, m.Kind, m.Subject)
			continue
		}
		if q.From != m.From {
			t.Errorf("enquiry %s: from %q, want %q", q.Ref, q.From, m.From)
		}
		suppressed := ""
		if q.AckSuppressed != nil {
			suppressed = *q.AckSuppressed
		}
		if p.ack {
			if q.Status != "acknowledged" || q.AcknowledgedAt == nil || suppressed != "" {
				t.Errorf("enquiry %s (%s): status %q acknowledged_at %v ack_suppressed %q, want acknowledged", q.Ref, m.Kind, q.Status, q.AcknowledgedAt, suppressed)
			}
			if a := acks[m.ID]; a != nil {
				if a.ref != q.Ref {
					t.Errorf("enquiry %s was acknowledged with reference %s", q.Ref, a.ref)
				}
				if g := ibxGreeting[q.Language]; g != "" && !strings.Contains(a.body, g) {
					t.Errorf("enquiry %s (language %q): acknowledgement does not start with %q:\n%s", q.Ref, q.Language, g, tail(a.body, 300))
				}
			}
			if q.Language == m.Lang {
				langOK++
			}
		} else if q.Status != "open" || q.AcknowledgedAt != nil || suppressed != p.reason {
			t.Errorf("enquiry %s (%s): status %q ack_suppressed %q, want open with %q", q.Ref, m.Kind, q.Status, suppressed, p.reason)
		}
	}
	if len(qs) != want {
		t.Errorf("herald enquiries lists %d enquiries, want %d", len(qs), want)
	}
	t.Logf("language detected as written for %d of the acknowledged enquiries", langOK)
}

// ibxCheckKeywords: every enquiry's first message is \Flagged (docs/BEHAVIOUR.md
// §4 step 6).
func ibxCheckKeywords(t *testing.T, c *imapclient.Client, msgs []*ibxMsg, qs []liveEnquiry) {
	t.Helper()
	stored, _, err := dvReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	flags := map[int][]imap.Flag{}
	for _, s := range stored {
		if m := ibxTokenRE.FindSubmatch(s.Raw); m != nil {
			seq, _ := strconv.Atoi(string(m[1]))
			flags[seq] = s.Flags
		}
	}
	ref := map[string]string{}
	for _, q := range qs {
		ref[q.Subject] = q.Ref
	}
	missing := 0
	for _, m := range msgs {
		if r := ref[m.Subject]; r != "" && m.Kind != ibxDup && !slices.Contains(flags[m.Seq], imap.FlagFlagged) {
			missing++
			if missing <= 5 {
				t.Errorf("message %d (enquiry %s) has flags %v, want \\Flagged", m.Seq, r, flags[m.Seq])
			}
		}
	}
	if missing > 5 {
		t.Errorf("... %d messages in all are not \\Flagged", missing)
	}
}

// ---- a generator of realistic mail ----

// mailGen makes mail from a fixed seed, so that a failure can be replayed.
type mailGen struct {
	rng    *rand.Rand
	names  [][2]string
	n      int
	sentAt time.Time
}

type person struct{ name, addr, domain string }

type genCity struct{ name, domain string }

var (
	genFirst = []string{"Amina", "Carlos", "Sofia", "Jean", "Fatou", "Mateo", "Lucia", "Pierre", "Aisha", "Diego",
		"Camille", "Kwame", "Ana", "Moussa", "Elena", "Hugo", "Nadia", "Javier", "Claire", "Omar", "Valentina",
		"Ibrahim", "Marie", "Pablo"}
	genLast = []string{"Diallo", "Rodriguez", "Martin", "Mensah", "Garcia", "Dubois", "Okafor", "Lopez", "Traore",
		"Silva", "Bernard", "Nkosi", "Fernandez", "Moreau", "Haddad", "Castillo", "Petit", "Ouedraogo", "Ramirez",
		"Laurent", "Kamau", "Torres", "Fontaine", "Benali"}
	genCities = []genCity{{"Dakar", "ville-dakar.example"}, {"Bogotá", "bogota.gov.example"}, {"Kampala", "kcca.example"},
		{"Mechelen", "mechelen.example"}, {"Montréal", "ville.montreal.example"}, {"Quito", "quito.gob.example"},
		{"Abidjan", "abidjan.example"}, {"Manila", "manila.gov.example"}, {"Lima", "munlima.example"},
		{"Tunis", "commune-tunis.example"}, {"Athens", "cityofathens.example"}, {"Amman", "amman.example"},
		{"Barcelona", "bcn.example"}, {"Nairobi", "nairobi.go.example"}, {"Rabat", "rabat.example"}}
	genTopics = map[string][]string{
		"en": {"Question about accommodation near the venue", "Registration deadline for city delegations",
			"Request for the provisional programme", "Accessibility arrangements for a delegate",
			"Proposal for a side event on local integration", "Travel funding for local authorities",
			"Interpretation services at the conference", "Hotel booking for our mayor",
			"Agenda of the opening session", "Number of seats per delegation"},
		"fr": {"Question sur l'hébergement près du lieu de la conférence", "Date limite d'inscription des délégations",
			"Demande du programme provisoire", "Prise en charge des frais de voyage",
			"Services d'interprétation pendant la conférence", "Réservation d'hôtel pour notre maire"},
		"es": {"Consulta sobre alojamiento cerca de la sede", "Plazo de inscripción para las delegaciones",
			"Solicitud del programa provisional", "Financiación del viaje para autoridades locales",
			"Servicios de interpretación durante la conferencia"},
	}
	genVisaTopics = map[string][]string{
		"en": {"Request for a visa invitation letter", "Invitation letter needed for our visa application"},
		"fr": {"Demande de lettre d'invitation pour le visa", "Lettre d'invitation pour une demande de visa Schengen"},
		"es": {"Solicitud de carta de invitación para el visado", "Carta de invitación para el trámite de visa"},
	}
	genBodies = map[string]string{
		"en": "Dear colleagues,\n\nI am writing on behalf of the delegation of the City of %[1]s regarding the Global\nConference on Cities and Migrants in Mechelen. We would like to know more about the\nfollowing: %[2]s.\n\nCould you please let us know at your earliest convenience? We would be grateful for\nany information you can share with us, and we thank you in advance for your help.\n\nKind regards,\n%[3]s\nInternational Relations Office, City of %[1]s\n",
		"fr": "Madame, Monsieur,\n\nJe vous écris au nom de la délégation de la ville de %[1]s au sujet de la Conférence\nmondiale sur les villes et les migrants à Malines. Nous souhaiterions obtenir des\nprécisions concernant : %[2]s.\n\nPourriez-vous nous répondre dès que possible ? Nous vous remercions par avance de votre\naide et restons à votre disposition pour tout renseignement complémentaire.\n\nVeuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.\n\n%[3]s\nService des relations internationales, Ville de %[1]s\n",
		"es": "Estimados señores:\n\nLes escribo en nombre de la delegación de la ciudad de %[1]s en relación con la\nConferencia Mundial sobre Ciudades y Migrantes en Malinas. Quisiéramos recibir más\ninformación sobre lo siguiente: %[2]s.\n\n¿Podrían indicarnos, por favor, cuáles son los próximos pasos? Les agradecemos de\nantemano su ayuda y quedamos a su disposición para cualquier consulta.\n\nAtentamente,\n%[3]s\nOficina de Relaciones Internacionales, Ayuntamiento de %[1]s\n",
	}
	genMailers = []string{"User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:52.0) Gecko/20100101 Thunderbird/52.4.0",
		"X-Mailer: Microsoft Outlook 16.0", "X-Mailer: Apple Mail (2.3273)", "User-Agent: Roundcube Webmail/1.3.1"}
)

func newMailGen(seed uint64) *mailGen {
	g := &mailGen{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), sentAt: time.Now().Add(-8 * time.Hour)}
	for _, f := range genFirst {
		for _, l := range genLast {
			g.names = append(g.names, [2]string{f, l})
		}
	}
	g.rng.Shuffle(len(g.names), func(i, j int) { g.names[i], g.names[j] = g.names[j], g.names[i] })
	return g
}

func (g *mailGen) shuffle(ms []*ibxMsg) {
	g.rng.Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
}

func (g *mailGen) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.rng.IntN(16)]
	}
	return string(b)
}

func (g *mailGen) city() genCity { return genCities[g.rng.IntN(len(genCities))] }

// person is a new correspondent: no two calls give the same address.
func (g *mailGen) person() person {
	n := g.names[0]
	g.names = g.names[1:]
	c := g.city()
	addr := strings.ToLower(n[0] + "." + n[1] + "@" + c.domain)
	return person{name: n[0] + " " + n[1], addr: addr, domain: c.domain}
}

func (g *mailGen) topic(lang string) string {
	l := genTopics[lang]
	return l[g.rng.IntN(len(l))]
}

func (g *mailGen) visaTopic(lang string) string {
	l := genVisaTopics[lang]
	return l[g.rng.IntN(len(l))]
}

// next is the next message's number and Date.
func (g *mailGen) next() (int, time.Time) {
	g.n++
	return g.n, g.sentAt.Add(time.Duration(g.n) * 97 * time.Second)
}

func (g *mailGen) received(from string, at time.Time) string {
	return fmt.Sprintf("Received: from mail.%s (mail.%s [192.0.2.%d])\r\n\tby mx1.un.org (Postfix) with ESMTPS id %s\r\n\tfor <decorte@un.org>; %s",
		from, from, 1+g.rng.IntN(250), strings.ToUpper(g.hex(10)), at.Add(3*time.Second).Format(time.RFC1123Z))
}

// enquiry is a message a person writes to the focal point.
func (g *mailGen) enquiry(kind ibxKind, p person, lang, topic, folder string) *ibxMsg {
	n, at := g.next()
	subject := topic + " – " + p.name
	m := &ibxMsg{Kind: kind, ID: fmt.Sprintf("%s.%d@mail.%s", g.hex(12), n, p.domain), From: p.addr, AckTo: p.addr,
		Subject: subject, Lang: lang, Folder: folder, who: p}
	to := "UN-Habitat focal point <decorte@un.org>"
	if n%5 == 0 {
		to = `"GCCM secretariat" <gccm@un.org>`
	}
	city := p.domain
	for _, c := range genCities {
		if c.domain == p.domain {
			city = c.name
		}
	}
	body := fmt.Sprintf(genBodies[lang], city, strings.ToLower(topic[:1])+topic[1:], p.name)
	cte := "7bit"
	if !isASCII(body) {
		var b strings.Builder
		w := quotedprintable.NewWriter(&b)
		w.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n")))
		w.Close()
		body, cte = strings.ReplaceAll(b.String(), "\r\n", "\n"), "quoted-printable"
	}
	m.header = []string{
		g.received(p.domain, at),
		"Date: " + at.Format(time.RFC1123Z),
		"From: " + (&mail.Address{Name: p.name, Address: p.addr}).String(),
		"To: " + to,
		"Subject: " + mime.QEncoding.Encode("utf-8", subject),
		"Message-ID: <" + m.ID + ">",
		genMailers[n%len(genMailers)],
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8; format=flowed",
		"Content-Transfer-Encoding: " + cte,
	}
	m.body = body
	return m
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// autoReply is an out-of-office answer to one of the focal point's
// invitations: Auto-Submitted (RFC 3834) or the older X-Autoreply.
func (g *mailGen) autoReply(i int) *ibxMsg {
	p := g.person()
	n, at := g.next()
	subject := []string{"Automatic reply: Invitation to the Global Conference on Cities and Migrants",
		"Réponse automatique : Invitation à la Conférence mondiale sur les villes et les migrants",
		"Respuesta automática: Invitación a la Conferencia Mundial sobre Ciudades y Migrantes",
		"Out of Office: Invitation to the Global Conference on Cities and Migrants"}[i%4]
	marker := "X-Autoreply: yes"
	switch {
	case i%4 == 0:
		marker = "Auto-Submitted: auto-replied (vacation)"
	case i%2 == 0:
		marker = "Auto-Submitted: auto-replied"
	}
	inv := fmt.Sprintf("inv-%s@un.org", g.hex(10))
	m := &ibxMsg{Kind: ibxAuto, ID: fmt.Sprintf("%s.%d@mail.%s", g.hex(12), n, p.domain), From: p.addr, AckTo: p.addr,
		Subject: subject, Folder: triage.FolderAutoReplies, who: p}
	m.header = []string{
		"Return-Path: <" + p.addr + ">",
		g.received(p.domain, at),
		"Date: " + at.Format(time.RFC1123Z),
		"From: " + (&mail.Address{Name: p.name, Address: p.addr}).String(),
		"To: UN-Habitat focal point <decorte@un.org>",
		"Subject: " + mime.QEncoding.Encode("utf-8", subject),
		"Message-ID: <" + m.ID + ">",
		"In-Reply-To: <" + inv + ">",
		"References: <" + inv + ">",
		marker,
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=us-ascii",
	}
	m.body = fmt.Sprintf("I am out of the office until Monday and will have limited access to email.\nFor urgent matters, please contact the protocol office.\n\n%s\n", p.name)
	return m
}

// dsn is a Postfix delivery status notification (RFC 3464) about one of
// the focal point's invitations: a failure, or a delay warning.
func (g *mailGen) dsn(i int, delayed bool) *ibxMsg {
	c := g.city()
	_, at := g.next()
	mx := "mx" + fmt.Sprint(1+i%3) + "." + c.domain
	qid := strings.ToUpper(g.hex(10))
	rcpt := fmt.Sprintf("mayor.office%d@%s", i, c.domain)
	boundary := fmt.Sprintf("%s.%d/%s", qid, at.Unix(), mx)
	subject, action, status, diag := "Undelivered Mail Returned to Sender", "failed", "5.1.1",
		"smtp; 550 5.1.1 <"+rcpt+">: Recipient address rejected: User unknown in virtual mailbox table"
	human := "I'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n"
	if delayed {
		subject, action, status, diag = "Delayed Mail (still being retried)", "delayed", "4.4.1",
			"connect to mail."+c.domain+"[198.51.100.7]:25: Connection timed out"
		human = "####################################################################\n# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n####################################################################\n\nYour message could not be delivered for 4 hours.\nIt will be retried until it is 5 days old.\n"
	}
	m := &ibxMsg{Kind: ibxDSN, ID: fmt.Sprintf("%s.%s@%s", at.Format("20060102150405"), qid, mx), From: "mailer-daemon@" + mx,
		Subject: subject, Folder: triage.FolderBounces}
	m.header = []string{
		"Return-Path: <>",
		g.received(c.domain, at),
		"Date: " + at.Format(time.RFC1123Z),
		"From: MAILER-DAEMON@" + mx + " (Mail Delivery System)",
		"To: decorte@un.org",
		"Subject: " + subject,
		"Message-ID: <" + m.ID + ">",
		"Auto-Submitted: auto-replied",
		"MIME-Version: 1.0",
		`Content-Type: multipart/report; report-type=delivery-status;` + "\r\n\t" + `boundary="` + boundary + `"`,
	}
	m.body = fmt.Sprintf(`This is a MIME-encapsulated message.

--%[1]s
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host %[2]s.

%[3]s
For further assistance, please send mail to postmaster.

                   The mail system

<%[4]s>: %[7]s

--%[1]s
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; %[2]s
X-Postfix-Queue-ID: %[8]s
X-Postfix-Sender: rfc822; decorte@un.org
Arrival-Date: %[9]s

Final-Recipient: rfc822; %[4]s
Original-Recipient: rfc822;%[4]s
Action: %[5]s
Status: %[6]s
Diagnostic-Code: %[7]s

--%[1]s
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <decorte@un.org>
From: UN-Habitat focal point <decorte@un.org>
To: %[4]s
Subject: Invitation to the Global Conference on Cities and Migrants
Message-ID: <inv-%[8]s@un.org>
Date: %[9]s

--%[1]s--
`, boundary, mx, human, rcpt, action, status, diag, qid, at.Add(-4*time.Hour).Format(time.RFC1123Z))
	return m
}

// garbage is n bytes that no mail parser can read: no header, no lines,
// no NUL (which IMAP literals may not carry).
func (g *mailGen) garbage(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		for {
			c := byte(1 + g.rng.IntN(255))
			if c != '\r' && c != '\n' && c != ':' {
				b[i] = c
				break
			}
		}
	}
	return b
}
