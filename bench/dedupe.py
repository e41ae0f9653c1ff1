"""Duplicate matching: precision, recall and per-check latency with blocking keys, beside brute force."""

# A synthetic population of distinct people, then queries: corrupted copies of existing
# people (the true duplicates) and new people, many of them hard negatives. Existing
# records are indexed by `blocking_keys` in a dict, as the store indexes them; a check is
# blocking_keys(query) -> union of postings -> likely_duplicate(query, candidates).
#
#   .venv/bin/python -m bench.dedupe [--sizes 10000,100000] [--queries 2000] [--seed 7]

from __future__ import annotations

import argparse
import gc
import itertools
import multiprocessing
import os
import platform
import random
import statistics
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import rapidfuzz
from rapidfuzz import fuzz, process

from domain.matching import dedupe
from domain.matching.dedupe import (
    MatchRecord,
    blocking_keys,
    candidates_per_key,
    likely_duplicate,
    normalise_company,
    normalise_person,
)

# --- name and company material -----------------------------------------------------------

FIRST_NAMES = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Christopher",
    "Karen",
    "Charles",
    "Lisa",
    "Daniel",
    "Nancy",
    "Matthew",
    "Betty",
    "Anthony",
    "Sandra",
    "Mark",
    "Margaret",
    "Donald",
    "Ashley",
    "Steven",
    "Kimberly",
    "Andrew",
    "Emily",
    "Paul",
    "Donna",
    "Joshua",
    "Michelle",
    "Kenneth",
    "Carol",
    "Kevin",
    "Amanda",
    "Brian",
    "Melissa",
    "George",
    "Deborah",
    "Timothy",
    "Stephanie",
    "Ronald",
    "Rebecca",
    "Jason",
    "Sharon",
    "Edward",
    "Laura",
    "Jeffrey",
    "Cynthia",
    "Ryan",
    "Dorothy",
    "Jacob",
    "Amy",
    "Gary",
    "Kathleen",
    "Nicholas",
    "Angela",
    "Eric",
    "Shirley",
    "Jonathan",
    "Emma",
    "Stephen",
    "Brenda",
    "Larry",
    "Pamela",
    "Justin",
    "Nicole",
    "Scott",
    "Anna",
    "Brandon",
    "Samantha",
    "Benjamin",
    "Katherine",
    "Samuel",
    "Christine",
    "Gregory",
    "Debra",
    "Alexander",
    "Rachel",
    "Patrick",
    "Carolyn",
    "Frank",
    "Janet",
    "Raymond",
    "Maria",
    "Jack",
    "Olivia",
    "Dennis",
    "Heather",
    "Jerry",
    "Helen",
    "Tyler",
    "Catherine",
    "Aaron",
    "Diane",
    "Jose",
    "Julie",
    "Adam",
    "Victoria",
    "Nathan",
    "Joyce",
    "Henry",
    "Lauren",
    "Zachary",
    "Kelly",
    "Douglas",
    "Christina",
    "Peter",
    "Ruth",
    "Kyle",
    "Joan",
    "Noah",
    "Virginia",
    "Ethan",
    "Judith",
    "Jeremy",
    "Evelyn",
    "Walter",
    "Hannah",
    "Christian",
    "Andrea",
    "Keith",
    "Megan",
    "Roger",
    "Cheryl",
    "Terry",
    "Jacqueline",
    "Austin",
    "Madison",
    "Sean",
    "Teresa",
    "Gerald",
    "Abigail",
    "Carl",
    "Sophia",
    "Harold",
    "Martha",
    "Dylan",
    "Sara",
    "Arthur",
    "Gloria",
    "Lawrence",
    "Janice",
    "Jordan",
    "Kathryn",
    "Jesse",
    "Ann",
    "Bryan",
    "Isabella",
    "Billy",
    "Judy",
    "Bruce",
    "Charlotte",
    "Gabriel",
    "Julia",
    "Joe",
    "Grace",
    "Logan",
    "Amber",
    "Alan",
    "Alice",
    "Juan",
    "Jean",
    "Albert",
    "Denise",
    "Willie",
    "Frances",
    "Elijah",
    "Danielle",
    "Wayne",
    "Marilyn",
    "Randy",
    "Natalie",
    "Vincent",
    "Diana",
    "José",
    "María",
    "Zoë",
    "Chloé",
    "Renée",
    "Søren",
    "Björn",
    "François",
    "Jürgen",
    "Łukasz",
    "Inês",
    "João",
    "Mélanie",
    "Andrés",
    "Raúl",
    "Noémie",
    "Hélène",
    "Ángel",
    "Jérôme",
    "Günther",
    "Åsa",
    "Mikaël",
    "Agnieszka",
    "Dagmar",
    "Ingrid",
    "Lars",
    "Pieter",
    "Sven",
    "Priya",
    "Arjun",
    "Wei",
    "Mei",
    "Hiroshi",
    "Yuki",
    "Fatima",
    "Omar",
    "Ahmed",
    "Aisha",
    "Olga",
    "Dmitry",
    "Ivan",
    "Tatiana",
    "Giulia",
    "Marco",
    "Luca",
    "Chiara",
    "Sofía",
    "Lucía",
    "Mateo",
    "Camila",
    "Valentina",
    "Santiago",
    "Kwame",
    "Amara",
    "Chidi",
    "Ngozi",
    "Ravi",
    "Ananya",
    "Mohammed",
    "Leila",
    "Youssef",
]

