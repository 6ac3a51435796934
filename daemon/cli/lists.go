package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/lists"
	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/store"
)

func init() {
	register(&command{
		name: "lists", args: "[--json]",
		summary: "all lists with counts per status and RSVP totals",
		run:     runLists,
	})
	register(&command{
		name: "lists import", args: "LIST FILE [--sheet NAME] [--map COLUMN=FIELD]... [--dry-run] [--json]",
		summary: "upsert the contacts of a CSV or .xlsx file into LIST; every rejected row is printed as FILE:LINE: reason",
		run:     runListsImport,
	})
	register(&command{
		name: "lists export", args: "LIST [--status subscribed|unsubscribed|bounced] [--excel] [--output FILE[.xlsx]]",
		summary: "LIST as CSV on stdout (or FILE, a workbook if it ends in .xlsx): the import columns, custom fields, then status, rsvp, bounces",
		run:     runListsExport,
	})
}

// importHelp completes `lists import --help`.
const importHelp = `
The file is what a spreadsheet saves: an Excel workbook (.xlsx, the first
sheet unless --sheet), or CSV in UTF-8 (with or without BOM), UTF-16
(Excel's "Unicode text"), Windows-1252/ISO-8859-1 (Excel's "CSV" in French
or Spanish) or Mac Roman, separated by commas, semicolons or tabs, with
any line ends; an Excel "sep=;" first line is honoured. What herald had to
guess (an encoding without BOM, a separator) is printed on stderr.

The header row names the columns (title rows above it are skipped):
email (E-mail, Email Address, Courriel, Adresse e-mail, Correo electrónico…,
required), name (Nom, Nombre, or First/Last Name, Prénom + Nom, Nombre +
Apellidos, joined), language (Langue, Idioma; codes or names: Français,
Spanish), organisation (Organization, Company, Organisme, Organización),
title (Job Title, Fonction, Cargo), city (Ville, Ciudad), country (Pays,
País). Any other column is kept as a custom field, available to templates
as .Contact.Fields.column. --map COLUMN=FIELD reads a column as a field
(or a custom field of another name, or - to leave it out). status, rsvp
and bounces columns (as an export writes them) are ignored: an import
never changes a status, and an unsubscribed or bounced contact stays so.
An empty cell keeps what is stored; a cell holding - clears it.

All good rows are imported in one transaction; a row is rejected, with its
line and reason, for an invalid address or language, a wrong number of
fields, or an address already seen earlier in the file ("duplicate of line
N": the first row wins, addresses compared case-insensitively).

Exit code: 0 when the file was imported, even with rejected rows; 1 when
nothing was imported (the file cannot be read, its header has no email
column, it has no rows, every row was rejected, the database failed); 2
for a usage error or an unknown LIST.
`

// openConfigStore loads the config and opens its database.
func (e *env) openConfigStore() (*config.Config, *store.Store, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(e.ctx, cfg.Database)
	return cfg, st, err
}

func runLists(e *env, args []string) error {
	fs := e.flags(commands["lists"])
	asJSON := fs.Bool("json", false, "print one JSON document")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	cfg, st, err := e.openConfigStore()
	if err != nil {
		return err
	}
	defer st.Close()
	rows, warnings, err := listRows(e, cfg, st)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintln(e.stderr, "warning: "+w)
	}
	if *asJSON {
		return writeJSONArray(e.stdout, func(emit func(any) error) error {
			for _, r := range rows {
				if err := emit(r); err != nil {
					return err
				}
			}
			return nil
		})
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LIST\tORIGIN\tCONTACTS\tSUBSCRIBED\tUNSUBSCRIBED\tBOUNCED\tACCEPTED\tDECLINED\tMAYBE\tNO ANSWER")
	for _, r := range rows {
		c := r.ListCounts
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", c.Name, r.originLabel(), c.Contacts, c.Subscribed,
			c.Unsubscribed, c.Bounced, c.RSVP.Accepted, c.RSVP.Declined, c.RSVP.Maybe, c.RSVP.None)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rows) == 0 {
		fmt.Fprintf(e.stdout, "no lists: herald lists create NAME (or name it under lists: in %s), then herald lists import NAME FILE\n", cfg.Path)
	}
	return nil
}

// knownList checks that name is configured or already in the database
// (ops.KnownList, which the dashboard's import uses too): exit 2 if not.
func knownList(cfg *config.Config, counts []store.ListCounts, name string) error {
	if err := ops.KnownList(cfg, counts, name); err != nil {
		return usagef("%s", ops.Message(err))
	}
	return nil
}

