package web

import (
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/store"
)

// queuePerPage is how many enquiries a queue page shows.
const queuePerPage = 50

type queueData struct {
	Rows       []*store.Enquiry
	Pager      pager
	Accounts   []string
	Categories []string
	Statuses   []string
	Ages       []string   // the age filter's choices
	F          url.Values // the filters as given
	LiveSrc    string     // the API URL the script polls for this page
	Sort       *sorting
}

// enquiriesPage is the queue: filtered by account, category and status,
// searched by sender, subject and reference, paged on the server.
func (d *dash) enquiriesPage(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	v := r.URL.Query()
	q := store.EnquiryQuery{EnquiryFilter: store.EnquiryFilter{Category: v.Get("category"), Account: v.Get("account")},
		Search: v.Get("q"), Accounts: p.Accounts, Limit: queuePerPage}
	switch st := v.Get("status"); {
	case st == "":
		q.Statuses = []string{"open", "acknowledged"}
	case st != "all" && slices.Contains(ops.EnquiryStatuses, st):
		q.Status = st
	}
	if d, err := parseAge(v.Get("age")); err == nil {
		q.OlderThan = time.Now().Add(-d)
	}
	sorted, _ := readSort(r, store.EnquirySorts, "received") // a bad one reads as the default
	sorted.inverse = "received"
	q.Sort, q.Desc = sorted.Key, sorted.Desc
	page := pageNumber(r)
	q.Offset = (page - 1) * queuePerPage
	rows, total, err := d.Store.EnquiryPage(r.Context(), q)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	cats, err := d.Store.Categories(r.Context())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	live := url.Values{"limit": {"50"}, "offset": {itoa(q.Offset)}}
	for _, k := range []string{"category", "account", "q"} {
		if v.Get(k) != "" {
			live.Set(k, v.Get(k))
		}
	}
	if !q.OlderThan.IsZero() {
		live.Set("older_than", v.Get("age"))
	}
	sorted.apply(live)
	switch {
	case q.Status != "":
		live.Set("status", q.Status)
	case len(q.Statuses) > 0:
		live.Set("status", "open,acknowledged")
	}
	data := queueData{Rows: rows, Pager: newPager(r, page, queuePerPage, total), Accounts: accountNames(p, d.Config()),
		Categories: cats, Statuses: ops.EnquiryStatuses, Ages: []string{"1h", "4h", "1d", "2d", "7d"}, F: v, LiveSrc: "/api/v1/enquiries?" + live.Encode(), Sort: &sorted}
	d.render(w, r, http.StatusOK, "enquiries", d.view(r, "enquiries", "enquiries", data))
}

type enquiryData struct {
	E *store.Enquiry
	// Record offers the one-click answers for an rsvp-unclear or
	// unverified enquiry.
	Record []string
	Thread []store.MessageRow
	// Evidence is the latest incoming message of an enquiry offering
	// Record: the words the answer is read from.
	Evidence   *store.MessageRow
	Events     []store.EnquiryEvent
	Categories []string
}

// enquiryPage is one enquiry: what herald knows of it, its thread, who
// did what, and the buttons to act on it.
func (d *dash) enquiryPage(w http.ResponseWriter, r *http.Request) {
	_, q, thread, err := ops.EnquiryDetail(r.Context(), d.Store, r.PathValue("ref"))
	if err != nil && !isNotFound(err) {
		d.fail(w, r, err)
		return
	}
	if q == nil || !principal(r).MaySee(q.Account) {
		// Another account's enquiry is "not found" here: the page does
		// not confirm it exists.
		d.notFoundPage(w, r, "enquiries", r.PathValue("ref"))
		return
	}
	ev, err := d.Store.EnquiryEvents(r.Context(), q.ID)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	cats, err := d.Store.Categories(r.Context())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	data := enquiryData{E: q, Thread: thread, Events: ev, Categories: cats}
	if slices.Contains(ops.RecordCategories, q.Category) && q.Status != "closed" {
		data.Record = ops.RecordAnswers
		data.Evidence = lastIncoming(thread)
	}
	d.render(w, r, http.StatusOK, "enquiry", d.view(r, "enquiries", "enquiries", data))
}

// lastIncoming is the latest message from the correspondent, nil if none.
func lastIncoming(thread []store.MessageRow) *store.MessageRow {
	for i := len(thread) - 1; i >= 0; i-- {
		if thread[i].Direction == "in" {
			return &thread[i]
		}
	}
	return nil
}
