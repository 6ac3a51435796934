package lists

import (
	"bufio"
	"bytes"
	"cmp"
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

// reader turns a contact file into contact rows, one at a time.
type reader struct {
	src     source
	hdr     header
	row     store.ContactRow
	lenient bool // a sheet: a short row is padded, cells past the header are notes
	format  Format
	lost    map[int]int // values in columns without a name, by column
}

// source is a file's records, with the line (or sheet row) each starts on.
type source interface {
	// next returns io.EOF at the end, a *rowError for a record that cannot
	// be read, or another error when the input cannot be read.
	next() (rec []string, line int, err error)
}

// readOptions say how to read a file.
type readOptions struct {
	sheet string            // a workbook's sheet; the first when empty
	cols  map[string]string // --map: header column -> field
}

// maxTitleRows is how many rows above the header (a title, a date, an
// empty line) are skipped looking for it.
const maxTitleRows = 10

// newReader opens a contact file, a workbook or CSV text (see openText),
// and reads its header. Its errors are the file's, not a row's.
func newReader(r io.Reader, opt readOptions) (*reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(64)
	rd := &reader{lost: map[int]int{}}
	switch {
	case bytes.HasPrefix(magic, []byte("PK\x03\x04")) && bytes.Contains(magic, []byte("opendocument")):
		return nil, errors.New("this is an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV")
	case bytes.HasPrefix(magic, []byte("PK\x03\x04")):
		src, f, err := openSheet(br, opt.sheet)
		if err != nil {
			return nil, err
		}
		rd.src, rd.format, rd.lenient = src, f, true
	case bytes.HasPrefix(magic, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return nil, errors.New("this is an old Excel workbook (.xls); open it and save it as .xlsx or as CSV UTF-8")
	default:
		if opt.sheet != "" {
			return nil, fmt.Errorf("--sheet %s: this is a CSV file, not a workbook", opt.sheet)
		}
		rd.src, rd.format = openCSV(br)
	}
	h, err := findHeader(rd.src, opt.cols)
	if err != nil {
		return nil, err
	}
	rd.hdr = h
	return rd, nil
}

// findHeader reads the header: the first row naming an email column,
// skipping up to maxTitleRows rows above it.
func findHeader(src source, cols map[string]string) (header, error) {
	var firstErr error
	for tries := 0; tries < maxTitleRows; {
		rec, line, err := src.next()
		var re *rowError
		switch {
		case errors.Is(err, io.EOF) && firstErr != nil:
			return header{}, firstErr
		case errors.Is(err, io.EOF):
			return header{}, errors.New("the file is empty; want a header line naming the columns, one of them email")
		case errors.As(err, &re):
			firstErr = cmp.Or(firstErr, fmt.Errorf("header: %w", err))
			tries++
			continue
		case err != nil:
			return header{}, fmt.Errorf("header: %w", err)
		case blank(rec):
			continue
		}
		h, err := parseHeader(rec, cols)
		if err == nil {
			h.line = line
			return h, nil
		}
		firstErr = cmp.Or(firstErr, err)
		tries++
	}
	return header{}, firstErr
}

// csvSource reads CSV records; offset counts a sep= line taken out.
type csvSource struct {
	csv    *csv.Reader
	offset int
}

// openCSV sets up the CSV reader: encoding and line ends undone, an
// Excel "sep=;" first line honoured, else the separator sniffed.
func openCSV(r io.Reader) (*csvSource, Format) {
	t := openText(r)
	br := bufio.NewReaderSize(t, 64<<10)
	f := Format{Kind: "csv", text: t}
	offset := 0
	start, _ := br.Peek(64 << 10) // a header longer than that is sniffed on its start
	sep, explicit := sepLine(start)
	if explicit {
		br.ReadString('\n')
		offset = 1
	} else {
		sep, f.sepContested = sniff(start)
	}
	f.Separator, f.firstLine = string(sep), 1+offset
	c := csv.NewReader(br)
	c.Comma = sep
	c.FieldsPerRecord = -1 // checked per row, so a short row is rejected, not fatal
	c.ReuseRecord = true
	return &csvSource{c, offset}, f
}

func (s *csvSource) next() ([]string, int, error) {
	rec, err := s.csv.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			pe.StartLine += s.offset
			pe.Line += s.offset
			return nil, pe.StartLine, &rowError{pe.StartLine, csvReason(pe)}
		}
		return nil, 0, err
	}
	line, _ := s.csv.FieldPos(0)
	return rec, line + s.offset, nil
}

// sepLine reads the "sep=;" line Excel writes and honours.
func sepLine(start []byte) (rune, bool) {
	line, _, _ := bytes.Cut(start, []byte("\n"))
	line = bytes.Trim(bytes.TrimRight(line, "\r"), "\"")
	if len(line) < 5 || !bytes.EqualFold(line[:4], []byte("sep=")) {
		return 0, false
	}
	r, n := utf8.DecodeRune(line[4:])
	if rest := bytes.Trim(line[4+n:], ",;\t\""); len(rest) > 0 || r == '"' || r == '\n' {
		return 0, false
	}
	return r, true
}

// separators are the ones spreadsheets write, in order of preference.
var separators = []rune{',', ';', '\t'}

