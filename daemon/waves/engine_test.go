package waves

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/sender"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/store/storetest"
	"github.com/herald-mail/herald/daemon/templates"
)

type fixture struct {
	t      *testing.T
	st     *store.Store
	cfg    *config.Config
	fake   *testServer // what the account's pool sends to
	engine *Engine
}

func newFixture(t *testing.T, contacts int, waves ...config.Wave) *fixture {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// Contact i has id i: the tests name contacts by id.
	cs := make([]storetest.Contact, contacts)
	for i := 1; i <= contacts; i++ {
		cs[i-1] = storetest.Contact{Email: mayorEmail(i), Name: fmt.Sprintf("Mayor %d", i),
			Language: []string{"en", "fr", ""}[i%3], Country: []string{"BE", "FR"}[i%2], Fields: map[string]string{"desk": "Europe"}}
	}
	for i, id := range storetest.AddContacts(t, st, "mayors", cs...) {
		if id != int64(i+1) {
			t.Fatalf("contact %s has id %d, want %d", cs[i].Email, id, i+1)
		}
	}
	at := time.Now().Add(-time.Hour)
	for i := range waves {
		if waves[i].Cron == "" && waves[i].At == nil {
			waves[i].At = &at
		}
		if waves[i].Account == "" {
			waves[i].Account, waves[i].List = "habitat", "mayors"
		}
		if waves[i].Template == "" {
			waves[i].Template = "invitation"
		}
	}
	fake := startTestServer(t)
	cfg := &config.Config{
		Event: config.Event{Name: "Global Conference on Cities and Migrants", RefPrefix: "GCCM",
			Start: time.Date(2017, 11, 16, 9, 0, 0, 0, time.UTC), End: time.Date(2017, 11, 17, 17, 0, 0, 0, time.UTC)},
		Accounts: []config.Account{{Name: "habitat", Address: "decorte@un.org", Language: "en",
			SMTP: config.SMTP{Host: fake.host, Port: fake.port, Security: "none", Connections: 4,
				Rate: config.Rate{N: 100000, Per: time.Second}}}},
		Waves: waves,
	}
	tmpl, err := templates.Load("testdata/templates")
	if err != nil {
		t.Fatal(err)
	}
	pool := sender.New(sender.Options{Account: cfg.Accounts[0]})
	t.Cleanup(func() { pool.Close() }) // before the server closes
	f := &fixture{t: t, st: st, cfg: cfg, fake: fake}
	f.engine, err = NewEngine(cfg, st, tmpl, map[string]Sender{"habitat": pool}, []byte("secret"),
		slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// mayorEmail is the address of the fixture's contact i.
func mayorEmail(i int) string { return fmt.Sprintf("Mayor%d@City%d.example", i, i) }

func (f *fixture) run(name string) error {
	now := time.Now()
	return f.engine.RunWave(context.Background(), f.cfg.Wave(name), &now)
}

func (f *fixture) counts(name string) store.WaveCounts {
	c, err := f.st.Counts(context.Background(), name, 0)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func TestWaveSendsEachContactOnceInTheirLanguage(t *testing.T) {
	f := newFixture(t, 60, config.Wave{Name: "invitation"})
	if err := f.run("invitation"); err != nil {
		t.Fatalf("RunWave() = %v", err)
	}
	if c := f.counts("invitation"); c.Sent != 60 || c.Pending != 0 || c.Failed != 0 {
		t.Fatalf("counts = %+v", c)
	}
	sent, raw := f.fake.messages()
	for to, n := range sent {
		if n != 1 {
			t.Errorf("%s got %d messages", to, n)
		}
	}
	if fr := string(raw["Mayor1@City1.example"]); !strings.Contains(fr, "Invitation =?") && !strings.Contains(fr, "Invitation :") {
		t.Errorf("contact 1 (fr) did not get the French template:\n%.400s", fr)
	}
	if en := string(raw["Mayor3@City3.example"]); !strings.Contains(en, "Subject: Invitation: Global") {
		t.Errorf("contact 3 (no language) did not get English:\n%.400s", en)
	}
	// A one-shot wave sent again reaches nobody twice.
	if err := f.run("invitation"); err != nil {
		t.Fatal(err)
	}
	if c := f.counts("invitation"); c.Sent != 60 || c.Skipped != 60 {
		t.Errorf("after a second run: %+v", c)
	}
}

func TestCrashLeavesOnlyInFlightRowsUncertain(t *testing.T) {
	f := newFixture(t, 30, config.Wave{Name: "invitation"})
	// A crash mid-run: the plan is written and three rows were in flight.
	ctx := context.Background()
	now := time.Now()
	run, err := f.st.StartRun(ctx, "invitation", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.engine.plan(ctx, f.cfg.Wave("invitation"), run); err != nil {
		t.Fatal(err)
	}
	var cur store.DueCursor
	due, err := f.st.Due(ctx, "invitation", &cur, 3)
	if err != nil || len(due) != 3 {
		t.Fatalf("Due() = %d rows, %v", len(due), err)
	}
	marked, err := f.st.CommitDeliveries(ctx, nil, []int64{due[0].ID, due[1].ID, due[2].ID})
	if err != nil || !marked[0] || !marked[1] || !marked[2] {
		t.Fatalf("CommitDeliveries() = %v, %v", marked, err)
	}
	// The dead process's lease has expired; a new one resumes the run.
	f.engine.Owner = "restarted"
	storetest.ExpireLease(t, f.st, "invitation")
	if err := f.engine.RunWave(ctx, f.cfg.Wave("invitation"), nil); err != nil {
		t.Fatal(err)
	}
	c := f.counts("invitation")
	if c.Sent != 30 || c.Uncertain != 3 || c.Pending != 0 {
		t.Errorf("counts after resume = %+v; want 30 sent, 3 possible duplicates", c)
	}
	if runs := f.mustRuns(); runs != 1 {
		t.Errorf("runs = %d, want 1 (the run resumed, not restarted)", runs)
	}
}

func (f *fixture) mustRuns() int {
	w, err := f.st.Wave(context.Background(), "invitation")
	if err != nil {
		f.t.Fatal(err)
	}
	return w.Runs
}

func TestLeaseKeepsTwoProcessesApart(t *testing.T) {
	f := newFixture(t, 5, config.Wave{Name: "invitation"})
	ctx := context.Background()
	if ok, _, _ := f.st.AcquireLease(ctx, "invitation", "daemon", time.Minute); !ok {
		t.Fatal("first lease refused")
	}
	if err := f.run("invitation"); !errors.Is(err, ErrLeased) {
		t.Fatalf("RunWave() while leased = %v, want ErrLeased", err)
	}
	if sent, _ := f.fake.messages(); len(sent) != 0 {
		t.Errorf("sent %d while another process held the lease", len(sent))
	}
}

func TestTemporaryPermanentAndRenderFailures(t *testing.T) {
	f := newFixture(t, 30, config.Wave{Name: "invitation", FailureThreshold: 0.9})
	f.fake.failWith(func(cmd, to string) error {
		switch {
		case cmd == "RCPT" && strings.HasPrefix(to, "Mayor7@"):
			return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		case cmd == "RCPT" && strings.HasPrefix(to, "Mayor8@"):
			return &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 3, 0}, Message: "try later"}
		}
		return nil
	})
	if err := f.run("invitation"); err != nil {
		t.Fatal(err)
	}
	c := f.counts("invitation")
	if c.Sent != 28 || c.Failed != 1 || c.Pending != 1 {
		t.Fatalf("counts = %+v; want 28 sent, 1 failed (5xx), 1 waiting for retry (4xx)", c)
	}
	probs, _ := f.st.Problems(context.Background(), "invitation", 10)
	var texts []string
	for _, p := range probs {
		texts = append(texts, p.State+": "+p.Reason)
	}
	if all := strings.Join(texts, "\n"); !strings.Contains(all, "failed: smtp RCPT: 550 5.1.1 no such user") || !strings.Contains(all, "retry: smtp RCPT: 451") {
		t.Errorf("problems =\n%s", all)
	}
	// `waves retry` queues the failed one again.
	f.fake.failWith(nil)
	if n, err := f.st.RetryFailed(context.Background(), "invitation"); err != nil || n != 1 {
		t.Fatalf("RetryFailed() = %d, %v", n, err)
	}
	if err := f.engine.RunWave(context.Background(), f.cfg.Wave("invitation"), nil); err != nil {
		t.Fatal(err)
	}
	if c := f.counts("invitation"); c.Sent != 29 || c.Failed != 0 {
		t.Errorf("after retry: %+v", c)
	}
}

func TestFailureThresholdPausesTheWave(t *testing.T) {
	f := newFixture(t, 80, config.Wave{Name: "invitation"})
	f.fake.failWith(func(cmd, _ string) error {
		if cmd == "." {
			return &gosmtp.SMTPError{Code: 554, EnhancedCode: gosmtp.EnhancedCode{5, 6, 0}, Message: "rejected"}
		}
		return nil
	})
	if err := f.run("invitation"); err != nil {
		t.Fatal(err)
	}
	w, _ := f.st.Wave(context.Background(), "invitation")
	c := f.counts("invitation")
	if w.State != store.WavePaused || !strings.Contains(w.StateReason, "failed") {
		t.Fatalf("wave = %+v", w)
	}
	if c.Failed >= 80 || c.Pending == 0 {
		t.Errorf("the paused wave kept sending: %+v", c)
	}
}

func TestTemplateFailureFailsOneDelivery(t *testing.T) {
	f := newFixture(t, 4, config.Wave{Name: "badges", Template: "broken"})
	for _, i := range []int{1, 3, 4} { // every contact but 2
		storetest.AddContacts(t, f.st, "mayors", storetest.Contact{Email: mayorEmail(i), Fields: map[string]string{"badge": "VIP"}})
	}
	if err := f.run("badges"); err != nil {
		t.Fatal(err)
	}
	c := f.counts("badges")
	if c.Sent != 3 || c.Failed != 1 {
		t.Errorf("counts = %+v; want 3 sent, 1 failed", c)
	}
}

func TestAudienceFilters(t *testing.T) {
	f := newFixture(t, 12,
		config.Wave{Name: "invitation"},
		config.Wave{Name: "reminder", Cron: "0 9 * * MON", Audience: "no-reply", After: "invitation", MinGap: 120 * time.Hour},
		config.Wave{Name: "logistics", Audience: "accepted", Where: map[string]string{"country": "be"}},
	)
	if _, err := f.st.SetMemberStatus(context.Background(), mayorEmail(1), nil, store.StatusUnsubscribed, "test", ""); err != nil {
		t.Fatal(err)
	}
	storetest.MarkBounced(t, f.st, mayorEmail(2))
	storetest.SetRSVP(t, f.st, mayorEmail(4), "accepted")
	storetest.SetRSVP(t, f.st, mayorEmail(5), "accepted")
	storetest.SetRSVP(t, f.st, mayorEmail(6), "declined")
	if err := f.run("invitation"); err != nil {
		t.Fatal(err)
	}
	if c := f.counts("invitation"); c.Sent != 10 || c.Skipped != 2 {
		t.Fatalf("invitation: %+v", c)
	}
	reasons := map[string]string{}
	gets, _, err := f.engine.DryRun(context.Background(), f.cfg.Wave("reminder"), func(v Verdict) error {
		reasons[strings.ToLower(v.Email)] = v.Reason
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Sent the invitation, no answer, subscribed: 12 - 2 (unsub, bounced) - 3 (answered).
	if gets != 7 {
		t.Errorf("reminder audience = %d, want 7: %v", gets, reasons)
	}
	for email, want := range map[string]string{
		"mayor1@city1.example": SkipUnsubscribed, "mayor2@city2.example": SkipBounced,
		"mayor4@city4.example": "already answered: accepted", "mayor6@city6.example": "already answered: declined",
	} {
		if reasons[email] != want {
			t.Errorf("%s: skipped %q, want %q", email, reasons[email], want)
		}
	}
	if err := f.run("reminder"); err != nil {
		t.Fatal(err)
	}
	// min_gap: a second reminder run right away reaches nobody.
	storetest.FinishRuns(t, f.st, "reminder")
	gets, _, _ = f.engine.DryRun(context.Background(), f.cfg.Wave("reminder"), func(v Verdict) error {
		if v.Reason != "" && !strings.Contains(v.Reason, "min_gap") && strings.HasPrefix(strings.ToLower(v.Email), "mayor3@") {
			t.Errorf("mayor3 skipped for %q, want min_gap", v.Reason)
		}
		return nil
	})
	if gets != 0 {
		t.Errorf("reminder right after a reminder: %d, want 0 (min_gap)", gets)
	}
	// logistics: accepted and in Belgium (even ids are BE in the fixture).
	gets, _, _ = f.engine.DryRun(context.Background(), f.cfg.Wave("logistics"), func(Verdict) error { return nil })
	if gets != 1 {
		t.Errorf("logistics audience = %d, want 1 (contact 4: accepted, BE)", gets)
	}
}

// TestDeadHolderLeaseTakenOver: a lease held by a process of this host
// that has exited is taken over at once, not after its expiry.
func TestDeadHolderLeaseTakenOver(t *testing.T) {
	f := newFixture(t, 3, config.Wave{Name: "invitation"})
	host, _ := os.Hostname()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("cannot run a short-lived process: ", err)
	}
	dead := fmt.Sprintf("%d@%s", cmd.Process.Pid, host)
	ctx := context.Background()
	if ok, _, _ := f.st.AcquireLease(ctx, "invitation", dead, time.Hour); !ok {
		t.Fatal("setup lease refused")
	}
	if err := f.run("invitation"); err != nil {
		t.Fatalf("RunWave() with a dead holder = %v", err)
	}
	if c := f.counts("invitation"); c.Sent != 3 {
		t.Errorf("counts = %+v", c)
	}
}

// TestGroupCommitKeepsOneRowSendingPerSession: while any message is on
// the wire, its row is already 'sending' in the database, and no more
// rows are 'sending' than there are SMTP sessions, so a crash at any
// instant leaves at most that many possible duplicates (README), however
// far the sender reads and renders ahead.
func TestGroupCommitKeepsOneRowSendingPerSession(t *testing.T) {
	f := newFixture(t, 200, config.Wave{Name: "invitation"})
	conns := f.cfg.Accounts[0].SMTP.Connections
	var mu sync.Mutex
	var problems []string
	f.fake.failWith(func(cmd, to string) error {
		sending, mine := storetest.Sending(t, f.st, to)
		mu.Lock()
		defer mu.Unlock()
		if sending > conns {
			problems = append(problems, fmt.Sprintf("%d rows sending while sending to %s, want at most %d", sending, to, conns))
		}
		// Its envelope goes before its row is marked, and delivers
		// nothing; its content only after.
		if cmd == "." && mine != 1 {
			problems = append(problems, fmt.Sprintf("%s is on the wire but its row is not 'sending'", to))
		}
		return nil
	})
	if err := f.run("invitation"); err != nil {
		t.Fatalf("RunWave() = %v", err)
	}
	if c := f.counts("invitation"); c.Sent != 200 || c.Pending != 0 {
		t.Errorf("counts = %+v", c)
	}
	for _, p := range problems[:min(len(problems), 10)] {
		t.Error(p)
	}
}

// TestMissingListPausesTheWave: a wave whose list exists neither in the
// config nor in the database pauses with the reason (waves show) and a
// log line, instead of running with nobody to send to; a dry run says so
// too; once the list exists and the wave is resumed, it runs.
func TestMissingListPausesTheWave(t *testing.T) {
	f := newFixture(t, 3, config.Wave{Name: "invitation"}, config.Wave{Name: "typo", Account: "habitat", List: "mayor"})
	f.cfg.Path = "/etc/herald/config.yaml"
	var logged strings.Builder
	f.engine.Log = slog.New(slog.NewTextHandler(&logged, nil))
	ctx := context.Background()
	typo := f.cfg.Wave("typo")
	if _, _, _, err := f.engine.DryRunRender(ctx, typo, func(Verdict) error { return nil }); !errors.Is(err, ErrNoList) {
		t.Errorf("DryRunRender() = %v, want ErrNoList", err)
	}
	if err := f.run("typo"); !errors.Is(err, ErrNoList) {
		t.Fatalf("RunWave() = %v, want ErrNoList", err)
	}
	s, err := f.engine.Status(ctx, typo)
	if err != nil {
		t.Fatal(err)
	}
	want := `its list "mayor" exists neither under lists: in /etc/herald/config.yaml nor in the database`
	if s.State != store.WavePaused || !strings.Contains(s.Reason, want) || s.Runs != 0 {
		t.Errorf("status = %+v, want paused with %q and no run", s, want)
	}
	if !strings.Contains(logged.String(), "wave paused") || !strings.Contains(logged.String(), "herald lists create mayor") {
		t.Errorf("log:\n%s\nwant the pause and what to do", logged.String())
	}
	if c := f.counts("invitation"); c.Planned != 0 {
		t.Errorf("the other wave was touched: %+v", c)
	}

	// Created in the database, empty: the wave resumes and runs (to nobody).
	if err := f.st.CreateList(ctx, "mayor", "habitat", "test"); err != nil {
		t.Fatal(err)
	}
	if ok, err := f.st.SetWaveState(ctx, "typo", store.WaveScheduled, "", store.WavePaused); !ok || err != nil {
		t.Fatalf("resume = %v, %v", ok, err)
	}
	if err := f.run("typo"); err != nil {
		t.Fatalf("RunWave() after the list was created = %v", err)
	}
	if w, _ := f.st.Wave(ctx, "typo"); w.State == store.WavePaused || w.Runs != 1 {
		t.Errorf("wave after the list was created = %+v, want one run, not paused", w)
	}
}
