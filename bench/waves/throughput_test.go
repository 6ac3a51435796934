package wavesbench

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestThroughput: `herald waves send` of HERALD_BENCH_MESSAGES (10,000)
// personalised ~5 KB messages (bench/waves/templates, text and HTML) into
// smtp-sink over 1 and 4 sessions, timed from the command's start to its
// exit (the import is not timed), against Postfix's smtp-source sending the
// same number of 5,000-byte messages over the same number of sessions into
// the same kind of smtp-sink. Runs alternate between the two so that a
// busy spell on the machine hits both. Goal: herald ≥ 0.5× smtp-source.
func TestThroughput(t *testing.T) {
	needBench(t)
	n := envInt(t, "HERALD_BENCH_MESSAGES", 10000)
	runs := envInt(t, "HERALD_BENCH_RUNS", 3)
	source, err := exec.LookPath("smtp-source")
	if err != nil {
		source = "/usr/sbin/smtp-source"
	}
	csv := filepath.Join(t.TempDir(), "contacts.csv")
	writeCSV(t, csv, n)
	sessions := []int{1, 4}
	type result struct{ herald, source []measured }
	res := map[int]*result{}
	size := 0
	for run := 1; run <= runs; run++ {
		for _, s := range sessions {
			if res[s] == nil {
				res[s] = &result{}
			}
			// herald: a fresh database, list imported (not timed), then the wave.
			sk := startSink(t)
			cfg := writeConfig(t, t.TempDir(), sk.port, s)
			importList(t, cfg, csv, n)
			if size == 0 {
				size = messageSize(t, cfg, "mayor.000001@city001.example")
			}
			load := loadavg()
			h := sendWave(t, cfg, n)
			res[s].herald = append(res[s].herald, h)
			t.Logf("run %d, %d session(s): herald %v (%.0f msgs/s, %v CPU, max RSS %d kB, load %s)",
				run, s, h.Wall.Round(time.Millisecond), float64(n)/h.Wall.Seconds(), h.UserSys.Round(time.Millisecond), h.MaxRSSKB, load)

			// smtp-source against its own fresh smtp-sink.
			sk = startSink(t)
			load = loadavg()
			m, _ := timed(t, source, "-d", "-s", fmt.Sprint(s), "-m", fmt.Sprint(n), "-l", "5000",
				"-f", "from@x.example", "-t", "to@y.example", sk.addr)
			res[s].source = append(res[s].source, m)
			t.Logf("run %d, %d session(s): smtp-source %v (%.0f msgs/s, %v CPU, load %s)",
				run, s, m.Wall.Round(time.Millisecond), float64(n)/m.Wall.Seconds(), m.UserSys.Round(time.Millisecond), load)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d messages of %d bytes (herald, as `waves preview` prints one) or 5,000 bytes of payload (smtp-source -l 5000); median of %d runs\n\n", n, size, runs)
	b.WriteString("| sessions | herald waves send | smtp-source -d | herald / smtp-source | herald CPU (user+sys) | herald max RSS |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range sessions {
		r := res[s]
		hw, sw := make([]time.Duration, 0, runs), make([]time.Duration, 0, runs)
		var cpu []time.Duration
		var rss []int
		for i := range r.herald {
			hw, sw = append(hw, r.herald[i].Wall), append(sw, r.source[i].Wall)
			cpu, rss = append(cpu, r.herald[i].UserSys), append(rss, r.herald[i].MaxRSSKB)
		}
		hr, sr := float64(n)/median(hw).Seconds(), float64(n)/median(sw).Seconds()
		fmt.Fprintf(&b, "| %d | %.0f msgs/s (%.2f s) | %.0f msgs/s (%.2f s) | %.2f× | %.2f s | %.1f MB |\n",
			s, hr, median(hw).Seconds(), sr, median(sw).Seconds(), hr/sr, median(cpu).Seconds(), float64(median(rss))/1024)
	}
	report(t, b.String())
}
