package triage

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/classify"
	"github.com/herald-mail/herald/daemon/inbox"
	"github.com/herald-mail/herald/daemon/store/storetest"
)

// corpusDir holds the labelled corpus and blindDir the blind set, both
// written by the corpus's gen command (see docs/ACCURACY.md).
var (
	corpusDir = filepath.Join("..", "classify", "testdata", "corpus")
	blindDir  = filepath.Join("..", "classify", "testdata", "blind")
	blind2Dir = filepath.Join("..", "classify", "testdata", "blind2")
)

// labelled is one corpus message and what a seasoned secretariat would do.
type labelled struct {
	file, class, ack, verdict string
	raw                       []byte
}

func readCorpus(t *testing.T, dir string) []labelled {
	f, err := os.Open(filepath.Join(dir, "LABELS"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		if strings.HasPrefix(sc.Text(), "#") || strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		fs := strings.Split(sc.Text(), "\t")
		if len(fs) != 4 {
			t.Fatalf("LABELS:%d: want 4 tab-separated fields, got %q", line, sc.Text())
		}
		raw, err := os.ReadFile(filepath.Join(dir, fs[0]))
		if err != nil {
			t.Fatalf("LABELS:%d: %v", line, err)
		}
		out = append(out, labelled{file: fs[0], class: fs[1], ack: fs[2], verdict: fs[3], raw: raw})
	}
	return out
}

// classOf is the class herald filed a message as, from its recorded kind.
func classOf(kind string) string {
	switch classify.Kind(kind) {
	case classify.Bounce, classify.Delay:
		return "bounce"
	case classify.AutoReply:
		return "auto-reply"
	}
	if classify.Kind(kind).Report() {
		return "report"
	}
	return "human"
}

// verdictOf is what a failure notice says about its first failed (or
// delayed) recipient: what triage would record.
func verdictOf(r classify.Result) string {
	if r.Kind == classify.Delay {
		return "delay"
	}
	f := r.Failed()
	if len(f) == 0 {
		return "none"
	}
	switch rc := f[0]; {
	case rc.Policy():
		return "policy"
	case rc.Permanent():
		return "permanent"
	case rc.Temporary():
		return "temporary"
	}
	return "none"
}

// TestCorpusAccuracy runs the labelled corpus through triage exactly as
// the watcher hands messages over (Prepare, then Process, with every
// invitee's invitation on record), and measures what it filed and
// answered against the labels: per-class precision and recall, automatic
// answers to automatic mail, and failure verdicts. The goals of issue 13
// are asserted; -v prints the table written to docs/ACCURACY.md.
func TestCorpusAccuracy(t *testing.T) {
	corpus := readCorpus(t, corpusDir)
	if len(corpus) < 300 {
		t.Errorf("corpus has %d messages, want at least 300", len(corpus))
	}
	got, answered := runCorpus(t, corpusDir, corpus)
	checkCorpus(t, corpus, got, answered)
}

// TestBlindCorpusAccuracy runs the blind set the same way: messages
// written after the rules by someone who had not read them, to measure
// how they generalise (docs/ACCURACY.md).
func TestBlindCorpusAccuracy(t *testing.T) {
	corpus := readCorpus(t, blindDir)
	if len(corpus) < 120 {
		t.Errorf("blind set has %d messages, want at least 120", len(corpus))
	}
	got, answered := runCorpus(t, blindDir, corpus)
	checkCorpus(t, corpus, got, answered)
}

// TestBlind2CorpusAccuracy runs the second blind set, written by another
// author after the first one's fixes, also without reading the rules.
func TestBlind2CorpusAccuracy(t *testing.T) {
	corpus := readCorpus(t, blind2Dir)
	if len(corpus) < 140 {
		t.Errorf("second blind set has %d messages, want at least 140", len(corpus))
	}
	got, answered := runCorpus(t, blind2Dir, corpus)
	checkCorpus(t, corpus, got, answered)
}

// runCorpus hands corpus to triage as the watcher does, with the
// invitees of dir's CONTACTS on record, and returns the class each
// message was filed as and which were answered.
func runCorpus(t *testing.T, dir string, corpus []labelled) ([]string, map[int]bool) {
	emails, err := os.ReadFile(filepath.Join(dir, "CONTACTS"))
	if err != nil {
		t.Fatal(err)
	}
	w := newWaveFixture(t, strings.Fields(string(emails))...)
	w.p.Config.Triage.AckMaxPerHour = 100000
	w.prepare = true

	uidOf := map[uint32]int{}
	for i := 0; i < len(corpus); i += 50 {
		var raws []string
		for _, c := range corpus[i:min(i+50, len(corpus))] {
			raws = append(raws, string(c.raw))
		}
		for k, uid := range w.deliver(raws...) {
			uidOf[uid] = i + k
		}
	}
	got := make([]string, len(corpus))
	for uid, kind := range storetest.IncomingKinds(t, w.st) {
		got[uidOf[uid]] = classOf(kind)
	}
	answered := map[int]bool{}
	for _, a := range w.actions("ack") {
		answered[uidOf[a.UID]] = true
	}
	return got, answered
}

func checkCorpus(t *testing.T, corpus []labelled, got []string, answered map[int]bool) {
	classes := []string{"bounce", "report", "auto-reply", "human"}
	tp, labelledN, gotN := map[string]int{}, map[string]int{}, map[string]int{}
	robotsAnswered, humansAnswered, humansAckable, verdictOK, verdicts, harmful := 0, 0, 0, 0, 0, 0
	for i, c := range corpus {
		labelledN[c.class]++
		gotN[got[i]]++
		if got[i] == c.class {
			tp[c.class]++
		} else {
			t.Logf("%s: filed as %s, labelled %s", c.file, got[i], c.class)
		}
		switch {
		case c.ack == "no" && answered[i]:
			robotsAnswered++
			t.Errorf("%s: herald answered a message that must never be answered", c.file)
		case c.ack == "yes":
			humansAckable++
			if answered[i] {
				humansAnswered++
			} else {
				t.Logf("%s: a person's mail got no automatic answer", c.file)
			}
		}
		if c.class == "bounce" {
			verdicts++
			m := (&Processor{}).classifyOnly(c.raw)
			v := verdictOf(m)
			if v == c.verdict {
				verdictOK++
			} else {
				t.Logf("%s: verdict %s, labelled %s", c.file, v, c.verdict)
				if v == "permanent" {
					harmful++ // a contact marked bounced for nothing
				}
			}
		}
	}
	var table strings.Builder
	table.WriteString("| class | messages | filed as it | precision | recall |\n|---|---:|---:|---:|---:|\n")
	for _, c := range classes {
		fmt.Fprintf(&table, "| %s | %d | %d | %s | %s |\n", c, labelledN[c], gotN[c], pct(tp[c], gotN[c]), pct(tp[c], labelledN[c]))
	}
	fmt.Fprintf(&table, "\nAutomatic answers to automatic mail (or mail that asks for none): %d of %d.\n", robotsAnswered, len(corpus)-humansAckable)
	fmt.Fprintf(&table, "People's mail answered automatically (acknowledgement or confirmation): %d of %d (%s).\n", humansAnswered, humansAckable, pct(humansAnswered, humansAckable))
	fmt.Fprintf(&table, "Failure verdicts (permanent, temporary, policy, delay, none) as labelled: %d of %d (%s); read as permanent when they are not: %d.\n", verdictOK, verdicts, pct(verdictOK, verdicts), harmful)
	t.Log("\n" + table.String())

	for _, c := range []string{"bounce", "report", "auto-reply"} {
		if labelledN[c] == 0 || tp[c]*100 < labelledN[c]*98 {
			t.Errorf("%s recall %s, want at least 98%%", c, pct(tp[c], labelledN[c]))
		}
		if gotN[c] > 0 && tp[c]*100 < gotN[c]*98 {
			t.Errorf("%s precision %s, want at least 98%%", c, pct(tp[c], gotN[c]))
		}
	}
	if robotsAnswered != 0 {
		t.Errorf("%d automatic answers to mail that must not be answered, want 0", robotsAnswered)
	}
	if harmful != 0 {
		t.Errorf("%d failure notices read as permanent that are not, want 0", harmful)
	}
}

// classifyOnly parses and classifies raw as Prepare does.
func (p *Processor) classifyOnly(raw []byte) classify.Result {
	return p.parse(inbox.Fetched{Raw: raw}).cls
}

func pct(a, b int) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", float64(a)*100/float64(b))
}
