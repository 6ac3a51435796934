package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/herald-mail/herald/daemon/lists"
	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/store"
)

// listsPage is every list the user may see with its counts per status
// and its RSVP totals.
func (d *dash) listsPage(w http.ResponseWriter, r *http.Request) {
	d.renderLists(w, r, http.StatusOK, &listsData{})
}

// contactsPerPage is how many contacts a list page shows.
const contactsPerPage = 50

type listData struct {
	Name     string
	Counts   store.ListCounts
	Rows     []store.Contact
	Pager    pager
	Search   string
	Status   string
	Statuses []string
	Funnel   *chart
	Sort     *sorting
	// MapFields are what the import preview offers for a column herald
	// does not know.
	MapFields string
}

// listPage is a list's contacts, searchable and paged on the server.
func (d *dash) listPage(w http.ResponseWriter, r *http.Request) {
	cfg := d.Config()
	name := r.PathValue("name")
	all, err := ops.Lists(r.Context(), cfg, d.Store)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	var counts *store.ListCounts
	for i := range all {
		if all[i].Name == name {
			counts = &all[i]
		}
	}
	if counts == nil || !mayList(d.visibleLists(r.Context(), principal(r), cfg), name) {
		d.notFoundPage(w, r, "lists", name)
		return
	}
	page := pageNumber(r)
	q := store.ContactQuery{List: name, Search: r.URL.Query().Get("q"), Status: r.URL.Query().Get("status"),
		Limit: contactsPerPage, Offset: (page - 1) * contactsPerPage}
	if _, ok := map[string]bool{"": true, store.StatusSubscribed: true, store.StatusUnsubscribed: true, store.StatusBounced: true}[q.Status]; !ok {
		q.Status = ""
	}
	sorted, _ := readSort(r, store.ContactSorts, "") // a bad one reads as the order of import
	q.Sort, q.Desc = sorted.Key, sorted.Desc
	rows, total, err := d.Store.ContactPage(r.Context(), q)
	if errors.Is(err, store.ErrNoList) { // configured, not imported yet
		rows, total, err = nil, 0, nil
	}
	if err != nil {
		d.fail(w, r, err)
		return
	}
	data := listData{Name: name, Counts: *counts, Rows: rows, Pager: newPager(r, page, contactsPerPage, total),
		Search: q.Search, Status: q.Status, Statuses: []string{store.StatusSubscribed, store.StatusUnsubscribed, store.StatusBounced}, Sort: &sorted,
		MapFields: strings.Join(lists.MapFields, ",")}
	v := d.view(r, "lists", "lists", nil)
	if data.Funnel, err = d.funnelChart(r.Context(), v, cfg, *counts); err != nil {
		d.fail(w, r, err)
		return
	}
	v.Data = data
	d.render(w, r, http.StatusOK, "list", v)
}

// contactPage is one contact: fields, lists, history, messages.
func (d *dash) contactPage(w http.ResponseWriter, r *http.Request) {
	j, _, err := ops.ShowContact(r.Context(), d.Store, r.PathValue("email"))
	if err != nil && !isNotFound(err) {
		d.fail(w, r, err)
		return
	}
	p, cfg := principal(r), d.Config()
	var vis map[string]bool
	if j != nil {
		vis = d.visibleLists(r.Context(), p, cfg)
	}
	if j == nil || !mayContact(vis, j) {
		d.notFoundPage(w, r, "lists", r.PathValue("email"))
		return
	}
	limitContact(vis, p, cfg, j)
	d.render(w, r, http.StatusOK, "contact", d.view(r, "lists", "contacts", j))
}

// sandboxPage is the captured outbox, in sandbox mode only.
func (d *dash) sandboxPage(w http.ResponseWriter, r *http.Request) {
	cfg := d.Config()
	if !cfg.Sandbox.Enabled {
		d.notFoundPage(w, r, "sandbox", "sandbox")
		return
	}
	mine := senders(principal(r), cfg)
	var out []store.CapturedMessage
	err := d.Store.Captured(r.Context(), false, func(m store.CapturedMessage) error {
		if mine == nil || mine[lower(m.From)] {
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		d.fail(w, r, err)
		return
	}
	// Newest first, the last 500: the outbox of a long sandbox session grows.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	if len(out) > 500 {
		out = out[:500]
	}
	d.renderSandbox(w, r, http.StatusOK, out)
}
