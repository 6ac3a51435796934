package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestNodesWriteAtOnce: two Stores on one PostgreSQL database (two nodes)
// write at once, each from several goroutines, in transactions that
// collide on purpose: claiming one wave's rows and recording their
// outcomes, recording the same incoming messages and numbering
// enquiries, counting sends against a daily cap, taking the same leases
// and rate tokens, starting runs of one wave. SERIALIZABLE transactions
// run side by side and the ones the server fails are run again (retry.go):
// no error reaches the caller, no row is claimed or recorded twice, and
// every count is exact.
func TestNodesWriteAtOnce(t *testing.T) {
	postgresOnly(t)
	ctx := context.Background()
	const rows = 600
	a := plannedOutbox(t, rows)
	b, err := Open(ctx, a.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	nodes := []*Store{a, b}
	owners := []string{"1@a", "2@b"}
	for i, s := range nodes {
		s.SetNode(owners[i])
		if _, ok, err := s.TakeLease(ctx, NodeLease(owners[i]), owners[i], time.Hour); err != nil || !ok {
			t.Fatalf("node lease of %s: %v, %v", owners[i], ok, err)
		}
	}
	var (
		mu      sync.Mutex
		claimed = map[int64]string{}
		errs    []error
		wg      sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	const perNode = 3
	start := time.Now()
	var tokens, reserved [2]int
	var leasesWon [2][]string
	for n, s := range nodes {
		for g := range perNode {
			wg.Go(func() {
				if err := sendClaimed(ctx, s, owners[n], claimed, &mu); err != nil {
					fail(err)
				}
			})
			wg.Go(func() {
				if err := recordMessages(ctx, s, n*perNode+g); err != nil {
					fail(err)
				}
			})
			wg.Go(func() {
				if err := contend(ctx, s, owners[n], g, &tokens[n], &reserved[n], &leasesWon[n], &mu); err != nil {
					fail(err)
				}
			})
		}
	}
	wg.Wait()
	for _, err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	t.Logf("transactions run again: %d and %d", a.retries.Load(), b.retries.Load())
	checkClaims(t, a, claimed, rows, owners)
	checkMessages(t, a)
	// Counts and leases.
	if n := reserved[0] + reserved[1]; n != sendCap {
		t.Errorf("sends reserved under a cap of %d: %d", sendCap, n)
	}
	won := append(append([]string{}, leasesWon[0]...), leasesWon[1]...)
	if len(won) != leaseNames {
		t.Errorf("%d leases contested, %d takings won: %v", leaseNames, len(won), won)
	}
	log, err := a.LeaseLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(log) - len(nodes); n != leaseNames {
		t.Errorf("lease_log holds %d holdings of the contested leases, want %d", n, leaseNames)
	}
	slot, perSlot := RateSlot(rateN, time.Hour)
	if allowed := perSlot * int(time.Since(start)/slot+2); tokens[0]+tokens[1] > allowed {
		t.Errorf("%d rate tokens taken in %s; the shared rate allows %d", tokens[0]+tokens[1], time.Since(start), allowed)
	}
	run, err := a.LastRun(ctx, "runs")
	if err != nil || run == nil || run.Run != 2*perNode*runsEach {
		t.Errorf("last run of %d started at once: %+v, %v", 2*perNode*runsEach, run, err)
	}
}

// sendClaimed claims rows of wave bench for owner until none is left,
// marks each 'sending' then sent, as a wave's sessions do; claimed
// records who claimed each row.
func sendClaimed(ctx context.Context, s *Store, owner string, claimed map[int64]string, mu *sync.Mutex) error {
	for {
		ds, err := s.ClaimDue(ctx, "bench", owner, 8)
		if err != nil || len(ds) == 0 {
			return err
		}
		ids := make([]int64, len(ds))
		outcomes := make([]DeliveryOutcome, len(ds))
		mu.Lock()
		for i, d := range ds {
			if other, ok := claimed[d.ID]; ok {
				mu.Unlock()
				return fmt.Errorf("row %d claimed by %s, then by %s", d.ID, other, owner)
			}
			claimed[d.ID] = owner
			ids[i], outcomes[i] = d.ID, DeliveryOutcome{ID: d.ID, State: DeliverySent}
		}
		mu.Unlock()
		marked, err := s.CommitDeliveries(ctx, nil, ids)
		if err != nil {
			return err
		}
		for i, ok := range marked {
			if !ok {
				return fmt.Errorf("row %d claimed by %s but not marked 'sending'", ids[i], owner)
			}
		}
		if _, err := s.CommitDeliveries(ctx, outcomes, nil); err != nil {
			return err
		}
	}
}

// The incoming messages every goroutine records, each one's copy of the
// same mail (a message reaching two mailboxes): recorded once, as a new
// enquiry with the next reference, and seen as known by all the others.
const messages = 120

// recordMessages records the messages, 5 a transaction, starting at a
// different one per goroutine g so that the goroutines overlap.
func recordMessages(ctx context.Context, s *Store, g int) error {
	for i := 0; i < messages; i += 5 {
		err := s.Inbox(ctx, func(tx *InboxTx) error {
			for j := i; j < i+5; j++ {
				m := (j + g*17) % messages
				id := fmt.Sprintf("m%03d@mail.example", m)
				seen, err := tx.SeenBefore("habitat", id, "")
				if err != nil || seen != nil {
					return err
				}
				ref, err := tx.NextRef("HAB")
				if err != nil {
					return err
				}
				enq, err := tx.AddEnquiry(Enquiry{Ref: ref, Account: "habitat", Mailbox: "INBOX",
					From: "mayor@city.example", Subject: id, Category: "enquiry", ReceivedAt: time.Now()})
				if err != nil {
					return err
				}
				if _, err := tx.AddMessage(MessageRow{Account: "habitat", Direction: "in", Mailbox: "INBOX",
					UIDValidity: 1, UID: uint32(m + 1), MessageID: id, EnquiryID: enq, Kind: "enquiry"}); err != nil {
					return err
				}
			}
			return tx.SetMark("habitat", "INBOX", 1, uint32(i+5))
		})
		if err != nil {
			return fmt.Errorf("record messages %d to %d: %w", i, i+4, err)
		}
	}
	return nil
}

// What contend contests.
const (
	sendCap    = 150 // the daily cap
	leaseNames = 20  // leases, each wanted by every goroutine
	rateN      = 36000
	runsEach   = 5 // runs of wave "runs" each goroutine starts
)

// contend reserves sends against sendCap, takes rate tokens, tries for
// every contested lease once and starts runs, counting what it won.
func contend(ctx context.Context, s *Store, owner string, g int, tokens, reserved *int, won *[]string, mu *sync.Mutex) error {
	me := fmt.Sprintf("%s#%d", owner, g)
	for i := range 100 {
		ok, err := s.ReserveSend(ctx, "habitat", "2025-05-01", sendCap)
		if err != nil {
			return err
		}
		_, tok, err := s.TakeRateToken(ctx, "habitat", rateN, time.Hour)
		if err != nil {
			return err
		}
		mu.Lock()
		if ok {
			*reserved++
		}
		if tok {
			*tokens++
		}
		mu.Unlock()
		if i < leaseNames {
			name := fmt.Sprintf("inbox habitat/%02d", i)
			if _, ok, err := s.TakeLease(ctx, name, me, time.Hour); err != nil {
				return err
			} else if ok {
				mu.Lock()
				*won = append(*won, name+" "+me)
				mu.Unlock()
			}
		}
		if i < runsEach {
			if _, err := s.StartRun(ctx, "runs", time.Now()); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkClaims: every row was claimed once, by the node that sent it.
func checkClaims(t *testing.T, s *Store, claimed map[int64]string, rows int, owners []string) {
	t.Helper()
	ctx := context.Background()
	if len(claimed) != rows {
		t.Errorf("%d rows claimed of %d", len(claimed), rows)
	}
	c, err := s.Counts(ctx, "bench", 0)
	if err != nil || c.Sent != rows || c.Pending != 0 || c.Uncertain != 0 {
		t.Errorf("counts %+v, %v: want all %d sent", c, err, rows)
	}
	by, err := s.SentBy(ctx, "bench")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, o := range claimed {
		want[o]++
	}
	for _, o := range owners {
		if by[o] != want[o] {
			t.Errorf("sent by %s: %d, it claimed %d", o, by[o], want[o])
		}
	}
}

// checkMessages: each message recorded once, with an enquiry numbered
// without gap or repeat.
func checkMessages(t *testing.T, s *Store) {
	t.Helper()
	var n, ids, refs, enquiries int
	var last string
	err := s.db.QueryRow(`SELECT count(*), count(DISTINCT message_id) FROM messages WHERE account = 'habitat'`).Scan(&n, &ids)
	if err == nil {
		err = s.db.QueryRow(`SELECT count(*), count(DISTINCT ref), max(ref) FROM enquiries`).Scan(&enquiries, &refs, &last)
	}
	if err != nil {
		t.Fatal(err)
	}
	if n != messages || ids != messages || enquiries != messages || refs != messages {
		t.Errorf("%d messages recorded (%d distinct), %d enquiries (%d refs); want %d of each", n, ids, enquiries, refs, messages)
	}
	if want := fmt.Sprintf("HAB-%04d", messages); last != want {
		t.Errorf("last reference %s, want %s: numbers were skipped", last, want)
	}
}
