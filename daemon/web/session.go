package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
)

// SessionCookie holds a logged-in user's session.
const SessionCookie = "herald_session"

// SessionLife is how long a login lasts.
const SessionLife = 12 * time.Hour

// sessionSecretKey is where the session-signing key lives in the runtime
// table, beside the unsubscribe key but distinct from it.
const sessionSecretKey = "dashboard.session_secret"

// SessionSecret returns the key that signs session cookies, creating it
// on first use. Kept in the database, sessions survive a restart.
func SessionSecret(ctx context.Context, st *store.Store) ([]byte, error) {
	return st.RuntimeKey(ctx, sessionSecretKey)
}

// sessions signs and checks session cookies. A cookie is
// "v1.NAME.EXPIRY.NONCE.MAC": nothing is stored per session, so sessions
// survive a restart; the MAC covers a digest of the user's password hash,
// so changing a password (and reloading) ends that user's sessions, and
// removing a user ends theirs. Logout revokes the nonce until it expires.
type sessions struct {
	key     []byte
	mu      sync.Mutex
	revoked map[string]time.Time // nonce → expiry
}

func newSessions(key []byte) *sessions {
	return &sessions{key: key, revoked: map[string]time.Time{}}
}

func (s *sessions) mac(name string, exp int64, nonce string, u *config.User) string {
	m := hmac.New(sha256.New, s.key)
	fmt.Fprintf(m, "v1|%s|%d|%s|", name, exp, nonce)
	h := sha256.Sum256([]byte(u.PasswordHash))
	m.Write(h[:])
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// issue makes the cookie value of a new session for u.
func (s *sessions) issue(u *config.User, now time.Time) string {
	n := make([]byte, 16)
	rand.Read(n)
	nonce := hex.EncodeToString(n)
	exp := now.Add(SessionLife).Unix()
	name := base64.RawURLEncoding.EncodeToString([]byte(u.Name))
	return strings.Join([]string{"v1", name, strconv.FormatInt(exp, 10), nonce, s.mac(u.Name, exp, nonce, u)}, ".")
}

// parsed is a cookie's fields, before they are trusted.
type parsed struct {
	name, nonce, mac string
	exp              int64
}

func parseSession(v string) (parsed, bool) {
	f := strings.Split(v, ".")
	if len(f) != 5 || f[0] != "v1" {
		return parsed{}, false
	}
	name, err := base64.RawURLEncoding.DecodeString(f[1])
	exp, err2 := strconv.ParseInt(f[2], 10, 64)
	if err != nil || err2 != nil {
		return parsed{}, false
	}
	return parsed{name: string(name), exp: exp, nonce: f[3], mac: f[4]}, true
}

// check returns the user a cookie value is a live session of, or nil.
func (s *sessions) check(v string, users []config.User, now time.Time) *config.User {
	p, ok := parseSession(v)
	if !ok || now.Unix() >= p.exp {
		return nil
	}
	var u *config.User
	for i := range users {
		if users[i].Name == p.name {
			u = &users[i]
		}
	}
	if u == nil || !hmac.Equal([]byte(p.mac), []byte(s.mac(p.name, p.exp, p.nonce, u))) {
		return nil
	}
	s.mu.Lock()
	_, gone := s.revoked[p.nonce]
	s.mu.Unlock()
	if gone {
		return nil
	}
	return u
}

// revoke ends the session of cookie value v (logout).
func (s *sessions) revoke(v string, now time.Time) {
	p, ok := parseSession(v)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for n, exp := range s.revoked {
		if now.Unix() >= exp.Unix() {
			delete(s.revoked, n)
		}
	}
	s.revoked[p.nonce] = time.Unix(p.exp, 0)
}

// setCookie sends the session cookie: HttpOnly (no script reads it),
// SameSite=Strict (no other site's link or form carries it), Secure when
// the page came over https (directly or through a proxy that says so).
func setSessionCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: isHTTPS(r),
	})
}

func isHTTPS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}
