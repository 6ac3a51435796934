package waves

import (
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/templates"
)

// BenchmarkMessage renders and builds one wave message of the throughput
// benchmark (bench/waves/templates, text and HTML, ~5.7 KB) for one
// contact, as a wave's session does per row:
//
//	go test ./daemon/waves -run '^$' -bench Message -benchmem
func BenchmarkMessage(b *testing.B) {
	tmpl, err := templates.Load("../../bench/waves/templates")
	if err != nil {
		b.Fatal(err)
	}
	brussels, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		b.Fatal(err)
	}
	cfg := &config.Config{
		Location: brussels,
		Event: config.Event{Name: "Global Conference on Cities and Migrants", RefPrefix: "GCCM",
			Start: time.Date(2017, 11, 16, 8, 0, 0, 0, time.UTC), End: time.Date(2017, 11, 17, 16, 0, 0, 0, time.UTC),
			Venue: "Lamot Congress Centre, Mechelen, Belgium", URL: "https://example.org/gccm"},
		Accounts: []config.Account{{Name: "habitat", Address: "decorte@un.org", FromName: "UN-Habitat focal point"}},
	}
	e := &Engine{Config: cfg, Templates: tmpl, Secret: []byte("secret")}
	w := &config.Wave{Name: "bench", Account: "habitat", List: "invitees", Template: "bench"}
	d := &store.Delivery{ID: 1, Wave: "bench", Run: 1, MessageID: "abcdefghijklmnopqrstuvwxyz@un.org",
		Contact: store.Contact{ID: 1, Email: "mayor.000001@city001.example", Name: "Valérie Lefèvre", Language: "en",
			Organisation: "City of Kampala", Title: "Mayor", City: "Kampala", Country: "BE",
			Fields: map[string]string{"delegation": "D-00001"}}}
	k := e.kit(w, &cfg.Accounts[0])
	b.ReportAllocs()
	var size int
	for b.Loop() {
		raw, err := e.message(k, d)
		if err != nil {
			b.Fatal(err)
		}
		size = len(raw)
		recycle(raw) // as a stream does once the message is sent
	}
	b.ReportMetric(float64(size), "bytes/msg")
}
