# apparmor.sh: process.apparmorProfile and exec --apparmor applied, sourced
# by test/systemd/guest.sh after driver.sh (whose helpers it uses). The
# guest's kernel (Debian's 6.1) boots with apparmor=1 security=apparmor
# (run.sh); apparmor_parser is the host's (Debian's apparmor package, shared
# through the 9p root). A small profile, loaded here, allows everything but
# reading /aa-secret; the containers run with --systemd-cgroup, so that
# nothing of them outlives the check (t_nothing_left).

AA=ocibox-test-deny
# aa_load: the test profile, loaded once per boot (also for engines.sh)
aa_load() {
	grep -q "^$AA " /sys/kernel/security/apparmor/profiles 2>/dev/null && return 0
	cat > "$T/aa.profile" <<EOF
abi <abi/3.0>,
profile $AA flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  network,
  signal,
  ptrace,
  unix,
  deny /aa-secret r,
}
EOF
	timeout 120 apparmor_parser -r -K "$T/aa.profile" >"$T/aa.err" 2>&1
}
# aa_enabled: AppArmor is on in this kernel and apparmor_parser is here
aa_enabled() {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] &&
		command -v apparmor_parser >/dev/null
}
# sd_r FILTER ARGS...: run it in the foreground with --systemd-cgroup
sd_r() { cfg_args "$@" && $SD run --bundle "$B" sdaa </dev/null; }
# the two lines a process prints about itself: its label, the secret (or
# cat's refusal, and then its status 1)
SELF='cat /proc/self/attr/current; cat /aa-secret 2>&1'
DENIED="$AA (enforce)
cat: can't open '/aa-secret': Permission denied"

aa_profile() {
	check "AppArmor is enabled (apparmor=1 security=apparmor) and apparmor_parser is installed" aa_enabled ||
		return
	bundle
	echo secret > "$B/rootfs/aa-secret"
	if ! aa_load; then fail "apparmor_parser loads the test profile" "$(head -c 300 $T/aa.err)"; return; fi
	pass "apparmor_parser loads the test profile"
	testing "features: apparmor enabled" "$O features | jq -r .linux.apparmor.enabled" true
	testing "no profile: the container is unconfined and reads /aa-secret" \
		"sd_r . sh -c '$SELF'" "unconfined
secret"
	testing "process.apparmorProfile: the program runs under it, the path is denied" \
		"sd_r '.process.apparmorProfile = \"$AA\"' sh -c '$SELF'" "$DENIED" 1
	# a detached init under the profile, and exec into it
	id=sdaa1 u=ocibox-sdaa1.scope
	if ! sd_d $id ".process.apparmorProfile = \"$AA\"" sleep 600; then
		fail "process.apparmorProfile: run -d" "$(cat $T/$id.err)"; return
	fi
	testing "the init's label, seen from the host" "cat /proc/\$(cat $T/$id.pid)/attr/current" "$AA (enforce)"
	testing "exec takes the container's profile" "$O exec $id sh -c '$SELF'" "$DENIED" 1
	printf '{"args":["sh","-c","%s"],"cwd":"/","env":["PATH=/bin"]}' "$SELF" > "$T/aa-p1.json"
	testing "exec --process without a profile takes the container's" \
		"$O exec --process $T/aa-p1.json $id" "$DENIED" 1
	printf '{"args":["sh","-c","%s"],"cwd":"/","env":["PATH=/bin"],"apparmorProfile":"unconfined"}' "$SELF" > "$T/aa-p2.json"
	testing "exec --process with its own profile (unconfined)" \
		"$O exec --process $T/aa-p2.json $id" "unconfined
secret"
	testing "exec --apparmor unconfined overrides the container's" \
		"$O exec --apparmor unconfined $id sh -c '$SELF'" "unconfined
secret"
	$O delete --force $id >/dev/null 2>&1
	gone "$u" /system.slice/$u "process.apparmorProfile"
	# exec --apparmor in a container without a profile
	id=sdaa2 u=ocibox-sdaa2.scope
	if ! sd_d $id . sleep 600; then fail "exec --apparmor: run -d" "$(cat $T/$id.err)"; return; fi
	testing "exec --apparmor $AA: the process runs under it" \
		"$O exec --apparmor $AA $id sh -c '$SELF'" "$DENIED" 1
	testing "exec without it: unconfined" "$O exec $id sh -c '$SELF'" "unconfined
secret"
	testing "exec --apparmor with no such profile: one line, naming it" \
		"$O exec --apparmor ocibox-no-such $id /bin/true 2>&1; echo rc=\$?" \
		'ocibox: exec: process.apparmorProfile: "ocibox-no-such": no such AppArmor profile is loaded
rc=1'
	testing "exec --apparmor with no such profile: no process left in the container" \
		"$O ps $id | tail -n +2 | wc -l" 1
	$O delete --force $id >/dev/null 2>&1
	gone "$u" /system.slice/$u "exec --apparmor"
	# create with a profile that is not loaded: refused, nothing left
	cfg_args '.process.apparmorProfile = "ocibox-no-such"' /bin/true
	testing_rc "no such profile: create fails" 1 "$SD create --bundle $B sdaa3"
	cp "$T/stderr" "$T/aa3.err"
	testing "no such profile: one line naming the field and the profile" "cat $T/aa3.err" \
		'ocibox: create: process.apparmorProfile: "ocibox-no-such": no such AppArmor profile is loaded'
	nothing_of sdaa3 ocibox-sdaa3.scope "no such profile"
}

DRIVER_TESTS="$DRIVER_TESTS aa_profile"
