package web

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/service"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/waves"
)

// Backend is what the dashboard reads and acts on: the running config
// (which changes on reload), the store, and the key that signs sessions.
type Backend struct {
	Config     func() *config.Config
	Store      *store.Store
	SessionKey []byte
	// TestPool, when set, gives the SMTP pool a test send goes through
	// (tests); by default one is made for the request from the config.
	TestPool func(cfg *config.Config, account string) (waves.Sender, func(), error)
}

// dash is the dashboard's state: its backend and a wave engine for the
// current config, rebuilt when a reload brings a new one.
type dash struct {
	Backend
	log    *slog.Logger
	health *service.Health
	pages  map[string]*template.Template // Server.pages

	hub *hub // the live updates' reader (events.go)

	mu     sync.Mutex
	engCfg *config.Config
	eng    *waves.Engine
}

// engine is a wave engine for reading (status, dry run, preview) built
// for the running config.
func (d *dash) engine(ctx context.Context) (*waves.Engine, *config.Config, error) {
	cfg := d.Config()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.engCfg != cfg {
		e, err := ops.WaveEngine(ctx, cfg, d.Store, d.log)
		if err != nil {
			return nil, nil, err
		}
		d.eng, d.engCfg = e, cfg
	}
	return d.eng, cfg, nil
}

// Dashboard adds the login, the pages and the /api/v1/ endpoints. Every
// one of them (the login form too) answers with the security headers and
// refuses a state-changing request from another site.
func (s *Server) Dashboard(b Backend) {
	s.sessions = newSessions(b.SessionKey)
	s.pages = parsePages(templateFS)
	d := &dash{Backend: b, log: s.Log, health: s.Health, pages: s.pages}
	d.hub = &hub{d: d, every: &s.Limits.StreamTick, subs: map[chan snapshot]struct{}{}}
	csrf := s.crossOrigin(b.Config().HTTP.PublicURL)
	open := func(pattern string, h http.HandlerFunc) { s.mux.Handle(pattern, secure(csrf.Handler(h))) }
	api := func(pattern string, h func(*dash, http.ResponseWriter, *http.Request)) {
		s.mux.Handle(pattern, secure(csrf.Handler(s.auth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(d, w, r) })))))
	}
	page := func(pattern string, h func(*dash, http.ResponseWriter, *http.Request)) {
		s.mux.Handle(pattern, secure(csrf.Handler(s.page(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(d, w, r) })))))
	}
	open("POST /login", s.login)
	open("POST /logout", s.logout)
	open("GET /login", s.loginPage)
	s.mux.Handle("GET /assets/", secure(assetHandler()))
	s.apiRoutes(api)
	s.pageRoutes(page)
	s.moreRoutes(api, page)
}

func (s *Server) apiRoutes(api func(string, func(*dash, http.ResponseWriter, *http.Request))) {
	api("GET /api/v1/health", (*dash).apiHealth)
	api("GET /api/v1/nodes", (*dash).apiNodes)
	api("GET /api/v1/events", func(d *dash, w http.ResponseWriter, r *http.Request) { s.events(d, w, r) })
	api("GET /api/v1/enquiries", (*dash).apiEnquiries)
	api("GET /api/v1/enquiries/{ref}", (*dash).apiEnquiry)
	api("POST /api/v1/enquiries/{ref}/record", (*dash).apiRecord)
	api("POST /api/v1/enquiries/{ref}/{action}", (*dash).apiEnquiryAction)
	api("GET /api/v1/waves", (*dash).apiWaves)
	api("GET /api/v1/waves/{name}", (*dash).apiWave)
	api("GET /api/v1/waves/{name}/dry-run", (*dash).apiWaveDryRun)
	api("POST /api/v1/waves/{name}/{action}", (*dash).apiWaveAction)
	api("GET /api/v1/lists", (*dash).apiLists)
	api("POST /api/v1/lists", (*dash).apiCreateList)
	api("POST /api/v1/lists/{name}/import", (*dash).apiImport)
	api("GET /api/v1/contacts/{email}", (*dash).apiContact)
	api("GET /api/v1/sandbox/outbox", (*dash).apiOutbox)
	api("GET /api/v1/sandbox/outbox/{id}", (*dash).apiCaptured)
	api("/api/", func(_ *dash, w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, "no endpoint "+r.Method+" "+r.URL.Path+" (see README \"HTTP API\")")
	})
}

// apiError answers {"error": reason} with code.
func apiError(w http.ResponseWriter, code int, reason string) {
	writeJSON(w, code, map[string]string{"error": reason})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// fail answers err: 404 for what does not exist, 409 for what its state
// forbids, else 500 with the details in the log only.
func (d *dash) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ops.ErrNotFound):
		apiError(w, http.StatusNotFound, ops.Message(err))
	case errors.Is(err, ops.ErrConflict):
		apiError(w, http.StatusConflict, ops.Message(err))
	default:
		d.log.Error("dashboard request failed", "path", r.URL.Path, "err", err)
		apiError(w, http.StatusInternalServerError, "internal error; the daemon's log has the details")
	}
}

// forbidden answers 403 for something outside the user's accounts.
func forbidden(w http.ResponseWriter, what string) {
	apiError(w, http.StatusForbidden, what+" belongs to an account you may not see (http.users[].accounts)")
}

// paging reads limit (1 to 500) and offset; ok false when it answered 400.
func paging(w http.ResponseWriter, r *http.Request, def int) (limit, offset int, ok bool) {
	limit, offset = def, 0
	for name, p := range map[string]*int{"limit": &limit, "offset": &offset} {
		v := r.URL.Query().Get(name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || (name == "limit" && (n < 1 || n > 500)) {
			apiError(w, http.StatusBadRequest, name+"="+strconv.Quote(v)+": give a whole number (limit 1 to 500, offset 0 or more)")
			return 0, 0, false
		}
		*p = n
	}
	return limit, offset, true
}
