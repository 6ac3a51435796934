package inboxbench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/herald-mail/herald/bench/internal/benchkit"
	"github.com/herald-mail/herald/daemon/realserver"
)

// statusEvery is how often both tools' runs poll STATUS INBOX. Each STATUS
// makes Dovecot rescan the Maildir, so it is kept rare; herald's end is
// the first poll that sees the INBOX empty or, when earlier, the "watching"
// line herald logs once its first sync is over (every message recorded,
// every move done). imapfilter's run is timed to its exit and polled the
// same way, so that both pay the same for the polling.
const statusEvery = time.Second

// backlogRun is one tool's run on the backlog.
type backlogRun struct {
	Wall    time.Duration // start of the process until the INBOX is empty (see statusEvery)
	CPU     time.Duration // the tool's own CPU time (user + system)
	Dovecot time.Duration // Dovecot's CPU time meanwhile
	Busy    time.Duration // CPU time the whole machine spent (tool, Dovecot, rest)
	// Other is Busy less the tool, Dovecot and this test process: other
	// work on the (shared) machine that competed with the run.
	Other time.Duration
	// Caught is, for herald, when it logged "watching": the end of its
	// first sync, all actions done.
	Caught time.Duration
}

// TestBacklog is benchmark 1 (docs/BENCHMARKS.md): a Dovecot INBOX of
// HERALD_BENCH_MESSAGES (10,000) messages triaged by `herald run` and, on an
// identical copy, by imapfilter with four subject rules, HERALD_BENCH_RUNS
// (5) times, each on fresh mailboxes, alternating which tool goes first.
func TestBacklog(t *testing.T) {
	needBench(t)
	filterBin, err := exec.LookPath("imapfilter")
	if err != nil {
		t.Skip("imapfilter not installed (apt-get install imapfilter)")
	}
	n := envInt(t, "HERALD_BENCH_MESSAGES", 10000)
	runs := envInt(t, "HERALD_BENCH_RUNS", 5)
	msgs := corpus(n, corpusSeed)
	wantHerald, wantFilter := map[string]int{"INBOX": 0}, map[string]int{"INBOX": 0}
	enquiries := 0
	for _, m := range msgs {
		wantHerald[heraldFolder[m.Cat]]++
		wantFilter[filterFolder(m.Subject)]++
		if heraldEnquiry[m.Cat] {
			enquiries++
		}
	}
	t.Logf("corpus: %d messages, herald folders %v, imapfilter folders %v", n, wantHerald, wantFilter)

	var herald, filter []backlogRun
	var about string
	for i := range runs {
		t.Run(fmt.Sprintf("run%d", i+1), func(t *testing.T) {
			dv := realserver.StartDovecot(t, map[string]string{heraldUser: password, filterUser: password})
			sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})
			about = versions(dv)
			var h, f backlogRun
			runHerald := func() {
				h = heraldBacklog(t, dv, sink, msgs, wantHerald, enquiries)
				t.Logf("herald:     %v (%.0f msg/s); CPU herald %v, Dovecot %v, other processes %v; caught up (logged watching) at %v",
					h.Wall.Round(time.Millisecond), rate(n, h.Wall), h.CPU.Round(10*time.Millisecond), h.Dovecot.Round(10*time.Millisecond),
					h.Other.Round(10*time.Millisecond), h.Caught.Round(time.Millisecond))
			}
			runFilter := func() {
				f = filterBacklog(t, filterBin, dv, msgs, wantFilter)
				t.Logf("imapfilter: %v (%.0f msg/s); CPU imapfilter %v, Dovecot %v, other processes %v",
					f.Wall.Round(time.Millisecond), rate(n, f.Wall), f.CPU.Round(10*time.Millisecond), f.Dovecot.Round(10*time.Millisecond),
					f.Other.Round(10*time.Millisecond))
			}
			// Alternate the order, so neither tool always runs on a
			// machine warmed up (or worn down) by the other.
			if i%2 == 0 {
				runHerald()
				runFilter()
			} else {
				runFilter()
				runHerald()
			}
			if !t.Failed() {
				herald, filter = append(herald, h), append(filter, f)
			}
		})
	}
	if len(herald) == 0 {
		t.Fatal("no successful run")
	}
	report := backlogReport(n, herald, filter, about)
	fmt.Print(report)
	benchkit.Out(t, report)
}

