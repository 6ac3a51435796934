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

// saveText stores a just-added message's text and attachment names. It
// runs only when there is something to keep: headers-only rows (bounces
// filed before any text is read, quarantined messages) cost nothing.
func (t *InboxTx) saveText(id int64, m MessageRow) error {
	if m.Text == "" && len(m.Attachments) == 0 {
		return nil
	}
	// A NUL byte is no text a person reads, and PostgreSQL's text type
	// refuses it: one in a hostile message must not fail its recording.
	text, _ := CutText(strings.ReplaceAll(m.Text, "\x00", ""), MaxMessageText)
	atts := ""
	if len(m.Attachments) > 0 {
		list := m.Attachments[:min(len(m.Attachments), maxAttachmentsListed)]
		b, err := json.Marshal(list)
		if err != nil {
			return fmt.Errorf("record attachments of message %d: %w", id, err)
		}
		atts = string(b)
	}
	_, err := t.tx.ExecContext(t.ctx, `UPDATE messages SET body_text = ?, attachments = ? WHERE id = ?`, text, atts, id)
	return wrap(err, "record text of message %d", id)
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
