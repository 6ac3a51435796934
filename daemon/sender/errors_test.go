package sender

import (
	"errors"
	"io"
	"net/textproto"
	"testing"
)

func TestSMTPError(t *testing.T) {
	tests := []struct {
		err                 error
		code                int
		enhanced, text      string
		temporary, slowDown bool
	}{
		{&textproto.Error{Code: 550, Msg: "5.1.1 <a@example.org>: Recipient address rejected: User unknown"},
			550, "5.1.1", "<a@example.org>: Recipient address rejected: User unknown", false, false},
		{&textproto.Error{Code: 554, Msg: "Transaction failed"}, 554, "", "Transaction failed", false, false},
		{&textproto.Error{Code: 552, Msg: "5.3.4"}, 552, "5.3.4", "", false, false},
		{&textproto.Error{Code: 421, Msg: "4.7.0 Try again later, closing connection. (MAIL) - gsmtp"},
			421, "4.7.0", "Try again later, closing connection. (MAIL) - gsmtp", true, true},
		{&textproto.Error{Code: 421, Msg: "4.4.2 mail.example.org Error: timeout exceeded"},
			421, "4.4.2", "mail.example.org Error: timeout exceeded", true, false},
		{&textproto.Error{Code: 450, Msg: "4.2.1 The user you are trying to contact is receiving mail too quickly"},
			450, "4.2.1", "The user you are trying to contact is receiving mail too quickly", true, true},
		{&textproto.Error{Code: 451, Msg: "4.7.1 Please try again later"}, 451, "4.7.1", "Please try again later", true, true},
		{&textproto.Error{Code: 452, Msg: "Too many messages, slow down"}, 452, "", "Too many messages, slow down", true, true},
		{&textproto.Error{Code: 451, Msg: "4.3.0 Error: queue file write error"}, 451, "4.3.0", "Error: queue file write error", true, false},
		{&textproto.Error{Code: 451, Msg: "4.3.0 corporate relay separated"}, 451, "4.3.0", "corporate relay separated", true, false},
		{&textproto.Error{Code: 451, Msg: "4.3.0 Sending rate limit reached"}, 451, "4.3.0", "Sending rate limit reached", true, true},
		{io.EOF, 0, "", "", true, false},
	}
	for _, tt := range tests {
		e := smtpError(CmdMail, tt.err)
		if e.Code != tt.code || e.Enhanced != tt.enhanced || e.Text != tt.text || e.Temporary != tt.temporary || !errors.Is(e, tt.err) {
			t.Errorf("smtpError(%v) = %+v, want %d %q %q temporary %v", tt.err, e, tt.code, tt.enhanced, tt.text, tt.temporary)
		}
		if got := isSlowDown(e); got != tt.slowDown {
			t.Errorf("isSlowDown(%v) = %v, want %v", tt.err, got, tt.slowDown)
		}
	}
}
