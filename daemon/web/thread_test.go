package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/store"
)

// addThreadMessage files a message of the enquiry ref as triage or the
// acknowledgement sender would.
func (f *fixture) addThreadMessage(t *testing.T, ref string, m store.MessageRow) {
	t.Helper()
	ctx := context.Background()
	e, err := f.st.EnquiryByRef(ctx, ref)
	if err != nil || e == nil {
		t.Fatalf("enquiry %s: %v", ref, err)
	}
	m.Account, m.EnquiryID, m.Mailbox, m.UIDValidity = e.Account, e.ID, "INBOX", 1
	if m.Direction == "" {
		m.Direction = "in"
	}
	err = f.st.Inbox(ctx, func(tx *store.InboxTx) error { _, err := tx.AddMessage(m); return err })
	if err != nil {
		t.Fatal(err)
	}
}

// TestThreadTextRenderedSafely: the enquiry's page shows each message's
// text as text: markup from the mail is escaped, line breaks are kept,
// attachments are listed by name, type and size and never linked; the
// acknowledgement shows its text and template; the API carries the same.
func TestThreadTextRenderedSafely(t *testing.T) {
	f := newFixture(t, apiToken, true)
	seed(t, f)
	at := time.Now().Add(-2 * time.Hour)
	f.addThreadMessage(t, "GCCM-0001", store.MessageRow{UID: 11, MessageID: "q1@dakar.example", From: "amina@dakar.example",
		Subject: "Visa letter", Kind: "enquiry", Date: at,
		Text:        "Dear secretariat,\n<script>alert('x')</script><img src=x onerror=alert(1)>\nRegards, Amina",
		Attachments: []store.AttachmentInfo{{Name: "passport<1>.pdf", Type: "application/pdf", Size: 48213}}})
	f.addThreadMessage(t, "GCCM-0001", store.MessageRow{Direction: "out", MessageID: "ack1@unhabitat.example",
		From: "gccm@unhabitat.example", Recipients: []string{"amina@dakar.example"}, Subject: "[GCCM-0001] Visa letter",
		Kind: "ack", Detail: "template ack", Date: at.Add(time.Minute), Text: "We received your message (GCCM-0001)."})
	alice := f.client(t)
	f.login(t, alice, "alice", alicePassword)
	code, body := do(t, alice, "GET", f.ts.URL+"/enquiries/GCCM-0001", nil, nil)
	if code != 200 {
		t.Fatalf("GET: %d", code)
	}
	for _, want := range []string{
		"Dear secretariat,\n&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;\nRegards, Amina",
		"passport&lt;1&gt;.pdf — application/pdf, 48 KB",
		"We received your message (GCCM-0001).", "template ack", "→ amina@dakar.example",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") || strings.Contains(body, `href="passport`) {
		t.Errorf("markup from the mail reached the page")
	}
	_, js := do(t, alice, "GET", f.ts.URL+"/api/v1/enquiries/GCCM-0001", nil, nil)
	j := decode[struct {
		Messages []struct {
			Text        string
			Attachments []store.AttachmentInfo
		}
	}](t, js)
	if len(j.Messages) != 2 || !strings.HasPrefix(j.Messages[0].Text, "Dear secretariat") || j.Messages[0].Attachments[0].Size != 48213 {
		t.Errorf("API thread = %+v", j.Messages)
	}
}

// TestRecordShowsEvidence: an rsvp-unclear enquiry's page shows what the
// invitee wrote above the buttons that record their answer.
func TestRecordShowsEvidence(t *testing.T) {
	f := newFixture(t, apiToken, true)
	seed(t, f)
	err := f.st.Inbox(context.Background(), func(tx *store.InboxTx) error {
		_, err := tx.AddEnquiry(store.Enquiry{Ref: "GCCM-0009", Account: "habitat", Mailbox: "INBOX", From: "maire@dakar.example",
			Subject: "Re: Invitation", Category: "rsvp-unclear", ReceivedAt: time.Now()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.addThreadMessage(t, "GCCM-0009", store.MessageRow{UID: 12, From: "maire@dakar.example", Subject: "Re: Invitation",
		Kind: "enquiry", Date: time.Now(), Text: "Peut-être, je vous confirme la semaine prochaine."})
	alice := f.client(t)
	f.login(t, alice, "alice", alicePassword)
	_, body := do(t, alice, "GET", f.ts.URL+"/enquiries/GCCM-0009", nil, map[string]string{"Accept-Language": "fr"})
	if !strings.Contains(body, `<pre id="evidence" class="mailtext">Peut-être, je vous confirme la semaine prochaine.</pre>`) ||
		!strings.Contains(body, "Ce qu’ils ont écrit") || !strings.Contains(body, `id="record-maybe"`) {
		t.Errorf("evidence missing:\n%s", body)
	}
}
