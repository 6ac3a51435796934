package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/store"
)

// TestAPICreateList: POST /api/v1/lists creates a list as `lists create`
// does, recording the user; a bad, configured or taken name is a 400
// with the reason, an account the user may not see a 403, and nothing
// is created by a refusal.
func TestAPICreateList(t *testing.T) {
	f := newFixture(t, apiToken, true)
	alice, bob := f.client(t), f.client(t)
	f.login(t, alice, "alice", alicePassword)
	f.login(t, bob, "bob", bobPassword)
	js := map[string]string{"Content-Type": "application/json"}
	code, body := do(t, alice, "POST", f.ts.URL+"/api/v1/lists", strings.NewReader(`{"name": " press-2025 ", "account": "habitat"}`), js)
	got := decode[store.CreatedList](t, body)
	if code != http.StatusCreated || got.Name != "press-2025" || got.Account != "habitat" || got.CreatedBy != "web:alice" {
		t.Fatalf("create: %d %s", code, body)
	}
	created, err := f.st.CreatedLists(context.Background())
	if err != nil || len(created) != 1 || created[0].CreatedBy != "web:alice" || created[0].Account != "habitat" {
		t.Fatalf("stored: %+v %v", created, err)
	}
	tests := []struct {
		name string
		c    *http.Client
		body string
		code int
		want string
	}{
		{"taken", alice, `{"name": "press-2025"}`, 400, "list press-2025 already exists"},
		{"configured", alice, `{"name": "mayors"}`, 400, "list mayors is already named in"},
		{"empty", alice, `{"name": "  "}`, 400, "want a name such as"},
		{"slash", alice, `{"name": "a/b"}`, 400, "want a name such as"},
		{"no such account", alice, `{"name": "x", "account": "nope"}`, 400, "account nope: no such account"},
		{"not JSON", alice, `name=x`, 400, "want JSON"},
		{"other account", bob, `{"name": "y", "account": "habitat"}`, 403, "only for your accounts (unep)"},
		{"no account, limited user", bob, `{"name": "y"}`, 403, "only for your accounts"},
	}
	for _, tt := range tests {
		code, body := do(t, tt.c, "POST", f.ts.URL+"/api/v1/lists", strings.NewReader(tt.body), js)
		if reason := decode[map[string]string](t, body)["error"]; code != tt.code || !strings.Contains(reason, tt.want) {
			t.Errorf("%s: %d %s, want %d with %q", tt.name, code, body, tt.code, tt.want)
		}
	}
	if created, _ := f.st.CreatedLists(context.Background()); len(created) != 1 {
		t.Errorf("a refusal created a list: %+v", created)
	}
	code, body = do(t, bob, "POST", f.ts.URL+"/api/v1/lists", strings.NewReader(`{"name": "unep-press", "account": "unep"}`), js)
	if code != http.StatusCreated || !strings.Contains(body, `"created_by": "web:bob"`) {
		t.Errorf("bob for his account: %d %s", code, body)
	}
	// The list bob made is his at once, before any wave uses it; the one
	// alice made for habitat is not.
	_, body = do(t, bob, "GET", f.ts.URL+"/api/v1/lists", nil, nil)
	if !strings.Contains(body, `"unep-press"`) || strings.Contains(body, `"press-2025"`) {
		t.Errorf("bob's lists: %s", body)
	}
	if code, _ := do(t, bob, "GET", f.ts.URL+"/lists/unep-press", nil, nil); code != http.StatusOK {
		t.Errorf("bob's new list page: %d", code)
	}
	if code, _ := do(t, bob, "GET", f.ts.URL+"/lists/press-2025", nil, nil); code == http.StatusOK {
		t.Errorf("bob sees habitat's created list: %d", code)
	}
}

