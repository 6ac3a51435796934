package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/herald-mail/herald/daemon/ops"
)

// apiContactStatus unsubscribes or resubscribes a contact (`contacts
// unsubscribe|resubscribe`), on every list of theirs the user may see,
// or on the form's "list"; "reason" goes into their history with the
// user's name.
func (d *dash) apiContactStatus(w http.ResponseWriter, r *http.Request) {
	action := r.PathValue("action")
	if action != "unsubscribe" && action != "resubscribe" {
		apiError(w, http.StatusNotFound, "no contact action "+action+": want unsubscribe or resubscribe")
		return
	}
	j, _, err := ops.ShowContact(r.Context(), d.Store, r.PathValue("email"))
	if err != nil {
		d.fail(w, r, err)
		return
	}
	p, cfg := principal(r), d.Config()
	vis := d.visibleLists(r.Context(), p, cfg)
	if !mayContact(vis, j) {
		forbidden(w, "contact "+j.Email)
		return
	}
	var lists []string
	if l := r.FormValue("list"); l != "" {
		if !mayList(vis, l) {
			forbidden(w, "list "+l)
			return
		}
		lists = []string{l}
	} else if vis != nil {
		// A focal point changes only the lists of their own accounts.
		for _, m := range j.Lists {
			if vis[m.List] {
				lists = append(lists, m.List)
			}
		}
	}
	if vis != nil && len(lists) == 0 {
		// No list of theirs to change (an empty list means every list).
		forbidden(w, "contact "+j.Email)
		return
	}
	reason := strings.TrimSpace(r.FormValue("reason"))
	if len(reason) > 500 {
		apiError(w, http.StatusBadRequest, "reason: at most 500 characters")
		return
	}
	res, err := ops.SetContactStatus(r.Context(), d.Store, j.Email, lists, action == "resubscribe", vis == nil, p.Actor(), reason)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.log.Info("contact "+action, "lists", res.Changed, "by", p.Actor())
	if wantsHTML(r) {
		http.Redirect(w, r, "/contacts/"+url.PathEscape(j.Email), http.StatusSeeOther)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// listExport is `lists export LIST [--status S] [--excel]` as a
// download: CSV, or with excel=1 Excel's "CSV UTF-8" (a byte-order mark
// and CRLF, so accents open right). Rows are streamed, never held whole.
func (d *dash) listExport(w http.ResponseWriter, r *http.Request) {
	name, cfg := r.PathValue("name"), d.Config()
	if !mayList(d.visibleLists(r.Context(), principal(r), cfg), name) {
		forbidden(w, "list "+name)
		return
	}
	status := r.URL.Query().Get("status")
	excel := r.URL.Query().Get("excel") == "1"
	if status != "" && !slices.Contains(ops.ExportStatuses, status) {
		apiError(w, http.StatusBadRequest, "status="+status+": want one of "+strings.Join(ops.ExportStatuses, ", "))
		return
	}
	var cw *csv.Writer
	started := false
	err := ops.ExportList(r.Context(), cfg, d.Store, name, status, func(rec []string) error {
		if !started {
			started = true
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="`+safeFileName(name)+`.csv"`)
			var err error
			if cw, err = ops.CSVWriter(w, excel); err != nil {
				return err
			}
		}
		return cw.Write(rec)
	})
	switch {
	case err != nil && !started:
		d.fail(w, r, err)
	case err != nil:
		// Half a file already went: cut it short, so it is not taken
		// for a whole one.
		d.log.Error("export list", "list", name, "err", err)
		panic(http.ErrAbortHandler)
	default:
		cw.Flush()
	}
}

// safeFileName keeps a list's name usable in a Content-Disposition
// header (RFC 6266): letters, digits, dot, dash and underscore.
func safeFileName(s string) string {
	return strings.Map(func(c rune) rune {
		if c < 128 && (c == '.' || c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return c
		}
		return '_'
	}, s)
}
