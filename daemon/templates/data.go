package templates

import (
	"time"

	"github.com/herald-mail/herald/daemon/config"
)

// Data is what a template sees as dot.
type Data struct {
	// Contact is the recipient when it is a contact; nil for an
	// acknowledgement to someone who is not on a list.
	Contact *Contact
	Event   config.Event
	Account AccountData
	// Wave is set for wave messages.
	Wave *WaveData
	// Enquiry is set for acknowledgements and confirmations.
	Enquiry *EnquiryData
	// Enquiries is the list a digest reports, oldest first.
	Enquiries []EnquiryData
	// UnsubscribeURL is the one-click link, empty when http.public_url is unset.
	UnsubscribeURL string
	// Lang is the language rendered; Render sets it.
	Lang string
	// Location is where dates are shown (config timezone); nil keeps each
	// time in its own zone.
	Location *time.Location
}

// Contact is one member of a list (docs/BEHAVIOUR.md §9).
type Contact struct {
	Email        string
	Name         string
	Language     string
	Organisation string
	Title        string
	City         string
	Country      string
	// Fields holds the CSV's other columns, as .Contact.Fields.column.
	Fields map[string]string
}

// AccountData is the sending account as templates see it.
type AccountData struct {
	Name     string
	Address  string
	FromName string
}

// WaveData is the wave a message belongs to.
type WaveData struct {
	Name string
}

// EnquiryData is the enquiry an acknowledgement answers.
type EnquiryData struct {
	Ref      string
	Subject  string
	Category string
	// From, Status and ReceivedAt are set in a digest's Enquiries.
	From       string
	Status     string
	ReceivedAt time.Time
}

// AccountDataOf returns the template view of a configured account.
func AccountDataOf(a *config.Account) AccountData {
	return AccountData{Name: a.Name, Address: a.Address, FromName: a.FromName}
}
