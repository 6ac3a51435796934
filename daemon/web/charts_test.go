package web

import (
	"regexp"
	"strings"
	"testing"
)

func TestNiceMax(t *testing.T) {
	for in, want := range map[int]int{0: 1, 1: 1, 2: 2, 3: 5, 7: 10, 11: 20, 480: 500, 501: 1000} {
		if got := niceMax(in); got != want {
			t.Errorf("niceMax(%d) = %d, want %d", in, got, want)
		}
	}
}

// TestChartsOnPages: Today draws enquiries per day and acknowledgement
// delays as SVG with a title, a description and the numbers as a table,
// counting only the user's accounts; a list's page draws its funnel.
func TestChartsOnPages(t *testing.T) {
	f := newFixture(t, apiToken, true)
	seed(t, f)
	alice := f.client(t)
	f.login(t, alice, "alice", alicePassword)
	_, body := do(t, alice, "GET", f.ts.URL+"/", nil, nil)
	for _, want := range []string{
		`<figure class="chart" id="chart-per-day">`, `role="img" aria-labelledby="chart-per-day-t chart-per-day-d"`,
		`<title id="chart-per-day-t">Enquiries per day, by category</title>`, `<figure class="chart" id="chart-ack-delay">`,
		`<th scope="col">general</th>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("Today lacks %s", want)
		}
	}
	// Today's row of the table: 3 enquiries (one column per category, then the total).
	total := regexp.MustCompile(`<td class="num">(\d+)</td></tr></tbody>\s*</table></div></details>\s*</figure>\s*<figure class="chart" id="chart-ack-delay">`)
	if m := total.FindStringSubmatch(body); m == nil || m[1] != "3" {
		t.Errorf("today's total in the per-day table = %v, want 3", m)
	}
	bob := f.client(t)
	f.login(t, bob, "bob", bobPassword)
	_, body = do(t, bob, "GET", f.ts.URL+"/", nil, nil)
	if m := total.FindStringSubmatch(body); m == nil || m[1] != "1" {
		t.Errorf("bob's total today = %v, want 1 (unep's only)", m)
	}
	_, body = do(t, alice, "GET", f.ts.URL+"/lists/mayors", nil, nil)
	if !strings.Contains(body, `<figure class="chart" id="chart-funnel">`) || !strings.Contains(body, `<th scope="row">Contacts</th><td class="num">2</td>`) {
		t.Errorf("list page funnel:\n%s", body)
	}
}
