package waves

import (
	"time"

	"github.com/robfig/cron/v3"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
)

// schedule answers "is a new run of this wave due, and for which slot?".
// One-shot waves (`at`) run once, also when their time passed while the
// daemon was down. Recurring waves (`cron`) run on each slot after the
// daemon started or after their last run, whichever is later: slots missed
// while the daemon was down are not replayed (docs/BEHAVIOUR.md §8.1). robfig/cron skips
// a slot that falls in a daylight-saving spring-forward gap (e.g. 02:30 on
// the last Sunday of March in Europe/Brussels): schedule waves outside
// 02:00–03:00 local time.
type schedule struct {
	wave    *config.Wave
	cron    cron.Schedule
	loc     *time.Location
	started time.Time // when the engine started: the floor for cron slots
}

func newSchedule(w *config.Wave, loc *time.Location, started time.Time) (*schedule, error) {
	s := &schedule{wave: w, loc: loc, started: started}
	if w.Cron != "" {
		c, err := cron.ParseStandard(w.Cron)
		if err != nil {
			return nil, err
		}
		s.cron = c
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	return s, nil
}

// due returns the slot of a new run due at now, given the wave's last
// run (nil if none); ok is false when nothing is due. finished is true when
// the wave will never run again (a one-shot that ran, or past `until`).
func (s *schedule) due(last *store.RunRow, now time.Time) (slot time.Time, ok, finished bool) {
	w := s.wave
	if w.Cron == "" {
		if w.At == nil || last != nil {
			return time.Time{}, false, last != nil
		}
		return *w.At, !now.Before(*w.At), false
	}
	base := s.started
	if last != nil && last.ScheduledFor.After(base) {
		base = last.ScheduledFor
	}
	next := s.cron.Next(base.In(s.loc))
	if w.Until != nil && next.After(*w.Until) {
		return time.Time{}, false, true
	}
	return next, !now.Before(next), false
}

// next is the wave's next slot, for `waves show`; zero when it will not
// run again.
func (s *schedule) next(last *store.RunRow, now time.Time) time.Time {
	slot, _, finished := s.due(last, now)
	if finished {
		return time.Time{}
	}
	return slot
}

// lastRun reports whether the run of slot is the wave's last one: a
// one-shot, or a recurring wave whose next slot is past `until`.
func (s *schedule) lastRun(slot time.Time) bool {
	if s.wave.Cron == "" {
		return true
	}
	return s.wave.Until != nil && s.cron.Next(slot.In(s.loc)).After(*s.wave.Until)
}
