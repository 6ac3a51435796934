package templates

import (
	"reflect"
	"strings"
	"time"
)

// renderState is what the functions of one compiled template read while
// it executes: the time zone of the current render. It is written only
// under the entry's lock, before executing.
type renderState struct {
	loc *time.Location
}

// funcMap returns the functions of a template in lang. The language is
// fixed per file (NAME.fr.txt is French); the zone comes from st.
func funcMap(lang string, st *renderState) map[string]any {
	cal := calendarFor(lang)
	in := func(t time.Time) time.Time {
		if st.loc != nil {
			return t.In(st.loc)
		}
		return t
	}
	return map[string]any{
		"date":     func(t time.Time) string { return cal.formatDate(in(t)) },
		"datetime": func(t time.Time) string { return cal.formatDateTime(in(t)) },
		"time":     func(t time.Time) string { return cal.formatTime(in(t)) },
		"weekday":  func(t time.Time) string { return cal.formatWeekday(in(t)) },
		"upper":    strings.ToUpper,
		"lower":    strings.ToLower,
		"default":  defaultValue,
	}
}

// defaultValue is {{default "Madam, Sir" .Contact.Name}} or, piped,
// {{.Contact.Name | default "Madam, Sir"}}: v unless it is empty (a zero
// value or a blank string), else def.
func defaultValue(def any, v ...any) any {
	if len(v) == 0 || isEmpty(v[0]) {
		return def
	}
	return v[0]
}

func isEmpty(v any) bool {
	if v == nil {
		return true
	}
	if s, ok := v.(string); ok {
		return strings.TrimSpace(s) == ""
	}
	return reflect.ValueOf(v).IsZero()
}
