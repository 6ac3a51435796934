package ops

import (
	"context"
	"fmt"
	"slices"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
)

// RecordCategories are the enquiries triage leaves to a person because
// a reply's meaning or its sender could not be established (docs/BEHAVIOUR.md §6.1):
// a person reads the evidence and records the answer in one click.
var RecordCategories = []string{"rsvp-unclear", "rsvp-unverified", "unsubscribe-unverified"}

// RecordAnswers are what a person may record from such an enquiry.
var RecordAnswers = []string{"accepted", "declined", "maybe", "unsubscribe"}

// RecordFromEnquiry records, on behalf of actor, what the sender of an
// rsvp-unclear or unverified enquiry meant: an RSVP answer on their
// contact, or an unsubscribe from the lists of the enquiry's account's
// waves (docs/BEHAVIOUR.md §6.2: an unsubscribe applies to the lists of one account);
// then closes the enquiry. It returns what changed, in words.
func RecordFromEnquiry(ctx context.Context, cfg *config.Config, st *store.Store, q *store.Enquiry, answer, actor string) (string, error) {
	if !slices.Contains(RecordCategories, q.Category) {
		return "", fmt.Errorf("%w: enquiry %s is %s, not one of %v: answer its sender instead", ErrConflict, q.Ref, q.Category, RecordCategories)
	}
	if !slices.Contains(RecordAnswers, answer) {
		return "", fmt.Errorf("answer %q: want one of %v", answer, RecordAnswers)
	}
	c, err := st.ContactByEmail(ctx, q.From)
	if err != nil {
		return "", err
	}
	if c == nil {
		return "", notFound("no contact %s: the sender of %s is on no list", q.From, q.Ref)
	}
	detail := "from enquiry " + q.Ref
	var done string
	err = st.Inbox(ctx, func(tx *store.InboxTx) error {
		if answer != "unsubscribe" {
			_, err := tx.SetRSVP(c.ID, answer, actor, detail)
			done = fmt.Sprintf("%s: RSVP %s", c.Email, answer)
			return err
		}
		var lists []string
		for _, w := range cfg.Waves {
			if w.Account == q.Account && !slices.Contains(lists, w.List) {
				lists = append(lists, w.List)
			}
		}
		if len(lists) == 0 {
			return fmt.Errorf("%w: account %s sends no wave: there is no list to unsubscribe %s from", ErrConflict, q.Account, c.Email)
		}
		changed, err := tx.Unsubscribe(c.ID, lists, actor, detail)
		done = fmt.Sprintf("%s: unsubscribed from %v", c.Email, changed)
		return err
	})
	if err != nil {
		return "", err
	}
	if _, err := st.SetEnquiryStatus(ctx, q.Ref, store.EnquiryClose, actor); err != nil {
		return "", err
	}
	return done, nil
}
