package sandbox

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// defaultMailboxes are created for every account, in this order.
var defaultMailboxes = []string{"INBOX", "Drafts", "Sent", "Trash", "Junk"}

// imapCaps is what the server advertises beyond IMAP4rev1, IDLE, UNSELECT,
// ENABLE and LITERAL-, which imapserver always offers. IMAP4rev2 is left out
// because it implies LIST-STATUS, which the UIDVALIDITY translation cannot
// cover (see the package comment).
var imapCaps = imap.CapSet{
	imap.CapIMAP4rev1: {},
	imap.CapNamespace: {},
	imap.CapUIDPlus:   {},
	imap.CapMove:      {},
	imap.CapESearch:   {},
	imap.CapSearchRes: {},
}

// account is an Account with its in-memory IMAP user.
type account struct {
	Account
	user    *imapmemserver.User
	uidBase uint32

	mu        sync.Mutex
	firstSeen map[string]uint32 // mailbox name -> library UIDVALIDITY first sent for it
}

// newAccount creates the IMAP user and its default mailboxes.
func newAccount(acc Account, uidBase uint32) *account {
	a := &account{
		Account:   acc,
		user:      imapmemserver.NewUser(acc.Address, Password),
		uidBase:   uidBase,
		firstSeen: map[string]uint32{},
	}
	for _, name := range defaultMailboxes {
		// Neither call can fail on a fresh user with distinct names.
		_ = a.user.Create(name, nil)
		_ = a.user.Subscribe(name)
	}
	return a
}

// appendInbox stores raw in INBOX; sessions in IDLE are told within
// idleRecheck, almost always at once (see imapSession.Idle).
func (a *account) appendInbox(raw []byte) error {
	_, err := a.user.Append("INBOX", bytes.NewReader(raw), &imap.AppendOptions{})
	return err
}

// uidValidity translates the library's UIDVALIDITY of mailbox into the value
// sent to clients: the run base for the first incarnation of a name seen in
// this run, base plus the library counter for a later one (see the package
// comment). The library counter is never 0, so the two cannot meet.
func (a *account) uidValidity(mailbox string, lib uint32) uint32 {
	a.mu.Lock()
	defer a.mu.Unlock()
	first, ok := a.firstSeen[mailbox]
	if !ok {
		a.firstSeen[mailbox] = lib
		first = lib
	}
	if lib == first {
		return a.uidBase
	}
	return a.uidBase + lib
}

// imapServer is the sandbox IMAP server.
type imapServer struct {
	srv *imapserver.Server
	ln  net.Listener
}

// newIMAPServer prepares a server on ln; serve starts it.
func newIMAPServer(s *Sandbox, ln net.Listener) *imapServer {
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &imapSession{sb: s}, nil, nil
		},
		Caps:   imapCaps,
		Logger: slogPrintf{s.log.With("server", "imap")},
		// Loopback only (listenLoopback), and no certificate to offer.
		InsecureAuth: true,
	})
	return &imapServer{srv: srv, ln: ln}
}

func (m *imapServer) serve() error { return m.srv.Serve(m.ln) }

// close stops the server and drops every connection. The listener is closed
// here too, in case Serve had not registered it yet.
func (m *imapServer) close() error {
	err := m.srv.Close()
	if lnErr := m.ln.Close(); lnErr != nil && !errors.Is(lnErr, net.ErrClosed) {
		return lnErr
	}
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// imapSession is an imapmemserver session whose login goes through the
// registry and whose UIDVALIDITY values are translated.
type imapSession struct {
	*imapmemserver.UserSession // nil until Login
	sb                         *Sandbox
	acct                       *account
}

var (
	_ imapserver.SessionIMAP4rev2   = (*imapSession)(nil)
	_ imapserver.SessionAppendLimit = (*imapSession)(nil)
)

// idleRecheck bounds how long an update queued for a session in IDLE can wait
// before it is written (see Idle).
const idleRecheck = 500 * time.Millisecond

// Idle reports every mailbox update while the client idles, including one
// queued just before or as IDLE began.
//
// The library's own Idle (imapserver.SessionTracker.Idle) only writes updates
// it is woken for, and a session is woken only once Idle has registered it:
// an update queued before that (a delivery racing the "+ idling"
// continuation, or one since the last command's poll) was written only with
// the next update or after the client restarted IDLE. So Idle here drains
// the queue with Poll first, then runs the library's Idle in windows of
// idleRecheck,
// draining the queue again between windows: an update queued in the short gap
// before a window's registration is written at the next drain, at most
// idleRecheck later, and any other at once. Poll and the library's Idle run
// one after the other on this goroutine, so updates keep their order.
func (s *imapSession) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	for {
		if err := s.UserSession.Poll(w, true); err != nil {
			return err
		}
		window := make(chan struct{})
		go func() {
			t := time.NewTimer(idleRecheck)
			defer t.Stop()
			select {
			case <-stop:
			case <-t.C:
			}
			close(window)
		}()
		if err := s.UserSession.Idle(w, window); err != nil {
			return err
		}
		// The library's Idle returns at once when no mailbox is selected.
		<-window
		select {
		case <-stop:
			return nil
		default:
		}
	}
}

