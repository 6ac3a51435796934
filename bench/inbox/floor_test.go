package inboxbench

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/herald-mail/herald/bench/internal/benchkit"
)

// floorResult is one pass of the floor diagnosis.
type floorResult struct {
	fetch, move               time.Duration // wall time
	fetchDovecot, moveDovecot time.Duration // Dovecot's CPU time
	fetchSelf                 time.Duration // this process's CPU time during the FETCH
	bytes                     int64
}

// TestFetchFloor is a diagnosis, not a comparison: the least any tool that
// reads every message must spend on this backlog with this server. A plain
// go-imap client, no herald code, SELECTs the INBOX, FETCHes what herald
// fetches (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[]) for all of it
// in chunks of HERALD_BENCH_FLOOR_CHUNK (1000) UIDs and only counts the
// bytes, then moves everything with one UID MOVE per destination folder.
// HERALD_BENCH_RUNS (5) runs; the table gives medians.
func TestFetchFloor(t *testing.T) {
	needBench(t)
	n := envInt(t, "HERALD_BENCH_MESSAGES", 10000)
	runs := envInt(t, "HERALD_BENCH_RUNS", 5)
	chunk := envInt(t, "HERALD_BENCH_FLOOR_CHUNK", 1000)
	msgs := corpus(n, corpusSeed)
	var results []floorResult
	for r := range runs {
		t.Run(fmt.Sprintf("run%d", r+1), func(t *testing.T) {
			x := floor(t, msgs, chunk)
			t.Logf("fetch %v (%.0f msg/s, Dovecot CPU %v, client CPU %v, %d bytes); move %v (Dovecot CPU %v)",
				x.fetch.Round(time.Millisecond), rate(n, x.fetch), x.fetchDovecot.Round(10*time.Millisecond),
				x.fetchSelf.Round(10*time.Millisecond), x.bytes, x.move.Round(time.Millisecond), x.moveDovecot.Round(10*time.Millisecond))
			if !t.Failed() {
				results = append(results, x)
			}
		})
	}
	if len(results) == 0 {
		t.Fatal("no successful run")
	}
	col := func(f func(floorResult) time.Duration) float64 {
		var xs []float64
		for _, x := range results {
			xs = append(xs, f(x).Seconds())
		}
		return median(xs)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n### Floor: FETCH and MOVE of %d messages without herald, chunks of %d, medians of %d runs, %s\n\n",
		n, chunk, len(results), time.Now().Format("2006-01-02"))
	b.WriteString("| step | wall s | msg/s | Dovecot CPU s | client CPU s |\n|---|---|---|---|---|\n")
	fetch, move := col(func(x floorResult) time.Duration { return x.fetch }), col(func(x floorResult) time.Duration { return x.move })
	fmt.Fprintf(&b, "| FETCH everything | %.2f | %.0f | %.2f | %.2f |\n", fetch, float64(n)/fetch,
		col(func(x floorResult) time.Duration { return x.fetchDovecot }), col(func(x floorResult) time.Duration { return x.fetchSelf }))
	fmt.Fprintf(&b, "| UID MOVE, one per folder | %.2f | %.0f | %.2f | |\n", move, float64(n)/move,
		col(func(x floorResult) time.Duration { return x.moveDovecot }))
	fmt.Fprintf(&b, "| both | %.2f | %.0f | | |\n", fetch+move, float64(n)/(fetch+move))
	fmt.Print(b.String())
	benchkit.Out(t, b.String())
}

// floor runs one pass on a fresh Dovecot INBOX holding msgs.
func floor(t *testing.T, msgs []*benchMsg, chunk int) floorResult {
	t.Helper()
	dv, c := freshInbox(t, msgs)
	folders := map[string]*imap.UIDSet{}
	for i, m := range msgs {
		f := heraldFolder[m.Cat]
		if folders[f] == nil {
			folders[f] = &imap.UIDSet{}
			if err := c.Create(f, nil).Wait(); err != nil {
				t.Fatalf("Create(%s).Wait() = %v", f, err)
			}
		}
		folders[f].AddNum(imap.UID(i + 1)) // populate's order: UIDs 1..n
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatalf("Select(INBOX).Wait() = %v", err)
	}
	var x floorResult
	dove, self := dovecotCPU(dv), selfCPU()
	start := time.Now()
	for lo := 1; lo <= len(msgs); lo += chunk {
		var set imap.UIDSet
		set.AddRange(imap.UID(lo), imap.UID(min(lo+chunk-1, len(msgs))))
		cmd := c.Fetch(set, fetchOptionsFloor)
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			for item := msg.Next(); item != nil; item = msg.Next() {
				if b, ok := item.(imapclient.FetchItemDataBodySection); ok && b.Literal != nil {
					k, err := io.Copy(io.Discard, b.Literal)
					if err != nil {
						t.Fatalf("read body: %v", err)
					}
					x.bytes += k
				}
			}
		}
		if err := cmd.Close(); err != nil {
			t.Fatalf("UID FETCH %v: %v", set, err)
		}
	}
	x.fetch, x.fetchDovecot, x.fetchSelf = time.Since(start), dovecotCPU(dv)-dove, selfCPU()-self
	dove = dovecotCPU(dv)
	start = time.Now()
	for f, set := range folders {
		if _, err := c.Move(*set, f).Wait(); err != nil {
			t.Fatalf("UID MOVE to %s: %v", f, err)
		}
	}
	x.move, x.moveDovecot = time.Since(start), dovecotCPU(dv)-dove
	checkEmpty(t, c)
	return x
}

// fetchOptionsFloor is what daemon/inbox fetches for every message.
var fetchOptionsFloor = &imap.FetchOptions{
	UID:          true,
	Flags:        true,
	InternalDate: true,
	RFC822Size:   true,
	BodySection:  []*imap.FetchItemBodySection{{Peek: true}},
}
