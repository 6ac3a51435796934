package sender

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/herald-mail/herald/daemon/store"
)

// dailyCap counts an account's messages per calendar day against
// smtp.daily_cap. A message is counted before it is sent (so concurrent
// sessions cannot overshoot) and uncounted when the server refused it; a
// crash in between leaves it counted, which errs on the side of the cap.
type dailyCap struct {
	account string
	limit   int // 0: no cap, nothing counted
	loc     *time.Location
	store   *store.Store // nil: count in memory only
	log     *slog.Logger

	mu  sync.Mutex
	mem map[string]int // day → count, when store is nil
}

// day is today in the cap's time zone.
func (d *dailyCap) day() string {
	return time.Now().In(d.loc).Format(time.DateOnly)
}

// reserve counts one message for today, or fails with ErrDailyCap.
// It returns the day counted, "" when there is no cap.
func (d *dailyCap) reserve(ctx context.Context) (string, error) {
	if d.limit == 0 {
		return "", nil
	}
	day := d.day()
	ok := false
	if d.store != nil {
		var err error
		if ok, err = d.store.ReserveSend(ctx, d.account, day, d.limit); err != nil {
			return "", err
		}
	} else {
		d.mu.Lock()
		if d.mem[day] < d.limit {
			d.mem[day]++
			ok = true
		}
		d.mu.Unlock()
	}
	if !ok {
		return "", fmt.Errorf("account %s sent its daily cap of %d messages on %s: %w", d.account, d.limit, day, ErrDailyCap)
	}
	return day, nil
}

// release uncounts a message reserved on day that the server did not take.
// It runs even when ctx was cancelled: the cancellation is often why the
// message was not sent.
func (d *dailyCap) release(ctx context.Context, day string) {
	if day == "" {
		return
	}
	if d.store == nil {
		d.mu.Lock()
		d.mem[day] = max(0, d.mem[day]-1)
		d.mu.Unlock()
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := d.store.ReleaseSend(ctx, d.account, day); err != nil {
		// One message too many counted: the cap is reached a little early.
		d.log.Warn("cannot uncount a message that was not sent", "err", err)
	}
}
