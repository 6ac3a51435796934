package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/store"
)

// enquiryQuery reads the queue's filters from the URL; ok false when it
// answered 400 or 403.
func enquiryQuery(w http.ResponseWriter, r *http.Request, p *Principal) (store.EnquiryQuery, bool) {
	v := r.URL.Query()
	q := store.EnquiryQuery{EnquiryFilter: store.EnquiryFilter{Category: v.Get("category"), Account: v.Get("account")},
		Search: v.Get("q"), Accounts: p.Accounts}
	// status is one status or several, comma-separated (open,acknowledged).
	if st := v.Get("status"); st != "" {
		for s := range strings.SplitSeq(st, ",") {
			if !slices.Contains(ops.EnquiryStatuses, s) {
				apiError(w, http.StatusBadRequest, "status="+strconv.Quote(s)+": want one of "+strings.Join(ops.EnquiryStatuses, ", "))
				return q, false
			}
			q.Statuses = append(q.Statuses, s)
		}
	}
	if a := v.Get("older_than"); a != "" {
		d, err := parseAge(a)
		if err != nil {
			apiError(w, http.StatusBadRequest, err.Error())
			return q, false
		}
		q.OlderThan = time.Now().Add(-d)
	}
	sorted, bad := readSort(r, store.EnquirySorts, "")
	if bad != "" {
		apiError(w, http.StatusBadRequest, bad)
		return q, false
	}
	q.Sort, q.Desc = sorted.Key, sorted.Desc
	if q.Account != "" && !p.MaySee(q.Account) {
		forbidden(w, "account "+q.Account)
		return q, false
	}
	return q, true
}

// parseAge reads an age filter: a Go duration (90m, 2h) or whole days (3d).
func parseAge(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if days, err := strconv.Atoi(n); err == nil && days > 0 {
			return time.Duration(days) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, fmt.Errorf("older_than=%q: give an age such as 90m, 4h or 3d", s)
}

// apiEnquiries is `enquiries --json`: the whole queue, oldest first, or
// one page of it with limit and offset (the total in X-Total-Count),
// also when sorted (sort, order) or searched.
func (d *dash) apiEnquiries(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	q, ok := enquiryQuery(w, r, p)
	if !ok {
		return
	}
	if r.URL.Query().Has("limit") || r.URL.Query().Has("offset") || q.Search != "" || len(q.Statuses) > 1 || r.URL.Query().Has("sort") || r.URL.Query().Has("order") {
		if q.Limit, q.Offset, ok = paging(w, r, 50); !ok {
			return
		}
		page, total, err := d.Store.EnquiryPage(r.Context(), q)
		if err != nil {
			d.fail(w, r, err)
			return
		}
		out := make([]ops.Enquiry, len(page))
		for i, e := range page {
			out[i] = ops.EnquiryJSON(e)
		}
		w.Header().Set("X-Total-Count", strconv.Itoa(total))
		writeJSON(w, http.StatusOK, out)
		return
	}
	if len(q.Statuses) == 1 {
		q.Status = q.Statuses[0]
	}
	w.Header().Set("Content-Type", "application/json")
	err := ops.WriteJSONArray(w, func(emit func(any) error) error {
		return d.Store.Enquiries(r.Context(), q.EnquiryFilter, func(e *store.Enquiry) error {
			if !p.MaySee(e.Account) {
				return nil
			}
			return emit(ops.EnquiryJSON(e))
		})
	})
	if err != nil {
		d.log.Error("list enquiries", "err", err)
	}
}

// enquiryDetail is `enquiries show --json` plus who did what to it.
type enquiryDetail struct {
	*ops.Enquiry
	Events []store.EnquiryEvent `json:"events"`
}

func (d *dash) apiEnquiry(w http.ResponseWriter, r *http.Request) {
	j, q, _, err := ops.EnquiryDetail(r.Context(), d.Store, r.PathValue("ref"))
	if err != nil {
		d.fail(w, r, err)
		return
	}
	if !principal(r).MaySee(q.Account) {
		forbidden(w, "enquiry "+q.Ref)
		return
	}
	ev, err := d.Store.EnquiryEvents(r.Context(), q.ID)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, enquiryDetail{j, ev})
}

