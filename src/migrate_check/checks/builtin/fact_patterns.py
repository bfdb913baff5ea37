"""The patterns values are found by: links, e-mail addresses and one alternation of dates,
times, amounts, percentages, quantities, phone numbers, numbers and weekdays.

Model answers are hostile input: every pattern runs in linear time (no quantified group
holds another quantifier; each alternative can only start where its run of characters
starts), which `tests/checks/test_check_facts.py` checks.
"""

from __future__ import annotations

import re

from migrate_check.checks.builtin import fact_canonical_forms
from migrate_check.checks.builtin.fact_canonical_forms import CODES
from migrate_check.checks.builtin.fact_units import UNIT_PATTERN

# --- the patterns ----------------------------------------------------------------------
# Links first, each by its own pattern and only when the text can hold one; their spans are
# blanked so nothing inside them counts. Then one alternation, tried left to right at each
# position, so a date or an amount is taken whole before its digits could be read as
# numbers. Every alternative that starts with a run of characters has a lookbehind that
# rejects starting inside that run: a search then scans each run once, not once per
# position (which would be quadratic). A leading lookahead lets through only positions
# where some alternative can start, which makes the scan several times faster.

# Led by a character class, so the search skips in C to the letters that can start one.
URL = re.compile(r"[hHwW](?<![\w@./-].)(?:(?<=[hH])(?i:ttps?://)|(?<=[wW])(?i:ww\.))[^\s<>\"'`]++")
#: The endings a link written without "https://" or "www." is told by ("book.hive.com/x",
#: "parkingappeals.example.gov"): common generic and country domains, not those a file
#: name or a word ends with (".js", ".md", ".py", ".in", ".it", ".no").
BARE_TLDS = (
    "com org net gov edu int mil io co uk us ca au nz ie eu de fr nl es ch se dk fi be pl jp sg"
    " hk za mx br app dev ai info biz tv shop store online site tech"
)
#: A gate, searched once: only a text holding such an ending is scanned for bare links.
BARE_TLD = re.compile(r"\.(?i:" + "|".join(BARE_TLDS.split()) + r")(?![\w-])")
#: A bare link: from the start of a run of name characters, up to a known ending, and a path.
BARE_URL = re.compile(
    r"(?<![\w@./:-])[A-Za-z0-9][\w.-]*\.(?i:"
    + "|".join(BARE_TLDS.split())
    + r")(?![\w-])(?!\.?[\w-]*@)(?:/[^\s<>\"'`]*+)?"
)
EMAIL = re.compile(r"(?<![\w.%+-])\w[\w.%+-]*+@[\w.-]++")

