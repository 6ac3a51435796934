package wavesbench

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/cli"
)

// TestProfileSend runs `herald waves send` of HERALD_BENCH_MESSAGES
// (10,000) messages over 4 sessions inside the test process, through the
// same cli.Main as the binary, and writes its CPU profile to
// HERALD_BENCH_PROFILE (default waves-send.pprof in the temp dir):
//
//	HERALD_BENCH=1 HERALD_BENCH_PROFILE=/tmp/send.pprof go test ./bench/waves -run TestProfileSend -v
//	go tool pprof -top /tmp/send.pprof
func TestProfileSend(t *testing.T) {
	needBench(t)
	n := envInt(t, "HERALD_BENCH_MESSAGES", 10000)
	path := os.Getenv("HERALD_BENCH_PROFILE")
	if path == "" {
		path = filepath.Join(os.TempDir(), "waves-send.pprof")
	}
	csv := filepath.Join(t.TempDir(), "contacts.csv")
	writeCSV(t, csv, n)
	sk := startSink(t)
	cfg := writeConfig(t, t.TempDir(), sk.port, envInt(t, "HERALD_BENCH_SESSIONS", 4))
	var out bytes.Buffer
	if code := cli.Main([]string{"--config", cfg, "lists", "import", "invitees", csv}, nil, &out, io.Discard); code != 0 {
		t.Fatalf("lists import: exit %d\n%s", code, out.String())
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out.Reset()
	start := time.Now()
	if err := pprof.StartCPUProfile(f); err != nil {
		t.Fatal(err)
	}
	code := cli.Main([]string{"--config", cfg, "waves", "send", "bench"}, nil, &out, io.Discard)
	pprof.StopCPUProfile()
	wall := time.Since(start)
	if code != 0 || !strings.Contains(out.String(), "failed 0") {
		t.Fatalf("waves send: exit %d\n%s", code, out.String())
	}
	t.Logf("%d messages in %v (%.0f msgs/s); CPU profile in %s: go tool pprof -top %s", n, wall.Round(time.Millisecond), float64(n)/wall.Seconds(), path, path)
}
