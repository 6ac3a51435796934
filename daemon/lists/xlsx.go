package lists

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// sheetSource reads the rows of one sheet of an .xlsx workbook; a row's
// line is its row number, as the spreadsheet shows it.
type sheetSource struct {
	f    *excelize.File
	rows *excelize.Rows
	row  int
	done bool
}

// close releases the workbook's temporary files, once.
func (s *sheetSource) close() {
	if !s.done {
		s.done = true
		s.rows.Close()
		s.f.Close()
	}
}

// openSheet opens an .xlsx workbook and the sheet named sheet, the first
// one (in tab order) when sheet is empty. A workbook is a zip archive,
// read whole; its rows are then streamed.
func openSheet(r io.Reader, sheet string) (*sheetSource, Format, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookFileFormat) {
			return nil, Format{}, errors.New("this zip file is not an Excel workbook (.xlsx); save the list as .xlsx or CSV")
		}
		return nil, Format{}, fmt.Errorf("read workbook: %w", err)
	}
	names := f.GetSheetList()
	if len(names) == 0 {
		f.Close()
		return nil, Format{}, errors.New("the workbook has no sheet")
	}
	if sheet == "" {
		sheet = names[0]
	} else if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		f.Close()
		return nil, Format{}, fmt.Errorf("--sheet %s: the workbook has no such sheet (it has: %s)", sheet, strings.Join(names, ", "))
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, Format{}, fmt.Errorf("read sheet %s: %w", sheet, err)
	}
	return &sheetSource{f: f, rows: rows}, Format{Kind: "xlsx", Sheet: sheet, firstLine: 1}, nil
}

func (s *sheetSource) next() ([]string, int, error) {
	if !s.rows.Next() {
		err := s.rows.Error()
		s.close()
		if err != nil {
			return nil, 0, fmt.Errorf("read sheet row %d: %w", s.row+1, err)
		}
		return nil, 0, io.EOF
	}
	s.row++
	// Cells come formatted as the sheet shows them (a date as a date).
	rec, err := s.rows.Columns()
	if err != nil {
		return nil, s.row, &rowError{s.row, fmt.Sprintf("cannot read this row: %v", err)}
	}
	return rec, s.row, nil
}
