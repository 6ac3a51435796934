package store

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// importRows imports rows (email, name) into list through ListImport.
func importRows(t *testing.T, s *Store, list string, dryRun bool, rows ...ContactRow) []Outcome {
	t.Helper()
	var out []Outcome
	err := s.ImportList(context.Background(), list, dryRun, func(li *ListImport) error {
		for i := range rows {
			r := &rows[i]
			if r.Key == "" {
				k, err := EmailKey(r.Email)
				if err != nil {
					return err
				}
				r.Key = k
			}
			o, _, err := li.Upsert(r, i+2)
			if err != nil {
				return err
			}
			out = append(out, o)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("ImportList(%s) = %v", list, err)
	}
	return out
}

func row(email, name string, fields ...Field) ContactRow {
	r := ContactRow{Email: email, Fields: fields}
	r.Known[ColName], r.Has[ColName] = name, true
	return r
}

func TestEmailKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Amina.Diallo@Dakar.Example", "amina.diallo@dakar.example"},
		{"jürgen@Bücher.example", "jürgen@xn--bcher-kva.example"},
		{"JÜRGEN@xn--bcher-kva.EXAMPLE", "jürgen@xn--bcher-kva.example"},
		{"a@[192.0.2.1]", "a@[192.0.2.1]"},
	}
	for _, tt := range tests {
		if got, err := EmailKey(tt.in); err != nil || got != tt.want {
			t.Errorf("EmailKey(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"nobody", "a@", "@b.org", "a@b_c.org", "a@-b.org"} {
		if got, err := EmailKey(bad); err == nil {
			t.Errorf("EmailKey(%q) = %q, want an error", bad, got)
		}
	}
}

func TestEncodeFieldsRoundTrips(t *testing.T) {
	fields := []Field{{"a", `quote " back \ slash`}, {"b", "line\nbreak\ttab\x01"}, {"c", "é ü 中"}, {"d", "\u2028"}}
	m := map[string]string{}
	for _, f := range fields {
		m[f.Name] = f.Value
	}
	var back map[string]string
	if err := json.Unmarshal([]byte(encodeFields(fields)), &back); err != nil {
		t.Fatalf("encodeFields() is not JSON: %v", err)
	}
	if len(back) != len(m) {
		t.Fatalf("round trip = %v, want %v", back, m)
	}
	for k, v := range m {
		if back[k] != v {
			t.Errorf("round trip [%s] = %q, want %q", k, back[k], v)
		}
	}
	got, err := mergeFields(encodeFields(fields[:2]), []Field{{"b", "new"}, {"z", "added"}}, nil)
	if err != nil || got != `{"a":"quote \" back \\ slash","b":"new","z":"added"}` {
		t.Errorf("mergeFields() = %s, %v", got, err)
	}
	got, err = mergeFields(got, nil, []string{"b", "absent"})
	if err != nil || got != `{"a":"quote \" back \\ slash","z":"added"}` {
		t.Errorf("mergeFields() clearing b = %s, %v", got, err)
	}
}

func TestImportOutcomesAndStatusKept(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	got := importRows(t, s, "mayors", false,
		row("bart@mechelen.example", "Bart Somers", Field{"desk", "Europe"}),
		row("maire@montreal.example", "Valérie Plante"),
		row("BART@mechelen.example", "Bart"))
	want := []Outcome{Added, Added, Duplicate}
	if !slices.Equal(got, want) {
		t.Fatalf("outcomes = %v, want %v", got, want)
	}
	if _, err := s.SetMemberStatus(ctx, "Maire@Montreal.example", nil, StatusUnsubscribed, "cli:test", "asked by phone"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`UPDATE contacts SET bounced = 1 WHERE email_key = 'bart@mechelen.example'`); err != nil {
		t.Fatal(err)
	}
	// Re-import: one changed name, one identical row, one new address.
	got = importRows(t, s, "mayors", false,
		row("bart@mechelen.example", "Bart Somers"),
		row("maire@montreal.example", "Valérie Plante (Mairesse)"),
		row("alcaldia@barcelona.example", "Ada Colau"))
	want = []Outcome{Unchanged, Updated, Added}
	if !slices.Equal(got, want) {
		t.Fatalf("re-import outcomes = %v, want %v", got, want)
	}
	c, err := s.Contact(ctx, "bart@MECHELEN.example")
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != StatusBounced || !c.Bounced || c.Fields["desk"] != "Europe" {
		t.Errorf("bart after re-import: status %q bounced %v fields %v; want bounced and desk kept", c.Status, c.Bounced, c.Fields)
	}
	m, err := s.Contact(ctx, "maire@montreal.example")
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != StatusUnsubscribed || m.Name != "Valérie Plante (Mairesse)" {
		t.Errorf("maire after re-import: status %q name %q; want unsubscribed, name updated", m.Status, m.Name)
	}
	if len(m.Events) != 1 || m.Events[0].Kind != "unsubscribed" || m.Events[0].Actor != "cli:test" ||
		m.Events[0].List != "mayors" || m.Events[0].Detail != "asked by phone" || m.Events[0].At.IsZero() {
		t.Errorf("events = %+v, want one unsubscribed by cli:test", m.Events)
	}
}

func TestImportDryRunWritesNothing(t *testing.T) {
	s := openTest(t)
	importRows(t, s, "press", true, row("desk@reuters.example", "Reuters"))
	lists, err := s.Lists(context.Background())
	if err != nil || len(lists) != 0 {
		t.Errorf("Lists() after a dry run = %v, %v; want none", lists, err)
	}
	// The temporary table of the rolled-back import does not linger.
	importRows(t, s, "press", false, row("desk@reuters.example", "Reuters"))
}

func TestListCountsAndStreams(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	importRows(t, s, "mayors", false,
		row("a@x.example", "A", Field{"desk", "Africa"}), row("b@x.example", "B"), row("c@x.example", "C", Field{"zone", "2"}),
		row("d@x.example", "D"))
	importRows(t, s, "ministries", false, row("a@x.example", "A"))
	s.SetMemberStatus(ctx, "b@x.example", []string{"mayors"}, StatusUnsubscribed, "cli:test", "")
	s.db.Exec(`UPDATE contacts SET bounced = 1 WHERE email_key = 'c@x.example'`)
	s.db.Exec(`UPDATE contacts SET rsvp = 'accepted' WHERE email_key IN ('a@x.example', 'b@x.example')`)
	s.db.Exec(`UPDATE contacts SET rsvp = 'maybe' WHERE email_key = 'd@x.example'`)

	got, err := s.Lists(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []ListCounts{
		{Name: "mayors", Contacts: 4, Subscribed: 2, Unsubscribed: 1, Bounced: 1, RSVP: RSVPCounts{Accepted: 2, Maybe: 1, None: 1}},
		{Name: "ministries", Contacts: 1, Subscribed: 1, RSVP: RSVPCounts{Accepted: 1}},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Lists() = %+v\nwant %+v", got, want)
	}

	var members []string
	err = s.Members(ctx, "mayors", func(c Contact) error {
		members = append(members, c.Email+":"+c.Status)
		return nil
	})
	if wantM := []string{"a@x.example:subscribed", "b@x.example:unsubscribed", "c@x.example:bounced", "d@x.example:subscribed"}; err != nil || !slices.Equal(members, wantM) {
		t.Errorf("Members() = %v, %v; want %v", members, err, wantM)
	}
	for status, want := range map[string]string{"": "a b c d", StatusSubscribed: "a d", StatusUnsubscribed: "b", StatusBounced: "c"} {
		var got []string
		if err := s.ExportList(ctx, "mayors", status, func(c Contact) error {
			got = append(got, strings.TrimSuffix(c.Email, "@x.example"))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("ExportList(%q) = %v, want %s", status, got, want)
		}
	}
	if fields, err := s.ListFields(ctx, "mayors"); err != nil || !slices.Equal(fields, []string{"desk", "zone"}) {
		t.Errorf("ListFields() = %v, %v", fields, err)
	}
	if err := s.Members(ctx, "nope", func(Contact) error { return nil }); !errors.Is(err, ErrNoList) {
		t.Errorf("Members(nope) = %v, want ErrNoList", err)
	}
}

func TestSetMemberStatus(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	importRows(t, s, "mayors", false, row("a@x.example", "A"))
	importRows(t, s, "ministries", false, row("a@x.example", "A"))

	changed, err := s.SetMemberStatus(ctx, "A@X.example", nil, StatusUnsubscribed, "cli:root", "")
	if err != nil || !slices.Equal(changed, []string{"mayors", "ministries"}) {
		t.Fatalf("unsubscribe all = %v, %v", changed, err)
	}
	if changed, err = s.SetMemberStatus(ctx, "a@x.example", nil, StatusUnsubscribed, "cli:root", ""); err != nil || len(changed) != 0 {
		t.Errorf("second unsubscribe = %v, %v; want nothing changed", changed, err)
	}
	if changed, err = s.SetMemberStatus(ctx, "a@x.example", []string{"ministries"}, StatusSubscribed, "cli:root", "phoned"); err != nil || !slices.Equal(changed, []string{"ministries"}) {
		t.Errorf("resubscribe ministries = %v, %v", changed, err)
	}
	if _, err := s.SetMemberStatus(ctx, "a@x.example", []string{"press"}, StatusSubscribed, "cli:root", ""); err == nil {
		t.Error("SetMemberStatus(list it is not on) = nil, want an error")
	}
	if _, err := s.SetMemberStatus(ctx, "nobody@x.example", nil, StatusSubscribed, "cli:root", ""); !errors.Is(err, ErrNoContact) {
		t.Errorf("SetMemberStatus(nobody) = %v, want ErrNoContact", err)
	}
	c, err := s.Contact(ctx, "a@x.example")
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != StatusSubscribed || len(c.Events) != 3 || c.Events[2].Kind != "resubscribed" || c.Events[2].Detail != "phoned" {
		t.Errorf("contact = status %q events %+v", c.Status, c.Events)
	}
	s.db.Exec(`UPDATE contacts SET bounced = 1`)
	if ok, err := s.ClearBounce(ctx, "a@x.example", "cli:root", ""); !ok || err != nil {
		t.Errorf("ClearBounce() = %v, %v", ok, err)
	}
	if ok, err := s.ClearBounce(ctx, "a@x.example", "cli:root", ""); ok || err != nil {
		t.Errorf("second ClearBounce() = %v, %v; want false", ok, err)
	}
	if _, err := s.Contact(ctx, "nobody@x.example"); !errors.Is(err, ErrNoContact) {
		t.Errorf("Contact(nobody) = %v, want ErrNoContact", err)
	}
}
