package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// The dashboard must open a queue of 100,000 enquiries or a list of
// 100,000 contacts in under 200 ms (issue 15). These benchmarks measure
// one page of each, with its total, on such a database:
//
//	go test ./daemon/store -run '^$' -bench 'Page100k' -benchtime 20x
var (
	bigOnce sync.Once
	bigDB   *Store
	bigErr  error
)

// bigStore is a database of 100,000 enquiries over 4 accounts and 4
// statuses, and a list of 100,000 contacts, made once per run.
func bigStore(b *testing.B) *Store {
	bigOnce.Do(func() {
		dir := b.TempDir()
		ctx := context.Background()
		if bigDB, bigErr = Open(ctx, dir+"/big.db"); bigErr != nil {
			return
		}
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for chunk := 0; chunk < 100; chunk++ {
			bigErr = bigDB.Inbox(ctx, func(tx *InboxTx) error {
				for i := chunk * 1000; i < (chunk+1)*1000; i++ {
					e := Enquiry{Ref: fmt.Sprintf("B-%06d", i), Account: []string{"habitat", "unep", "iom", "unhcr"}[i%4], Mailbox: "INBOX",
						From: fmt.Sprintf("p%d@x%d.example", i, i%97), Subject: fmt.Sprintf("question %d about visas", i),
						Category: []string{"general", "visa", "rsvp-unclear"}[i%3], ReceivedAt: base.Add(time.Duration(i) * time.Minute)}
					id, err := tx.AddEnquiry(e)
					if err != nil {
						return err
					}
					if i%4 == 1 {
						if _, err := tx.tx.Exec(`UPDATE enquiries SET status = 'closed' WHERE id = ?`, id); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if bigErr != nil {
				return
			}
		}
		bigErr = bigDB.ImportList(ctx, "big", false, func(li *ListImport) error {
			for i := range 100000 {
				email := fmt.Sprintf("contact%d@city%d.example", i, i%500)
				row := &ContactRow{Email: email, Key: email}
				row.Known[0], row.Has[0] = fmt.Sprintf("Contact %d", i), true
				if _, _, err := li.Upsert(row, i+2); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	return bigDB
}

func BenchmarkEnquiryPage100k(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	for _, q := range []struct {
		name string
		q    EnquiryQuery
	}{
		{"open-first-page", EnquiryQuery{Statuses: []string{"open", "acknowledged"}, Limit: 50}},
		{"open-last-page", EnquiryQuery{Statuses: []string{"open", "acknowledged"}, Limit: 50, Offset: 74950}},
		{"account-category", EnquiryQuery{EnquiryFilter: EnquiryFilter{Account: "unep", Category: "visa"}, Limit: 50}},
		{"search", EnquiryQuery{Search: "x42.example", Limit: 50}},
		{"by-from-first-page", EnquiryQuery{Sort: "from", Limit: 50}},
		{"by-from-last-page", EnquiryQuery{Sort: "from", Limit: 50, Offset: 99950}},
		{"open-by-subject-desc", EnquiryQuery{Statuses: []string{"open", "acknowledged"}, Sort: "subject", Desc: true, Limit: 50}},
		{"open-by-category-middle", EnquiryQuery{Statuses: []string{"open", "acknowledged"}, Sort: "category", Limit: 50, Offset: 37500}},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := s.EnquiryPage(ctx, q.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkContactPage100k(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	for _, q := range []struct {
		name string
		q    ContactQuery
	}{
		{"first-page", ContactQuery{List: "big", Limit: 50}},
		{"last-page", ContactQuery{List: "big", Limit: 50, Offset: 99950}},
		{"search", ContactQuery{List: "big", Search: "city42.example", Limit: 50}},
		{"by-email-first-page", ContactQuery{List: "big", Sort: "email", Limit: 50}},
		{"by-email-last-page", ContactQuery{List: "big", Sort: "email", Limit: 50, Offset: 99950}},
		{"by-name-desc-middle", ContactQuery{List: "big", Sort: "name", Desc: true, Limit: 50, Offset: 50000}},
		{"subscribed-by-country", ContactQuery{List: "big", Status: "subscribed", Sort: "country", Limit: 50}},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := s.ContactPage(ctx, q.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
