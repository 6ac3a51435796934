package web

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/store"
)

const mayorsCSV = "email,name,country\nmayor@kampala.example,Erias Lukwago,UG\nnot-an-address,Nobody,XX\nmaire@dakar.example,Soham El Wardini,SN\n"

// bearer is the header of a script holding the token.
var bearer = map[string]string{"Authorization": "Bearer " + apiToken}

// seed adds three enquiries (two habitat, one unep) and imports the
// mayors and ministries lists.
func seed(t *testing.T, f *fixture) {
	t.Helper()
	base := time.Now().Add(-3 * time.Hour)
	f.addEnquiry(t, "GCCM-0001", "habitat", "amina@dakar.example", "Visa letter", base)
	f.addEnquiry(t, "GCCM-0002", "unep", "li@beijing.example", "Side event", base.Add(time.Hour))
	f.addEnquiry(t, "GCCM-0003", "habitat", "jo@quito.example", "Hotel", base.Add(2*time.Hour))
	c := &http.Client{}
	for list, csv := range map[string]string{"mayors": mayorsCSV, "ministries": "email\nminister@gov.example\n"} {
		if code, body := do(t, c, "POST", f.ts.URL+"/api/v1/lists/"+list+"/import", strings.NewReader(csv), bearer); code != 200 {
			t.Fatalf("seed %s: %d %s", list, code, body)
		}
	}
}

func decode[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	return v
}

// TestAPIRefusals: 401 without credentials or with a wrong token, 403
// for another account's things and for a foreign Origin, 404 for what
// does not exist, 400 for bad parameters; each with a reason in JSON.
func TestAPIRefusals(t *testing.T) {
	f := newFixture(t, apiToken, true)
	seed(t, f)
	anon := &http.Client{}
	bob := f.client(t)
	f.login(t, bob, "bob", bobPassword)
	tests := []struct {
		name, method, path string
		c                  *http.Client
		hdr                map[string]string
		code               int
		reason             string
	}{
		{"no credentials", "GET", "/api/v1/enquiries", anon, nil, 401, "log in"},
		{"wrong token", "GET", "/api/v1/waves", anon, map[string]string{"Authorization": "Bearer nope"}, 401, "Bearer"},
		{"no credentials, action", "POST", "/api/v1/waves/invitation/pause", anon, nil, 401, "log in"},
		{"other account's enquiry", "GET", "/api/v1/enquiries/GCCM-0001", bob, nil, 403, "account you may not see"},
		{"other account's close", "POST", "/api/v1/enquiries/GCCM-0001/close", bob, nil, 403, "account you may not see"},
		{"other account filter", "GET", "/api/v1/enquiries?account=habitat", bob, nil, 403, "account habitat"},
		{"other account's wave", "POST", "/api/v1/waves/invitation/pause", bob, nil, 403, "wave invitation"},
		{"other account's list", "POST", "/api/v1/lists/mayors/import?dry_run=1", bob, nil, 403, "list mayors"},
		{"other account's contact", "GET", "/api/v1/contacts/mayor@kampala.example", bob, nil, 403, "contact"},
		{"foreign origin", "POST", "/api/v1/waves/invitation/pause", anon, map[string]string{"Authorization": "Bearer " + apiToken, "Origin": "https://evil.example"}, 403, "cross-origin"},
		{"no enquiry", "GET", "/api/v1/enquiries/GCCM-0999", anon, bearer, 404, "no enquiry GCCM-0999"},
		{"no enquiry to close", "POST", "/api/v1/enquiries/GCCM-0999/close", anon, bearer, 404, "no enquiry GCCM-0999"},
		{"unknown enquiry action", "POST", "/api/v1/enquiries/GCCM-0001/delete", anon, bearer, 404, "want close, reopen"},
		{"no wave", "GET", "/api/v1/waves/nope", anon, bearer, 404, `no wave "nope"`},
		{"unknown wave action", "POST", "/api/v1/waves/invitation/explode", anon, bearer, 404, "want pause, resume"},
		{"no list", "POST", "/api/v1/lists/nope/import", anon, bearer, 404, `unknown list "nope"`},
		{"no contact", "GET", "/api/v1/contacts/nobody@x.example", anon, bearer, 404, "no contact"},
		{"no endpoint", "GET", "/api/v1/nothing", anon, bearer, 404, "no endpoint"},
		{"bad status", "GET", "/api/v1/enquiries?status=lost", anon, bearer, 400, `status="lost": want one of`},
		{"bad limit", "GET", "/api/v1/enquiries?limit=0", anon, bearer, 400, "limit"},
		{"empty category", "POST", "/api/v1/enquiries/GCCM-0001/category", anon, bearer, 400, "category"},
		{"bad file", "POST", "/api/v1/lists/mayors/import", anon, bearer, 400, "nothing was imported"},
		{"resume a scheduled wave", "POST", "/api/v1/waves/invitation/resume", anon, bearer, 409, "cannot resume"},
	}
	for _, tt := range tests {
		var body *strings.Reader
		if tt.name == "bad file" {
			body = strings.NewReader("name,country\nno email column,XX\n")
		} else {
			body = strings.NewReader("")
		}
		code, got := do(t, tt.c, tt.method, f.ts.URL+tt.path, body, tt.hdr)
		if reason := decode[map[string]string](t, got)["error"]; code != tt.code || !strings.Contains(reason, tt.reason) {
			t.Errorf("%s: %s %s = %d %s, want %d with %q", tt.name, tt.method, tt.path, code, got, tt.code, tt.reason)
		}
	}
}

