package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestLoginSessionLogout: a wrong password gets the form again with 401;
// the right one a session cookie (HttpOnly, SameSite=Strict) that opens
// the pages and the API; logout ends it for good, even replayed.
func TestLoginSessionLogout(t *testing.T) {
	f := newFixture(t, "", true)
	c := f.client(t)
	if code, body := do(t, c, "GET", f.ts.URL+"/", nil, nil); code != http.StatusSeeOther {
		t.Fatalf("GET / without a session: %d %s", code, body)
	}
	resp, err := c.PostForm(f.ts.URL+"/login", url.Values{"name": {"alice"}, "password": {"wrong"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) != 0 {
		t.Fatalf("wrong password: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	resp, err = c.PostForm(f.ts.URL+"/login", url.Values{"name": {"alice"}, "password": {alicePassword}, "next": {"//evil.example/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login: %d → %q (a foreign next must go to /)", resp.StatusCode, resp.Header.Get("Location"))
	}
	ck := resp.Cookies()
	if len(ck) != 1 || ck[0].Name != SessionCookie || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteStrictMode || ck[0].Secure {
		t.Fatalf("session cookie %+v", ck)
	}
	if code, body := do(t, c, "GET", f.ts.URL+"/", nil, nil); code != 200 || !strings.Contains(body, `id="user">alice<`) {
		t.Fatalf("Today after login: %d", code)
	}
	if code, _ := do(t, c, "POST", f.ts.URL+"/logout", nil, nil); code != http.StatusSeeOther {
		t.Fatalf("logout: %d", code)
	}
	// The old cookie, replayed by hand, is refused.
	replay := &http.Client{CheckRedirect: c.CheckRedirect}
	code, _ := do(t, replay, "GET", f.ts.URL+"/api/v1/enquiries", nil, map[string]string{"Cookie": SessionCookie + "=" + ck[0].Value})
	if code != http.StatusUnauthorized {
		t.Errorf("replayed session after logout: %d, want 401", code)
	}
}

// TestSecureCookieBehindHTTPS: behind a proxy that says https, the
// cookie is Secure.
func TestSecureCookieBehindHTTPS(t *testing.T) {
	f := newFixture(t, "", true)
	c := f.client(t)
	req, _ := http.NewRequest("POST", f.ts.URL+"/login", strings.NewReader(url.Values{"name": {"bob"}, "password": {bobPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ck := resp.Cookies(); len(ck) != 1 || !ck[0].Secure {
		t.Errorf("cookie over https: %+v", ck)
	}
}

// TestSessionEndsWithPasswordChange: a session names the password hash
// it was made with; a new hash (on reload) ends it, and a forged or
// expired cookie is refused.
func TestSessionEndsWithPasswordChange(t *testing.T) {
	f := newFixture(t, "", true)
	now := time.Now()
	users := f.cfg.HTTP.Users
	v := f.srv.sessions.issue(&users[0], now)
	if u := f.srv.sessions.check(v, users, now); u == nil || u.Name != "alice" {
		t.Fatal("fresh session refused")
	}
	if f.srv.sessions.check(v, users, now.Add(SessionLife+time.Second)) != nil {
		t.Error("expired session accepted")
	}
	forged := strings.Replace(v, "v1.YWxpY2U", "v1.Ym9i", 1) // alice → bob
	if f.srv.sessions.check(forged, users, now) != nil {
		t.Error("session renamed to bob accepted")
	}
	users2 := append(users[:0:0], users...)
	users2[0].PasswordHash = bobHash
	if f.srv.sessions.check(v, users2, now) != nil {
		t.Error("session kept after the password changed")
	}
}

// TestOpenOnLoopbackWithoutUsersOrToken: no users, no token: the pages
// and the API are open (config allows this only on loopback), and
// actions are recorded as web:local.
func TestOpenOnLoopbackWithoutUsersOrToken(t *testing.T) {
	f := newFixture(t, "", false)
	f.addEnquiry(t, "GCCM-0001", "habitat", "a@x.org", "hello", time.Now())
	c := f.client(t)
	if code, _ := do(t, c, "GET", f.ts.URL+"/", nil, nil); code != 200 {
		t.Errorf("Today: %d", code)
	}
	code, body := do(t, c, "POST", f.ts.URL+"/api/v1/enquiries/GCCM-0001/close", nil, nil)
	if code != 200 || !strings.Contains(body, `"by": "web:local"`) {
		t.Errorf("close: %d %s", code, body)
	}
}

// TestCrossOriginRefused: a form posted from another site (the browser
// says so in Sec-Fetch-Site or Origin) is refused with 403, whatever
// the session; the same request from the dashboard's own page passes.
func TestCrossOriginRefused(t *testing.T) {
	f := newFixture(t, apiToken, true)
	f.addEnquiry(t, "GCCM-0001", "habitat", "a@x.org", "hello", time.Now())
	c := f.client(t)
	f.login(t, c, "alice", alicePassword)
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "https://evil.example"},
		{"Sec-Fetch-Site": "same-site", "Origin": "https://other.un.example"},
	} {
		if code, body := do(t, c, "POST", f.ts.URL+"/api/v1/enquiries/GCCM-0001/close", nil, h); code != http.StatusForbidden || !strings.Contains(body, "cross-origin") {
			t.Errorf("%v: %d %s", h, code, body)
		}
		if code, _ := do(t, c, "POST", f.ts.URL+"/login", strings.NewReader("name=alice&password="+alicePassword), h); code != http.StatusForbidden {
			t.Errorf("login %v: %d (login CSRF)", h, code)
		}
	}
	e, _ := f.st.EnquiryByRef(t.Context(), "GCCM-0001")
	if e.Status != "open" {
		t.Fatalf("a refused request changed the enquiry: %s", e.Status)
	}
	code, _ := do(t, c, "POST", f.ts.URL+"/api/v1/enquiries/GCCM-0001/close", nil, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": f.ts.URL})
	if code != 200 {
		t.Errorf("same-origin close: %d", code)
	}
}

// TestSecurityHeaders: every dashboard answer, the login form and the
// assets too, forbids inline script, framing and sniffing.
func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t, "", true)
	c := f.client(t)
	for _, p := range []string{"/login", "/", "/api/v1/enquiries", "/assets/live.js", "/assets/dashboard.css"} {
		resp, err := c.Get(f.ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"frame-ancestors 'none'", "script-src 'self'", "default-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", p, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code", p)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", p, resp.Header)
		}
	}
}
