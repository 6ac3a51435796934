package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/ops"
)

// The pages are html/template files, their style and their one script
// embedded in the binary: the dashboard works on a machine with no
// internet access and loads nothing from another site.
var (
	//go:embed templates/*.html
	templateFS embed.FS
	//go:embed assets
	assetFS embed.FS
)

// parsePages parses each page of fsys (templateFS, but in tests) with the
// layout. Dashboard calls it, not package initialisation: the commands
// that serve no pages (waves send, lists import, …) do not pay its 2 ms
// and 1.9 MB, and a page that does not parse still stops the daemon at
// its start (template.Must), never at a request.
func parsePages(fsys fs.FS) map[string]*template.Template {
	layout := template.Must(template.New("layout").Funcs(template.FuncMap{"dict": dict, "list": func(v ...any) []any { return v }, "add": func(a, b int) int { return a + b }}).
		ParseFS(fsys, "templates/layout.html", "templates/parts.html", "templates/charts.html"))
	names, _ := fs.Glob(fsys, "templates/*.html")
	out := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" || name == "parts" || name == "charts" {
			continue
		}
		out[name] = template.Must(template.Must(layout.Clone()).ParseFS(fsys, n))
	}
	return out
}

// dict makes a map of its key, value pairs: a template passes more than
// one value to another.
func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func assetHandler() http.Handler {
	sub, _ := fs.Sub(assetFS, "assets")
	return http.StripPrefix("/assets/", http.FileServerFS(sub))
}

// view is what every page template gets.
type view struct {
	Lang    string
	Title   string
	Nav     string // the menu entry to mark current
	User    *Principal
	Sandbox bool
	loc     *time.Location
	now     time.Time
	Data    any
}

// T is the label key in the page's language.
func (v *view) T(key string) string {
	if s, ok := labels[v.Lang][key]; ok {
		return s
	}
	return key
}

// When is t in the config's time zone, "" for the zero time.
func (v *view) When(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(v.loc).Format("2006-01-02 15:04")
}

// WhenPtr is When of a time that may be absent.
func (v *view) WhenPtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return v.When(*t)
}

// Age is how long ago t was, as a queue is read: 3m, 5h, 2d.
func (v *view) Age(t time.Time) string { return age(v.now.Sub(t)) }

func age(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%dm", max(0, int(d.Minutes())))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// Size is a byte count as people read it: 812 B, 14 KB, 2.3 MB.
func (v *view) Size(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%d KB", (n+500)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// LabelsJSON is the labels the page's script needs, in its language.
func (v *view) LabelsJSON() string {
	keys := []string{"st_open", "st_acknowledged", "st_answered", "st_closed"}
	m := map[string]string{}
	for _, k := range keys {
		m[k] = v.T(k)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func (d *dash) view(r *http.Request, nav, title string, data any) *view {
	cfg := d.Config()
	loc := cfg.Location
	if loc == nil {
		loc = time.UTC
	}
	v := &view{Lang: uiLang(r), Nav: nav, User: principal(r), Sandbox: cfg.Sandbox.Enabled, loc: loc, now: time.Now(), Data: data}
	v.Title = v.T(title)
	return v
}

// render writes page name, whole or not at all: a template error
// becomes a 500, never half a page.
func (d *dash) render(w http.ResponseWriter, r *http.Request, code int, name string, v *view) {
	var b bytes.Buffer
	if err := d.pages[name].ExecuteTemplate(&b, "layout", v); err != nil {
		d.log.Error("render page", "page", name, "err", err)
		http.Error(w, "herald: internal error; the daemon's log has the details", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", v.Lang)
	w.WriteHeader(code)
	w.Write(b.Bytes())
}

// notFoundPage answers 404 with a page saying what is missing.
func (d *dash) notFoundPage(w http.ResponseWriter, r *http.Request, nav, what string) {
	d.render(w, r, http.StatusNotFound, "notfound", d.view(r, nav, "not_found", what))
}

// pageNumber reads ?page= (1-based); bad values read as 1.
func pageNumber(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// pager is the "page N of M" of a paged table.
type pager struct {
	Page, Pages, Total int
	Prev, Next         string // URLs, "" at either end
}

func newPager(r *http.Request, page, per, total int) pager {
	p := pager{Page: page, Total: total, Pages: max(1, (total+per-1)/per)}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < p.Pages {
		p.Next = link(page + 1)
	}
	return p
}

// loginPage is the login form; a logged-in person goes to Today.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.renderLogin(w, r, http.StatusOK, false)
}

func (s *Server) loginFailed(w http.ResponseWriter, r *http.Request) {
	s.renderLogin(w, r, http.StatusUnauthorized, true)
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, code int, failed bool) {
	s.renderLoginData(w, r, code, map[string]any{"Failed": failed})
}

// renderLoginData draws the login form with data (Failed, Locked).
func (s *Server) renderLoginData(w http.ResponseWriter, r *http.Request, code int, data map[string]any) {
	data["Next"], data["NoUsers"] = safeNext(r.FormValue("next")), len(s.userList()) == 0
	v := &view{Lang: uiLang(r), Nav: "login", loc: time.UTC, now: time.Now(), Data: data}
	v.Title = v.T("login_title")
	var b bytes.Buffer
	if err := s.pages["login"].ExecuteTemplate(&b, "layout", v); err != nil {
		http.Error(w, "herald: internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(b.Bytes())
}

// accountNames is the accounts p may see, for a filter's choices.
func accountNames(p *Principal, cfg *config.Config) []string {
	var out []string
	for _, a := range cfg.Accounts {
		if p.MaySee(a.Name) {
			out = append(out, a.Name)
		}
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

func isNotFound(err error) bool { return errors.Is(err, ops.ErrNotFound) }

func lower(s string) string { return strings.ToLower(s) }