// sniff picks the separator of the first lines: for each candidate, the
// field count most lines share (outside quotes); the one that splits
// the most lines the same way into more than one field wins, then the
// one giving more fields. contested says another one also splits most
// lines consistently: the choice is a guess worth telling.
func sniff(start []byte) (sep rune, contested bool) {
	lines := splitLines(start, 20)
	type score struct{ agree, fields int }
	scores := make([]score, len(separators))
	for k, s := range separators {
		counts := map[int]int{}
		for _, l := range lines {
			counts[countOutsideQuotes(l, byte(s))]++
		}
		for n, agree := range counts {
			if n > 0 && (agree > scores[k].agree || agree == scores[k].agree && n > scores[k].fields) {
				scores[k] = score{agree, n}
			}
		}
	}
	best := 0
	for k := range scores {
		if sk, sb := scores[k], scores[best]; sk.agree > sb.agree || sk.agree == sb.agree && sk.fields > sb.fields {
			best = k
		}
	}
	for k, s := range scores {
		if k != best && s.agree > 0 && 2*s.agree >= len(lines) {
			contested = true
		}
	}
	return separators[best], contested
}

// splitLines returns up to n non-empty lines of b, the last one dropped
// when b was cut in the middle of it.
func splitLines(b []byte, n int) [][]byte {
	var out [][]byte
	for len(b) > 0 && len(out) < n {
		line, rest, found := bytes.Cut(b, []byte("\n"))
		if !found && len(out) > 0 && len(b) == 64<<10 {
			break
		}
		if len(bytes.TrimSpace(line)) > 0 {
			out = append(out, line)
		}
		b = rest
	}
	return out
}

func countOutsideQuotes(line []byte, sep byte) int {
	n, quoted := 0, false
	for _, b := range line {
		switch {
		case b == '"':
			quoted = !quoted
		case !quoted && b == sep:
			n++
		}
	}
	return n
}

// next reads the next row. It returns io.EOF at the end, a *rowError for
// a rejected row, or another error when the input cannot be read. The
// row is valid until the next call.
func (r *reader) next() (line int, row *store.ContactRow, err error) {
	for {
		rec, line, err := r.src.next()
		if err != nil {
			return line, nil, err
		}
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

// fit checks a record's length against the header's. Cells past the
// header, or under a column without a name, are kept out: a CSV row with
// more fields than the header is rejected (a separator inside an
// unquoted field would shift its columns), a sheet row's are counted and
// told (a sheet has no separators to get wrong).
func (r *reader) fit(rec []string) ([]string, string) {
	h := &r.hdr
	extra := 0
	for i := h.cols; i < len(rec); i++ {
		if trimCell(rec[i]) != "" {
			extra++
			if r.lenient {
				r.lost[i]++
			}
		}
	}
	switch {
	case len(rec) < h.cols && r.lenient:
		rec = append(rec, make([]string, h.cols-len(rec))...)
	case len(rec) < h.cols || extra > 0 && !r.lenient:
		return nil, fmt.Sprintf("%d %s, but the header has %d columns; check the separators and quotes of this row",
			len(rec), plural(len(rec), "field", "fields"), h.cols)
	}
	for _, c := range h.unnamed {
		if trimCell(rec[c]) != "" {
			r.lost[c]++
		}
	}
	return rec, ""
}

// parseRow checks one record and fills r.row; reason says why it is
// rejected.
func (r *reader) parseRow(rec []string) (*store.ContactRow, string) {
	h := &r.hdr
	rec, reason := r.fit(rec)
	if reason != "" {
		return nil, reason
	}
	for i, v := range rec {
		if !utf8.ValidString(v) {
			return nil, fmt.Sprintf("column %d is not valid UTF-8; save the file as UTF-8", i+1)
		}
	}
	row := &r.row
	row.Email = cleanEmail(rec[h.email])
	key, err := checkEmail(row.Email)
	if err != nil {
		return nil, err.Error()
	}
	row.Key = key
	for k, col := range h.known {
		row.Known[k], row.Has[k] = "", false
		v := ""
		switch {
		case col >= 0:
			// Known columns are one-line values (names go into headers):
			// newlines and runs of spaces become one space.
			v = oneLine(rec[col])
		case k == store.ColName && (h.first >= 0 || h.last >= 0):
			v = h.fullName(rec)
		}
		switch v {
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
		switch v := trimCell(strings.ReplaceAll(rec[f.col], "\r\n", "\n")); v {
		case "":
		case ClearCell:
			row.Cleared = append(row.Cleared, f.name)
		default:
			row.Fields = append(row.Fields, store.Field{Name: f.name, Value: v})
		}
	}
	return row, ""
}

// close releases a workbook read only in part.
func (r *reader) close() {
	if s, ok := r.src.(*sheetSource); ok {
		s.close()
	}
}

// notes says what was assumed reading the file, once it is read.
func (r *reader) notes() []string {
	out := r.format.notes()
	if r.hdr.line > r.format.firstLine {
		out = append(out, fmt.Sprintf("header on line %d; the lines above it were skipped", r.hdr.line))
	}
	out = append(out, r.hdr.notes...)
	if len(r.lost) > 0 {
		var cols []string
		n := 0
		for c, k := range r.lost {
			cols = append(cols, columnName(c))
			n += k
		}
		sort.Strings(cols)
		out = append(out, fmt.Sprintf("%d %s in columns without a name in the header (%s) not imported; name the columns to keep them",
			n, plural(n, "value", "values"), strings.Join(cols, ", ")))
	}
	return out
}

// columnName is a column as a spreadsheet labels it: 0 is A, 26 is AA.
func columnName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
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
