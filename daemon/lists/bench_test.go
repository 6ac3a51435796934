package lists

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/store"
)

// genCSV writes n contact rows with two custom fields, as a
// secretariat's export of a registration system would look.
func genCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("email,name,language,organisation,title,city,country,desk,delegation\n")
	langs := []string{"en", "fr", "es"}
	for i := range n {
		fmt.Fprintf(&b, "contact%06d@city%d.example,Contact %d,%s,City Council %d,Mayor,City %d,BE,Europe,%d\n",
			i, i%500, i, langs[i%3], i%500, i%500, i%7)
	}
	return b.Bytes()
}

// BenchmarkImport100k imports 100,000 new rows into a fresh database per
// iteration and reports rows/s (goal: at least 50,000) and the peak
// heap seen during the import, sampled every 10,000 rows (it must stay
// flat as files grow: rows are streamed, never held).
//
//	go test ./daemon/lists -run '^$' -bench Import100k -benchtime 3x
func BenchmarkImport100k(b *testing.B) {
	benchImport(b, false)
}

// BenchmarkReimport100k imports the same 100,000 rows a second time:
// every row is looked up and found unchanged.
func BenchmarkReimport100k(b *testing.B) {
	benchImport(b, true)
}

func benchImport(b *testing.B, again bool) {
	const n = 100_000
	path := filepath.Join(b.TempDir(), "contacts.csv")
	if err := os.WriteFile(path, genCSV(n), 0o600); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background()) // cancellable, as the CLI's and the daemon's are
	defer cancel()
	var elapsed, sampling time.Duration
	var peak uint64
	// Live heap after a collection, every 10,000 rows; the time this
	// takes is left out of rows/s.
	progress := func(int) {
		t := time.Now()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
		sampling += time.Since(t)
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("bench%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		if again {
			if _, err := ImportFile(ctx, st, "mayors", path, false, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start := time.Now()
		rep, err := ImportFile(ctx, st, "mayors", path, false, progress)
		elapsed += time.Since(start)
		b.StopTimer()
		if err != nil || rep.Added+rep.Unchanged != n {
			b.Fatalf("Import() = %+v, %v; want %d rows", rep, err, n)
		}
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/(elapsed-sampling).Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-live-heap-MB")
}
