"""Package sizes: the built layer and each function as ``sam build`` leaves them in ``.aws-sam/build``.

Unzipped is the sum of the files' sizes; zipped is an in-memory deflate zip of the same files (what
``sam deploy`` uploads, give or take the zip tool). The bench never builds: ``sam build`` downloads the
layer's arm64 wheels from PyPI, and the benchmarks touch nothing but loopback. Run ``make sam-check``
first; without a build, the sizes are reported missing.

The layer is also measured with bytecode compiled into it (the cold-start lever), to show its cost; and
a check shows why that bytecode must be hash-based: a zip keeps modification times to 2 seconds at best
(and an extractor may not restore them at all), so timestamp-checked ``.pyc`` files go stale on the way.
"""

from __future__ import annotations

import compileall
import importlib.util
import io
import os
import py_compile
import shutil
import struct
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import ROOT, SCRATCH

BUILD = ROOT / ".aws-sam" / "build"
SOURCES = (ROOT / "layers" / "aiflow", ROOT / "functions", ROOT / "template.yaml")
# Lambda's quotas: 250 MB unzipped for a function and all its layers, 50 MB zipped for a direct upload.
UNZIPPED_LIMIT = 250 * 1024 * 1024
ZIPPED_UPLOAD_LIMIT = 50 * 1024 * 1024


def _files(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*") if path.is_file())


def measure_tree(directory: Path) -> dict[str, Any]:
    files = _files(directory)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.relative_to(directory).as_posix())
    return {
        "files": len(files),
        "unzipped_bytes": sum(path.stat().st_size for path in files),
        "zipped_bytes": buffer.getbuffer().nbytes,
        "pyc_files": sum(path.suffix == ".pyc" for path in files),
    }


def _newest_source() -> float:
    newest = 0.0
    for source in SOURCES:
        paths = [source] if source.is_file() else [p for p in source.rglob("*") if "__pycache__" not in p.parts]
        newest = max([newest, *(p.stat().st_mtime for p in paths if p.is_file())])
    return newest


def _with_bytecode(layer: Path, mode: str) -> Path:
    """A copy of the built layer with bytecode compiled by this interpreter (Python 3.13, as the runtime)."""
    copy = SCRATCH / "layer-with-bytecode"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(layer, copy, copy_function=os.link)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-f", "-j", "0", "--invalidation-mode", mode, str(copy)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return copy


def timestamp_bytecode_after_zip() -> dict[str, Any]:
    """Compile aiflow and reminders in the default (timestamp) mode, zip, extract: how many .pyc still match?"""
    work = SCRATCH / "zipped-bytecode"
    shutil.rmtree(work, ignore_errors=True)
    source = work / "source"
    for package in ("aiflow", "reminders"):
        shutil.copytree(
            ROOT / "layers" / "aiflow" / package, source / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    for second, path in enumerate(sorted(source.rglob("*.py"))):
        os.utime(path, (1_700_000_000 + second, 1_700_000_000 + second))  # odd and even seconds alike
    compileall.compile_dir(str(source), quiet=1, invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP)
    archive = work / "layer.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(source).as_posix())
    extractors: dict[str, Any] = {"python zipfile (no times restored)": None}
    if shutil.which("unzip"):
        extractors["unzip (times restored, 2 s steps)"] = ["unzip", "-q", str(archive), "-d"]
    result: dict[str, Any] = {}
    for name, command in extractors.items():
        target = work / f"extracted-{len(result)}"
        if command is None:
            with zipfile.ZipFile(archive) as zipped:
                zipped.extractall(target)
        else:
            subprocess.run([*command, str(target)], check=True)
        valid = stale = 0
        for path in target.rglob("*.py"):
            header = Path(importlib.util.cache_from_source(str(path))).read_bytes()[:16]
            recorded = struct.unpack("<I", header[8:12])[0]
            if recorded == int(path.stat().st_mtime) & 0xFFFFFFFF:
                valid += 1
            else:
                stale += 1
        result[name] = {"valid": valid, "stale": stale}
    shutil.rmtree(work, ignore_errors=True)
    return result


def run(lever_mode: str = "unchecked-hash") -> dict[str, Any]:
    template = BUILD / "template.yaml"
    if not template.exists():
        return {
            "built": False,
            "reason": "no .aws-sam/build: run `make sam-check` first",
            "timestamp_bytecode_after_zip": timestamp_bytecode_after_zip(),
        }
    built_at = template.stat().st_mtime
    result: dict[str, Any] = {
        "built": True,
        "built_at": datetime.fromtimestamp(built_at, UTC).isoformat(timespec="seconds"),
        "stale": _newest_source() > built_at,
        "artifacts": {},
        "limits": {"unzipped_bytes": UNZIPPED_LIMIT, "zipped_upload_bytes": ZIPPED_UPLOAD_LIMIT},
        "timestamp_bytecode_after_zip": timestamp_bytecode_after_zip(),
    }
    for name in ("AiFlowLayer", "WebhookFunction", "DialerFunction"):
        directory = BUILD / name
        result["artifacts"][name] = measure_tree(directory) if directory.is_dir() else None
    layer = BUILD / "AiFlowLayer"
    if layer.is_dir():
        copy = _with_bytecode(layer, lever_mode)
        try:
            result["layer_with_bytecode"] = {"mode": lever_mode, **measure_tree(copy)}
        finally:
            shutil.rmtree(copy, ignore_errors=True)
    return result
