package rsvp

import (
	"testing"

	"github.com/herald-mail/herald/daemon/textmatch"
)

// TestPatternsCompile builds every regexp and phrase table this package
// builds at its first use: one that does not compile fails here, not at
// a first reply.
func TestPatternsCompile(t *testing.T) {
	textmatch.BuildAll()
}
