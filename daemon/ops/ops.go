// Package ops is what a person can ask of herald, shared by the command
// line and the dashboard so that a page, an API call and a command do the
// same thing and print the same JSON (docs/BEHAVIOUR.md §2 `--json` shapes).
package ops

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ErrNotFound marks an unknown enquiry, wave, list or contact: the
// CLI's message, the API's 404.
var ErrNotFound = errors.New("not found")

// ErrConflict marks an action the thing's state forbids (pausing a
// cancelled wave): the API's 409.
var ErrConflict = errors.New("conflict")

// notFound is an ErrNotFound that says what and what to do.
func notFound(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrNotFound, fmt.Sprintf(format, a...))
}

// Message is err without the "not found: ", "conflict: " or "invalid: " marker, for
// a person.
func Message(err error) string {
	s := err.Error()
	for _, m := range []error{ErrNotFound, ErrConflict, ErrInvalid} {
		if p := m.Error() + ": "; len(s) > len(p) && s[:len(p)] == p {
			return s[len(p):]
		}
	}
	return s
}

// WriteJSONArray streams a JSON array, one element at a time, so a large
// listing is never held in memory whole.
func WriteJSONArray(w io.Writer, each func(emit func(any) error) error) error {
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	first := true
	err := each(func(v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if !first {
			io.WriteString(w, ",")
		}
		first = false
		_, err = fmt.Fprintf(w, "\n  %s", b)
		return err
	})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n]\n")
	return err
}

// NotFoundf is an ErrNotFound saying what and what to do.
func NotFoundf(format string, a ...any) error { return notFound(format, a...) }
