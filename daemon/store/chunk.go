package store

import "strings"

// maxInParams bounds the values of one IN (...) list. SQLite refuses a
// statement with more than 32,766 variables (SQLITE_MAX_VARIABLE_NUMBER),
// and the ids in it come from mail: a References field of 40,000 ids
// once failed its batch with "too many SQL variables" on every retry. A
// few hundred keep each statement short, and the full-chunk text cached.
const maxInParams = 500

// inChunks calls f with vals cut into lists of at most maxInParams, as
// []any ready to be query arguments, until f returns done or an error.
func inChunks[T any](vals []T, f func(chunk []any) (done bool, err error)) error {
	for first := 0; first < len(vals); first += maxInParams {
		last := min(len(vals), first+maxInParams)
		chunk := make([]any, 0, last-first)
		for _, v := range vals[first:last] {
			chunk = append(chunk, v)
		}
		if done, err := f(chunk); done || err != nil {
			return err
		}
	}
	return nil
}

// placeholders is "?, ?, ?" for n values, for an IN (...) list.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return "?" + strings.Repeat(", ?", n-1)
}
