package lists

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/herald-mail/herald/daemon/store"
)

// textFile writes rows as a spreadsheet would save them: the separator,
// the line ends ("\r\n", "\n" or "\r"), then the encoding (nil: UTF-8).
func textFile(t *testing.T, rows [][]string, sep rune, eol string, enc encoding.Encoding) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = sep
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	out := strings.ReplaceAll(b.String(), "\n", eol)
	if enc == nil {
		return []byte(out)
	}
	enc2, err := enc.NewEncoder().String(out)
	if err != nil {
		t.Fatalf("encode %q: %v", out, err)
	}
	return []byte(enc2)
}

// workbook writes sheets of rows into an .xlsx file, as Excel would.
func workbook(t *testing.T, sheets map[string][][]any, order ...string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range order {
		if i == 0 {
			f.SetSheetName("Sheet1", name)
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sheets[name] {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var (
	utf16BOM = xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM)
	utf16LE  = xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM)
	utf8BOM  = xunicode.UTF8BOM
)

// frRows is a French secretariat's list: Excel's French headers, a bad
// address on line 4.
var frRows = [][]string{
	{"Adresse e-mail", "Prénom", "Nom", "Organisme", "Langue", "Pays", "Remarque"},
	{"maire@montreal.example", "Valérie", "Plante", "Ville de Montréal", "Français", "Canada", "Présidente, « C40 »"},
	{"alcaldia@barcelona.example", "Jaume", "Collboni", "Ajuntament", "Español", "España", ""},
	{"pas-une-adresse", "Ève", "Nœud", "", "", "", ""},
	{"bart@mechelen.example", "Bart", "Somers", "Stad Mechelen", "anglais", "Belgique", "déjà invité"},
}

// TestContactFiles is the table of files as organisers export them: each
// is imported into a fresh database and must give the same contacts, the
// bad row reported with its line, and say what was guessed.
func TestContactFiles(t *testing.T) {
	tests := []struct {
		name     string
		data     []byte
		opt      Options
		added    int
		rejected map[int]string
		assumed  string // part of a note, "" for none at all
		format   string // part of Format.String()
	}{
		{name: "Excel CSV UTF-8 (BOM, comma, CRLF)", data: textFile(t, frRows, ',', "\r\n", utf8BOM),
			added: 3, rejected: map[int]string{4: "not an email address"}, format: "UTF-8 with BOM, separator ',', CRLF"},
		{name: "French Excel CSV (Windows-1252, semicolon, CRLF)", data: textFile(t, frRows, ';', "\r\n", charmap.Windows1252),
			added: 3, rejected: map[int]string{4: "not an email"}, assumed: "read as Windows-1252, separator ';'"},
		{name: "ISO-8859-1 (no œ, read as Windows-1252)", data: textFile(t, latin1Rows(), ';', "\n", charmap.ISO8859_1),
			added: 3, rejected: map[int]string{4: "not an email"}, assumed: "read as Windows-1252"},
		{name: "Excel Unicode text (UTF-16LE BOM, tab)", data: textFile(t, frRows, '\t', "\r\n", utf16BOM),
			added: 3, rejected: map[int]string{4: "not an email"}, format: "UTF-16LE, separator tab"},
		{name: "UTF-16LE without BOM", data: textFile(t, frRows, '\t', "\r\n", utf16LE),
			added: 3, rejected: map[int]string{4: "not an email"}, assumed: "read as UTF-16LE, separator tab"},
		{name: "old Mac Excel (Mac Roman, CR)", data: textFile(t, frRows, ',', "\r", charmap.Macintosh),
			added: 3, rejected: map[int]string{4: "not an email"}, assumed: "read as Mac Roman", format: "CR"},
		{name: "CR only, UTF-8", data: textFile(t, frRows, ';', "\r", nil),
			added: 3, rejected: map[int]string{4: "not an email"}, format: "UTF-8, separator ';', CR"},
		{name: "Excel sep= line", data: append([]byte("sep=;\r\n"), textFile(t, frRows, ';', "\r\n", nil)...),
			added: 3, rejected: map[int]string{5: "not an email"}},
		{name: "Google Sheets TSV", data: textFile(t, frRows, '\t', "\n", nil),
			added: 3, rejected: map[int]string{4: "not an email"}},
		{name: "title lines above the header", data: append([]byte("Liste des maires;;;;;;\n;;;;;;\n"),
			textFile(t, frRows, ';', "\n", nil)...),
			added: 3, rejected: map[int]string{6: "not an email"}, assumed: "header on line 3"},
		{name: "workbook, first sheet", data: workbook(t, map[string][][]any{
			"Maires": sheetRows(frRows), "Autres": {{"email"}, {"x@y.example"}}}, "Maires", "Autres"),
			added: 3, rejected: map[int]string{4: "not an email"}, format: "sheet Maires"},
		{name: "workbook, --sheet", data: workbook(t, map[string][][]any{
			"Autres": {{"email"}, {"x@y.example"}}, "Maires": append([][]any{{"Invités 2025"}, {}}, sheetRows(frRows)...)},
			"Autres", "Maires"),
			opt: Options{Sheet: "Maires"}, added: 3, rejected: map[int]string{6: "not an email"}, assumed: "header on line 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			rep, err := Import(context.Background(), st, "mayors", bytes.NewReader(tt.data), tt.opt)
			if err != nil {
				t.Fatalf("Import() = %v", err)
			}
			t.Logf("format %s; assumed %q; rejected %v", rep.Format, rep.Assumed, rep.Rejected)
			checkReport(t, rep, tt.added, tt.rejected)
			notes := strings.Join(rep.Assumed, "\n")
			if tt.assumed != "" && !strings.Contains(notes, tt.assumed) || tt.assumed == "" && strings.Contains(notes, "read as") {
				t.Errorf("assumed = %q, want %q", notes, tt.assumed)
			}
			if !strings.Contains(rep.Format.String(), tt.format) {
				t.Errorf("format = %q, want %q", rep.Format, tt.format)
			}
			c := contact(t, st, "maire@montreal.example")
			if c.Name != "Valérie Plante" || c.Language != "fr" || c.Organisation != "Ville de Montréal" ||
				c.Country != "Canada" || c.Fields["Prénom"] != "Valérie" {
				t.Errorf("contact = %+v", c.Contact)
			}
			if tt.name != "ISO-8859-1 (no œ, read as Windows-1252)" && c.Fields["Remarque"] != "Présidente, « C40 »" {
				t.Errorf("Remarque = %q", c.Fields["Remarque"])
			}
			if c := contact(t, st, "alcaldia@barcelona.example"); c.Language != "es" || c.Name != "Jaume Collboni" {
				t.Errorf("contact = %+v", c.Contact)
			}
		})
	}
}

func checkReport(t *testing.T, rep Report, added int, rejected map[int]string) {
	t.Helper()
	if rep.Added != added {
		t.Errorf("added = %d, want %d (report %+v)", rep.Added, added, rep)
	}
	if len(rep.Rejected) != len(rejected) {
		t.Errorf("rejected = %+v, want lines %v", rep.Rejected, rejected)
	}
	for _, r := range rep.Rejected {
		if want, ok := rejected[r.Line]; !ok || !strings.Contains(r.Reason, want) {
			t.Errorf("rejected line %d: %q, want %q", r.Line, r.Reason, want)
		}
	}
}

// latin1Rows are frRows without what ISO-8859-1 lacks (œ, « »).
func latin1Rows() [][]string {
	var out [][]string
	for _, r := range frRows {
		r = append([]string(nil), r...)
		for i := range r {
			r[i] = strings.NewReplacer("œ", "oe", "« ", "", " »", "").Replace(r[i])
		}
		out = append(out, r)
	}
	return out
}

func sheetRows(rows [][]string) [][]any {
	var out [][]any
	for _, r := range rows {
		var a []any
		for _, c := range r {
			a = append(a, c)
		}
		out = append(out, a)
	}
	return out
}

// TestColumnNames: headers as the contact exports of Outlook and Google
// and Spanish spreadsheets write them, and --map for the rest.
func TestColumnNames(t *testing.T) {
	tests := []struct {
		name, csv string
		opt       Options
		want      store.Contact
		fields    map[string]string
		assumed   string
	}{{
		name: "Outlook",
		csv: "First Name,Last Name,Title,Job Title,Company,E-mail Address,Business City,Business Country/Region\n" +
			"Erias,Lukwago,Mr.,Lord Mayor,KCCA,mayor@kampala.example,Kampala,Uganda\n",
		want:    store.Contact{Name: "Erias Lukwago", Title: "Mr.", Organisation: "KCCA", City: "Kampala", Country: "Uganda"},
		fields:  map[string]string{"Job Title": "Lord Mayor", "First Name": "Erias"},
		assumed: `column "Job Title" kept as a custom field`,
	}, {
		name: "Google Contacts",
		csv: "Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value,Organization 1 - Name,Organization 1 - Title\n" +
			"Ada Colau,Ada,Colau,* Work,alcaldia@barcelona.example,Ajuntament,Alcaldesa\n",
		want:   store.Contact{Name: "Ada Colau", Organisation: "Ajuntament", Title: "Alcaldesa"},
		fields: map[string]string{"E-mail 1 - Type": "* Work"},
	}, {
		name: "Spanish",
		csv: "Correo electrónico;Nombre;Apellidos;Organización;Cargo;Ciudad;País;Idioma\n" +
			"alcaldia@barcelona.example;Ada;Colau Ballano;Ajuntament;Alcaldesa;Barcelona;España;Castellano\n",
		want: store.Contact{Name: "Ada Colau Ballano", Organisation: "Ajuntament", Title: "Alcaldesa", City: "Barcelona",
			Country: "España", Language: "es"},
		fields: map[string]string{"Nombre": "Ada", "Apellidos": "Colau Ballano"},
	}, {
		name: "--map",
		csv:  "Contact principal,Structure,Remarque,Interne\n\"mailto:alcaldia@barcelona.example\",Ajuntament,vip,x\n",
		opt:  Options{Map: map[string]string{"contact principal": "email", "Structure": "Entité", "interne": "-"}},
		want: store.Contact{}, fields: map[string]string{"Entité": "Ajuntament", "Remarque": "vip"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			rep, err := Import(context.Background(), st, "l", strings.NewReader(tt.csv), tt.opt)
			if err != nil || rep.Added != 1 {
				t.Fatalf("Import() = %+v, %v", rep, err)
			}
			email := "mayor@kampala.example"
			if tt.name != "Outlook" {
				email = "alcaldia@barcelona.example"
			}
			c := contact(t, st, email).Contact
			got := store.Contact{Name: c.Name, Title: c.Title, Organisation: c.Organisation, City: c.City,
				Country: c.Country, Language: c.Language}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("contact = %+v, want %+v", got, tt.want)
			}
			for k, v := range tt.fields {
				if c.Fields[k] != v {
					t.Errorf("field %q = %q, want %q (fields %v)", k, c.Fields[k], v, c.Fields)
				}
			}
			if len(c.Fields) != len(tt.fields) && tt.name != "Google Contacts" && tt.name != "Outlook" {
				t.Errorf("fields = %v, want %v", c.Fields, tt.fields)
			}
			if notes := strings.Join(rep.Assumed, "\n"); !strings.Contains(notes, tt.assumed) {
				t.Errorf("assumed = %q, want %q", notes, tt.assumed)
			}
		})
	}
}

