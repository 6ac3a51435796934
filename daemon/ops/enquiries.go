package ops

import (
	"context"
	"time"

	"github.com/herald-mail/herald/daemon/store"
)

// Enquiry is the docs/BEHAVIOUR.md §2 shape of `enquiries --json` and `enquiries show
// --json` (with Messages).
type Enquiry struct {
	Ref            string          `json:"ref"`
	Account        string          `json:"account"`
	Mailbox        string          `json:"mailbox"`
	From           string          `json:"from"`
	Subject        string          `json:"subject"`
	Category       string          `json:"category"`
	Status         string          `json:"status"`
	ReceivedAt     time.Time       `json:"received_at"`
	AcknowledgedAt *time.Time      `json:"acknowledged_at"`
	AckSuppressed  *string         `json:"ack_suppressed"`
	ThreadSize     int             `json:"thread_size"`
	Language       string          `json:"language,omitempty"`
	Messages       []ThreadMessage `json:"messages,omitempty"`
}

// ThreadMessage is one message of an enquiry's thread.
type ThreadMessage struct {
	MessageID string    `json:"message_id"`
	From      string    `json:"from"`
	Date      time.Time `json:"date"`
	Direction string    `json:"direction"`
	Folder    string    `json:"folder"`
	Subject   string    `json:"subject"`
	// Text is the readable text herald kept (at most 64 KiB); Attachments
	// names the parts the message carried, which stay in the mailbox.
	Text        string                 `json:"text,omitempty"`
	Attachments []store.AttachmentInfo `json:"attachments,omitempty"`
}

// EnquiryJSON is e in the JSON shape.
func EnquiryJSON(e *store.Enquiry) Enquiry {
	j := Enquiry{Ref: e.Ref, Account: e.Account, Mailbox: e.Mailbox, From: e.From, Subject: e.Subject,
		Category: e.Category, Status: e.Status, ReceivedAt: e.ReceivedAt, ThreadSize: e.ThreadSize, Language: e.Language}
	if !e.AcknowledgedAt.IsZero() {
		j.AcknowledgedAt = &e.AcknowledgedAt
	}
	if e.AckSuppressed != "" {
		j.AckSuppressed = &e.AckSuppressed
	}
	return j
}

// EnquiryStatuses are the statuses an enquiry can be in.
var EnquiryStatuses = []string{"open", "acknowledged", "answered", "closed"}

// EnquiryDetail is one enquiry with its thread; the store row comes too,
// for what the JSON does not carry.
func EnquiryDetail(ctx context.Context, st *store.Store, ref string) (*Enquiry, *store.Enquiry, []store.MessageRow, error) {
	q, err := st.EnquiryByRef(ctx, ref)
	if err != nil {
		return nil, nil, nil, err
	}
	if q == nil {
		return nil, nil, nil, notFound("no enquiry %s (see 'herald enquiries')", ref)
	}
	thread, err := st.ThreadText(ctx, q.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	j := EnquiryJSON(q)
	j.Messages = []ThreadMessage{}
	for _, m := range thread {
		j.Messages = append(j.Messages, ThreadMessage{MessageID: m.MessageID, From: m.From, Date: m.Date, Direction: m.Direction, Folder: m.Folder,
			Subject: m.Subject, Text: m.Text, Attachments: m.Attachments})
	}
	return &j, q, thread, nil
}

// SetEnquiryStatus closes, reopens or marks answered the enquiry ref on
// behalf of actor; it says when the enquiry was already so.
func SetEnquiryStatus(ctx context.Context, st *store.Store, ref, kind, actor string) (changed bool, err error) {
	q, err := st.EnquiryByRef(ctx, ref)
	if err != nil {
		return false, err
	}
	if q == nil {
		return false, notFound("no enquiry %s (see 'herald enquiries')", ref)
	}
	return st.SetEnquiryStatus(ctx, q.Ref, kind, actor)
}