// Login accepts an account address or name with Password.
func (s *imapSession) Login(username, password string) error {
	a := s.sb.accounts.login(username)
	if a == nil || subtle.ConstantTimeCompare([]byte(password), []byte(Password)) != 1 {
		s.sb.log.Info("sandbox imap login failed", "username", username)
		return imapserver.ErrAuthFailed
	}
	s.acct = a
	s.UserSession = imapmemserver.NewUserSession(a.user)
	return nil
}

// AppendLimit advertises MaxMessageBytes (RFC 7889).
func (s *imapSession) AppendLimit() uint32 { return MaxMessageBytes }

// Select translates UIDVALIDITY.
func (s *imapSession) Select(mailbox string, options *imap.SelectOptions) (*imap.SelectData, error) {
	data, err := s.UserSession.Select(mailbox, options)
	if err != nil {
		return nil, err
	}
	data.UIDValidity = s.acct.uidValidity(mailbox, data.UIDValidity)
	return data, nil
}

// Status translates UIDVALIDITY.
func (s *imapSession) Status(mailbox string, options *imap.StatusOptions) (*imap.StatusData, error) {
	data, err := s.UserSession.Status(mailbox, options)
	if err != nil {
		return nil, err
	}
	if options.UIDValidity {
		data.UIDValidity = s.acct.uidValidity(mailbox, data.UIDValidity)
	}
	return data, nil
}

// List refuses RETURN (STATUS ...): the library would write its own
// UIDVALIDITY. LIST-STATUS is not advertised, so only a client that ignores
// CAPABILITY gets here.
func (s *imapSession) List(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	if options != nil && options.ReturnStatus != nil {
		return &imap.Error{
			Type: imap.StatusResponseTypeNo,
			Code: imap.ResponseCodeCannot,
			Text: "LIST-STATUS is not supported by the herald sandbox, use STATUS",
		}
	}
	return s.UserSession.List(w, ref, patterns, options)
}

// Append translates the APPENDUID UIDVALIDITY (RFC 4315 §3).
func (s *imapSession) Append(mailbox string, r imap.LiteralReader, options *imap.AppendOptions) (*imap.AppendData, error) {
	data, err := s.UserSession.Append(mailbox, r, options)
	if err != nil {
		return nil, err
	}
	data.UIDValidity = s.acct.uidValidity(mailbox, data.UIDValidity)
	return data, nil
}

// Copy translates the COPYUID UIDVALIDITY (RFC 4315 §3).
func (s *imapSession) Copy(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	data, err := s.UserSession.Copy(numSet, dest)
	if err != nil {
		return nil, err
	}
	data.UIDValidity = s.acct.uidValidity(dest, data.UIDValidity)
	return data, nil
}

// Move is COPY, +FLAGS.SILENT \Deleted and UID EXPUNGE of the copied UIDs,
// because the library's own MOVE writes COPYUID itself (RFC 6851 §3.3). The
// EXPUNGE responses reach this client through the poll that imapserver runs
// before the tagged OK, as RFC 6851 §4.3 requires.
func (s *imapSession) Move(w *imapserver.MoveWriter, numSet imap.NumSet, dest string) error {
	data, err := s.UserSession.Copy(numSet, dest)
	if err != nil {
		return err
	}
	if len(data.SourceUIDs) == 0 {
		return nil
	}
	src := data.SourceUIDs
	deleted := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	if err := s.UserSession.Store(nil, src, deleted, &imap.StoreOptions{}); err != nil {
		return err
	}
	data.UIDValidity = s.acct.uidValidity(dest, data.UIDValidity)
	if err := w.WriteCopyData(data); err != nil {
		return err
	}
	return s.UserSession.Expunge(nil, &src)
}
