#!/bin/sh
# demo.sh (`make demo`): build a busybox bundle from Debian's busybox-static,
# validate it with `ocibox check`, and run a real container that shows what it
# sees. Root is needed for the container; without it only check runs.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
O=$top/ocibox
D=$top/build/demo
rm -rf "$D"
mkdir -p "$D/rootfs/bin" "$D/rootfs/proc" "$D/rootfs/sys" "$D/rootfs/dev" \
	"$D/rootfs/tmp" "$D/rootfs/etc"
cp /bin/busybox "$D/rootfs/bin/busybox"
for a in sh echo cat hostname id ps ls mount; do ln -s busybox "$D/rootfs/bin/$a"; done
echo 'root:x:0:0:root:/:/bin/sh' > "$D/rootfs/etc/passwd"
$O spec --bundle "$D"
script='echo "hello from $(hostname), I am $(id)"; echo "my processes:"; ps; echo "my mounts:"; cat /proc/self/mounts | cut -d" " -f2,3 | head -8'
jq --arg s "$script" '.process.terminal = false | .process.args = ["/bin/sh", "-c", $s]' \
	"$D/config.json" > "$D/config.json.new" && mv "$D/config.json.new" "$D/config.json"
echo "== ocibox check --bundle $D"
$O check --bundle "$D"
if [ "$(id -u)" != 0 ]; then
	echo "== not root: skipping the container (ocibox run needs root)"
	exit 0
fi
echo "== ocibox run --bundle $D demo"
$O --root "$top/build/demo-root" run --bundle "$D" demo
echo "== the container is gone again:"
$O --root "$top/build/demo-root" list
