"""How people, companies and mailboxes are written: reference data, normalisation, and how two
words of a name relate."""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import OSA

# Nickname -> the full names it is short for, most common first. Only true short forms are
# listed: "jon" is short for Jonathan, while "john" is a name of its own ("johnny" -> john).
NICKNAMES: dict[str, tuple[str, ...]] = {
    "abby": ("abigail",),
    "al": ("albert", "alan", "alfred", "alexander"),
    "alex": ("alexander", "alexandra", "alexis"),
    "allie": ("alison", "alice"),
    "andy": ("andrew",),
    "drew": ("andrew",),
    "annie": ("ann", "anna"),
    "tony": ("anthony",),
    "barb": ("barbara",),
    "babs": ("barbara",),
    "ben": ("benjamin",),
    "benny": ("benjamin",),
    "bernie": ("bernard",),
    "bert": ("albert", "herbert", "robert"),
    "beth": ("elizabeth",),
    "betsy": ("elizabeth",),
    "betty": ("elizabeth",),
    "liz": ("elizabeth",),
    "lizzie": ("elizabeth",),
    "eliza": ("elizabeth",),
    "bill": ("william",),
    "billy": ("william",),
    "will": ("william",),
    "willy": ("william",),
    "bob": ("robert",),
    "bobby": ("robert",),
    "rob": ("robert",),
    "robbie": ("robert",),
    "brad": ("bradley",),
    "cathy": ("catherine", "cathleen"),
    "cath": ("catherine",),
    "kate": ("katherine", "catherine"),
    "katie": ("katherine", "catherine"),
    "kathy": ("katherine", "kathleen"),
    "kat": ("katherine",),
    "kitty": ("katherine",),
    "charlie": ("charles", "charlotte"),
    "chuck": ("charles",),
    "chas": ("charles",),
    "chris": ("christopher", "christine", "christina"),
    "topher": ("christopher",),
    "chrissy": ("christine", "christina"),
    "dan": ("daniel",),
    "danny": ("daniel",),
    "dave": ("david",),
    "davy": ("david",),
    "deb": ("deborah",),
    "debbie": ("deborah",),
    "dick": ("richard",),
    "rick": ("richard", "frederick"),
    "ricky": ("richard",),
    "rich": ("richard",),
    "don": ("donald",),
    "donny": ("donald",),
    "doug": ("douglas",),
    "ed": ("edward", "edwin"),
    "eddie": ("edward",),
    "ted": ("edward", "theodore"),
    "teddy": ("edward", "theodore"),
    "fred": ("frederick",),
    "freddie": ("frederick",),
    "frank": ("francis", "franklin"),
    "gabe": ("gabriel",),
    "gabby": ("gabrielle",),
    "gene": ("eugene",),
    "greg": ("gregory",),
    "hank": ("henry",),
    "harry": ("henry", "harold"),
    "johnny": ("john",),
    "jake": ("jacob",),
    "jamie": ("james",),
    "jim": ("james",),
    "jimmy": ("james",),
    "jen": ("jennifer",),
    "jenny": ("jennifer",),
    "jess": ("jessica",),
    "jessie": ("jessica",),
    "jeff": ("jeffrey",),
    "jerry": ("gerald", "jerome"),
    "joe": ("joseph",),
    "joey": ("joseph",),
    "jon": ("jonathan",),
    "jonny": ("jonathan",),
    "josh": ("joshua",),
    "judy": ("judith",),
    "kim": ("kimberly",),
    "larry": ("lawrence",),
    "len": ("leonard",),
    "lenny": ("leonard",),
    "leo": ("leonard",),
    "lou": ("louis", "louise"),
    "maggie": ("margaret",),
    "meg": ("margaret",),
    "peggy": ("margaret",),
    "marge": ("margaret",),
    "matt": ("matthew",),
    "matty": ("matthew",),
    "max": ("maximilian", "maxwell"),
    "mike": ("michael",),
    "mikey": ("michael",),
    "mick": ("michael",),
    "mandy": ("amanda",),
    "manny": ("manuel",),
    "mel": ("melissa", "melanie"),
    "nate": ("nathan", "nathaniel"),
    "nat": ("natalie", "nathaniel"),
    "nick": ("nicholas",),
    "nicky": ("nicholas", "nicole"),
    "pam": ("pamela",),
    "pat": ("patrick", "patricia"),
    "patty": ("patricia",),
    "trish": ("patricia",),
    "pete": ("peter",),
    "phil": ("philip",),
    "ray": ("raymond",),
    "ron": ("ronald",),
    "ronnie": ("ronald",),
    "russ": ("russell",),
    "sam": ("samuel", "samantha"),
    "sammy": ("samuel",),
    "sandy": ("sandra", "alexandra"),
    "steve": ("steven", "stephen"),
    "stevie": ("steven",),
    "sue": ("susan", "suzanne"),
    "susie": ("susan",),
    "stan": ("stanley",),
    "terry": ("terence",),
    "tim": ("timothy",),
    "timmy": ("timothy",),
    "tom": ("thomas",),
    "tommy": ("thomas",),
    "val": ("valerie",),
    "vic": ("victor", "victoria"),
    "vicky": ("victoria",),
    "walt": ("walter",),
    "wally": ("walter",),
    "zach": ("zachary",),
    "zack": ("zachary",),
    # Common non-English short forms.
    "pepe": ("jose",),
    "paco": ("francisco",),
    "pancho": ("francisco",),
    "lupe": ("guadalupe",),
    "sasha": ("alexander", "alexandra"),
    "misha": ("mikhail",),
    "dima": ("dmitry",),
    "kolya": ("nikolai",),
    "hans": ("johannes",),
    "sepp": ("josef",),
    "fritz": ("friedrich",),
    # Spelling variants of one name, so "Stephen" meets "Steven" as "Jon" meets "Jonathan".
    "stephen": ("steven",),
    "catherine": ("katherine",),
    "kathryn": ("katherine",),
    "geoffrey": ("jeffrey",),
    "phillip": ("philip",),
    "jeffery": ("jeffrey",),
    "mohammed": ("muhammad",),
    "mohamed": ("muhammad",),
    "muhammed": ("muhammad",),
}

