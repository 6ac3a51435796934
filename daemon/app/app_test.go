package app

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
)

func TestLockDatabaseRefusesASecondDaemon(t *testing.T) {
	db := filepath.Join(t.TempDir(), "data", "herald.db")
	first, err := lockDatabase(db)
	if err != nil {
		t.Fatalf("first lockDatabase = %v", err)
	}
	_, err = lockDatabase(db)
	var le *LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() {
		t.Fatalf("second lockDatabase = %v, want a LockedError naming pid %d", err, os.Getpid())
	}
	for _, want := range []string{"pid " + strconv.Itoa(os.Getpid()), db} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("second lockDatabase = %q, want it to name %q", err, want)
		}
	}
	first.release()
	again, err := lockDatabase(db)
	if err != nil {
		t.Fatalf("lockDatabase after release = %v", err)
	}
	again.release()
}

func TestCheckTokenAgainstBoundAddress(t *testing.T) {
	tests := []struct {
		bound, token string
		ok           bool
	}{
		{"127.0.0.1:8025", "", true},
		{"[::1]:8025", "", true},
		{"0.0.0.0:8025", "s3cret", true},
		// The new config may say 127.0.0.1: what counts is what is bound.
		{"0.0.0.0:8025", "", false},
		{"[::]:8025", "", false},
		{"192.0.2.7:8025", "", false},
	}
	for _, tt := range tests {
		err := checkToken(tt.bound, config.HTTP{Listen: "127.0.0.1:8025", Token: tt.token})
		if (err == nil) != tt.ok {
			t.Errorf("checkToken(%s, token %q) = %v, want ok %v", tt.bound, tt.token, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), tt.bound) {
			t.Errorf("checkToken(%s) = %q, want the bound address named", tt.bound, err)
		}
	}
}

func TestFingerprint(t *testing.T) {
	at := time.Date(2017, 9, 1, 9, 0, 0, 0, time.UTC)
	base := func() config.Triage {
		return config.Triage{AckTemplate: "ack", AckExceptions: []*regexp.Regexp{regexp.MustCompile(`@un\.org$`)},
			Rules: []config.Rule{{Name: "visa", Match: config.Match{Subject: regexp.MustCompile(`(?i)visa`),
				Header: map[string]*regexp.Regexp{"X-A": regexp.MustCompile("a"), "X-B": regexp.MustCompile("b")}}}}}
	}
	same := []func(*config.Triage){
		func(*config.Triage) {}, // compiled again: new pointers, same sources
	}
	differs := []func(*config.Triage){
		func(t *config.Triage) { t.AckTemplate = "ack2" },
		func(t *config.Triage) { t.Rules[0].Match.Subject = regexp.MustCompile(`(?i)visas?`) },
		func(t *config.Triage) { t.Rules[0].Match.Header["X-B"] = regexp.MustCompile("c") },
		func(t *config.Triage) { t.AckExceptions = nil },
		func(t *config.Triage) { t.Digest.OlderThan = time.Hour },
	}
	want := fingerprint(base(), at)
	for i, f := range same {
		tr := base()
		f(&tr)
		if got := fingerprint(tr, at); got != want {
			t.Errorf("same %d: fingerprint differs:\n%s\n%s", i, got, want)
		}
	}
	for i, f := range differs {
		tr := base()
		f(&tr)
		if got := fingerprint(tr, at); got == want {
			t.Errorf("change %d: fingerprint unchanged", i)
		}
	}
	if fingerprint(base(), at) == fingerprint(base(), at.In(time.FixedZone("CET", 3600))) {
		t.Errorf("a time in another zone has the same fingerprint")
	}
}
