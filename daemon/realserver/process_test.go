package realserver

import (
	"fmt"
	"strings"
	"testing"
)

// recordTB records Skip and Fatal instead of stopping the test.
type recordTB struct {
	testing.TB
	skipped, fatal string
}

func (r *recordTB) Helper()           {}
func (r *recordTB) Skip(args ...any)  { r.skipped = fmt.Sprint(args...) }
func (r *recordTB) Fatal(args ...any) { r.fatal = fmt.Sprint(args...) }

func TestMissingSkipsUnlessCI(t *testing.T) {
	t.Setenv("CI", "")
	r := &recordTB{TB: t}
	missing(r, "dovecot not installed")
	if r.skipped != "dovecot not installed" || r.fatal != "" {
		t.Errorf("outside CI: skipped %q, fatal %q; want a skip", r.skipped, r.fatal)
	}
	t.Setenv("CI", "true")
	r = &recordTB{TB: t}
	missing(r, "dovecot not installed")
	if r.skipped != "" || !strings.HasPrefix(r.fatal, "dovecot not installed") {
		t.Errorf("CI=true: skipped %q, fatal %q; want a failure", r.skipped, r.fatal)
	}
}