# Titles and generational suffixes: not part of who someone is for matching.
HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "sir",
        "dame",
        "jr",
        "sr",
        "ii",
        "iii",
        "iv",
        "phd",
        "md",
        "esq",
        "mba",
    ]
)

# Legal forms and filler words stripped from the end of a company name ("Acme Holdings Inc").
# Written after dots are removed, so "S.A." is "sa" and "Co." is "co".
COMPANY_SUFFIXES = frozenset(
    [
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "corp",
        "corporation",
        "co",
        "company",
        "companies",
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "ohg",
        "ug",
        "se",
        "sa",
        "sas",
        "sarl",
        "sasu",
        "srl",
        "spa",
        "sl",
        "slu",
        "bv",
        "nv",
        "vof",
        "oy",
        "oyj",
        "ab",
        "as",
        "asa",
        "aps",
        "kk",
        "pty",
        "pte",
        "pvt",
        "bhd",
        "sdn",
        "tbk",
        "group",
        "grp",
        "holding",
        "holdings",
        "intl",
        "international",
        "worldwide",
        "global",
        "and",
        "hq",
    ]
)


# Words of an organisation's name that say what kind it is, or what kind of street it is on,
# rather than which one: "Walker Consulting Services" and "Walker Consulting" are one firm,
# "Levine Street Eastwood" and "David Street Heywood" two places. Matching compares the other
# words (domain.matching.compare); words that tell businesses apart ("bank", "health") stay out.
GENERIC_ORG_WORDS = frozenset(
    (
        "the",
        "and",
        "for",
        "company",
        "companies",
        "corporation",
        "services",
        "service",
        "solutions",
        "systems",
        "technologies",
        "technology",
        "consulting",
        "consultants",
        "partners",
        "associates",
        "industries",
        "enterprises",
        "group",
        "holdings",
        "international",
        "global",
        "worldwide",
        "management",
        "street",
        "road",
        "avenue",
        "place",
        "crescent",
        "close",
        "drive",
        "court",
        "circuit",
        "lane",
        "way",
        "parade",
        "terrace",
        "highway",
        "boulevard",
        "grove",
        "square",
        "parkway",
        "park",
        "bay",
        "point",
        "hill",
        "hills",
        "heights",
        "beach",
        "creek",
        "vale",
        "valley",
        "mount",
        "lake",
        "lakes",
        "river",
        "springs",
        "north",
        "south",
        "east",
        "west",
        "upper",
        "lower",
    )
)

# --- normalisation -----------------------------------------------------------------------