func rate(n int, d time.Duration) float64 { return float64(n) / d.Seconds() }

// heraldBacklog populates the herald user's INBOX and times `herald run`
// from its start until the INBOX is empty, then checks that every message
// was recorded and filed where herald's rules say.
func heraldBacklog(t *testing.T, dv *realserver.Dovecot, sink *realserver.Sink, msgs []*benchMsg, want map[string]int, enquiries int) backlogRun {
	t.Helper()
	populate(t, dv, heraldUser, msgs)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, dv.Port, sink.Port, false)
	poll := login(t, dv, heraldUser)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	busy, dove, self := cpuTotal(), dovecotCPU(dv), selfCPU()
	h := startHerald(t, cfg)
	stopPerf := perfRecord(t, h.cmd.Process.Pid)
	end, err := waitEmpty(ctx, poll, statusEvery)
	stopPerf()
	r := backlogRun{Busy: cpuTotal() - busy, Dovecot: dovecotCPU(dv) - dove}
	self = selfCPU() - self
	if err != nil {
		t.Fatalf("herald: %v", err)
	}
	caught := h.waitLine(t, "msg=watching", time.Minute)
	r.Wall, r.Caught = min(end.Sub(h.start), caught.Sub(h.start)), caught.Sub(h.start)
	r.CPU = h.stop(t)
	if os.Getenv("HERALD_BENCH_LOG_LEVEL") != "" {
		h.mu.Lock()
		for _, l := range h.lines {
			t.Logf("%8.3fs %s", l.at.Sub(h.start).Seconds(), l.text)
		}
		h.mu.Unlock()
	}
	r.Other = max(r.Busy-r.CPU-r.Dovecot-self, 0)

	got, opened, pending := dbCounts(t, filepath.Join(dir, "data", "herald.db"))
	if got != len(msgs) || opened != enquiries || pending != 0 {
		t.Errorf("herald recorded %d messages and %d enquiries, %d IMAP actions not done; want %d, %d, 0",
			got, opened, pending, len(msgs), enquiries)
	}
	if n := h.count("level=ERROR") + h.count("level=WARN"); n > 0 {
		t.Errorf("herald logged %d warnings or errors:\n%s", n, h.tail(20))
	}
	checkFolders(t, poll, "herald", want)
	return r
}

// filterConfig is imapfilter's configuration: four subject rules with
// moves, the last taking whatever is left.
const filterConfig = `options.timeout = 120
options.info = true

local account = IMAP {
  server = '127.0.0.1',
  port = %d,
  username = '%s',
  password = '%s',
}

for _, f in ipairs({'Triage/Visa', 'Triage/Press', 'Triage/Auto-replies', 'Triage/General'}) do
  account:create_mailbox(f)
end

local inbox = account.INBOX
inbox:contain_subject('visa'):move_messages(account['Triage/Visa'])
inbox:contain_subject('press'):move_messages(account['Triage/Press'])
local auto = inbox:contain_subject('Automatic reply') + inbox:contain_subject('Out of Office')
auto:move_messages(account['Triage/Auto-replies'])
inbox:select_all():move_messages(account['Triage/General'])
`

// filterBacklog populates the imapfilter user's INBOX and times one
// imapfilter run over it, with the same STATUS polling as herald's run.
func filterBacklog(t *testing.T, bin string, dv *realserver.Dovecot, msgs []*benchMsg, want map[string]int) backlogRun {
	t.Helper()
	populate(t, dv, filterUser, msgs)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.lua")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(filterConfig, dv.Port, filterUser, password)), 0o600); err != nil {
		t.Fatal(err)
	}
	poll := login(t, dv, filterUser)
	cmd := exec.Command(bin, "-c", cfg)
	cmd.Env = append(os.Environ(), "HOME="+dir) // its ~/.imapfilter
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out

	ctx, cancel := context.WithCancel(context.Background())
	polled := make(chan error, 1)
	busy, dove, self := cpuTotal(), dovecotCPU(dv), selfCPU()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start imapfilter: %v", err)
	}
	go func() { polled <- pollUntil(ctx, poll) }()
	err := cmd.Wait()
	r := backlogRun{Wall: time.Since(start), Busy: cpuTotal() - busy, Dovecot: dovecotCPU(dv) - dove}
	self = selfCPU() - self
	cancel()
	if perr := <-polled; perr != nil {
		t.Errorf("STATUS poll during imapfilter: %v", perr)
	}
	if err != nil {
		t.Fatalf("imapfilter: %v\n%s", err, out.String())
	}
	r.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	r.Other = max(r.Busy-r.CPU-r.Dovecot-self, 0)
	t.Logf("imapfilter said:\n%s", strings.TrimSpace(out.String()))
	checkFolders(t, poll, "imapfilter", want)
	return r
}

