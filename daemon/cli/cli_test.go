package cli

import (
	"strings"
	"testing"
	"time"
)

// TestHelpPrintedOnce: every command's --help and -h print its usage
// once, on stdout, and exit 0, whatever the config.
func TestHelpPrintedOnce(t *testing.T) {
	for name := range commands {
		for _, flag := range []string{"--help", "-h"} {
			code, out, errOut := herald(t, "/nonexistent/config.yaml", append(strings.Fields(name), flag)...)
			if code != ExitOK || strings.Count(out, "usage: herald "+name+" ") != 1 || strings.Count(out, "usage:") != 1 || errOut != "" {
				t.Errorf("herald %s %s = exit %d\nstdout:\n%s\nstderr:\n%s", name, flag, code, out, errOut)
			}
		}
	}
}

// TestTimesInConfigZone: times show in the config's timezone
// (Europe/Brussels), not the machine's.
func TestTimesInConfigZone(t *testing.T) {
	if _, err := time.LoadLocation("Europe/Brussels"); err != nil {
		t.Skipf("no tzdata: %v", err)
	}
	machine := time.Local
	time.Local = time.FixedZone("machine", -5*3600)
	defer func() { time.Local = machine }()
	cfg := waveConfig(t)
	code, out, errOut := herald(t, cfg, "waves", "show", "invitation")
	// at: 2017-09-15T09:00:00+02:00 is 09:00 in Brussels (CEST), 02:00 on the machine.
	if code != ExitOK || !strings.Contains(out, "next run     2017-09-15 09:00") {
		t.Errorf("waves show = %d, want the next run at 09:00 Brussels time\n%s%s", code, out, errOut)
	}
}