#: Digits, with the thousands, decimals and a vulgar fraction they are written with ("3½").
NUM = r"\d[\d,.]*+[½¼¾]?+"
AT_RUN_START = r"(?<![\w.,])"
SIGNED = r"(?:(?<![\w.,)\]])[-−](?=\d)|" + AT_RUN_START + ")"
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)(?![A-Za-z])\.?"
)
SHORT_MONTH = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
ORDINAL = r"(?i:st|nd|rd|th)?"
ZONE = r"(?:\s?(?:" + fact_canonical_forms.ZONES + r")(?!\w))?"
CODE_ALTERNATION = "|".join(sorted(CODES))
MULTIPLIER = r"(?:\s?(?i:thousand|million|billion|trillion)(?!\w)|(?:k|K|m|M|mn|bn|B)(?!\w))?"
CURRENCY_AFTER = (
    r"(?:(?:"
    + CODE_ALTERNATION
    + r")(?!\w)|(?i:(?:(?:US|U\.S\.|American|Canadian|Australian|Singapore"
    r"|Hong\sKong|New\sZealand|Mexican|British|Swiss)\s)?(?:dollars?|pounds?(?:\ssterling)?"
    r"|francs?|pesos?))(?!\w)|(?i:bucks|euros?|cents?|pence|yen|rupees?|yuan|reais"
    r"|zloty|złoty|dirhams?|riyals?|kronor|kroner|krona|krone)(?!\w)|[€£¥₹$¢₩₽₺₪₫₱₦]"
    r"|(?<=\d)p(?![\w£$€]))"
)
SYMBOL = r"(?:(?:US|CA|AU|NZ|HK|MX|C|A|S|R)?\$|[€£¥₹₩₽₺₪₫₱₦]|Rs\.?)"
#: A word between a quantity's number and its unit ("3 more days", "2 full weeks").
EXTRA_WORD = (
    r"(?:(?i:more|extra|additional|further|full|whole|entire|free|complimentary|clear"
    r"|consecutive|straight"
    r"|or\smore|or\slonger|or\sfewer|or\sless)\s)?"
)
#: Right after a preposition of time: where a month's short name is a month ("waived in
#: Jan", "until Sept."), and not a name ("Jan Novak"). One fixed-width lookbehind each.
AFTER_PREPOSITION = (
    "(?:"
    + "|".join(
        rf"(?<=\b(?i:{word})\s)"
        for word in ("in", "by", "from", "until", "till", "since", "of", "before", "after")
        + ("through", "early", "late")
    )
    + ")"
)
WEEKDAY = r"(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
#: Where a fact can start: a digit, sign or symbol, or a word that may begin a weekday,
#: a month, a currency code or prefix ("US$"), "today" or "noon".
CAN_START = (
    r"(?=(?<![\w.,])[\d$€£¥₹₩₽₺₪₫₱₦+(\-−]|(?<!\w)(?:Ja|Fe|Ma|Ap|Ju|Au|Se|Oc|No|De|[A-Z][A-Z$]"
    r"|Rs|\$|[x×]\d|(?i:mon|tue|wed|thu|fri|sat|sun|to[dnm]|yes|noo|mid|bet)))"
)

