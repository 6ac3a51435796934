package compose

import (
	"bytes"
	"fmt"
	"testing"
)

// TestWaveSharedSameMessage: a message built with a WaveShared is the
// message built without it, byte for byte or error for error, for good
// and refused accounts and public URLs; one made for another account or
// URL is not used.
func TestWaveSharedSameMessage(t *testing.T) {
	for _, from := range []string{"decorte@un.org", "secrétariat@conférence.example", "Sec <s@un.org>", "josé@ciudad.example"} {
		for _, pub := range []string{"", "https://rsvp.example.org/h/", "http://sandbox.example", "ftp://x"} {
			in := waveInput()
			in.From, in.PublicURL = from, pub
			want, werr := AppendWave(nil, in)
			for _, shared := range []*WaveShared{
				NewWaveShared(from, in.FromName, pub),
				NewWaveShared("other@un.org", in.FromName, pub),
				NewWaveShared(from, in.FromName, "https://elsewhere.example"),
			} {
				in := in
				in.Shared = shared
				got, gerr := AppendWave(nil, in)
				if fmt.Sprint(gerr) != fmt.Sprint(werr) || !bytes.Equal(got, want) {
					t.Errorf("from %q, public %q: with %+v:\n%s %v\nwithout:\n%s %v", from, pub, shared, got, gerr, want, werr)
				}
			}
			wantURL, werr := UnsubscribeURL(pub, in.Unsubscribe)
			gotURL, gerr := NewWaveShared(from, "", pub).UnsubscribeURL(in.Unsubscribe)
			if gotURL != wantURL || fmt.Sprint(gerr) != fmt.Sprint(werr) {
				t.Errorf("UnsubscribeURL(%q) = %q, %v; want %q, %v", pub, gotURL, gerr, wantURL, werr)
			}
			if _, err := NewWaveShared(from, "", pub).UnsubscribeURL("bad token!"); err == nil {
				t.Errorf("UnsubscribeURL(%q) took a bad token", pub)
			}
		}
	}
}
