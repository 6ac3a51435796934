package store

// Contacts, lists and their history (docs/BEHAVIOUR.md §9, migration 0004). A contact
// is one address shared by every list it is on; its subscription status
// is per list, while RSVP and bounces belong to the address.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/idna"
)

// Effective statuses of a list member. Bounced is not stored on the
// membership: it is the address's (contacts.bounced) and wins over the
// membership's own subscribed or unsubscribed.
const (
	StatusSubscribed   = "subscribed"
	StatusUnsubscribed = "unsubscribed"
	StatusBounced      = "bounced"
)

// ErrNoContact is returned for an address that is no contact.
var ErrNoContact = errors.New("no such contact")

// ErrNoList is returned for a list name the database does not hold.
var ErrNoList = errors.New("no such list")

// Contact is one address with its fields.
type Contact struct {
	ID           int64
	Email        string // as last imported
	Name         string
	Language     string
	Organisation string
	Title        string
	City         string
	Country      string
	Fields       map[string]string // the CSV's other columns; never nil
	RSVP         string            // none | accepted | declined | maybe
	RSVPAt       time.Time         // zero without an answer
	Bounced      bool
	// Status is the effective status on the list being read (Members,
	// ExportList) or, from Contact, over all its lists: bounced, else
	// subscribed if subscribed to any, else unsubscribed ("" on no list).
	Status string
	// Bounces counts the bounce events recorded (ExportList, Contact).
	Bounces   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// EmailKey is the identity of an address (docs/BEHAVIOUR.md §9 "compared
// case-insensitively"): the local part lowercased and the domain in
// lowercase A-labels (IDNA 2008 lookup, RFC 5891 §5), so that
// Jürgen@Bücher.example and jürgen@xn--bcher-kva.example are one contact.
// addr must be a bare addr-spec (local@domain).
func EmailKey(addr string) (string, error) {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		return "", fmt.Errorf("%q is not local@domain", addr)
	}
	local, domain := addr[:at], addr[at+1:]
	if !strings.HasPrefix(domain, "[") { // a domain literal has no A-labels
		a, err := idna.Lookup.ToASCII(domain)
		if err != nil {
			return "", fmt.Errorf("domain %q is not a valid host name: %v", domain, err)
		}
		domain = a
	}
	return strings.ToLower(local) + "@" + strings.ToLower(domain), nil
}

// ListCounts is one list with its counts (docs/BEHAVIOUR.md §2 `lists --json`).
// Subscribed, Unsubscribed and Bounced partition Contacts: a bounced
// member counts as bounced whatever its subscription.
type ListCounts struct {
	Name         string     `json:"name"`
	Contacts     int        `json:"contacts"`
	Subscribed   int        `json:"subscribed"`
	Unsubscribed int        `json:"unsubscribed"`
	Bounced      int        `json:"bounced"`
	RSVP         RSVPCounts `json:"rsvp"`
}

// RSVPCounts are the answers of a list's members, whatever their status.
type RSVPCounts struct {
	Accepted int `json:"accepted"`
	Declined int `json:"declined"`
	Maybe    int `json:"maybe"`
	None     int `json:"none"`
}

