package lists

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/herald-mail/herald/daemon/store"
)

// Report is what an import did (docs/BEHAVIOUR.md §2, `lists import --json`).
type Report struct {
	List      string      `json:"list"`
	DryRun    bool        `json:"dry_run"`
	Rows      int         `json:"rows"` // rows read, blank ones not counted
	Added     int         `json:"added"`
	Updated   int         `json:"updated"`
	Unchanged int         `json:"unchanged"`
	Rejected  []Rejection `json:"rejected"` // never nil
	Format    Format      `json:"format"`
	// Assumed says what was guessed reading the file (its encoding, the
	// separator, the header's place, how columns were read), for the
	// user to check.
	Assumed []string `json:"assumed,omitempty"`
	// Unknown is the header's columns whose name herald does not know,
	// in file order, kept as custom fields under that name unless mapped
	// (Options.Map).
	Unknown []string `json:"unknown_columns,omitempty"`
}

// Rejection is a row left out, with the line where its record starts.
type Rejection struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// Options tune Import.
type Options struct {
	// DryRun reads, checks and counts everything, then rolls back.
	DryRun bool
	// Progress, when set, is called with the rows read so far every
	// ProgressEvery rows (default 10,000) and once at the end.
	Progress      func(rows int)
	ProgressEvery int
	// Sheet names the sheet of a workbook to read; the first by default.
	Sheet string
	// Map reads header columns as fields (--map col=field): the field is
	// a known column (or an alias of one), "-" to leave the column out,
	// or any other name for a custom field.
	Map map[string]string

	// remember is the runtime key and hash recorded with the import.
	remember string
	hash     hash.Hash
}

// MapFields are the known fields a column can be mapped to (Options.Map),
// as the dashboard offers them; ClearCell leaves a column out, and any
// other name makes it a custom field.
var MapFields = []string{"email", "name", colFirst, colLast, "language", "organisation", "title", "city", "country"}

// RuntimeKey is the runtime table key under which the SHA-256 of the file
// last imported into list by ImportFile is kept.
func RuntimeKey(list string) string { return "listfile:" + list }

// Import reads a contact file (CSV text or an .xlsx workbook, see
// newReader) into list (created when missing) in one
// transaction. Rejected rows are in the report and do not fail the
// import; an error means nothing was imported: the header is unusable,
// the input cannot be read, or the database failed.
func Import(ctx context.Context, st *store.Store, list string, r io.Reader, opt Options) (Report, error) {
	rep := Report{List: list, DryRun: opt.DryRun, Rejected: []Rejection{}}
	if opt.hash != nil {
		r = io.TeeReader(r, opt.hash)
	}
	rd, err := newReader(r, readOptions{sheet: opt.Sheet, cols: opt.Map})
	if err != nil {
		return rep, err
	}
	defer rd.close()
	every := opt.ProgressEvery
	if every <= 0 {
		every = 10000
	}
	err = st.ImportList(ctx, list, opt.DryRun, func(li *store.ListImport) error {
		last := 1 // the header's
		for {
			if rep.Rows%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			line, row, err := rd.next()
			last = max(last, line)
			var re *rowError
			switch {
			case errors.Is(err, io.EOF):
				return finish(li, opt)
			case errors.As(err, &re):
				rep.Rejected = append(rep.Rejected, Rejection{re.line, re.reason})
			case err != nil:
				return fmt.Errorf("read after line %d: %w", last, err)
			default:
				if err := count(li, &rep, row, line); err != nil {
					return err
				}
			}
			if rep.Rows++; opt.Progress != nil && rep.Rows%every == 0 {
				opt.Progress(rep.Rows)
			}
		}
	})
	if opt.Progress != nil {
		opt.Progress(rep.Rows)
	}
	rd.format.finish()
	rep.Format, rep.Assumed, rep.Unknown = rd.format, rd.notes(), rd.hdr.unknown
	return rep, err
}

func count(li *store.ListImport, rep *Report, row *store.ContactRow, line int) error {
	o, first, err := li.Upsert(row, line)
	if err != nil {
		return err
	}
	switch o {
	case store.Added:
		rep.Added++
	case store.Updated:
		rep.Updated++
	case store.Unchanged:
		rep.Unchanged++
	case store.Duplicate:
		rep.Rejected = append(rep.Rejected, Rejection{line, fmt.Sprintf(
			"duplicate of line %d (%s; addresses are compared case-insensitively); the first row is kept", first, row.Email)})
	}
	return nil
}

// finish records the file's hash, at the end of the input, in the
// import's transaction.
func finish(li *store.ListImport, opt Options) error {
	if opt.remember == "" {
		return nil
	}
	return li.SetRuntime(opt.remember, hex.EncodeToString(opt.hash.Sum(nil)))
}

// ImportFile imports the CSV file at path into list and, unless dryRun,
// records the file's SHA-256 under RuntimeKey(list) in the same
// transaction, for SyncFile. progress may be nil.
func ImportFile(ctx context.Context, st *store.Store, list, path string, dryRun bool, progress func(rows int)) (Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return Report{List: list, DryRun: dryRun, Rejected: []Rejection{}}, fmt.Errorf("import %s: %w", path, err)
	}
	defer f.Close()
	opt := Options{DryRun: dryRun, Progress: progress}
	if !dryRun {
		opt.remember, opt.hash = RuntimeKey(list), sha256.New()
	}
	rep, err := Import(ctx, st, list, f, opt)
	if err != nil {
		return rep, fmt.Errorf("import %s: %w", path, err)
	}
	return rep, nil
}

// SyncFile imports path into list when its content changed since the
// last ImportFile of list (or was never imported); imported is false
// when it was skipped. It is what the daemon runs for each lists[].file
// at start and on reload.
func SyncFile(ctx context.Context, st *store.Store, list, path string) (rep Report, imported bool, err error) {
	sum, err := fileHash(path)
	if err != nil {
		return Report{List: list, Rejected: []Rejection{}}, false, fmt.Errorf("import %s: %w", path, err)
	}
	last, _, err := st.Runtime(ctx, RuntimeKey(list))
	if err != nil {
		return Report{List: list, Rejected: []Rejection{}}, false, fmt.Errorf("import %s: %w", path, err)
	}
	if last == sum {
		return Report{List: list, Rejected: []Rejection{}}, false, nil
	}
	rep, err = ImportFile(ctx, st, list, path, false, nil)
	return rep, err == nil, err
}

func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
