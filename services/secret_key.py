"""The key that signs login sessions and CSRF tokens: never in git.

VIOS_SECRET_KEY from the environment (at least 32 characters), else the file
instance/secret_key, created on first use with a random key and mode 0600.
Every worker process reads the same file, so sessions survive a restart and
work across gunicorn workers.
"""
from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import settings

ENV_VAR = "VIOS_SECRET_KEY"
FILE_NAME = "secret_key"
MIN_LENGTH = 32


def load_secret_key() -> str:
    value = os.environ.get(ENV_VAR, "").strip()
    if value:
        if len(value) < MIN_LENGTH:
            raise RuntimeError(f"{ENV_VAR} is te kort: gebruik minstens {MIN_LENGTH} tekens, bijvoorbeeld "
                               "de uitvoer van: python -c \"import secrets; print(secrets.token_hex(32))\"")
        return value
    return _key_from_file(settings.instance_dir() / FILE_NAME)


def _key_from_file(path: Path) -> str:
    if not path.exists():
        _create(path)
    for _ in range(50):  # another worker may have created the file a moment ago
        value = path.read_text(encoding="ascii").strip()
        if value:
            return value
        time.sleep(0.01)
    raise RuntimeError(f"{path} is leeg; verwijder het bestand om een nieuwe sleutel te laten maken.")


def _create(path: Path) -> None:
    # Written to a private temporary file, then linked into place: the link fails when another
    # process won the race, and nobody ever reads a half-written key.
    tmp = path.with_name(f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
