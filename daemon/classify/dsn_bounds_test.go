package classify

import (
	"fmt"
	"strings"
	"testing"
)

// TestDSNBounded: a report of one field followed by a huge number of
// unindented lines, or of thousands of recipients, is read within bounds
// (the diagnostic stops growing, the groups stop at maxDSNGroups).
func TestDSNBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; a@example.org\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 no\n")
	for range 200000 {
		b.WriteString("x\n")
	}
	for i := range 5000 {
		fmt.Fprintf(&b, "\nFinal-Recipient: rfc822; r%d@example.org\nAction: failed\nStatus: 5.1.1\n", i)
	}
	d, err := ParseDSN([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if diag := d.Recipients[0].DiagnosticCode; len(diag) > maxDSNField+8 {
		t.Errorf("diagnostic grew to %d bytes", len(diag))
	}
	if len(d.Recipients) > maxDSNGroups {
		t.Errorf("%d recipients read, want at most %d", len(d.Recipients), maxDSNGroups)
	}
}
