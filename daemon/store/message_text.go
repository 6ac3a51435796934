package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxMessageText bounds the text kept of one message: enough for any
// enquiry a person writes, small enough that a mail bomb does not grow
// the database.
const MaxMessageText = 64 << 10

// maxAttachmentsListed bounds the attachments listed for one message.
const maxAttachmentsListed = 100

// AttachmentInfo names one attachment of a recorded message.
type AttachmentInfo struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Size int    `json:"size"`
}

// CutText returns s cut to at most n bytes, on a rune boundary, and
// whether anything was cut.
func CutText(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}

// messageText is what is kept of a message's text and attachment names,
// written with its row: the text cut at MaxMessageText, without NUL
// bytes (no text a person reads; PostgreSQL's text refuses them, and
// both engines keep the same), the attachments as a JSON list.
func messageText(m MessageRow) (text, atts string) {
	if m.Text != "" {
		text, _ = CutText(strings.ReplaceAll(m.Text, "\x00", ""), MaxMessageText)
	}
	if len(m.Attachments) > 0 {
		b, err := json.Marshal(m.Attachments[:min(len(m.Attachments), maxAttachmentsListed)])
		if err != nil {
			panic(err) // a slice of plain structs of strings and ints: cannot fail
		}
		atts = string(b)
	}
	return text, atts
}

// ThreadText lists an enquiry's messages in the order herald saw them
// (as Thread does), with their text
// and attachments, for the enquiry's page.
func (s *Store) ThreadText(ctx context.Context, enquiryID int64) ([]MessageRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, message_id, from_addr, recipients, date, direction, folder, kind,
		subject, detail, body_text, attachments FROM messages WHERE enquiry_id = ? ORDER BY seen_at, id`, enquiryID)
	if err != nil {
		return nil, fmt.Errorf("read thread of enquiry %d: %w", enquiryID, err)
	}
	defer rows.Close()
	var out []MessageRow
	for rows.Next() {
		var m MessageRow
		var date, rcpts, atts string
		if err := rows.Scan(&m.ID, &m.MessageID, &m.From, &rcpts, &date, &m.Direction, &m.Folder, &m.Kind,
			&m.Subject, &m.Detail, &m.Text, &atts); err != nil {
			return nil, fmt.Errorf("read thread of enquiry %d: %w", enquiryID, err)
		}
		m.Date = parseTS(date)
		if rcpts != "" {
			m.Recipients = strings.Split(rcpts, ",")
		}
		if atts != "" {
			// A row this binary wrote; an unreadable list is shown as none
			// rather than hiding the thread.
			_ = json.Unmarshal([]byte(atts), &m.Attachments)
		}
		out = append(out, m)
	}
	return out, wrap(rows.Err(), "read thread of enquiry %d", enquiryID)
}