// Lists returns every list with its counts, by name. It reads every
// membership once (one scan of list_members and contacts by id).
func (s *Store) Lists(ctx context.Context) ([]ListCounts, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT l.name, count(c.id),
		count(*) FILTER (WHERE m.status = 'subscribed' AND c.bounced = 0),
		count(*) FILTER (WHERE m.status = 'unsubscribed' AND c.bounced = 0),
		count(*) FILTER (WHERE c.bounced <> 0),
		count(*) FILTER (WHERE c.rsvp = 'accepted'), count(*) FILTER (WHERE c.rsvp = 'declined'),
		count(*) FILTER (WHERE c.rsvp = 'maybe'), count(*) FILTER (WHERE c.rsvp = 'none')
		FROM lists l
		LEFT JOIN list_members m ON m.list_id = l.id
		LEFT JOIN contacts c ON c.id = m.contact_id
		GROUP BY l.id ORDER BY l.name`)
	if err != nil {
		return nil, fmt.Errorf("count lists: %w", err)
	}
	defer rows.Close()
	var out []ListCounts
	for rows.Next() {
		var l ListCounts
		r := &l.RSVP
		if err := rows.Scan(&l.Name, &l.Contacts, &l.Subscribed, &l.Unsubscribed, &l.Bounced,
			&r.Accepted, &r.Declined, &r.Maybe, &r.None); err != nil {
			return nil, fmt.Errorf("count lists: %w", err)
		}
		out = append(out, l)
	}
	return out, wrap(rows.Err(), "count lists")
}

// UpsertList creates the list if it does not exist and returns its id.
func (s *Store) UpsertList(ctx context.Context, name string) (int64, error) {
	return upsertList(ctx, s.db, name, ts(time.Now()))
}

type execQuerier interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

func upsertList(ctx context.Context, db execQuerier, name, now string) (int64, error) {
	if strings.TrimSpace(name) == "" {
		return 0, errors.New("a list needs a name")
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO lists (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
		name, now); err != nil {
		return 0, fmt.Errorf("create list %s: %w", name, err)
	}
	var id int64
	err := db.QueryRowContext(ctx, `SELECT id FROM lists WHERE name = ?`, name).Scan(&id)
	return id, wrap(err, "create list %s", name)
}

// listID finds a list; ErrNoList when absent.
func (s *Store) listID(ctx context.Context, name string) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM lists WHERE name = ?`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("list %s: %w", name, ErrNoList)
	}
	return id, wrap(err, "look up list %s", name)
}

// memberSelect reads a member; the rows come in contact order through
// the primary key (list_id, contact_id), which is what Members promises
// the waves engine. ? is the list id.
const memberSelect = `SELECT c.id, c.email, c.name, c.language, c.organisation, c.title, c.city, c.country,
	c.fields, c.rsvp, coalesce(c.rsvp_at, ''), c.bounced, c.created_at, c.updated_at,
	CASE WHEN c.bounced <> 0 THEN 'bounced' ELSE m.status END`

// statusWhere filters members by effective status.
var statusWhere = map[string]string{
	"":                 "",
	StatusSubscribed:   " AND m.status = 'subscribed' AND c.bounced = 0",
	StatusUnsubscribed: " AND m.status = 'unsubscribed' AND c.bounced = 0",
	StatusBounced:      " AND c.bounced <> 0",
}

// Members streams every member of list in contact id order, each with
// its effective Status on the list; a wave's audience is the members
// whose Status is subscribed (docs/BEHAVIOUR.md §8). The rows are read as they come,
// never all loaded.
func (s *Store) Members(ctx context.Context, list string, each func(Contact) error) error {
	return s.members(ctx, list, "", false, each)
}

// ExportList streams the members of list whose effective status is
// status ("" for all), in contact id order, with their bounce counts.
func (s *Store) ExportList(ctx context.Context, list, status string, each func(Contact) error) error {
	return s.members(ctx, list, status, true, each)
}

func (s *Store) members(ctx context.Context, list, status string, bounces bool, each func(Contact) error) error {
	where, ok := statusWhere[status]
	if !ok {
		return fmt.Errorf("unknown status %q: want subscribed, unsubscribed or bounced", status)
	}
	id, err := s.listID(ctx, list)
	if err != nil {
		return err // names the list
	}
	q := memberSelect
	if bounces {
		// contact_events_contact (contact_id, at) serves this count.
		q += `, (SELECT count(*) FROM contact_events e WHERE e.contact_id = c.id AND e.kind IN ('bounce', 'bounce-temporary', 'bounce-policy'))`
	} else {
		q += `, 0`
	}
	rows, err := s.db.QueryContext(ctx, q+` FROM list_members m JOIN contacts c ON c.id = m.contact_id
		WHERE m.list_id = ?`+where+` ORDER BY m.contact_id`, id)
	if err != nil {
		return fmt.Errorf("read list %s: %w", list, err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return fmt.Errorf("read list %s: %w", list, err)
		}
		if err := each(c); err != nil {
			return err // the caller's own
		}
	}
	return wrap(rows.Err(), "read list %s", list)
}