// TestAPIEnquiries: the queue in the CLI's shape with its filters, a
// user limited to one account sees only it, paging gives the total, and
// actions are recorded with the user's name.
func TestAPIEnquiries(t *testing.T) {
	f := newFixture(t, apiToken, true)
	seed(t, f)
	anon := &http.Client{}
	_, body := do(t, anon, "GET", f.ts.URL+"/api/v1/enquiries", nil, bearer)
	all := decode[[]map[string]any](t, body)
	if len(all) != 3 || all[0]["ref"] != "GCCM-0001" || all[0]["status"] != "open" || all[0]["acknowledged_at"] != nil {
		t.Fatalf("all: %s", body)
	}
	for k := range map[string]bool{"ref": true, "account": true, "mailbox": true, "from": true, "subject": true, "category": true,
		"status": true, "received_at": true, "acknowledged_at": true, "ack_suppressed": true, "thread_size": true} {
		if _, ok := all[0][k]; !ok {
			t.Errorf("field %s missing (docs/BEHAVIOUR.md §2 shape)", k)
		}
	}
	_, body = do(t, anon, "GET", f.ts.URL+"/api/v1/enquiries?account=habitat&category=general&status=open", nil, bearer)
	if n := len(decode[[]any](t, body)); n != 2 {
		t.Errorf("habitat: %d", n)
	}
	bob := f.client(t)
	f.login(t, bob, "bob", bobPassword)
	_, body = do(t, bob, "GET", f.ts.URL+"/api/v1/enquiries", nil, nil)
	if got := decode[[]map[string]any](t, body); len(got) != 1 || got[0]["ref"] != "GCCM-0002" {
		t.Errorf("bob sees %s", body)
	}
	req, _ := http.NewRequest("GET", f.ts.URL+"/api/v1/enquiries?limit=2&offset=2&status=open,acknowledged", nil)
	req.Header.Set("Authorization", "Bearer "+apiToken)
	resp, err := anon.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("X-Total-Count") != "3" {
		t.Errorf("X-Total-Count %q", resp.Header.Get("X-Total-Count"))
	}
	code, body := do(t, bob, "POST", f.ts.URL+"/api/v1/enquiries/gccm-0002/close", nil, nil)
	if code != 200 || decode[map[string]any](t, body)["status"] != "closed" {
		t.Fatalf("close: %d %s", code, body)
	}
	code, body = do(t, anon, "POST", f.ts.URL+"/api/v1/enquiries/GCCM-0002/category?category=visa", nil, bearer)
	if code != 200 {
		t.Fatalf("category: %d %s", code, body)
	}
	_, body = do(t, bob, "GET", f.ts.URL+"/api/v1/enquiries/GCCM-0002", nil, nil)
	d := decode[struct {
		Status, Category string
		Messages         []any
		Events           []store.EnquiryEvent
	}](t, body)
	if d.Status != "closed" || d.Category != "visa" || len(d.Events) != 2 ||
		d.Events[0].Actor != "web:bob" || d.Events[1].Actor != "api:token" {
		t.Errorf("detail: %s", body)
	}
}

