package waves

import (
	"strconv"
	"sync"

	"github.com/herald-mail/herald/daemon/compose"
	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/templates"
)

// WaveHeader carries "wave/run" on every wave message, so that a reply
// whose client dropped In-Reply-To can still be traced.
const WaveHeader = "X-Herald-Wave"

// rawBuffers are message buffers a stream is done with (recycle): a
// wave's messages are all about the same size, and building each into a
// fresh one made a quarter of a wave's garbage.
var rawBuffers sync.Pool

// maxRecycled is the largest buffer kept for another message.
const maxRecycled = 256 << 10

// recycle hands raw, a message built by message that nothing holds any
// more, back for another message.
func recycle(raw []byte) {
	if raw != nil && cap(raw) <= maxRecycled {
		raw = raw[:0]
		rawBuffers.Put(&raw)
	}
}

// waveKit is what every message of a wave's pass shares, made once for
// it: the account, the template prepared for the event, the account and
// the wave (templates.Prepared), and the header parts from the account
// (compose.WaveShared).
type waveKit struct {
	w      *config.Wave
	acct   *config.Account
	tmpl   *templates.Prepared
	header *compose.WaveShared
}

// kit prepares the messages of wave w from account acct.
func (e *Engine) kit(w *config.Wave, acct *config.Account) *waveKit {
	shared := templates.Data{
		Event:    e.Config.Event,
		Account:  templates.AccountDataOf(acct),
		Wave:     &templates.WaveData{Name: w.Name},
		Location: e.Config.Location,
	}
	return &waveKit{w: w, acct: acct, tmpl: e.Templates.Prepare(w.Template, shared),
		header: compose.NewWaveShared(acct.Address, acct.FromName, e.Config.HTTP.PublicURL)}
}

// message renders and builds one delivery's MIME message
// (docs/BEHAVIOUR.md §8.5 and §10): the contact's language, then the account's, then English.
func (e *Engine) message(k *waveKit, d *store.Delivery) ([]byte, error) {
	w, acct, c := k.w, k.acct, &d.Contact
	token := compose.UnsubscribeToken(e.Secret, w.Account, w.List, c.ID)
	contact := &templates.Contact{Email: c.Email, Name: c.Name, Language: c.Language, Organisation: c.Organisation,
		Title: c.Title, City: c.City, Country: c.Country, Fields: c.Fields}
	var unsubscribeURL string
	if e.Config.HTTP.PublicURL != "" {
		u, err := k.header.UnsubscribeURL(token)
		if err != nil {
			return nil, err
		}
		unsubscribeURL = u
	}
	r, err := k.tmpl.Render([]string{c.Language, acct.Language, "en"}, contact, unsubscribeURL)
	if err != nil {
		return nil, err
	}
	in := compose.WaveInput{
		From: acct.Address, FromName: acct.FromName, To: c.Email, ToName: c.Name,
		MessageID: d.MessageID, Unsubscribe: token, PublicURL: e.Config.HTTP.PublicURL,
		WaveHeader: WaveHeader, WaveValue: w.Name + "/" + strconv.Itoa(d.Run), Rendered: r, Shared: k.header,
	}
	if w.AttachICS {
		ev := e.Config.Event
		in.Event = &ev
		in.EventUID = compose.EventUID(e.Secret, ev, acct.Address, c.ID)
	}
	var dst []byte
	if b, ok := rawBuffers.Get().(*[]byte); ok {
		dst = *b
	}
	return compose.AppendWave(dst, in)
}
