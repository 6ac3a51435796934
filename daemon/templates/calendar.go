package templates

import (
	"strconv"
	"time"
)

// calendar writes dates in one language. The tables are written out
// rather than taken from an i18n library: three languages do not justify
// CLDR's weight.
type calendar struct {
	months   [12]string
	weekdays [7]string // Sunday first, as time.Weekday
	date     func(c *calendar, t time.Time) string
	at       string // between date and time in datetime
}

var calendars = map[string]*calendar{
	"en": {
		months: [12]string{"January", "February", "March", "April", "May", "June",
			"July", "August", "September", "October", "November", "December"},
		weekdays: [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		// 16 November 2017: the day-month order read the same way worldwide.
		date: func(c *calendar, t time.Time) string {
			y, m, d := t.Date()
			var buf [40]byte
			b := strconv.AppendInt(buf[:0], int64(d), 10)
			b = append(append(append(b, ' '), c.months[m-1]...), ' ')
			return string(strconv.AppendInt(b, int64(y), 10))
		},
		at: ", ",
	},
	"fr": {
		months: [12]string{"janvier", "février", "mars", "avril", "mai", "juin",
			"juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		weekdays: [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
		// 16 novembre 2017; the first of the month is written "1er".
		date: func(c *calendar, t time.Time) string {
			y, m, d := t.Date()
			var buf [40]byte
			b := buf[:0]
			if d == 1 {
				b = append(b, "1er"...)
			} else {
				b = strconv.AppendInt(b, int64(d), 10)
			}
			b = append(append(append(b, ' '), c.months[m-1]...), ' ')
			return string(strconv.AppendInt(b, int64(y), 10))
		},
		at: " à ",
	},
	"es": {
		months: [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio",
			"julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
		weekdays: [7]string{"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"},
		// 16 de noviembre de 2017
		date: func(c *calendar, t time.Time) string {
			y, m, d := t.Date()
			var buf [40]byte
			b := strconv.AppendInt(buf[:0], int64(d), 10)
			b = append(append(append(b, " de "...), c.months[m-1]...), " de "...)
			return string(strconv.AppendInt(b, int64(y), 10))
		},
		at: ", ",
	},
}

// iso is used for languages without a table: a numeric date cannot be
// misread, where English month names in a German letter would jar.
var iso = &calendar{
	weekdays: calendars["en"].weekdays,
	date:     func(_ *calendar, t time.Time) string { return t.Format("2006-01-02") },
	at:       " ",
}

// calendarFor returns the calendar of lang ("fr", "fr-ca" -> fr).
func calendarFor(lang string) *calendar {
	if c, ok := calendars[primary(lang)]; ok {
		return c
	}
	return iso
}

func (c *calendar) formatDate(t time.Time) string    { return c.date(c, t) }
func (c *calendar) formatTime(t time.Time) string    { return t.Format("15:04") }
func (c *calendar) formatWeekday(t time.Time) string { return c.weekdays[t.Weekday()] }
func (c *calendar) formatDateTime(t time.Time) string {
	return c.formatDate(t) + c.at + c.formatTime(t)
}