// TestAPIWaves: the waves in the CLI's shape, one wave's detail, and
// pause, resume, cancel and retry recorded with who did them.
func TestAPIWaves(t *testing.T) {
	f := newFixture(t, apiToken, true)
	seed(t, f)
	alice := f.client(t)
	f.login(t, alice, "alice", alicePassword)
	_, body := do(t, alice, "GET", f.ts.URL+"/api/v1/waves", nil, nil)
	ws := decode[[]map[string]any](t, body)
	if len(ws) != 2 || ws[0]["name"] != "invitation" || ws[0]["state"] != "scheduled" || ws[0]["next_run"] == nil {
		t.Fatalf("waves: %s", body)
	}
	bob := f.client(t)
	f.login(t, bob, "bob", bobPassword)
	if _, body := do(t, bob, "GET", f.ts.URL+"/api/v1/waves", nil, nil); len(decode[[]any](t, body)) != 1 {
		t.Errorf("bob's waves: %s", body)
	}
	_, body = do(t, alice, "GET", f.ts.URL+"/api/v1/waves/invitation", nil, nil)
	det := decode[map[string]any](t, body)
	if det["audience_now"] != 2.0 || det["left_out_now"] != 0.0 || det["last_errors"] == nil {
		t.Errorf("detail: %s", body)
	}
	_, body = do(t, alice, "GET", f.ts.URL+"/api/v1/waves/invitation/dry-run", nil, nil)
	if dr := decode[dryRun](t, body); dr.Gets != 2 || len(dr.Contacts) != 2 {
		t.Errorf("dry run: %s", body)
	}
	for _, step := range []struct{ action, state string }{{"pause", "paused"}, {"resume", "scheduled"}, {"cancel", "cancelled"}} {
		code, body := do(t, alice, "POST", f.ts.URL+"/api/v1/waves/invitation/"+step.action, nil, nil)
		if got := decode[map[string]any](t, body); code != 200 || got["state"] != step.state || got["by"] != "web:alice" {
			t.Errorf("%s: %d %s", step.action, code, body)
		}
	}
	row, _ := f.st.Wave(t.Context(), "invitation")
	if row.State != store.WaveCancelled || row.StateReason != "cancelled by web:alice" {
		t.Errorf("store: %+v", row)
	}
	code, body := do(t, alice, "POST", f.ts.URL+"/api/v1/waves/invitation/retry", nil, nil)
	if code != 200 || decode[map[string]any](t, body)["queued"] != 0.0 {
		t.Errorf("retry: %d %s", code, body)
	}
}

// TestAPIListsImportContacts: an import by body or multipart field,
// dry run first (nothing written), every rejected row with its line;
// the lists' counts and a contact in the CLI's shapes.
func TestAPIListsImportContacts(t *testing.T) {
	f := newFixture(t, apiToken, true)
	anon := &http.Client{}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "mayors.csv")
	fw.Write([]byte(mayorsCSV))
	mw.Close()
	hdr := map[string]string{"Authorization": "Bearer " + apiToken, "Content-Type": mw.FormDataContentType()}
	code, body := do(t, anon, "POST", f.ts.URL+"/api/v1/lists/mayors/import?dry_run=1", bytes.NewReader(buf.Bytes()), hdr)
	rep := decode[struct {
		DryRun   bool `json:"dry_run"`
		Added    int
		Rejected []struct {
			Line   int
			Reason string
		}
	}](t, body)
	if code != 200 || !rep.DryRun || rep.Added != 2 || len(rep.Rejected) != 1 || rep.Rejected[0].Line != 3 {
		t.Fatalf("dry run: %d %s", code, body)
	}
	_, body = do(t, anon, "GET", f.ts.URL+"/api/v1/lists", nil, bearer)
	if ls := decode[[]store.ListCounts](t, body); len(ls) != 2 || ls[0].Contacts != 0 {
		t.Fatalf("after a dry run: %s", body)
	}
	code, body = do(t, anon, "POST", f.ts.URL+"/api/v1/lists/mayors/import", bytes.NewReader(buf.Bytes()), hdr)
	if code != 200 || !strings.Contains(body, `"added": 2`) {
		t.Fatalf("import: %d %s", code, body)
	}
	_, body = do(t, anon, "GET", f.ts.URL+"/api/v1/lists", nil, bearer)
	if ls := decode[[]store.ListCounts](t, body); ls[0].Name != "mayors" || ls[0].Contacts != 2 || ls[0].Subscribed != 2 {
		t.Errorf("lists: %s", body)
	}
	code, body = do(t, anon, "GET", f.ts.URL+"/api/v1/contacts/Mayor@Kampala.example", nil, bearer)
	c := decode[map[string]any](t, body)
	if code != 200 || c["name"] != "Erias Lukwago" || c["country"] != "UG" || c["lists"] == nil || c["sent"] == nil {
		t.Errorf("contact: %d %s", code, body)
	}
}

