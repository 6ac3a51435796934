package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/service"
	"github.com/herald-mail/herald/daemon/waves"
)

// The dashboard's live updates are server-sent events (HTML Living
// Standard §9.2): GET /api/v1/events streams "queue" when the enquiries
// a user may see changed (the page then fetches its own filtered rows)
// and "waves" with the waves' progress, the shape of GET /api/v1/waves.
// One hub reads the store for every stream, every Limits.StreamTick, and
// only while a stream is open; the CLI writes to the same database from
// another process, so watching the store is the one way to see its
// changes too.

// snapshot is what the hub read at one tick.
type snapshot struct {
	stamps map[string]string // account → store.QueueStamps
	waves  []waves.Status    // every wave, unfiltered
}

// hub reads snapshots while someone listens and hands each listener the
// latest one; a slow listener skips snapshots rather than queue them.
type hub struct {
	d     *dash
	every *time.Duration // the server's Limits.StreamTick

	mu      sync.Mutex
	subs    map[chan snapshot]struct{}
	running bool
}

// subscribe adds a listener; the reading loop starts with the first.
func (h *hub) subscribe() (<-chan snapshot, func()) {
	c := make(chan snapshot, 1)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.subs[c] = struct{}{}
	if !h.running {
		h.running = true
		go service.Safe(h.d.log, nil, "web events", h.loop)
	}
	return c, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.subs, c)
	}
}

// loop reads a snapshot at once, then every h.every, until nobody listens.
func (h *hub) loop() error {
	t := time.NewTimer(0)
	defer t.Stop()
	for range t.C {
		snap, err := h.read()
		h.mu.Lock()
		if len(h.subs) == 0 {
			h.running = false
			h.mu.Unlock()
			return nil
		}
		if err != nil {
			h.d.log.Warn("live updates: read the store", "err", err)
		} else {
			for c := range h.subs {
				select { // drop the unread one: only the latest matters
				case <-c:
				default:
				}
				c <- snap
			}
		}
		h.mu.Unlock()
		t.Reset(*h.every)
	}
	return nil
}

func (h *hub) read() (snapshot, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stamps, err := h.d.Store.QueueStamps(ctx)
	if err != nil {
		return snapshot{}, err
	}
	eng, cfg, err := h.d.engine(ctx)
	if err != nil {
		return snapshot{}, err
	}
	all, err := ops.Waves(ctx, cfg, eng, nil)
	if err != nil {
		return snapshot{}, err
	}
	return snapshot{stamps: stamps, waves: all}, nil
}

// forUser is what p may see of snap: a digest of its accounts' queue
// stamps, and its waves as JSON.
func (snap snapshot) forUser(p *Principal) (queue string, wavesJSON []byte) {
	accounts := make([]string, 0, len(snap.stamps))
	for a := range snap.stamps {
		if p.MaySee(a) {
			accounts = append(accounts, a)
		}
	}
	slices.Sort(accounts)
	sum := sha256.New()
	for _, a := range accounts {
		fmt.Fprintf(sum, "%s\x00%s\x00", a, snap.stamps[a])
	}
	mine := []waves.Status{}
	for _, w := range snap.waves {
		if p.MaySee(w.Account) {
			mine = append(mine, w)
		}
	}
	b, _ := json.Marshal(mine)
	return hex.EncodeToString(sum.Sum(nil)[:8]), b
}

// errStreamsFull is the answer when Limits.MaxStreams are open.
var errStreamsFull = errors.New("too many live update streams are open; the page polls instead")

// events is GET /api/v1/events. It answers 503 beyond Limits.MaxStreams
// (the page then polls), ends when the client leaves, its session ends
// or the server stops, and writes a comment line every Limits.Heartbeat
// so that proxies and the browser see it alive.
func (s *Server) events(d *dash, w http.ResponseWriter, r *http.Request) {
	if !s.streams.enter(s.Limits.MaxStreams) {
		apiError(w, http.StatusServiceUnavailable, errStreamsFull.Error())
		return
	}
	defer s.streams.leave()
	// The server's WriteTimeout would cut the stream a minute after it
	// began; each write gets its own deadline instead (stream.send).
	// ReadTimeout does not apply: net/http lifts it once a bodyless
	// request is read.
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
	w.WriteHeader(http.StatusOK)
	snaps, unsubscribe := d.hub.subscribe()
	defer unsubscribe()
	st := stream{w: w, rc: rc, write: s.Limits.Write}
	if !st.send("retry: 5000\n\n") {
		return
	}
	beat := time.NewTicker(s.Limits.Heartbeat)
	defer beat.Stop()
	var lastQueue string
	var lastWaves []byte
	stopping := s.streams.done()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-stopping:
			st.send("event: bye\ndata: {}\n\n")
			return
		case <-beat.C:
			if !st.send(": ping\n\n") {
				return
			}
		case snap := <-snaps:
			p := s.identify(r) // a logout, an expired session or a reload's new users count now
			if p == nil {
				st.send("event: bye\ndata: {}\n\n")
				return
			}
			q, wv := snap.forUser(p)
			if q != lastQueue && !st.send("event: queue\ndata: {\"stamp\":\""+q+"\"}\n\n") {
				return
			}
			if string(wv) != string(lastWaves) && !st.send("event: waves\ndata: "+string(wv)+"\n\n") {
				return
			}
			lastQueue, lastWaves = q, wv
		}
	}
}

// stream writes events, each under its own write deadline.
type stream struct {
	w     http.ResponseWriter
	rc    *http.ResponseController
	write time.Duration
}

// send writes and flushes text; false when the client is gone.
func (st stream) send(text string) bool {
	if err := st.rc.SetWriteDeadline(time.Now().Add(st.write)); err != nil {
		return false
	}
	if _, err := st.w.Write([]byte(text)); err != nil {
		return false
	}
	return st.rc.Flush() == nil
}

// streams counts the open event streams and ends them when the server
// stops: http.Server.Shutdown waits for connections to go idle, which a
// stream never does on its own.
type streams struct {
	mu     sync.Mutex
	n      int
	stop   chan struct{} // closed at shutdown; nil before Run
	closed bool
}

func (ss *streams) enter(max int) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if max > 0 && ss.n >= max {
		return false
	}
	ss.n++
	return true
}

func (ss *streams) leave() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.n--
}

// open makes a new stop channel for a Run; shut closes it.
func (ss *streams) open() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.stop, ss.closed = make(chan struct{}), false
}

func (ss *streams) shut() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.stop != nil && !ss.closed {
		close(ss.stop)
		ss.closed = true
	}
}

// done is closed when the server stops (never, when not running).
func (ss *streams) done() <-chan struct{} {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.stop
}
