package waves

import (
	"fmt"

	"github.com/herald-mail/herald/daemon/compose"
	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/templates"
)

// WaveHeader carries "wave/run" on every wave message, so that a reply
// whose client dropped In-Reply-To can still be traced.
const WaveHeader = "X-Herald-Wave"

// message renders and builds one delivery's MIME message (SPEC §5, §7):
// the contact's language, then the account's, then English.
func (e *Engine) message(w *config.Wave, acct *config.Account, d *store.Delivery) ([]byte, error) {
	c := &d.Contact
	token := compose.UnsubscribeToken(e.Secret, w.List, c.ID)
	data := templates.Data{
		Contact: &templates.Contact{Email: c.Email, Name: c.Name, Language: c.Language, Organisation: c.Organisation,
			Title: c.Title, City: c.City, Country: c.Country, Fields: c.Fields},
		Event:    e.Config.Event,
		Account:  templates.AccountDataOf(acct),
		Wave:     &templates.WaveData{Name: w.Name},
		Location: e.Config.Location,
	}
	if pub := e.Config.HTTP.PublicURL; pub != "" {
		u, err := compose.UnsubscribeURL(pub, token)
		if err != nil {
			return nil, err
		}
		data.UnsubscribeURL = u
	}
	r, err := e.Templates.Render(w.Template, []string{c.Language, acct.Language, "en"}, data)
	if err != nil {
		return nil, err
	}
	in := compose.WaveInput{
		From: acct.Address, FromName: acct.FromName, To: c.Email, ToName: c.Name,
		MessageID: d.MessageID, Unsubscribe: token, PublicURL: e.Config.HTTP.PublicURL,
		WaveHeader: WaveHeader, WaveValue: fmt.Sprintf("%s/%d", w.Name, d.Run), Rendered: r,
	}
	if w.AttachICS {
		ev := e.Config.Event
		in.Event = &ev
	}
	return compose.Wave(in)
}