REAL_SURNAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Gomez",
    "Phillips",
    "Evans",
    "Turner",
    "Diaz",
    "Parker",
    "Cruz",
    "Edwards",
    "Collins",
    "Reyes",
    "Stewart",
    "Morris",
    "Morales",
    "Murphy",
    "Cook",
    "Rogers",
    "Gutierrez",
    "Ortiz",
    "Morgan",
    "Cooper",
    "Peterson",
    "Bailey",
    "Reed",
    "Kelly",
    "Howard",
    "Ramos",
    "Kim",
    "Cox",
    "Ward",
    "Richardson",
    "Watson",
    "Brooks",
    "Chavez",
    "Wood",
    "James",
    "Bennett",
    "Gray",
    "Mendoza",
    "Ruiz",
    "Hughes",
    "Price",
    "Alvarez",
    "Castillo",
    "Sanders",
    "Patel",
    "Myers",
    "Long",
    "Ross",
    "Foster",
    "Jimenez",
    "Powell",
    "Jenkins",
    "Perry",
    "Russell",
    "Sullivan",
    "Bell",
    "Coleman",
    "Butler",
    "Henderson",
    "Barnes",
    "Gonzales",
    "Fisher",
    "Vasquez",
    "Simmons",
    "Romero",
    "Jordan",
    "Patterson",
    "Alexander",
    "Hamilton",
    "Graham",
    "Reynolds",
    "Griffin",
    "Wallace",
    "Moreno",
    "West",
    "Cole",
    "Hayes",
    "Bryant",
    "Herrera",
    "Gibson",
    "Ellis",
    "Tran",
    "Medina",
    "Aguilar",
    "Stevens",
    "Murray",
    "Ford",
    "Castro",
    "Marshall",
    "Owens",
    "Harrison",
    "Fernandez",
    "McDonald",
    "Woods",
    "Washington",
    "Kennedy",
    "Wells",
    "Vargas",
    "Henry",
    "Chen",
    "Freeman",
    "Webb",
    "Tucker",
    "Guzman",
    "Burns",
    "Crawford",
    "Olson",
    "Simpson",
    "Porter",
    "Hunter",
    "Gordon",
    "Mendez",
    "Silva",
    "Shaw",
    "Snyder",
    "Mason",
    "Dixon",
    "Muñoz",
    "Hunt",
    "Hicks",
    "Holmes",
    "Palmer",
    "Wagner",
    "Black",
    "Robertson",
    "Boyd",
    "Rose",
    "Stone",
    "Salazar",
    "Fox",
    "Warren",
    "Mills",
    "Meyer",
    "Rice",
    "Schmidt",
    "Garza",
    "Daniels",
    "Ferguson",
    "Nichols",
    "Stephens",
    "Soto",
    "Weaver",
    "Ryan",
    "Gardner",
    "Payne",
    "Grant",
    "Müller",
    "Schneider",
    "Fischer",
    "Weber",
    "Becker",
    "Schäfer",
    "Koch",
    "Richter",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Köhler",
    "Núñez",
    "García",
    "Gómez",
    "Pérez",
    "Jiménez",
    "Martín",
    "Sánchez",
    "Fernández",
    "Dvořák",
    "Novák",
    "Svoboda",
    "Kowalski",
    "Wiśniewski",
    "Wójcik",
    "Łukasik",
    "Nowak",
    "Søndergaard",
    "Ødegaard",
    "Öztürk",
    "Çelik",
    "Dubois",
    "Lefèvre",
    "Moreau",
    "Girard",
    "Lambert",
    "Bonnet",
    "François",
    "Mercier",
    "Lefebvre",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Faure",
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "Costa",
    "Jansen",
    "Visser",
    "Bakker",
    "Dekker",
    "Janssen",
    "Mulder",
    "Bos",
    "Vos",
    "Peeters",
    "Maes",
    "Jacobs",
    "Claes",
    "Hansen",
    "Johansson",
    "Andersson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Lindqvist",
    "Virtanen",
    "Korhonen",
    "Mäkinen",
    "Nieminen",
    "Tanaka",
    "Suzuki",
    "Takahashi",
    "Watanabe",
    "Yamamoto",
    "Nakamura",
    "Wang",
    "Zhang",
    "Liu",
    "Yang",
    "Huang",
    "Zhao",
    "Wu",
    "Zhou",
    "Singh",
    "Kumar",
    "Sharma",
    "Gupta",
    "Shah",
    "Mehta",
    "Reddy",
    "Khan",
    "Ali",
    "Hassan",
    "Hussein",
    "Ivanov",
    "Smirnov",
    "Kuznetsov",
    "Popov",
    "Sokolov",
    "Okafor",
    "Mensah",
    "Smithers",
    "Scully",
    "Mulder",
    "Skinner",
    "Katz",
]

