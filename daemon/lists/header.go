package lists

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/herald-mail/herald/daemon/store"
)

// header is the column layout a header line gives.
type header struct {
	line    int // where it is in the file
	cols    int
	email   int
	known   [store.NumKnown]int // column index, -1 when absent
	first   int                 // a first-name column, -1 when absent
	last    int                 // a last-name column, -1 when absent
	fields  []fieldCol          // sorted by name
	unnamed []int               // columns without a name
	notes   []string            // what was assumed about the columns
	// unknown is the columns read as custom fields only because herald
	// does not know their name (no --map for them): what the dashboard
	// offers to map.
	unknown []string
}

type fieldCol struct {
	col  int
	name string
}

// claim is a column read as a known field.
type claim struct {
	col  int
	rank int // -1 for --map, then alias ranks
	cell string
}

// parseHeader reads the header line: each column is a known field (by
// m, the user's --map, then by its name in aliases) or a custom field.
// When two columns read as one field, the one with the better rank wins
// and the other is kept as a custom field; at the same rank, it is an
// error, as herald cannot know which one the user means.
func parseHeader(rec []string, m map[string]string) (header, error) {
	h := header{cols: len(rec), email: -1, first: -1, last: -1}
	for i := range h.known {
		h.known[i] = -1
	}
	mapped, err := mapByKey(rec, m)
	if err != nil {
		return h, err
	}
	claims := map[string]claim{}
	seen := map[string]int{}
	for i, cell := range rec {
		cell = trimCell(cell)
		if !utf8.ValidString(cell) {
			return h, fmt.Errorf("header column %d is not valid UTF-8; save the file as UTF-8", i+1)
		}
		if cell == "" {
			h.unnamed = append(h.unnamed, i)
			continue
		}
		if j, dup := seen[strings.ToLower(cell)]; dup {
			return h, fmt.Errorf("header: column %q appears twice (columns %d and %d); rename or delete one", cell, j+1, i+1)
		}
		seen[strings.ToLower(cell)] = i
		a, name, ok := columnMeaning(cell, mapped)
		switch {
		case !ok:
			h.fields = append(h.fields, fieldCol{i, name})
			if _, isMapped := mapped[normKey(cell)]; !isMapped {
				h.unknown = append(h.unknown, cell)
			}
		case a.field == "": // ignored
		default:
			c := claim{i, a.rank, cell}
			prev, taken := claims[a.field]
			switch {
			case !taken || c.rank < prev.rank:
				if taken {
					h.demote(prev, a.field)
				}
				claims[a.field] = c
			case c.rank == prev.rank || a.field == "email" && c.rank >= 0 && prev.rank >= 0:
				// Two address columns: herald cannot know which one to send to.
				return h, fmt.Errorf("header: columns %q and %q (columns %d and %d) both read as %s; "+
					"keep one, or say which with --map %q=%s", prev.cell, cell, prev.col+1, i+1, a.field, cell, a.field)
			default:
				h.demote(c, a.field)
			}
		}
	}
	h.place(claims)
	if h.email < 0 {
		return h, fmt.Errorf("header %q has no email column; the first line must name the columns, one of them "+
			"email (or E-mail, Courriel, Correo electrónico…), or say which with --map COLUMN=email",
			clip(strings.Join(rec, ",")))
	}
	sort.Slice(h.fields, func(i, j int) bool { return h.fields[i].name < h.fields[j].name })
	return h, nil
}

// mapByKey checks the --map columns against the header and keys them as
// columnMeaning looks them up.
func mapByKey(rec []string, m map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for col, to := range m {
		k := normKey(col)
		found := false
		for _, cell := range rec {
			if normKey(cell) == k && k != "" {
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("--map %s=%s: the header has no column %q (it has: %s)", col, to, col,
				clip(strings.Join(rec, ", ")))
		}
		out[k] = to
	}
	return out, nil
}

// columnMeaning is what a header cell names: a known field (ok) or the
// custom field name.
func columnMeaning(cell string, mapped map[string]string) (a alias, custom string, ok bool) {
	k := normKey(cell)
	if to, isMapped := mapped[k]; isMapped {
		if to = strings.TrimSpace(to); to == ClearCell || to == "" {
			return alias{"", -1}, "", true
		}
		if a, known := aliases[normKey(to)]; known {
			return alias{a.field, -1}, "", true
		}
		return alias{}, to, false
	}
	if a, known := aliases[k]; known {
		return a, "", true
	}
	return alias{}, cell, false
}

// demote keeps a column that lost its field to another as a custom field.
func (h *header) demote(c claim, field string) {
	h.fields = append(h.fields, fieldCol{c.col, c.cell})
	h.notes = append(h.notes, fmt.Sprintf("column %q kept as a custom field, another column is the %s", c.cell, field))
}

// place puts the claimed columns in h. A name column beside a first-name
// column only is the last name ("Nom" and "Prénom"), beside a last-name
// column only the first name ("Nombre" and "Apellidos"); first and last
// names are joined into the name when no column holds it whole, and kept
// as custom fields too, for templates that greet by first name.
func (h *header) place(claims map[string]claim) {
	name, hasName := claims["name"]
	first, hasFirst := claims[colFirst]
	last, hasLast := claims[colLast]
	switch {
	case hasName && hasFirst && !hasLast:
		last, hasLast, hasName = name, true, false
	case hasName && hasLast && !hasFirst:
		first, hasFirst, hasName = name, true, false
	}
	if !hasName {
		delete(claims, "name")
	}
	if hasFirst {
		h.first = first.col
		h.fields = append(h.fields, fieldCol{first.col, first.cell})
	}
	if hasLast {
		h.last = last.col
		h.fields = append(h.fields, fieldCol{last.col, last.cell})
	}
	if !hasName && (hasFirst || hasLast) {
		h.notes = append(h.notes, "name = "+strings.Join(nonEmpty(quoteIf(hasFirst, first.cell), quoteIf(hasLast, last.cell)), " + "))
	}
	for field, c := range claims {
		if field == "email" {
			h.email = c.col
		}
		for k, n := range store.KnownColumns {
			if n == field {
				h.known[k] = c.col
			}
		}
	}
}

func quoteIf(ok bool, s string) string {
	if !ok {
		return ""
	}
	return fmt.Sprintf("%q", s)
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// fullName joins a row's first and last names; ClearCell when both say
// to clear, "" when the row gives neither.
func (h *header) fullName(rec []string) string {
	var parts []string
	clear := 0
	for _, c := range []int{h.first, h.last} {
		if c < 0 || c >= len(rec) {
			continue
		}
		switch v := oneLine(rec[c]); v {
		case "":
		case ClearCell:
			clear++
		default:
			parts = append(parts, v)
		}
	}
	if len(parts) == 0 && clear > 0 {
		return ClearCell
	}
	return strings.Join(parts, " ")
}
