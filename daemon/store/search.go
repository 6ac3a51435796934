package store

import "strings"

// containsAny is a WHERE condition, with its arguments, matching rows in
// which any of cols contains term, ignoring case. Both engines compare
// lower() of the column with a lowered pattern: SQLite's LIKE ignores
// ASCII case and PostgreSQL's does not, so LIKE alone would search
// differently on each. %, _ and \ in term are matched as themselves.
func containsAny(term string, cols ...string) (string, []any) {
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(term)) + "%"
	conds := make([]string, len(cols))
	args := make([]any, len(cols))
	for i, c := range cols {
		conds[i] = "lower(" + c + `) LIKE ? ESCAPE '\'`
		args[i] = like
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}
