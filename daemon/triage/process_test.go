package triage

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/inbox"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/testconfig"
)

const account = "habitat"

func testConfig() *config.Config { return testconfig.TriageConfig() }

type fixture struct {
	t     *testing.T
	p     *Processor
	st    *store.Store
	mb    inbox.Mailbox
	uid   uint32
	clock time.Time
	// prepare has the batches prepared first, as the watcher does.
	prepare bool
}

func newFixture(t *testing.T) *fixture {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := testConfig()
	f := &fixture{t: t, st: st, mb: inbox.Mailbox{Account: account, Name: "INBOX", UIDValidity: 7},
		clock: time.Date(2017, 10, 2, 9, 0, 0, 0, time.UTC)}
	f.p = &Processor{Config: cfg, Account: &cfg.Accounts[0], Store: st,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return f.clock }}
	return f
}

// deliver processes raw messages as one batch and returns their UIDs.
func (f *fixture) deliver(raws ...string) []uint32 {
	f.t.Helper()
	var batch []inbox.Fetched
	var uids []uint32
	for _, r := range raws {
		f.uid++
		batch = append(batch, inbox.Fetched{UID: f.uid, Raw: []byte(strings.ReplaceAll(r, "\n", "\r\n")), InternalDate: f.clock})
		uids = append(uids, f.uid)
	}
	if f.prepare {
		f.p.Prepare(batch)
	}
	if err := f.p.Process(context.Background(), f.mb, batch); err != nil {
		f.t.Fatalf("Process() = %v", err)
	}
	return uids
}

// TestPrepareChangesNothing: a batch prepared by the watcher before
// Process is recorded exactly as one Process parses itself, and a
// prepared value that belongs to another message is not used.
func TestPrepareChangesNothing(t *testing.T) {
	msgs := []string{
		mail("ana@example.org", "decorte@un.org", "Visa letter please"),
		mail("MAILER-DAEMON@mx.example", "decorte@un.org", "Undelivered Mail Returned to Sender", "Auto-Submitted: auto-replied"),
		mail("bob@example.org", "decorte@un.org", "Out of office", "Auto-Submitted: auto-replied"),
		"this is not a mail at all\x00\x01",
		mail("carla@example.es", "decorte@un.org", "Pregunta sobre la conferencia"),
	}
	outcome := func(f *fixture) string {
		var lines []string
		for _, e := range f.enquiries() {
			lines = append(lines, fmt.Sprintf("enquiry %s %s %s %s", e.Ref, e.Subject, e.Category, e.Language))
		}
		for _, kind := range []string{"move", "flag", "ack"} {
			for _, a := range f.actions(kind) {
				lines = append(lines, fmt.Sprintf("%s uid %d %.40s", kind, a.UID, a.Arg))
			}
		}
		slices.Sort(lines)
		return strings.Join(lines, "\n")
	}
	plain, prepared := newFixture(t), newFixture(t)
	prepared.prepare = true
	plain.deliver(msgs...)
	prepared.deliver(msgs...)
	if got, want := outcome(prepared), outcome(plain); got != want {
		t.Errorf("prepared batch recorded\n%s\nwant\n%s", got, want)
	}

	// A stale preparation (another UID's) is ignored.
	stale := newFixture(t)
	batch := []inbox.Fetched{{UID: 1, Raw: []byte(strings.ReplaceAll(msgs[0], "\n", "\r\n"))}}
	stale.p.Prepare(batch)
	batch[0].UID, batch[0].Raw = 2, []byte(strings.ReplaceAll(msgs[2], "\n", "\r\n"))
	if err := stale.p.Process(context.Background(), stale.mb, batch); err != nil {
		t.Fatal(err)
	}
	if n := len(stale.enquiries()); n != 0 {
		t.Errorf("an out-of-office with a stale enquiry preparation made %d enquiries, want 0", n)
	}
}

func mail(from, to, subject string, extra ...string) string {
	id := fmt.Sprintf("<%d.%s@test.example>", time.Now().UnixNano(), strings.ReplaceAll(from, "@", "."))
	return fmt.Sprintf("Return-Path: <%s>\nFrom: %s\nTo: %s\nSubject: %s\nMessage-ID: %s\nDate: Mon, 2 Oct 2017 10:00:00 +0200\n%s\nHello, a question about the conference.\n",
		from, from, to, subject, id, strings.Join(append(extra, ""), "\n"))
}

// enquiries returns the queue keyed by subject.
func (f *fixture) enquiries() map[string]*store.Enquiry {
	out := map[string]*store.Enquiry{}
	f.st.Enquiries(context.Background(), store.EnquiryFilter{}, func(e *store.Enquiry) error { out[e.Subject] = e; return nil })
	return out
}

func (f *fixture) actions(kind string) []store.Action {
	var out []store.Action
	ims, _ := f.st.PendingIMAP(context.Background(), account, "INBOX", 7)
	sends, _ := f.st.PendingSends(context.Background(), account, 1000)
	for _, a := range append(ims, sends...) {
		if a.Kind == kind {
			out = append(out, a)
		}
	}
	return out
}

