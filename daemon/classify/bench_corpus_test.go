package classify

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/herald-mail/herald/daemon/message"
)

// BenchmarkClassifyCorpus classifies every corpus message once per op.
func BenchmarkClassifyCorpus(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.eml"))
	var ms []*message.Message
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		m, err := message.Parse(raw)
		if err != nil {
			b.Fatal(err)
		}
		ms = append(ms, m)
	}
	b.ResetTimer()
	for range b.N {
		for _, m := range ms {
			Classify(m)
			Suppress(m, policy)
		}
	}
}
