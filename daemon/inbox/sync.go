package inbox

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/herald-mail/herald/daemon/mailconn"
	"github.com/herald-mail/herald/daemon/service"
)

// fetchOptions ask for the whole message without setting \Seen (BODY.PEEK[],
// RFC 9051 §6.4.5) and what the handler records beside it.
var fetchOptions = &imap.FetchOptions{
	UID:          true,
	Flags:        true,
	InternalDate: true,
	RFC822Size:   true,
	BodySection:  []*imap.FetchItemBodySection{{Peek: true}},
}

// sync hands every message above the saved mark to the handler, batch by
// batch, and performs the actions queued for this mailbox every
// ActionEvery messages and at the end.
func (s *session) sync(ctx context.Context) error {
	last, err := s.w.o.Handler.LastUID(ctx, s.mb)
	if err != nil {
		return fmt.Errorf("read the high-water mark: %w", err)
	}
	uids, err := s.searchNew(ctx, last)
	if err != nil {
		return err
	}
	if len(uids) == 0 {
		// Actions queued from elsewhere (Kick) or failed on an earlier pass.
		return s.runActions(ctx)
	}
	s.log.Debug("new messages", "after_uid", last, "count", len(uids))
	chunks, err := s.plan(ctx, last, uids)
	if err != nil {
		return err
	}
	if len(chunks) == 0 {
		return s.runActions(ctx) // every new message expunged since the SEARCH
	}
	return s.pipeline(ctx, chunks)
}

// searchNew returns the UIDs above last, in ascending order.
func (s *session) searchNew(ctx context.Context, last uint32) ([]imap.UID, error) {
	if last == math.MaxUint32 {
		return nil, nil
	}
	var set imap.UIDSet
	set.AddRange(imap.UID(last+1), 0) // last+1:*
	var opts *imap.SearchOptions
	if s.has(imap.CapESearch) {
		// RFC 4731: the answer is a compact set rather than every UID.
		opts = &imap.SearchOptions{ReturnAll: true}
	}
	data, err := wait(ctx, s, s.c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, opts).Wait)
	if err != nil {
		return nil, fmt.Errorf("uid search %d:*: %w", last+1, err)
	}
	// RFC 9051 §6.4.9 and RFC 3501 §6.4.8: "n:*" always includes the
	// highest UID in the mailbox, even when it is below n.
	uids := slices.DeleteFunc(data.AllUIDs(), func(u imap.UID) bool { return uint32(u) <= last })
	slices.Sort(uids)
	return uids, nil
}

// fetchResult is a fetched batch or the error that stopped it.
type fetchResult struct {
	batch []Fetched
	err   error
}

// pipeline fetches chunk i+1 while the handler commits chunk i. The
// actions the chunks queued (flags, moves) run after every ActionEvery
// messages and at the end, once a FETCH is over so that no two commands
// overlap: a backlog is moved with a few large UID MOVEs instead of a few
// per chunk, and the actions are durable rows, so waiting loses nothing.
// Memory holds at most two batches, each bounded by BatchBytes.
func (s *session) pipeline(ctx context.Context, chunks []chunk) error {
	unmoved := 0 // messages processed since actions last ran
	batch, err := s.fetchPrepared(ctx, chunks[0])
	if err != nil {
		return err
	}
	for i := range chunks {
		var next chan fetchResult
		fctx, cancel := context.WithCancel(ctx)
		if i+1 < len(chunks) {
			next = make(chan fetchResult, 1)
			go func() {
				var r fetchResult
				defer func() {
					if p := recover(); p != nil {
						r.err = fmt.Errorf("fetching: %w", service.Panicked(s.log, s.w.o.Metrics, s.w.Name(), p))
					}
					next <- r
				}()
				r.batch, r.err = s.fetchPrepared(fctx, chunks[i+1])
			}()
		}
		perr := s.process(ctx, batch)
		if perr != nil {
			cancel() // the session ends: stop the prefetch too
		}
		var r fetchResult
		if next != nil {
			r = <-next
		}
		cancel()
		if perr != nil {
			return perr
		}
		if r.err != nil {
			// The connection is gone: the actions wait for the next session.
			return r.err
		}
		if unmoved += len(chunks[i].uids); unmoved >= s.w.o.ActionEvery || i == len(chunks)-1 {
			if err := s.runActions(ctx); err != nil {
				return err
			}
			unmoved = 0
		}
		batch = r.batch
	}
	return nil
}