func TestEnquiriesRulesAndAcks(t *testing.T) {
	f := newFixture(t)
	f.deliver(
		mail("amina@dakar.example", "decorte@un.org", "Visa invitation letter"),
		mail("journalist@reuters.com", "decorte@un.org", "Interview request"),
		mail("mayor@quito.example", "gccm@un.org", "Programme question"),
		mail("bot@news.example", "decorte@un.org", "Weekly digest", "List-Id: <news.example>"),
		mail("friend@example.org", "someone-else@un.org", "Not for us"),
		mail("ooo@example.org", "decorte@un.org", "Conference", "Auto-Submitted: no"),
	)
	got := f.enquiries()
	want := map[string]struct{ category, suppressed string }{
		"Visa invitation letter": {"visa", ""},
		"Interview request":      {"press", ReasonRuleOff},
		"Programme question":     {"general", ""},
		"Weekly digest":          {"general", "list"},
		"Not for us":             {"general", "not-addressed-to-us"},
		"Conference":             {"general", ""},
	}
	for subj, w := range want {
		e := got[subj]
		if e == nil {
			t.Errorf("%q: no enquiry", subj)
			continue
		}
		if e.Category != w.category || e.AckSuppressed != w.suppressed || !strings.HasPrefix(e.Ref, "GCCM-") {
			t.Errorf("%q: category %q suppressed %q ref %q; want %q %q", subj, e.Category, e.AckSuppressed, e.Ref, w.category, w.suppressed)
		}
	}
	acks := f.actions("ack")
	if len(acks) != 3 {
		t.Fatalf("acks queued = %d, want 3", len(acks))
	}
	var job AckJob
	json.Unmarshal([]byte(acks[0].Arg), &job)
	if job.Template != "ack-visa" || job.To != "amina@dakar.example" || job.Original.MessageID == "" || job.MessageID == "" {
		t.Errorf("first ack job = %+v", job)
	}
	if fw := f.actions("forward"); len(fw) != 1 {
		t.Errorf("forwards = %d, want 1 (press rule)", len(fw))
	}
	moves := map[string]int{}
	for _, a := range f.actions("move") {
		moves[a.Arg]++
	}
	if moves["Triage/Visa"] != 1 || moves["Triage/Press"] != 1 || moves["Triage/General"] != 4 {
		t.Errorf("moves = %v", moves)
	}
	if last, _ := f.st.LastUID(context.Background(), account, "INBOX", 7); last != 6 {
		t.Errorf("high-water mark = %d, want 6", last)
	}
}

func TestAckOncePerSenderAndDuplicates(t *testing.T) {
	f := newFixture(t)
	first := mail("amina@dakar.example", "decorte@un.org", "First question")
	f.deliver(first, first) // the same message twice (to the address and its alias)
	f.clock = f.clock.Add(time.Hour)
	f.deliver(mail("amina@dakar.example", "decorte@un.org", "Second question"))
	f.clock = f.clock.Add(8 * 24 * time.Hour)
	f.deliver(mail("amina@dakar.example", "decorte@un.org", "A week later"))

	got := f.enquiries()
	if len(got) != 3 {
		t.Fatalf("enquiries = %d, want 3 (the copy is not a new enquiry)", len(got))
	}
	if got["Second question"].AckSuppressed != ReasonAlreadyAcked || got["A week later"].AckSuppressed != "" {
		t.Errorf("suppression: second %q, a week later %q", got["Second question"].AckSuppressed, got["A week later"].AckSuppressed)
	}
	if n := len(f.actions("ack")); n != 2 {
		t.Errorf("acks = %d, want 2", n)
	}
}

func TestHourlyCapAcrossAccountsAndCauses(t *testing.T) {
	f := newFixture(t)
	f.p.Config.Triage.AckOncePer = time.Nanosecond // let each message ask for an ack
	for i := 0; i < 12; i++ {
		f.clock = f.clock.Add(time.Minute)
		f.deliver(mail("busy@example.org", "decorte@un.org", fmt.Sprintf("Question %d", i)))
	}
	if n := len(f.actions("ack")); n != 10 {
		t.Errorf("acks in one hour = %d, want 10", n)
	}
	if e := f.enquiries()["Question 11"]; e.AckSuppressed != ReasonHourlyCap {
		t.Errorf("12th: suppressed %q", e.AckSuppressed)
	}
}

func TestFollowUpJoinsThreadButNotForStrangers(t *testing.T) {
	f := newFixture(t)
	f.deliver(mail("amina@dakar.example", "decorte@un.org", "Visa letter", "Cc: assistant@dakar.example"))
	ref := f.enquiries()["Visa letter"].Ref
	f.st.CloseEnquiry(context.Background(), ref)

	f.deliver(
		mail("assistant@dakar.example", "decorte@un.org", "Re: ["+ref+"] Visa letter"),
		mail("stranger@example.org", "decorte@un.org", "About "+ref),
	)
	got := f.enquiries()
	e := got["Visa letter"]
	if e.ThreadSize != 2 || e.Status != "open" {
		t.Errorf("thread size %d status %s; want 2, reopened", e.ThreadSize, e.Status)
	}
	if got["About "+ref] == nil {
		t.Error("a stranger quoting the reference hijacked the thread")
	}
	if n := len(f.actions("ack")); n != 2 {
		t.Errorf("acks = %d, want 2 (first enquiry and the stranger's; not the follow-up)", n)
	}
}

