package inboxbench

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/herald-mail/herald/daemon/classify"
	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/message"
	"github.com/herald-mail/herald/daemon/triage"
)

// TestCorpus checks, quickly and without servers, what the benchmarks rely
// on: the corpus is deterministic, about 3 KB a message, and herald's own
// parser, classifier and the shipped rules file each message where the
// benchmark expects it (so the benchmark's folder counts are right).
func TestCorpus(t *testing.T) {
	const n = 300
	a, b := corpus(n, corpusSeed), corpus(n, corpusSeed)
	total := 0
	for i := range a {
		if !bytes.Equal(a[i].Raw, b[i].Raw) {
			t.Fatalf("message %d differs between two generations", i+1)
		}
		total += len(a[i].Raw)
	}
	if mean := total / n; mean < 2700 || mean > 3300 {
		t.Errorf("mean size %d bytes, want about 3 KB", mean)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(benchConfig(t, dir, 143, 25, false)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("config.Load(bench config) = %v", err)
	}
	perCat := map[category]int{}
	for _, m := range a {
		perCat[m.Cat]++
		pm, err := message.Parse(m.Raw)
		if err != nil {
			t.Fatalf("message %d (%s): Parse() = %v", m.Seq, m.Cat, err)
		}
		if pm.Subject != m.Subject {
			t.Errorf("message %d: subject %q, want %q", m.Seq, pm.Subject, m.Subject)
		}
		if got, want := heraldFolderOf(cfg, pm), heraldFolder[m.Cat]; got != want {
			t.Errorf("message %d (%s, %q): herald files it in %s, want %s", m.Seq, m.Cat, m.Subject, got, want)
		}
		want := map[category]string{catVisa: "Triage/Visa", catPress: "Triage/Press", catAutoReply: "Triage/Auto-replies"}[m.Cat]
		if want == "" {
			want = "Triage/General"
		}
		if got := filterFolder(m.Subject); got != want {
			t.Errorf("message %d (%s, %q): imapfilter files it in %s, want %s", m.Seq, m.Cat, m.Subject, got, want)
		}
	}
	for _, c := range mix {
		if perCat[c.cat] < n*c.pct/100 {
			t.Errorf("%d messages of %s, want %d%%", perCat[c.cat], c.cat, c.pct)
		}
	}
}

// heraldFolderOf is where herald's triage (daemon/triage record and
// enquiry) files a first message: reports and auto-replies by class, then
// the first matching rule, else the default.
func heraldFolderOf(cfg *config.Config, m *message.Message) string {
	switch r := classify.Classify(m); r.Kind {
	case classify.Bounce, classify.Delay:
		return triage.FolderBounces
	case classify.DeliveryReport, classify.ReadReceipt, classify.AbuseReport:
		return triage.FolderReports
	case classify.AutoReply:
		if !r.SubjectOnly {
			return triage.FolderAutoReplies
		}
	}
	if rule := triage.FirstRule(cfg.Triage.Rules, m, message.DetectLanguage(m.NewText())); rule != nil && rule.Folder != "" {
		return rule.Folder
	}
	return cfg.Triage.Default.Folder
}
