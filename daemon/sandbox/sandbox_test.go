package sandbox

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// connDeadline bounds every test connection: go-imap v2 commands would
// otherwise wait forever on a dead connection.
const connDeadline = 20 * time.Second

var testAccounts = []Account{
	{Name: "contact", Address: "contact@conf.test", Aliases: []string{"info@conf.test"}},
	{Name: "press", Address: "press@conf.test"},
}

// outbox collects what Capture receives; fail makes Capture return an error.
type outbox struct {
	mu   sync.Mutex
	got  []Captured
	fail error
}

func (o *outbox) capture(_ context.Context, m Captured) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fail != nil {
		return o.fail
	}
	o.got = append(o.got, m)
	return nil
}

func (o *outbox) messages() []Captured {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]Captured(nil), o.got...)
}

func startSandbox(t *testing.T, out *outbox) *Sandbox {
	t.Helper()
	o := Options{
		Accounts: testAccounts,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	if out != nil {
		o.Capture = out.capture
	}
	sb, err := Start(context.Background(), o)
	if err != nil {
		t.Fatalf("Start() = %v", err)
	}
	t.Cleanup(func() {
		if err := sb.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return sb
}

func dialIMAP(t *testing.T, sb *Sandbox, handler *imapclient.UnilateralDataHandler) *imapclient.Client {
	t.Helper()
	conn, err := net.Dial("tcp", sb.IMAPAddr())
	if err != nil {
		t.Fatalf("dial imap: %v", err)
	}
	conn.SetDeadline(time.Now().Add(connDeadline))
	c := imapclient.New(conn, &imapclient.Options{UnilateralDataHandler: handler})
	t.Cleanup(func() { c.Close() })
	return c
}

func loginIMAP(t *testing.T, sb *Sandbox, user string) *imapclient.Client {
	t.Helper()
	c := dialIMAP(t, sb, nil)
	if err := c.Login(user, Password).Wait(); err != nil {
		t.Fatalf("Login(%q).Wait() = %v", user, err)
	}
	return c
}

func dialSMTP(t *testing.T, sb *Sandbox) *smtp.Client {
	t.Helper()
	conn, err := net.Dial("tcp", sb.SMTPAddr())
	if err != nil {
		t.Fatalf("dial smtp: %v", err)
	}
	conn.SetDeadline(time.Now().Add(connDeadline))
	c := smtp.NewClient(conn)
	t.Cleanup(func() { c.Close() })
	if err := c.Hello("client.test"); err != nil {
		t.Fatalf("Hello() = %v", err)
	}
	return c
}

func testMessage(subject, id string) string {
	return "From: Sender <sender@outside.test>\r\n" +
		"To: contact@conf.test, someone@elsewhere.test\r\n" +
		"Subject: " + subject + "\r\n" +
		"Message-ID: <" + id + ">\r\n" +
		"\r\n" +
		"Hello, I would like to register.\r\n"
}

// fetchAll returns the full text of every message in the selected mailbox.
func fetchAll(t *testing.T, c *imapclient.Client) []string {
	t.Helper()
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.SeqSetNum(1, 2, 3, 4, 5, 6, 7, 8, 9), &imap.FetchOptions{
		BodySection: []*imap.FetchItemBodySection{section},
	}).Collect()
	if err != nil {
		t.Fatalf("Fetch().Collect() = %v", err)
	}
	var out []string
	for _, m := range msgs {
		out = append(out, string(m.FindBodySection(section)))
	}
	return out
}

func selectMailbox(t *testing.T, c *imapclient.Client, name string) *imap.SelectData {
	t.Helper()
	data, err := c.Select(name, nil).Wait()
	if err != nil {
		t.Fatalf("Select(%q).Wait() = %v", name, err)
	}
	return data
}

func TestSMTPDeliversLocallyAndCapturesTheRest(t *testing.T) {
	out := &outbox{}
	sb := startSandbox(t, out)

	c := dialSMTP(t, sb)
	msg := testMessage("Registration =?UTF-8?Q?d=C3=A9l=C3=A9gation?=", "reg-1@outside.test")
	// The alias and a case variant of the address reach the same INBOX once.
	rcpts := []string{"contact@conf.test", "someone@elsewhere.test", "Info@Conf.Test"}
	if err := c.SendMail("sender@outside.test", rcpts, strings.NewReader(msg)); err != nil {
		t.Fatalf("SendMail() = %v", err)
	}

	imapc := loginIMAP(t, sb, "contact@conf.test")
	if data := selectMailbox(t, imapc, "INBOX"); data.NumMessages != 1 {
		t.Fatalf("INBOX has %d messages, want 1", data.NumMessages)
	}
	got := fetchAll(t, imapc)[0]
	if !strings.HasPrefix(got, "Return-Path: <sender@outside.test>\r\nReceived: from client.test ([127.0.0.1])") {
		t.Errorf("delivered message does not start with the trace headers:\n%s", got)
	}
	if !strings.HasSuffix(got, msg) {
		t.Errorf("delivered message does not end with the original:\n%s", got)
	}

	press := loginIMAP(t, sb, "press")
	if data := selectMailbox(t, press, "INBOX"); data.NumMessages != 0 {
		t.Errorf("press INBOX has %d messages, want 0", data.NumMessages)
	}

	captured := out.messages()
	if len(captured) != 1 {
		t.Fatalf("captured %d messages, want 1", len(captured))
	}
	m := captured[0]
	if m.From != "sender@outside.test" || len(m.To) != 1 || m.To[0] != "someone@elsewhere.test" {
		t.Errorf("captured envelope = %q -> %q, want sender@outside.test -> [someone@elsewhere.test]", m.From, m.To)
	}
	if m.Subject != "Registration délégation" || m.MessageID != "reg-1@outside.test" {
		t.Errorf("captured Subject, MessageID = %q, %q", m.Subject, m.MessageID)
	}
	if string(m.Raw) != msg || m.ReceivedAt.IsZero() {
		t.Errorf("captured Raw = %q, ReceivedAt = %v", m.Raw, m.ReceivedAt)
	}
}

func TestNullSenderAndUnparsableMessage(t *testing.T) {
	out := &outbox{}
	sb := startSandbox(t, out)
	c := dialSMTP(t, sb)
	// A bounce (null reverse-path) whose header is broken is still kept.
	msg := "this is not a header\r\n\r\nbody\r\n"
	if err := c.SendMail("", []string{"press@conf.test", "x@elsewhere.test"}, strings.NewReader(msg)); err != nil {
		t.Fatalf("SendMail() = %v", err)
	}
	imapc := loginIMAP(t, sb, "press@conf.test")
	selectMailbox(t, imapc, "INBOX")
	if got := fetchAll(t, imapc); len(got) != 1 || !strings.HasPrefix(got[0], "Return-Path: <>\r\n") {
		t.Errorf("press INBOX = %q, want one message with Return-Path: <>", got)
	}
	if got := out.messages(); len(got) != 1 || got[0].From != "" || got[0].Subject != "" {
		t.Errorf("captured = %+v, want one message with empty From and Subject", got)
	}
}

func TestCaptureErrorAnswers451(t *testing.T) {
	out := &outbox{fail: errors.New("store is locked")}
	sb := startSandbox(t, out)
	c := dialSMTP(t, sb)
	err := c.SendMail("sender@outside.test", []string{"contact@conf.test", "someone@elsewhere.test"},
		strings.NewReader(testMessage("retry me", "retry@outside.test")))
	var smtpErr *smtp.SMTPError
	if !errors.As(err, &smtpErr) || smtpErr.Code != 451 {
		t.Fatalf("SendMail() = %v, want a 451 reply", err)
	}
	// Nothing is delivered either, so the retry does not duplicate it.
	imapc := loginIMAP(t, sb, "contact")
	if data := selectMailbox(t, imapc, "INBOX"); data.NumMessages != 0 {
		t.Errorf("INBOX has %d messages after a refused message, want 0", data.NumMessages)
	}
}

// idleSeenWithin is how long a test waits for an update during IDLE: several
// times idleRecheck, the longest an update can wait, with room for -race.
const idleSeenWithin = 10 * idleRecheck

// idleWatch logs in as contact, selects INBOX and reports the EXISTS
// counts the server sends from then on.
func idleWatch(t *testing.T, sb *Sandbox) (*imapclient.Client, <-chan uint32) {
	t.Helper()
	exists := make(chan uint32, 10)
	c := dialIMAP(t, sb, &imapclient.UnilateralDataHandler{
		// Runs on the client's reader goroutine: only hand the data over.
		Mailbox: func(data *imapclient.UnilateralDataMailbox) {
			if data.NumMessages != nil {
				exists <- *data.NumMessages
			}
		},
	})
	if err := c.Login("contact@conf.test", Password).Wait(); err != nil {
		t.Fatalf("Login().Wait() = %v", err)
	}
	selectMailbox(t, c, "INBOX")
	return c, exists
}

// wantExists waits for the next EXISTS, which must be want.
func wantExists(t *testing.T, exists <-chan uint32, want uint32) {
	t.Helper()
	select {
	case n := <-exists:
		if n != want {
			t.Errorf("EXISTS %d, want %d", n, want)
		}
	case <-time.After(idleSeenWithin):
		t.Fatalf("no EXISTS %d during IDLE within %v", want, idleSeenWithin)
	}
}

// endIdle ends an IDLE command.
func endIdle(t *testing.T, idle *imapclient.IdleCommand) {
	t.Helper()
	if err := idle.Close(); err != nil {
		t.Fatalf("IdleCommand.Close() = %v", err)
	}
	if err := idle.Wait(); err != nil {
		t.Fatalf("IdleCommand.Wait() = %v", err)
	}
}

func TestIdleSeesDelivery(t *testing.T) {
	sb := startSandbox(t, &outbox{})
	c, exists := idleWatch(t, sb)
	idle, err := c.Idle()
	if err != nil {
		t.Fatalf("Idle() = %v", err)
	}

	// One delivery, which must be reported: a miss would wait for the
	// client's next command or IDLE restart (about 25 minutes in herald).
	s := dialSMTP(t, sb)
	if err := s.SendMail("a@outside.test", []string{"contact@conf.test"}, strings.NewReader(testMessage("idle", "idle@x"))); err != nil {
		t.Fatalf("SendMail() = %v", err)
	}
	wantExists(t, exists, 1)
	endIdle(t, idle)
}

// TestIdleSeesDeliveryQueuedBeforeIdle delivers between SELECT and IDLE, with
// no command in between to report it: the library's Idle alone would only
// write it with the next change. A second delivery, once IDLE has run past a
// recheck (the tour's "inject again"), must be reported too.
func TestIdleSeesDeliveryQueuedBeforeIdle(t *testing.T) {
	sb := startSandbox(t, &outbox{})
	c, exists := idleWatch(t, sb)
	if err := sb.Deliver("contact", []byte(testMessage("before idle", "before@x"))); err != nil {
		t.Fatalf("Deliver() = %v", err)
	}
	idle, err := c.Idle()
	if err != nil {
		t.Fatalf("Idle() = %v", err)
	}
	wantExists(t, exists, 1)

	time.Sleep(idleRecheck + idleRecheck/2)
	if err := sb.Deliver("contact", []byte(testMessage("during idle", "during@x"))); err != nil {
		t.Fatalf("Deliver() = %v", err)
	}
	wantExists(t, exists, 2)
	endIdle(t, idle)
	select {
	case n := <-exists:
		t.Errorf("extra EXISTS %d after IDLE", n)
	default:
	}
}

func TestCapabilities(t *testing.T) {
	sb := startSandbox(t, nil)
	c := loginIMAP(t, sb, "contact@conf.test")
	caps, err := c.Capability().Wait()
	if err != nil {
		t.Fatalf("Capability().Wait() = %v", err)
	}
	for _, want := range []imap.Cap{imap.CapIdle, imap.CapMove, imap.CapUIDPlus, imap.CapNamespace} {
		if !caps.Has(want) {
			t.Errorf("capabilities %v lack %s", caps, want)
		}
	}
	if caps.Has(imap.CapListStatus) {
		t.Errorf("capabilities %v offer LIST-STATUS, whose UIDVALIDITY cannot be translated", caps)
	}
}

func TestWrongPasswordRejected(t *testing.T) {
	sb := startSandbox(t, nil)
	for _, user := range []string{"contact@conf.test", "nobody@conf.test"} {
		c := dialIMAP(t, sb, nil)
		if err := c.Login(user, "wrong").Wait(); err == nil {
			t.Errorf("IMAP Login(%q, wrong) succeeded", user)
		}
	}
	s := dialSMTP(t, sb)
	err := s.Auth(sasl.NewPlainClient("", "contact@conf.test", "wrong"))
	var smtpErr *smtp.SMTPError
	if !errors.As(err, &smtpErr) || smtpErr.Code != 535 {
		t.Errorf("SMTP AUTH with a wrong password = %v, want 535", err)
	}
	s = dialSMTP(t, sb)
	if err := s.Auth(sasl.NewPlainClient("", "press", Password)); err != nil {
		t.Errorf("SMTP AUTH as press = %v", err)
	}
	if err := s.SendMail("press@conf.test", []string{"contact@conf.test"}, strings.NewReader(testMessage("authed", "a@b"))); err != nil {
		t.Errorf("authenticated SendMail() = %v", err)
	}
}

func TestUIDValidity(t *testing.T) {
	sb1 := startSandbox(t, nil)
	sb2 := startSandbox(t, nil)
	v1 := selectMailbox(t, loginIMAP(t, sb1, "contact"), "INBOX").UIDValidity
	c := loginIMAP(t, sb2, "contact")
	v2 := selectMailbox(t, c, "INBOX").UIDValidity
	if v1 == v2 || v1 < 1_000_000_000 {
		t.Fatalf("INBOX UIDVALIDITY of two runs = %d, %d; want distinct epoch-based values", v1, v2)
	}

	// Every response that carries UIDVALIDITY agrees with SELECT.
	if err := sb2.Deliver("contact", []byte(testMessage("one", "one@x"))); err != nil {
		t.Fatalf("Deliver() = %v", err)
	}
	status, err := c.Status("INBOX", &imap.StatusOptions{UIDValidity: true}).Wait()
	if err != nil || status.UIDValidity != v2 {
		t.Errorf("Status(INBOX) = %+v, %v; want UIDVALIDITY %d", status, err, v2)
	}
	msg := testMessage("sent copy", "sent@x")
	app := c.Append("Sent", int64(len(msg)), nil)
	io.WriteString(app, msg)
	app.Close()
	appended, err := app.Wait()
	if err != nil {
		t.Fatalf("Append(Sent).Wait() = %v", err)
	}
	sent := selectMailbox(t, c, "Sent").UIDValidity
	if appended.UIDValidity != sent {
		t.Errorf("APPENDUID UIDVALIDITY %d, SELECT Sent %d", appended.UIDValidity, sent)
	}

	// A mailbox deleted and created again gets a new UIDVALIDITY.
	if err := c.Create("Registration", nil).Wait(); err != nil {
		t.Fatalf("Create().Wait() = %v", err)
	}
	first := selectMailbox(t, c, "Registration").UIDValidity
	if err := c.Unselect().Wait(); err != nil {
		t.Fatalf("Unselect().Wait() = %v", err)
	}
	if err := c.Delete("Registration").Wait(); err != nil {
		t.Fatalf("Delete().Wait() = %v", err)
	}
	if err := c.Create("Registration", nil).Wait(); err != nil {
		t.Fatalf("Create() again: %v", err)
	}
	second := selectMailbox(t, c, "Registration").UIDValidity
	if first == second {
		t.Errorf("re-created mailbox kept UIDVALIDITY %d", first)
	}

	// MOVE reports the destination's UIDVALIDITY and expunges the source.
	selectMailbox(t, c, "INBOX")
	moved, err := c.Move(imap.SeqSetNum(1), "Registration").Wait()
	if err != nil {
		t.Fatalf("Move().Wait() = %v", err)
	}
	if moved.UIDValidity != second || moved.DestUIDs.String() != "1" {
		t.Errorf("MOVE COPYUID = %d %v, want %d 1", moved.UIDValidity, moved.DestUIDs, second)
	}
	if mbox := c.Mailbox(); mbox == nil || mbox.NumMessages != 0 {
		t.Errorf("INBOX after MOVE = %+v, want 0 messages", mbox)
	}
	if got := selectMailbox(t, c, "Registration"); got.NumMessages != 1 {
		t.Errorf("Registration has %d messages after MOVE, want 1", got.NumMessages)
	}
	if got := fetchAll(t, c); len(got) != 1 || strings.Contains(got[0], `\Deleted`) {
		t.Errorf("moved message = %q", got)
	}
}

func TestDeliver(t *testing.T) {
	sb := startSandbox(t, nil)
	eml := "From: a@outside.test\nSubject: unix line endings\n\nbody\n"
	if err := sb.Deliver("info@conf.test", []byte(eml)); err != nil {
		t.Fatalf("Deliver(alias) = %v", err)
	}
	if err := sb.Deliver("nobody", []byte(eml)); err == nil {
		t.Error("Deliver(unknown account) succeeded")
	}
	c := loginIMAP(t, sb, "contact")
	selectMailbox(t, c, "INBOX")
	want := strings.ReplaceAll(eml, "\n", "\r\n")
	if got := fetchAll(t, c); len(got) != 1 || got[0] != want {
		t.Errorf("INBOX = %q, want [%q]", got, want)
	}
	// ESEARCH is advertised, so imapclient uses it here.
	found, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: "unix"}}}, nil).Wait()
	if err != nil {
		t.Fatalf("UIDSearch().Wait() = %v", err)
	}
	if uids := found.AllUIDs(); len(uids) != 1 || uids[0] != 1 {
		t.Errorf("UIDSearch(Subject unix) = %v, want [1]", uids)
	}
}

