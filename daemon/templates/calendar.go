package templates

import (
	"strconv"
	"time"
)

// calendar writes dates in one language. The tables are written out
// rather than taken from an i18n library: three languages do not justify
// CLDR's weight.
type calendar struct {
	months   [12]string // none: dates are written 2017-11-16
	weekdays [7]string  // Sunday first, as time.Weekday
	sep      string     // between day, month and year
	first    string     // the first of the month, when not "1"
	at       string     // between date and time in datetime
}

var calendars = map[string]*calendar{
	// 16 November 2017: the day-month order read the same way worldwide.
	"en": {
		months: [12]string{"January", "February", "March", "April", "May", "June",
			"July", "August", "September", "October", "November", "December"},
		weekdays: [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		sep:      " ",
		at:       ", ",
	},
	// 16 novembre 2017; the first of the month is written "1er".
	"fr": {
		months: [12]string{"janvier", "février", "mars", "avril", "mai", "juin",
			"juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		weekdays: [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
		sep:      " ",
		first:    "1er",
		at:       " à ",
	},
	// 16 de noviembre de 2017
	"es": {
		months: [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio",
			"julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
		weekdays: [7]string{"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"},
		sep:      " de ",
		at:       ", ",
	},
}

// iso is used for languages without a table: a numeric date cannot be
// misread, where English month names in a German letter would jar.
var iso = &calendar{weekdays: calendars["en"].weekdays, at: " "}

// calendarFor returns the calendar of lang ("fr", "fr-ca" -> fr).
func calendarFor(lang string) *calendar {
	if c, ok := calendars[primary(lang)]; ok {
		return c
	}
	return iso
}

// formatDate writes t's date: day, month and year in words, or numeric.
func (c *calendar) formatDate(t time.Time) string {
	if c.months[0] == "" {
		return t.Format("2006-01-02")
	}
	y, m, d := t.Date()
	var buf [40]byte
	b := buf[:0]
	if d == 1 && c.first != "" {
		b = append(b, c.first...)
	} else {
		b = strconv.AppendInt(b, int64(d), 10)
	}
	b = append(append(append(b, c.sep...), c.months[m-1]...), c.sep...)
	return string(strconv.AppendInt(b, int64(y), 10))
}

func (c *calendar) formatTime(t time.Time) string    { return t.Format("15:04") }
func (c *calendar) formatWeekday(t time.Time) string { return c.weekdays[t.Weekday()] }
func (c *calendar) formatDateTime(t time.Time) string {
	return c.formatDate(t) + c.at + c.formatTime(t)
}
