package main

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
)

// TestMailTablesNotBuiltAtStart: a command that reads no mail does not
// build the mail-reading packages' regexps and tables, nor parse the
// dashboard's pages, at package initialisation (GODEBUG=inittrace=1).
// Built there, they cost every command 1.2 MB (message), 3.3 MB
// (classify), 9.9 MB (rsvp) and 1.9 MB (web) before main; an eager
// regexp.MustCompile added to one of them shows here. This counts
// allocated bytes, which do not depend on the machine's speed.
func TestMailTablesNotBuiltAtStart(t *testing.T) {
	cfg := sandboxConfig(t)
	cmd := exec.Command(heraldBin, "--config", cfg, "check")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("herald check: %v\n%s", err, out)
	}
	line := regexp.MustCompile(`(?m)^init (\S+) @\S+ ms, \S+ ms clock, (\d+) bytes, \d+ allocs$`)
	bytes := map[string]int{}
	for _, m := range line.FindAllStringSubmatch(string(out), -1) {
		n, _ := strconv.Atoi(m[2])
		bytes[m[1]] = n
	}
	if _, ok := bytes["runtime"]; !ok {
		t.Fatalf("no inittrace line for runtime: is the format still %s?\n%s", line, out)
	}
	const limit = 512 << 10
	for _, pkg := range []string{"message", "classify", "rsvp", "web", "textmatch"} {
		path := "github.com/herald-mail/herald/daemon/" + pkg
		if n := bytes[path]; n > limit {
			t.Errorf("%s allocates %d bytes at initialisation, want at most %d: build its tables at their first use (textmatch.Lazy, textmatch.Once; the pages in Dashboard)", path, n, limit)
		}
	}
}
