package store

import "github.com/jackc/pgx/v5"

// planned is args for one of the inbox's look-ups by Message-ID or hash
// (SeenBefore, SentByUs, EnquiryByMessageIDs), made on PostgreSQL to be
// planned for their values each time (an unnamed statement, still one
// round trip) rather than by the plan pgx's statement cache keeps for
// them. That kept plan is made on a nearly empty table, where the index
// on (account, hash) costs the same as the one on (account, message_id);
// the bench backlog got it, and each look-up then read every message of
// the account (2.6 ms a message at 10,000 messages, bench/inbox run.sh
// engines, with auto_explain). Planning costs some µs a look-up.
func (t *InboxTx) planned(args ...any) []any {
	if !t.pg {
		return args
	}
	return append([]any{pgx.QueryExecModeExec}, args...)
}
