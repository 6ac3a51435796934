package templates

import (
	"reflect"
	"strings"
	"time"
)

// funcMap returns the functions of a template in lang. The language is
// fixed per file (NAME.fr.txt is French). Times are shown in their own
// zone: render moves the times of Data into Data.Location first, so the
// functions hold no per-render state and renders run in parallel.
func funcMap(lang string) map[string]any {
	cal := calendarFor(lang)
	return map[string]any{
		"date":     func(t time.Time) string { return cal.formatDate(t) },
		"datetime": func(t time.Time) string { return cal.formatDateTime(t) },
		"time":     func(t time.Time) string { return cal.formatTime(t) },
		"weekday":  func(t time.Time) string { return cal.formatWeekday(t) },
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
