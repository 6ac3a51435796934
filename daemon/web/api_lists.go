package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/lists"
	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/store"
)

// MaxImportBytes caps an uploaded list: a 100,000-contact file is about
// 15 MB.
const MaxImportBytes = 64 << 20

// visibleLists is the set of lists a user limited to some accounts may
// see: those their accounts' waves send to, and those created for one of
// their accounts (`lists create --account`, the Lists page's form), so
// that a list they just made is theirs before any wave uses it. nil
// means every list. A list named in the config is the config's: the
// account a created list of the same name recorded does not count.
func (d *dash) visibleLists(ctx context.Context, p *Principal, cfg *config.Config) map[string]bool {
	if p.Accounts == nil {
		return nil
	}
	out := map[string]bool{}
	for _, w := range cfg.Waves {
		if p.MaySee(w.Account) {
			out[w.List] = true
		}
	}
	created, err := d.Store.CreatedLists(ctx)
	if err != nil {
		// Fewer lists shown, never more: the waves' lists still are.
		d.log.Warn("read created lists", "err", err)
	}
	for _, c := range created {
		if c.Account != "" && p.MaySee(c.Account) && cfg.List(c.Name) == nil {
			out[c.Name] = true
		}
	}
	return out
}

func mayList(vis map[string]bool, list string) bool { return vis == nil || vis[list] }

// apiLists is `lists --json`.
func (d *dash) apiLists(w http.ResponseWriter, r *http.Request) {
	cfg := d.Config()
	all, err := ops.Lists(r.Context(), cfg, d.Store)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	vis := d.visibleLists(r.Context(), principal(r), cfg)
	out := []store.ListCounts{}
	for _, l := range all {
		if mayList(vis, l.Name) {
			out = append(out, l)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// apiImport is `lists import --json`: the CSV file as the body or as the
// multipart field "file"; dry_run=1 reads and checks it all, writes
// nothing, and reports what would change and every rejected row.
func (d *dash) apiImport(w http.ResponseWriter, r *http.Request) {
	cfg := d.Config()
	name := r.PathValue("name")
	counts, err := d.Store.Lists(r.Context())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	if err := ops.KnownList(cfg, counts, name); err != nil {
		d.fail(w, r, err)
		return
	}
	if !mayList(d.visibleLists(r.Context(), principal(r), cfg), name) {
		forbidden(w, "list "+name)
		return
	}
	cols, err := importMap(r.URL.Query()["map"])
	if err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	body, err := importBody(w, r, cols)
	if err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	defer body.Close()
	dry := r.URL.Query().Get("dry_run")
	rep, err := lists.Import(r.Context(), d.Store, name, body, lists.Options{DryRun: dry == "1" || dry == "true", Map: cols})
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		apiError(w, http.StatusRequestEntityTooLarge, "the file is larger than 64 MiB; import it with herald lists import")
		return
	case err != nil:
		// lists.Import fails whole for an unusable header or an
		// unreadable file; nothing was written.
		apiError(w, http.StatusBadRequest, "import into "+name+": "+err.Error()+" (nothing was imported)")
		return
	}
	d.log.Info("list imported", "list", name, "by", principal(r).Actor(), "dry_run", rep.DryRun,
		"added", rep.Added, "updated", rep.Updated, "rejected", len(rep.Rejected))
	writeJSON(w, http.StatusOK, rep)
}

// importMap reads the repeatable query parameter map=COLUMN=FIELD, the
// CLI's --map.
func importMap(vals []string) (map[string]string, error) {
	out := map[string]string{}
	for _, v := range vals {
		col, field, ok := strings.Cut(v, "=")
		if !ok || strings.TrimSpace(col) == "" {
			return nil, fmt.Errorf("map=%s: want map=COLUMN=FIELD, e.g. map=Courriel=email", v)
		}
		out[strings.TrimSpace(col)] = strings.TrimSpace(field)
	}
	return out, nil
}

// importBody is the uploaded file: the multipart field "file", or the
// request body itself. Multipart fields map[COLUMN]=FIELD before the
// file (the import preview's column choices) are added to cols; an
// empty FIELD keeps the column as herald reads it.
func importBody(w http.ResponseWriter, r *http.Request, cols map[string]string) (io.ReadCloser, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxImportBytes)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return r.Body, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, err
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, errors.New(`no field "file" in the form: send the CSV as the field "file", or as the body`)
		}
		if err != nil {
			return nil, err
		}
		name := part.FormName()
		if name == "file" {
			return part, nil
		}
		if col, ok := strings.CutPrefix(name, "map["); ok && strings.HasSuffix(col, "]") {
			v, err := io.ReadAll(io.LimitReader(part, 1<<10))
			if err != nil {
				return nil, err
			}
			if col = strings.TrimSpace(strings.TrimSuffix(col, "]")); col != "" && strings.TrimSpace(string(v)) != "" {
				cols[col] = strings.TrimSpace(string(v))
			}
		}
		part.Close()
	}
}