_ROOTS = [
    "Ash",
    "Black",
    "Brook",
    "Cald",
    "Fair",
    "Hart",
    "Holl",
    "Kings",
    "Lang",
    "Mor",
    "North",
    "Pem",
    "Ross",
    "Stan",
    "Thorn",
    "West",
    "Whit",
    "Wood",
    "Alder",
    "Bar",
    "Bram",
    "Brad",
    "Carr",
    "Cres",
    "Dal",
    "Dun",
    "Elm",
    "Fen",
    "Gar",
    "Glen",
    "Green",
    "Hal",
    "Hen",
    "Her",
    "Kirk",
    "Lind",
    "Marl",
    "Nor",
    "Oak",
    "Pen",
    "Red",
    "Rid",
    "Rush",
    "Sand",
    "Shel",
    "Stock",
    "Sut",
    "Tal",
    "Wes",
    "Wick",
    "Win",
    "Wor",
]
_ENDS = [
    "ford",
    "well",
    "ton",
    "ley",
    "wood",
    "field",
    "by",
    "worth",
    "more",
    "ridge",
    "combe",
    "hurst",
    "stead",
    "wick",
    "den",
    "bury",
    "man",
    "ing",
]
SURNAMES = list(dict.fromkeys(REAL_SURNAMES + [root + end for root in _ROOTS for end in _ENDS]))

