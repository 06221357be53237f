# terminal.sh: process.terminal: the pty master over --console-socket (as
# engines receive it), consoleSize, /dev/console, the errors, and run in
# the foreground relaying a terminal.
. "$TOP/test/lib.sh"
if ! is_root; then skip "terminal" "needs root"; exit 0; fi

B=$T/bundle
mkbundle "$B"
cp "$B/config.json" "$T/base.json"
cfg() { jq "$1" "$T/base.json" > "$B/config.json"; }
# console ID: create ID with a console socket whose receiving end (probe
# pty-recv, as an engine) writes the pty name and all output to $T/ID.out
console() {
	$PROBE pty-recv "$T/$1.sock" > "$T/$1.out" 2>&1 &
	echo $! > "$T/$1.recv"
	wait_for 5 test -e "$T/$1.sock"
	$O create --bundle "$B" --console-socket "$T/$1.sock" "$1"
}
# finish ID: start it, wait for the receiver to see EOF, print its output
finish() {
	_r=$(cat "$T/$1.recv")
	$O start "$1" && wait "$_r" 2>/dev/null
	wait_for 5 eval "! kill -0 $_r 2>/dev/null"
	tr -d '\r' < "$T/$1.out"
}

cfg '.process.terminal = true | .process.consoleSize = {height: 31, width: 97} |
	.process.args = ["/bin/sh", "-c", "tty; stty size; /probe stat /dev/console; /probe fds; echo done"]'
testing_rc "create with a terminal and --console-socket" 0 "console t1"
testing "the console socket got the pty name before create returned" \
	"head -1 $T/t1.out" "/dev/pts/0"
testing "state is created" "status t1" "created"
testing "the program's stdio is the pty; consoleSize; /dev/console; no other fd" \
	"finish t1" "/dev/pts/0
/dev/pts/0
31 97
char 136:0 0620
0 1 2
done"
$O delete t1 >/dev/null 2>&1

cfg '.process.terminal = true'
testing "terminal without --console-socket: clear error" \
	"$O create --bundle $B t2 2>&1" \
	"ocibox: create: config.json: process.terminal is true: --console-socket is required" 1
testing "terminal without --console-socket: no state left" "states" ""
cfg '.process.terminal = false'
testing "--console-socket without terminal: clear error" \
	"$O create --bundle $B --console-socket $T/none.sock t3 2>&1" \
	"ocibox: create: --console-socket given but process.terminal is false" 1
cfg '.process.terminal = true'
testing "a console socket nobody listens on: clear error" \
	"$O create --bundle $B --console-socket $T/none.sock t4 2>&1" \
	"ocibox: create: connect to console socket '$T/none.sock': no such file or directory" 1
testing "a console socket nobody listens on: no state left" "states" ""

# run in the foreground with a terminal: script(1) gives us a tty. When its
# stdin ends, script writes a NUL to its pty, which the container's pty
# echoes as "^@": unpty drops that and the CRs.
unpty() { tr -d '\r' | sed 's/\^@//g'; }
cfg '.process.terminal = true | .process.args = ["/bin/sh", "-c", "tty; echo hello; exit 5"]'
testing "run -t in the foreground relays the pty" \
	"script -qec '$O run --bundle $B t5' /dev/null | unpty" "/dev/pts/0
hello"
testing_rc "run -t relays the exit status" 5 "script -qec '$O run --bundle $B t6' /dev/null >/dev/null"
cfg '.process.terminal = true | .process.args = ["/bin/sh", "-c", "read l; echo got $l"]'
testing "run -t relays input to the container" \
	"(wait_for 10 eval '[ \"\$(status t7)\" = running ]'; echo typed) | script -qec '$O run --bundle $B t7' /dev/null | unpty | tail -1" \
	"got typed"
cfg '.process.terminal = true | .process.args = ["/bin/stty", "size"]'
testing "run -t takes the caller's window size" \
	"script -qec 'stty rows 12 cols 34; $O run --bundle $B t8' /dev/null | unpty" "12 34"
cfg '.process.terminal = false | .process.args = ["/bin/sh", "-c", "tty"]'
testing "without a terminal there is no tty" "$O run --bundle $B t9 </dev/null" "not a tty" 1

testing "no state left" "states" ""
testing "no process of ours left" "ours_left" "0"
