package inboxbench

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/herald-mail/herald/bench/internal/benchkit"
)

// replayMode is one way of replaying herald's IMAP actions.
type replayMode struct {
	name    string
	keyword func(enquiry int) string // nil: no STORE at all
}

var replayModes = []replayMode{
	{"reference keyword per enquiry (herald today)", func(i int) string { return fmt.Sprintf("GCCM-%04d", i) }},
	{"one shared keyword per enquiry", func(int) string { return "Herald" }},
	{"moves only, no keyword", nil},
}

// replayResult is one replay's timings.
type replayResult struct {
	total, first, last time.Duration
	index              int64 // bytes of Dovecot index files afterwards
}

// TestDovecotKeywords is a diagnosis, not a comparison: it replays
// herald's IMAP side effects for the backlog (daemon/inbox runActions: per
// batch of 100, one UID STORE +FLAGS.SILENT per enquiry, as each enquiry
// has its own reference keyword, then one UID MOVE per folder) without
// herald, so the server's share of the backlog time is measured alone,
// and compares it with the same moves with one shared keyword and with no
// keyword at all. HERALD_BENCH_KEYWORD_RUNS (3) runs of each.
func TestDovecotKeywords(t *testing.T) {
	needBench(t)
	n := envInt(t, "HERALD_BENCH_MESSAGES", 10000)
	runs := envInt(t, "HERALD_BENCH_KEYWORD_RUNS", 3)
	msgs := corpus(n, corpusSeed)
	results := make([][]replayResult, len(replayModes))
	for r := range runs {
		for i, mode := range replayModes {
			t.Run(fmt.Sprintf("run%d/%s", r+1, strings.Fields(mode.name)[0]), func(t *testing.T) {
				x := replay(t, msgs, mode)
				t.Logf("%s: %v (first 1000 %v, last 1000 %v), index files %d bytes", mode.name, x.total.Round(time.Millisecond),
					x.first.Round(time.Millisecond), x.last.Round(time.Millisecond), x.index)
				if !t.Failed() {
					results[i] = append(results[i], x)
				}
			})
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n### Dovecot cost of herald's IMAP actions: %d messages, medians of %d runs, %s\n\n", n, runs, time.Now().Format("2006-01-02"))
	b.WriteString("| replay | total s | first 1,000 s | last 1,000 s | Dovecot index files after, MB |\n|---|---|---|---|---|\n")
	for i, mode := range replayModes {
		var total, first, last, index []float64
		for _, x := range results[i] {
			total, first, last = append(total, x.total.Seconds()), append(first, x.first.Seconds()), append(last, x.last.Seconds())
			index = append(index, float64(x.index)/1e6)
		}
		fmt.Fprintf(&b, "| %s | %.2f | %.2f | %.2f | %.1f |\n", mode.name, median(total), median(first), median(last), median(index))
	}
	fmt.Print(b.String())
	benchkit.Out(t, b.String())
}

// replay runs one mode on a fresh Dovecot INBOX holding msgs.
func replay(t *testing.T, msgs []*benchMsg, mode replayMode) replayResult {
	t.Helper()
	dv, c := freshInbox(t, msgs)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatalf("Select(INBOX).Wait() = %v", err)
	}
	for _, f := range []string{"Triage/General", "Triage/Programme", "Triage/Visa", "Triage/Press", "Triage/Auto-replies", "Triage/Bounces"} {
		if err := c.Create(f, nil).Wait(); err != nil {
			t.Fatalf("Create(%s).Wait() = %v", f, err)
		}
	}
	n := len(msgs)
	var marks []time.Duration
	start := time.Now()
	enquiry := 0
	for lo := 0; lo < n; lo += 100 {
		batch := msgs[lo:min(lo+100, n)]
		moves := map[string]*imap.UIDSet{}
		var order []string
		for i, m := range batch {
			uid := imap.UID(lo + i + 1) // populate's order: UIDs 1..n
			if heraldEnquiry[m.Cat] && mode.keyword != nil {
				enquiry++
				store := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.Flag(mode.keyword(enquiry))}}
				if err := c.Store(imap.UIDSetNum(uid), store, nil).Close(); err != nil {
					t.Fatalf("UID STORE %d: %v", uid, err)
				}
			}
			f := heraldFolder[m.Cat]
			if moves[f] == nil {
				moves[f] = &imap.UIDSet{}
				order = append(order, f)
			}
			moves[f].AddNum(uid)
		}
		for _, f := range order {
			if _, err := c.Move(*moves[f], f).Wait(); err != nil {
				t.Fatalf("UID MOVE to %s: %v", f, err)
			}
		}
		if (lo+100)%1000 == 0 || lo+100 >= n {
			marks = append(marks, time.Since(start))
		}
	}
	x := replayResult{total: time.Since(start), first: marks[0]}
	x.last = marks[len(marks)-1]
	if len(marks) > 1 {
		x.last -= marks[len(marks)-2]
	}
	checkEmpty(t, c)
	x.index = indexBytes(t, dv.Maildir(heraldUser))
	return x
}

// indexBytes sums the sizes of Dovecot's index files (dovecot.index*)
// of every folder under a Maildir.
func indexBytes(t *testing.T, maildir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(maildir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasPrefix(d.Name(), "dovecot.index") {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			n += fi.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func checkEmpty(t *testing.T, c *imapclient.Client) {
	t.Helper()
	if err := c.Unselect().Wait(); err != nil {
		t.Fatalf("Unselect().Wait() = %v", err)
	}
	if n, err := messages(c, "INBOX"); err != nil || n != 0 {
		t.Errorf("INBOX holds %d messages (%v) after the replay, want 0", n, err)
	}
}
