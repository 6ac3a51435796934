package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// sortByColumn clicks column headers as a person would: the queue by
// reference, then the other way; a list's contacts by address, then
// the other way. Each click is a page from the server, sorted there.
func sortByColumn(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	rows := func(what, js string) []string {
		return get(t, ctx, what, chromedp.Evaluate[[]string](js))
	}
	refs := `Array.from(document.querySelectorAll("tbody[data-live-queue] tr")).map(tr => tr.dataset.ref)`
	step(t, ctx, "queue by reference", chromedp.Navigate(base+"/enquiries?status=all"),
		chromedp.Click(`a.sort[href*="sort=ref"]`), chromedp.WaitVisible(`th[aria-sort="ascending"] a[href*="sort=ref"]`))
	up := rows("refs ascending", refs)
	step(t, ctx, "queue by reference, descending", chromedp.Click(`a.sort[href*="sort=ref"]`),
		chromedp.WaitVisible(`th[aria-sort="descending"] a[href*="sort=ref"]`))
	down := rows("refs descending", refs)
	if len(up) < 2 || !slices.IsSorted(up) || !slices.Equal(down, reversed(up)) {
		t.Errorf("queue by reference: %v, then %v", up, down)
	}

	emails := `Array.from(document.querySelectorAll("#contacts tr td:first-child")).map(td => td.textContent.toLowerCase())`
	step(t, ctx, "contacts by address", chromedp.Navigate(base+"/lists/mayors"),
		chromedp.Click(`a.sort[href*="sort=email"]`), chromedp.WaitVisible(`th[aria-sort="ascending"] a[href*="sort=email"]`))
	up = rows("emails ascending", emails)
	step(t, ctx, "contacts by address, descending", chromedp.Click(`a.sort[href*="sort=email"]`),
		chromedp.WaitVisible(`th[aria-sort="descending"] a[href*="sort=email"]`))
	down = rows("emails descending", emails)
	if len(up) < 2 || !slices.IsSorted(up) || !slices.Equal(down, reversed(up)) {
		t.Errorf("contacts by address: %s, then %s", strings.Join(up, " "), strings.Join(down, " "))
	}
}

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}
