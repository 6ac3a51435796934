package lists

import (
	"fmt"
	"strings"
)

// Format is what a contact file turned out to be.
type Format struct {
	Kind      string `json:"kind"`                // csv or xlsx
	Encoding  string `json:"encoding,omitempty"`  // csv: UTF-8, UTF-16LE, Windows-1252…
	Separator string `json:"separator,omitempty"` // csv: , ; or a tab
	LineEnds  string `json:"line_ends,omitempty"` // csv: LF, CRLF, CR, mixed
	Sheet     string `json:"sheet,omitempty"`     // xlsx: the sheet read

	text         *textIn
	sepContested bool
	firstLine    int // where a header is expected: 2 after a sep= line
}

// finish fills in what is known once the file is read.
func (f *Format) finish() {
	if f.text != nil {
		f.Encoding, _ = f.text.Encoding()
		f.LineEnds = f.text.LineEnds()
	}
}

// notes says what was guessed: an encoding without a byte-order mark
// other than UTF-8, or a separator when another one was as likely.
func (f *Format) notes() []string {
	if f.text == nil {
		return nil
	}
	enc, guessed := f.text.Encoding()
	if !guessed && !f.sepContested {
		return nil
	}
	return []string{fmt.Sprintf("read as %s, separator %s", enc, sepName(f.Separator))}
}

func sepName(s string) string {
	if s == "\t" {
		return "tab"
	}
	return "'" + s + "'"
}

// String is a short description for a report.
func (f Format) String() string {
	if f.Kind == "xlsx" {
		return "Excel workbook, sheet " + f.Sheet
	}
	return strings.Join(nonEmpty(f.Encoding, "separator "+sepName(f.Separator), f.LineEnds), ", ")
}
