package inboxbench

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/herald-mail/herald/bench/internal/benchkit"
	"github.com/herald-mail/herald/daemon/realserver"
)

// latencyRun is one run of the latency benchmark.
type latencyRun struct {
	// Ack is, per enquiry, APPEND done → acknowledgement in smtp-sink's dump.
	Ack []time.Duration
	// Recorded is, per enquiry, APPEND done → herald's transaction
	// (enquiries.received_at).
	Recorded []time.Duration
	// Idle is the control without herald: APPEND done → EXISTS to a plain
	// IDLE client, same schedule, another folder.
	Idle []time.Duration
}

// TestAckLatency is benchmark 2 (docs/BENCHMARKS.md): HERALD_BENCH_ACKS
// (100) enquiries APPENDed one every 200 ms to an idle INBOX that `herald
// run` watches, acknowledgements on and sent to smtp-sink; for each, the
// time from the APPEND's tagged OK to the acknowledgement's dump file in
// smtp-sink (its modification time: written when the DATA ends), matched
// by In-Reply-To. HERALD_BENCH_RUNS (5) runs, each on fresh servers. Each
// run first measures, as a control, how long Dovecot takes to tell a plain
// IDLE client about the same APPENDs.
func TestAckLatency(t *testing.T) {
	needBench(t)
	count := envInt(t, "HERALD_BENCH_ACKS", 100)
	every := time.Duration(envInt(t, "HERALD_BENCH_EVERY_MS", 200)) * time.Millisecond
	runs := envInt(t, "HERALD_BENCH_RUNS", 5)
	msgs := ackCorpus(count)
	var results []latencyRun
	var about string
	for i := range runs {
		t.Run(fmt.Sprintf("run%d", i+1), func(t *testing.T) {
			dv := realserver.StartDovecot(t, map[string]string{heraldUser: password})
			sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})
			about = versions(dv)
			c := login(t, dv, heraldUser)
			// Sent is the shipped config's sent_folder: herald APPENDs a
			// copy of every acknowledgement to it. Control is the folder
			// of the control measurement.
			for _, f := range []string{"Sent", "Control"} {
				if err := c.Create(f, nil).Wait(); err != nil {
					t.Fatalf("Create(%s).Wait() = %v", f, err)
				}
			}
			var r latencyRun
			r.Idle = idleControl(t, dv, c, msgs, every)

			dir := t.TempDir()
			cfg := writeConfig(t, dir, dv.Port, sink.Port, true)
			h := startHerald(t, cfg)
			h.waitLine(t, "msg=watching", 30*time.Second)
			// Let the start-up work (the answered scan) finish: the INBOX is idle.
			time.Sleep(time.Second)
			appended, _ := appendEvery(t, c, "INBOX", msgs, every)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			dumps, err := sink.WaitMessages(ctx, count)
			if err != nil {
				t.Fatal(err)
			}
			recorded := receivedAt(t, filepath.Join(dir, "data", "herald.db"))
			for _, d := range dumps {
				m, err := d.Message()
				if err != nil {
					t.Fatalf("dump %s: %v", d.File, err)
				}
				id := strings.Trim(m.Header.Get("In-Reply-To"), "<> ")
				at, ok := appended[id]
				if !ok {
					t.Errorf("acknowledgement %s answers %q, which was not appended", m.Header.Get("Message-Id"), id)
					continue
				}
				delete(appended, id)
				fi, err := os.Stat(d.File)
				if err != nil {
					t.Fatal(err)
				}
				ack, rec := fi.ModTime().Sub(at), recorded[id].Sub(at)
				if ack > time.Second {
					t.Logf("slow: %s appended %s, recorded +%v, acknowledged +%v", id, at.Format("15:04:05.000"),
						rec.Round(time.Millisecond), ack.Round(time.Millisecond))
				}
				r.Ack, r.Recorded = append(r.Ack, ack), append(r.Recorded, rec)
			}
			if len(appended) > 0 {
				t.Errorf("%d enquiries got no acknowledgement", len(appended))
			}
			h.stop(t)
			if n := h.count("level=ERROR") + h.count("level=WARN"); n > 0 {
				t.Logf("herald logged %d warnings or errors:\n%s", n, h.grep("level=ERROR", "level=WARN"))
			}
			t.Logf("%d acknowledgements: p50 %v, p95 %v, max %v; control EXISTS p50 %v, p95 %v", len(r.Ack),
				percentile(r.Ack, 50).Round(time.Millisecond), percentile(r.Ack, 95).Round(time.Millisecond),
				percentile(r.Ack, 100).Round(time.Millisecond), percentile(r.Idle, 50).Round(time.Millisecond),
				percentile(r.Idle, 95).Round(time.Millisecond))
			if !t.Failed() {
				results = append(results, r)
			}
		})
	}
	if len(results) == 0 {
		t.Fatal("no successful run")
	}
	report := latencyReport(count, every, results, about)
	fmt.Print(report)
	benchkit.Out(t, report)
}

