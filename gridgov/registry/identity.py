"""Identity helpers: ID number, credit code and phone validation (python-stdnum), pinyin search
keys (pypinyin), and the derived columns a Person row stores for its ID and phone (docs/architecture.md §4, “Personal data is protected by default”).

These run once per imported row, so they are written for speed: the check digits are computed
directly and pinyin is looked up per character through a cache.
"""

import datetime
import hashlib
import re
from functools import lru_cache

from stdnum.cn import uscc  # ID numbers: our own checks and generator (as stdnum.cn.ric; tested)
from stdnum.exceptions import ValidationError as StdnumError

from gridgov.core import crypto, pii

from .choices import IdType, Sex

# GB/T 2260 province-level prefixes (the first two digits of a 居民身份证 number).
PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83",
}
EARLIEST_BIRTH = datetime.date(1890, 1, 1)
# ASCII digits only: `\d` alone also matches full-width digits (１３８…), which must be refused
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
LANDLINE_RE = re.compile(r"^0\d{2,3}\d{7,8}$", re.ASCII)
PASSPORT_RE = re.compile(r"^[A-Z0-9]{5,20}$")


class IdentityError(ValueError):
    """A bad identity value, with a Chinese reason (the importer shows it as the row error)."""


def check_resident_id(value, today=None):
    """Validate an 18-digit 居民身份证 number; return (number, birth_date, sex).

    Checks length and ASCII digits, the province code, the check digit (GB 11643: the weights
    are 2^(17-i) mod 11, so the weighted sum is `2 * int(body, 13)` mod 11 — the same result as
    `stdnum.cn.ric.calc_check_digit`, proved against it in the tests) and that the birth date
    exists and is possible (not in the future, not before 1890)."""
    if type(value) is str and len(value) == 18 and (value.isdigit() or (value[:17].isdigit() and value[17] == "X")):
        number = value  # already normal (the importer's common case): skip the whitespace/case pass
    else:
        number = "".join(str(value or "").split()).upper()
    if len(number) != 18:
        raise IdentityError("身份证号码应为18位")
    body, last = number[:17], number[17]
    if not (body.isascii() and body.isdigit()) or last not in _CHECK_CHARS:
        raise IdentityError("身份证号码格式不正确")
    if number[:2] not in PROVINCES:
        raise IdentityError("身份证号码的地区码无效")
    if _CHECK_DIGITS[(1 - 2 * int(body, 13)) % 11] != last:
        raise IdentityError("身份证号码校验位错误")
    birth = _birth_date(number[6:14])
    if birth is None:
        raise IdentityError("身份证号码中的出生日期不存在")
    if birth > (today or datetime.date.today()) or birth < EARLIEST_BIRTH:
        raise IdentityError("身份证号码中的出生日期不可能")
    return number, birth, (Sex.MALE if number[16] in "13579" else Sex.FEMALE)


_CHECK_CHARS = frozenset("0123456789X")
_CHECK_DIGITS = "0123456789X"  # index = (1 - 2 * weighted sum) mod 11
_BIRTH_DATES = {}  # YYYYMMDD -> date or None; bounded by the calendar (~80k keys for 1890–2100)


def _birth_date(text):
    try:
        return _BIRTH_DATES[text]
    except KeyError:
        pass
    try:
        birth = datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        birth = None
    if len(_BIRTH_DATES) < 200_000:
        _BIRTH_DATES[text] = birth
    return birth


def check_id_number(id_type, value, today=None):
    """Validate an ID number of any type; return (number, birth_date or None, sex or None)."""
    if id_type in (IdType.RESIDENT_ID, "", None):
        return check_resident_id(value, today)
    number = "".join(str(value or "").split()).upper()
    if id_type == IdType.NONE:
        if number:
            raise IdentityError("证件类型为“无证件”时不应填写证件号码")
        return "", None, None
    if not PASSPORT_RE.match(number):
        raise IdentityError("证件号码格式不正确（5–20位字母或数字）")
    return number, None, None


def check_credit_code(value):
    """Validate a 统一社会信用代码 (stdnum.cn.uscc); return the compact code."""
    try:
        return uscc.validate(value)
    except StdnumError as exc:
        reason = {
            "InvalidLength": "统一社会信用代码应为18位",
            "InvalidChecksum": "统一社会信用代码校验位错误",
        }.get(type(exc).__name__, "统一社会信用代码格式不正确")
        raise IdentityError(reason)


def check_phone(value):
    """Normalise a mobile (11 digits) or landline (area code + number) phone number."""
    if isinstance(value, str) and len(value) == 11 and value.isascii() and value.isdigit() and value[0] == "1" \
            and value[1] in "3456789":
        return value  # the common case, a plain mobile number: what the general path returns for it
    return _check_phone_general(value)


def _check_phone_general(value):
    digits = re.sub(r"[\s\-()（）]", "", str(value or ""))
    if digits.startswith("+86"):
        digits = digits[3:]
    if MOBILE_RE.match(digits) or LANDLINE_RE.match(digits):
        return digits
    raise IdentityError("电话号码格式不正确（11位手机号或带区号的固定电话）")


