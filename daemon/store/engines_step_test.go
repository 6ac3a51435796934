package store

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestMigrationsInStep: every SQLite migration has its PostgreSQL twin,
// by the same name, and no twin lacks its SQLite file.
func TestMigrationsInStep(t *testing.T) {
	sqliteOnly(t) // reads the embedded files: once is enough
	lite, err := migrationsIn(sqliteMigrations)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := migrationsIn(postgresMigrations)
	if err != nil {
		t.Fatal(err)
	}
	names := func(ms []migration) (out []string) {
		for _, m := range ms {
			out = append(out, m.name)
		}
		return out
	}
	if a, b := names(lite), names(pg); !slices.Equal(a, b) {
		t.Errorf("migrations %v and migrations_pg %v differ: add the PostgreSQL twin of each SQLite migration", a, b)
	}
}

// bothEngines opens an empty SQLite store and an empty PostgreSQL one:
// tests that compare the engines run in the PostgreSQL pass.
func bothEngines(t *testing.T) (lite, pg *Store) {
	t.Helper()
	if testEngine != "postgres" {
		t.Skip("compares the engines: runs in the PostgreSQL pass")
	}
	ctx := context.Background()
	lite, err := Open(ctx, filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lite.Close() })
	return lite, openTest(t)
}

// TestEnginesInStep: the two schemas have the same tables, columns and
// indexes, and the same calls of the store's API leave the same rows in
// every table of both (times aside: they are the moment of each call).
func TestEnginesInStep(t *testing.T) {
	lite, pg := bothEngines(t)
	ctx := context.Background()
	ls, err := lite.schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := pg.schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ls, ps) {
		t.Errorf("tables and columns differ:\nSQLite     %v\nPostgreSQL %v", ls, ps)
	}
	if li, pi := indexes(t, lite), indexes(t, pg); !slices.Equal(li, pi) {
		t.Errorf("indexes differ:\nSQLite     %v\nPostgreSQL %v", li, pi)
	}
	exercise(t, lite)
	exercise(t, pg)
	ld, pd := dump(t, lite, true), dump(t, pg, true)
	for _, tb := range ls {
		if len(ld[tb.name]) == 0 {
			t.Errorf("exercise leaves table %s empty: make it write there too, so both engines are compared on it", tb.name)
		}
		if !slices.Equal(ld[tb.name], pd[tb.name]) {
			t.Errorf("table %s differs:\nSQLite     %q\nPostgreSQL %q", tb.name, ld[tb.name], pd[tb.name])
		}
	}
}

// TestCopyToPostgres: migrate-store's copy holds every row of every
// table, times and ids included, and PostgreSQL numbers new rows after
// the copied ones.
func TestCopyToPostgres(t *testing.T) {
	lite, pg := bothEngines(t)
	ctx := context.Background()
	exercise(t, lite)
	want := dump(t, lite, false)
	lite.Close()
	pg.Close()
	counts, err := CopyToPostgres(ctx, lite.Path(), pg.Path())
	if err != nil {
		t.Fatalf("CopyToPostgres() = %v", err)
	}
	for _, c := range counts {
		if int64(len(want[c.Table])) != c.Rows {
			t.Errorf("copied %s: %d rows; the source has %d", c.Table, c.Rows, len(want[c.Table]))
		}
	}
	if len(counts) != len(want) {
		t.Errorf("copied %d tables; the source has %d", len(counts), len(want))
	}
	cp, err := Open(ctx, pg.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	got := dump(t, cp, false)
	for name, rows := range want {
		if !slices.Equal(rows, got[name]) {
			t.Errorf("table %s after the copy:\n got %q\nwant %q", name, got[name], rows)
		}
	}
	// The sequences go on after the copied ids.
	var id int64
	err = cp.Inbox(ctx, func(tx *InboxTx) error {
		id, err = tx.AddMessage(MessageRow{Account: "a", Direction: "out", MessageID: "new@x", Hash: "h", From: "a@x", Subject: "s", Kind: "ack"})
		return err
	})
	if err != nil || id != int64(len(want["messages"])+1) {
		t.Errorf("AddMessage after the copy = id %d, %v; want %d", id, err, len(want["messages"])+1)
	}
	if _, err := CopyToPostgres(ctx, lite.Path(), pg.Path()); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("second CopyToPostgres() = %v; want it refused: the database is not empty", err)
	}
}