func TestMessageSizeLimit(t *testing.T) {
	sb := startSandbox(t, &outbox{})
	c := dialSMTP(t, sb)
	big := bytes.Repeat([]byte(strings.Repeat("x", 998)+"\r\n"), MaxMessageBytes/1000+1)
	err := c.SendMail("a@outside.test", []string{"contact@conf.test"}, bytes.NewReader(big))
	var smtpErr *smtp.SMTPError
	if !errors.As(err, &smtpErr) || smtpErr.Code != 552 {
		t.Errorf("SendMail(26 MB) = %v, want 552", err)
	}
	if err := sb.Deliver("contact", big); err == nil {
		t.Error("Deliver(26 MB) succeeded")
	}
}

func TestStartRejectsBadOptions(t *testing.T) {
	cases := []Options{
		{Accounts: []Account{{Name: "a", Address: "x@conf.test"}, {Name: "b", Address: "X@conf.test"}}},
		{Accounts: []Account{{Name: "a", Address: "not an address"}}},
		{Accounts: []Account{{Address: "x@conf.test"}}},
		{IMAPAddr: "0.0.0.0:0"},
		{SMTPAddr: ":0"},
	}
	for _, o := range cases {
		if sb, err := Start(context.Background(), o); err == nil {
			sb.Close()
			t.Errorf("Start(%+v) succeeded", o)
		}
	}
}

