package cli

import (
	"strings"
	"testing"
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
