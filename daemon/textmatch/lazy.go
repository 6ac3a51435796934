package textmatch

import (
	"regexp"
	"sync"
)

// The mail-reading packages (message, classify, rsvp) hold about a hundred
// large regexps and phrase tables. Compiled at package initialisation,
// they cost every herald command some 25 ms and 15 MB before main, the
// commands that never read mail (waves send, lists import, check)
// included. Once and the Lazy functions build them at their first use
// instead. A Lazy function takes the expression alone, as
// regexp.MustCompile does, so that the patterns keep their layout.

var (
	lazyMu  sync.Mutex
	lazyAll []func()
)

// Once returns a function that calls build at its first call and returns
// its result from then on, to every goroutine (sync.OnceValue; a panic in
// build is raised again by every call). It is for package-level tables
// that only reading mail needs; BuildAll builds them all at once.
func Once[T any](build func() T) func() T {
	f := sync.OnceValue(build)
	lazyMu.Lock()
	lazyAll = append(lazyAll, func() { f() })
	lazyMu.Unlock()
	return f
}

// Lazy is Once for one regexp: regexp.MustCompile(expr) at the first
// call.
func Lazy(expr string) func() *regexp.Regexp {
	return Once(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// LazyScreened is Once for MustCompile(expr).
func LazyScreened(expr string) func() *Regexp {
	return Once(func() *Regexp { return MustCompile(expr) })
}

// LazyAnchored is Once for MustCompileAnchored(expr).
func LazyAnchored(expr string) func() *Anchored {
	return Once(func() *Anchored { return MustCompileAnchored(expr) })
}

// BuildAll builds every value given to Once (and so to the Lazy
// functions) so far in this process: in a test binary, those of the
// package under test and of its imports. Tests call it so that a pattern
// that does not compile fails them, as it failed at initialisation
// before, rather than the first message that needs it.
func BuildAll() {
	lazyMu.Lock()
	all := append([]func(){}, lazyAll...)
	lazyMu.Unlock()
	for _, f := range all {
		f()
	}
}