func TestCloseDoesNotWaitForIdleClients(t *testing.T) {
	sb, err := Start(context.Background(), Options{Accounts: testAccounts, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("Start() = %v", err)
	}
	s := dialSMTP(t, sb) // connected, no transaction
	raw, err := net.Dial("tcp", sb.SMTPAddr())
	if err != nil {
		t.Fatalf("dial smtp: %v", err)
	}
	defer raw.Close() // connected, not even EHLO
	imapc := loginIMAP(t, sb, "contact")
	selectMailbox(t, imapc, "INBOX")

	start := time.Now()
	if err := sb.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close() took %v with idle clients", d)
	}
	if err := s.Noop(); err == nil {
		t.Error("SMTP connection still usable after Close")
	}
	if _, err := net.Dial("tcp", sb.IMAPAddr()); err == nil {
		t.Error("IMAP still accepting after Close")
	}
}

func TestCloseLetsTransactionFinish(t *testing.T) {
	out := &outbox{}
	sb, err := Start(context.Background(), Options{Accounts: testAccounts, Capture: out.capture,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("Start() = %v", err)
	}
	c := dialSMTP(t, sb)
	if err := c.Mail("a@outside.test", nil); err != nil {
		t.Fatalf("Mail() = %v", err)
	}
	if err := c.Rcpt("someone@elsewhere.test", nil); err != nil {
		t.Fatalf("Rcpt() = %v", err)
	}
	closed := make(chan error, 1)
	go func() { closed <- sb.Close() }()

	// The transaction begun before Close still completes.
	time.Sleep(100 * time.Millisecond) // let Close start; the outcome must not depend on it
	w, err := c.Data()
	if err != nil {
		t.Fatalf("Data() = %v", err)
	}
	io.WriteString(w, testMessage("in flight", "flight@x"))
	if err := w.Close(); err != nil {
		t.Fatalf("DATA during Close = %v", err)
	}
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close() = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close() did not return after the transaction ended")
	}
	if got := out.messages(); len(got) != 1 {
		t.Errorf("captured %d messages, want 1", len(got))
	}
}
