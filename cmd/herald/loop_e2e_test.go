package main

// Mail-loop test: two herald instances and a naive out-of-office responder
// exchange real mail through an MTA written here, with real Dovecot
// mailboxes. RFC 3834 §2 and docs/BEHAVIOUR.md §5 must keep every automatic exchange to
// at most one message each way.

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/smtp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	gosmtp "github.com/emersion/go-smtp"

	"github.com/herald-mail/herald/daemon/realserver"
	"github.com/herald-mail/herald/daemon/triage"
)

// loopDelivery is one message the MTA put into a mailbox, or could not.
type loopDelivery struct {
	EnvFrom, Rcpt, MessageID, Subject, AutoSubmitted string
	Delivered                                        bool
}

// loopMTA is the MTA of every party: it accepts any message and delivers a
// copy to each recipient that has a Dovecot mailbox, into its INBOX, with
// Return-Path from MAIL FROM prepended as an MDA does (RFC 5321 §4.4).
type loopMTA struct {
	dv   *realserver.Dovecot
	addr string
	srv  *gosmtp.Server
	mu   sync.Mutex
	log  []loopDelivery
	errs []error
	last time.Time // of the last delivery
}

func startLoopMTA(t *testing.T, dv *realserver.Dovecot) *loopMTA {
	t.Helper()
	m := &loopMTA{dv: dv, last: time.Now()}
	m.srv = gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) {
		return &loopSession{m: m}, nil
	}))
	m.srv.Domain = "mx.loop.test"
	m.srv.ReadTimeout, m.srv.WriteTimeout = 30*time.Second, 30*time.Second
	m.srv.MaxMessageBytes = 10 << 20
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.addr = ln.Addr().String()
	go m.srv.Serve(ln)
	t.Cleanup(func() {
		m.srv.Close()
		if t.Failed() {
			t.Logf("MTA deliveries:\n%s", m.report())
		}
	})
	return m
}

func (m *loopMTA) port() int { return portOf(m.addr) }

// loopSession is one SMTP session with the MTA.
type loopSession struct {
	m     *loopMTA
	from  string
	rcpts []string
}

func (s *loopSession) Reset()        { s.from, s.rcpts = "", nil }
func (s *loopSession) Logout() error { return nil }

func (s *loopSession) Mail(from string, _ *gosmtp.MailOptions) error {
	s.from, s.rcpts = from, nil
	return nil
}

func (s *loopSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *loopSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	for _, rcpt := range s.rcpts {
		if err := s.m.deliver(s.from, rcpt, raw); err != nil {
			return &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 3, 0}, Message: err.Error()}
		}
	}
	return nil
}

// deliver APPENDs one copy to rcpt's INBOX, as the MDA of its domain.
func (m *loopMTA) deliver(from, rcpt string, raw []byte) error {
	d := loopDelivery{EnvFrom: strings.ToLower(from), Rcpt: strings.ToLower(rcpt)}
	if pm, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		d.MessageID, d.Subject, d.AutoSubmitted = pm.Header.Get("Message-Id"), pm.Header.Get("Subject"), pm.Header.Get("Auto-Submitted")
	}
	pass, ok := m.dv.Users[d.Rcpt]
	if ok {
		stamped := fmt.Sprintf("Return-Path: <%s>\r\nDelivered-To: %s\r\nReceived: from localhost by mx.loop.test with ESMTP\r\n\tfor <%s>; %s\r\n",
			from, d.Rcpt, d.Rcpt, time.Now().Format(time.RFC1123Z))
		if err := m.appendTo(d.Rcpt, pass, append([]byte(stamped), raw...)); err != nil {
			m.mu.Lock()
			m.errs = append(m.errs, fmt.Errorf("deliver %s to %s: %w", d.MessageID, d.Rcpt, err))
			m.mu.Unlock()
			return err
		}
		d.Delivered = true
	}
	m.mu.Lock()
	m.log = append(m.log, d)
	m.last = time.Now()
	m.mu.Unlock()
	return nil
}

func (m *loopMTA) appendTo(user, pass string, raw []byte) error {
	c, err := imapclient.DialInsecure(m.dv.Addr, nil)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Login(user, pass).Wait(); err != nil {
		return err
	}
	if err := dvAppend(c, "INBOX", raw); err != nil {
		return err
	}
	return c.Logout().Wait()
}

// snapshot returns the deliveries so far and when the last one was made.
func (m *loopMTA) snapshot() ([]loopDelivery, time.Time, []error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]loopDelivery(nil), m.log...), m.last, append([]error(nil), m.errs...)
}

