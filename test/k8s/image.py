#!/usr/bin/python3
"""image.py OUT.tar NAME:TAG ROOTFS-DIR [ENTRYPOINT...]

Write a one-layer image archive in the format `docker save` writes
(manifest.json, the config JSON, the layer tar), which `ctr images import`
reads, without a registry or an image builder: the layer is ROOTFS-DIR
tarred with owner root and a fixed mtime, so that the same directory always
gives the same image id. ENTRYPOINT, when given, is the image's entrypoint
(the pause image's /pause); otherwise the image runs /bin/sh.
"""
import hashlib
import io
import json
import os
import platform
import sys
import tarfile

ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm",
        "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}


def layer(rootfs):
    """the rootfs as an uncompressed tar, entries sorted, owned by root"""
    def clean(ti):
        ti.uid = ti.gid = 0
        ti.uname = ti.gname = "root"
        ti.mtime = 0
        return ti
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for top, dirs, files in os.walk(rootfs):
            dirs.sort()
            for name in sorted(dirs + files):
                path = os.path.join(top, name)
                arc = os.path.relpath(path, rootfs)
                tar.add(path, arcname=arc, recursive=False, filter=clean)
    return buf.getvalue()


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__.strip().splitlines()[0])
    out, ref, rootfs, entry = argv[1], argv[2], argv[3], argv[4:]
    data = layer(rootfs)
    diff = hashlib.sha256(data).hexdigest()
    cfg = {
        "architecture": ARCH.get(platform.machine(), platform.machine()),
        "os": "linux",
        "config": {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "WorkingDir": "/",
        },
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff]},
        "history": [{"created_by": "test/k8s/image.py " + ref}],
    }
    if entry:
        cfg["config"]["Entrypoint"] = entry
    else:
        cfg["config"]["Cmd"] = ["/bin/sh"]
    cfg_bytes = json.dumps(cfg, sort_keys=True).encode()
    cfg_name = hashlib.sha256(cfg_bytes).hexdigest() + ".json"
    manifest = [{"Config": cfg_name, "RepoTags": [ref],
                 "Layers": [diff + "/layer.tar"]}]
    with tarfile.open(out, "w") as tar:
        for name, blob in ((diff + "/layer.tar", data), (cfg_name, cfg_bytes),
                           ("manifest.json", json.dumps(manifest).encode())):
            ti = tarfile.TarInfo(name)
            ti.size = len(blob)
            tar.addfile(ti, io.BytesIO(blob))


if __name__ == "__main__":
    main(sys.argv)