// pollUntil polls STATUS INBOX every statusEvery until ctx ends.
func pollUntil(ctx context.Context, c *imapclient.Client) error {
	tick := time.NewTicker(statusEvery)
	defer tick.Stop()
	for {
		if _, err := messages(c, "INBOX"); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// backlogReport is the results as Markdown: every run, then the medians;
// rates and their ratio, then where the CPU time went.
func backlogReport(n int, herald, filter []backlogRun, about string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n### Backlog triage: %d messages, %d runs, %s\n\n", n, len(herald), time.Now().Format("2006-01-02"))
	fmt.Fprintf(&b, "Machine: %s. %s.\n\n", machine(), about)
	b.WriteString("| run | herald s | herald msg/s | imapfilter s | imapfilter msg/s | rate herald/imapfilter |\n|---|---|---|---|---|---|\n")
	var hw, hr, fw, fr, ratio []float64
	for i := range herald {
		h, f := herald[i], filter[i]
		hw, hr = append(hw, h.Wall.Seconds()), append(hr, rate(n, h.Wall))
		fw, fr = append(fw, f.Wall.Seconds()), append(fr, rate(n, f.Wall))
		ratio = append(ratio, rate(n, h.Wall)/rate(n, f.Wall))
		fmt.Fprintf(&b, "| %d | %.2f | %.0f | %.2f | %.0f | %.3f× |\n", i+1, hw[i], hr[i], fw[i], fr[i], ratio[i])
	}
	fmt.Fprintf(&b, "| **median** | **%.2f** | **%.0f** | **%.2f** | **%.0f** | **%.3f×** |\n",
		median(hw), median(hr), median(fw), median(fr), median(ratio))
	verdict := "met"
	if median(ratio) < 1.5 {
		verdict = "NOT met"
	}
	fmt.Fprintf(&b, "\nGoal herald ≥ 1.5× imapfilter's rate: %s (median ratio %.3f×, i.e. herald at %.1f%% of imapfilter's rate).\n",
		verdict, median(ratio), 100*median(ratio))

	b.WriteString("\nCPU seconds during each run (the tool; Dovecot; other processes on the shared machine):\n\n")
	b.WriteString("| run | herald | Dovecot | other | imapfilter | Dovecot | other |\n|---|---|---|---|---|---|---|\n")
	var hc, hd, ho, fc, fd, fo []float64
	for i := range herald {
		h, f := herald[i], filter[i]
		hc, hd, ho = append(hc, h.CPU.Seconds()), append(hd, h.Dovecot.Seconds()), append(ho, h.Other.Seconds())
		fc, fd, fo = append(fc, f.CPU.Seconds()), append(fd, f.Dovecot.Seconds()), append(fo, f.Other.Seconds())
		fmt.Fprintf(&b, "| %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n", i+1, hc[i], hd[i], ho[i], fc[i], fd[i], fo[i])
	}
	fmt.Fprintf(&b, "| **median** | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n",
		median(hc), median(hd), median(ho), median(fc), median(fd), median(fo))
	return b.String()
}

// perfRecord, when HERALD_BENCH_PERF names a file, samples pid's stacks
// into it with `perf record -g` until the returned function is called: a
// diagnosis of where herald's own time goes (`perf report -i FILE`).
func perfRecord(t *testing.T, pid int) (stop func()) {
	t.Helper()
	out := os.Getenv("HERALD_BENCH_PERF")
	if out == "" {
		return func() {}
	}
	cmd := exec.Command("perf", "record", "-F", "1999", "-g", "-o", out, "-p", fmt.Sprint(pid))
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatalf("perf record: %v", err)
	}
	return func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}
}
