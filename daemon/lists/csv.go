package lists

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/herald-mail/herald/daemon/store"
)

// rowError is a rejected row: the import goes on without it.
type rowError struct {
	line   int
	reason string
}

func (e *rowError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.reason) }

// header is the column layout a header line gives.
type header struct {
	cols   int
	email  int
	known  [store.NumKnown]int // column index, -1 when absent
	fields []fieldCol          // sorted by name
}

type fieldCol struct {
	col  int
	name string
}

// columnAliases maps a header cell, lowercased, to a known column.
var columnAliases = map[string]string{
	"email": "email", "e-mail": "email",
	"name": "name", "language": "language",
	"organisation": "organisation", "organization": "organisation",
	"title": "title", "city": "city", "country": "country",
	// An export's own columns: a status never comes from a file.
	"status": "", "rsvp": "", "bounces": "",
}

// reader turns a CSV stream into contact rows, one at a time.
type reader struct {
	csv *csv.Reader
	hdr header
	row store.ContactRow
}

// newReader skips a byte-order mark, sniffs the separator from the header
// line and reads the header. Its errors are the file's, not a row's.
func newReader(r io.Reader) (*reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		br.Discard(3)
	}
	first, _ := br.Peek(64 << 10) // a header line longer than that is sniffed on its start
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	c := csv.NewReader(br)
	c.Comma = sniff(first)
	c.FieldsPerRecord = -1 // checked per row, so a short row is rejected, not fatal
	c.ReuseRecord = true
	rec, err := c.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("the file is empty; want a header line naming the columns, one of them email")
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	h, err := parseHeader(rec)
	if err != nil {
		return nil, err
	}
	return &reader{csv: c, hdr: h}, nil
}

// sniff picks the separator of a header line: the one of , and ; found
// more often outside quotes; a tie (a one-column file) is a comma.
func sniff(line []byte) rune {
	var commas, semis int
	quoted := false
	for _, b := range line {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == ',':
			commas++
		case b == ';':
			semis++
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

func parseHeader(rec []string) (header, error) {
	h := header{cols: len(rec), email: -1}
	for i := range h.known {
		h.known[i] = -1
	}
	seen := map[string]int{}
	for i, cell := range rec {
		cell = strings.TrimSpace(cell)
		if !utf8.ValidString(cell) {
			return h, fmt.Errorf("header column %d is not valid UTF-8; save the file as UTF-8", i+1)
		}
		if cell == "" {
			return h, fmt.Errorf("header column %d has no name; name it or delete the column", i+1)
		}
		id := cell
		known, isKnown := columnAliases[strings.ToLower(cell)]
		if isKnown {
			id = known
		}
		if j, dup := seen[id]; dup && id != "" {
			return h, fmt.Errorf("header: column %q appears twice (columns %d and %d)", cell, j+1, i+1)
		}
		seen[id] = i
		switch {
		case !isKnown:
			h.fields = append(h.fields, fieldCol{i, cell})
		case known == "email":
			h.email = i
		case known != "":
			for k, n := range store.KnownColumns {
				if n == known {
					h.known[k] = i
				}
			}
		}
	}
	if h.email < 0 {
		return h, fmt.Errorf("header %q has no email column; the first line must name the columns, one of them email",
			clip(strings.Join(rec, ",")))
	}
	sort.Slice(h.fields, func(i, j int) bool { return h.fields[i].name < h.fields[j].name })
	return h, nil
}

// next reads the next row. It returns io.EOF at the end, a *rowError for
// a rejected row, or another error when the input cannot be read. The
// row is valid until the next call.
func (r *reader) next() (line int, row *store.ContactRow, err error) {
	for {
		rec, err := r.csv.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return pe.StartLine, nil, &rowError{pe.StartLine, csvReason(pe)}
			}
			return 0, nil, err
		}
		line, _ = r.csv.FieldPos(0)
		if blank(rec) {
			continue
		}
		row, reason := r.parseRow(rec)
		if reason != "" {
			return line, nil, &rowError{line, reason}
		}
		return line, row, nil
	}
}

// parseRow checks one record and fills r.row; reason says why it is
// rejected.
func (r *reader) parseRow(rec []string) (*store.ContactRow, string) {
	h := &r.hdr
	if len(rec) != h.cols {
		return nil, fmt.Sprintf("%d %s, but the header has %d columns; check the separators and quotes of this row",
			len(rec), plural(len(rec), "field", "fields"), h.cols)
	}
	for i, v := range rec {
		if !utf8.ValidString(v) {
			return nil, fmt.Sprintf("column %d is not valid UTF-8; save the file as UTF-8", i+1)
		}
	}
	row := &r.row
	row.Email = strings.TrimSpace(rec[h.email])
	key, err := checkEmail(row.Email)
	if err != nil {
		return nil, err.Error()
	}
	row.Key = key
	for k, col := range h.known {
		row.Known[k], row.Has[k] = "", false
		if col < 0 {
			continue
		}
		// Known columns are one-line values (names go into headers):
		// newlines and runs of spaces become one space.
		switch v := oneLine(rec[col]); v {
		case "": // keeps what is stored
		case ClearCell:
			row.Has[k] = true
		default:
			row.Known[k], row.Has[k] = v, true
		}
	}
	if row.Known[store.ColLanguage], err = normLanguage(row.Known[store.ColLanguage]); err != nil {
		return nil, err.Error()
	}
	row.Fields, row.Cleared = row.Fields[:0], row.Cleared[:0]
	for _, f := range h.fields {
		switch v := strings.TrimSpace(strings.ReplaceAll(rec[f.col], "\r\n", "\n")); v {
		case "":
		case ClearCell:
			row.Cleared = append(row.Cleared, f.name)
		default:
			row.Fields = append(row.Fields, store.Field{Name: f.name, Value: v})
		}
	}
	return row, ""
}

// ClearCell is the cell that clears a stored field: an import never
// erases with an empty cell or a missing column, since a contact on two
// lists gets from each file only some of its fields.
const ClearCell = "-"

// oneLine trims s and folds every run of spaces and control characters
// into one space.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r != ' ' && (unicode.IsSpace(r) || unicode.IsControl(r)) }) &&
		!strings.Contains(s, "  ") {
		return strings.TrimSpace(s)
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// csvReason words a CSV syntax error for the person who made the file.
func csvReason(pe *csv.ParseError) string {
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return fmt.Sprintf("a \" inside an unquoted field (line %d, column %d); quote the whole field and double the inner quotes", pe.Line, pe.Column)
	case errors.Is(pe.Err, csv.ErrQuote) && pe.Line > pe.StartLine:
		return fmt.Sprintf("a quoted field that does not end before line %d (column %d): the lines up to it were read into this field; "+
			"close the quote, or double a \" inside the field", pe.Line, pe.Column)
	case errors.Is(pe.Err, csv.ErrQuote):
		return fmt.Sprintf("a stray \" after a closing quote (column %d); double a \" inside a quoted field", pe.Column)
	}
	return pe.Err.Error()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