// enquiryActions maps the URL's action to the store's.
var enquiryActions = map[string]string{"close": store.EnquiryClose, "reopen": store.EnquiryReopen, "answered": store.EnquiryAnswered}

// apiEnquiryAction closes, reopens, marks answered or recategorises
// (action "category", form or query field category) an enquiry.
func (d *dash) apiEnquiryAction(w http.ResponseWriter, r *http.Request) {
	action, ref := r.PathValue("action"), r.PathValue("ref")
	kind, known := enquiryActions[action]
	if !known && action != "category" {
		apiError(w, http.StatusNotFound, "no enquiry action "+strconv.Quote(action)+": want close, reopen, answered or category")
		return
	}
	q, err := d.Store.EnquiryByRef(r.Context(), ref)
	if err == nil && q == nil {
		_, _, _, err = ops.EnquiryDetail(r.Context(), d.Store, ref) // the not-found error, worded once
	}
	if err != nil {
		d.fail(w, r, err)
		return
	}
	p := principal(r)
	if !p.MaySee(q.Account) {
		forbidden(w, "enquiry "+q.Ref)
		return
	}
	var changed bool
	if action == "category" {
		cat := strings.TrimSpace(r.FormValue("category"))
		if cat == "" || len(cat) > 64 {
			apiError(w, http.StatusBadRequest, "category: give the new category (1 to 64 characters)")
			return
		}
		changed, err = d.Store.SetEnquiryCategory(r.Context(), q.Ref, cat, p.Actor())
	} else {
		changed, err = ops.SetEnquiryStatus(r.Context(), d.Store, q.Ref, kind, p.Actor())
	}
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.log.Info("enquiry "+action, "ref", q.Ref, "by", p.Actor(), "changed", changed)
	q, _ = d.Store.EnquiryByRef(r.Context(), q.Ref)
	if wantsHTML(r) {
		http.Redirect(w, r, "/enquiries/"+q.Ref, http.StatusSeeOther)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ref": q.Ref, "status": q.Status, "category": q.Category, "changed": changed, "by": p.Actor()})
}

// wantsHTML says a page's form made the request (it then goes back to a
// page), not a script.
func wantsHTML(r *http.Request) bool {
	return r.FormValue("from_page") == "1"
}

// apiRecord records what the sender of an rsvp-unclear or unverified
// enquiry meant (form field "answer": accepted, declined, maybe or
// unsubscribe) and closes it.
func (d *dash) apiRecord(w http.ResponseWriter, r *http.Request) {
	q, err := d.Store.EnquiryByRef(r.Context(), r.PathValue("ref"))
	if err == nil && q == nil {
		_, _, _, err = ops.EnquiryDetail(r.Context(), d.Store, r.PathValue("ref"))
	}
	if err != nil {
		d.fail(w, r, err)
		return
	}
	p := principal(r)
	if !p.MaySee(q.Account) {
		forbidden(w, "enquiry "+q.Ref)
		return
	}
	answer := r.FormValue("answer")
	if !slices.Contains(ops.RecordAnswers, answer) {
		apiError(w, http.StatusBadRequest, "answer="+strconv.Quote(answer)+": want one of "+strings.Join(ops.RecordAnswers, ", "))
		return
	}
	done, err := ops.RecordFromEnquiry(r.Context(), d.Config(), d.Store, q, answer, p.Actor())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.log.Info("recorded from enquiry", "ref", q.Ref, "answer", answer, "by", p.Actor())
	if wantsHTML(r) {
		http.Redirect(w, r, "/enquiries/"+q.Ref, http.StatusSeeOther)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ref": q.Ref, "recorded": done, "status": "closed", "by": p.Actor()})
}