func TestBouncesAutoRepliesAndUnreadable(t *testing.T) {
	f := newFixture(t)
	f.deliver(
		"From: MAILER-DAEMON@mx.example\nTo: decorte@un.org\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <b1@mx.example>\n"+
			"Content-Type: multipart/report; report-type=delivery-status; boundary=B\n\n--B\nContent-Type: text/plain\n\nfailed\n--B\n"+
			"Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; gone@example.org\nAction: failed\nStatus: 5.1.1\n\n--B--\n",
		mail("traveller@example.org", "decorte@un.org", "Out of office", "Auto-Submitted: auto-replied"),
		"this is not a mail at all\x00\x01",
	)
	if n := len(f.enquiries()); n != 0 {
		t.Errorf("enquiries = %d, want 0", n)
	}
	moves := map[string]int{}
	for _, a := range f.actions("move") {
		moves[a.Arg]++
	}
	if moves[FolderBounces] != 1 || moves[FolderAutoReplies] != 1 || moves["Triage/Unreadable"] != 1 {
		t.Errorf("moves = %v", moves)
	}
	if n := len(f.actions("ack")); n != 0 {
		t.Errorf("acks = %d, want 0", n)
	}
}

// TestNoSenderIsAnEnquiry: a message without From is an enquiry from
// "(no sender)", acknowledged to its return path when it has one, and
// never to a null return path (RFC 3834 §2) or to no address at all.
func TestNoSenderIsAnEnquiry(t *testing.T) {
	f := newFixture(t)
	noFrom := func(returnPath, subject string) string {
		return returnPath + "To: decorte@un.org\nSubject: " + subject + "\nMessage-ID: <" +
			strings.ReplaceAll(subject, " ", ".") + "@form.example>\n\nHello, a question about the conference.\n"
	}
	f.deliver(
		noFrom("Return-Path: <webform@cities.example>\n", "Form one"),
		noFrom("Return-Path: <>\n", "Form two"),
		noFrom("", "Form three"),
	)
	got := f.enquiries()
	for subj, suppressed := range map[string]string{
		"Form one": "", "Form two": "empty-return-path", "Form three": ReasonNoReturnAddress,
	} {
		e := got[subj]
		if e == nil {
			t.Errorf("%q: no enquiry", subj)
			continue
		}
		if e.From != NoSender || e.AckSuppressed != suppressed {
			t.Errorf("%q: from %q, ack suppressed %q; want %q, %q", subj, e.From, e.AckSuppressed, NoSender, suppressed)
		}
	}
	acks := f.actions("ack")
	if len(acks) != 1 {
		t.Fatalf("acks queued = %d, want 1 (to the return path of Form one)", len(acks))
	}
	var job AckJob
	if err := json.Unmarshal([]byte(acks[0].Arg), &job); err != nil || job.To != "webform@cities.example" {
		t.Errorf("ack job = %+v, %v; want it to webform@cities.example", job, err)
	}
}

// TestThreadInOrderSeen: a thread lists its messages in the order herald
// saw them, not by their Date headers: here the first message's sender
// has a clock a day ahead, so the follow-up's Date is earlier.
func TestThreadInOrderSeen(t *testing.T) {
	f := newFixture(t)
	first := "Return-Path: <amina@dakar.example>\nFrom: amina@dakar.example\nTo: decorte@un.org\nSubject: Visa letter\n" +
		"Message-ID: <first@dakar.example>\nDate: Tue, 3 Oct 2017 10:00:00 +0000\n\nA question.\n"
	later := "Return-Path: <amina@dakar.example>\nFrom: amina@dakar.example\nTo: decorte@un.org\nSubject: Re: Visa letter\n" +
		"Message-ID: <later@dakar.example>\nIn-Reply-To: <first@dakar.example>\nDate: Mon, 2 Oct 2017 11:00:00 +0000\n\nAnd another.\n"
	f.deliver(first)
	f.clock = f.clock.Add(time.Hour)
	f.deliver(later)
	e := f.enquiries()["Visa letter"]
	if e == nil {
		t.Fatal("no enquiry")
	}
	thread, err := f.st.Thread(context.Background(), e.ID)
	if err != nil {
		t.Fatalf("Thread() = %v", err)
	}
	var ids []string
	for _, m := range thread {
		ids = append(ids, m.MessageID)
	}
	if strings.Join(ids, " ") != "first@dakar.example later@dakar.example" {
		t.Errorf("thread = %v, want the order herald saw them: first, later", ids)
	}
}
