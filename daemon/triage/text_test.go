package triage

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/herald-mail/herald/daemon/store"
)

// TestEnquiryKeepsTextAndAttachments: an enquiry's message is recorded
// with the text triage read and its attachments by name, type and size;
// a longer text is cut at store.MaxMessageText on a character boundary.
func TestEnquiryKeepsTextAndAttachments(t *testing.T) {
	f := newFixture(t)
	long := strings.Repeat("é", store.MaxMessageText) // 2 bytes each: twice the bound
	raw := "Return-Path: <amina@dakar.example>\nFrom: amina@dakar.example\nTo: decorte@un.org\n" +
		"Subject: Visa letter\nMessage-ID: <t1@dakar.example>\nDate: Mon, 2 Oct 2017 10:00:00 +0200\n" +
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n" +
		"--b\nContent-Type: text/plain; charset=utf-8\n\nDear secretariat,\n<b>I need</b> a visa letter.\n" + long + "\n" +
		"--b\nContent-Type: application/pdf; name=passport.pdf\nContent-Disposition: attachment; filename=passport.pdf\n" +
		"Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--b--\n"
	f.deliver(raw)
	e := f.enquiries()["Visa letter"]
	if e == nil {
		t.Fatal("no enquiry")
	}
	th, err := f.st.ThreadText(context.Background(), e.ID)
	if err != nil || len(th) != 1 {
		t.Fatalf("ThreadText = %d messages, %v", len(th), err)
	}
	m := th[0]
	if !strings.HasPrefix(m.Text, "Dear secretariat,\n<b>I need</b> a visa letter.\n") {
		t.Errorf("text starts %q", m.Text[:60])
	}
	if len(m.Text) > store.MaxMessageText || len(m.Text) < store.MaxMessageText-4 || !utf8.ValidString(m.Text) {
		t.Errorf("text is %d bytes (valid UTF-8 %v), want just under %d", len(m.Text), utf8.ValidString(m.Text), store.MaxMessageText)
	}
	want := store.AttachmentInfo{Name: "passport.pdf", Type: "application/pdf", Size: 9}
	if len(m.Attachments) != 1 || m.Attachments[0] != want {
		t.Errorf("attachments = %+v, want [%+v]", m.Attachments, want)
	}
}