func (m *loopMTA) report() string {
	log, _, errs := m.snapshot()
	var b strings.Builder
	for _, d := range log {
		fmt.Fprintf(&b, "  %s -> %s delivered=%v auto-submitted=%q %s %q\n", d.EnvFrom, d.Rcpt, d.Delivered, d.AutoSubmitted, d.MessageID, d.Subject)
	}
	for _, e := range errs {
		fmt.Fprintf(&b, "  error: %v\n", e)
	}
	return b.String()
}

func portOf(addr string) int {
	_, p, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(p)
	return n
}

// loopResponder is C's out-of-office responder, as naive as they come: it
// answers every message in its INBOX that has a return path, like a Sieve
// vacation action with no :days memory, with Auto-Submitted: auto-replied
// (RFC 3834 §5) and its own address as envelope sender.
type loopResponder struct {
	addr, mta string
	c         *imapclient.Client
	lastUID   imap.UID

	mu       sync.Mutex
	answered int
	polledAt time.Time // end of the last poll that found nothing new
	err      error
}

const loopResponderCap = 30 // a runaway loop stops here, and fails the test

func (r *loopResponder) run(ctx context.Context) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		n, err := r.poll()
		r.mu.Lock()
		if err != nil && r.err == nil {
			r.err = err
		}
		if n == 0 && err == nil {
			r.polledAt = time.Now()
		}
		r.mu.Unlock()
	}
}

// poll answers the messages that arrived since the last poll.
func (r *loopResponder) poll() (int, error) {
	var set imap.UIDSet
	set.AddRange(r.lastUID+1, 0)
	found, err := r.c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, nil).Wait()
	if err != nil {
		return 0, fmt.Errorf("responder search: %w", err)
	}
	var uids []imap.UID
	for _, u := range found.AllUIDs() {
		if u > r.lastUID {
			uids = append(uids, u)
		}
	}
	if len(uids) == 0 {
		return 0, nil
	}
	section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true}
	msgs, err := r.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return 0, fmt.Errorf("responder fetch: %w", err)
	}
	sort.Slice(msgs, func(i, j int) bool { return msgs[i].UID < msgs[j].UID })
	for _, m := range msgs {
		r.lastUID = max(r.lastUID, m.UID)
		h, err := mail.ReadMessage(bytes.NewReader(append(m.FindBodySection(section), "\r\n"...)))
		if err != nil {
			return 0, fmt.Errorf("responder: UID %d: %w", m.UID, err)
		}
		to := strings.Trim(h.Header.Get("Return-Path"), "<> ")
		if to == "" {
			continue // nowhere to answer
		}
		r.mu.Lock()
		over := r.answered >= loopResponderCap
		if !over {
			r.answered++
		}
		n := r.answered
		r.mu.Unlock()
		if over {
			continue
		}
		id := h.Header.Get("Message-Id")
		oof := fmt.Sprintf("From: Carmen Ortiz <%s>\r\nTo: <%s>\r\nSubject: Out of office: %s\r\nDate: %s\r\n"+
			"Message-ID: <oof-%d.%d@three.example>\r\nIn-Reply-To: %s\r\nReferences: %s\r\n"+
			"Auto-Submitted: auto-replied (vacation)\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"+
			"I am away from the office until 20 November with no access to my mail.\r\n",
			r.addr, to, h.Header.Get("Subject"), time.Now().Format(time.RFC1123Z), n, time.Now().UnixNano(), id, id)
		if err := smtp.SendMail(r.mta, nil, r.addr, []string{to}, []byte(oof)); err != nil {
			return 0, fmt.Errorf("responder: send to %s: %w", to, err)
		}
	}
	return len(msgs), nil
}

// idleSince reports whether the responder has found nothing new in a poll
// that ended after t.
func (r *loopResponder) idleSince(t time.Time) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.polledAt.After(t), r.err
}

// loopAccount is the config.yaml accounts entry of one herald instance.
func loopAccount(name, addr, pass string, imapPort, smtpPort int) string {
	return fmt.Sprintf(`  - name: %s
    address: %s
    from_name: %s focal point
    language: en
    imap:
      host: 127.0.0.1
      port: %d
      security: none
      username: %s
      password: %s
    smtp:
      host: 127.0.0.1
      port: %d
      security: none
      sent_folder: Sent`, name, addr, strings.ToUpper(name), imapPort, addr, pass, smtpPort)
}

const loopTriage = `  acknowledge: true
  ack_template: ack
  ack_once_per: 168h
  default:
    category: general
    folder: Triage/General`