NICKS = {
    "William": ["Bill", "Will", "Billy"],
    "Robert": ["Bob", "Rob", "Robbie"],
    "Elizabeth": ["Liz", "Beth"],
    "Katherine": ["Kate", "Katie", "Kathy"],
    "Catherine": ["Cathy", "Kate"],
    "Michael": ["Mike"],
    "David": ["Dave"],
    "James": ["Jim", "Jimmy", "Jamie"],
    "Daniel": ["Dan", "Danny"],
    "Thomas": ["Tom"],
    "Christopher": ["Chris"],
    "Alexander": ["Alex"],
    "Samuel": ["Sam"],
    "Samantha": ["Sam"],
    "Jonathan": ["Jon"],
    "John": ["Johnny"],
    "Joseph": ["Joe"],
    "Richard": ["Rick", "Dick", "Rich"],
    "Anthony": ["Tony"],
    "Andrew": ["Andy", "Drew"],
    "Matthew": ["Matt"],
    "Steven": ["Steve"],
    "Stephen": ["Steve"],
    "Nicholas": ["Nick"],
    "Patricia": ["Pat", "Patty"],
    "Patrick": ["Pat"],
    "Margaret": ["Maggie", "Peggy", "Meg"],
    "Jennifer": ["Jen", "Jenny"],
    "Jessica": ["Jess"],
    "Edward": ["Ed", "Eddie", "Ted"],
    "Timothy": ["Tim"],
    "Benjamin": ["Ben"],
    "Gregory": ["Greg"],
    "Kenneth": ["Ken"],
    "Donald": ["Don"],
    "Ronald": ["Ron"],
    "Jeffrey": ["Jeff"],
    "Joshua": ["Josh"],
    "Zachary": ["Zach"],
    "Deborah": ["Debbie", "Deb"],
    "Pamela": ["Pam"],
    "Lawrence": ["Larry"],
    "Raymond": ["Ray"],
    "Douglas": ["Doug"],
    "Peter": ["Pete"],
    "Walter": ["Walt"],
    "Victoria": ["Vicky"],
    "Kimberly": ["Kim"],
    "Judith": ["Judy"],
    "Gerald": ["Jerry"],
    "Henry": ["Hank", "Harry"],
    "Nathan": ["Nate"],
    "Abigail": ["Abby"],
    "Frederick": ["Fred"],
    "Susan": ["Sue"],
    "Amanda": ["Mandy"],
}
_SYLLABLES = [
    "ac",
    "ve",
    "lo",
    "ri",
    "ta",
    "zen",
    "tra",
    "nix",
    "qua",
    "dro",
    "mer",
    "sol",
    "vir",
    "pan",
    "gen",
    "tek",
    "ly",
    "ora",
    "bel",
    "cor",
    "dex",
    "fin",
    "hal",
    "ion",
    "jun",
    "kal",
    "lum",
    "mon",
    "nov",
    "pix",
    "ros",
    "sig",
    "tor",
    "ul",
    "vox",
    "wex",
    "yar",
    "zol",
    "ax",
    "bri",
    "cam",
    "dal",
    "el",
    "fyr",
]
_INDUSTRY = [
    "Logistics",
    "Labs",
    "Systems",
    "Foods",
    "Partners",
    "Health",
    "Energy",
    "Software",
    "Media",
    "Capital",
    "Robotics",
    "Analytics",
]
SUFFIX_FORMS = [
    ["Inc", "Inc.", "Incorporated", ", Inc."],
    ["Ltd", "Ltd.", "Limited"],
    ["LLC", "L.L.C."],
    ["GmbH"],
    ["AG"],
    ["S.A.", "SA"],
    ["Corp", "Corp.", "Corporation"],
    ["PLC", "plc"],
    ["BV", "B.V."],
    ["Pty Ltd"],
    ["Co.", "Company"],
    ["Group"],
    ["Holdings"],
    ["SARL"],
    ["Oy"],
    ["AB"],
    [""],
]
TLDS = [".com", ".com", ".com", ".io", ".co.uk", ".de", ".fr", ".net"]
FREE_MAIL = ["gmail.com", "gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "gmx.de"]
ACCENTED = str.maketrans("aeiounc", "áéíóúñç")


def zipf_weights(n: int, skew: float, offset: float) -> list[float]:
    """Cumulative Zipf-like weights (pass as cum_weights: choices() then bisects, not sums)."""
    return list(itertools.accumulate(1.0 / (rank + offset) ** skew for rank in range(n)))


def ascii_word(text: str) -> str:
    """Letters for an email address: "José" -> "jose", "O'Neil" -> "oneil"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum())


def strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def same_name(text: str) -> str:
    """Two people are one identity when this and the company agree ("Bill" is William)."""
    return normalise_person(text).replace(" ", "")


# --- the population ----------------------------------------------------------------------


@dataclass(frozen=True)
class Company:
    core: str  # "Veltranix Logistics"
    suffixes: tuple[str, ...]  # the legal form as people write it: ("Corp", "Corp.", "Corporation")
    domain: str


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    company: Company | None
    company_shown: str | None
    email: str | None
    phone: str | None
    middle: str = ""

    def record(self, record_id: int) -> MatchRecord:
        name = " ".join(part for part in (self.first, self.middle, self.last) if part)
        return MatchRecord(record_id, name, self.email, self.phone, self.company_shown)


class World:
    """Draws companies and distinct people; every draw comes from one seeded Random."""

    def __init__(self, rng: random.Random, size: int) -> None:
        self.rng = rng
        self.companies = self._companies(max(40, size // 6))
        self.company_weights = zipf_weights(len(self.companies), 1.0, 8)
        self.first_weights = zipf_weights(len(FIRST_NAMES), 0.9, 10)
        self.last_weights = zipf_weights(len(SURNAMES), 0.8, 20)
        self.mailboxes: set[str] = set()
        self.phones: set[str] = set()
        self.identities: set[tuple[str, str, str]] = set()
        self.people = [self.new_person() for _ in range(size)]

    def _companies(self, count: int) -> list[Company]:
        seen: set[str] = set()
        companies: list[Company] = []
        while len(companies) < count:
            word = "".join(self.rng.choice(_SYLLABLES) for _ in range(self.rng.choice((2, 2, 3)))).title()
            core = f"{word} {self.rng.choice(_INDUSTRY)}" if self.rng.random() < 0.3 else word
            key = normalise_company(core).replace(" ", "")
            if key in seen:
                continue
            seen.add(key)
            slug = key if self.rng.random() < 0.9 else "".join(self.rng.sample(_SYLLABLES, 2))
            suffixes = tuple(self.rng.choice(SUFFIX_FORMS))
            companies.append(Company(core, suffixes, slug + self.rng.choice(TLDS)))
        return companies

    def shown(self, company: Company) -> str:
        suffix = self.rng.choice(company.suffixes)
        return f"{company.core}{suffix}" if suffix.startswith(",") else f"{company.core} {suffix}".strip()

    def new_person(
        self, first: Callable[[], str] | None = None, last: str = "", company: Company | None = None
    ) -> Person:
        """A person who is not already in the population (name and company together);
        `first` draws a first name when the caller wants a say in it."""
        rng = self.rng
        while True:
            f = first() if first else rng.choices(FIRST_NAMES, cum_weights=self.first_weights)[0]
            if not first and f in NICKS and rng.random() < 0.1:
                f = rng.choice(NICKS[f])  # some people are on file as "Bill"
            la = last or rng.choices(SURNAMES, cum_weights=self.last_weights)[0]
            co = company
            if co is None and rng.random() >= 0.07:
                co = rng.choices(self.companies, cum_weights=self.company_weights)[0]
            identity = (same_name(f), same_name(la), co.core if co else "")
            if identity not in self.identities:
                self.identities.add(identity)
                break
        middle = f"{rng.choice('ABCDEFGHJKLMNPRSTW')}." if rng.random() < 0.05 else ""
        return Person(f, la, co, self.shown(co) if co else None, self.email(f, la, co), self.phone(), middle)

    def email(self, first: str, last: str, company: Company | None) -> str | None:
        roll = self.rng.random()
        if roll < 0.12:
            return None
        f, la = ascii_word(first), ascii_word(last)
        on_company = company is not None and roll < 0.72
        pattern = self.rng.choice(("{f}.{l}", "{f0}{l}", "{f}", "{f}{l0}", "{f}_{l}"))
        local = pattern.format(f=f, l=la, f0=f[:1], l0=la[:1])
        if not on_company:
            local = f"{f}.{la}" if self.rng.random() < 0.5 else f"{f}{la}{self.rng.randint(1, 99)}"
        domain = company.domain if on_company and company else self.rng.choice(FREE_MAIL)
        address, n = f"{local}@{domain}", 1
        while address in self.mailboxes:
            n += 1
            address = f"{local}{n}@{domain}"
        self.mailboxes.add(address)
        return address

    def phone(self) -> str | None:
        if self.rng.random() < 0.45:
            return None
        number = ""
        while not number or number in self.phones:
            number = f"+{self.rng.choice(('1', '44', '49'))}{self.rng.randrange(10**9, 10**10)}"
        self.phones.add(number)
        return number


# --- queries -----------------------------------------------------------------------------


@dataclass
class Draft:
    """A query being corrupted: the fields a rep would type."""

    first: str
    last: str
    middle: str
    company: str | None
    email: str | None
    phone: str | None
    swapped: str = ""  # "", " " or ", "
    title: str = ""

    def record(self, record_id: int) -> MatchRecord:
        parts = [self.first, self.middle, self.last]
        if self.swapped:
            parts = [f"{self.last}{self.swapped.rstrip()}", self.first, self.middle]
        name = " ".join(part for part in (self.title, *parts) if part)
        return MatchRecord(record_id, name, self.email, self.phone, self.company)


def typo(word: str, rng: random.Random) -> str:
    """One keyboard slip: a letter dropped, doubled, swapped with the next, or replaced."""
    if len(word) < 3:
        return word
    i = rng.randrange(len(word) - 1) if rng.random() < 0.9 else 0
    i = max(i, 1) if rng.random() < 0.9 else i  # slips at the first letter are rarer
    kind = rng.choice(("drop", "double", "swap", "replace"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    return word[:i] + (letter.upper() if word[i].isupper() else letter) + word[i + 1 :]


# Each corruption changes a draft and says whether it could (a name with no nickname has none).


def _nickname(d: Draft, rng: random.Random, p: Person) -> bool:
    full = next((name for name, nicks in NICKS.items() if d.first in nicks), None)
    d.first = full or rng.choice(NICKS.get(d.first, [d.first]))
    return d.first != p.first


def _typo(d: Draft, rng: random.Random, p: Person) -> bool:
    if rng.random() < 0.5:
        d.last = typo(d.last, rng)
    else:
        d.first = typo(d.first, rng)
    return (d.first, d.last) != (p.first, p.last)


def _accents(d: Draft, rng: random.Random, p: Person) -> bool:
    if not (d.first + d.last).isascii():
        d.first, d.last = strip_accents(d.first), strip_accents(d.last)
    else:
        keep = 0 if rng.random() < 0.5 else 1  # "Ómar" or "Omár"
        d.last = d.last[:keep] + d.last[keep:].translate(ACCENTED)
    return (d.first, d.last) != (p.first, p.last)


def _initial(d: Draft, rng: random.Random, p: Person) -> bool:
    d.first = d.first[:1] + rng.choice((".", ".", ""))
    return True


def _swap(d: Draft, rng: random.Random, p: Person) -> bool:
    d.swapped = rng.choice((" ", ", "))
    return True


def _case(d: Draft, rng: random.Random, p: Person) -> bool:
    change = str.upper if rng.random() < 0.5 else str.lower
    d.first, d.last, d.middle = change(d.first), change(d.last), change(d.middle)
    return True


def _extra(d: Draft, rng: random.Random, p: Person) -> bool:
    if rng.random() < 0.5 or d.middle:
        d.title = rng.choice(("Dr.", "Mr.", "Ms.", "Prof."))
    else:
        d.middle = f"{rng.choice('ABCDEFGHJKLMNPRSTW')}."
    return True


def _company_suffix(d: Draft, rng: random.Random, p: Person) -> bool:
    if not p.company:
        return False
    other = rng.choice(rng.choice(SUFFIX_FORMS))
    core = p.company.core.upper() if rng.random() < 0.3 else p.company.core
    d.company = f"{core}{other}" if other.startswith(",") else f"{core} {other}".strip()
    return d.company != p.company_shown


def _company_typo(d: Draft, rng: random.Random, p: Person) -> bool:
    if not p.company:
        return False
    d.company = f"{typo(p.company.core, rng)} {rng.choice(p.company.suffixes)}".strip()
    return True


def _other_email(d: Draft, rng: random.Random, p: Person) -> bool:
    d.email = f"{ascii_word(d.first)}{rng.randint(100, 999)}@{rng.choice(FREE_MAIL)}"
    return True


def _drop(*fields: str) -> Callable[[Draft, random.Random, Person], bool]:
    def apply(d: Draft, rng: random.Random, p: Person) -> bool:
        had = any(getattr(d, name) for name in fields)
        for name in fields:
            setattr(d, name, None)
        return had

    return apply


# (name, weight, action), in the order they apply.
CORRUPTIONS: list[tuple[str, float, Callable[[Draft, random.Random, Person], bool]]] = [
    ("nickname", 2.0, _nickname),
    ("accents", 1.0, _accents),
    ("typo", 3.0, _typo),
    ("initial", 1.5, _initial),
    ("swapped", 1.0, _swap),
    ("case", 1.0, _case),
    ("extra title/initial", 0.7, _extra),
    ("company suffix", 2.5, _company_suffix),
    ("company typo", 0.5, _company_typo),
    ("no email", 1.5, _drop("email")),
    ("other email", 0.7, _other_email),
    ("no phone", 1.0, _drop("phone")),
    ("no company", 1.0, _drop("company")),
    ("name only", 0.3, _drop("company", "email", "phone")),
]


def corrupted(person: Person, rng: random.Random) -> tuple[Draft, tuple[str, ...]]:
    """A copy of the person with one to four corruptions that change something."""
    d = Draft(person.first, person.last, person.middle, person.company_shown, person.email, person.phone)
    count = rng.choices((1, 2, 3, 4), (40, 35, 20, 5))[0]
    chosen = set(rng.choices(range(len(CORRUPTIONS)), [c[1] for c in CORRUPTIONS], k=count))
    applied = []
    for i, (name, _, action) in enumerate(CORRUPTIONS):
        if i in chosen and action(d, rng, person):
            applied.append(name)
    if not applied:
        _typo(d, rng, person)
        applied.append("typo")
    return d, tuple(applied)


def _different_first(w: World, first: str) -> str:
    family = {first, *NICKS.get(first, ())} | {n for n, nicks in NICKS.items() if first in nicks}
    while (other := w.rng.choices(FIRST_NAMES, cum_weights=w.first_weights)[0]) in family:
        pass
    return other


NEGATIVE_KINDS = (
    "new",
    "same surname+company",
    "same first name+company",
    "namesake elsewhere",
    "same company",
    "sparse",
)


def negative(w: World) -> tuple[Person, str]:
    """A new person who is not on file; most share something with someone who is."""
    rng = w.rng
    kind = rng.choices(
        NEGATIVE_KINDS,
        (35, 20, 15, 15, 10, 5),
    )[0]
    base = rng.choice([p for p in rng.sample(w.people, 20) if p.company] or w.people)
    if kind == "same surname+company":
        return w.new_person(lambda: _different_first(w, base.first), base.last, base.company), kind
    if kind == "same first name+company":
        return w.new_person(lambda: base.first, "", base.company), kind
    if kind == "namesake elsewhere":
        elsewhere = rng.choice([c for c in rng.sample(w.companies, 5) if c != base.company])
        email = w.email(base.first, base.last, elsewhere)
        return Person(base.first, base.last, elsewhere, w.shown(elsewhere), email, w.phone()), kind
    if kind == "same company":
        return w.new_person(None, "", base.company), kind
    if kind == "sparse":
        first = rng.choice(("Jo", "Al", "Ed", "Sam", rng.choice(FIRST_NAMES)))
        company = w.shown(base.company) if base.company and rng.random() < 0.5 else None
        return Person(first, "", None, company, None, None), kind
    return w.new_person(), kind


@dataclass(frozen=True)
class Query:
    record: MatchRecord
    truth: int | None  # the existing record it duplicates
    kind: str  # corruptions applied, or the kind of negative


def make_queries(w: World, count: int) -> list[Query]:
    queries = []
    for n in range(count):
        qid = -(n + 1)
        if w.rng.random() < 0.5:
            index = w.rng.randrange(len(w.people))
            draft, applied = corrupted(w.people[index], w.rng)
            queries.append(Query(draft.record(qid), index, "+".join(applied)))
        else:
            person, kind = negative(w)
            queries.append(Query(person.record(qid), None, kind))
    return queries


# --- running the checks ------------------------------------------------------------------


@dataclass
class Outcome:
    found: list[int | None]
    seconds: list[float]  # wall clock per check
    candidates: list[int]
    cpu: list[float] = field(default_factory=list)  # this thread's CPU time: immune to other load


def build_index(records: Sequence[MatchRecord]) -> dict[str, list[int]]:
    index: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        for key in blocking_keys(record):
            index[key].append(i)
    return index


def run_blocked(
    queries: Sequence[Query], records: Sequence[MatchRecord], index: dict[str, list[int]], cold: bool
) -> Outcome:
    """One check: keys -> postings (the oldest few of each) -> candidates -> likely_duplicate.
    Cold clears the profile cache first, so every candidate is normalised from scratch as if
    fresh from the store."""
    out = Outcome([], [], [])
    for query in queries:
        if cold:
            dedupe._profile_of.cache_clear()
        start, cpu = time.perf_counter(), time.thread_time()
        ids: set[int] = set()
        for key in blocking_keys(query.record):
            ids.update(index.get(key, ())[: candidates_per_key(key)])  # the oldest, as the store serves them
        hit = likely_duplicate(query.record, [records[i] for i in ids])
        out.cpu.append(time.thread_time() - cpu)
        out.seconds.append(time.perf_counter() - start)
        out.found.append(hit.id if hit else None)
        out.candidates.append(len(ids))
    return out


_SHARED: dict[str, Sequence[MatchRecord]] = {}  # set before the worker processes fork


def _brute_chunk(chunk: Sequence[MatchRecord]) -> Outcome:
    records = _SHARED["records"]
    likely_duplicate(MatchRecord(0, "warm up"), records)  # time the scan, not the first normalising
    out = Outcome([], [], [len(records)] * len(chunk))
    for record in chunk:
        start, cpu = time.perf_counter(), time.thread_time()
        hit = likely_duplicate(record, records)
        out.cpu.append(time.thread_time() - cpu)
        out.seconds.append(time.perf_counter() - start)
        out.found.append(hit.id if hit else None)
    return out


def run_brute(queries: Sequence[Query], records: Sequence[MatchRecord], workers: int) -> Outcome:
    """likely_duplicate against every record, split across worker processes."""
    _SHARED["records"] = records
    chunks = [[q.record for q in queries[i::workers]] for i in range(workers)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        parts = pool.map(_brute_chunk, chunks)
    n = len(queries)
    out = Outcome([None] * n, [0.0] * n, [len(records)] * n, [0.0] * n)
    for w, part in enumerate(parts):
        out.found[w::workers], out.seconds[w::workers] = part.found, part.seconds
        out.cpu[w::workers] = part.cpu
    return out


def flat(record: MatchRecord) -> str:
    return f"{normalise_person(record.name)} {normalise_company(record.company or '')}".strip()


def run_token_sort(queries: Sequence[Query], records: Sequence[MatchRecord], cutoff: float) -> Outcome:
    """The plain matcher from the platform notes: token_sort_ratio over one normalised
    "person company" string, best record at or above the cutoff (rapidfuzz extractOne)."""
    choices = [flat(r) for r in records]
    out = Outcome([], [], [])
    for query in queries:
        start, cpu = time.perf_counter(), time.thread_time()
        hit = process.extractOne(
            flat(query.record), choices, scorer=fuzz.token_sort_ratio, processor=None, score_cutoff=cutoff
        )
        out.cpu.append(time.thread_time() - cpu)
        out.seconds.append(time.perf_counter() - start)
        out.found.append(records[hit[2]].id if hit else None)
        out.candidates.append(len(records))
    return out


# --- scoring -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(queries: Sequence[Query], found: Sequence[int | None]) -> Scores:
    tp = sum(1 for q, f in zip(queries, found, strict=True) if f is not None and f == q.truth)
    fp = sum(1 for q, f in zip(queries, found, strict=True) if f is not None and f != q.truth)
    fn = sum(1 for q, f in zip(queries, found, strict=True) if q.truth is not None and f != q.truth)
    return Scores(tp, fp, fn)


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- report ------------------------------------------------------------------------------


def row(label: str, size: int, queries: Sequence[Query], out: Outcome) -> str:
    s = score(queries, out.found)
    ms = [x * 1000 for x in out.seconds]
    cpu_ms = [x * 1000 for x in out.cpu]
    cands = out.candidates
    return (
        f"| {size:,} | {label} | {len(queries)} | {s.precision:.4f} | {s.recall:.4f} | {s.f1:.4f} "
        f"| {statistics.fmean(cands):,.1f} / {pct(cands, 0.99):,} "
        f"| {pct(ms, 0.5):.2f} | {pct(ms, 0.99):.2f} | {pct(cpu_ms, 0.99):.2f} |"
    )


def found_share(reference: Sequence[int | None], other: Sequence[int | None]) -> tuple[float, int]:
    """Share of the reference's (query, record) matches that `other` also makes."""
    pairs = [(i, f) for i, f in enumerate(reference) if f is not None]
    same = sum(1 for i, f in pairs if other[i] == f)
    return (same / len(pairs) if pairs else 1.0), len(pairs)


def breakdown(queries: Sequence[Query], found: Sequence[int | None]) -> list[str]:
    """Recall per corruption and false positives per kind of negative."""
    lines = ["| query kind | queries | matched correctly | wrong match |", "| --- | --- | --- | --- |"]
    groups: dict[str, list[int]] = defaultdict(list)
    for i, q in enumerate(queries):
        if q.truth is None:
            groups[f"new person: {q.kind}"].append(i)
        else:
            for name in q.kind.split("+"):
                groups[f"duplicate with {name}"].append(i)
            groups[f"duplicate, {q.kind.count('+') + 1} corruption(s)"].append(i)
    for label in sorted(groups):
        members = groups[label]
        right = sum(1 for i in members if queries[i].truth is not None and found[i] == queries[i].truth)
        wrong = sum(1 for i in members if found[i] is not None and found[i] != queries[i].truth)
        shown = f"{right / len(members):.3f}" if queries[members[0]].truth is not None else "-"
        lines.append(f"| {label} | {len(members)} | {shown} | {wrong} |")
    return lines


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
        f"rapidfuzz {rapidfuzz.__version__}"
    )


