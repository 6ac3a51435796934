package cli

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/herald-mail/herald/daemon/ops"
)

// exportWriter is where `lists export` writes its rows.
type exportWriter interface {
	Write(rec []string) error
	// Close finishes the output; Abort leaves no partial file behind.
	Close() error
	Abort()
}

// exportWriter opens the export's output: CSV on stdout or in a file
// (excel: with a byte-order mark and CRLF, as Excel's "CSV UTF-8"), or an
// .xlsx workbook when the file is named so.
func (e *env) exportWriter(output string, excel bool) (exportWriter, error) {
	if strings.EqualFold(filepath.Ext(output), ".xlsx") {
		return newXLSXWriter(output)
	}
	var out io.Writer = e.stdout
	var f *os.File
	if output != "" {
		var err error
		if f, err = os.Create(output); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		out = f
	}
	w, err := ops.CSVWriter(out, excel)
	if err != nil {
		if f != nil {
			f.Close()
			os.Remove(f.Name())
		}
		return nil, fmt.Errorf("export: %w", err)
	}
	return &csvExport{w: w, f: f}, nil
}

type csvExport struct {
	w *csv.Writer
	f *os.File
}

func (c *csvExport) Write(rec []string) error { return c.w.Write(rec) }

func (c *csvExport) Close() error {
	c.w.Flush()
	err := c.w.Error()
	if c.f != nil {
		if cerr := c.f.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

func (c *csvExport) Abort() {
	if c.f != nil {
		c.f.Close()
		os.Remove(c.f.Name())
	}
}

// xlsxExport streams rows into one sheet; every cell is text, so that
// a phone number or a postcode is not turned into a number.
type xlsxExport struct {
	path string
	f    *excelize.File
	sw   *excelize.StreamWriter
	row  int
	cell []any
}

func newXLSXWriter(path string) (*xlsxExport, error) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("export %s: %w", path, err)
	}
	return &xlsxExport{path: path, f: f, sw: sw}, nil
}

func (x *xlsxExport) Write(rec []string) error {
	x.row++
	x.cell = x.cell[:0]
	for _, v := range rec {
		x.cell = append(x.cell, excelize.Cell{Value: v})
	}
	name, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	return x.sw.SetRow(name, x.cell)
}

func (x *xlsxExport) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("export %s: %w", x.path, err)
	}
	if err := x.f.SaveAs(x.path); err != nil {
		return fmt.Errorf("export %s: %w", x.path, err)
	}
	return nil
}

func (x *xlsxExport) Abort() { x.f.Close() }