// TestAPIOutboxAndHealth: the sandbox outbox in the CLI's shape, limited
// to a user's accounts; health with each problem in words.
func TestAPIOutboxAndHealth(t *testing.T) {
	f := newFixture(t, apiToken, true)
	for _, from := range []string{"gccm@unhabitat.example", "gccm@unep.example"} {
		if err := f.st.AddCaptured(t.Context(), store.CapturedMessage{From: from, To: []string{"x@y.example"}, Subject: "Invitation",
			MessageID: "m@" + from, ReceivedAt: time.Now(), Raw: []byte("Subject: Invitation\r\n\r\nhi")}); err != nil {
			t.Fatal(err)
		}
	}
	anon := &http.Client{}
	_, body := do(t, anon, "GET", f.ts.URL+"/api/v1/sandbox/outbox", nil, bearer)
	if got := decode[[]store.CapturedMessage](t, body); len(got) != 2 || got[0].Subject != "Invitation" {
		t.Errorf("outbox: %s", body)
	}
	bob := f.client(t)
	f.login(t, bob, "bob", bobPassword)
	_, body = do(t, bob, "GET", f.ts.URL+"/api/v1/sandbox/outbox", nil, nil)
	if got := decode[[]store.CapturedMessage](t, body); len(got) != 1 || got[0].From != "gccm@unep.example" {
		t.Errorf("bob's outbox: %s", body)
	}
	code, body := do(t, anon, "GET", f.ts.URL+"/api/v1/health", nil, bearer)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "connection refused") || !strings.Contains(body, `"component": "inbox habitat/INBOX"`) {
		t.Errorf("health: %d %s", code, body)
	}
}

// TestAPISharedContactLimited: a user limited to one account sees a
// contact that is also on another account's list only through their own
// lists: not the other list, nor its history.
func TestAPISharedContactLimited(t *testing.T) {
	f := newFixture(t, apiToken, true)
	seed(t, f)
	anon := &http.Client{}
	if code, body := do(t, anon, "POST", f.ts.URL+"/api/v1/lists/mayors/import",
		strings.NewReader("email\nminister@gov.example\n"), bearer); code != 200 {
		t.Fatalf("import into mayors: %d %s", code, body)
	}
	if _, err := f.st.SetMemberStatus(context.Background(), "minister@gov.example", []string{"mayors"}, store.StatusUnsubscribed, "web:alice", "test"); err != nil {
		t.Fatal(err)
	}
	bob := f.client(t)
	f.login(t, bob, "bob", bobPassword)
	code, body := do(t, bob, "GET", f.ts.URL+"/api/v1/contacts/minister@gov.example", nil, nil)
	if code != 200 {
		t.Fatalf("bob's contact: %d %s", code, body)
	}
	c := decode[ops.Contact](t, body)
	if len(c.Lists) != 1 || c.Lists[0].List != "ministries" {
		t.Errorf("bob sees lists %+v, want ministries only", c.Lists)
	}
	for _, e := range c.Events {
		if e.List == "mayors" {
			t.Errorf("bob sees the mayors list's history: %+v", e)
		}
	}
	code, body = do(t, anon, "GET", f.ts.URL+"/api/v1/contacts/minister@gov.example", nil, bearer)
	if c := decode[ops.Contact](t, body); code != 200 || len(c.Lists) != 2 {
		t.Errorf("the token sees lists %+v (%d), want both", c.Lists, code)
	}
}
