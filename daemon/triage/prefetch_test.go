package triage

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/herald-mail/herald/daemon/store/storetest"
)

// messageID is the Message-ID of a message made by mail, with its <>.
func messageID(t *testing.T, raw string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^Message-ID: (<[^>]+>)$`).FindStringSubmatch(raw)
	if m == nil {
		t.Fatalf("no Message-ID in %q", raw)
	}
	return m[1]
}

// TestOneBatchSeesItsOwnMessages: the batch's look-ups, read for the
// whole batch before its first message is recorded (Prefetch), still see
// what the batch records: a copy of an earlier message of the batch is
// its duplicate, a reply to it joins its enquiry, and a copy of a
// message whose recording failed is filed like its quarantined row.
func TestOneBatchSeesItsOwnMessages(t *testing.T) {
	f := newFixture(t)
	storetest.FailEnquiries(t, f.st, "poison", "poisoned subject")
	first := mail("amina@dakar.example", "decorte@un.org", "Visa letter", "Cc: assistant@dakar.example")
	id := messageID(t, first)
	reply := mail("assistant@dakar.example", "decorte@un.org", "Re: Visa letter", "In-Reply-To: "+id, "References: "+id)
	poison := mail("eve@example.org", "decorte@un.org", "poison")
	uids := f.deliver(first, reply, first, poison, poison)

	got := f.enquiries()
	if e := got["Visa letter"]; len(got) != 1 || e == nil || e.ThreadSize != 3 {
		t.Fatalf("enquiries = %v; want Visa letter alone, its thread the message, the reply and the copy", got)
	}
	firstRow := storetest.IncomingMessage(t, f.st, uids[0])
	quarantined := storetest.IncomingMessage(t, f.st, uids[3])
	for i, want := range []struct{ kind, detail, folder string }{
		{KindEnquiry, got["Visa letter"].Ref, "Triage/Visa"},
		{KindFollowUp, got["Visa letter"].Ref, "Triage/Visa"},
		{KindDuplicate, fmt.Sprintf("copy of message %d", firstRow.ID), "Triage/Visa"},
		{KindQuarantined, "", "Triage/Unreadable"},
		{KindDuplicate, fmt.Sprintf("copy of message %d", quarantined.ID), "Triage/Unreadable"},
	} {
		kind, detail, folder := f.recorded(uids[i])
		if kind != want.kind || (want.detail != "" && detail != want.detail) || folder != want.folder {
			t.Errorf("message %d recorded as %s %q in %s; want %s %q in %s", i+1, kind, detail, folder, want.kind, want.detail, want.folder)
		}
	}
	if acks := f.actions("ack"); len(acks) != 1 {
		t.Errorf("%d acks queued, want 1: the copies and the reply are not acknowledged", len(acks))
	}
}
