package inboxbench

// The memory benchmark of issue 11: herald's peak resident memory while
// it catches up on an INBOX of hostile messages, of big ones it must read
// whole, and of ordinary mail, on real Dovecot.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/bench/internal/benchkit"
	"github.com/herald-mail/herald/daemon/realserver"
	"github.com/herald-mail/herald/daemon/testmail"
)

// memScenario is one INBOX to catch up on.
type memScenario struct {
	name, what string
	msgs       func() []*benchMsg
}

// rawMsg wraps a generated message for populate, which writes LF line
// ends, as Maildir files have them.
func rawMsg(seq int, raw []byte) *benchMsg {
	return &benchMsg{Seq: seq, Raw: bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))}
}

func memEnvelope(i int) testmail.Envelope {
	return testmail.Envelope{From: fmt.Sprintf("sender%d@city%d.example", i, i), To: heraldUser,
		MessageID: fmt.Sprintf("mem-%d@city%d.example", i, i), Subject: fmt.Sprintf("Conference question %d", i)}
}

var memScenarios = []memScenario{
	{"ordinary", "2,000 messages of the backlog corpus, 3 KB each", func() []*benchMsg { return corpus(2000, corpusSeed) }},
	{"hostile", "the issue's messages: nested quotes of 340 KB and 1 MB, 40,000 References ids, " +
		"31-level multipart around 20 MB and 50 MB, 4 flat 50 MB, then 20 ordinary", func() []*benchMsg {
		raws := [][]byte{
			testmail.NestedQuotes(memEnvelope(1), 340<<10),
			testmail.NestedQuotes(memEnvelope(2), 1<<20),
			testmail.ManyReferences(memEnvelope(3), 40000),
			testmail.DeepMultipart(memEnvelope(4), 31, 20<<20),
			testmail.DeepMultipart(memEnvelope(5), 31, 50<<20),
		}
		for i := range 4 {
			raws = append(raws, testmail.Flat(memEnvelope(6+i), 50<<20))
		}
		var out []*benchMsg
		for i, r := range raws {
			out = append(out, rawMsg(i+1, r))
		}
		for _, m := range corpus(20, corpusSeed) {
			out = append(out, rawMsg(len(out)+1, m.CRLF()))
		}
		return out
	}},
	{"big", "12 flat messages of 24 MB, just under max_message_size, read whole", func() []*benchMsg {
		var out []*benchMsg
		for i := range 12 {
			out = append(out, rawMsg(i+1, testmail.Flat(memEnvelope(i), 24<<20)))
		}
		return out
	}},
}

// TestMemory measures, for each scenario, herald's peak RSS (VmHWM) and
// the time from its start to an empty INBOX with every message recorded.
// HERALD_BENCH_MEMORY=big,ordinary runs only those scenarios (the hostile
// one never ends on a herald from before issue 11).
func TestMemory(t *testing.T) {
	needBench(t)
	runs := envInt(t, "HERALD_BENCH_RUNS", 3)
	only := os.Getenv("HERALD_BENCH_MEMORY")
	var report strings.Builder
	fmt.Fprintf(&report, "\n#### Memory (%s, %s)\n\n| scenario | messages | MB | peak RSS, median (min–max) | caught up in, median |\n|---|---|---|---|---|\n",
		srcDesc, time.Now().Format("2006-01-02"))
	for _, sc := range memScenarios {
		if only != "" && !slices.Contains(strings.Split(only, ","), sc.name) {
			continue
		}
		msgs := sc.msgs()
		var size int
		for _, m := range msgs {
			size += len(m.Raw)
		}
		var peaks []int
		var took []time.Duration
		for run := range runs {
			peak, d := memRun(t, msgs)
			t.Logf("%s run %d: peak RSS %d MB, caught up in %v", sc.name, run+1, peak>>20, d.Round(time.Millisecond))
			peaks, took = append(peaks, peak), append(took, d)
		}
		fmt.Fprintf(&report, "| %s: %s | %d | %d | %d MB (%d–%d) | %v |\n", sc.name, sc.what, len(msgs), size>>20,
			benchkit.Median(peaks)>>20, minOf(peaks)>>20, maxOf(peaks)>>20, benchkit.Median(took).Round(10*time.Millisecond))
	}
	t.Log(report.String())
	benchkit.Out(t, report.String())
}

// memRun catches herald up on a fresh INBOX of msgs and returns its peak
// RSS and how long it took.
func memRun(t *testing.T, msgs []*benchMsg) (int, time.Duration) {
	dv, c := freshInbox(t, msgs)
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})
	dir := t.TempDir()
	cfg := writeConfig(t, dir, dv.Port, sink.Port, true)
	h := startHerald(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if _, err := waitEmpty(ctx, c, 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "data", "herald.db")
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		if n, _, _ := dbCounts(t, db); n == len(msgs) {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("herald recorded %d of %d messages", n, len(msgs))
		}
	}
	took := time.Since(h.start)
	peak := vmHWM(t, h.cmd.Process.Pid)
	h.stop(t)
	return peak, took
}

// vmHWM is the peak resident set size of process pid (Linux, proc(5)).
func vmHWM(t *testing.T, pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^VmHWM:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no VmHWM in /proc/%d/status", pid)
	}
	kb, _ := strconv.Atoi(string(m[1]))
	return kb << 10
}

func minOf(xs []int) int {
	m := xs[0]
	for _, x := range xs {
		m = min(m, x)
	}
	return m
}

func maxOf(xs []int) int {
	m := xs[0]
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