_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
# Marks inside a word: apostrophes, and the middle dot of Catalan "l·l" (which "Ŀ" folds to).
_DROPPED = re.compile(r"['’`´·]")
_SEPARATORS = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Case and accents folded: "José", "JOSE" and "jose" are one word; "Søren" is "soren"."""
    text = text.casefold()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def words(text: str, *, join_dots: bool) -> list[str]:
    text = _DROPPED.sub("", fold(text))  # O'Neil -> oneil
    if join_dots:  # "S.A." is one word in a company name; "J.Smith" is two in a person's
        text = text.replace(".", "")
    return [word for word in _SEPARATORS.split(text) if word]


def person_words(name: str) -> list[str]:
    found = words(name, join_dots=False)
    kept = [word for word in found if word not in HONORIFICS]
    return kept or found


def name_forms(word: str) -> frozenset[str]:
    """The word and the full names it may stand for, following a variant one step further
    ("cathy" -> catherine -> katherine)."""
    forms = {word, *NICKNAMES.get(word, ())}
    for form in tuple(forms):
        forms.update(NICKNAMES.get(form, ()))
    return frozenset(forms)


def canonical_name(word: str) -> str:
    while word in NICKNAMES:
        word = NICKNAMES[word][0]
    return word


def normalise_person(name: str) -> str:
    """Accents, case and punctuation folded, titles dropped, nicknames written out in full:
    "Dr. Jon O'Neil" -> "jonathan oneil". Word order is kept."""
    return " ".join(canonical_name(word) for word in person_words(name))


def normalise_company(name: str) -> str:
    """The company's core name: "ACME Corp.", "Acme Corporation" and "Acme, Inc." -> "acme"."""
    found = words(name.replace("&", " "), join_dots=True)
    if len(found) > 1 and found[0] == "the":
        found.pop(0)
    while len(found) > 1 and found[-1] in COMPANY_SUFFIXES:
        found.pop()
    return " ".join(found)


_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556")


@lru_cache(maxsize=1 << 15)  # the comparison of two names asks of the same words again and again
def soundex(word: str) -> str:
    """American Soundex: the first letter and three consonant-class digits ("smithers" -> s536).
    Vowel slips and doubled letters leave it unchanged, so it makes a forgiving index key."""
    codes = word.translate(_SOUNDEX)
    out, last = [], codes[0]
    for letter, code in zip(word[1:], codes[1:], strict=True):
        if code.isdigit() and code != last:
            out.append(code)
        if letter not in "hw":  # h and w do not separate two letters of one class
            last = code
    return (word[0] + "".join(out) + "000")[:4]


# --- mail domains ------------------------------------------------------------------------

# Mailbox providers: their domain says nothing about the company. Providers with many
# country domains are also matched by their first label (see FREE_MAIL_PROVIDERS).
FREE_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.fr",
        "yahoo.de",
        "yahoo.es",
        "yahoo.it",
        "yahoo.ca",
        "yahoo.com.au",
        "yahoo.co.in",
        "yahoo.co.jp",
        "yahoo.com.br",
        "yahoo.com.mx",
        "ymail.com",
        "rocketmail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.fr",
        "hotmail.de",
        "hotmail.it",
        "hotmail.es",
        "outlook.com",
        "outlook.fr",
        "outlook.de",
        "outlook.es",
        "live.com",
        "live.co.uk",
        "live.fr",
        "live.de",
        "live.nl",
        "msn.com",
        "passport.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "aim.com",
        "gmx.com",
        "gmx.net",
        "gmx.de",
        "gmx.at",
        "gmx.ch",
        "web.de",
        "t-online.de",
        "freenet.de",
        "posteo.de",
        "mailbox.org",
        "proton.me",
        "protonmail.com",
        "protonmail.ch",
        "pm.me",
        "tutanota.com",
        "tuta.io",
        "yandex.com",
        "yandex.ru",
        "ya.ru",
        "mail.ru",
        "bk.ru",
        "inbox.ru",
        "list.ru",
        "rambler.ru",
        "qq.com",
        "163.com",
        "126.com",
        "yeah.net",
        "sina.com",
        "sohu.com",
        "foxmail.com",
        "aliyun.com",
        "naver.com",
        "daum.net",
        "hanmail.net",
        "orange.fr",
        "wanadoo.fr",
        "free.fr",
        "laposte.net",
        "sfr.fr",
        "libero.it",
        "virgilio.it",
        "tiscali.it",
        "seznam.cz",
        "wp.pl",
        "o2.pl",
        "onet.pl",
        "interia.pl",
        "zoho.com",
        "zohomail.com",
        "fastmail.com",
        "fastmail.fm",
        "hey.com",
        "mail.com",
        "email.com",
        "usa.com",
        "hushmail.com",
        "btinternet.com",
        "sky.com",
        "virginmedia.com",
        "comcast.net",
        "verizon.net",
        "att.net",
        "sbcglobal.net",
        "bellsouth.net",
        "cox.net",
        "charter.net",
        "shaw.ca",
        "rogers.com",
        "sympatico.ca",
        "bigpond.com",
        "optusnet.com.au",
        "rediffmail.com",
        "uol.com.br",
        "bol.com.br",
        "terra.com.br",
        "telenet.be",
        "skynet.be",
        "ziggo.nl",
        "kpnmail.nl",
        "bluewin.ch",
    ]
)
FREE_MAIL_PROVIDERS = frozenset(["gmail", "yahoo", "hotmail", "outlook", "live", "gmx", "yandex", "ymail"])