// loopSeed is a message a person writes, handed to the MTA.
func loopSeed(t *testing.T, mta, envFrom, from string, rcpts []string, header, subject string) string {
	t.Helper()
	id := fmt.Sprintf("<seed.%d@%s>", time.Now().UnixNano(), strings.Split(envFrom, "@")[1])
	msg := fmt.Sprintf("From: %s\r\n%sSubject: %s\r\nDate: %s\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=us-ascii\r\n\r\nDear colleagues,\r\n\r\nCould you tell us more about this? Thank you.\r\n",
		from, header, subject, time.Now().Format(time.RFC1123Z), id)
	if err := smtp.SendMail(mta, nil, envFrom, rcpts, []byte(msg)); err != nil {
		t.Fatalf("seed %q: SendMail() = %v", subject, err)
	}
	return id
}

func TestNoMailLoop(t *testing.T) {
	t.Parallel()
	start := time.Now()
	const a, b, c = "a@one.example", "b@two.example", "c@three.example"
	dv := realserver.StartDovecot(t, map[string]string{a: "PassA1", b: "PassB2", c: "PassC3"})
	mta := startLoopMTA(t, dv)

	cfgA := writeLiveConfig(t, t.TempDir(), loopAccount("one", a, dv.Users[a], dv.Port, mta.port()), loopTriage)
	cfgB := writeLiveConfig(t, t.TempDir(), loopAccount("two", b, dv.Users[b], dv.Port, mta.port()), loopTriage)
	heraldA := startLiveHerald(t, "herald A", cfgA)
	heraldB := startLiveHerald(t, "herald B", cfgB)

	responder := &loopResponder{addr: c, mta: mta.addr, c: dvLogin(t, dv.Addr, c, dv.Users[c])}
	if _, err := responder.c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatalf("Select(INBOX).Wait() = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); responder.run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	// B writes to A with C in copy; A writes to B; C writes to A, so that
	// A's acknowledgement meets C's responder.
	seeds := map[string]bool{}
	for _, s := range []struct {
		envFrom, from string
		rcpts         []string
		header, subj  string
	}{
		{b, "Bruno Costa <" + b + ">", []string{a, c}, "To: " + a + "\r\nCc: " + c + "\r\n", "Joint session of our two agencies at the conference"},
		{a, "Ana Moreau <" + a + ">", []string{b}, "To: " + b + "\r\n", "Accreditation of our delegation"},
		{c, "Carmen Ortiz <" + c + ">", []string{a}, "To: " + a + "\r\n", "Registration of the Quito delegation"},
	} {
		seeds[loopSeed(t, mta.addr, s.envFrom, s.from, s.rcpts, s.header, s.subj)] = true
	}

	checkA := dvLogin(t, dv.Addr, a, dv.Users[a])
	checkB := dvLogin(t, dv.Addr, b, dv.Users[b])
	var deliveries []loopDelivery
	// Quiet is what proves the absence of a loop, so it is made of facts,
	// not of a pause alone: nothing waits in the INBOXes, nothing waits in
	// either herald's queue of automatic messages, the responder has
	// nothing to answer, and the MTA delivered nothing for 3 s.
	dbA, dbB := openHeraldDB(t, cfgA), openHeraldDB(t, cfgB)
	queued := func() int {
		total := 0
		for _, db := range []*sql.DB{dbA, dbB} {
			var n int
			if err := db.QueryRow(`SELECT count(*) FROM actions WHERE state = 'pending' AND kind IN ('ack', 'forward')`).Scan(&n); err != nil {
				t.Fatalf("count queued sends: %v", err)
			}
			total += n
		}
		return total
	}
	ibxWait(t, 40*time.Second, "quiet mail system (INBOXes of A and B empty, no send queued, responder idle, no delivery for 3 s)", func() (bool, string) {
		na, err := dvCount(checkA, "INBOX")
		if err != nil {
			t.Fatal(err)
		}
		nb, err := dvCount(checkB, "INBOX")
		if err != nil {
			t.Fatal(err)
		}
		var last time.Time
		var errs []error
		deliveries, last, errs = mta.snapshot()
		if len(errs) > 0 {
			t.Fatalf("MTA: %v", errs)
		}
		idle, err := responder.idleSince(last)
		if err != nil {
			t.Fatal(err)
		}
		quiet, q := time.Since(last), queued()
		return na == 0 && nb == 0 && q == 0 && idle && quiet > 3*time.Second,
			fmt.Sprintf("INBOX A %d, INBOX B %d, %d sends queued, responder idle %v, %d deliveries, quiet for %v", na, nb, q, idle, len(deliveries), quiet.Round(time.Millisecond))
	})
	heraldA.stop(t)
	heraldB.stop(t)

	party := map[string]string{a: "A", b: "B", c: "C"}
	pairs := map[string]int{}
	automatic := 0
	for _, d := range deliveries {
		if !d.Delivered {
			t.Errorf("%s sent %s to %s, who has no mailbox here", d.EnvFrom, d.MessageID, d.Rcpt)
		}
		if seeds[d.MessageID] {
			continue
		}
		automatic++
		pairs[party[d.EnvFrom]+"→"+party[d.Rcpt]]++
		if tok := strings.ToLower(strings.TrimSpace(strings.Split(d.AutoSubmitted, "(")[0])); tok == "" || tok == "no" {
			t.Errorf("automatic message %s from %s to %s has Auto-Submitted %q (RFC 3834 §5)", d.MessageID, d.EnvFrom, d.Rcpt, d.AutoSubmitted)
		}
	}
	t.Logf("automatic messages: %v (%d in all, %d deliveries)", pairs, automatic, len(deliveries))
	for _, p := range []string{"A→B", "B→A", "A→C", "B→C", "C→A", "C→B"} {
		if pairs[p] > 1 {
			t.Errorf("%s: %d automatic messages, want at most 1 (mail loop)", p, pairs[p])
		}
	}
	for p, n := range pairs {
		if !strings.Contains("A→B B→A A→C B→C C→A C→B", p) {
			t.Errorf("%s: %d automatic messages between unexpected parties", p, n)
		}
	}
	// Mail flowed: each enquiry was acknowledged once, and C answered the
	// copy it got and A's acknowledgement. What C sent was automatic: no
	// instance may answer it (docs/BEHAVIOUR.md §4 step 2: never acknowledged).
	for p, why := range map[string]string{"A→B": "A's ack of B's enquiry", "B→A": "B's ack of A's enquiry",
		"A→C": "A's ack of C's enquiry", "C→B": "C's out-of-office on the copy of B's enquiry",
		"C→A": "C's out-of-office on A's acknowledgement"} {
		if pairs[p] == 0 {
			t.Errorf("%s: no message, want %s", p, why)
		}
	}
	if pairs["B→C"] != 0 {
		t.Errorf("B→C: %d messages; B only ever got C's out-of-office, which must not be acknowledged", pairs["B→C"])
	}
	if bound := 6; automatic > bound {
		t.Errorf("%d automatic messages, want at most %d", automatic, bound)
	}
	responder.mu.Lock()
	if responder.answered >= loopResponderCap {
		t.Errorf("the responder answered %d messages: a loop ran until it gave up", responder.answered)
	}
	responder.mu.Unlock()

	loopCheckInstance(t, "A", cfgA, checkA, pairs["B→A"]+pairs["C→A"], pairs["A→B"]+pairs["A→C"], 2)
	loopCheckInstance(t, "B", cfgB, checkB, pairs["A→B"]+pairs["C→B"], pairs["B→A"]+pairs["B→C"], 1)
	t.Logf("quiet after %v", time.Since(start).Round(time.Millisecond))
}

// loopCheckInstance: the instance recorded one acknowledged enquiry per
// seed it received, filed every automatic message it received in
// Triage/Auto-replies, and copied its acknowledgements to Sent.
func loopCheckInstance(t *testing.T, name, cfg string, c *imapclient.Client, autoIn, acksOut, enquiries int) {
	t.Helper()
	qs := liveEnquiries(t, cfg)
	if len(qs) != enquiries {
		t.Errorf("herald %s: %d enquiries %+v, want %d", name, len(qs), qs, enquiries)
	}
	for _, q := range qs {
		if q.Status != "acknowledged" || q.AckSuppressed != nil {
			t.Errorf("herald %s: enquiry %s from %s is %s (suppressed: %v), want acknowledged", name, q.Ref, q.From, q.Status, q.AckSuppressed)
		}
	}
	for folder, want := range map[string]int{triage.FolderAutoReplies: autoIn, "Sent": acksOut, "INBOX": 0} {
		got := 0
		if want > 0 || folder == "INBOX" {
			n, err := dvCount(c, folder)
			if err != nil {
				t.Errorf("herald %s: %v", name, err)
				continue
			}
			got = int(n)
		}
		if got != want {
			t.Errorf("herald %s: %s holds %d messages, want %d", name, folder, got, want)
		}
	}
}
