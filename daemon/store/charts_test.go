package store

import (
	"context"
	"reflect"
	"testing"
	"time"
)

// TestSentPerMinuteAndInvited: a run's sent messages are counted per
// minute in time order, and the members a wave reached are the top of
// the list's funnel.
func TestSentPerMinuteAndInvited(t *testing.T) {
	s := plannedOutbox(t, 5)
	ctx := context.Background()
	t0 := time.Date(2030, 9, 15, 7, 0, 10, 0, time.UTC)
	for id, at := range map[int]time.Time{1: t0, 2: t0.Add(20 * time.Second), 3: t0.Add(3 * time.Minute)} {
		if _, err := s.db.Exec(`UPDATE deliveries SET state = 'sent', sent_at = ? WHERE contact_id = ?`, ts(at), id); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.SentPerMinute(ctx, "bench", 1)
	want := []MinuteCount{{"2030-09-15T07:00", 2}, {"2030-09-15T07:03", 1}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("SentPerMinute = %v, %v; want %v", got, err, want)
	}
	now := ts(time.Now())
	if _, err := s.db.Exec(`INSERT INTO lists (id, name, created_at) VALUES (1, 'mayors', ?)`, now); err != nil {
		t.Fatal(err)
	}
	for id := 1; id <= 5; id++ {
		s.db.Exec(`INSERT INTO list_members (list_id, contact_id, added_at) VALUES (1, ?, ?)`, id, now)
	}
	if n, err := s.Invited(ctx, "mayors", []string{"bench"}); err != nil || n != 3 {
		t.Errorf("Invited = %d, %v; want 3", n, err)
	}
	if n, err := s.Invited(ctx, "mayors", []string{"other"}); err != nil || n != 0 {
		t.Errorf("Invited by another wave = %d, %v; want 0", n, err)
	}
}

// TestEnquiriesPerDayAndAckDelays: enquiries are counted by day in the
// zone given (an enquiry at 23:30 UTC is the next day at UTC+2) and by
// category; acknowledgement delays fall in their buckets.
func TestEnquiriesPerDayAndAckDelays(t *testing.T) {
	s := plannedOutbox(t, 0)
	ctx := context.Background()
	day := time.Date(2030, 9, 14, 23, 30, 0, 0, time.UTC)
	add := func(ref, acct, cat string, at time.Time, ackAfter time.Duration) {
		err := s.Inbox(ctx, func(tx *InboxTx) error {
			_, err := tx.AddEnquiry(Enquiry{Ref: ref, Account: acct, Mailbox: "INBOX", From: "a@b.example", Subject: "s", Category: cat, ReceivedAt: at})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if ackAfter > 0 {
			s.db.Exec(`UPDATE enquiries SET acknowledged_at = ? WHERE ref = ?`, ts(at.Add(ackAfter)), ref)
		}
	}
	add("R-1", "habitat", "visa", day, 30*time.Second)
	add("R-2", "habitat", "visa", day.Add(time.Hour), 2*time.Hour)
	add("R-3", "unep", "general", day.Add(-2*time.Hour), 0)
	got, err := s.EnquiriesPerDay(ctx, day.Add(-48*time.Hour), 120, nil)
	want := []DayCount{{"2030-09-14", "general", 1}, {"2030-09-15", "visa", 2}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("EnquiriesPerDay = %v, %v; want %v", got, err, want)
	}
	if got, _ := s.EnquiriesPerDay(ctx, day.Add(-48*time.Hour), 120, []string{"unep"}); len(got) != 1 || got[0].Category != "general" {
		t.Errorf("EnquiriesPerDay for unep = %v", got)
	}
	delays, err := s.AckDelays(ctx, day.Add(-48*time.Hour), nil)
	if want := []int{1, 0, 0, 0, 1, 0, 0}; err != nil || !reflect.DeepEqual(delays, want) {
		t.Errorf("AckDelays = %v, %v; want %v", delays, err, want)
	}
}
