package wavesbench

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestScale: for a list of 10,000 and one of 100,000 contacts, the
// import of the CSV with `herald lists import` (rows/s; goal ≥ 50,000 at
// 100,000 rows) and the peak RSS of `herald waves send` over 4 sessions
// (goal ≤ 60 MB, and flat: no more at 100,000 than at 10,000). Each run
// starts from an empty database.
func TestScale(t *testing.T) {
	needBench(t)
	runs := envInt(t, "HERALD_BENCH_RUNS", 3)
	sizes := []int{10000, envInt(t, "HERALD_BENCH_LARGE", 100000)}
	var b strings.Builder
	fmt.Fprintf(&b, "4 sessions; median of %d runs, each on an empty database\n\n", runs)
	b.WriteString("| contacts | lists import | import max RSS | waves send | send max RSS | send CPU (user+sys) |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|\n")
	for _, n := range sizes {
		csv := filepath.Join(t.TempDir(), "contacts.csv")
		writeCSV(t, csv, n)
		var impWall, sendWall, sendCPU []time.Duration
		var impRSS, sendRSS []int
		for run := 1; run <= runs; run++ {
			sk := startSink(t)
			cfg := writeConfig(t, t.TempDir(), sk.port, 4)
			load := loadavg()
			imp := importList(t, cfg, csv, n)
			send := sendWave(t, cfg, n)
			t.Logf("%d contacts, run %d: import %v (%.0f rows/s, max RSS %d kB), send %v (%.0f msgs/s, max RSS %d kB, %v CPU), load %s",
				n, run, imp.Wall.Round(time.Millisecond), float64(n)/imp.Wall.Seconds(), imp.MaxRSSKB,
				send.Wall.Round(time.Millisecond), float64(n)/send.Wall.Seconds(), send.MaxRSSKB, send.UserSys.Round(time.Millisecond), load)
			impWall, impRSS = append(impWall, imp.Wall), append(impRSS, imp.MaxRSSKB)
			sendWall, sendRSS, sendCPU = append(sendWall, send.Wall), append(sendRSS, send.MaxRSSKB), append(sendCPU, send.UserSys)
		}
		fmt.Fprintf(&b, "| %d | %.0f rows/s (%.2f s) | %.1f MB | %.0f msgs/s (%.1f s) | %.1f MB | %.1f s |\n",
			n, float64(n)/median(impWall).Seconds(), median(impWall).Seconds(), float64(median(impRSS))/1024,
			float64(n)/median(sendWall).Seconds(), median(sendWall).Seconds(), float64(median(sendRSS))/1024, median(sendCPU).Seconds())
	}
	report(t, b.String())
}
