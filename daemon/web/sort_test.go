package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestAPIEnquiriesSorted: sort and order page the queue in that order,
// with the total; a column or direction outside the whitelist is 400
// with the choices.
func TestAPIEnquiriesSorted(t *testing.T) {
	f := newFixture(t, apiToken, true)
	seed(t, f)
	c := &http.Client{}
	refs := func(query string) []string {
		t.Helper()
		code, body := do(t, c, "GET", f.ts.URL+"/api/v1/enquiries?"+query, nil, bearer)
		if code != 200 {
			t.Fatalf("enquiries?%s = %d %s", query, code, body)
		}
		var out []string
		for _, e := range decode[[]struct{ Ref string }](t, body) {
			out = append(out, e.Ref)
		}
		return out
	}
	for query, want := range map[string]string{
		"sort=from":                        "GCCM-0001 GCCM-0003 GCCM-0002", // amina, jo, li
		"sort=from&order=desc":             "GCCM-0002 GCCM-0003 GCCM-0001",
		"order=desc":                       "GCCM-0003 GCCM-0002 GCCM-0001", // newest first
		"sort=subject&account=habitat":     "GCCM-0003 GCCM-0001",           // Hotel, Visa letter
		"sort=account&order=desc&limit=2":  "GCCM-0002 GCCM-0003",
		"sort=received&order=asc&offset=1": "GCCM-0002 GCCM-0003",
	} {
		if got := strings.Join(refs(query), " "); got != want {
			t.Errorf("enquiries?%s = %s, want %s", query, got, want)
		}
	}
	for _, bad := range []string{"sort=id", "sort=from_addr", "order=up"} {
		code, body := do(t, c, "GET", f.ts.URL+"/api/v1/enquiries?"+bad, nil, bearer)
		if code != http.StatusBadRequest || !strings.Contains(body, "want") {
			t.Errorf("enquiries?%s = %d %s, want 400 with the choices", bad, code, body)
		}
	}
}

// TestSortedPages: the queue's and a list's column headers are links
// that sort on the server, say the order with aria-sort, and keep the
// filters; the page shows the rows in that order and its live rows
// come in the same order.
func TestSortedPages(t *testing.T) {
	f := newFixture(t, apiToken, true)
	seed(t, f)
	alice := f.client(t)
	f.login(t, alice, "alice", alicePassword)
	code, body := do(t, alice, "GET", f.ts.URL+"/enquiries?account=habitat&sort=from&order=desc", nil, nil)
	if code != 200 {
		t.Fatalf("queue: %d", code)
	}
	if i, j := strings.Index(body, `data-ref="GCCM-0003"`), strings.Index(body, `data-ref="GCCM-0001"`); i < 0 || j < 0 || i > j {
		t.Errorf("queue by sender, descending: jo (GCCM-0003) should come before amina (GCCM-0001)")
	}
	for _, want := range []string{
		`aria-sort="descending"><a class="sort" href="/enquiries?account=habitat&amp;order=asc&amp;sort=from">`,
		`aria-sort="none"><a class="sort" href="/enquiries?account=habitat&amp;order=asc&amp;sort=subject">`,
		`data-live-queue="/api/v1/enquiries?account=habitat&amp;limit=50&amp;offset=0&amp;order=desc&amp;sort=from&amp;status=open%2Cacknowledged"`,
		`<input type="hidden" name="sort" value="from">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("queue page lacks %s\n%s", want, regexp.MustCompile(`data-live-queue="[^"]*"`).FindString(body))
		}
	}
	// The default order is oldest first: the age column descends.
	_, body = do(t, alice, "GET", f.ts.URL+"/enquiries", nil, nil)
	if !regexp.MustCompile(`aria-sort="descending"><a class="sort" href="/enquiries\?order=desc&amp;sort=received">`).MatchString(body) {
		t.Error("queue page: the age column should say descending (oldest first) and link to newest first")
	}
	_, body = do(t, alice, "GET", f.ts.URL+"/lists/mayors?sort=email&order=desc", nil, nil)
	if i, j := strings.Index(body, "mayor@kampala.example</a>"), strings.Index(body, "maire@dakar.example</a>"); i < 0 || j < 0 || i > j {
		t.Errorf("list by address, descending: mayor@ should come before maire@")
	}
	if !strings.Contains(body, `aria-sort="descending"><a class="sort" href="/lists/mayors?order=asc&amp;sort=email">`) {
		t.Error("list page: the address column should say descending and link to ascending")
	}
	// A bad sort on a page is the default order, not an error.
	if code, _ := do(t, alice, "GET", f.ts.URL+"/lists/mayors?sort=fields", nil, nil); code != 200 {
		t.Errorf("list page with a bad sort = %d, want 200", code)
	}
}
