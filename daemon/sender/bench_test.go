package sender

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/mailconn"
	"github.com/herald-mail/herald/daemon/realserver"
)

// message5K is a 5 KB message.
func message5K() []byte {
	var b bytes.Buffer
	b.WriteString("From: herald@example.org\r\nTo: bench@example.org\r\nSubject: bench\r\n\r\n")
	line := strings.Repeat("x", 76) + "\r\n"
	for b.Len() < 5*1024 {
		b.WriteString(line)
	}
	return b.Bytes()
}

// BenchmarkSendSink sends 5 KB messages into smtp-sink through a pool of
// 1 and 4 connections, with twice as many senders as connections, and
// reports msgs/s. Run with:
//
//	go test -run '^$' -bench SendSink -benchtime 2000x ./daemon/sender/
func BenchmarkSendSink(b *testing.B) {
	raw := message5K()
	for _, conns := range []int{1, 4} {
		b.Run(fmt.Sprintf("conns=%d", conns), func(b *testing.B) {
			sink := realserver.StartSMTPSink(b, realserver.SinkOptions{})
			p := New(Options{Account: testAccount(sink.Host, sink.Port, conns, config.Rate{N: 1000000, Per: time.Second}, 0)})
			defer p.Close()
			ctx := timeout(b, 10*time.Minute)
			var left atomic.Int64
			left.Store(int64(b.N))
			var failed atomic.Value
			var wg sync.WaitGroup
			b.SetBytes(int64(len(raw)))
			b.ResetTimer()
			start := time.Now()
			for range 2 * conns {
				wg.Go(func() {
					for left.Add(-1) >= 0 {
						if err := p.Send(ctx, "herald@example.org", "bench@example.org", raw); err != nil {
							failed.Store(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
			if err := failed.Load(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkGoMailExtras measures what go-mail's own Send path would add to
// each message on one session: a NOOP before it (checkConn) and a NOOP and
// RSET after (ResetWithSMTPClient). The pool does neither.
func BenchmarkGoMailExtras(b *testing.B) {
	raw := message5K()
	for _, extras := range []bool{false, true} {
		b.Run(fmt.Sprintf("noop+rset=%v", extras), func(b *testing.B) {
			sink := realserver.StartSMTPSink(b, realserver.SinkOptions{})
			a := testAccount(sink.Host, sink.Port, 1, fast, 0)
			_, sc, err := mailconn.DialSMTP(timeout(b, time.Minute), a.SMTP, "")
			if err != nil {
				b.Fatal(err)
			}
			s := &session{sc: sc}
			defer s.quit(commandTimeout)
			ctx := timeout(b, 10*time.Minute)
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				if extras {
					if err := sc.Noop(); err != nil {
						b.Fatal(err)
					}
				}
				if e := s.transaction(ctx, paths{from: "herald@example.org", to: "bench@example.org"}, raw); e != nil {
					b.Fatal(e)
				}
				if extras {
					if err := sc.Noop(); err != nil {
						b.Fatal(err)
					}
					if err := sc.Reset(); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
		})
	}
}