# Second-level labels under which companies register (acme.co.uk): the company is the label before.
PUBLIC_SECOND_LEVELS = frozenset(["co", "com", "net", "org", "ac", "gov", "edu", "ltd", "plc", "ne", "or"])

# Role mailboxes: the same "info@" at two companies says nothing about a person.
ROLE_MAILBOXES = frozenset(
    [
        "info",
        "sales",
        "contact",
        "hello",
        "hi",
        "admin",
        "office",
        "team",
        "support",
        "help",
        "enquiries",
        "inquiries",
        "mail",
        "marketing",
        "billing",
        "accounts",
        "hr",
        "jobs",
        "careers",
        "press",
        "noreply",
        "webmaster",
        "postmaster",
    ]
)
_MAILBOX_NOISE = re.compile(r"[._-]")


def is_free_mail(domain: str) -> bool:
    domain = domain.lower().strip(".")
    return domain in FREE_MAIL_DOMAINS or _registered_label(domain) in FREE_MAIL_PROVIDERS


def _registered_label(domain: str) -> str:
    """The name a domain was registered under: "mail.acme.co.uk" -> "acme"."""
    labels = domain.split(".")
    if len(labels) >= 3 and labels[-2] in PUBLIC_SECOND_LEVELS and len(labels[-1]) == 2:
        labels = labels[:-1]
    return labels[-2].replace("-", "") if len(labels) >= 2 else ""


def split_email(email: str | None) -> tuple[str, str]:
    """(mailbox, domain): "Jon.Smithers+crm@Acme.com" -> ("jonsmithers", "acme.com"); role
    mailboxes such as info@ give no mailbox."""
    local, at, domain = (email or "").strip().lower().rpartition("@")
    if not at:
        return "", ""
    local = _MAILBOX_NOISE.sub("", local.split("+", 1)[0])
    return ("" if local in ROLE_MAILBOXES else local), domain.strip(".")


def domain_orgs(domain: str) -> frozenset[str]:
    """What a company domain names: "acme.co.uk" -> {acme}; "acmecorp.com" -> {acmecorp, acme}."""
    label = _registered_label(domain)
    if not label:
        return frozenset()
    bare = {label[: -len(end)] for end in COMPANY_SUFFIXES if len(end) >= 3 and label.endswith(end)}
    return frozenset({label, *(name for name in bare if len(name) >= 4)})


# --- pairing two words -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Word:
    """A word of a person's name as matching sees it."""

    text: str  # folded, as typed
    forms: frozenset[str]  # text plus the full names it may stand for
    initial: bool


class Pair(NamedTuple):
    kind: str  # "same", "variant", "initial" or "typo"
    similarity: float
    weight: int
    anchored: bool  # the two words start alike


def typo_allowance(length: int) -> int:
    # A slip in a 4-letter name mostly makes another name (Mary / Gary, Joan / John).
    return 0 if length <= 4 else 1 if length <= 8 else 2


def pair_words(a: Word, b: Word) -> Pair | None:
    weight = max(len(a.text), len(b.text))
    if a.initial or b.initial:
        short, full = (a, b) if a.initial else (b, a)
        hit = any(form[0] == short.text for form in full.forms)
        return Pair("initial", 80.0, weight, True) if hit else None
    if a.text == b.text:
        return Pair("same", 100.0, weight, True)
    if not a.forms.isdisjoint(b.forms):
        return Pair("variant", 96.0, weight, True)  # ranks the spelled-out match above it
    allowed = typo_allowance(weight)
    if weight - min(len(a.text), len(b.text)) > allowed:
        return None
    if not allowed:  # but two letters swapped in a short name ("Jhon") is still a slip
        if len(a.text) != len(b.text) or sorted(a.text) != sorted(b.text):
            return None
        allowed = 1
    edits = OSA.distance(a.text, b.text, score_cutoff=allowed)
    if edits > allowed:
        return None
    return Pair("typo", 100.0 * (1 - edits / weight), weight, a.text[0] == b.text[0])