def run_size(size: int, args: argparse.Namespace) -> tuple[list[str], list[str]]:
    rng = random.Random(args.seed)
    start = time.perf_counter()
    world = World(rng, size)
    records = [person.record(i) for i, person in enumerate(world.people)]
    queries = make_queries(world, args.queries)
    made = time.perf_counter() - start
    start = time.perf_counter()
    index = build_index(records)
    indexed = time.perf_counter() - start
    # A long-lived process would hold these from start-up; keep the collector from walking
    # them in the middle of a timed check (gc.freeze is what a pre-fork server would do).
    gc.collect()
    gc.freeze()
    cold = run_blocked(queries, records, index, cold=True)
    warm = run_blocked(queries, records, index, cold=False)
    sub = queries[: args.brute_queries]
    brute = run_brute(sub, records, args.workers)
    scan = run_token_sort(sub, records, args.cutoff)
    n = len(sub)
    blocked_sub = Outcome(cold.found[:n], cold.seconds[:n], cold.candidates[:n], cold.cpu[:n])
    dupes = [q for q in queries if q.truth is not None]
    shared = sum(1 for q in dupes if blocking_keys(q.record) & blocking_keys(records[q.truth or 0]))
    share, brute_pairs = found_share(brute.found, blocked_sub.found)
    right = [f if f == q.truth else None for q, f in zip(sub, brute.found, strict=True)]
    share_right, _ = found_share(right, blocked_sub.found)
    rows = [
        row("blocked, cold cache", size, queries, cold),
        row("blocked, warm cache", size, queries, warm),
        row("blocked (brute-force subsample)", size, sub, blocked_sub),
        row("brute force: likely_duplicate vs all", size, sub, brute),
        row(f"brute force: token_sort_ratio >= {args.cutoff:g}", size, sub, scan),
    ]
    notes = [
        f"- {size:,} leads: generated in {made:.1f} s, indexed in {indexed:.1f} s "
        f"({len(index):,} keys, {sum(map(len, index.values())) / len(records):.1f} keys a lead). "
        f"A true duplicate shares a key with its original in {shared}/{len(dupes)} "
        f"({shared / len(dupes):.2%}) of queries. Blocking finds {share:.2%} of the "
        f"{brute_pairs} pairs brute force finds ({share_right:.2%} of its correct ones)."
    ]
    gc.unfreeze()
    return rows, notes + ["", *breakdown(queries, cold.found)]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument(
        "--brute-queries",
        type=int,
        default=400,
        help="the first N queries also run through both brute-force scans",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cutoff", type=float, default=90.0, help="token_sort_ratio baseline cutoff")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    if args.brute_queries < 1:
        parser.error("--brute-queries must be at least 1: the report compares blocking with brute force")
    header = [
        "| leads | method | queries | precision | recall | F1 | candidates mean / p99 | p50 ms | p99 ms "
        "| p99 CPU ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    rows, notes, details = [], [], []
    for size in (int(s) for s in args.sizes.split(",")):
        size_rows, size_notes = run_size(size, args)
        rows += size_rows
        notes.append(size_notes[0])
        details = [f"Per query kind, blocked, {size:,} leads:", "", *size_notes[2:]]
    print(f"Machine: {machine()}\n")
    print("\n".join(header + rows))
    print("\n" + "\n".join(notes) + "\n")
    print("\n".join(details))


if __name__ == "__main__":
    main()