class KeyedHasher:
    """`pii.keyed_hash` for already normalised values (upper case, no whitespace), several times
    faster: HMAC-SHA256 with the inner and outer key pads hashed once and copied per value
    (RFC 2104; equal to `hmac.new(key, value, sha256)`, checked in the tests). Build one per
    import — it reads `settings.PII_HASH_KEY` when created."""

    def __init__(self, key=None):
        from django.conf import settings

        key = (settings.PII_HASH_KEY if key is None else key).encode()
        if len(key) > 64:  # the SHA-256 block size
            key = hashlib.sha256(key).digest()
        key = key.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def __call__(self, value):
        if not value:
            return ""
        inner = self._inner.copy()
        inner.update(value.encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


def mask_id(number):
    """`pii.mask_id_number` of a normalised number (the 18-character case without re-normalising)."""
    return number[0] + "****************" + number[17] if len(number) == 18 else pii.mask_id_number(number)


def mask_phone(number):
    """`pii.mask_phone` of a normalised number (the 11-digit case without re-normalising)."""
    return number[:3] + "****" + number[7:] if len(number) == 11 else pii.mask_phone(number)


ID_COLUMN = "registry.person.id_number_enc"  # associated data of the encrypted columns (core/crypto.py)
PHONE_COLUMN = "registry.person.phone_enc"


def id_columns(number):
    """The Person columns derived from a normalised ID number."""
    if not number:
        return {"id_hash": "", "id_masked": "", "id_last6": "", "id_number_enc": ""}
    return {
        "id_hash": pii.keyed_hash(number),
        "id_masked": mask_id(number),
        "id_last6": number[-6:],
        "id_number_enc": crypto.encrypt(number, ID_COLUMN),
    }


def phone_columns(number):
    """The Person columns derived from a normalised phone number."""
    if not number:
        return {"phone_hash": "", "phone_masked": "", "phone_last4": "", "phone_enc": ""}
    return {
        "phone_hash": pii.keyed_hash(number),
        "phone_masked": pii.mask_phone(number),
        "phone_last4": number[-4:],
        "phone_enc": crypto.encrypt(number, PHONE_COLUMN),
    }


# --- pinyin ---------------------------------------------------------------------------------

# Surnames whose surname reading differs from the character's common reading.
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "仇": "qiu", "解": "xie", "区": "ou", "查": "zha", "朴": "piao", "盖": "ge",
    "覃": "qin", "乐": "yue", "缪": "miao", "翟": "zhai", "种": "chong", "尉": "yu", "员": "yun", "长": "chang",
    "重": "chong", "繁": "po", "黑": "he", "华": "hua", "任": "ren", "纪": "ji", "过": "guo", "秘": "bi",
    "万": "wan", "折": "she", "便": "pian", "薄": "bo", "都": "du", "沈": "shen", "石": "shi", "隗": "wei",
}


_CHAR_PINYIN = {}  # character -> lowercase reading ("" for characters without one)


def _char_pinyin(char):
    """The lowercase reading of one character outside a surname (what `pinyin_keys` uses for
    every character but a name's first)."""
    reading = _CHAR_PINYIN.get(char)
    if reading is None:
        from pypinyin import lazy_pinyin

        reading = lazy_pinyin(char)[0]
        reading = reading.lower() if reading != char else (char.lower() if char.isascii() and char.isalnum() else "")
        if len(_CHAR_PINYIN) < 100_000:
            _CHAR_PINYIN[char] = reading
    return reading


def pinyin_keys_uncached(name):
    """(full pinyin without spaces, initials) of a name, both lowercase: 张三 → ("zhangsan", "zs").
    Callers with many names (imports) keep their own memo; others use `pinyin_keys`."""
    name = "".join(str(name or "").split())
    if not name:
        return "", ""
    table = _CHAR_PINYIN
    first = SURNAME_READINGS.get(name[0]) or table.get(name[0]) or _char_pinyin(name[0])
    syllables = [first] if first else []
    for char in name[1:]:
        reading = table.get(char)
        if reading is None:
            reading = _char_pinyin(char)
        if reading:
            syllables.append(reading)
    full = "".join(syllables)
    initials = "".join([s[0] for s in syllables if not s.isdigit()])
    return full[:200], initials[:50]


pinyin_keys = lru_cache(maxsize=200_000)(pinyin_keys_uncached)
char_pinyin = _char_pinyin


# --- generators (demo data, tests, benchmarks) ---------------------------------------------

def make_resident_id(region, birth, serial):
    """A valid 18-digit 居民身份证 number: 6-digit region + YYYYMMDD + 3-digit serial (odd for
    men) + check digit."""
    body = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{serial % 1000:03d}"
    return body + _CHECK_DIGITS[(1 - 2 * int(body, 13)) % 11]  # = ric.calc_check_digit (see check_resident_id)


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_credit_code(region, serial, kind="91"):
    """A valid 统一社会信用代码: 2-char registration kind (91 = enterprise), 6-digit region,
    9-char organisation code (digits from `serial`), check character."""
    org = f"{serial % 10**9:09d}"
    body = f"{kind}{region}{org}"
    return body + uscc.calc_check_digit(body + "0")
