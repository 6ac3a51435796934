package lists

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/store/storetest"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatalf("store.Open() = %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func importString(t *testing.T, st *store.Store, list, csv string) Report {
	t.Helper()
	rep, err := Import(context.Background(), st, list, strings.NewReader(csv), Options{})
	if err != nil {
		t.Fatalf("Import() = %v", err)
	}
	return rep
}

func contact(t *testing.T, st *store.Store, email string) *store.ContactDetail {
	t.Helper()
	c, err := st.Contact(context.Background(), email)
	if err != nil {
		t.Fatalf("Contact(%s) = %v", email, err)
	}
	return c
}

// TestImportCases is the table of docs/BEHAVIOUR.md §9 edge cases: each file is
// imported into a fresh database, then the report and the stored
// contacts are checked.
func TestImportCases(t *testing.T) {
	tests := []struct {
		name                      string
		csv                       string
		added, updated, unchanged int
		rejected                  map[int]string // line -> part of the reason
		check                     func(t *testing.T, st *store.Store)
	}{{
		name:  "BOM and CRLF",
		csv:   "\ufeffemail,name,language\r\nbart@mechelen.example,Bart Somers,en\r\n",
		added: 1,
		check: func(t *testing.T, st *store.Store) {
			if c := contact(t, st, "bart@mechelen.example"); c.Name != "Bart Somers" || c.Language != "en" {
				t.Errorf("contact = %+v", c.Contact)
			}
		},
	}, {
		name:  "semicolons, as a French or Spanish Excel saves",
		csv:   "email;name;organisation;country\nmaire@montreal.example;Valérie Plante;Ville de Montréal, Québec;CA\n",
		added: 1,
		check: func(t *testing.T, st *store.Store) {
			if c := contact(t, st, "maire@montreal.example"); c.Organisation != "Ville de Montréal, Québec" || c.Country != "CA" {
				t.Errorf("contact = %+v", c.Contact)
			}
		},
	}, {
		name: "quoted newlines keep the line numbers of later records",
		csv: "email,name,address\n" +
			"a@x.example,A,\"Rue de la Loi 1\n1000 Bruxelles\"\n" + // line 2, spans 2-3
			"\"b@x.example\",\"B\",\"one\ntwo\nthree\"\n" + // line 4, spans 4-6
			"not-an-address,C,\"x\ny\"\n" + // line 7
			"d@x.example,\"Name with\nnewline\",\n", // line 9
		added: 3, rejected: map[int]string{7: "not an email address"},
		check: func(t *testing.T, st *store.Store) {
			if c := contact(t, st, "a@x.example"); c.Fields["address"] != "Rue de la Loi 1\n1000 Bruxelles" {
				t.Errorf("address = %q", c.Fields["address"])
			}
			if c := contact(t, st, "d@x.example"); c.Name != "Name with newline" {
				t.Errorf("a name is one line: got %q", c.Name)
			}
		},
	}, {
		name:  "duplicate addresses differing in case: the first row wins",
		csv:   "email,name\nAmina.Diallo@Dakar.example,Amina Diallo\nb@x.example,B\namina.diallo@DAKAR.EXAMPLE,A. Diallo\n",
		added: 2, rejected: map[int]string{4: "duplicate of line 2"},
		check: func(t *testing.T, st *store.Store) {
			if c := contact(t, st, "amina.diallo@dakar.example"); c.Name != "Amina Diallo" || c.Email != "Amina.Diallo@Dakar.example" {
				t.Errorf("contact = %q %q, want the first row", c.Email, c.Name)
			}
		},
	}, {
		name: "invalid addresses with their lines",
		csv: "email,name\n" +
			"Bart Somers <bart@mechelen.example>,Bart\n" + // 2
			"a@x.example, b@x.example,Two\n" + // 3: a list splits into cells; field count
			"\"a@x.example, b@x.example\",Two\n" + // 4
			"bart@mechelen,No dot\n" + // 5
			"bart@mechelen.example (Bart),Comment\n" + // 6
			",No address\n" + // 7
			"a..b@x.example,Dots\n" + // 8
			"ok@x.example,Fine\n" + // 9
			"x@under_score.example,Host\n", // 10
		added: 1,
		rejected: map[int]string{2: "display name", 3: "3 fields, but the header has 2", 4: "several addresses",
			5: "no dot", 6: "comment", 7: "no email address", 8: "not an email address", 10: "not a valid host name"},
	}, {
		name:  "internationalised domain, stored as written, one identity with its A-label form",
		csv:   "email,name\njürgen@bücher.example,Jürgen\nJÜRGEN@xn--BCHER-kva.example,Dup\nanna@例え.テスト,Anna\n",
		added: 2, rejected: map[int]string{3: "duplicate of line 2"},
		check: func(t *testing.T, st *store.Store) {
			if c := contact(t, st, "jürgen@xn--bcher-kva.example"); c.Email != "jürgen@bücher.example" {
				t.Errorf("email = %q, want it as written", c.Email)
			}
			contact(t, st, "anna@xn--r8jz45g.xn--zckzah")
		},
	}, {
		name: "language codes",
		csv: "email,language\na@x.example,FR\nb@x.example,pt_br\nc@x.example,es-419\nd@x.example,Français\ne@x.example,\n" +
			"f@x.example,Spanish\ng@x.example,klingon\nh@x.example,English (UK)\ni@x.example,fra\n",
		added: 8, rejected: map[int]string{8: `language "klingon"`},
		check: func(t *testing.T, st *store.Store) {
			for email, want := range map[string]string{"a@x.example": "fr", "b@x.example": "pt-BR", "c@x.example": "es-419",
				"d@x.example": "fr", "e@x.example": "", "f@x.example": "es", "h@x.example": "en", "i@x.example": "fr"} {
				if c := contact(t, st, email); c.Language != want {
					t.Errorf("%s language = %q, want %q", email, c.Language, want)
				}
			}
		},
	}, {
		name:  "extra columns are fields; export columns and blank rows are ignored",
		csv:   "Email,Name,Organization,Desk,salutation,status,rsvp,bounces\na@x.example,A,Org,Africa,Excellency,unsubscribed,accepted,3\n,,,,,,,\n",
		added: 1,
		check: func(t *testing.T, st *store.Store) {
			c := contact(t, st, "a@x.example")
			if c.Organisation != "Org" || c.Fields["Desk"] != "Africa" || c.Fields["salutation"] != "Excellency" || len(c.Fields) != 2 {
				t.Errorf("contact = %+v", c.Contact)
			}
			if c.Status != store.StatusSubscribed || c.RSVP != "none" || c.Bounces != 0 {
				t.Errorf("a file set a status: %q %q %d", c.Status, c.RSVP, c.Bounces)
			}
		},
	}, {
		name:     "syntax errors reject their row only",
		csv:      "email,name\na@x.example,O\"Brien\nb@x.example,B\n",
		added:    1,
		rejected: map[int]string{2: "unquoted field"},
	}, {
		name:  "a Latin-1 file is read as Windows-1252",
		csv:   "email,name\na@x.example,Val\xe9rie\nb@x.example,B\n",
		added: 2,
		check: func(t *testing.T, st *store.Store) {
			if c := contact(t, st, "a@x.example"); c.Name != "Valérie" {
				t.Errorf("name = %q", c.Name)
			}
		},
	}, {
		name:  "a column without a name is left out, its row kept",
		csv:   "email,,city\na@x.example,,Paris\nb@x.example,note,Lyon\n",
		added: 2,
		check: func(t *testing.T, st *store.Store) {
			if c := contact(t, st, "b@x.example"); c.City != "Lyon" || len(c.Fields) != 0 {
				t.Errorf("contact = %+v", c.Contact)
			}
		},
	}, {
		name: "header only",
		csv:  "email,name\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			rep := importString(t, st, "mayors", tt.csv)
			if rep.Added != tt.added || rep.Updated != tt.updated || rep.Unchanged != tt.unchanged {
				t.Errorf("added/updated/unchanged = %d/%d/%d, want %d/%d/%d", rep.Added, rep.Updated, rep.Unchanged,
					tt.added, tt.updated, tt.unchanged)
			}
			if len(rep.Rejected) != len(tt.rejected) {
				t.Errorf("rejected = %+v, want lines %v", rep.Rejected, tt.rejected)
			}
			for _, r := range rep.Rejected {
				if want, ok := tt.rejected[r.Line]; !ok || !strings.Contains(r.Reason, want) {
					t.Errorf("rejected line %d: %q, want %q", r.Line, r.Reason, want)
				}
			}
			if tt.check != nil {
				tt.check(t, st)
			}
		})
	}
}

