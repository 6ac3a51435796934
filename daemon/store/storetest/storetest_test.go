package storetest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/realserver"
	"github.com/herald-mail/herald/daemon/store"
)

// The tests run on SQLite, then on PostgreSQL (see store's TestMain).
var (
	pgServer *realserver.Postgres
	pgErr    error
	onPG     bool
)

func TestMain(m *testing.M) {
	os.Exit(realserver.RunOnBothEngines(m, func(pg *realserver.Postgres, err error) {
		onPG, pgServer, pgErr = true, pg, err
	}))
}

func open(t *testing.T) *store.Store {
	t.Helper()
	db := filepath.Join(t.TempDir(), "h.db")
	if onPG {
		if pgErr != nil {
			realserver.PostgresUnavailable(t, pgErr)
		}
		db = pgServer.Database(t)
	}
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatalf("Open(%s) = %v", store.Redact(db), err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestContactHelpers: what the contact helpers write is what the store's
// own readers then see.
func TestContactHelpers(t *testing.T) {
	s := open(t)
	ids := AddContacts(t, s, "mayors",
		Contact{Email: "Ana@City.example", Name: "Ana", Language: "fr", Fields: map[string]string{"desk": "Europe"}},
		Contact{Email: "bob@city.example"})
	if len(ids) != 2 || ids[0] == ids[1] {
		t.Fatalf("AddContacts ids = %v", ids)
	}
	AddContacts(t, s, "mayors", Contact{Email: "ana@city.example", Fields: map[string]string{"badge": "VIP"}})
	ana := ContactByEmail(t, s, "ana@city.example")
	if ana.ID != ids[0] || ana.Name != "Ana" || ana.Language != "fr" || ana.Fields["desk"] != "Europe" || ana.Fields["badge"] != "VIP" {
		t.Errorf("ana after a second import = %+v; want the first columns kept and the badge added", ana)
	}
	MarkBounced(t, s, "ana@city.example")
	SetRSVP(t, s, "ana@city.example", "accepted")
	at := time.Date(2017, 9, 1, 10, 0, 0, 0, time.UTC)
	AddEvent(t, s, "ana@city.example", store.ContactEvent{Kind: "bounce-temporary", List: "mayors", Value: "4.2.2", Actor: "test", At: at})
	d := ContactDetail(t, s, "ana@city.example")
	if !d.Bounced || d.RSVP != "accepted" || MemberStatus(t, s, "ana@city.example", "mayors") != store.StatusSubscribed {
		t.Errorf("ana = %+v; want bounced, accepted, still subscribed on the list", d.Contact)
	}
	if e := d.Events[0]; e.Kind != "bounce-temporary" || e.List != "mayors" || !e.At.Equal(at) {
		t.Errorf("oldest event = %+v; want the one added at %v", e, at)
	}
}

// TestWaveHelpers: SentWave leaves one sent row per message, and the run
// finished.
func TestWaveHelpers(t *testing.T) {
	s := open(t)
	ids := AddContacts(t, s, "mayors", Contact{Email: "a@x.example"}, Contact{Email: "b@x.example"})
	run := SentWave(t, s, "invitation", Sent{ids[0], "a@x.example", "inv1@un.org"}, Sent{ids[1], "b@x.example", "inv2@un.org"})
	ds := Deliveries(t, s, "invitation")
	if len(ds) != 2 {
		t.Fatalf("%d deliveries, want 2", len(ds))
	}
	for i, d := range ds {
		if d.Run != run || d.ContactID != ids[i] || d.State != store.DeliverySent || d.Tries != 1 || d.MessageID != []string{"inv1@un.org", "inv2@un.org"}[i] {
			t.Errorf("delivery %d = %+v", i, d)
		}
	}
	if all, _ := Sending(t, s, ""); all != 0 {
		t.Errorf("%d rows sending after SentWave, want 0", all)
	}
	if r, err := s.LastRun(context.Background(), "invitation"); err != nil || r == nil || !r.Finished {
		t.Errorf("LastRun = %+v, %v; want finished", r, err)
	}
	if _, _, err := s.AcquireLease(context.Background(), "invitation", "dead", time.Hour); err != nil {
		t.Fatal(err)
	}
	ExpireLease(t, s, "invitation")
	if ok, _, err := s.AcquireLease(context.Background(), "invitation", "next", time.Hour); !ok || err != nil {
		t.Errorf("AcquireLease after ExpireLease = %v, %v; want the lease", ok, err)
	}
}

// TestFailEnquiries: the subject and reason are literals, quotes and all.
func TestFailEnquiries(t *testing.T) {
	s := open(t)
	FailEnquiries(t, s, "it's poison", "poisoned 'subject'")
	err := s.Inbox(context.Background(), func(tx *store.InboxTx) error {
		_, err := tx.AddEnquiry(store.Enquiry{Account: "a", Ref: "R-1", Subject: "it's poison"})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "poisoned 'subject'") {
		t.Errorf("AddEnquiry of the poisoned subject = %v; want the reason", err)
	}
}
