package templates

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
)

// writeDir writes files (name -> content) to a fresh folder.
func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// mustLoad loads files and fails the test on any problem.
func mustLoad(t *testing.T, files map[string]string) *Set {
	t.Helper()
	s, err := Load(writeDir(t, files))
	if err != nil {
		t.Fatalf("Load() = %v", err)
	}
	return s
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// brussels is the conference's zone; tests skip when tzdata is missing.
func brussels(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		t.Skipf("no tzdata: %v", err)
	}
	return loc
}

// sampleData is what an acknowledgement or a wave message sees, as the
// daemon fills it from config.yaml and a contact row.
func sampleData(loc *time.Location) Data {
	return Data{
		Contact: &Contact{
			Email: "maire@mechelen.be", Name: "Bart Somers", Language: "fr",
			Organisation: "Ville de Malines", Title: "Bourgmestre", City: "Mechelen", Country: "BE",
			Fields: map[string]string{"salutation": "Monsieur le Bourgmestre", "delegation": "3"},
		},
		Event: config.Event{
			Name:      "Global Conference on Cities and Migrants",
			RefPrefix: "GCCM",
			Start:     mustTime("2017-11-16T09:00:00+01:00"),
			End:       mustTime("2017-11-17T17:00:00+01:00"),
			Venue:     "Lamot Congress Centre, Mechelen, Belgium",
			URL:       "https://example.org/gccm",
		},
		Account: AccountData{Name: "habitat", Address: "decorte@un.org", FromName: "UN-Habitat focal point"},
		Wave:    &WaveData{Name: "invitation"},
		Enquiry: &EnquiryData{Ref: "GCCM-0042", Subject: "Demande de visa pour la délégation", Category: "visa"},
		Enquiries: []EnquiryData{{Ref: "GCCM-0042", Subject: "Demande de visa pour la délégation", Category: "visa",
			From: "amina.diallo@dakar.example", Status: "acknowledged", ReceivedAt: time.Date(2017, 10, 2, 9, 30, 0, 0, time.UTC)}},
		UnsubscribeURL: "https://rsvp.example.org/u/abc123",
		Location:       loc,
	}
}
