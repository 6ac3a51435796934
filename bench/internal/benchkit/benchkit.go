// Package benchkit is what the benchmark packages under bench/ share: the
// HERALD_BENCH gate that keeps them out of `go test ./...`, their integer
// settings, the herald binary built from the tree, medians and the
// HERALD_BENCH_OUT report file.
package benchkit

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
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

// Median is the median of xs (xs is not modified); 0 for none.
func Median[T int | float64 | time.Duration](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Out appends report to the file HERALD_BENCH_OUT names, if any.
func Out(t testing.TB, report string) {
	t.Helper()
	path := os.Getenv("HERALD_BENCH_OUT")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(report); err != nil {
		t.Fatal(err)
	}
}