func scanContact(r scanner) (Contact, error) {
	var c Contact
	var fields, rsvpAt, created, updated string
	err := r.Scan(&c.ID, &c.Email, &c.Name, &c.Language, &c.Organisation, &c.Title, &c.City, &c.Country,
		&fields, &c.RSVP, &rsvpAt, &c.Bounced, &created, &updated, &c.Status, &c.Bounces)
	if err != nil {
		return c, err
	}
	c.Fields = map[string]string{}
	if fields != "" && fields != "{}" {
		if err := json.Unmarshal([]byte(fields), &c.Fields); err != nil {
			return c, fmt.Errorf("contact %d: fields: %w", c.ID, err)
		}
	}
	c.RSVPAt, c.CreatedAt, c.UpdatedAt = parseTS(rsvpAt), parseTS(created), parseTS(updated)
	return c, nil
}

// ListFields returns the custom field names used by list's members,
// sorted: the extra columns of an export, in a stable order.
func (s *Store) ListFields(ctx context.Context, list string) ([]string, error) {
	id, err := s.listID(ctx, list)
	if err != nil {
		return nil, err // names the list
	}
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT f.key FROM list_members m
		JOIN contacts c ON c.id = m.contact_id, `+s.dialect().jsonKeys("c.fields", "f")+`
		WHERE m.list_id = ? ORDER BY f.key`, id)
	if err != nil {
		return nil, fmt.Errorf("field names of list %s: %w", list, err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("field names of list %s: %w", list, err)
		}
		names = append(names, n)
	}
	return names, wrap(rows.Err(), "field names of list %s", list)
}

// Membership is a contact's place on one list.
type Membership struct {
	List    string    `json:"name"`
	Status  string    `json:"status"` // effective: bounced wins
	AddedAt time.Time `json:"added_at"`
}

// ContactEvent is one line of a contact's history.
type ContactEvent struct {
	Kind   string    `json:"kind"` // unsubscribed, resubscribed, rsvp, bounce, bounce-cleared, ...
	List   string    `json:"list,omitempty"`
	Value  string    `json:"value,omitempty"`
	Actor  string    `json:"actor"`
	Detail string    `json:"detail,omitempty"`
	At     time.Time `json:"at"`
}

// ContactDetail is a contact with its lists and history.
type ContactDetail struct {
	Contact
	Lists  []Membership
	Events []ContactEvent // oldest first
}

// Contact finds a contact by address (compared as EmailKey does) with
// its lists and events; ErrNoContact when there is none.
func (s *Store) Contact(ctx context.Context, email string) (*ContactDetail, error) {
	key, err := EmailKey(strings.TrimSpace(email))
	if err != nil {
		return nil, fmt.Errorf("contact %s: %w", email, ErrNoContact)
	}
	row := s.db.QueryRowContext(ctx, `SELECT c.id, c.email, c.name, c.language, c.organisation, c.title, c.city,
		c.country, c.fields, c.rsvp, coalesce(c.rsvp_at, ''), c.bounced, c.created_at, c.updated_at, '',
		(SELECT count(*) FROM contact_events e WHERE e.contact_id = c.id AND e.kind IN ('bounce', 'bounce-temporary', 'bounce-policy'))
		FROM contacts c WHERE c.email_key = ?`, key)
	c, err := scanContact(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("contact %s: %w", email, ErrNoContact)
	}
	if err != nil {
		return nil, fmt.Errorf("read contact %s: %w", email, err)
	}
	d := &ContactDetail{Contact: c, Lists: []Membership{}, Events: []ContactEvent{}}
	if err := s.contactLists(ctx, d); err != nil {
		return nil, fmt.Errorf("read lists of contact %s: %w", email, err)
	}
	return d, wrap(s.contactEvents(ctx, d), "read history of contact %s", email)
}

func (s *Store) contactLists(ctx context.Context, d *ContactDetail) error {
	rows, err := s.db.QueryContext(ctx, `SELECT l.name, m.status, m.added_at FROM list_members m
		JOIN lists l ON l.id = m.list_id WHERE m.contact_id = ? ORDER BY l.name`, d.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var m Membership
		var added string
		if err := rows.Scan(&m.List, &m.Status, &added); err != nil {
			return err
		}
		m.AddedAt = parseTS(added)
		if d.Bounced {
			m.Status = StatusBounced
		}
		d.Lists = append(d.Lists, m)
	}
	switch {
	case d.Bounced:
		d.Status = StatusBounced
	case slices.ContainsFunc(d.Lists, func(m Membership) bool { return m.Status == StatusSubscribed }):
		d.Status = StatusSubscribed
	case len(d.Lists) > 0:
		d.Status = StatusUnsubscribed
	}
	return rows.Err()
}

func (s *Store) contactEvents(ctx context.Context, d *ContactDetail) error {
	rows, err := s.db.QueryContext(ctx, `SELECT e.kind, coalesce(l.name, ''), e.value, e.actor, e.detail, e.at
		FROM contact_events e LEFT JOIN lists l ON l.id = e.list_id
		WHERE e.contact_id = ? ORDER BY e.at, e.id`, d.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e ContactEvent
		var at string
		if err := rows.Scan(&e.Kind, &e.List, &e.Value, &e.Actor, &e.Detail, &at); err != nil {
			return err
		}
		e.At = parseTS(at)
		d.Events = append(d.Events, e)
	}
	return rows.Err()
}

// SetMemberStatus sets the subscription of the contact email on lists
// (nil: every list it is on) to status (subscribed or unsubscribed) and
// records, for each list it changed, a contact_events row with actor
// (who: "cli:alice", "reply <message-id>") and reason. It returns the
// lists changed, by name; a list already in that status is left alone.
// It fails, changing nothing, when the contact is absent or not on one
// of lists.
func (s *Store) SetMemberStatus(ctx context.Context, email string, lists []string, status, actor, reason string) ([]string, error) {
	kind := map[string]string{StatusSubscribed: "resubscribed", StatusUnsubscribed: "unsubscribed"}[status]
	if kind == "" {
		return nil, fmt.Errorf("status %q: want subscribed or unsubscribed", status)
	}
	changed := []string{}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		changed = changed[:0] // tx may run f again
		id, err := contactID(ctx, tx, email)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT l.id, l.name, m.status FROM list_members m
			JOIN lists l ON l.id = m.list_id WHERE m.contact_id = ? ORDER BY l.name`, id)
		if err != nil {
			return err
		}
		type member struct {
			list         int64
			name, status string
		}
		var on []member
		for rows.Next() {
			var m member
			if err := rows.Scan(&m.list, &m.name, &m.status); err != nil {
				rows.Close()
				return err
			}
			on = append(on, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, l := range lists {
			if !slices.ContainsFunc(on, func(m member) bool { return m.name == l }) {
				return fmt.Errorf("%s is not on list %s", email, l)
			}
		}
		now := ts(time.Now())
		for _, m := range on {
			if m.status == status || (lists != nil && !slices.Contains(lists, m.name)) {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE list_members SET status = ? WHERE list_id = ? AND contact_id = ?`,
				status, m.list, id); err != nil {
				return err
			}
			if err := addEvent(ctx, tx, id, m.list, kind, status, actor, reason, now); err != nil {
				return err
			}
			changed = append(changed, m.name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("set %s %s: %w", email, status, err)
	}
	return changed, nil
}

// ClearBounce lifts the bounce mark of a contact (an operator vouches the
// address works again), recording who and why; false when it had none.
func (s *Store) ClearBounce(ctx context.Context, email, actor, reason string) (bool, error) {
	var cleared bool
	err := s.tx(ctx, func(tx *sql.Tx) error {
		cleared = false // tx may run f again
		id, err := contactID(ctx, tx, email)
		if err != nil {
			return err
		}
		now := ts(time.Now())
		res, err := tx.ExecContext(ctx, `UPDATE contacts SET bounced = 0, updated_at = ? WHERE id = ? AND bounced <> 0`, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		cleared = true
		return addEvent(ctx, tx, id, 0, "bounce-cleared", "", actor, reason, now)
	})
	if err != nil {
		return false, fmt.Errorf("clear bounce of %s: %w", email, err)
	}
	return cleared, nil
}

func contactID(ctx context.Context, tx *sql.Tx, email string) (int64, error) {
	key, err := EmailKey(strings.TrimSpace(email))
	if err != nil {
		return 0, ErrNoContact
	}
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM contacts WHERE email_key = ?`, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNoContact
	}
	return id, err
}

// addEvent writes one history row; list 0 is "no list".
func addEvent(ctx context.Context, tx *sql.Tx, contact, list int64, kind, value, actor, detail, at string) error {
	var l any
	if list != 0 {
		l = list
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO contact_events (contact_id, list_id, kind, value, actor, detail, at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, contact, l, kind, value, actor, truncate(detail, 1000), at)
	return err
}
