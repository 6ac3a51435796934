// Package benchkit is what the benchmark packages under bench/ share: the
// HERALD_BENCH gate that keeps them out of `go test ./...`, their integer
// settings, and the herald binary built from the tree.
package benchkit

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// Enabled reports whether HERALD_BENCH=1: the benchmarks take minutes.
func Enabled() bool { return os.Getenv("HERALD_BENCH") == "1" }

// Need skips t unless the benchmarks are enabled; script is the run.sh
// that enables them.
func Need(t testing.TB, script string) {
	t.Helper()
	if !Enabled() {
		t.Skipf("benchmark: set HERALD_BENCH=1 (or run %s)", script)
	}
}

// EnvInt reads a positive integer setting, or def.
func EnvInt(t testing.TB, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

// Build builds cmd/herald of the tree at root into dir and returns the
// binary's path; the compiler's output goes to stderr.
func Build(root, dir string) (string, error) {
	bin := filepath.Join(dir, "herald")
	build := exec.Command("go", "build", "-o", bin, "./cmd/herald")
	build.Dir = root
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	return bin, build.Run()
}
