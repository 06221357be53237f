# events.sh: events --interval takes a Go duration with one unit, as runc's
# (time.ParseDuration): digits, an optional fraction, ms/s/m/h; at least
# 1 ms, below a day. An accepted interval gets as far as the container
# lookup; a refused one is a usage error naming the option (status 2).
. "$TOP/test/lib.sh"

BAD='ocibox: events: --interval: expected a duration such as 500ms or 5s'
NONE='ocibox: events: container "nosuch" does not exist'
for i in 250ms 1.5s .5s 5.s +2m 1h 0.001s 23.99h; do
	testing "--interval $i is a duration" "$O events --interval $i nosuch 2>&1" "$NONE" 1
done
for i in 0s 0.0001s 24h 86400000ms 99999999999999999999s 1e3s 0x10s ' 5s' 5 s . ms -1s 1h30m 5S; do
	testing "--interval '$i' is refused (usage, status 2)" \
		"$O events --interval '$i' nosuch 2>$T/err; echo \$?; head -n 1 $T/err" "2
$BAD"
done
