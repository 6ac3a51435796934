// Command herald runs the mail of a conference secretariat: it watches
// contact inboxes, acknowledges enquiries, sends invitation waves and reads
// the replies. See README.md and `herald --help`.
package main

import (
	"os"

	"github.com/herald-mail/herald/daemon/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