func runListsImport(e *env, args []string) error {
	c := commands["lists import"]
	fs := e.flags(c)
	usage := fs.Usage
	fs.Usage = func() { usage(); fmt.Fprint(e.stdout, importHelp) }
	dryRun := fs.Bool("dry-run", false, "read, check and count everything, write nothing")
	asJSON := fs.Bool("json", false, "print one JSON document: {added, updated, unchanged, rejected: [{line, reason}], format, assumed}")
	sheet := fs.String("sheet", "", "the sheet of an .xlsx workbook to read (default: the first)")
	cols := mapFlag{}
	fs.Var(cols, "map", "read column COLUMN as FIELD: email, name, language, organisation, title, city, country, "+
		"another name for a custom field, or - to leave the column out (repeatable)")
	pos, err := parse(fs, args, 2, 2)
	if err != nil {
		return err
	}
	list, path := pos[0], pos[1]
	cfg, st, err := e.openConfigStore()
	if err != nil {
		return err
	}
	defer st.Close()
	counts, err := st.Lists(e.ctx)
	if err != nil {
		return err
	}
	if err := knownList(cfg, counts, list); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import into %s: %w", list, err)
	}
	defer f.Close()
	in, opt, done := e.importProgress(f, list)
	opt.DryRun, opt.Sheet, opt.Map = *dryRun, *sheet, cols
	rep, err := lists.Import(e.ctx, st, list, in, opt)
	done()
	if err != nil {
		return fmt.Errorf("import %s into %s: %w (nothing was imported)", path, list, err)
	}
	for _, a := range rep.Assumed {
		fmt.Fprintf(e.stderr, "%s: %s\n", path, a)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
		return nothingImported(path, rep)
	}
	for _, r := range rep.Rejected {
		fmt.Fprintf(e.stdout, "%s:%d: %s\n", path, r.Line, r.Reason)
	}
	fmt.Fprintf(e.stdout, "%s: %d added, %d updated, %d unchanged, %d rejected", list, rep.Added, rep.Updated,
		rep.Unchanged, len(rep.Rejected))
	if rep.DryRun {
		fmt.Fprint(e.stdout, " (dry run: nothing written)")
	}
	fmt.Fprintln(e.stdout)
	return nothingImported(path, rep)
}

// nothingImported fails an import that read no row, or only bad ones:
// exit 0 would tell a script the list is in.
func nothingImported(path string, rep lists.Report) error {
	switch {
	case rep.Rows == 0:
		return fmt.Errorf("%s has a header but no rows under it: nothing was imported", path)
	case rep.Added+rep.Updated+rep.Unchanged == 0:
		return fmt.Errorf("%s: every row was rejected: nothing was imported", path)
	}
	return nil
}

// mapFlag is a repeatable --map COLUMN=FIELD.
type mapFlag map[string]string

func (m mapFlag) String() string { return "" }

func (m mapFlag) Set(v string) error {
	col, field, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(col) == "" {
		return fmt.Errorf("%q: want COLUMN=FIELD, e.g. --map Courriel=email", v)
	}
	m[strings.TrimSpace(col)] = strings.TrimSpace(field)
	return nil
}

// importProgress shows an import's progress on stderr (docs/BEHAVIOUR.md §2): a bar
// over the file's bytes on a terminal, else a line every 10,000 rows.
// done ends it.
func (e *env) importProgress(f *os.File, list string) (io.Reader, lists.Options, func()) {
	if !isTerminal(e.stderr) {
		const every = 10000
		shown := 0
		return f, lists.Options{ProgressEvery: every, Progress: func(rows int) {
			// The last call gives the total: shown only after some lines.
			if rows >= every && rows != shown {
				fmt.Fprintf(e.stderr, "import %s: %d rows read\n", list, rows)
				shown = rows
			}
		}}, func() {}
	}
	size := int64(-1)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	bar := progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(e.stderr),
		progressbar.OptionSetDescription("import "+list),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	r := progressbar.NewReader(f, bar)
	return &r, lists.Options{ProgressEvery: 1000, Progress: func(rows int) {
		bar.Describe(fmt.Sprintf("import %s: %d rows", list, rows))
	}}, func() { bar.Finish() }
}

// isTerminal says whether w is a terminal (progress bars are for people).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func runListsExport(e *env, args []string) error {
	c := commands["lists export"]
	fs := e.flags(c)
	status := fs.String("status", "", "only members in this status: "+strings.Join(ops.ExportStatuses, ", "))
	excel := fs.Bool("excel", false, "CSV as Excel's \"CSV UTF-8\": a byte-order mark and CRLF line ends, so accents open right")
	output := fs.String("output", "", "write to FILE instead of stdout; FILE.xlsx is an Excel workbook, which opens right in every locale")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if *status != "" && !slices.Contains(ops.ExportStatuses, *status) {
		return usagef("--status %q: want one of %s", *status, strings.Join(ops.ExportStatuses, ", "))
	}
	list := pos[0]
	cfg, st, err := e.openConfigStore()
	if err != nil {
		return err
	}
	defer st.Close()
	if cfg.List(list) == nil {
		if _, err := st.ListFields(e.ctx, list); errors.Is(err, store.ErrNoList) {
			return usagef("unknown list %q (see herald lists)", list)
		}
	}
	w, err := e.exportWriter(*output, *excel)
	if err != nil {
		return err
	}
	if err := ops.ExportList(e.ctx, cfg, st, list, *status, w.Write); err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}
