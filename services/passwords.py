"""Password hashing (scrypt from the standard library), generation and the password policy.

A hash is stored as `scrypt$n$r$p$salt_b64$hash_b64`, so the cost can be raised later
without breaking existing hashes (`needs_rehash`).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

N, R, P = 2**14, 8, 1  # about 16 MB and 50 ms per hash: slow for guessing, fine for a login
SALT_BYTES, KEY_BYTES = 16, 32
MIN_LENGTH = 12
MAX_LENGTH = 1024  # refuse megabyte "passwords" that only cost CPU
# No 0/O, 1/l/I: generated passwords are read aloud and typed over.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * n * r + 2**20, dklen=KEY_BYTES)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(_scrypt(password, salt, N, R, P))}"


def verify_password(password: str, encoded: str) -> bool:
    """True when the password matches; False for a wrong password or a malformed hash."""
    try:
        scheme, n_text, r_text, p_text, salt, expected = encoded.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        # Bounded so that a tampered hash cannot make one login allocate gigabytes.
        if scheme != "scrypt" or not (2 <= n and 1 <= r and 1 <= p <= 16 and 128 * n * r <= 2**28):
            return False
        salt_bytes, expected_bytes = base64.b64decode(salt, validate=True), base64.b64decode(expected, validate=True)
    except (ValueError, AttributeError):
        return False
    if len(password) > MAX_LENGTH:
        return False
    return hmac.compare_digest(_scrypt(password, salt_bytes, n, r, p), expected_bytes)


def needs_rehash(encoded: str) -> bool:
    """True when the hash was made with other parameters than the current ones."""
    return not encoded.startswith(f"scrypt${N}${R}${P}$")


# The hash of a random password that was thrown away: verified for unknown users so that they
# take as long as real ones. A constant, so even the first login of a process costs the same.
_DUMMY_HASH = "scrypt$16384$8$1$r0MMnvdYMMAe410mx3ej9w==$ty522wpUbUJFl9J4YekBswZNxtTLVhepEcWcX4BuESY="


def dummy_hash() -> str:
    return _DUMMY_HASH


def generate_password(groups: int = 4, size: int = 4) -> str:
    """A random password like 'kX7m-pQ3w-Rt9v-Hn4a': 16 characters from 56, about 93 bits."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(size)) for _ in range(groups))


def password_problems(password: str, *, username: str | None = None) -> list[str]:
    """Dutch explanations of why a password is refused; empty when it is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Het wachtwoord moet minstens {MIN_LENGTH} tekens lang zijn.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Het wachtwoord mag hoogstens {MAX_LENGTH} tekens lang zijn.")
    if password and not password.strip():
        problems.append("Het wachtwoord mag niet alleen uit spaties bestaan.")
    elif password and len(set(password)) < 4:
        problems.append("Het wachtwoord bevat te weinig verschillende tekens.")
    if username and username.strip() and username.strip().lower() in password.lower():
        problems.append("Het wachtwoord mag de gebruikersnaam niet bevatten.")
    return problems


def check_password_policy(password: str, *, username: str | None = None) -> None:
    """Raise ValueError with the Dutch reasons when the password does not meet the policy."""
    problems = password_problems(password, username=username)
    if problems:
        raise ValueError(" ".join(problems))
