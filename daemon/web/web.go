// Package web serves herald's HTTP side: /healthz, /metrics and (in later
// issues) the dashboard, behind the token rule of SPEC §8.
package web

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/herald-mail/herald/daemon/metrics"
	"github.com/herald-mail/herald/daemon/service"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// CookieName holds the token for browsers (SPEC §8: cookie or Bearer).
const CookieName = "herald_token"

// Server is the HTTP component. Its token can change on reload; its listen
// address is fixed for the life of the process.
type Server struct {
	Listen  string
	Log     *slog.Logger
	Health  *service.Health
	Metrics *metrics.Metrics

	token atomic.Pointer[string]
	ln    net.Listener
	mux   *http.ServeMux
}

// New prepares the server; call Bind, then Run.
func New(listen, token string, log *slog.Logger, h *service.Health, m *metrics.Metrics) *Server {
	s := &Server{Listen: listen, Log: log.With("component", "web"), Health: h, Metrics: m, mux: http.NewServeMux()}
	s.SetToken(token)
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.Handle("GET /metrics", s.auth(promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})))
	return s
}

// SetToken replaces the access token (on reload).
func (s *Server) SetToken(token string) { s.token.Store(&token) }

// Handle adds a page that needs the token.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, s.auth(h)) }

// Bind opens the listening socket, so a busy port is reported at start.
func (s *Server) Bind() error {
	ln, err := net.Listen("tcp", s.Listen)
	if err != nil {
		return fmt.Errorf("http.listen %s: %w", s.Listen, err)
	}
	s.ln = ln
	return nil
}

// Addr is the bound address (useful with port 0).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Name is the component name.
func (s *Server) Name() string { return "web" }

// Run serves until ctx is cancelled, then lets in-flight requests finish
// for up to 5 s.
func (s *Server) Run(ctx context.Context) error {
	if s.ln == nil {
		if err := s.Bind(); err != nil {
			return err
		}
	}
	srv := &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(s.ln) }()
	s.Health.Set(s.Name(), nil)
	select {
	case err := <-errc:
		s.ln = nil
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	s.ln = nil
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// healthz is 200 while every component is healthy and 503 otherwise, with
// the list in JSON either way. It needs no token: it names components and
// their problems, never data, and load balancers probe it without one.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ok, all := s.Health.Report()
	w.Header().Set("Content-Type", "application/json")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(map[string]any{"ok": ok, "components": all})
}

// auth applies SPEC §8: the token is needed (cookie or Authorization:
// Bearer) unless none is configured, which config validation allows only
// on a loopback listen address.
func (s *Server) auth(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		want := *s.token.Load()
		if want == "" || tokenMatches(r, want) {
			h.ServeHTTP(w, r)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="herald"`)
		http.Error(w, "herald: a token is needed (Authorization: Bearer or the herald_token cookie)", http.StatusUnauthorized)
	})
}

func tokenMatches(r *http.Request, want string) bool {
	got := ""
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		got = strings.TrimPrefix(h, "Bearer ")
	} else if c, err := r.Cookie(CookieName); err == nil {
		got = c.Value
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
