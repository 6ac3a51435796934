package triage

import (
	"context"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/inbox"
	"github.com/herald-mail/herald/daemon/store/storetest"
	"github.com/herald-mail/herald/daemon/testmail"
)

// recorded returns kind, detail and folder of the incoming message at uid.
func (f *fixture) recorded(uid uint32) (kind, detail, folder string) {
	f.t.Helper()
	m := storetest.IncomingMessage(f.t, f.st, uid)
	return m.Kind, m.Detail, m.Folder
}

// movedTo returns the folder each UID's queued move goes to.
func (f *fixture) movedTo() map[uint32]string {
	out := map[uint32]string{}
	for _, a := range f.actions("move") {
		out[a.UID] = a.Arg
	}
	return out
}

// TestOneFailingMessageQuarantined: a message whose recording fails is
// quarantined with the reason, and the rest of its batch is recorded,
// acknowledged and marked done (issue 11: not the whole inbox stopped).
func TestOneFailingMessageQuarantined(t *testing.T) {
	for _, prepare := range []bool{false, true} {
		f := newFixture(t)
		f.prepare = prepare
		storetest.FailEnquiries(t, f.st, "poison", "poisoned subject")
		uids := f.deliver(
			mail("ana@example.org", "decorte@un.org", "First question"),
			mail("eve@example.org", "decorte@un.org", "poison"),
			mail("bob@example.org", "decorte@un.org", "Second question"),
		)
		if n := len(f.enquiries()); n != 2 {
			t.Errorf("%d enquiries, want the 2 ordinary ones", n)
		}
		kind, detail, folder := f.recorded(uids[1])
		if kind != KindQuarantined || !strings.Contains(detail, "poisoned subject") || folder != "Triage/Unreadable" {
			t.Errorf("poisoned message recorded as %q %q in %q; want quarantined with the reason", kind, detail, folder)
		}
		moves := f.movedTo()
		if moves[uids[1]] != "Triage/Unreadable" || moves[uids[0]] != "Triage/General" || moves[uids[2]] != "Triage/General" {
			t.Errorf("moves = %v", moves)
		}
		if acks := f.actions("ack"); len(acks) != 2 {
			t.Errorf("%d acks queued, want 2 (none for the quarantined message)", len(acks))
		}
		if last, _ := f.p.LastUID(context.Background(), f.mb); last != uids[2] {
			t.Errorf("LastUID() = %d, want %d: a restart must not read the batch again", last, uids[2])
		}
	}
}

// TestOversizedFiledByHeader: a message the watcher fetched by its header
// alone is filed to the quarantine folder with its size, never an enquiry.
func TestOversizedFiledByHeader(t *testing.T) {
	f := newFixture(t)
	f.p.Config.Triage.MaxMessageSize = 25 << 20
	header := "From: ana@example.org\r\nTo: decorte@un.org\r\nSubject: Our 50 MB presentation\r\nMessage-ID: <big@example.org>\r\n\r\n"
	batch := []inbox.Fetched{{UID: 1, Raw: []byte(header), Size: 50 << 20, HeaderOnly: true}}
	if err := f.p.Process(context.Background(), f.mb, batch); err != nil {
		t.Fatalf("Process() = %v", err)
	}
	kind, detail, folder := f.recorded(1)
	if kind != KindOversized || !strings.Contains(detail, "52428800 bytes, over triage.max_message_size (26214400)") || folder != "Triage/Unreadable" {
		t.Errorf("recorded as %q %q in %q", kind, detail, folder)
	}
	if len(f.enquiries()) != 0 || len(f.actions("ack")) != 0 || f.movedTo()[1] != "Triage/Unreadable" {
		t.Errorf("enquiries %v, acks %v, moves %v; want only the move to quarantine", f.enquiries(), f.actions("ack"), f.movedTo())
	}
}

// TestManyReferencesRecorded: a reply with 40,000 References ids no
// longer fails its batch ("too many SQL variables").
func TestManyReferencesRecorded(t *testing.T) {
	f := newFixture(t)
	e := testmail.Envelope{From: "ana@example.org", To: "decorte@un.org", MessageID: "refs@example.org", Subject: "Re: our thread"}
	uids := f.deliver(string(testmail.ManyReferences(e, 40000)), mail("bob@example.org", "decorte@un.org", "A question"))
	for _, uid := range uids {
		if kind, detail, _ := f.recorded(uid); kind != KindEnquiry {
			t.Errorf("UID %d recorded as %q %q, want an enquiry", uid, kind, detail)
		}
	}
}
