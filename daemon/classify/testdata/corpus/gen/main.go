// Command gen writes herald's labelled corpus of incoming mail: failure
// notices, reports and auto-replies shaped like those the MTAs, services
// and clients named in issue 13 send, and ordinary mail from people, each
// with its expected class, whether herald may answer it, and for failure
// notices the verdict. The shapes are written from the public
// descriptions of each format (RFC 3464, 3834, 5965, 8098, the MTAs'
// documentation and their well-known texts); nothing is copied from
// another project's samples.
//
// Run from the repository root:
//
//	go run ./daemon/classify/testdata/corpus/gen
//
// It rewrites daemon/classify/testdata/corpus/*.eml, LABELS and CONTACTS.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// A sample is one message of the corpus and its labels.
type sample struct {
	name    string // file name without .eml
	class   string // bounce, report, auto-reply, human
	ack     string // yes: herald may answer it automatically; no: never
	verdict string // bounces: permanent, temporary, policy, delay, none; others: -
	raw     string
}

var samples []sample

func add(name, class, ack, verdict, raw string) {
	samples = append(samples, sample{name, class, ack, verdict, raw})
}

// bounce adds a failure notice; verdict from the failure.
func bounce(name, verdict, raw string) { add(name, "bounce", "no", verdict, raw) }

// Our account and event.
const (
	us      = "decorte@un.org"
	usName  = "Global Conference on Cities and Migrants"
	invSubj = "Invitation: Global Conference on Cities and Migrants"
)

// contacts are invitees; contact n (1-based) got the invitation
// <inv{n}@un.org>, as the test's wave fixture records it.
var contacts = []string{
	"mayor.office@ville-exemple.fr", "cabinet.maire@mairie-rouen.fr", "relations.internationales@lyon.fr", "protocole@ville-nantes.fr",
	"alcaldia@ayto-sevilla.es", "relaciones.internacionales@bilbao.eus", "gabinete@ayto-malaga.es", "c.fernandez@madrid.es",
	"buergermeister@stadt-leipzig.de", "international@stadt-koeln.de", "buero.ob@nuernberg.de", "sindaco@comune.bologna.it",
	"relazioni.internazionali@comune.torino.it", "gabinete.presidente@cm-porto.pt", "internacional@cm-lisboa.pt", "burgemeester@utrecht.nl",
	"international@gemeente.rotterdam.nl", "kokusai@city.sapporo.jp", "intl@city.yokohama.example", "mayor.office.nairobi@gmail.com",
	"amina.diallo.mayor@gmail.com", "deputy.mayor.accra@yahoo.com", "intl.affairs.lagos@yahoo.com", "grumpy.councillor@hotmail.com",
	"m.janssens@outlook.com", "lena.berg@icloud.com", "p.rossi@icloud.com", "intl@zoho.com",
	"buergerbuero@gmx.de", "stadtrat.mueller@web.de", "elu.migrations@orange.fr", "adjoint.maire@free.fr",
	"tanaka.h@ezweb.ne.jp", "suzuki.k@docomo.ne.jp", "city.hall.ny@verizon.net", "international@city-example.org",
	"deputy.mayor@stadt-beispiel.de", "town.clerk@borough-example.gov.uk", "gabinete@prefeitura-exemplo.br", "relations@city-example.ca",
	"protocol@municipio-ejemplo.gob.mx", "intl@ciudad-ejemplo.cl", "info@city-example.org", "secretariat@uclg-example.org",
	"mayors-network@lists.cities-example.org", "cities-l@listserv.univ-example.edu", "migrations@listes.reseau-villes.fr", "kokusai-ml@ml.city-example.jp",
	"council.office@dublincity.example", "international@wien-example.at", "bureau.maire@bruxelles-example.be", "intl@krakow-example.pl",
	"mayor@athens-example.gr", "office@tirana-example.al", "international@lisburn-example.gov.uk", "intl@tunis-example.tn",
	"cabinet@dakar-example.sn", "relations@abidjan-example.ci", "mayor@kampala-example.ug", "intl.office@cape-example.za",
	"gabinete@bogota-example.gov.co", "relaciones@lima-example.gob.pe", "intl@quito-example.gob.ec", "prefeito@recife-example.br",
	"mayor@manila-example.ph", "intl@jakarta-example.id", "mayor@seoul-example.kr", "intl@taipei-example.tw",
}

var nextContact, nextReplier = 0, 0

// replier returns an invitee who answers in person, walking the list from
// its end so that no two answers come from one invitee.
func replier() (int, string) {
	n := len(contacts) - nextReplier%len(contacts)
	nextReplier++
	return n, contacts[n-1]
}

// contact returns the next invitee and its number, round the list.
func contact() (int, string) {
	n := nextContact%len(contacts) + 1
	nextContact++
	return n, contacts[n-1]
}

