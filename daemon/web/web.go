// Package web serves herald's HTTP side: /healthz, /metrics and (in later
// issues) the dashboard, behind the token rule of docs/BEHAVIOUR.md §11.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/metrics"
	"github.com/herald-mail/herald/daemon/service"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/net/netutil"
)

// CookieName holds the token for browsers (docs/BEHAVIOUR.md §11: cookie or Bearer);
// people log in instead (SessionCookie).
const CookieName = "herald_token"

// Server is the HTTP component. Its token can change on reload; its listen
// address is fixed for the life of the process.
type Server struct {
	Listen  string
	Log     *slog.Logger
	Health  *service.Health
	Metrics *metrics.Metrics
	// Limits bound what clients may hold; New sets DefaultLimits.
	Limits Limits

	token atomic.Pointer[string]
	users atomic.Pointer[[]config.User]
	// sessions signs login cookies; nil until Dashboard is called.
	sessions *sessions
	// pages are the dashboard's page templates, parsed by Dashboard.
	pages map[string]*template.Template
	// bcryptSlots bounds the password checks running at once.
	bcryptSlots chan struct{}
	// logins counts failed logins, for the login rate limit.
	logins loginLimiter
	ln     net.Listener
	mux    *http.ServeMux
	// streams are the open live update streams (events.go).
	streams streams
}

// Limits are the server's timeouts and caps: without them one client (or
// a scanner on a public listen address) could hold connections, header
// buffers and goroutines for ever.
type Limits struct {
	// ReadHeader bounds reading a request's headers (slow-loris clients);
	// Read the whole request, Write the response, and Idle how long a
	// keep-alive connection waits for its next request.
	ReadHeader, Read, Write, Idle time.Duration
	// MaxHeaderBytes caps a request's header block; beyond it the answer
	// is 431.
	MaxHeaderBytes int
	// MaxConns caps simultaneous connections; more wait in the kernel's
	// accept queue until one closes.
	MaxConns int
	// MaxStreams caps the live update streams (GET /api/v1/events) open
	// at once, below MaxConns so that pages still load; beyond it the
	// pages poll. StreamTick is how often the streams' data is read, and
	// Heartbeat how often an idle stream says it is alive.
	MaxStreams            int
	StreamTick, Heartbeat time.Duration
}

// DefaultLimits suit the dashboard, the API and a /metrics scrape: a
// response that takes a minute to write is a stuck client. The one
// endpoint that streams (events) sets its own deadline per write.
var DefaultLimits = Limits{
	ReadHeader:     10 * time.Second,
	Read:           30 * time.Second,
	Write:          60 * time.Second,
	Idle:           2 * time.Minute,
	MaxHeaderBytes: 64 << 10,
	MaxConns:       256,
	MaxStreams:     64,
	StreamTick:     2 * time.Second,
	Heartbeat:      20 * time.Second,
}

// New prepares the server; call Bind, then Run.
func New(listen, token string, log *slog.Logger, h *service.Health, m *metrics.Metrics) *Server {
	s := &Server{Listen: listen, Log: log.With("component", "web"), Health: h, Metrics: m, Limits: DefaultLimits, mux: http.NewServeMux(),
		bcryptSlots: make(chan struct{}, 2)}
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
	l := s.Limits
	srv := &http.Server{
		Handler:           s.recoverPanics(s.mux),
		ReadHeaderTimeout: l.ReadHeader,
		ReadTimeout:       l.Read,
		WriteTimeout:      l.Write,
		IdleTimeout:       l.Idle,
		MaxHeaderBytes:    l.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn),
	}
	ln := s.ln
	if l.MaxConns > 0 {
		ln = netutil.LimitListener(ln, l.MaxConns)
	}
	// Shutdown waits for idle connections; the event streams are told to
	// end first, or they would hold it to its 5 s limit.
	s.streams.open()
	srv.RegisterOnShutdown(s.streams.shut)
	errc := make(chan error, 1)
	go func() {
		errc <- service.Safe(s.Log, s.Metrics, s.Name(), func() error { return srv.Serve(ln) })
	}()
	s.Health.Set(s.Name(), nil)
	select {
	case err := <-errc:
		s.streams.shut()
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
// the list in JSON either way. It needs no token, so it says only which
// component is in which state ("ok" or "failing"): the reason, which may
// hold a server's address or its reply, goes to the log and the
// dashboard, not to whoever can reach the port.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ok, all := s.Health.Report()
	type state struct {
		Component string `json:"component"`
		State     string `json:"state"`
	}
	out := make([]state, len(all))
	for i, c := range all {
		out[i] = state{Component: c.Component, State: "ok"}
		if c.State != "" {
			out[i].State = c.State // a lease's "held" or "elsewhere": no address in it
		}
		if !c.Healthy {
			out[i].State = "failing"
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(map[string]any{"ok": ok, "components": out})
}

// recoverPanics logs and counts a handler's panic through the daemon's
// one helper and answers 500. net/http would recover it too, but only
// into its error log, without the metric.
func (s *Server) recoverPanics(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v) // a deliberate abort: net/http closes the connection quietly
			}
			service.Panicked(s.Log, s.Metrics, s.Name(), v)
			http.Error(w, "herald: internal error; the daemon's log has the details", http.StatusInternalServerError)
		}()
		h.ServeHTTP(w, r)
	})
}
