# driver.sh: the checks of ocibox's systemd cgroup driver, sourced by
# test/systemd/guest.sh inside the guest of `make test-systemd`, once per
# boot (systemd on pure cgroup v2, then on v1/hybrid).
#
# ADD THE DRIVER'S CHECKS HERE: write a function, add its name to
# DRIVER_TESTS. They run after the tier's own checks have shown that systemd
# is PID 1 and running, that the system bus answers and that a transient
# scope with Delegate=yes and MemoryMax can be made and removed, both with
# systemd-run and with Manager.StartTransientUnit over D-Bus.
#
# What a check can use:
#   $BOOT        v2 or hybrid;  $CG_LAYOUT  unified or hybrid
#   test/lib.sh  testing DESC CMD EXPECTED-STDOUT, testing_rc DESC RC CMD,
#                pass/fail/skip, contains FILE STR, base_bundle (a busybox
#                bundle in $B running /bin/true, config kept in $T/base.json),
#                r FILTER ARGS... (run it in the foreground as $TESTNAME),
#                d ID FILTER ARGS... (run it detached, its pid in $T/ID.pid),
#                jqset, mkbundle; $O is "ocibox --root $ROOT"; $T is a
#                private tmpfs dir, removed (with every container) at exit
#   guest.sh     check DESC CMD..., info TEXT, sd_prop UNIT PROP,
#                sd_wait_active UNIT, sd_wait_gone UNIT, sd_units_left,
#                bus_manager METHOD SIGNATURE ARGS... (busctl call to
#                org.freedesktop.systemd1.Manager), cg_dir CGPATH,
#                cg_mem_max CGPATH, in_cgroup PID CGPATH
# A check stops the units it starts; at exit every loaded *ocibox* unit
# other than ocibox-test.{service,target} is stopped, and t_nothing_left
# (after these) fails if any unit, container or *ocibox* cgroup remains.

# Until the driver exists: the default cgroupfs driver works under systemd,
# and --systemd-cgroup gives its clear error. Replace these with the driver's.
# bundle: base_bundle once per boot
bundle() { [ -f "$T/base.json" ] || base_bundle; }
driver_cgroupfs_run() {
	bundle
	testing_rc "cgroupfs driver: run /bin/true exits 0" 0 "r . /bin/true"
	testing_rc "cgroupfs driver: run relays the exit status" 3 "r . sh -c 'exit 3'"
	if d sd-sleep . sleep 30; then
		testing "cgroupfs driver: the container is in /ocibox/sd-sleep" \
			"in_cgroup_path \$(cat $T/sd-sleep.pid) /ocibox/sd-sleep && echo yes" yes
		$O kill sd-sleep KILL >/dev/null 2>&1
		testing_rc "cgroupfs driver: delete --force" 0 "$O delete --force sd-sleep"
	else
		fail "cgroupfs driver: run -d sleep 30"
	fi
}
# in_cgroup_path PID PATH: some hierarchy has PID in PATH
in_cgroup_path() { grep -q ":$2\$" "/proc/$1/cgroup"; }
driver_systemd_cgroup_refused() {
	bundle && cfg_args . /bin/true
	testing_rc "--systemd-cgroup: refused while there is no driver" 1 \
		"$O --systemd-cgroup run --bundle $B sd-refused"
	check "--systemd-cgroup: the error names the driver" \
		contains "$T/stderr" "systemd cgroup driver"
	testing "--systemd-cgroup: no container left" "$O list -q" ""
}
DRIVER_TESTS="driver_cgroupfs_run driver_systemd_cgroup_refused"
