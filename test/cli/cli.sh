# cli.sh: dispatch, global options, usage errors, spec, features, check, state/list basics.
. "$TOP/test/lib.sh"

testing "--version names the spec" "$OCIBOX --version | sed -n 3p" "spec: 1.3.0"
testing_rc "unknown applet is a usage error" 2 "$OCIBOX frobnicate"
testing_rc "unknown option is a usage error" 2 "$OCIBOX --frob state x"
testing_rc "applet --help exits 0" 0 "$OCIBOX state --help"
testing "applet --help prints its usage" "$OCIBOX kill --help | head -1" \
	"usage: ocibox kill [--all] ID [SIGNAL]"
ln -s "$OCIBOX" "$T/state"
testing "argv[0] selects the applet" \
	"$T/state --root $ROOT nope 2>&1; echo rc=\$?" \
	'ocibox: state: container "nope" does not exist
rc=1'
testing "global options after the applet" \
	"$OCIBOX state --root=$ROOT nope 2>&1" 'ocibox: state: container "nope" does not exist' 1
testing "--log-format json writes runc-style lines" \
	"$OCIBOX --log $T/log.json --log-format json state nope 2>/dev/null; jq -r '.level + \" \" + .msg' $T/log.json" \
	'error container "nope" does not exist'
testing "--log time is RFC 3339" \
	"jq -r .time $T/log.json | grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\$'" "1"
testing "invalid id is refused" "$O state ../x 2>&1 | grep -c 'invalid container id'" "1"
$OCIBOX --install "$T/bin" && testing "--install makes one symlink per applet" \
	"readlink $T/bin/create" "$(readlink -f "$OCIBOX")"
testing "list on an empty root" "$O list -q" ""
testing "list json on an empty root" "$O list -f json" "[]"

mkdir -p "$T/b"
testing_rc "spec writes config.json" 0 "$OCIBOX spec --bundle $T/b"
testing "spec output is JSON with ociVersion 1.3.0" "jq -r .ociVersion $T/b/config.json" "1.3.0"
testing "spec refuses to overwrite" "$OCIBOX spec --bundle $T/b 2>&1" \
	"ocibox: spec: '$T/b/config.json' exists: remove it first" 1
mkdir -p "$T/rl"
testing "spec --rootless adds a user namespace" \
	"$OCIBOX spec --rootless --bundle $T/rl && jq -r '[.linux.namespaces[].type] | index(\"user\") != null' $T/rl/config.json" "true"

testing "features is JSON listing namespaces" \
	"$OCIBOX features | jq -r '.linux.namespaces | length'" "8"
testing "features: AppArmor support (applied where the host has it enabled)" \
	"$OCIBOX features | jq -r .linux.apparmor.enabled" "true"
testing "features: spec 1.0.0 to 1.3.0" \
	"$OCIBOX features | jq -r '.ociVersionMin + \" \" + .ociVersionMax'" "1.0.0 1.3.0"
testing "features: the systemd cgroup driver, and systemd --user's" \
	"$OCIBOX features | jq -r '.linux.cgroup | \"\\(.systemd) \\(.systemdUser)\"'" "true true"

mkbundle "$T/ok" /bin/true
testing "check: a good bundle says ok" "$OCIBOX check --bundle $T/ok" "ok"
mkbundle "$T/bad" /bin/true
jqset "$T/bad" '.process.args = ["nope"] | .linux.namespaces += [{"type":"pids"}] | .root.path = "missing"'
testing "check: a bad bundle exits 1, saying why" \
	"$OCIBOX check --bundle $T/bad > $T/bad.out; echo rc=\$?; cut -d: -f1 $T/bad.out" "rc=1
config.json"
testing "check: names the bad namespace with its path" \
	"$OCIBOX check --bundle $T/bad | grep -c 'linux.namespaces\[[0-9]*\].type'" "1"
printf '{"ociVersion": "1.2.0",,}' > "$T/bad/config.json"
testing "check: syntax errors carry line and column" \
	"$OCIBOX check --bundle $T/bad | cut -d: -f1-3" "config.json:1:24"