// process hands one batch to the handler; an empty batch (every message
// expunged since the SEARCH) is skipped.
func (s *session) process(ctx context.Context, batch []Fetched) error {
	if len(batch) == 0 {
		return nil
	}
	start := time.Now()
	if err := s.w.o.Handler.Process(ctx, s.mb, batch); err != nil {
		return fmt.Errorf("handler: process UIDs %d-%d: %w", batch[0].UID, batch[len(batch)-1].UID, err)
	}
	s.log.Debug("batch processed", "first_uid", batch[0].UID, "last_uid", batch[len(batch)-1].UID,
		"count", len(batch), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// fetchPrepared fetches the messages of ch and, when the handler is a
// Preparer, has it prepare them.
func (s *session) fetchPrepared(ctx context.Context, ch chunk) ([]Fetched, error) {
	batch, err := s.fetch(ctx, ch)
	if err == nil && len(batch) > 0 {
		if p, ok := s.w.o.Handler.(Preparer); ok {
			p.Prepare(batch)
		}
	}
	return batch, err
}

// fetch fetches the messages of ch, streaming: a batch may be big, so it
// is not bounded by one deadline, but cut when no data arrived for
// CommandTimeout. The result is in UID order.
func (s *session) fetch(ctx context.Context, ch chunk) ([]Fetched, error) {
	uids, opts := ch.uids, fetchOptions
	if ch.headerOnly {
		opts = headerOptions
	}
	dog := newWatchdog(s.c, s.w.o.CommandTimeout)
	defer dog.stop()
	out, err := mailconn.Wait(ctx, s.c, func() ([]Fetched, error) {
		cmd := s.c.Fetch(imap.UIDSetNum(uids...), opts)
		var out []Fetched
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			dog.kick()
			f, err := readMessage(msg, dog, s.w.o.MaxMessageSize)
			if err != nil {
				// The connection failed under the body literal. Closing
				// the FETCH would make go-imap read that literal again
				// while its reader goroutine, already released, reads the
				// same buffer (a data race): close the connection instead,
				// which ends the reader and with it the command.
				s.c.Close()
				return nil, err
			}
			if f.UID != 0 {
				out = append(out, f)
			}
		}
		return out, cmd.Close()
	})
	if err != nil {
		if dog.fired.Load() {
			err = fmt.Errorf("no data from the server for %s: %w", s.w.o.CommandTimeout, err)
		}
		return nil, fmt.Errorf("uid fetch %d UIDs from %d: %w", len(uids), uids[0], err)
	}
	slices.SortFunc(out, func(a, b Fetched) int { return cmp.Compare(a.UID, b.UID) })
	return out, nil
}

// readMessage reads the data items of one FETCH response; a body over
// limit is read by its header alone.
func readMessage(msg *imapclient.FetchMessageData, dog *watchdog, limit int64) (Fetched, error) {
	var f Fetched
	for item := msg.Next(); item != nil; item = msg.Next() {
		switch item := item.(type) {
		case imapclient.FetchItemDataUID:
			f.UID = uint32(item.UID)
		case imapclient.FetchItemDataFlags:
			f.Flags = item.Flags
		case imapclient.FetchItemDataInternalDate:
			f.InternalDate = item.Time
		case imapclient.FetchItemDataRFC822Size:
			f.Size = item.Size
		case imapclient.FetchItemDataBodySection:
			if item.Literal == nil {
				continue // NIL body: an empty message
			}
			raw, headerOnly, err := readBody(item, dog, limit)
			if err != nil {
				return f, fmt.Errorf("read body of UID %d: %w", f.UID, err)
			}
			f.Raw, f.HeaderOnly = raw, headerOnly
		}
	}
	return f, nil
}

// maxPrealloc bounds the buffer allocated from a literal's announced size
// alone, before its bytes arrive.
const maxPrealloc = 32 << 20

// readLiteral reads a literal of the announced size into a buffer of that
// size (a grown buffer would be copied several times per message). A
// literal that ends early, a connection closed cleanly included, is
// io.ErrUnexpectedEOF.
func readLiteral(r io.Reader, size int64) ([]byte, error) {
	if size <= maxPrealloc {
		raw := make([]byte, size)
		if _, err := io.ReadFull(r, raw); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		return raw, nil
	}
	raw, err := io.ReadAll(r)
	if err == nil && int64(len(raw)) != size {
		err = io.ErrUnexpectedEOF
	}
	return raw, err
}

// watchdog closes a client when nothing happened for d.
type watchdog struct {
	d     time.Duration
	t     *time.Timer
	fired atomic.Bool
}

func newWatchdog(c *imapclient.Client, d time.Duration) *watchdog {
	w := &watchdog{d: d}
	w.t = time.AfterFunc(d, func() {
		w.fired.Store(true)
		c.Close()
	})
	return w
}

// kick records progress.
func (w *watchdog) kick() {
	if !w.fired.Load() {
		w.t.Reset(w.d)
	}
}

func (w *watchdog) stop() { w.t.Stop() }

// progressReader kicks a watchdog on every read.
type progressReader struct {
	r   io.Reader
	dog *watchdog
}

func (p progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.dog.kick()
	return n, err
}
