package respond

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/inbox"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/testconfig"
	"github.com/herald-mail/herald/daemon/triage"
)

// The tests here act on what triage recorded: the fixture delivers mail
// through a real triage.Processor, as the watcher does, and the
// components under test take it from the store.

const account = "habitat"

func testConfig() *config.Config { return testconfig.TriageConfig() }

type fixture struct {
	t     *testing.T
	p     *triage.Processor
	st    *store.Store
	mb    inbox.Mailbox
	uid   uint32
	clock time.Time
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
	f.p = &triage.Processor{Config: cfg, Account: &cfg.Accounts[0], Store: st,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return f.clock }}
	return f
}

// deliver has triage process raw messages as one batch.
func (f *fixture) deliver(raws ...string) {
	f.t.Helper()
	var batch []inbox.Fetched
	for _, r := range raws {
		f.uid++
		batch = append(batch, inbox.Fetched{UID: f.uid, Raw: []byte(strings.ReplaceAll(r, "\n", "\r\n")), InternalDate: f.clock})
	}
	if err := f.p.Process(context.Background(), f.mb, batch); err != nil {
		f.t.Fatalf("Process() = %v", err)
	}
}

func mail(from, to, subject string, extra ...string) string {
	id := fmt.Sprintf("<%d.%s@test.example>", time.Now().UnixNano(), strings.ReplaceAll(from, "@", "."))
	return fmt.Sprintf("Return-Path: <%s>\nFrom: %s\nTo: %s\nSubject: %s\nMessage-ID: %s\nDate: Mon, 2 Oct 2017 10:00:00 +0200\n%s\nHello, a question about the conference.\n",
		from, from, to, subject, id, strings.Join(append(extra, ""), "\n"))
}

// enquiries returns the queue keyed by subject.
func (f *fixture) enquiries() map[string]*store.Enquiry {
	f.t.Helper()
	out := map[string]*store.Enquiry{}
	err := f.st.Enquiries(context.Background(), store.EnquiryFilter{}, func(e *store.Enquiry) error { out[e.Subject] = e; return nil })
	if err != nil {
		f.t.Fatalf("Enquiries() = %v", err)
	}
	return out
}

// actions returns the pending actions of kind, IMAP and sends alike.
func (f *fixture) actions(kind string) []store.Action {
	f.t.Helper()
	ims, err := f.st.PendingIMAP(context.Background(), account, "INBOX", 7)
	if err != nil {
		f.t.Fatalf("PendingIMAP() = %v", err)
	}
	sends, err := f.st.PendingSends(context.Background(), account, 1000)
	if err != nil {
		f.t.Fatalf("PendingSends() = %v", err)
	}
	var out []store.Action
	for _, a := range append(ims, sends...) {
		if a.Kind == kind {
			out = append(out, a)
		}
	}
	return out
}
