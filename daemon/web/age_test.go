package web

import (
	"strings"
	"testing"
	"time"
)

// TestAgeFilter: the queue keeps the enquiries waiting longer than the
// age chosen, on the page and in the API the page polls; a bad age in
// the API is 400 with the forms it takes.
func TestAgeFilter(t *testing.T) {
	f := newFixture(t, apiToken, true)
	seed(t, f) // GCCM-0001 3 h old, GCCM-0002 2 h, GCCM-0003 1 h
	f.addEnquiry(t, "GCCM-0004", "habitat", "old@quito.example", "Old question", time.Now().Add(-50*time.Hour))
	alice := f.client(t)
	f.login(t, alice, "alice", alicePassword)
	_, body := do(t, alice, "GET", f.ts.URL+"/enquiries?age=2d", nil, nil)
	if !strings.Contains(body, "GCCM-0004") || strings.Contains(body, `data-ref="GCCM-0001"`) || !strings.Contains(body, "older_than=2d") {
		t.Errorf("queue older than 2 days:\n%s", body)
	}
	for u, want := range map[string][]string{
		"/api/v1/enquiries?older_than=150m": {"GCCM-0004", "GCCM-0001"}, // oldest first
		"/api/v1/enquiries?older_than=1d":   {"GCCM-0004"},
	} {
		_, body := do(t, alice, "GET", f.ts.URL+u, nil, nil)
		rows := decode[[]struct{ Ref string }](t, body)
		var got []string
		for _, r := range rows {
			got = append(got, r.Ref)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("GET %s = %v, want %v", u, got, want)
		}
	}
	if code, body := do(t, alice, "GET", f.ts.URL+"/api/v1/enquiries?older_than=soon", nil, nil); code != 400 || !strings.Contains(body, "90m, 4h or 3d") {
		t.Errorf("bad age: %d %s", code, body)
	}
}
