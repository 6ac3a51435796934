package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/store"
)

// addCategorised files an enquiry of category from a list member.
func (f *fixture) addCategorised(t *testing.T, ref, account, from, category string) {
	t.Helper()
	err := f.st.Inbox(context.Background(), func(tx *store.InboxTx) error {
		_, err := tx.AddEnquiry(store.Enquiry{Ref: ref, Account: account, Mailbox: "INBOX", From: from, Subject: "Re: Invitation",
			Category: category, ReceivedAt: time.Now()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRecordFromEnquiry: an rsvp-unclear enquiry's one click records the
// RSVP on the contact with who did it and closes the enquiry; an
// unverified unsubscribe unsubscribes from the account's wave lists; an
// ordinary enquiry offers nothing and refuses with 409.
func TestRecordFromEnquiry(t *testing.T) {
	f := newFixture(t, apiToken, true)
	seed(t, f)
	f.addCategorised(t, "GCCM-0010", "habitat", "maire@dakar.example", "rsvp-unclear")
	f.addCategorised(t, "GCCM-0011", "habitat", "mayor@kampala.example", "unsubscribe-unverified")
	alice := f.client(t)
	f.login(t, alice, "alice", alicePassword)
	if _, body := do(t, alice, "GET", f.ts.URL+"/enquiries/GCCM-0010", nil, nil); !strings.Contains(body, `id="record-accepted"`) {
		t.Fatalf("no record buttons on an rsvp-unclear enquiry")
	}
	if _, body := do(t, alice, "GET", f.ts.URL+"/enquiries/GCCM-0001", nil, nil); strings.Contains(body, `id="record-accepted"`) {
		t.Errorf("record buttons on an ordinary enquiry")
	}
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	code, body := do(t, alice, "POST", f.ts.URL+"/api/v1/enquiries/GCCM-0010/record", strings.NewReader("answer=accepted"), form)
	if code != 200 || !strings.Contains(body, "RSVP accepted") {
		t.Fatalf("record: %d %s", code, body)
	}
	_, body = do(t, alice, "GET", f.ts.URL+"/api/v1/contacts/maire@dakar.example", nil, nil)
	var c struct {
		RSVP   string `json:"rsvp"`
		Events []store.ContactEvent
	}
	json.Unmarshal([]byte(body), &c)
	if c.RSVP != "accepted" || len(c.Events) == 0 || c.Events[len(c.Events)-1].Actor != "web:alice" {
		t.Errorf("contact after record: %s", body)
	}
	if e, _ := f.st.EnquiryByRef(t.Context(), "GCCM-0010"); e.Status != "closed" {
		t.Errorf("enquiry %s after record", e.Status)
	}
	code, body = do(t, alice, "POST", f.ts.URL+"/api/v1/enquiries/GCCM-0011/record", strings.NewReader("answer=unsubscribe"), form)
	if code != 200 || !strings.Contains(body, "unsubscribed from [mayors]") {
		t.Fatalf("unsubscribe: %d %s", code, body)
	}
	code, _ = do(t, alice, "POST", f.ts.URL+"/api/v1/enquiries/GCCM-0001/record", strings.NewReader("answer=accepted"), form)
	if code != http.StatusConflict {
		t.Errorf("record on an ordinary enquiry: %d, want 409", code)
	}
	code, _ = do(t, alice, "POST", f.ts.URL+"/api/v1/enquiries/GCCM-0010/record", strings.NewReader("answer=yes"), form)
	if code != http.StatusBadRequest {
		t.Errorf("bad answer: %d, want 400", code)
	}
}
