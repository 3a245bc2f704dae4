"""bcrypt password hashes for the registry's htpasswd file, without apache2-utils.

distribution accepts only bcrypt entries. glibc's successor libxcrypt (Debian's
libcrypt1, also in Nix's Python) implements bcrypt (``$2b$``) in crypt(3): Python up to
3.12 exposes it as the ``crypt`` module; on newer Pythons the same function is called
through ctypes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import secrets
import warnings

BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
COST = 4


def bcrypt_hash(password: str) -> str:
    salt = "".join(secrets.choice(BCRYPT_ALPHABET) for _ in range(22))
    # The last salt character carries only 2 bits; libxcrypt rejects non-canonical ones.
    salt = salt[:21] + secrets.choice(".Oeu")
    setting = f"$2b${COST:02d}${salt}"
    hashed = _crypt(password, setting)
    assert hashed.startswith("$2b$"), f"crypt(3) has no bcrypt here: {hashed!r}"
    return hashed


def _crypt(password: str, setting: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            import crypt  # noqa: PLC0415 - removed in Python 3.13; ctypes below then
        except ImportError:
            crypt = None  # type: ignore[assignment]
    if crypt is not None:
        result: str = crypt.crypt(password, setting)
        return result
    library = ctypes.CDLL(ctypes.util.find_library("crypt") or "libcrypt.so.1")
    library.crypt.restype = ctypes.c_char_p
    library.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    value = library.crypt(password.encode(), setting.encode())
    return (value or b"").decode()
