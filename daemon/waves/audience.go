package waves

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
)

// Skip reasons, as `waves send --dry-run` and `waves show` print them.
const (
	SkipBounced      = "bounced"
	SkipUnsubscribed = "unsubscribed"
)

// eligible applies docs/BEHAVIOUR.md §8.2's audience to one list member and returns ""
// when the wave goes to them, else why not. Order matters only for the
// reason shown: the most permanent one first.
func eligible(w *config.Wave, c *store.Candidate, now time.Time) string {
	switch {
	case c.Bounced:
		return SkipBounced
	case c.MemberStatus != "subscribed":
		return SkipUnsubscribed
	}
	if why := audienceMismatch(w.Audience, c.RSVP); why != "" {
		return why
	}
	if w.After != "" && c.AfterSent.IsZero() {
		return fmt.Sprintf("was not sent %q", w.After)
	}
	if !c.LastSent.IsZero() {
		// A one-shot wave goes to a contact once, ever; a recurring one
		// again on each run, but never within min_gap.
		if w.Cron == "" {
			return "already sent this wave on " + c.LastSent.Format(time.DateOnly)
		}
		if w.MinGap > 0 && now.Sub(c.LastSent) < w.MinGap {
			return fmt.Sprintf("sent this wave on %s (min_gap %s)", c.LastSent.Format(time.DateOnly), w.MinGap)
		}
	}
	return whereMismatch(w.Where, &c.Contact)
}

// audienceMismatch checks the RSVP filter: all, no-reply (no answer yet),
// accepted, declined or maybe.
func audienceMismatch(audience, rsvp string) string {
	switch audience {
	case "", "all":
		return ""
	case "no-reply":
		if rsvp != "none" && rsvp != "" {
			return "already answered: " + rsvp
		}
		return ""
	}
	if rsvp != audience {
		if rsvp == "" || rsvp == "none" {
			rsvp = "no answer"
		}
		return fmt.Sprintf("audience %s: RSVP is %s", audience, rsvp)
	}
	return ""
}

// whereMismatch checks `where` (field equality, case-insensitive) against
// the known columns and the custom fields.
func whereMismatch(where map[string]string, c *store.Contact) string {
	keys := make([]string, 0, len(where))
	for k := range where {
		keys = append(keys, k)
	}
	sort.Strings(keys) // a stable reason when several differ
	for _, k := range keys {
		if got := field(c, k); !strings.EqualFold(got, where[k]) {
			return fmt.Sprintf("where %s=%s: is %q", k, where[k], got)
		}
	}
	return ""
}

func field(c *store.Contact, name string) string {
	switch strings.ToLower(name) {
	case "email":
		return c.Email
	case "name":
		return c.Name
	case "language":
		return c.Language
	case "organisation":
		return c.Organisation
	case "title":
		return c.Title
	case "city":
		return c.City
	case "country":
		return c.Country
	}
	return c.Fields[name]
}
