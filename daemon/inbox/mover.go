package inbox

import (
	"context"
	"fmt"
	"runtime/debug"
)

// mover performs the queued actions of a long catch-up on a second
// connection to the same mailbox, while the session's own connection goes
// on fetching: the server moves messages (its work) while herald parses
// and records the next ones (ours). It is an optimisation only: whatever
// it leaves undone, the session's connection does at the end of the
// catch-up, after the mover has stopped, so the two never act at once.
type mover struct {
	kick chan struct{}
	quit chan struct{}
	done chan struct{}
}

// startMover connects the mover. A server that refuses a second connection
// (a per-user limit) only costs the overlap: the caller runs the actions
// itself.
func (s *session) startMover(ctx context.Context) *mover {
	ms := &session{w: s.w, log: s.log, changes: make(chan struct{}, 1), folders: map[string]bool{}}
	if err := ms.connect(ctx); err != nil {
		s.log.Info("no second connection for the catch-up's moves; the watching one does them", "err", err)
		return nil
	}
	ms.log = ms.log.With("connection", "mover") // after SELECT, which sets it
	if ms.mb != s.mb {
		// The mailbox changed generation in between: leave it to the
		// session, which will see it too.
		ms.close()
		return nil
	}
	m := &mover{kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(m.done)
		defer ms.close()
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			}
		}()
		for {
			// A pass is never cut short by close (only by the end of the
			// session): an interrupted COPY fallback would leave a copy
			// that the next pass makes again.
			select {
			case <-ctx.Done():
				return
			case <-m.quit:
				return
			case <-m.kick:
			}
			if err := ms.runActions(ctx); err != nil {
				if ctx.Err() == nil {
					s.log.Info("second connection failed; the watching one does the moves", "err", err)
				}
				return
			}
		}
	}()
	return m
}

// signal asks the mover for a pass over the pending actions; signals sent
// during a pass make one more pass, so a busy mover moves in large groups.
// It reports false when the mover is gone.
func (m *mover) signal() bool {
	select {
	case <-m.done:
		return false
	default:
		signal(m.kick)
		return true
	}
}

// close stops the mover, after any pass in progress, and waits for it.
func (m *mover) close() {
	close(m.quit)
	<-m.done
}
