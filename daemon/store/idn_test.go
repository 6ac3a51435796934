package store

import (
	"context"
	"testing"
	"time"
)

func TestRateKeyInternationalDomain(t *testing.T) {
	want := "maire@xn--mairie-vry-h7a.fr"
	for _, in := range []string{"maire@mairie-évry.fr", "Maire+rsvp@Mairie-Évry.FR", "MAIRE@XN--MAIRIE-VRY-H7A.FR", want} {
		if got := RateKey(in); got != want {
			t.Errorf("RateKey(%q) = %q, want %q", in, got, want)
		}
	}
	if got := RateKey("a@évry_ville.fr"); got != "a@évry_ville.fr" {
		t.Errorf("RateKey of a domain IDNA refuses = %q, want it lowercased as it is", got)
	}
}

// TestInternationalAddressOneContact: replies from either form of an
// international domain, in any case, find the contact imported with the
// other; an acknowledgement to one form counts for the other.
func TestInternationalAddressOneContact(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	importRows(t, s, "mayors", false, row("maire@mairie-évry.fr", "Mairie d'Évry"), row("zoë@xn--mairie-vry-h7a.fr", "Zoë"))
	now := time.Now()
	err := s.Inbox(ctx, func(tx *InboxTx) error {
		for addr, want := range map[string]string{
			"maire@xn--mairie-vry-h7a.fr": "maire@mairie-évry.fr",
			"Maire@Mairie-Évry.FR":        "maire@mairie-évry.fr",
			"ZOË@mairie-évry.fr":          "zoë@xn--mairie-vry-h7a.fr",
			"zoë@XN--MAIRIE-VRY-H7A.fr":   "zoë@xn--mairie-vry-h7a.fr",
		} {
			c, err := tx.ContactByAddress(addr)
			if err != nil || c == nil || c.Email != want {
				t.Errorf("ContactByAddress(%q) = %+v, %v; want the contact %s", addr, c, err, want)
			}
		}
		if err := tx.AddAutoReply("habitat", "maire@mairie-évry.fr", "ack", "<a@b>", now); err != nil {
			return err
		}
		acked, err := tx.AckedSince("habitat", "maire@xn--mairie-vry-h7a.fr", now.Add(-time.Hour))
		if err != nil || !acked {
			t.Errorf("AckedSince(A-label) = %v, %v after an ack to the U-label; want true", acked, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
