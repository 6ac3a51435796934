package classify

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/herald-mail/herald/daemon/message"
)

// FuzzClassify checks that Classify, Suppress and ReplyAddress never panic on
// anything Parse accepts.
// Run with: go test -run ^$ -fuzz FuzzClassify ./daemon/classify/
func FuzzClassify(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	corpus, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.eml"))
	files = append(files, corpus...)
	for _, name := range files {
		if raw, err := os.ReadFile(name); err == nil {
			f.Add(raw)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := message.Parse(raw)
		if err != nil {
			return
		}
		r := Classify(m)
		if r.Kind == "" {
			t.Fatal("empty Kind")
		}
		Suppress(m, policy)
		ReplyAddress(m)
	})
}

// FuzzDSN checks the delivery-status field parser.
// Run with: go test -run ^$ -fuzz FuzzDSN ./daemon/classify/
func FuzzDSN(f *testing.F) {
	f.Add([]byte("Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; a@x\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no\n"))
	f.Add([]byte("Original-Recipient: rfc822;<A@X>\nFinal-Recipient: x400; /C=BE/\nStatus: 4.4.7 (expired)\n\n\n"))
	f.Add([]byte("Reporting-MTA:\n\tdns;\n Final-Recipient: ;\n\n:\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := ParseDSN(body)
		if d == nil {
			t.Fatal("nil DSN")
		}
		if err == nil && len(d.Recipients) == 0 {
			t.Fatal("no error without recipients")
		}
		for _, rc := range d.Recipients {
			if rc.Status != "" && statusCode(rc.Status) != rc.Status {
				t.Fatalf("malformed status %q", rc.Status)
			}
			rc.Permanent()
			rc.Policy()
		}
	})
}
