package classify

import (
	"testing"

	"github.com/herald-mail/herald/daemon/textmatch"
)

// TestPatternsCompile builds every regexp this package compiles at its
// first use: one that does not compile fails here, not at a first message.
func TestPatternsCompile(t *testing.T) {
	textmatch.BuildAll()
}
