package store

import (
	"context"
	"strings"
	"testing"
)

// TestEnquiryPageSorted: the queue sorts by a whitelisted column either
// way, ties kept in id order from page to page; an unknown column is an
// error, never SQL.
func TestEnquiryPageSorted(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	addEnquiries(t, s, 5) // T-0001..T-0005, accounts habitat, unep alternating
	refs := func(q EnquiryQuery) []string {
		t.Helper()
		page, total, err := s.EnquiryPage(ctx, q)
		if err != nil {
			t.Fatalf("EnquiryPage(%+v) = %v", q, err)
		}
		if total != 5 {
			t.Errorf("EnquiryPage(%+v) total = %d, want 5", q, total)
		}
		var out []string
		for _, e := range page {
			out = append(out, e.Ref)
		}
		return out
	}
	for _, c := range []struct {
		q    EnquiryQuery
		want string
	}{
		{EnquiryQuery{}, "T-0001 T-0002 T-0003 T-0004 T-0005"},
		{EnquiryQuery{Desc: true}, "T-0005 T-0004 T-0003 T-0002 T-0001"},
		{EnquiryQuery{Sort: "ref", Desc: true}, "T-0005 T-0004 T-0003 T-0002 T-0001"},
		// Ties on account: by id, in the column's direction.
		{EnquiryQuery{Sort: "account"}, "T-0001 T-0003 T-0005 T-0002 T-0004"},
		{EnquiryQuery{Sort: "account", Desc: true}, "T-0004 T-0002 T-0005 T-0003 T-0001"},
		// "Visa letter 50% urgent" sorts after "question …".
		{EnquiryQuery{Sort: "subject"}, "T-0001 T-0002 T-0004 T-0005 T-0003"},
		{EnquiryQuery{Sort: "account", Limit: 2, Offset: 2}, "T-0005 T-0002"},
	} {
		if got := strings.Join(refs(c.q), " "); got != c.want {
			t.Errorf("EnquiryPage(sort %q desc %v, offset %d) = %s, want %s", c.q.Sort, c.q.Desc, c.q.Offset, got, c.want)
		}
	}
	if _, _, err := s.EnquiryPage(ctx, EnquiryQuery{Sort: "id; DROP TABLE enquiries"}); err == nil || !strings.Contains(err.Error(), "unknown sort") {
		t.Errorf("EnquiryPage(bad sort) = %v, want unknown sort", err)
	}
}

// TestContactPageSorted: a list's contacts sort by a whitelisted column
// either way; the default stays the order of import.
func TestContactPageSorted(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	err := s.ImportList(ctx, "mayors", false, func(li *ListImport) error {
		for i, c := range [][2]string{{"b@x.example", "Zoe"}, {"c@x.example", "Ana"}, {"a@x.example", "Ana"}} {
			row := &ContactRow{Email: c[0], Key: c[0]}
			row.Known[0], row.Has[0] = c[1], true
			if _, _, err := li.Upsert(row, i+2); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	emails := func(q ContactQuery) string {
		t.Helper()
		q.List = "mayors"
		page, _, err := s.ContactPage(ctx, q)
		if err != nil {
			t.Fatalf("ContactPage(%+v) = %v", q, err)
		}
		var out []string
		for _, c := range page {
			out = append(out, c.Email)
		}
		return strings.Join(out, " ")
	}
	for _, c := range []struct {
		q    ContactQuery
		want string
	}{
		{ContactQuery{}, "b@x.example c@x.example a@x.example"},
		{ContactQuery{Sort: "email"}, "a@x.example b@x.example c@x.example"},
		{ContactQuery{Sort: "email", Desc: true}, "c@x.example b@x.example a@x.example"},
		{ContactQuery{Sort: "name"}, "c@x.example a@x.example b@x.example"}, // Ana, Ana (import order), Zoe
		{ContactQuery{Sort: "name", Desc: true}, "b@x.example a@x.example c@x.example"},
		{ContactQuery{Sort: "email", Limit: 1, Offset: 1}, "b@x.example"},
	} {
		if got := emails(c.q); got != c.want {
			t.Errorf("ContactPage(sort %q desc %v) = %s, want %s", c.q.Sort, c.q.Desc, got, c.want)
		}
	}
	_, _, err = s.ContactPage(ctx, ContactQuery{List: "mayors", Sort: "fields"})
	if err == nil || !strings.Contains(err.Error(), "unknown sort") {
		t.Errorf("ContactPage(bad sort) = %v, want unknown sort", err)
	}
}