// appendEvery APPENDs msgs to mailbox one every `every`; it returns when
// each APPEND got its tagged OK and when it was sent, by Message-ID.
func appendEvery(t *testing.T, c *imapclient.Client, mailbox string, msgs []*benchMsg, every time.Duration) (done, started map[string]time.Time) {
	t.Helper()
	done, started = map[string]time.Time{}, map[string]time.Time{}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for _, m := range msgs {
		raw := m.CRLF()
		started[m.MessageID] = time.Now()
		cmd := c.Append(mailbox, int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			t.Fatalf("APPEND %s: %v", m.MessageID, err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatalf("APPEND %s: %v", m.MessageID, err)
		}
		if _, err := cmd.Wait(); err != nil {
			t.Fatalf("APPEND %s: %v", m.MessageID, err)
		}
		done[m.MessageID] = time.Now()
		<-tick.C
	}
	return done, started
}

// idleControl APPENDs msgs to the Control folder on the benchmark's
// schedule while a plain client idles on it, and returns, per message,
// APPEND done → the first EXISTS sent after the APPEND began. Dovecot 2.3
// holds IDLE notifications back for up to 500 ms after a change
// (NOTIFY_DELAY_MSECS in src/lib-storage/mailbox-watch.c): this is the
// floor any IDLE client, herald included, sees.
func idleControl(t *testing.T, dv *realserver.Dovecot, c *imapclient.Client, msgs []*benchMsg, every time.Duration) []time.Duration {
	t.Helper()
	var mu sync.Mutex
	var exists []time.Time
	w, err := imapclient.DialInsecure(dv.Addr, &imapclient.Options{UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				mu.Lock()
				exists = append(exists, time.Now())
				mu.Unlock()
			}
		},
	}})
	if err != nil {
		t.Fatalf("DialInsecure(%s) = %v", dv.Addr, err)
	}
	defer w.Close()
	if err := w.Login(heraldUser, password).Wait(); err != nil {
		t.Fatalf("Login().Wait() = %v", err)
	}
	if _, err := w.Select("Control", nil).Wait(); err != nil {
		t.Fatalf("Select(Control).Wait() = %v", err)
	}
	idle, err := w.Idle()
	if err != nil {
		t.Fatalf("Idle() = %v", err)
	}
	mu.Lock()
	exists = nil // whatever SELECT said
	mu.Unlock()
	done, started := appendEvery(t, c, "Control", msgs, every)
	time.Sleep(time.Second) // the last notification
	if err := idle.Close(); err != nil {
		t.Fatalf("end IDLE: %v", err)
	}
	idle.Wait()
	mu.Lock()
	defer mu.Unlock()
	var out []time.Duration
	for _, m := range msgs {
		i := slices.IndexFunc(exists, func(x time.Time) bool { return !x.Before(started[m.MessageID]) })
		if i < 0 {
			t.Errorf("control: no EXISTS after APPEND of %s", m.MessageID)
			continue
		}
		out = append(out, exists[i].Sub(done[m.MessageID]))
	}
	return out
}

// ackCorpus returns n enquiries (general, programme and visa: the ones
// herald acknowledges) from n different senders, so that neither
// ack_once_per nor the hourly cap holds one back.
func ackCorpus(n int) []*benchMsg {
	var out []*benchMsg
	seen := map[string]bool{}
	for _, m := range corpus(4*n+100, corpusSeed+1) {
		if (m.Cat == catEnquiry || m.Cat == catProgramme || m.Cat == catVisa) && !seen[m.From] {
			seen[m.From] = true
			out = append(out, m)
			if len(out) == n {
				break
			}
		}
	}
	return out
}

// receivedAt reads when herald recorded each enquiry, by Message-ID.
func receivedAt(t *testing.T, path string) map[string]time.Time {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT m.message_id, e.received_at FROM messages m JOIN enquiries e ON e.id = m.enquiry_id
		WHERE m.direction = 'in' AND m.kind = 'enquiry'`)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var id, at string
		if err := rows.Scan(&id, &at); err != nil {
			t.Fatal(err)
		}
		out[id], _ = time.Parse(time.RFC3339Nano, at)
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// latencyReport is the results as Markdown: per run, the median over the
// runs, and all samples pooled.
func latencyReport(count int, every time.Duration, runs []latencyRun, about string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n### Acknowledgement latency: %d enquiries, one every %v, %d runs, %s\n\n", count, every, len(runs), time.Now().Format("2006-01-02"))
	fmt.Fprintf(&b, "Machine: %s. %s.\n\n", machine(), about)
	b.WriteString("| run | ack p50 ms | ack p95 ms | ack max ms | recorded p50 ms | recorded p95 ms | control: IDLE EXISTS p50 ms | p95 ms |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	var p50, p95, pmax, r50, r95, i50, i95 []float64
	var all, allRec, allIdle []time.Duration
	for i, r := range runs {
		all, allRec, allIdle = append(all, r.Ack...), append(allRec, r.Recorded...), append(allIdle, r.Idle...)
		p50, p95, pmax = append(p50, ms(percentile(r.Ack, 50))), append(p95, ms(percentile(r.Ack, 95))), append(pmax, ms(percentile(r.Ack, 100)))
		r50, r95 = append(r50, ms(percentile(r.Recorded, 50))), append(r95, ms(percentile(r.Recorded, 95)))
		i50, i95 = append(i50, ms(percentile(r.Idle, 50))), append(i95, ms(percentile(r.Idle, 95)))
		fmt.Fprintf(&b, "| %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |\n", i+1, p50[i], p95[i], pmax[i], r50[i], r95[i], i50[i], i95[i])
	}
	fmt.Fprintf(&b, "| **median of runs** | **%.0f** | **%.0f** | **%.0f** | %.0f | %.0f | %.0f | %.0f |\n",
		median(p50), median(p95), median(pmax), median(r50), median(r95), median(i50), median(i95))
	fmt.Fprintf(&b, "| all %d samples | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |\n", len(all),
		ms(percentile(all, 50)), ms(percentile(all, 95)), ms(slices.Max(all)), ms(percentile(allRec, 50)), ms(percentile(allRec, 95)),
		ms(percentile(allIdle, 50)), ms(percentile(allIdle, 95)))
	verdict := "met"
	if median(p95) >= 1000 {
		verdict = "NOT met"
	}
	fmt.Fprintf(&b, "\nGoal p95 < 1 s: %s (median p95 %.0f ms).\n", verdict, median(p95))
	return b.String()
}
