package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/metrics"
	"github.com/herald-mail/herald/daemon/service"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/testconfig"
)

// Test users: alice sees every account, bob only unep's.
const (
	alicePassword = "alice-password-1"
	bobPassword   = "bob-password-22"
	apiToken      = "script-token-0123456789abcdef0123456789"
)

// hashes are made once: bcrypt at cost 4 keeps the tests quick.
var aliceHash, bobHash = mustHash(alicePassword), mustHash(bobPassword)

func mustHash(pw string) string {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
}

// fixture is a dashboard on a real store with two accounts, two waves
// and two lists, in sandbox mode.
type fixture struct {
	ts    *httptest.Server
	st    *store.Store
	cfg   *config.Config
	srv   *Server
	token string
	// sent is what test sends handed to the fake SMTP pool.
	sent chan sentMail
}

func newFixture(t *testing.T, token string, users bool) *fixture {
	t.Helper()
	return newFixtureOn(t, token, users, "")
}

// newFixtureOn is newFixture on database (a PostgreSQL URL), or on a
// SQLite file in a temp dir when it is "".
func newFixtureOn(t *testing.T, token string, users bool, database string) *fixture {
	t.Helper()
	dir := t.TempDir()
	if database == "" {
		database = filepath.Join(dir, "herald.db")
	}
	src := testconfig.Head(database, testconfig.RepoTemplates(), true, "error")
	src = strings.Replace(src, `http: {listen: "127.0.0.1:0"}`, "http:\n  listen: 127.0.0.1:0\n  token: '"+token+"'\n"+userYAML(users), 1)
	src += `accounts:
  - {name: habitat, address: gccm@unhabitat.example}
  - {name: unep, address: gccm@unep.example}
lists:
  - {name: mayors}
  - {name: ministries}
waves:
  - {name: invitation, account: habitat, list: mayors, template: invitation, at: 2030-09-15T09:00:00+02:00}
  - {name: briefing, account: unep, list: ministries, template: invitation, at: 2030-09-16T09:00:00+02:00}
`
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("config: %v\n%s", err, src)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m := metrics.New("test")
	s := New("127.0.0.1:0", token, slog.New(slog.NewTextHandler(io.Discard, nil)), service.NewHealth(m), m)
	s.SetUsers(cfg.HTTP.Users)
	key, err := SessionSecret(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: st, cfg: cfg, srv: s, token: token}
	s.Dashboard(Backend{Config: func() *config.Config { return cfg }, Store: st, SessionKey: key, TestPool: f.testPool})
	s.Health.Set("inbox habitat/INBOX", nil)
	s.Health.Set("acks unep", fmt.Errorf("smtp 127.0.0.1:25: connection refused"))
	ts := httptest.NewServer(s.mux)
	t.Cleanup(ts.Close)
	f.ts = ts
	return f
}

func userYAML(on bool) string {
	if !on {
		return ""
	}
	return fmt.Sprintf("  users:\n    - {name: alice, password_hash: '%s'}\n    - {name: bob, password_hash: '%s', accounts: [unep]}\n", aliceHash, bobHash)
}

// addEnquiry files an enquiry as triage would.
func (f *fixture) addEnquiry(t *testing.T, ref, account, from, subject string, at time.Time) {
	t.Helper()
	err := f.st.Inbox(context.Background(), func(tx *store.InboxTx) error {
		_, err := tx.AddEnquiry(store.Enquiry{Ref: ref, Account: account, Mailbox: "INBOX", From: from, Subject: subject,
			Category: "general", ReceivedAt: at})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// client is a browser-like client with a cookie jar that does not follow
// redirects (the tests look at them).
func (f *fixture) client(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login logs c in as name and fails the test if it cannot.
func (f *fixture) login(t *testing.T, c *http.Client, name, pw string) {
	t.Helper()
	resp, err := c.PostForm(f.ts.URL+"/login", url.Values{"name": {name}, "password": {pw}, "next": {"/enquiries"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/enquiries" {
		t.Fatalf("login %s: %d → %q", name, resp.StatusCode, resp.Header.Get("Location"))
	}
}

// do sends a request and returns the status and body.
func do(t *testing.T, c *http.Client, method, u string, body io.Reader, hdr map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, body)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
