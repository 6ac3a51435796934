package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/templates"
)

type templatesData struct {
	*ops.TemplatesReport
	Accounts []string
	// The render form as given, and its result.
	Pick, Contact, Account string
	R                      *templates.Rendered
	Problem                string
}

// templatesPage is every template and language with what `herald check`
// says of them, and one rendered for a chosen contact (?pick=NAME.LANG).
func (d *dash) templatesPage(w http.ResponseWriter, r *http.Request) {
	cfg := d.Config()
	rep, set, err := ops.CheckTemplates(r.Context(), cfg, d.Store)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	limitTemplates(principal(r), cfg, rep)
	q := r.URL.Query()
	data := templatesData{TemplatesReport: rep, Accounts: accountNames(principal(r), cfg),
		Pick: q.Get("pick"), Contact: strings.TrimSpace(q.Get("contact")), Account: q.Get("account")}
	code := http.StatusOK
	if data.Pick != "" {
		name, lang, _ := strings.Cut(data.Pick, ".")
		data.R, err = d.renderTemplate(r, cfg, set, name, lang, data.Contact, data.Account)
		if err != nil {
			code, data.Problem = statusOf(err), ops.Message(err)
			if code == http.StatusInternalServerError {
				code, data.Problem = http.StatusUnprocessableEntity, err.Error() // the template's own error
			}
		}
	}
	d.render(w, r, code, "templates", d.view(r, "templates", "templates", data))
}

// renderTemplate renders name.lang for the contact email ("" for none)
// from account ("" for the first the user may see).
func (d *dash) renderTemplate(r *http.Request, cfg *config.Config, set *templates.Set, name, lang, email, account string) (*templates.Rendered, error) {
	var c *store.Contact
	if email != "" {
		var err error
		if c, err = d.visibleContact(r, email); err != nil {
			return nil, err
		}
	}
	p := principal(r)
	var acct *config.Account
	for i := range cfg.Accounts {
		a := &cfg.Accounts[i]
		if p.MaySee(a.Name) && (account == "" || a.Name == account) {
			acct = a
			break
		}
	}
	if acct == nil && account != "" {
		return nil, ops.NotFoundf("no account %s you may see", account)
	}
	return ops.RenderTemplate(cfg, set, name, lang, c, acct)
}

// apiTemplates is the templates page's data: every template, its
// languages and waves, and every problem `herald check` reports.
func (d *dash) apiTemplates(w http.ResponseWriter, r *http.Request) {
	cfg := d.Config()
	rep, _, err := ops.CheckTemplates(r.Context(), cfg, d.Store)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	limitTemplates(principal(r), cfg, rep)
	writeJSON(w, http.StatusOK, rep)
}

// limitTemplates leaves out of rep the waves of accounts a user limited
// to some accounts may not see. The templates themselves, and their
// problems, stay: the templates folder is one for every account.
func limitTemplates(p *Principal, cfg *config.Config, rep *ops.TemplatesReport) {
	if p.Accounts == nil {
		return
	}
	for i := range rep.Templates {
		t := &rep.Templates[i]
		t.Waves = slices.DeleteFunc(t.Waves, func(name string) bool {
			w := cfg.Wave(name)
			return w == nil || !p.MaySee(w.Account)
		})
	}
}

// apiTemplateRender renders template {name} in ?lang= (default en) for
// ?contact= from ?account=: {name, lang, subject, text, html}.
func (d *dash) apiTemplateRender(w http.ResponseWriter, r *http.Request) {
	cfg := d.Config()
	_, set, err := ops.CheckTemplates(r.Context(), cfg, d.Store)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	lang := q.Get("lang")
	if lang == "" {
		lang = "en"
	}
	out, err := d.renderTemplate(r, cfg, set, r.PathValue("name"), lang, strings.TrimSpace(q.Get("contact")), q.Get("account"))
	if err != nil {
		if code := statusOf(err); code == http.StatusInternalServerError {
			apiError(w, http.StatusUnprocessableEntity, err.Error())
		} else {
			d.fail(w, r, err)
		}
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"name": out.Name, "lang": out.Lang, "subject": out.Subject, "text": out.Text, "html": out.HTML})
}