FACT = re.compile(
    CAN_START
    + "(?:"
    + "|".join(
        [
            r"(?P<iso>(?<![\w.,/-])\d{4}[-/.]\d\d?[-/.]\d\d?(?!\d)"
            r"(?:T\d\d:\d\d(?::\d\d)?(?!\d))?)",
            # one of a range of two ("01/04/2025-31/03/2026"), each end a date
            r"(?P<numdate>(?:(?<![\w.,/-])|(?<=\d{4}[-–]))\d\d?[-/.]\d\d?[-/.]\d{4}"
            r"(?![\d/.]\d)(?![-–](?!\d\d?[-/.]\d\d?[-/.]\d{4}(?!\d))\d))",
            r"(?P<usdate>(?<![\w.,/-])\d\d?/\d\d?/\d\d(?![\d/]))",
            r"(?P<frac>(?<![\w.,/-])\d{1,3}/\d{1,3}(?![\d/]|[.,]\d))",
            r"(?P<mdate>(?<!\w)"
            + MONTH
            + r"\s{1,3}(?:\d{4}(?!\d)|\d\d?"
            + ORDINAL
            + r"(?!\d)(?:,?\s{1,3}(?:\d{4}|['’]\d\d)(?!\d))?))",
            r"(?P<ddate>"
            + AT_RUN_START
            + r"\d\d?"
            + ORDINAL
            + r"\s{1,3}(?:of\s{1,3})?"
            + MONTH
            + r"(?:,?\s{1,3}(?:\d{4}|['’]\d\d)(?!\d))?)",
            r"(?P<month>(?<!\w)(?:January|February|March|April|June|July|August|September"
            r"|October|November|December)(?!\w)|"
            + AFTER_PREPOSITION
            + r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?(?!\w)"
            # either end of a range of months ("May-Sept", "May to September")
            + r"|(?<!\w)(?:May|"
            + SHORT_MONTH
            + r")\.?(?=(?:\s?[-–]\s?|\s(?:to|through|till|until|and)\s)"
            + MONTH
            + r")|(?<=[A-Za-z.][-–])(?:May|"
            + SHORT_MONTH
            + r")\.?(?!\w))",
            r"(?P<relday>(?<!\w)(?i:today|tonight|tomorrow|yesterday)(?!\w))",
            r"(?P<t12>(?<![\w.:,])\d\d?(?:[:.]\d\d)?(?::\d\d)?\s?[aApP]\.?[mM]\b\.?" + ZONE + ")",
            r"(?P<oclock>(?<![\w.:,])\d\d?\s?(?i:o['’]clock)" + ZONE + ")",
            r"(?P<t24>(?<![\w.:,])\d\d?:\d\d(?::\d\d)?(?!\d)" + ZONE + ")",
            r"(?P<noon>(?<![\w.:,])(?:12\s?)?(?i:noon|midday|midnight)(?!\w))",
            r"(?P<amtsym>(?:(?<![\w.,)\]])[-−])?(?<!\w)"
            + SYMBOL
            + r"\s?[-−]?"
            + NUM
            + MULTIPLIER
            + ")",
            r"(?P<amtcode>(?:(?<![\w.,)\]])[-−])?(?<!\w)(?:"
            + CODE_ALTERNATION
            + r")\s?[-−]?"
            + NUM
            + MULTIPLIER
            + ")",
            r"(?P<amtafter>" + AT_RUN_START + NUM + MULTIPLIER + r"\s{0,2}" + CURRENCY_AFTER + ")",
            r"(?P<pct>" + SIGNED + NUM + r"\s?(?:%|(?i:percent|per\s?cent)(?!\w)))",
            # "14k gold" is a fineness in carats, not fourteen thousand
            r"(?P<nummult>" + AT_RUN_START + NUM + r"(?:k|K|bn)(?!\w)(?!\s(?i:gold|white|rose)))",
            # "22in": inches glued to their number ("in" alone is a word, not a unit)
            r"(?P<inches>" + AT_RUN_START + r"\d{1,4}(?:\.\d{1,2})?in(?![\w²]))",
            r"(?P<mult>" + AT_RUN_START + r"\d{1,3}\s?(?:[x×]|(?i:times))(?!\w)"
            r"|(?<=[a-z\d] )[x×]\d{1,3}(?![\w.]))",  # "1.5 kg x2": two of them
            r"(?P<ratio>"
            + AT_RUN_START
            + r"\d{1,4}\s(?:in|out\sof|of)\s(?:the\s)?\d{1,6}(?!\d|[.,]\d|\s?"
            + UNIT_PATTERN
            + "))",
            r"(?P<qtybetween>(?<!\w)(?i:between)\s{1,3}"
            + NUM
            + r"\s{1,3}(?i:and)\s{1,3}"
            + NUM
            + r"\s?"
            + UNIT_PATTERN
            + ")",
            r"(?P<qty>"
            + SIGNED
            + NUM
            + r"(?:\s?(?:[-–]|(?i:to))\s?"
            + NUM
            + r")?\+?(?:\s|-)?"
            + EXTRA_WORD
            + UNIT_PATTERN
            + ")",
            r"(?P<phone>(?<![\w.,+-])(?:\+\d[\d\s().-]{6,18}\d|\(\d{3}\)\s?\d{3}[-.\s]\d{4}"
            r"|(?:\d[-.\s])?\d{3}[-.]\d{3}[-.]\d{4}|\d{3}-\d{4})(?![\w-])"
            # a number after the phone number is no part of it ("+44 7700 900123 24 hours")
            r"(?!\s?(?i:h(?:ou)?rs?|days?|weeks?|min(?:ute)?s?)\b))",
            r"(?P<num>" + SIGNED + NUM + ")",
            r"(?P<wday>(?<!\w)"
            + WEEKDAY
            + r"(?i:s)?(?!\w)|(?<!\w)(?:Mon|Tues?|Weds?|Thu|Thurs?|Fri)\.?(?!\w)"
            r"|(?<!\w)(?:Sat|Sun)\.?(?=[,:]|(?<=\(...)\)|\s\d|\s[-–—:]|[-–—/]\s?(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun))"
            r"|(?<=[-–—/])(?:Sat|Sun)(?!\w))",
        ]
    )
    + ")"
)
