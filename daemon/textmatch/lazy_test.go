package textmatch

import (
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestOnceBuildsAtFirstCall: nothing is compiled before the first
// call, every goroutine gets the same value, and compile runs once.
func TestOnceBuildsAtFirstCall(t *testing.T) {
	calls := 0
	re := Once(func() *regexp.Regexp {
		calls++ // under sync.OnceValue: -race reports a second, concurrent call
		return regexp.MustCompile(`(?i)\bdelivery (has )?failed\b`)
	})
	if calls != 0 {
		t.Fatalf("build ran %d time(s) before the first call", calls)
	}
	got := make([]*regexp.Regexp, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() { got[i] = re() })
	}
	wg.Wait()
	for i, r := range got {
		if r != got[0] {
			t.Fatalf("call %d returned another regexp", i)
		}
	}
	if calls != 1 {
		t.Fatalf("build ran %d times, want 1", calls)
	}
	if !re().MatchString("Delivery has failed to these recipients") {
		t.Fatalf("Once regexp does not match what its expression matches")
	}
}

// TestBuildAllFailsOnABadPattern: a pattern that does not compile, which
// used to stop the program at initialisation, now panics in BuildAll (and
// in every later call), so that the tests that call it fail.
func TestBuildAllFailsOnABadPattern(t *testing.T) {
	bad := Lazy(`(unclosed`)
	good := LazyAnchored(`^(?i)sent from my \S+`)
	screened := LazyScreened(`(?i)delivery has failed`)
	defer func() {
		lazyMu.Lock()
		lazyAll = lazyAll[:len(lazyAll)-3] // leave the package's registry as it was
		lazyMu.Unlock()
	}()
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			r := recover()
			if r == nil || !strings.Contains(r.(string), "missing closing )") {
				t.Fatalf("%s: recovered %v, want the compile error", name, r)
			}
		}()
		f()
	}
	mustPanic("BuildAll", BuildAll)
	mustPanic("second call", func() { bad() })
	if !good().MatchString("Sent from my iPhone") || !screened().MatchString("DELIVERY HAS FAILED") {
		t.Fatalf("a good pattern next to a bad one does not work")
	}
}
