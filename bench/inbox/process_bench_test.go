package inboxbench

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/inbox"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/triage"
)

// BenchmarkProcess is herald's handler alone, without IMAP: the backlog's
// messages decided and recorded by triage.Processor in batches of 100, on
// a fresh database. The batches are not prepared (inbox.Preparer) as the
// watcher prepares them on every CPU ahead of Process: each is parsed in
// Process, in parallel too, so the parse is on the critical path here
// while the watcher overlaps it with the previous batch's commit. One op
// is one message;
// it bounds what `herald run` can reach on this machine whatever the
// server does. Go benchmarks do not run in `go test ./...`.
//
//	go test ./bench/inbox -run '^$' -bench Process -benchtime 10000x -count 5
func BenchmarkProcess(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(benchConfig(b, dir, 143, 25, false)), 0o600); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	msgs := corpus(10000, corpusSeed)
	ctx, cancel := context.WithCancel(context.Background()) // as the watcher's
	defer cancel()
	var p *triage.Processor
	mb := inbox.Mailbox{Account: cfg.Accounts[0].Name, Name: "INBOX"}
	// A fresh database per 10,000 messages: the corpus has each
	// Message-ID once, and a second pass would only find duplicates.
	fresh := func(gen int) {
		st, err := store.Open(ctx, filepath.Join(dir, "data", time.Now().Format("150405.000000000")+".db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		p = &triage.Processor{Config: cfg, Account: &cfg.Accounts[0], Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		mb.UIDValidity = uint32(gen + 1)
	}
	b.ResetTimer()
	for lo := 0; lo < b.N; lo += 100 {
		if lo%len(msgs) == 0 {
			b.StopTimer()
			fresh(lo / len(msgs))
			b.StartTimer()
		}
		batch := make([]inbox.Fetched, 0, 100)
		for i := lo; i < min(lo+100, b.N); i++ {
			m := msgs[i%len(msgs)]
			batch = append(batch, inbox.Fetched{UID: uint32(i%len(msgs) + 1), Raw: m.CRLF(), InternalDate: time.Now(), Size: int64(len(m.Raw))})
		}
		if err := p.Process(ctx, mb, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
}
