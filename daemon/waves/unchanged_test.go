package waves

import (
	"crypto/sha256"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/templates"
)

var update = flag.Bool("update", false, "rewrite testdata/messages.sha256 from this tree's messages")

// messagesFile holds one hash per template and account: of every wave
// message built for the contacts of messageContacts.
const messagesFile = "testdata/messages.sha256"

// TestMessagesUnchanged pins the bytes of the wave messages of the
// benchmark's and the shipped invitation templates, for ordinary,
// international and hostile contacts, from an ASCII and an international
// account (and one whose address is refused), with and without a
// public URL (https, http, refused): what a recipient gets must
// not change when building it is made cheaper. The Date and the MIME
// boundaries, which change with every message, are replaced first.
// After a change of output that is meant, rewrite the hashes and say why
// in the commit:
//
//	go test ./daemon/waves -run TestMessagesUnchanged -update
func TestMessagesUnchanged(t *testing.T) {
	got := messageHashes(t)
	if *update {
		if err := os.WriteFile(messagesFile, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(messagesFile)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(got) != len(want) {
		t.Errorf("%d hashes, %s has %d; see -update", len(got), messagesFile, len(want))
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Errorf("messages changed: got %s, want %s", got[i], want[i])
		}
	}
}

var (
	dateLine = regexp.MustCompile(`(?m)^Date: [^\r\n]*\r\n`)
	boundary = regexp.MustCompile(`herald-[a-z0-9]+`)
)

// messageContacts are ordinary, international and hostile contacts; some
// cannot get a message (their error is hashed instead).
func messageContacts() []store.Contact {
	names := []string{"Valérie Lefèvre", "", "Bart Somers", "<script>alert('x')</script>", "\r\nBcc: x@evil.example",
		"=?utf-8?q?Mayor?=", strings.Repeat("Lefèvre <b> & ", 40), "Ángela Peña-Ibáñez 北京市 مدينة", `"Dr." O'Neil, Jr`}
	emails := []string{"mayor.000001@city001.example", "maire@mairie-évry.fr", "josé@ciudad.example",
		"Mayor <m@x.example>", "not an address", "a@[192.0.2.1]", "UPPER@Case.Example"}
	var cs []store.Contact
	for i := range 3 * len(names) {
		h := func(k int) string { return names[(i+k)%len(names)] }
		var fields map[string]string
		if i%3 == 1 {
			fields = map[string]string{"salutation": h(4), "delegation": "D-1"}
		}
		cs = append(cs, store.Contact{ID: int64(i + 1), Email: emails[i%len(emails)], Name: h(0), Language: []string{"en", "fr", "es", "de", ""}[i%5],
			Organisation: h(1), Title: h(2), City: h(3), Country: "BE", Fields: fields})
	}
	return cs
}

// messageHashes returns "TEMPLATE ACCOUNT PUBLIC MESSAGES FAILED SHA256" lines.
func messageHashes(t *testing.T) []string {
	brussels, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		t.Skipf("no tzdata: %v", err)
	}
	accounts := []config.Account{
		{Name: "habitat", Address: "decorte@un.org", FromName: "UN-Habitat focal point", Language: "fr"},
		{Name: "idn", Address: "secrétariat@conférence.example", FromName: "Secrétariat de la Conférence, \"GCCM\""},
		{Name: "bad", Address: "Secretariat <s@un.org>", FromName: "a\r\nBcc: x@evil.example"},
	}
	var lines []string
	for _, dir := range []string{"../../bench/waves/templates", "../../templates"} {
		tmpl, err := templates.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"bench", "invitation", "reminder"} {
			if len(tmpl.Languages(name)) == 0 {
				continue
			}
			for _, acct := range accounts {
				for _, pub := range []string{"", "https://rsvp.example.org/h/", "http://sandbox.example", "ftp://x.example"} {
					cfg := &config.Config{Location: brussels, Accounts: []config.Account{acct},
						Event: config.Event{Name: "Global Conference on Cities and Migrants", RefPrefix: "GCCM",
							Start: time.Date(2017, 11, 16, 8, 0, 0, 0, time.UTC), End: time.Date(2017, 11, 17, 16, 0, 0, 0, time.UTC),
							Venue: "Lamot Congress Centre, Mechelen, Belgium", URL: "https://example.org/gccm"}}
					cfg.HTTP.PublicURL = pub
					e := &Engine{Config: cfg, Templates: tmpl, Secret: []byte("secret")}
					w := &config.Wave{Name: "w-" + name, Account: acct.Name, List: "invitees", Template: name}
					k := e.kit(w, &cfg.Accounts[0])
					h := sha256.New()
					cs := messageContacts()
					fails := 0
					for i, c := range cs {
						d := &store.Delivery{ID: int64(i + 1), Wave: w.Name, Run: 1 + i%3, Contact: c,
							MessageID: fmt.Sprintf("<%026d@un.org>", i)}
						raw, err := e.message(k, d)
						out := "error: " + fmt.Sprint(err)
						if err != nil {
							fails++
						} else {
							out = boundary.ReplaceAllString(dateLine.ReplaceAllString(string(raw), "Date: X\r\n"), "herald-B")
						}
						h.Write(binary.AppendUvarint(nil, uint64(len(out))))
						h.Write([]byte(out))
					}
					if fails > len(cs)/2 && acct.Name != "bad" && !strings.HasPrefix(pub, "ftp:") {
						t.Fatalf("%s from %s: %d of %d messages fail: the test would test errors", name, acct.Name, fails, len(cs))
					}
					lines = append(lines, fmt.Sprintf("%s %s public=%q %d %d %x", name, acct.Name, pub, len(cs), fails, h.Sum(nil)))
				}
			}
		}
	}
	return lines
}
