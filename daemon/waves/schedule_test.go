package waves

import (
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
)

func TestSchedule(t *testing.T) {
	brussels, _ := time.LoadLocation("Europe/Brussels")
	start := time.Date(2017, 9, 20, 12, 0, 0, 0, brussels) // a Wednesday
	at := time.Date(2017, 9, 15, 9, 0, 0, 0, brussels)
	until := time.Date(2017, 10, 3, 0, 0, 0, 0, brussels)
	oneShot := &config.Wave{Name: "invitation", At: &at}
	weekly := &config.Wave{Name: "reminder", Cron: "0 9 * * MON", Until: &until}

	s, _ := newSchedule(oneShot, brussels, start)
	// A one-shot whose time passed while the daemon was down runs at start.
	if slot, ok, _ := s.due(nil, start); !ok || !slot.Equal(at) {
		t.Errorf("one-shot at start: %v %v", slot, ok)
	}
	if _, ok, finished := s.due(&store.RunRow{ScheduledFor: at}, start); ok || !finished {
		t.Errorf("one-shot after its run: ok %v finished %v", ok, finished)
	}

	s, _ = newSchedule(weekly, brussels, start)
	// Monday 18 Sep 09:00 was missed while down: not replayed.
	slot, ok, _ := s.due(nil, start)
	if ok || !slot.Equal(time.Date(2017, 9, 25, 9, 0, 0, 0, brussels)) {
		t.Errorf("weekly at start: %v %v, want the next Monday, not the missed one", slot, ok)
	}
	monday := time.Date(2017, 9, 25, 9, 0, 1, 0, brussels)
	if slot, ok, _ := s.due(nil, monday); !ok || slot.Weekday() != time.Monday {
		t.Errorf("weekly on Monday: %v %v", slot, ok)
	}
	last := &store.RunRow{ScheduledFor: time.Date(2017, 10, 2, 9, 0, 0, 0, brussels)}
	if _, ok, finished := s.due(last, last.ScheduledFor.Add(time.Hour)); ok || !finished {
		t.Errorf("past until: ok %v finished %v", ok, finished)
	}
	if !s.lastRun(last.ScheduledFor) {
		t.Error("the run before until is the last one")
	}
}
