package main

// A jail starts herald the way systemd or a container runtime would, with
// the parts of their confinement that plain Linux tools reproduce: an
// unprivileged user without capabilities or new privileges (setpriv), and
// every mount read-only but the paths the service may write (a private
// mount namespace, unshare). contrib_e2e_test.go uses it for the systemd
// unit and the Containerfile, which cannot be started for real in CI:
// there is no systemd as PID 1 and no container engine there.

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/testconfig"
)

// jail describes one confinement. Its absolute paths are the ones the unit
// or the image names (/var/lib/herald); they live under root on this
// machine.
type jail struct {
	root     string
	uid, gid int
	writable []string // ReadWritePaths, VOLUME: everything else is read-only
	workdir  string
	umask    string // "" leaves it as it is
	env      []string
}

// at is the host path of the jail's absolute path p.
func (j *jail) at(p string) string { return filepath.Join(j.root, p) }

// needJail skips the test where a jail cannot be made (not root, or
// util-linux missing), and fails it instead under CI=true.
func needJail(t *testing.T) {
	t.Helper()
	var missing []string
	if os.Geteuid() != 0 {
		missing = append(missing, "root (for a mount namespace and setpriv)")
	}
	for _, tool := range []string{"unshare", "setpriv", "mount", "awk"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("cannot confine herald: missing %s", strings.Join(missing, ", "))
	}
	t.Skipf("cannot confine herald here: missing %s", strings.Join(missing, ", "))
}

// newJail makes root traversable by the jail's user: t.TempDir's folders
// are 0700 and owned by root.
func newJail(t *testing.T, uid, gid int) *jail {
	t.Helper()
	root := t.TempDir()
	for _, d := range []string{filepath.Dir(root), root} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return &jail{root: root, uid: uid, gid: gid}
}

// install copies src to the jail's path dst with mode and owner root:gid
// (-1: root:root), making its folders as the packaging would.
func (j *jail) install(t *testing.T, src, dst string, mode fs.FileMode, gid int) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	j.write(t, dst, b, mode, gid)
}

func (j *jail) write(t *testing.T, dst string, b []byte, mode fs.FileMode, gid int) {
	t.Helper()
	p := j.at(dst)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil { // WriteFile's mode passes the umask
		t.Fatal(err)
	}
	if gid >= 0 {
		if err := os.Chown(p, 0, gid); err != nil {
			t.Fatal(err)
		}
	}
}

// installConfig writes the sandbox config at the jail's path cfg, with
// the shipped templates beside it, readable by the jail's group only
// (root:herald 0640, as docs/GOING-LIVE.md installs /etc/herald), and
// the database at the jail's path db.
func (j *jail) installConfig(t *testing.T, cfg, db, logFormat string) {
	t.Helper()
	tmpl := filepath.Join(filepath.Dir(cfg), "templates")
	err := filepath.WalkDir(testconfig.RepoTemplates(), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(testconfig.RepoTemplates(), p)
		j.install(t, p, filepath.Join(tmpl, rel), 0o640, j.gid)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	head := testconfig.Head(j.at(db), j.at(tmpl), true, "info")
	head = strings.Replace(head, "format: text", "format: "+logFormat, 1)
	j.write(t, cfg, []byte(head+"accounts:\n  - name: habitat\n    address: decorte@un.org\n"), 0o640, j.gid)
	err = filepath.WalkDir(j.at(filepath.Dir(cfg)), func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		return errors.Join(os.Chmod(p, 0o750), os.Chown(p, 0, j.gid))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// mkdirOwned makes the jail's path p owned by the jail's user, as
// systemd's StateDirectory= or a container volume does.
func (j *jail) mkdirOwned(t *testing.T, p string, mode fs.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(j.at(p)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(j.at(p), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(j.at(p), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(j.at(p), j.uid, j.gid); err != nil {
		t.Fatal(err)
	}
}

// jailScript runs in the new mount namespace as root, then becomes the
// service. A mount that cannot be made read-only is reported; the probe
// then proves the jail's root really is read-only.
const jailScript = `set -e
for p in $JAIL_RW; do mount --bind "$p" "$p"; done
awk '{print $5}' /proc/self/mountinfo | grep -v -e '^/proc' -e '^/sys' -e '^/dev' | sort -u |
while read -r m; do mount -o remount,bind,ro "$m" || echo "jail: $m stays writable" >&2; done
for p in $JAIL_RW; do mount -o remount,bind,rw "$p"; done
if touch "$JAIL_PROBE" 2>/dev/null; then echo "jail: the root file system is writable" >&2; exit 97; fi
cd "$JAIL_WD"
if [ -n "$JAIL_UMASK" ]; then umask "$JAIL_UMASK"; fi
uid=$JAIL_UID gid=$JAIL_GID
unset JAIL_RW JAIL_PROBE JAIL_WD JAIL_UMASK JAIL_UID JAIL_GID
exec setpriv --reuid="$uid" --regid="$gid" --clear-groups --no-new-privs --bounding-set=-all --inh-caps=-all -- "$@"
`

// command is argv run in the jail. unshare, sh and setpriv each exec the
// next, so the process is herald itself: its pid is $MAINPID.
func (j *jail) command(argv ...string) *exec.Cmd {
	rw := make([]string, len(j.writable))
	for i, p := range j.writable {
		rw[i] = j.at(p)
	}
	args := append([]string{"--mount", "--propagation", "private", "sh", "-c", jailScript, "sh"}, argv...)
	cmd := exec.Command("unshare", args...)
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"JAIL_RW=" + strings.Join(rw, " "),
		"JAIL_PROBE=" + filepath.Join(j.root, "jail-probe"),
		"JAIL_WD=" + j.at(j.workdir),
		"JAIL_UMASK=" + j.umask,
		"JAIL_UID=" + strconv.Itoa(j.uid),
		"JAIL_GID=" + strconv.Itoa(j.gid),
	}, j.env...)
	return cmd
}

// jailed is herald running in a jail.
type jailed struct {
	cmd            *exec.Cmd
	stdout, stderr *syncBuffer
	exited         chan error
}

var dashboardLine = regexp.MustCompile(`dashboard\s+http://(\S+)`)

// start runs argv in the jail and waits for the banner (on stdout, or
// on stderr when the logs are JSON), returning the dashboard address.
func (j *jail) start(t *testing.T, argv ...string) (*jailed, string) {
	t.Helper()
	r := &jailed{cmd: j.command(argv...), stdout: &syncBuffer{}, stderr: &syncBuffer{}, exited: make(chan error, 1)}
	r.cmd.Stdout, r.cmd.Stderr = r.stdout, r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.exited <- r.cmd.Wait() }()
	t.Cleanup(func() {
		r.cmd.Process.Kill()
		if t.Failed() {
			t.Logf("stdout:\n%s\nstderr:\n%s", r.stdout.String(), r.stderr.String())
		}
	})
	deadline := time.After(30 * time.Second)
	for {
		if m := dashboardLine.FindStringSubmatch(r.stdout.String() + r.stderr.String()); m != nil {
			return r, m[1]
		}
		select {
		case err := <-r.exited:
			t.Fatalf("%s exited at start: %v", argv[0], err)
		case <-deadline:
			t.Fatalf("%s printed no banner in 30 s", argv[0])
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// status reads fields of /proc/PID/status (Uid, NoNewPrivs, CapBnd…).
func status(t *testing.T, pid int) map[string]string {
	t.Helper()
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok {
			m[k] = strings.Join(strings.Fields(v), " ")
		}
	}
	return m
}

// copyFile copies an executable.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
