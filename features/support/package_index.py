"""A real PEP 503 package index on 127.0.0.1, serving tiny wheels the tests build.

uv locks against it, fills its cache from it, and then the index can be stopped to
prove that what follows needs no network. The wheels are real: a zip with the package,
its METADATA, WHEEL and RECORD, as any build backend writes them.
"""

from __future__ import annotations

import base64
import hashlib
import html
import stat
import threading
import zipfile
from collections.abc import Mapping
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def build_wheel(
    directory: Path, name: str, version: str, scripts: Mapping[str, bytes] | None = None
) -> Path:
    """A wheel whose module ``name`` has ``__version__ = version``.

    ``scripts`` go to ``NAME-VERSION.data/scripts/`` (mode 0755), which installers put in
    the venv's ``bin/`` as they are: how a wheel ships a compiled program.
    """
    dist_info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": f'__version__ = "{version}"\n'.encode(),
        **{
            f"{name}-{version}.data/scripts/{script}": data
            for script, data in (scripts or {}).items()
        },
        f"{dist_info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        ).encode(),
        f"{dist_info}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: ci-image-tests\nRoot-Is-Purelib: true\n"
            b"Tag: py3-none-any\n"
        ),
    }
    record = "".join(
        f"{path},sha256={_record_hash(data)},{len(data)}\n" for path, data in files.items()
    )
    files[f"{dist_info}/RECORD"] = (record + f"{dist_info}/RECORD,,\n").encode()
    wheel = directory / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            info = zipfile.ZipInfo(path, _FIXED_TIME)
            if ".data/scripts/" in path:
                info.external_attr = (stat.S_IFREG | 0o755) << 16
            archive.writestr(info, data)
    return wheel


def _record_hash(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


class PackageIndex:
    """``http://127.0.0.1:PORT/simple/``: one page per project listing its wheels."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.simple = root / "simple"
        self.simple.mkdir(parents=True)
        handler = partial(_QuietHandler, directory=str(root))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.running = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/simple"

    def add_wheel(
        self, name: str, version: str, scripts: Mapping[str, bytes] | None = None
    ) -> None:
        project = self.simple / name
        project.mkdir(exist_ok=True)
        build_wheel(project, name, version, scripts)
        links = "".join(
            f'<a href="{html.escape(wheel.name)}#sha256='
            f'{hashlib.sha256(wheel.read_bytes()).hexdigest()}">{html.escape(wheel.name)}</a>\n'
            for wheel in sorted(project.glob("*.whl"))
        )
        (project / "index.html").write_text(f"<html><body>\n{links}</body></html>\n")
        names = sorted(path.name for path in self.simple.iterdir() if path.is_dir())
        root_links = "".join(f'<a href="{n}/">{n}</a>\n' for n in names)
        (self.simple / "index.html").write_text(f"<html><body>\n{root_links}</body></html>\n")

    def stop(self) -> None:
        if self.running:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=10)
            self.running = False
