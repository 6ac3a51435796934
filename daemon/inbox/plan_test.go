package inbox

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/emersion/go-imap/v2"
)

// TestPlanChunks: batches end at a count or a byte total, a big message
// is a batch of its own, messages over the size limit are batched apart
// (fetched by header alone), and UIDs without a size (expunged) are left
// out.
func TestPlanChunks(t *testing.T) {
	const kb = 1 << 10
	sizes := map[imap.UID]int64{1: 10 * kb, 2: 10 * kb, 3: 10 * kb, 4: 95 * kb, 5: 300 * kb, 6: 5000 * kb, 8: 1 * kb, 9: 1 * kb, 10: 1 * kb}
	got := planChunks([]imap.UID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, sizes, 2, 3000*kb, 200*kb)
	want := []chunk{
		{uids: []imap.UID{1, 2}},                   // the count
		{uids: []imap.UID{3, 4}},                   // 105 kB
		{uids: []imap.UID{5, 6}, headerOnly: true}, // over 200 kB: 300 kB + 2 MiB of headers at most
		{uids: []imap.UID{8, 9}},                   // 7 is gone
		{uids: []imap.UID{10}},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("planChunks() = %v\nwant %v", got, want)
	}
	// By bytes: 10 + 10 + 10 > 25 kB, and 95 kB alone is over it.
	got = planChunks([]imap.UID{1, 2, 3, 4}, sizes, 100, 25*kb, 200*kb)
	want = []chunk{{uids: []imap.UID{1, 2}}, {uids: []imap.UID{3}}, {uids: []imap.UID{4}}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("planChunks() = %v\nwant %v", got, want)
	}
}

func TestHeaderOf(t *testing.T) {
	for raw, want := range map[string]string{
		"A: 1\r\nB: 2\r\n\r\nbody\r\n\r\nmore": "A: 1\r\nB: 2\r\n\r\n",
		"A: 1\n\nbody":                         "A: 1\n\n",
		"A: 1\r\nB: cut in the mid":            "A: 1\r\nB: cut in the mid",
	} {
		if got := headerOf([]byte(raw)); !bytes.Equal(got, []byte(want)) {
			t.Errorf("headerOf(%q) = %q, want %q", raw, got, want)
		}
	}
}

// TestDovecotOversizedByHeader: on real Dovecot, batches are bounded by
// bytes, and a message over MaxMessageSize is handed over by its header
// alone, with its real size; every message is processed once.
func TestDovecotOversizedByHeader(t *testing.T) {
	_, conf := startDovecot(t)
	c := dialTest(t, conf)
	all := ids("size", 8)
	big := map[string]bool{all[2]: true, all[5]: true}
	for _, id := range all {
		size := 300 << 10
		if big[id] {
			size = 3 << 20
		}
		appendMessage(t, c, "INBOX", testMessage(id, size))
	}
	h := newFakeHandler(triage)
	w, _ := testWatcher(t, conf, "INBOX", h, nil)
	w.o.MaxMessageSize, w.o.BatchBytes = 1<<20, 700<<10
	run(t, w)
	eventually(t, "8 messages", func() bool { return h.processed() == len(all) })
	h.checkOnce(t, all)
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, f := range h.fetched {
		id := messageID(f.Raw)
		switch {
		case big[id] && (!f.HeaderOnly || f.Size < 3<<20 || bytes.Contains(f.Raw, []byte("Bonjour")) || !bytes.HasSuffix(f.Raw, []byte("\r\n\r\n"))):
			t.Errorf("%s: HeaderOnly %v, Size %d, %d bytes of Raw; want its header alone and its size", id, f.HeaderOnly, f.Size, len(f.Raw))
		case !big[id] && (f.HeaderOnly || int64(len(f.Raw)) != f.Size):
			t.Errorf("%s: HeaderOnly %v, %d of %d bytes; want it whole", id, f.HeaderOnly, len(f.Raw), f.Size)
		}
	}
	// Two 300 KB messages to a batch of 700 KB; each big one alone.
	want := []int{2, 1, 2, 1, 2} // messages per batch
	if len(h.batchBytes) != len(want) {
		t.Errorf("batches of %v bytes, want %d batches", h.batchBytes, len(want))
	}
	for _, n := range h.batchBytes {
		if n > 700<<10 && n < 3<<20 {
			t.Errorf("a batch of %d bytes, over BatchBytes and not one big message", n)
		}
	}
}
