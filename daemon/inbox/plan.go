package inbox

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// maxHeaderBytes bounds what is fetched of a message over MaxMessageSize:
// the first bytes of its header (BODY.PEEK[HEADER]<0.n>, RFC 9051 §6.4.5),
// enough for every field herald files a message by, and for a References
// field of tens of thousands of ids.
const maxHeaderBytes = 2 << 20

// headerOptions fetch a message by its header alone.
var headerOptions = &imap.FetchOptions{
	UID:          true,
	Flags:        true,
	InternalDate: true,
	RFC822Size:   true,
	BodySection: []*imap.FetchItemBodySection{{Specifier: imap.PartSpecifierHeader, Peek: true,
		Partial: &imap.SectionPartial{Offset: 0, Size: maxHeaderBytes}}},
}

// chunk is one batch to fetch: whole messages, or messages over
// MaxMessageSize fetched by their header alone.
type chunk struct {
	uids       []imap.UID
	headerOnly bool
}

// plan asks the size of every message above last (RFC822.SIZE, one UID
// FETCH last+1:* whatever the number of messages) and cuts uids into
// batches of at most Batch messages and BatchBytes bytes: memory is
// bounded by bytes, not by counts. A message larger than BatchBytes is a
// batch of its own; one over MaxMessageSize is fetched by its header
// alone, in batches of such messages. UIDs gone since the SEARCH are left
// out.
func (s *session) plan(ctx context.Context, last uint32, uids []imap.UID) ([]chunk, error) {
	var set imap.UIDSet
	set.AddRange(imap.UID(last+1), 0)
	msgs, err := wait(ctx, s, s.c.Fetch(set, &imap.FetchOptions{UID: true, RFC822Size: true}).Collect)
	if err != nil {
		return nil, fmt.Errorf("uid fetch %d:* rfc822.size: %w", last+1, err)
	}
	sizes := make(map[imap.UID]int64, len(msgs))
	for _, m := range msgs {
		sizes[m.UID] = m.RFC822Size
	}
	o := &s.w.o
	return planChunks(uids, sizes, o.Batch, o.BatchBytes, o.MaxMessageSize), nil
}

// planChunks cuts uids into batches; see plan.
func planChunks(uids []imap.UID, sizes map[imap.UID]int64, maxCount int, maxBytes, maxSize int64) []chunk {
	var out []chunk
	var cur chunk
	var bytes int64
	for _, u := range uids {
		size, ok := sizes[u]
		if !ok {
			continue
		}
		big := size > maxSize
		if big {
			size = min(size, maxHeaderBytes)
		}
		if len(cur.uids) > 0 && (cur.headerOnly != big || len(cur.uids) >= maxCount || bytes+size > maxBytes) {
			out = append(out, cur)
			cur, bytes = chunk{}, 0
		}
		cur.headerOnly = big
		cur.uids = append(cur.uids, u)
		bytes += size
	}
	if len(cur.uids) > 0 {
		out = append(out, cur)
	}
	return out
}

// readBody reads a message's body section. A literal over limit, which
// plan should have kept from being fetched whole (a server whose
// RFC822.SIZE disagrees with its BODY[]), is read by its header alone,
// the rest discarded as it arrives.
func readBody(item imapclient.FetchItemDataBodySection, dog *watchdog, limit int64) ([]byte, bool, error) {
	r, size := progressReader{item.Literal, dog}, item.Literal.Size()
	headerOnly := item.Section != nil && item.Section.Specifier == imap.PartSpecifierHeader
	if size <= limit && !headerOnly {
		raw, err := readLiteral(r, size)
		return raw, false, err
	}
	raw, err := readLiteral(io.LimitReader(r, maxHeaderBytes), min(size, maxHeaderBytes))
	if err != nil {
		return nil, true, err
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return nil, true, err
	}
	return headerOf(raw), true, nil
}

// headerOf keeps the header block of raw, up to and including the empty
// line that ends it (RFC 5322 §2.1), or all of raw when it has none.
func headerOf(raw []byte) []byte {
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		return raw[:i+4]
	}
	if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		return raw[:i+2]
	}
	return raw
}