func TestImportFileErrors(t *testing.T) {
	tests := []struct{ name, csv, want string }{
		{"empty file", "", "empty"},
		{"BOM only", "\ufeff", "empty"},
		{"no email column", "name,language,city\nBart,en,Mechelen\n", `header "name,language,city" has no email column`},
		{"twice", "email,city,Email\n", "appears twice"},
		{"two email columns", "email,E-mail\n", `columns "email" and "E-mail" (columns 1 and 2) both read as email`},
		{"xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old Excel workbook (.xls)"},
		{"not a workbook", "PK\x03\x04not really a zip", "read workbook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			_, err := Import(context.Background(), st, "mayors", strings.NewReader(tt.csv), Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Import() = %v, want an error with %q", err, tt.want)
			}
			if l, _ := st.Lists(context.Background()); len(l) != 0 {
				t.Errorf("a failed import created lists %v", l)
			}
		})
	}
}

// TestReimportNeverClearsStatus: docs/BEHAVIOUR.md §9, an unsubscribed or bounced
// contact stays so whatever the file says.
func TestReimportNeverClearsStatus(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	first := "email,name,desk\nbart@mechelen.example,Bart Somers,Europe\nmaire@montreal.example,Valérie Plante,Americas\nc@x.example,C,Asia\n"
	importString(t, st, "mayors", first)
	if _, err := st.SetMemberStatus(ctx, "maire@montreal.example", nil, store.StatusUnsubscribed, "cli:test", ""); err != nil {
		t.Fatal(err)
	}
	storetest.MarkBounced(t, st, "bart@mechelen.example")
	rep := importString(t, st, "mayors",
		"email,name,status\nBart@Mechelen.example,Bart Somers,subscribed\nmaire@montreal.example,Valérie Plante,subscribed\nc@x.example,C,\n")
	if rep.Updated != 0 || rep.Unchanged != 3 || rep.Added != 0 {
		t.Errorf("re-import = %+v, want 3 unchanged (an address keeps its first spelling)", rep)
	}
	if c := contact(t, st, "bart@mechelen.example"); c.Status != store.StatusBounced || c.Fields["desk"] != "Europe" {
		t.Errorf("bart = %q %v, want bounced with desk kept", c.Status, c.Fields)
	}
	if c := contact(t, st, "maire@montreal.example"); c.Status != store.StatusUnsubscribed {
		t.Errorf("maire = %q, want unsubscribed", c.Status)
	}
	// A dry run counts the same and writes nothing.
	rep, err := Import(ctx, st, "mayors", strings.NewReader("email,name\nnew@x.example,New\nc@x.example,Changed\n"), Options{DryRun: true})
	if err != nil || rep.Added != 1 || rep.Updated != 1 || !rep.DryRun {
		t.Errorf("dry run = %+v, %v", rep, err)
	}
	if _, err := st.Contact(ctx, "new@x.example"); err == nil {
		t.Error("the dry run wrote a contact")
	}
}

