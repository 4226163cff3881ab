"""Run `vios` as a user does: in this process by default (the same parser, handlers, exit codes and
output; 0.6 s faster per call than starting Python), or as a real subprocess with real=True."""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

VIOS = shutil.which("vios") or str(Path(sys.executable).parent / "vios")


def run(db: Path, *args: str, stdin: str | None = None, real: bool = False,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    url = f"sqlite:///{db}"
    if real:
        return subprocess.run([VIOS, *args], capture_output=True, text=True, input=stdin, timeout=timeout,
                              env={**os.environ, "DATABASE_URL": url})
    from cli.main import main

    out, err = io.StringIO(), io.StringIO()
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    saved_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin or "")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: usage errors exit 2, --help exits 0
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stdin = saved_stdin
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous
    return subprocess.CompletedProcess([VIOS, *args], code, out.getvalue(), err.getvalue())
