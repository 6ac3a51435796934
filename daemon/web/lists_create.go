package web

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/store"
)

// listsData is the Lists page: the lists, and the form that creates one
// (with what was typed and why it was refused, when it was).
type listsData struct {
	Lists    []store.ListCounts
	Accounts []string // the accounts the user may give a new list
	Notice   *notice
	Name     string
	Account  string
}

// newListRequest is the body of POST /api/v1/lists.
type newListRequest struct {
	Name    string `json:"name"`
	Account string `json:"account"`
}

// apiCreateList is `lists create NAME [--account A]`: JSON
// {"name", "account"} for scripts (201 with the list), or the Lists
// page's form (from_page=1), which goes to the new list's page, or comes
// back to the Lists page saying why it was refused.
func (d *dash) apiCreateList(w http.ResponseWriter, r *http.Request) {
	var req newListRequest
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
			apiError(w, http.StatusBadRequest, `body: want JSON {"name": "...", "account": "..."}: `+err.Error())
			return
		}
	} else {
		req = newListRequest{Name: r.FormValue("name"), Account: r.FormValue("account")}
	}
	p, cfg := principal(r), d.Config()
	req.Account = strings.TrimSpace(req.Account)
	code, reason := 0, ""
	if !p.MaySee(req.Account) || p.Accounts != nil && req.Account == "" {
		// A user limited to some accounts creates lists for them only.
		code, reason = http.StatusForbidden, "account "+req.Account+": you may create lists only for your accounts ("+
			strings.Join(p.Accounts, ", ")+")"
	} else if name, err := ops.CreateList(r.Context(), cfg, d.Store, req.Name, req.Account, p.Actor()); errors.Is(err, ops.ErrInvalid) {
		code, reason = http.StatusBadRequest, ops.Message(err)
	} else if err != nil {
		d.fail(w, r, err)
		return
	} else {
		d.log.Info("list created", "list", name, "account", req.Account, "by", p.Actor())
		if wantsHTML(r) {
			http.Redirect(w, r, "/lists/"+url.PathEscape(name), http.StatusSeeOther)
			return
		}
		writeJSON(w, http.StatusCreated, store.CreatedList{Name: name, Account: req.Account, CreatedBy: p.Actor()})
		return
	}
	if !wantsHTML(r) {
		apiError(w, code, reason)
		return
	}
	d.renderLists(w, r, code, &listsData{Notice: &notice{Error: true, Text: reason}, Name: req.Name, Account: req.Account})
}

// renderLists shows the Lists page with data's form state.
func (d *dash) renderLists(w http.ResponseWriter, r *http.Request, code int, data *listsData) {
	cfg := d.Config()
	all, err := ops.Lists(r.Context(), cfg, d.Store)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	p := principal(r)
	vis := d.visibleLists(r.Context(), p, cfg)
	for _, l := range all {
		if mayList(vis, l.Name) {
			data.Lists = append(data.Lists, l)
		}
	}
	for _, a := range cfg.Accounts {
		if p.MaySee(a.Name) {
			data.Accounts = append(data.Accounts, a.Name)
		}
	}
	d.render(w, r, code, "lists", d.view(r, "lists", "lists", data))
}
