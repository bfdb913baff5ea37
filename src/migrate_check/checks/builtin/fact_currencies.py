"""Currencies as answers write them: symbols, ISO codes and words, each to its ISO code.

"$", "US$", "USD", "dollars" and "US dollars" are all `USD`; "p" and "pence" are
hundredths of `GBP`. Used by `fact_canonical_forms` for amounts written with digits and
by `fact_number_words` for amounts written in words ("forty dollars").
"""

from __future__ import annotations

from decimal import Decimal

SYMBOLS = {
    "$": "USD",
    "us$": "USD",
    "c$": "CAD",
    "ca$": "CAD",
    "a$": "AUD",
    "au$": "AUD",
    "nz$": "NZD",
    "hk$": "HKD",
    "s$": "SGD",
    "mx$": "MXN",
    "r$": "BRL",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "rs": "INR",
    "rs.": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "₪": "ILS",
    "₫": "VND",
    "₱": "PHP",
    "₦": "NGN",
    "fr.": "CHF",
    "zł": "PLN",
    "dollar": "USD",
    "dollars": "USD",
    "bucks": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "yen": "JPY",
    "rupee": "INR",
    "rupees": "INR",
    "pound": "GBP",
    "pounds": "GBP",
    "sterling": "GBP",
    "franc": "CHF",
    "francs": "CHF",
    "yuan": "CNY",
    "renminbi": "CNY",
    "peso": "MXN",
    "pesos": "MXN",
    "real": "BRL",
    "reais": "BRL",
    "zloty": "PLN",
    "złoty": "PLN",
    "dirham": "AED",
    "dirhams": "AED",
    "riyal": "SAR",
    "riyals": "SAR",
    "krona": "SEK",
    "kronor": "SEK",
    "krone": "NOK",
    "kroner": "NOK",
}
#: Words that name whose dollar (or pound) an amount is in.
QUALIFIED = {
    "us": "USD",
    "u.s.": "USD",
    "american": "USD",
    "canadian": "CAD",
    "australian": "AUD",
    "singapore": "SGD",
    "hong kong": "HKD",
    "new zealand": "NZD",
    "british": "GBP",
    "swiss": "CHF",
    "mexican": "MXN",
}
CENTS = ("cent", "cents", "¢")
#: The code of "cents": hundredths of whichever currency the answer uses, so "18 cents"
#: matches "€0.18" as well as "$0.18".
UNKNOWN = "¤"
PENCE = ("penny", "pence", "p")
#: ISO 4217 codes of currencies in common use, read before or after a number.
CODES = frozenset(
    [
        "USD",
        "EUR",
        "GBP",
        "JPY",
        "CAD",
        "AUD",
        "CHF",
        "CNY",
        "INR",
        "NZD",
        "HKD",
        "SGD",
        "SEK",
        "NOK",
        "DKK",
        "MXN",
        "BRL",
        "ZAR",
        "KRW",
        "RUB",
        "TRY",
        "ILS",
        "PLN",
        "CZK",
        "HUF",
        "RON",
        "BGN",
        "AED",
        "SAR",
        "QAR",
        "KWD",
        "BHD",
        "OMR",
        "EGP",
        "NGN",
        "KES",
        "GHS",
        "MAD",
        "TND",
        "THB",
        "VND",
        "PHP",
        "IDR",
        "MYR",
        "PKR",
        "BDT",
        "LKR",
        "TWD",
        "ARS",
        "CLP",
        "COP",
        "PEN",
        "UAH",
        "ISK",
    ]
)


def currency_of_word(word: str) -> tuple[str, Decimal] | None:
    """(code, scale) of a currency word after a number written in words ("forty dollars")."""
    word = word.casefold()
    if word in CENTS:
        return UNKNOWN, Decimal("0.01")
    if word in PENCE:
        return "GBP", Decimal("0.01")
    if word in SYMBOLS and word.isalpha() and word not in ("real", "pound", "franc"):
        return SYMBOLS[word], Decimal(1)
    if word.upper() in CODES and word.isupper():
        return word.upper(), Decimal(1)
    return None
