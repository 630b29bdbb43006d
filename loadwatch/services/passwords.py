"""Club-mode passwords and tokens (issue #11): Argon2id hashing (argon2-cffi's `PasswordHasher`,
its RFC 9106 low-memory profile), the rules a new password must pass (NIST SP 800-63B: length
and a blocklist, zxcvbn), and session tokens, of which only the SHA-256 is stored, so a copy of
the database opens no session. Passwords are never stored, logged or returned in clear.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import secrets

from argon2 import Parameters, PasswordHasher, Type, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from loadwatch.errors import InputError

PASSWORD_MIN_CHARS = 8  # NIST SP 800-63B section 5.1.1.2: at least 8 characters


PASSWORD_MAX_CHARS = 1024  # a bound on the hashing work one request can ask for


ARGON2_PROFILE_ENV = "LOADWATCH_ARGON2_PROFILE"


def hasher_for(profile: str | None) -> PasswordHasher:
    """Argon2id with argon2-cffi's `RFC_9106_LOW_MEMORY` profile (its default: 64 MiB, 3
    passes), or another of its named profiles from $LOADWATCH_ARGON2_PROFILE. `CHEAPEST` is for
    the test suite only, which hashes hundreds of passwords; a stored hash carries its own
    parameters, so any profile verifies any hash."""
    name = (profile or "RFC_9106_LOW_MEMORY").upper()
    parameters = getattr(profiles, name, None)
    if not isinstance(parameters, Parameters) or parameters.type is not Type.ID:
        raise ValueError(f"{ARGON2_PROFILE_ENV}={profile!r} is not an Argon2id profile")
    return PasswordHasher.from_parameters(parameters)


HASHER = hasher_for(os.environ.get(ARGON2_PROFILE_ENV))


# Verified against for unknown names, so a wrong name takes as long as a wrong password.
DUMMY_HASH = HASHER.hash(secrets.token_hex(16))


def checked_password(value: str, name: str | None = None) -> str:
    """A new password, checked as NIST SP 800-63B section 5.1.1.2 asks: length, and not a
    common, guessable or context-specific one (issue #21).

    Raises:
        InputError: what is wrong with it, and what to do.
    """
    if not isinstance(value, str) or "\x00" in value:
        raise InputError("the password must be text without NUL characters")
    if len(value) < PASSWORD_MIN_CHARS:
        raise InputError(f"the password must be at least {PASSWORD_MIN_CHARS} characters long")
    if len(value) > PASSWORD_MAX_CHARS:
        raise InputError(f"the password must be at most {PASSWORD_MAX_CHARS} characters long")
    weakness = password_weakness(value, name)
    if weakness:
        raise InputError(f"the password {weakness}; choose a longer, less common one")
    return value


def password_weakness(password: str, name: str | None = None) -> str | None:
    """Why `password` is too easy to guess, or None.

    Refused (NIST SP 800-63B 5.1.1.2 asks for a blocklist): the 30,000 most common passwords
    (zxcvbn's list, from leaked password sets), the same with digits or a "!" after it,
    placeholders such as "change-me", one or two characters repeated, sequences and keyboard
    rows (zxcvbn's score 0), and the account's own name with only digits or punctuation around
    it."""
    from zxcvbn import zxcvbn  # here: the matchers load 30k-word lists, which the CLI rarely needs

    folded = password.casefold()
    core = re.sub(r"[\d\W_]+$", "", folded) or folded
    if folded in _common_passwords() or core in _common_passwords():
        return "is one of the most common passwords"
    if "changeme" in re.sub(r"[\W_]", "", folded):
        return "is a placeholder (change-me)"
    if len(set(folded)) <= 2:
        return "repeats one or two characters"
    if name:
        rest = folded.replace(name.strip().casefold(), "")
        if rest != folded and not re.sub(r"[\d\W_]", "", rest):
            return "is the account's name"
    if zxcvbn(password[:64], user_inputs=[name] if name else [])["score"] == 0:
        return "is a sequence or a keyboard pattern"
    return None


@functools.cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def verify_password(hashed: str, password: str) -> bool:
    try:
        return HASHER.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
