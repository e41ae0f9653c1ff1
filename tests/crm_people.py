"""The people behind the CRM export fixtures (tests/fixtures/crm/): who they are, their phone as
a colleague in their country writes it, and the E.164 number it must become."""

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    email: str
    country: str  # as an English-speaking CRM writes it
    code: str  # ISO 3166 alpha-2
    phone: str  # as written in the file: national form unless the person gave an international one
    e164: str
    company: str
    title: str
    switchboard: bool = False  # shares the company's main number with a colleague in the file
    notes: str = ""

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


P = Person
PEOPLE = (
    P("Claire", "Dubois", "claire.dubois@lumiere-paris.fr", "France", "FR", "01 42 68 53 00", "+33142685300",
      "Atelier Lumière", "Directrice commerciale", switchboard=True,
      notes='Rencontrée au salon "Vivatech"\nVeut une démo, T2'),
    P("Νίκος", "Παπαδόπουλος", "nikos@aegean-ships.gr", "Greece", "GR", "21 0123 4567", "+302101234567",
      "Aegean Ships", "CEO"),
    P("Guðrún", "Jónsdóttir", "gudrun@reykjavik-fish.is", "Iceland", "IS", "551 2345", "+3545512345",
      "Reykjavík Fish ehf.", "Buyer"),
    P("Jürgen", "Müller", "j.mueller@berliner-werk.de", "Germany", "DE", "030 901820", "+4930901820",
      "Berliner Werk GmbH", "Einkaufsleiter", notes="Rückruf erbeten; Budget 2025, \"sofort\""),
    P("Oliver", "Smith", "oliver.smith@thames-data.co.uk", "United Kingdom", "GB", "020 7946 0958",
      "+442079460958", "Thames Data Ltd", "CTO"),
    P("太郎", "山田", "taro.yamada@sakura-denki.jp", "Japan", "JP", "03-1234-5678", "+81312345678",
      "さくら電機株式会社", "部長"),
    P("芳", "王", "wang.fang@changcheng-tech.cn", "China", "CN", "010 6552 9988", "+861065529988",
      "长城科技", "采购经理"),
    P("Иван", "Петров", "ivan.petrov@volga-trade.ru", "Russia", "RU", "8 (495) 123-45-67", "+74951234567",
      "Волга Трейд", "Директор"),
    P("José", "Núñez", "jose.nunez@iberica-solar.es", "Spain", "ES", "912 345 678", "+34912345678",
      "Ibérica Solar S.L.", "Gerente"),
    P("Giulia", "Rossi", "giulia.rossi@roma-design.it", "Italy", "IT", "06 6982 1234", "+390669821234",
      "Roma Design S.r.l.", "Designer"),
    P("João", "Silva", "joao.silva@paulista-logistica.com.br", "Brazil", "BR", "(11) 3456-7890",
      "+551134567890", "Paulista Logística", "Diretor"),
    P("Dana", "Scully", "dana.scully@fbi.gov", "United States", "US", "(202) 555-0143", "+12025550143",
      "FBI", "Special Agent"),
    P("민준", "김", "minjun.kim@hangang-soft.kr", "South Korea", "KR", "02-312-3456", "+8223123456",
      "한강소프트", "팀장"),
    P("Łukasz", "Wiśniewski", "lukasz@wisla-tech.pl", "Poland", "PL", "22 123 45 67", "+48221234567",
      "Wisła Tech Sp. z o.o.", "Prezes"),
    P("Zoë", "Keller", "zoe.keller@alpen-ag.ch", "Switzerland", "CH", "044 668 18 00", "+41446681800",
      "Alpen AG", "Leiterin Vertrieb"),
    P("María", "Fernández", "maria@azteca-foods.mx", "Mexico", "MX", "55 1234 5678", "+525512345678",
      "Azteca Foods", "Compradora"),
    P("Priya", "Sharma", "priya.sharma@mumbai-textiles.in", "India", "IN", "022 2345 6789", "+912223456789",
      "Mumbai Textiles Pvt Ltd", "Head of Sales"),
    P("Sanne", "de Vries", "sanne@grachten.nl", "Netherlands", "NL", "020 123 4567", "+31201234567",
      "Grachten B.V.", "Inkoper"),
    P("Erik", "Lindqvist", "erik.lindqvist@nordic-ab.se", "Sweden", "SE", "08-123 456 78", "+46812345678",
      "Nordic AB", "VD"),
    # An Austrian who gave a Munich number, written internationally: it stays German.
    P("Anna", "Gruber", "anna.gruber@wien-consult.at", "Austria", "AT", "+49 89 1234567", "+49891234567",
      "Wien Consult", "Partnerin"),
    P("Ahmet", "Yılmaz", "ahmet@bosphorus.com.tr", "Turkey", "TR", "0212 345 67 89", "+902123456789",
      "Bosphorus A.Ş.", "Satış Müdürü"),
    P("Олена", "Коваленко", "olena@dnipro-agro.ua", "Ukraine", "UA", "044 123 4567", "+380441234567",
      "Дніпро Агро", "Менеджер"),
    P("Liam", "O'Brien", "liam.obrien@liffey.ie", "Ireland", "IE", "01 234 5678", "+35312345678",
      "Liffey Analytics", "Founder"),
    P("Chloé", "Tremblay", "chloe@erable.ca", "Canada", "CA", "514 555 0199", "+15145550199",
      "Érable Inc.", "VP Sales"),
    P("Mateo", "García", "mateo@pampa.com.ar", "Argentina", "AR", "011 4321-5678", "+541143215678",
      "Pampa S.A.", "Gerente"),
    # Claire's colleague: the same switchboard number, their own email and name.
    P("Luc", "Bernard", "luc.bernard@lumiere-paris.fr", "France", "FR", "01 42 68 53 00", "+33142685300",
      "Atelier Lumière", "Chef de projet", switchboard=True),
)  # fmt: skip


def _in_cp1252(person: Person) -> bool:
    try:
        (person.name + person.company + person.title + person.notes).encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


WESTERN = tuple(p for p in PEOPLE if _in_cp1252(p))  # what a file saved as cp1252 can hold


def created(index: int) -> datetime:
    """When the CRM captured person `index`: spread over 2024-2025, days past the 12th included
    (so a file's dates tell its day and month order)."""
    return datetime(
        2024 + index % 2, 1 + index % 12, 1 + (index * 7) % 28, 8 + index % 9, (index * 13) % 60, tzinfo=UTC
    )