// apiContact is `contacts show --json`.
func (d *dash) apiContact(w http.ResponseWriter, r *http.Request) {
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
	limitContact(vis, p, cfg, j)
	writeJSON(w, http.StatusOK, j)
}

// limitContact cuts c down to what a user limited to some accounts may
// see of a contact who may also be on other accounts' lists: the lists
// they may see, the messages their accounts' waves sent, and the history
// of those lists (contact-wide lines such as an RSVP stay). Messages
// read from the contact are left out: nothing records which account's
// mailbox they reached.
// vis is visibleLists' answer for p.
func limitContact(vis map[string]bool, p *Principal, cfg *config.Config, c *ops.Contact) {
	if vis == nil {
		return
	}
	c.Lists = slices.DeleteFunc(c.Lists, func(m store.Membership) bool { return !vis[m.List] })
	c.Events = slices.DeleteFunc(c.Events, func(e store.ContactEvent) bool { return e.List != "" && !vis[e.List] })
	c.Sent = slices.DeleteFunc(c.Sent, func(m ops.SentMessage) bool {
		w := cfg.Wave(m.Wave)
		return w == nil || !p.MaySee(w.Account)
	})
	c.Received = []ops.ReceivedMessage{}
}

// mayContact: a user limited to some accounts sees the contacts of the
// lists they may see (vis, visibleLists' answer).
func mayContact(vis map[string]bool, c *ops.Contact) bool {
	if vis == nil {
		return true
	}
	for _, m := range c.Lists {
		if vis[m.List] {
			return true
		}
	}
	return false
}

// apiOutbox is `sandbox outbox --json`; a user limited to some accounts
// sees what those accounts sent.
func (d *dash) apiOutbox(w http.ResponseWriter, r *http.Request) {
	cfg := d.Config()
	if !cfg.Sandbox.Enabled {
		apiError(w, http.StatusNotFound, "the sandbox is off: there is no outbox (sandbox: true in the config)")
		return
	}
	mine := senders(principal(r), cfg)
	w.Header().Set("Content-Type", "application/json")
	err := ops.WriteJSONArray(w, func(emit func(any) error) error {
		return d.Store.Captured(r.Context(), false, func(m store.CapturedMessage) error {
			if mine != nil && !mine[strings.ToLower(m.From)] {
				return nil
			}
			return emit(m)
		})
	})
	if err != nil {
		d.log.Error("list outbox", "err", err)
	}
}

// senders is the addresses of the accounts p may see; nil means all.
func senders(p *Principal, cfg *config.Config) map[string]bool {
	if p.Accounts == nil {
		return nil
	}
	out := map[string]bool{}
	for _, a := range cfg.Accounts {
		if p.MaySee(a.Name) {
			out[strings.ToLower(a.Address)] = true
			for _, al := range a.Aliases {
				out[strings.ToLower(al)] = true
			}
		}
	}
	return out
}

// apiHealth is every component with its problem in words, for people
// who are logged in (/healthz says only ok or failing, to anyone).
func (d *dash) apiHealth(w http.ResponseWriter, r *http.Request) {
	ok, all := d.health.Report()
	code := http.StatusOK
	if !ok {
		code = http.StatusServiceUnavailable
	}
	writeJSON(w, code, map[string]any{"ok": ok, "components": all})
}
