// Package lists imports contact lists from the files spreadsheets save
// (docs/BEHAVIOUR.md §9): .xlsx workbooks (xlsx.go) and CSV text in UTF-8,
// UTF-16 or a legacy 8-bit encoding, comma, semicolon or tab separated,
// with any line ends (text.go, csv.go). What had to be guessed is in
// Report.Assumed. The header row is the first naming an email column;
// column names are read in English, French and Spanish, as contact
// exports write them, or as Options.Map says (header.go, columns.go);
// status, rsvp and bounces, which an export adds, are ignored, as an
// import never sets a status; every other column is kept as a custom
// field (.Contact.Fields.column).
//
// Rows are read one at a time, never the whole file, and written in one
// transaction (store.ImportList). A row is rejected, with its line (the
// line where the record starts, for quoted fields spanning lines) and the
// reason, when its address is not an RFC 5322 addr-spec (display names,
// comments and lists are refused), its language is not a language code,
// its field count differs from the header's, it is not valid UTF-8, or its
// address already appeared earlier in the file: the first row wins and the
// later one is reported as "duplicate of line N", addresses being compared
// case-insensitively with internationalised domains in A-label form.
// Rows whose cells are all empty are skipped, as blank lines are.
//
// Re-importing, into the same list or another, only adds and corrects:
// a cell with a value sets that field; an empty cell or a column the file
// lacks keeps what is stored (a contact on two lists keeps what each
// list's file knows); a cell holding a single "-" (ClearCell) clears the
// field. A contact keeps the spelling of its address it was first
// imported with. An import never clears a status: an unsubscribed member
// stays unsubscribed, a bounced contact bounced.
package lists