// TestListsPageCreateForm: the Lists page offers the form with the
// user's accounts only; the form creates the list and goes to its page,
// or comes back with the reason and what was typed.
func TestListsPageCreateForm(t *testing.T) {
	f := newFixture(t, apiToken, true)
	alice, bob := f.client(t), f.client(t)
	f.login(t, alice, "alice", alicePassword)
	f.login(t, bob, "bob", bobPassword)
	_, page := do(t, bob, "GET", f.ts.URL+"/lists", nil, nil)
	if !strings.Contains(page, `id="new-list"`) || !strings.Contains(page, `<option value="unep"`) || strings.Contains(page, `<option value="habitat"`) {
		t.Fatalf("bob's lists page form:\n%s", page)
	}
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	alice.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/lists", strings.NewReader(url.Values{"from_page": {"1"}, "name": {"ngos"}, "account": {""}}.Encode()))
	req.Header.Set("Content-Type", form["Content-Type"])
	resp, err := alice.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/lists/ngos" {
		t.Fatalf("form create: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	code, page := do(t, alice, "GET", f.ts.URL+"/lists", nil, nil)
	if code != 200 || !strings.Contains(page, `href="/lists/ngos"`) {
		t.Errorf("the new list is not on the Lists page: %d", code)
	}
	code, page = do(t, alice, "POST", f.ts.URL+"/api/v1/lists", strings.NewReader(url.Values{"from_page": {"1"}, "name": {"mayors"}}.Encode()), form)
	if code != http.StatusBadRequest || !strings.Contains(page, `id="notice"`) || !strings.Contains(page, "list mayors is already named in") ||
		!strings.Contains(page, `value="mayors"`) {
		t.Errorf("form refusal: %d\n%s", code, page)
	}
}

// TestAPIImportMap: columns herald does not know are reported by the
// preview; map= query parameters and map[COLUMN] form fields read them
// as the CLI's --map does; a bad map= or a column the file lacks is a
// 400 and imports nothing.
func TestAPIImportMap(t *testing.T) {
	f := newFixture(t, apiToken, true)
	anon := &http.Client{}
	const csv = "Mail,Wer,Remarque\nmayor@kampala.example,Erias Lukwago,vip\n"
	url := f.ts.URL + "/api/v1/lists/mayors/import"
	code, body := do(t, anon, "POST", url+"?dry_run=1", strings.NewReader("Email,Wer,Remarque\nmayor@kampala.example,Erias Lukwago,vip\n"), bearer)
	rep := decode[struct {
		Unknown []string `json:"unknown_columns"`
	}](t, body)
	if code != 200 || strings.Join(rep.Unknown, "|") != "Wer|Remarque" {
		t.Fatalf("preview's unknown columns: %d %s", code, body)
	}
	code, body = do(t, anon, "POST", url+"?dry_run=1&map=Mail%3Demail&map=Wer%3Dname&map=Remarque%3D-", strings.NewReader(csv), bearer)
	if code != 200 || !strings.Contains(body, `"added": 1`) || strings.Contains(body, "unknown_columns") {
		t.Fatalf("mapped by query: %d %s", code, body)
	}
	for _, bad := range []string{"map=Mail", "map=Nowhere%3Demail"} {
		code, body = do(t, anon, "POST", url+"?"+bad, strings.NewReader(csv), bearer)
		if code != 400 {
			t.Errorf("%s: %d %s, want 400", bad, code, body)
		}
	}
	// The dashboard's preview sends its choices as form fields before the file.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("map[Mail]", "email")
	mw.WriteField("map[Wer]", "name")
	mw.WriteField("map[Remarque]", "") // kept as a custom field
	fw, _ := mw.CreateFormFile("file", "mayors.csv")
	fw.Write([]byte(csv))
	mw.Close()
	hdr := map[string]string{"Authorization": "Bearer " + apiToken, "Content-Type": mw.FormDataContentType()}
	code, body = do(t, anon, "POST", url, bytes.NewReader(buf.Bytes()), hdr)
	if code != 200 || !strings.Contains(body, `"added": 1`) {
		t.Fatalf("mapped by form: %d %s", code, body)
	}
	_, body = do(t, anon, "GET", f.ts.URL+"/api/v1/contacts/mayor@kampala.example", nil, bearer)
	c := decode[map[string]any](t, body)
	if c["name"] != "Erias Lukwago" || !strings.Contains(body, `"Remarque": "vip"`) {
		t.Errorf("contact after a mapped import: %s", body)
	}
	_, page := do(t, f.client(t), "GET", f.ts.URL+"/lists/mayors", nil, bearer)
	if !strings.Contains(page, `data-fields="email,name,first name,last name,language,organisation,title,city,country"`) {
		t.Errorf("the list page does not offer the fields to map to")
	}
}
