package web

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/herald-mail/herald/daemon/config"
)

// Principal is who makes a request: a user logged in with a session, a
// script holding http.token, or anyone on loopback when neither users
// nor a token is configured (docs/BEHAVIOUR.md §11).
type Principal struct {
	Kind string // "user", "token" or "open"
	Name string // the user's name for Kind "user"
	// Accounts limits a user to some accounts; nil means all of them.
	Accounts []string
}

// Actor is how an action by p is recorded, as the CLI records
// "cli:<user>": "web:alice", "api:token", "web:local".
func (p *Principal) Actor() string {
	switch p.Kind {
	case "user":
		return "web:" + p.Name
	case "token":
		return "api:token"
	}
	return "web:local"
}

// MaySee reports whether p may see and act on account's enquiries and waves.
func (p *Principal) MaySee(account string) bool {
	return p.Accounts == nil || slices.Contains(p.Accounts, account)
}

type principalKey struct{}

// principal is the request's Principal; auth always sets one.
func principal(r *http.Request) *Principal {
	p, _ := r.Context().Value(principalKey{}).(*Principal)
	if p == nil {
		return &Principal{Kind: "none", Accounts: []string{}}
	}
	return p
}

// SetUsers replaces the dashboard's users (at start and on reload).
func (s *Server) SetUsers(users []config.User) {
	u := slices.Clone(users)
	s.users.Store(&u)
}

func (s *Server) userList() []config.User {
	if p := s.users.Load(); p != nil {
		return *p
	}
	return nil
}

// identify finds who makes r, or nil when no credential holds. Without
// users and token (loopback only) everyone is let in. A wrong Bearer
// token is refused even where a session would do: a script's mistake
// must show.
func (s *Server) identify(r *http.Request) *Principal {
	token := *s.token.Load()
	users := s.userList()
	if token == "" && len(users) == 0 {
		return &Principal{Kind: "open"}
	}
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		if token != "" && equal(strings.TrimPrefix(h, "Bearer "), token) {
			return &Principal{Kind: "token"}
		}
		return nil
	}
	if c, err := r.Cookie(SessionCookie); err == nil && s.sessions != nil {
		if u := s.sessions.check(c.Value, users, time.Now()); u != nil {
			p := &Principal{Kind: "user", Name: u.Name}
			if len(u.Accounts) > 0 {
				p.Accounts = slices.Clone(u.Accounts)
			}
			return p
		}
	}
	if c, err := r.Cookie(CookieName); err == nil && token != "" && equal(c.Value, token) {
		return &Principal{Kind: "token"}
	}
	return nil
}

func equal(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// auth lets a request through with its Principal, or answers 401: for
// the API, /metrics and scripts.
func (s *Server) auth(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := s.identify(r)
		if p == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="herald"`)
			if strings.HasPrefix(r.URL.Path, "/api/") {
				apiError(w, http.StatusUnauthorized, "log in (POST /login) or send Authorization: Bearer with http.token")
				return
			}
			http.Error(w, "herald: a token is needed (Authorization: Bearer or the herald_token cookie), or a login", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

// page is auth for the dashboard's pages: a person without a session is
// sent to the login form, and back to the page after.
func (s *Server) page(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := s.identify(r)
		if p == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

// dummyHash is compared against when the name is unknown, so a login
// takes as long for a wrong name as for a wrong password. It is made at
// the first login, not at start: bcrypt's quarter of a second of CPU was
// paid by every herald command, `waves send` and `check` included.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("herald: no such user"), passwordCost)
	return h
})

// passwordCost matches `herald passwd`.
const passwordCost = 12

// login checks a name and password and starts a session. bcrypt takes a
// quarter of a second by design; at most two run at once, so a flood of
// attempts cannot take the machine's CPUs.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	name, pw := r.PostFormValue("name"), r.PostFormValue("password")
	key := loginKey(r, name)
	if wait := s.logins.wait(key, time.Now()); wait > 0 {
		s.Log.Warn("login refused: too many failures", "user", name, "remote", r.RemoteAddr)
		w.Header().Set("Retry-After", retryAfter(wait))
		s.renderLoginData(w, r, http.StatusTooManyRequests, map[string]any{"Locked": int((wait + time.Minute - 1) / time.Minute)})
		return
	}
	var u *config.User
	for _, cand := range s.userList() {
		if cand.Name == name {
			u = &cand
		}
	}
	hash := dummyHash()
	if u != nil {
		hash = []byte(u.PasswordHash)
	}
	select {
	case s.bcryptSlots <- struct{}{}:
	case <-r.Context().Done():
		return
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(pw))
	<-s.bcryptSlots
	if u == nil || err != nil || s.sessions == nil {
		s.Log.Warn("login refused", "user", name, "remote", r.RemoteAddr)
		s.logins.fail(key, time.Now())
		s.loginFailed(w, r)
		return
	}
	s.logins.reset(key)
	setSessionCookie(w, r, s.sessions.issue(u, time.Now()), int(SessionLife.Seconds()))
	s.Log.Info("login", "user", u.Name, "remote", r.RemoteAddr)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// logout ends the session (the cookie is revoked, not only dropped).
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil && s.sessions != nil {
		s.sessions.revoke(c.Value, time.Now())
	}
	setSessionCookie(w, r, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps a post-login redirect on this site: a path, never
// "//host" or "/\host", which browsers read as another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// crossOrigin refuses a state-changing request from another site (CSRF):
// browsers say where a request comes from in Sec-Fetch-Site or Origin,
// which a page on another site cannot forge. Scripts send neither and
// pass, holding the token instead.
func (s *Server) crossOrigin(publicURL string) *http.CrossOriginProtection {
	c := http.NewCrossOriginProtection()
	if u, err := url.Parse(publicURL); err == nil && u.Scheme != "" && u.Host != "" {
		c.AddTrustedOrigin(u.Scheme + "://" + u.Host) // behind a proxy that rewrites Host
	}
	c.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Log.Warn("cross-origin request refused", "path", r.URL.Path, "origin", r.Header.Get("Origin"))
		if strings.HasPrefix(r.URL.Path, "/api/") {
			apiError(w, http.StatusForbidden, "cross-origin request refused: send it from the dashboard's own pages, or without an Origin header from a script")
			return
		}
		http.Error(w, "herald: cross-origin request refused", http.StatusForbidden)
	}))
	return c
}

// dashboardCSP lets pages load their own script, style and images only:
// no inline script, nothing from another site, no framing by another
// site (CSP Level 2 §7.7), forms posted to this site alone.
const dashboardCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// secure sets the dashboard's security headers on every answer.
func secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", dashboardCSP)
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}
