package ops

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
)

// ExportStatuses are the member statuses an export may keep.
var ExportStatuses = []string{store.StatusSubscribed, store.StatusUnsubscribed, store.StatusBounced}

// ExportList streams list's members (only those in status, unless "")
// to write, a header row first: email, the known columns, the list's
// own fields, status, rsvp, bounces (`lists export`). A configured list
// not imported yet gives the header alone.
func ExportList(ctx context.Context, cfg *config.Config, st *store.Store, list, status string, write func([]string) error) error {
	if status != "" && !slices.Contains(ExportStatuses, status) {
		return fmt.Errorf("status %q: want one of %s", status, strings.Join(ExportStatuses, ", "))
	}
	fields, err := st.ListFields(ctx, list)
	if errors.Is(err, store.ErrNoList) {
		if cfg.List(list) == nil {
			return notFound("unknown list %q (see herald lists)", list)
		}
		fields, err = nil, nil
	}
	if err != nil {
		return err
	}
	head := append([]string{"email"}, store.KnownColumns[:]...)
	head = append(append(head, fields...), "status", "rsvp", "bounces")
	if err := write(head); err != nil {
		return err
	}
	rec := make([]string, len(head))
	err = st.ExportList(ctx, list, status, func(m store.Contact) error {
		rec = append(rec[:0], m.Email, m.Name, m.Language, m.Organisation, m.Title, m.City, m.Country)
		for _, f := range fields {
			rec = append(rec, m.Fields[f])
		}
		rec = append(rec, m.Status, m.RSVP, strconv.Itoa(m.Bounces))
		return write(rec)
	})
	if errors.Is(err, store.ErrNoList) {
		return nil
	}
	return err
}

// CSVWriter is the CSV writer of an export to w, the CLI's file or
// stdout and the dashboard's download alike. With excel it writes Excel's
// "CSV UTF-8": a byte-order mark first and CRLF line ends, so that Excel
// opens accents right instead of reading the file as Windows-1252.
func CSVWriter(w io.Writer, excel bool) (*csv.Writer, error) {
	if excel {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return nil, err
		}
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = excel
	return cw, nil
}

// ContactStatusResult is what SetContactStatus changed.
type ContactStatusResult struct {
	Email string `json:"email"`
	// Changed lists the lists whose membership changed.
	Changed []string `json:"changed"`
	// BounceCleared says a resubscribe lifted the contact's bounce mark.
	BounceCleared bool   `json:"bounce_cleared"`
	Status        string `json:"status"`
	By            string `json:"by"`
}

// SetContactStatus unsubscribes (subscribe false) or resubscribes email
// on lists (every list it is on when empty), recorded with actor and
// reason in its history (`contacts unsubscribe|resubscribe`). A
// resubscription by someone who may act for every account (allAccounts)
// also clears the contact's bounce mark, which holds for every account's
// waves; one limited to some accounts leaves it.
func SetContactStatus(ctx context.Context, st *store.Store, email string, lists []string, subscribe, allAccounts bool, actor, reason string) (*ContactStatusResult, error) {
	status := store.StatusUnsubscribed
	if subscribe {
		status = store.StatusSubscribed
	}
	changed, err := st.SetMemberStatus(ctx, email, lists, status, actor, reason)
	if errors.Is(err, store.ErrNoContact) {
		return nil, notFound("no contact %s (see herald lists export LIST)", email)
	}
	if err != nil {
		return nil, err
	}
	out := &ContactStatusResult{Email: email, Changed: changed, Status: status, By: actor}
	if out.Changed == nil {
		out.Changed = []string{}
	}
	if subscribe && allAccounts {
		// The person vouches the address works again (Mailman's
		// re-enabling of a bounce-disabled member).
		if out.BounceCleared, err = st.ClearBounce(ctx, email, actor, reason); err != nil {
			return nil, err
		}
	}
	return out, nil
}