// TestImportNeverErases is the merge rule: a contact on two lists gets
// only some fields from each file. A missing column or an empty cell
// keeps what is stored, a "-" clears it, and the address keeps the
// spelling it was first imported with.
func TestImportNeverErases(t *testing.T) {
	st := openStore(t)
	importString(t, st, "mayors", "email,name,organisation,city,language,desk\n"+
		"Maire@Dakar.example,Soham El Wardini,Ville de Dakar,Dakar,fr,Africa\n"+
		"bart@mechelen.example,Bart Somers,Stad Mechelen,Mechelen,nl,Europe\n")
	// The press list has no organisation or city column, and some cells
	// are empty.
	rep := importString(t, st, "press", "email,name,language,desk,outlet\n"+
		"maire@dakar.example,,,,Le Soleil\n"+
		"BART@Mechelen.example,Bart Somers,,-,\n")
	if rep.Added != 2 || len(rep.Rejected) != 0 {
		t.Errorf("press import = %+v, want 2 added", rep)
	}
	dakar := contact(t, st, "maire@dakar.example")
	if dakar.Email != "Maire@Dakar.example" || dakar.Name != "Soham El Wardini" || dakar.Organisation != "Ville de Dakar" ||
		dakar.City != "Dakar" || dakar.Language != "fr" || dakar.Fields["desk"] != "Africa" || dakar.Fields["outlet"] != "Le Soleil" {
		t.Errorf("dakar after the press import = %+v, want every stored field kept, outlet added and the first spelling", dakar.Contact)
	}
	bart := contact(t, st, "bart@mechelen.example")
	if bart.Email != "bart@mechelen.example" || bart.Organisation != "Stad Mechelen" || bart.City != "Mechelen" {
		t.Errorf("bart after the press import = %+v", bart.Contact)
	}
	if len(bart.Fields) != 0 {
		t.Errorf("bart's fields = %v, want desk cleared by its \"-\" cell and no empty outlet", bart.Fields)
	}
	// "-" clears a known column too; a new contact with "-" gets it empty.
	rep = importString(t, st, "mayors", "email,city,title\nbart@mechelen.example,-,-\nnew@x.example,-,Mayor\n")
	if rep.Updated != 1 || rep.Added != 1 {
		t.Errorf("clearing import = %+v, want 1 updated, 1 added", rep)
	}
	if c := contact(t, st, "bart@mechelen.example"); c.City != "" || c.Organisation != "Stad Mechelen" {
		t.Errorf("bart = %+v, want city cleared, organisation kept", c.Contact)
	}
	if c := contact(t, st, "new@x.example"); c.City != "" || c.Title != "Mayor" {
		t.Errorf("new = %+v, want no city, title Mayor", c.Contact)
	}
}

