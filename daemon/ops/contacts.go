package ops

import (
	"context"
	"errors"
	"time"

	"github.com/herald-mail/herald/daemon/store"
)

// Contact is the docs/BEHAVIOUR.md §2 shape of `contacts show --json`.
type Contact struct {
	Email        string               `json:"email"`
	Name         string               `json:"name"`
	Language     string               `json:"language"`
	Organisation string               `json:"organisation"`
	Title        string               `json:"title"`
	City         string               `json:"city"`
	Country      string               `json:"country"`
	Status       string               `json:"status"`
	RSVP         string               `json:"rsvp"`
	RSVPAt       *time.Time           `json:"rsvp_at"`
	Bounced      bool                 `json:"bounced"`
	Bounces      int                  `json:"bounces"`
	Lists        []store.Membership   `json:"lists"`
	Fields       map[string]string    `json:"fields"`
	Events       []store.ContactEvent `json:"events"`
	// Sent lists wave deliveries, Received the replies, answers and
	// bounces read from the contact (docs/BEHAVIOUR.md §2).
	Sent     []SentMessage     `json:"sent"`
	Received []ReceivedMessage `json:"received"`
}

// SentMessage is one wave message sent to a contact.
type SentMessage struct {
	Wave      string    `json:"wave"`
	Run       int       `json:"run"`
	MessageID string    `json:"message_id"`
	SentAt    time.Time `json:"sent_at"`
	Result    string    `json:"result"`
}

// ReceivedMessage is one message read from a contact.
type ReceivedMessage struct {
	MessageID  string    `json:"message_id"`
	Kind       string    `json:"kind"`
	ReceivedAt time.Time `json:"received_at"`
}

// ShowContact is one contact with its lists, history and messages; the
// store's detail comes too.
func ShowContact(ctx context.Context, st *store.Store, email string) (*Contact, *store.ContactDetail, error) {
	c, err := st.Contact(ctx, email)
	if errors.Is(err, store.ErrNoContact) {
		return nil, nil, notFound("no contact %s (see herald lists export LIST)", email)
	}
	if err != nil {
		return nil, nil, err
	}
	j := &Contact{Email: c.Email, Name: c.Name, Language: c.Language, Organisation: c.Organisation,
		Title: c.Title, City: c.City, Country: c.Country, Status: c.Status, RSVP: c.RSVP, Bounced: c.Bounced,
		Bounces: c.Bounces, Lists: c.Lists, Fields: c.Fields, Events: c.Events, Sent: []SentMessage{}, Received: []ReceivedMessage{}}
	sent, received, err := st.ContactHistory(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, m := range sent {
		j.Sent = append(j.Sent, SentMessage{Wave: m.Wave, Run: m.Run, MessageID: m.MessageID, SentAt: m.At, Result: m.Result})
	}
	for _, m := range received {
		j.Received = append(j.Received, ReceivedMessage{MessageID: m.MessageID, Kind: m.Kind, ReceivedAt: m.At})
	}
	if !c.RSVPAt.IsZero() {
		j.RSVPAt = &c.RSVPAt
	}
	if j.Lists == nil {
		j.Lists = []store.Membership{}
	}
	if j.Events == nil {
		j.Events = []store.ContactEvent{}
	}
	return j, c, nil
}