// exercise writes through the store's API into every table.
func exercise(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	check := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s on %s: %v", what, map[bool]string{false: "SQLite", true: "PostgreSQL"}[s.pg], err)
		}
	}
	check("SetRuntime", s.SetRuntime(ctx, "k", "v"))
	check("AddCaptured", s.AddCaptured(ctx, CapturedMessage{From: "a@x", To: []string{"b@y", "c@z"}, Subject: "Hi",
		MessageID: "m1@x", ReceivedAt: time.Unix(1700000000, 0), Raw: []byte("Subject: Hi\r\n\r\n\x00\xff body")}))
	importRows(t, s, "mayors", false, row("Ana@City.example", "Ana", Field{Name: "desk", Value: "Europe"}),
		row("bob@city.example", "Bob"), row("jürgen@Bücher.example", "Jürgen"))
	check("CreateList", s.CreateList(ctx, "ngos", "habitat", "cli:ana"))
	_, err := s.SetMemberStatus(ctx, "bob@city.example", []string{"mayors"}, "unsubscribed", "cli:ana", "asked")
	check("SetMemberStatus", err)
	ok, err := s.ReserveSend(ctx, "habitat", "2026-03-01", 5)
	check("ReserveSend", err)
	if !ok {
		t.Fatal("ReserveSend refused under the cap")
	}
	// One token per 10,000 hours: both engines write the same slot
	// (a slot of a second would differ by the time between them).
	_, ok, err = s.TakeRateToken(ctx, "habitat", 1, 10000*time.Hour)
	check("TakeRateToken", err)
	if !ok {
		t.Fatal("TakeRateToken refused the first token of a slot")
	}
	_, ok, err = s.TakeLease(ctx, "inbox habitat/INBOX", "1@a", time.Minute)
	check("TakeLease", err)
	if !ok {
		t.Fatal("TakeLease refused a free lease")
	}
	var enquiryRef string
	check("Inbox", s.Inbox(ctx, func(tx *InboxTx) error {
		if err := tx.SetMark("habitat", "INBOX", 4000000000, 7); err != nil {
			return err
		}
		ref, err := tx.NextRef("GCCM")
		if err != nil {
			return err
		}
		enquiryRef = ref
		eid, err := tx.AddEnquiry(Enquiry{Ref: ref, Account: "habitat", Mailbox: "INBOX", From: "ana@city.example",
			Subject: "Visa", Category: "visa", ReceivedAt: time.Unix(1700000100, 0)})
		if err != nil {
			return err
		}
		mid, err := tx.AddMessage(MessageRow{Account: "habitat", Direction: "in", Mailbox: "INBOX", UIDValidity: 4000000000,
			UID: 7, MessageID: "q1@city", Hash: "abc", From: "ana@city.example", Recipients: []string{"info@habitat"},
			Subject: "Visa", Kind: "enquiry", EnquiryID: eid, Date: time.Unix(1700000050, 0)})
		if err != nil {
			return err
		}
		if err := tx.AddAutoReply("habitat", "Ana+x@City.example", "ack", "ack1@habitat", time.Unix(1700000200, 0)); err != nil {
			return err
		}
		return tx.AddAction(Action{Account: "habitat", Mailbox: "INBOX", UIDValidity: 4000000000, UID: 7, Kind: "ack", Arg: "{}", Message: mid})
	}))
	_, err = s.SetEnquiryCategory(ctx, enquiryRef, "programme", "web:alice")
	check("SetEnquiryCategory", err)
	run, err := s.StartRun(ctx, "invite", time.Unix(1700001000, 0))
	check("StartRun", err)
	ana, err := s.ContactByEmail(ctx, "ana@city.example")
	check("ContactByEmail", err)
	bob, err := s.ContactByEmail(ctx, "bob@city.example")
	check("ContactByEmail", err)
	check("AddPlanned", s.AddPlanned(ctx, "invite", run, []PlannedRow{
		{ContactID: ana.ID, Email: ana.Email, State: DeliveryPending, MessageID: "w1@habitat"},
		{ContactID: bob.ID, Email: bob.Email, State: DeliverySkipped, Reason: "unsubscribed", MessageID: "w2@habitat"},
	}))
	var ids []int64
	var cur DueCursor
	due, err := s.Due(ctx, "invite", &cur, 10)
	check("Due", err)
	for _, d := range due {
		ids = append(ids, d.ID)
	}
	_, err = s.CommitDeliveries(ctx, nil, ids)
	check("CommitDeliveries(mark)", err)
	_, err = s.CommitDeliveries(ctx, []DeliveryOutcome{{ID: ids[0], State: DeliverySent, Reason: "250 ok"}}, nil)
	check("CommitDeliveries(sent)", err)
	check("MarkPlanned", s.MarkPlanned(ctx, "invite", run))
	ok, _, err = s.AcquireLease(ctx, "invite", "node-1", time.Minute)
	check("AcquireLease", err)
	if !ok {
		t.Fatal("AcquireLease refused on a free wave")
	}
}

// indexes lists the index names of herald's tables, without those the
// engines make for keys (SQLite's autoindexes, PostgreSQL's _pkey and
// _key).
func indexes(t *testing.T, s *Store) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if s.pg {
		q = `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()
			AND indexname NOT LIKE '%\_pkey' AND indexname NOT LIKE '%\_key' ORDER BY indexname`
	}
	var out []string
	rows, err := s.db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

// stamp is a stored time (ts), replaced by dump when times are masked.
var stamp = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)

// dump reads every row of every table as text, in a fixed order; with
// maskTimes, stored times read "<time>".
func dump(t *testing.T, s *Store, maskTimes bool) map[string][]string {
	t.Helper()
	tables, err := s.schema(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, tb := range tables {
		rows, err := s.db.Query(`SELECT ` + strings.Join(tb.cols, ", ") + ` FROM ` + tb.name)
		if err != nil {
			t.Fatalf("dump %s: %v", tb.name, err)
		}
		out[tb.name] = []string{}
		for rows.Next() {
			vals := make([]any, len(tb.cols))
			dest := make([]any, len(vals))
			for i := range vals {
				dest[i] = &vals[i]
			}
			if err := rows.Scan(dest...); err != nil {
				t.Fatalf("dump %s: %v", tb.name, err)
			}
			var line []string
			for i, v := range vals {
				var text string
				switch v := v.(type) {
				case nil:
					text = "NULL"
				case []byte:
					text = fmt.Sprintf("%q", v)
				default:
					text = fmt.Sprint(v)
				}
				if maskTimes {
					text = stamp.ReplaceAllString(text, "<time>")
				}
				line = append(line, tb.cols[i]+"="+text)
			}
			out[tb.name] = append(out[tb.name], strings.Join(line, " "))
		}
		rows.Close()
		slices.Sort(out[tb.name])
	}
	return out
}
