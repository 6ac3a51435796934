package waves

import (
	"context"
	"errors"
	"testing"

	"github.com/herald-mail/herald/daemon/sender"
)

// TestInterrupted: during a stop, a row without the server's verdict goes
// back to the queue untried (a session dropped for answering out of step
// included); a verdict, even one that came during the stop, is recorded.
func TestInterrupted(t *testing.T) {
	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	outOfStep := &sender.Error{Command: sender.CmdMail, Temporary: true, Err: sender.ErrOutOfStep}
	refused := &sender.Error{Command: sender.CmdRcpt, Code: 450, Temporary: true, Err: errors.New("450 try later")}
	for _, tc := range []struct {
		name   string
		ctx    context.Context
		err    error
		marked bool
		want   bool
	}{
		{"running, out of step", context.Background(), outOfStep, true, false},
		{"stopping, not marked", stopped, refused, false, true},
		{"stopping, out of step", stopped, outOfStep, true, true},
		{"stopping, cut", stopped, context.Canceled, true, true},
		{"stopping, server's verdict", stopped, refused, true, false},
	} {
		if got := interrupted(tc.ctx, tc.err, tc.marked); got != tc.want {
			t.Errorf("%s: interrupted = %v, want %v", tc.name, got, tc.want)
		}
	}
}
