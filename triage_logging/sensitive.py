"""What counts as personal data or a secret, and the marker that replaces it.

Order matters: specific markers first, so `token=eyJ...` reads `token=[JWT_TOKEN]`, and a URL's
password is gone before the e-mail pattern could take `password@host` for an address.
"""

import re

from triage_logging.key_values import SecretValues
from triage_logging.patterns import Scrubber, ScrubPattern


def luhn_valid(candidate: str) -> bool:
    """The Luhn checksum of the digits in `candidate` (separators ignored)."""
    total = 0
    digits = [ord(c) - 48 for c in candidate if "0" <= c <= "9"]
    for position, digit in enumerate(reversed(digits)):
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return bool(digits) and total % 10 == 0


# Written the way cards are printed, the layout is evidence enough (a mistyped card is still a
# card); a bare run of digits must also pass Luhn, or order numbers would vanish from logs.
_CARD_LAYOUT = re.compile(
    r"[0-9]{4}(?P<s>[ -])[0-9]{4}(?P=s)[0-9]{4}(?P=s)[0-9]{4}"
    r"|[0-9]{4}(?P<t>[ -])[0-9]{6}(?P=t)[0-9]{4,5}"
)


def card_number_likely(candidate: str) -> bool:
    """A card number when laid out like one (4-4-4-4, Amex 4-6-5) or when it passes Luhn."""
    return _CARD_LAYOUT.fullmatch(candidate) is not None or luhn_valid(candidate)


JWT = ScrubPattern(
    "jwt",
    re.compile(r"eyJ(?<![\w-]...)[\w-]{2,}+\.ey[\w-]{2,}+\.[\w-]*+", re.ASCII),
    "[JWT_TOKEN]",
)
AWS_ACCESS_KEY = ScrubPattern(
    "aws_access_key",
    re.compile(r"A(?:KIA|SIA)(?<![A-Za-z0-9]....)[A-Z0-9]{16}(?![A-Za-z0-9])"),
    "[AWS_KEY]",
)
URL_PASSWORD = ScrubPattern(
    "url_password",
    re.compile(r"(?P<user>://[^\s:/@]{0,256}+:)[^\s@/]{1,256}+@"),
    r"\g<user>[REDACTED]@",
)
SECRET_VALUE = SecretValues(
    keys=(
        "password", "passwd", "pwd", "secret", "token", "authorization", "cookie", "credential",
        "credentials", "api_key", "api-key", "apikey", "access_key", "access-key", "accesskey",
        "secret_key", "secret-key", "secretkey", "private_key", "private-key", "privatekey",
    ),
)  # fmt: skip
EMAIL = ScrubPattern(
    "email",
    # The user part may hold any letters (josé.garcía@…); the domain is ASCII as DNS has it.
    re.compile(r"[\w.%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,63}"),
    "[EMAIL]",
    anchors=("@",),
    lead="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-",
    lead_letters=True,
)
CREDIT_CARD = ScrubPattern(
    "credit_card",
    re.compile(r"[2-6](?<![0-9].)[0-9]{3}(?:[ -]?[0-9]){9,15}(?![0-9])"),
    "[CREDIT_CARD]",
    validate=card_number_likely,
)
US_SSN = ScrubPattern(
    "us_ssn",
    re.compile(
        r"[0-8](?<![\w-].)[0-9]{2}(?<!000)(?<!666)-(?!00)[0-9]{2}-(?!0000)[0-9]{4}(?![\d-])"
    ),
    "[SSN]",
    prefilter=re.compile(r"-[0-9]{2}-[0-9]{4}"),
)

DEFAULT_PATTERNS: tuple[Scrubber, ...] = (
    JWT,
    AWS_ACCESS_KEY,
    URL_PASSWORD,
    SECRET_VALUE,
    EMAIL,
    CREDIT_CARD,
    US_SSN,
)
