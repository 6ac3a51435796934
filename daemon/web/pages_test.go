package web

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestLabelsComplete: every label exists in English and French.
func TestLabelsComplete(t *testing.T) {
	en, fr := slices.Sorted(maps.Keys(labels["en"])), slices.Sorted(maps.Keys(labels["fr"]))
	for _, k := range en {
		if _, ok := labels["fr"][k]; !ok {
			t.Errorf("label %q has no French", k)
		}
	}
	for _, k := range fr {
		if _, ok := labels["en"][k]; !ok {
			t.Errorf("label %q has no English", k)
		}
	}
}

// TestPagesRender: every page answers 200 with its content, in the
// browser's language, with nothing a template failed to fill; a user
// limited to one account gets 404 for another's enquiry or wave.
func TestPagesRender(t *testing.T) {
	f := newFixture(t, apiToken, true)
	seed(t, f)
	alice := f.client(t)
	f.login(t, alice, "alice", alicePassword)
	pages := []struct{ path, want string }{
		{"/", "GCCM-0001"},
		{"/enquiries", "Visa letter"},
		{"/enquiries?q=hotel&status=all", "GCCM-0003"},
		{"/enquiries/GCCM-0001", "amina@dakar.example"},
		{"/waves", "invitation"},
		{"/waves/invitation", "Pause"},
		{"/waves/invitation/dry-run", "maire@dakar.example"},
		{"/lists", "mayors"},
		{"/lists/mayors?q=kampala", "Erias Lukwago"},
		{"/contacts/maire@dakar.example", "Soham El Wardini"},
		{"/sandbox", "Nothing captured yet"},
	}
	for _, p := range pages {
		code, body := do(t, alice, "GET", f.ts.URL+p.path, nil, nil)
		if code != 200 || !strings.Contains(body, p.want) || strings.Contains(body, "<no value>") {
			t.Errorf("GET %s: %d, want %q\n%s", p.path, code, p.want, body)
		}
	}
	code, body := do(t, alice, "GET", f.ts.URL+"/", nil, map[string]string{"Accept-Language": "fr-BE,fr;q=0.9,en;q=0.5"})
	if code != 200 || !strings.Contains(body, `<html lang="fr">`) || !strings.Contains(body, "Aujourd&#39;hui") {
		t.Errorf("French Today: %d", code)
	}
	if !strings.Contains(body, "ne fonctionne pas") || !strings.Contains(body, "connection refused") {
		t.Errorf("health in words missing")
	}
	bob := f.client(t)
	f.login(t, bob, "bob", bobPassword)
	for _, p := range []string{"/enquiries/GCCM-0001", "/waves/invitation", "/lists/mayors", "/contacts/maire@dakar.example"} {
		if code, _ := do(t, bob, "GET", f.ts.URL+p, nil, nil); code != http.StatusNotFound {
			t.Errorf("bob GET %s: %d, want 404", p, code)
		}
	}
	if _, body := do(t, bob, "GET", f.ts.URL+"/enquiries", nil, nil); strings.Contains(body, "GCCM-0001") || !strings.Contains(body, "GCCM-0002") {
		t.Errorf("bob's queue shows another account's enquiry")
	}
}

// TestPageFormsAct: the enquiry page's buttons post to the API and come
// back to the page, which shows the change and who made it.
func TestPageFormsAct(t *testing.T) {
	f := newFixture(t, apiToken, true)
	seed(t, f)
	alice := f.client(t)
	f.login(t, alice, "alice", alicePassword)
	resp, err := alice.PostForm(f.ts.URL+"/api/v1/enquiries/GCCM-0001/close", map[string][]string{"from_page": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/enquiries/GCCM-0001" {
		t.Fatalf("close from the page: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := do(t, alice, "GET", f.ts.URL+"/enquiries/GCCM-0001", nil, nil)
	if !strings.Contains(body, `id="status" class="st st-closed"`) || !strings.Contains(body, "<strong>web:alice</strong>") || !strings.Contains(body, `id="reopen"`) {
		t.Errorf("after close:\n%s", body)
	}
}