func domainOf(a string) string { return a[strings.LastIndexByte(a, '@')+1:] }
func localOf(a string) string  { return a[:strings.LastIndexByte(a, '@')] }

var base = time.Date(2017, 9, 15, 9, 0, 0, 0, time.FixedZone("", 2*3600))

// date is an RFC 5322 date k minutes after the wave went out.
func date(k int) string {
	return base.Add(time.Duration(k) * time.Minute).Format("Mon, 2 Jan 2006 15:04:05 -0700")
}

var seq = 0

// id is a fresh Message-ID on host.
func id(host string) string {
	seq++
	return fmt.Sprintf("<%d.%04X%06d@%s>", 1505458800+seq*37, seq*7919%65536, seq, host)
}

func invID(n int) string { return fmt.Sprintf("<inv%d@un.org>", n) }

// invHeaders are the headers of the invitation sent to contact n.
func invHeaders(n int, to string) string {
	return lines(
		"Return-Path: <"+us+">",
		"Received: from mail.un.org (mail.un.org [157.150.185.10])",
		"\tby smtp.un.org with ESMTPS id 3xvQ2k0Lbz for <"+to+">;",
		"\t"+date(0),
		"From: "+usName+" <"+us+">",
		"To: "+to,
		"Subject: "+invSubj,
		"Date: "+date(0),
		"Message-ID: "+invID(n),
		"List-Unsubscribe: <mailto:"+us+"?subject=unsubscribe>",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"Content-Transfer-Encoding: 8bit",
	)
}

const invBody = `Dear Mayor,

On behalf of the organisers, we are pleased to invite you to the Global
Conference on Cities and Migrants, to be held in Mechelen, Belgium, on
16-17 November 2017.

Please let us know whether you will attend by replying to this message.

Kind regards,
The GCCM secretariat
`

// invitation is the whole invitation sent to contact n.
func invitation(n int, to string) string { return invHeaders(n, to) + "\n\n" + invBody }

// quoted is the invitation quoted below a reply.
func quoted(prefix string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(invBody, "\n"), "\n") {
		b.WriteString(prefix + l + "\n")
	}
	return b.String()
}

func lines(ls ...string) string { return strings.Join(ls, "\n") }

func main() {
	dir := filepath.Join("daemon", "classify", "testdata", "corpus")
	if _, err := os.Stat(dir); err != nil {
		fmt.Fprintln(os.Stderr, "gen: run from the repository root:", err)
		os.Exit(1)
	}
	bounces1()
	bounces2()
	bounces3()
	reports()
	autoReplies()
	humans()
	more()

	write(dir)

	// The blind set, written after the rules without reading them
	// (docs/ACCURACY.md), is kept apart so that its first run stays
	// measurable on its own.
	samples = nil
	blindBounces()
	blindReports()
	blindAutoReplies()
	blindHumans()
	write(filepath.Join("daemon", "classify", "testdata", "blind"))

	// The second blind set, by another author, also written without
	// reading the rules, after the first one's fixes (docs/ACCURACY.md).
	samples = nil
	blind2Bounces()
	blind2Reports()
	blind2OOF()
	blind2Robots()
	blind2Humans()
	write(filepath.Join("daemon", "classify", "testdata", "blind2"))
}

// write replaces dir's messages, LABELS and CONTACTS with samples.
func write(dir string) {
	must(os.MkdirAll(dir, 0o755))
	old, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	for _, f := range old {
		os.Remove(f)
	}
	var labels strings.Builder
	labels.WriteString("# file\tclass\tack\tverdict (written by gen; see ../../../../docs/ACCURACY.md)\n")
	names := map[string]bool{}
	for i, s := range samples {
		name := fmt.Sprintf("%03d-%s.eml", i+1, s.name)
		if names[s.name] {
			fmt.Fprintln(os.Stderr, "gen: duplicate sample name", s.name)
			os.Exit(1)
		}
		names[s.name] = true
		raw := strings.TrimLeft(s.raw, "\n")
		if !strings.HasSuffix(raw, "\n") {
			raw += "\n"
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(raw), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		fmt.Fprintf(&labels, "%s\t%s\t%s\t%s\n", name, s.class, s.ack, s.verdict)
	}
	must(os.WriteFile(filepath.Join(dir, "LABELS"), []byte(labels.String()), 0o644))
	must(os.WriteFile(filepath.Join(dir, "CONTACTS"), []byte(strings.Join(contacts, "\n")+"\n"), 0o644))
	count := map[string]int{}
	for _, s := range samples {
		count[s.class]++
	}
	var keys []string
	for k := range count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%-10s %d\n", k, count[k])
	}
	fmt.Printf("%-10s %d\n", "total", len(samples))
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
