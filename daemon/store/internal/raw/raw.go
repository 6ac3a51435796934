// Package raw hands the store's database handle to daemon/store/storetest
// and to nothing else: Go's internal rule lets only packages under
// daemon/store import it, so the other packages' tests set up and inspect
// the database through storetest's typed helpers, never through SQL
// against table and column names of their own.
package raw

import (
	"database/sql"
	"time"
)

// Package store sets these when it is initialised. DB takes any because
// package store imports this one.
var (
	// DB returns the handle of a *store.Store.
	DB func(store any) *sql.DB
	// Time formats a time the way every table stores it.
	Time func(time.Time) string
	// FailTrigger makes event ("INSERT", "UPDATE OF col") on table fail
	// with the SQL string literal message when cond (SQL on NEW) holds,
	// in the store's engine.
	FailTrigger func(store any, name, table, event, cond, message string) error
)
