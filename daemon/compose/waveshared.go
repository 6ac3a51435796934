package compose

import "strings"

// WaveShared is what every message of a wave has in common in its
// header, checked and laid out once instead of for each message: the
// account's address (parsed, its domain in A-labels), the From and
// Reply-To fields, the mailto of List-Unsubscribe and the checked
// public URL. It is read-only once made, and safe for concurrent use.
type WaveShared struct {
	from, fromName, publicURL string // as given to NewWaveShared

	addr     string // from, bare, as headers carry it
	addrErr  error
	fromF    field
	replyToF field
	mailto   string // "List-Unsubscribe: <mailto:ADDR?subject=unsubscribe%20"

	urlBase  string // "PUBLIC/u/"
	urlErr   error
	oneClick bool
}

// NewWaveShared lays out the header parts of the messages from address
// from, named fromName, with http.public_url publicURL (may be empty).
// Problems are not reported here but by each message, as AppendWave
// reports them without it.
func NewWaveShared(from, fromName, publicURL string) *WaveShared {
	s := &WaveShared{from: from, fromName: fromName, publicURL: publicURL}
	s.addr, s.addrErr = bareAddress("from", from)
	if s.addrErr == nil {
		var f fields
		f.addAddress("From", oneLine(fromName), s.addr)
		f.addAddress("Reply-To", "", s.addr)
		s.fromF, s.replyToF = f[0], f[1]
		s.mailto = "List-Unsubscribe: <mailto:" + mailtoEscape(s.addr) + "?subject=unsubscribe%20"
	}
	if publicURL != "" {
		// The token checked here is a valid one: only publicURL can fail.
		u, err := UnsubscribeURL(publicURL, "t")
		s.urlBase, s.urlErr = strings.TrimSuffix(u, "t"), err
		s.oneClick = strings.HasPrefix(u, "https:")
	}
	return s
}

// UnsubscribeURL is UnsubscribeURL(publicURL, token) with the publicURL
// given to NewWaveShared.
func (s *WaveShared) UnsubscribeURL(token string) (string, error) {
	if s.publicURL == "" || s.urlErr != nil || !validToken(token) {
		return UnsubscribeURL(s.publicURL, token) // its error, as it words it
	}
	return s.urlBase + token, nil
}

// fits reports whether s was made for in's account and public URL.
func (s *WaveShared) fits(in *WaveInput) bool {
	return s != nil && s.from == in.From && s.fromName == in.FromName && s.publicURL == in.PublicURL
}