func TestSyncFileSkipsUnchangedFile(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "mayors.csv")
	os.WriteFile(path, []byte("email,name\na@x.example,A\n"), 0o600)
	if rep, imported, err := SyncFile(ctx, st, "mayors", path); err != nil || !imported || rep.Added != 1 {
		t.Fatalf("first SyncFile() = %+v, %v, %v", rep, imported, err)
	}
	if _, imported, err := SyncFile(ctx, st, "mayors", path); err != nil || imported {
		t.Errorf("SyncFile(unchanged) imported = %v, %v; want skipped", imported, err)
	}
	os.WriteFile(path, []byte("email,name\na@x.example,A\nb@x.example,B\n"), 0o600)
	if rep, imported, err := SyncFile(ctx, st, "mayors", path); err != nil || !imported || rep.Added != 1 || rep.Unchanged != 1 {
		t.Errorf("SyncFile(changed) = %+v, %v, %v", rep, imported, err)
	}
	// A dry run records no hash, so the next sync still imports.
	os.WriteFile(path, []byte("email,name\nc@x.example,C\n"), 0o600)
	if _, err := ImportFile(ctx, st, "mayors", path, true, nil); err != nil {
		t.Fatal(err)
	}
	if _, imported, _ := SyncFile(ctx, st, "mayors", path); !imported {
		t.Error("SyncFile() after a dry run skipped the file")
	}
	if _, _, err := SyncFile(ctx, st, "mayors", filepath.Join(t.TempDir(), "missing.csv")); err == nil {
		t.Error("SyncFile(missing) = nil error")
	}
}

func TestProgress(t *testing.T) {
	st := openStore(t)
	var calls []int
	rep, err := Import(context.Background(), st, "big", strings.NewReader(string(genCSV(2500))),
		Options{ProgressEvery: 1000, Progress: func(rows int) { calls = append(calls, rows) }})
	if err != nil || rep.Added != 2500 {
		t.Fatalf("Import() = %+v, %v", rep.Added, err)
	}
	if want := []int{1000, 2000, 2500}; !slices.Equal(calls, want) {
		t.Errorf("progress calls = %v, want %v", calls, want)
	}
}

func TestImportCancelledWritesNothing(t *testing.T) {
	st := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Import(ctx, st, "big", strings.NewReader(string(genCSV(5000))),
		Options{ProgressEvery: 1000, Progress: func(rows int) {
			if rows == 2000 {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Import(cancelled) = %v, want context.Canceled", err)
	}
	if l, _ := st.Lists(context.Background()); len(l) != 0 {
		t.Errorf("a cancelled import left lists %v", l)
	}
}