func TestMapUnknownColumn(t *testing.T) {
	st := openStore(t)
	_, err := Import(context.Background(), st, "l", strings.NewReader("Courriel\na@x.example\n"),
		Options{Map: map[string]string{"Mail pro": "email"}})
	if err == nil || !strings.Contains(err.Error(), `--map Mail pro=email: the header has no column "Mail pro"`) {
		t.Fatalf("Import() = %v", err)
	}
	_, err = Import(context.Background(), st, "l", strings.NewReader("email\na@x.example\n"), Options{Sheet: "x"})
	if err == nil || !strings.Contains(err.Error(), "not a workbook") {
		t.Fatalf("Import(--sheet of a CSV) = %v", err)
	}
	_, err = Import(context.Background(), st, "l", bytes.NewReader(workbook(t, map[string][][]any{"A": {{"email"}}}, "A")),
		Options{Sheet: "B"})
	if err == nil || !strings.Contains(err.Error(), "--sheet B: the workbook has no such sheet (it has: A)") {
		t.Fatalf("Import(--sheet B) = %v", err)
	}
}

// TestTextOneByteAtATime: line ends and encodings are undone the same
// whatever chunks the input comes in (a CR at the end of one read and its
// LF at the start of the next is one line end), and a file mixing UTF-8
// and Windows-1252 lines is read line by line.
func TestTextOneByteAtATime(t *testing.T) {
	for _, tt := range []struct {
		name, in, want, enc string
		guessed             bool
	}{
		{"CRLF", "a\r\nb\r\n", "a\r\nb\r\n", encUTF8, false},
		{"CR", "a\rb\r", "a\nb\n", encUTF8, false},
		{"mixed", "Val\xc3\xa9rie\r\nJos\xe9\r\n", "Valérie\r\nJosé\r\n", encMixed1252, true},
		{"UTF-16 BOM", "\xff\xfea\x00\r\x00\n\x00\xe9\x00", "a\r\né", encUTF16LE, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			txt := openText(iotest.OneByteReader(strings.NewReader(tt.in)))
			got, err := io.ReadAll(iotest.OneByteReader(txt))
			if err != nil || string(got) != tt.want {
				t.Errorf("read %q = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			if enc, guessed := txt.Encoding(); enc != tt.enc || guessed != tt.guessed {
				t.Errorf("encoding = %s %v, want %s %v", enc, guessed, tt.enc, tt.guessed)
			}
		})
	}
}
