"""Realistic, deterministic demo contacts: the name, street and city lists and a fast generator.

Pure module, no I/O. ``generate_contacts(count, seed)`` yields tuples in ``COLUMNS`` order (the
writable columns of the ``contacts`` table, ready for COPY); ``generate_contact_dicts`` yields dicts.
The same ``(count, seed)`` always gives the same rows, and a shorter run is a prefix of a longer
one. Mix: Finnish-speaking Finns (fi), Swedish-speaking Finns (sv), ~5 % organisations (ry, Oy,
säätiö, rf, Ab) and ~1 % Russian speakers with Cyrillic names (ru).

E-mail addresses are on the reserved example.com/.net/.org domains (RFC 2606), so demo data can
never mail a real person; phone numbers are valid Finnish mobile numbers in E.164.

Rich standard fields (C2): middle names, job titles, honorifics, gender, websites of organisations,
tags ("hallitus", "vapaaehtoinen", "lehti" …) and the lists of e-mails, phones and addresses as JSON
text (COPY writes it into the JSONB columns): some people have a work e-mail, a second phone or a
second address. The flat email/phone/address columns always equal the list's primary entry.
It is built for speed (well over 200k rows/s): all lists are precomputed and each block of rows
draws its random numbers in bulk.
"""

import json
import random
from datetime import date

COLUMNS = (
    "kind",
    "first_name",
    "preferred_name",
    "last_name",
    "organisation_name",
    "email",
    "phone",
    "street",
    "postal_code",
    "city",
    "country",
    "birth_date",
    "language",
    "middle_name",
    "title",
    "honorific",
    "gender",
    "website",
    "tags",
    "emails",
    "phones",
    "addresses",
)
JSON_COLUMNS = ("emails", "phones", "addresses")

# fmt: off
# --- people -----------------------------------------------------------------------------------

FI_MALE = (
    "Matti", "Juha", "Mikko", "Timo", "Jari", "Antti", "Pekka", "Ville", "Janne", "Sami",
    "Eero", "Aleksi", "Jyrki", "Väinö", "Yrjö", "Onni", "Eino", "Leevi", "Heikki", "Kari",
    "Markku", "Mika", "Petri", "Tuomas", "Olli", "Lauri", "Juhani", "Tapio", "Ilmari", "Kalevi",
    "Aatos", "Veikko", "Risto", "Seppo", "Hannu", "Jukka", "Teemu", "Joni", "Eetu", "Niilo",
    "Toivo", "Pertti", "Esa", "Arto", "Kimmo", "Tero", "Jouni", "Oskari", "Elias", "Sakari",
)
FI_FEMALE = (
    "Maria", "Anna", "Päivi", "Tuula", "Anne", "Sari", "Minna", "Hanna", "Aino", "Helmi",
    "Sofia", "Emilia", "Kaisa", "Johanna", "Tiina", "Sanna", "Kirsi", "Marjatta", "Elina",
    "Eveliina", "Ilona", "Kyllikki", "Hilkka", "Seija", "Pirjo", "Ritva", "Sirpa", "Leena",
    "Liisa", "Mirja", "Tyyne", "Kerttu", "Säde", "Lyydia", "Satu", "Heli", "Riikka", "Noora",
    "Venla", "Iida", "Aada", "Pihla", "Helena", "Katariina", "Kristiina", "Annikki", "Hellä",
    "Sinikka", "Maarit", "Jenni",
)
FI_SURNAMES = (
    "Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen",
    "Koskinen", "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Heinonen", "Niemi",
    "Heikkilä", "Kinnunen", "Salonen", "Turunen", "Salo", "Laitinen", "Tuominen", "Rantanen",
    "Karjalainen", "Jokinen", "Mattila", "Savolainen", "Lahtinen", "Ahonen", "Äijälä",
    "Pääkkönen", "Hyvärinen", "Kärkkäinen", "Väisänen", "Räsänen", "Lähteenmäki", "Ylönen",
    "Härkönen", "Pöyhönen", "Kääriäinen", "Örn", "Öhman", "Ahola", "Hakala", "Peltonen",
    "Leppänen", "Kettunen", "Miettinen", "Manninen", "Pitkänen", "Hiltunen", "Kemppainen",
    "Mäkäräinen", "Ylä-Outinen", "Seppälä", "Anttila", "Lindroos", "Kallio", "Väänänen",
)
SV_MALE = (
    "Åke", "Björn", "Göran", "Örjan", "Östen", "Mikael", "Johan", "Anders", "Fredrik", "Henrik",
    "Erik", "Kristian", "Stefan", "Mats", "Jonas", "Carl", "Gustav", "Nils", "Ragnar", "Tor", "Håkan", "Måns",
)
SV_FEMALE = (
    "Åsa", "Märta", "Gunnel", "Ingegärd", "Ulla", "Karin", "Ebba", "Sofie", "Linnéa", "Kristina",
    "Birgitta", "Annika", "Maria", "Elsa", "Ida", "Signe", "Solveig", "Ingrid", "Agneta", "Mona",
)
SV_SURNAMES = (
    "Söderström", "Åberg", "Öhman", "Lindqvist", "Lindholm", "Nyman", "Sjöberg", "Holmström",
    "Björklund", "Lindström", "Forsström", "Wikström", "Ekholm", "Backman", "Granlund",
    "Strömberg", "Sundqvist", "Åström", "Blomqvist", "Grönroos", "Häggblom", "Sjöholm",
    "Westerlund", "Nordström", "Östman", "Ståhlberg", "Lönnqvist", "Fagerström", "Stenbäck", "Enqvist",
    "Åkerman",
)
RU_MALE = (
    "Иван", "Дмитрий", "Сергей", "Алексей", "Андрей", "Михаил", "Николай", "Владимир", "Павел", "Юрий",
)
RU_FEMALE = (
    "Ольга", "Наталья", "Елена", "Татьяна", "Мария", "Анна", "Ирина", "Светлана", "Юлия", "Екатерина",
)
RU_SURNAMES = (  # (masculine, feminine)
    ("Петров", "Петрова"), ("Иванов", "Иванова"), ("Смирнов", "Смирнова"), ("Кузнецов", "Кузнецова"),
    ("Попов", "Попова"), ("Соколов", "Соколова"), ("Лебедев", "Лебедева"), ("Козлов", "Козлова"),
    ("Новиков", "Новикова"), ("Морозов", "Морозова"), ("Волков", "Волкова"), ("Фёдоров", "Фёдорова"),
)
NICKNAMES = {
    "Matti": "Masa", "Juha": "Jussi", "Johanna": "Jonna", "Aleksi": "Ale", "Katariina": "Katja",
    "Kristiina": "Kiti", "Helena": "Lena", "Heikki": "Hessu", "Antti": "Antsu", "Mikael": "Micke",
    "Fredrik": "Fredde", "Kristina": "Kicki", "Birgitta": "Gittan", "Annika": "Anki",
    "Иван": "Ваня", "Екатерина": "Катя", "Дмитрий": "Дима",
}

# --- organisations ----------------------------------------------------------------------------

FI_ORG_PLACES = (
    "Helsingin", "Tampereen", "Turun", "Oulun", "Espoon", "Vantaan", "Jyväskylän", "Kuopion",
    "Lahden", "Porin", "Vaasan", "Lapin", "Pirkanmaan", "Saariston", "Järvi-Suomen", "Pohjois-Karjalan",
    "Etelä-Pohjanmaan", "Kainuun", "Hämeen", "Suomen",
)
FI_ASSOCIATIONS = (
    "Partiolaiset", "Kuoro", "Shakkikerho", "Eläkeläiset", "Marttayhdistys", "Kotiseutuyhdistys",
    "Luontoyhdistys", "Urheiluseura", "Nuorisoseura", "Sukututkijat", "Taideyhdistys",
    "Vapaapalokunta", "Kamerakerho", "Lukupiiri", "Tanssiseura", "Pyöräilijät", "Veteraanit",
)
FI_BUSINESSES = (
    "Rakennus", "Sähkö", "Tilitoimisto", "Kiinteistöpalvelu", "Konepaja", "Leipomo", "Puutarha",
    "Kuljetus", "Ohjelmistot", "Kahvila", "Metsäpalvelu", "Putkityö", "Kirjapaino",
)
FI_FOUNDATION_TOPICS = (
    "kulttuurisäätiö", "luonnonsuojelusäätiö", "sivistyssäätiö", "nuorisosäätiö", "tiedesäätiö",
    "musiikkisäätiö", "vanhustensäätiö",
)
SV_ORG_PLACES = (
    "Helsingfors", "Åbo", "Vasa", "Borgå", "Esbo", "Jakobstads", "Ekenäs", "Karleby", "Mariehamns",
)
SV_ASSOCIATIONS = (
    "Segelsällskap", "Sångförening", "Hembygdsförening", "Marthaförening", "Scoutkår",
    "Idrottsförening", "Pensionärsförening", "Ungdomsförening",
)
ORG_PLACE_CITIES = {
    "Helsingin": "Helsinki", "Tampereen": "Tampere", "Turun": "Turku", "Oulun": "Oulu", "Espoon": "Espoo",
    "Vantaan": "Vantaa", "Jyväskylän": "Jyväskylä", "Kuopion": "Kuopio", "Lahden": "Lahti", "Porin": "Pori",
    "Vaasan": "Vaasa", "Helsingfors": "Helsingfors", "Åbo": "Åbo", "Vasa": "Vasa", "Borgå": "Borgå",
    "Esbo": "Esbo", "Jakobstads": "Jakobstad", "Ekenäs": "Ekenäs", "Karleby": "Karleby",
    "Mariehamns": "Mariehamn",
}
SV_BUSINESSES = ("Bygg", "El", "Bokföring", "Fastighetsservice", "Trädgård", "Bageri", "Transport", "Båtvarv")

# --- addresses --------------------------------------------------------------------------------

FI_STREETS = (
    "Mannerheimintie", "Hämeenkatu", "Aleksanterinkatu", "Kauppakatu", "Koulukatu", "Puistokatu",
    "Rantakatu", "Kirkkokatu", "Asemakatu", "Satamakatu", "Koivukuja", "Pihlajatie", "Männikkötie",
    "Kuusitie", "Vaahteratie", "Tehtaankatu", "Myllytie", "Rautatienkatu", "Länsiväylä", "Itäranta",
    "Peltotie", "Järvenrannantie", "Kalevankatu", "Väinämöisenkatu", "Sibeliuksenkatu",
    "Runeberginkatu", "Yliopistonkatu", "Kivikatu", "Hiekkaharjuntie", "Sääksentie", "Ähtärintie",
    "Tähtitorninkatu", "Pöllökuja", "Kuusenkäpy", "Lönnrotinkatu", "Öljytie",
)
SV_STREETS = (
    "Mannerheimvägen", "Storgatan", "Skolgatan", "Strandvägen", "Kyrkogatan", "Hamngatan",
    "Åkervägen", "Björkvägen", "Sjöviksvägen", "Alexandersgatan", "Järnvägsgatan", "Kvarnvägen",
    "Esplanaden", "Östra Strandgatan", "Tallbacken", "Smedjegatan",
)

# (city, relative weight, first postal code, last postal code, step)
FI_CITIES = (
    ("Helsinki", 120, 100, 990, 10),
    ("Espoo", 55, 2100, 2980, 10),
    ("Tampere", 45, 33100, 33960, 10),
    ("Vantaa", 45, 1300, 1770, 10),
    ("Oulu", 40, 90100, 90940, 10),
    ("Turku", 38, 20100, 20900, 10),
    ("Jyväskylä", 28, 40100, 40950, 10),
    ("Kuopio", 24, 70100, 70910, 10),
    ("Lahti", 24, 15100, 15880, 10),
    ("Pori", 17, 28100, 28900, 10),
    ("Kouvola", 16, 45100, 45910, 10),
    ("Joensuu", 15, 80100, 80230, 10),
    ("Lappeenranta", 15, 53100, 53950, 50),
    ("Hämeenlinna", 14, 13100, 13900, 100),
    ("Vaasa", 14, 65100, 65380, 10),
    ("Rovaniemi", 13, 96100, 96900, 100),
    ("Seinäjoki", 13, 60100, 60800, 100),
    ("Mikkeli", 11, 50100, 50190, 10),
    ("Kotka", 10, 48100, 48900, 100),
    ("Salo", 10, 24100, 24910, 10),
    ("Porvoo", 10, 6100, 6750, 50),
    ("Kokkola", 9, 67100, 67900, 100),
    ("Hyvinkää", 9, 5800, 5880, 10),
    ("Järvenpää", 8, 4400, 4480, 10),
    ("Rauma", 8, 26100, 26820, 10),
    ("Kajaani", 7, 87100, 87950, 50),
    ("Savonlinna", 6, 57100, 57810, 10),
    ("Äänekoski", 3, 44100, 44200, 100),
    ("Pietarsaari", 3, 68600, 68660, 20),
    ("Ähtäri", 1, 63700, 63700, 10),
)
SV_CITIES = (
    ("Helsingfors", 40, 100, 990, 10),
    ("Esbo", 20, 2100, 2980, 10),
    ("Vasa", 18, 65100, 65380, 10),
    ("Åbo", 14, 20100, 20900, 10),
    ("Borgå", 12, 6100, 6750, 50),
    ("Jakobstad", 10, 68600, 68660, 20),
    ("Karleby", 6, 67100, 67900, 100),
    ("Ekenäs", 6, 10600, 10660, 20),
    ("Närpes", 5, 64200, 64200, 10),
    ("Kristinestad", 3, 64100, 64100, 10),
    ("Mariehamn", 5, 22100, 22120, 10),
    ("Pargas", 4, 21600, 21600, 10),
)

PERSON_DOMAINS = ("example.com", "example.net", "example.org", "koti.example.net", "posti.example.com")
MOBILE_PREFIXES = ("40", "40", "40", "50", "50", "50", "44", "45", "46", "41", "42")

# fmt: on

# Latin (and Cyrillic) -> ASCII for e-mail local parts and domain labels.
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya".split(),
        strict=True,
    )
)
_FOLD = {ord(k): v for k, v in _CYRILLIC.items() if v != "_"}
_FOLD.update({ord(k): "" for k, v in _CYRILLIC.items() if v == "_"})
_FOLD.update({ord(k): v for k, v in zip("äöåéüõ", "aoaeuo", strict=True)})
_FOLD.update({ord(" "): "", ord("'"): ""})
_DOMAIN_FOLD = dict(_FOLD)
_DOMAIN_FOLD.update({ord("-"): ""})

BIRTH_FIRST = date(1930, 1, 1).toordinal()
BIRTH_LAST = date(2006, 12, 31).toordinal()

# Share of each sort of contact, in per mille.
SHARES = (("fi", 840), ("sv", 100), ("org", 50), ("ru", 10))
_BLOCK = 4096


def ascii_fold(text):
    """'Söderström' -> 'soderstrom', 'Иван' -> 'ivan' (lower-case, spaces and apostrophes removed)."""
    return text.lower().translate(_FOLD)


def _expand_cities(cities):
    """-> ((city, its postal codes, how many), ...), one entry per unit of weight."""
    entries = []
    for city, weight, first, last, step in cities:
        codes = tuple(f"{code:05d}" for code in range(first, last + 1, step))
        entries.extend([(city, codes, len(codes))] * weight)
    return tuple(entries)


_FI_CITIES = _expand_cities(FI_CITIES)
_SV_CITIES = _expand_cities(SV_CITIES)
_KIND_TABLE = tuple(kind for kind, share in SHARES for _ in range(share))
_ASCII = {
    name: ascii_fold(name)
    for names in (FI_MALE, FI_FEMALE, FI_SURNAMES, SV_MALE, SV_FEMALE, SV_SURNAMES, RU_MALE, RU_FEMALE)
    for name in names
}
_ASCII.update({name: ascii_fold(name) for pair in RU_SURNAMES for name in pair})
_RU_FEMALE_SURNAMES = tuple(female for _male, female in RU_SURNAMES)
_RU_MALE_SURNAMES = tuple(male for male, _female in RU_SURNAMES)


def _language_profile(male, female, surnames, streets, cities):
    return (male, len(male), female, len(female), surnames, len(surnames or ()), streets, len(streets),
            cities, len(cities))  # fmt: skip


_PROFILES = {
    "fi": _language_profile(FI_MALE, FI_FEMALE, FI_SURNAMES, FI_STREETS, _FI_CITIES),
    "sv": _language_profile(SV_MALE, SV_FEMALE, SV_SURNAMES, SV_STREETS, _SV_CITIES),
    "ru": _language_profile(RU_MALE, RU_FEMALE, None, FI_STREETS, _FI_CITIES),
}


def _organisation_names():
    """Every organisation name with its language and e-mail domain label, precomputed."""
    names = []
    for place in FI_ORG_PLACES:
        for association in FI_ASSOCIATIONS:
            names.append((f"{place} {association} ry", "fi"))
        for business in FI_BUSINESSES:
            names.append((f"{place} {business} Oy", "fi"))
        for topic in FI_FOUNDATION_TOPICS:
            names.append((f"{place} {topic} sr", "fi"))
    for place in SV_ORG_PLACES:
        for association in SV_ASSOCIATIONS:
            names.append((f"{place} {association} rf", "sv"))
        for business in SV_BUSINESSES:
            names.append((f"{place} {business} Ab", "sv"))
    organisations = []
    for name, language in names:
        label = name.rsplit(" ", 1)[0].lower().translate(_DOMAIN_FOLD)
        profile = _PROFILES[language]
        home = ORG_PLACE_CITIES.get(name.split(" ", 1)[0])
        if home:  # "Tampereen Kuoro ry" is in Tampere
            cities = tuple(entry for entry in profile[8] if entry[0] == home)
            profile = profile[:8] + (cities, len(cities))
        organisations.append((name, language, label, profile))
    return tuple(organisations)


_ORGANISATIONS = _organisation_names()
_STAIRS = "AAABBBCCD"


TITLES = (
    "toiminnanjohtaja",
    "opettaja",
    "sairaanhoitaja",
    "insinööri",
    "myyntipäällikkö",
    "kirjanpitäjä",
    "lehtori",
    "projektipäällikkö",
    "yrittäjä",
    "suunnittelija",
    "lääkäri",
    "rehtori",
)
HONORIFICS = ("tri", "kauppaneuvos", "professori", "rovasti", "Dr.", "FT", "teollisuusneuvos")
PERSON_TAGS = (
    "hallitus",
    "vapaaehtoinen",
    "lehti",
    "vapaaehtoinen",
    "lehti",
    "lahjoittaja",
    "talkoot",
    "kuoro",
    "nuoret",
    "seniorit",
)
ORG_TAGS = ("yhteistyökumppani", "lehti", "sponsori")
WORK_DOMAINS = ("tyo.example.com", "yritys.example.net", "kunta.example.org")
SECOND_ADDRESS_KINDS = ("postal", "work", "other")


def _email_json(email, work_email):
    """The e-mails list as JSON text (primary first); every text here is plain, no JSON escapes.
    One f-string per case: this runs for every row of a million."""
    if email is None:
        return "[]"
    if work_email is None:
        return f'[{{"address": "{email}", "kind": "home", "primary": true}}]'
    return (
        f'[{{"address": "{email}", "kind": "home", "primary": true}}, '
        f'{{"address": "{work_email}", "kind": "work", "primary": false}}]'
    )


def _phone_json(phone, second):
    if phone is None:
        return "[]"
    if second is None:
        return f'[{{"number": "{phone}", "kind": "mobile", "primary": true}}]'
    return (
        f'[{{"number": "{phone}", "kind": "mobile", "primary": true}}, '
        f'{{"number": "{second}", "kind": "work", "primary": false}}]'
    )


def _address_json(street, code, city, kind, second):
    if second is None:
        return (
            f'[{{"kind": "{kind}", "street": "{street}", "postal_code": "{code}", "city": "{city}", '
            f'"country": "FI", "primary": true}}]'
        )
    kind2, street2, code2, city2 = second
    return (
        f'[{{"kind": "{kind}", "street": "{street}", "postal_code": "{code}", "city": "{city}", '
        f'"country": "FI", "primary": true}}, {{"kind": "{kind2}", "street": "{street2}", '
        f'"postal_code": "{code2}", "city": "{city2}", "country": "FI", "primary": false}}]'
    )


def _block(rng, start, size):
    """``size`` rows numbered from ``start`` (the number keeps e-mail addresses unique)."""
    rand = rng.random
    ascii_names = _ASCII
    profiles = _PROFILES
    organisations, n_organisations = _ORGANISATIONS, len(_ORGANISATIONS)
    domains, n_domains = PERSON_DOMAINS, len(PERSON_DOMAINS)
    mobiles, n_mobiles = MOBILE_PREFIXES, len(MOBILE_PREFIXES)
    nicknames = NICKNAMES
    n_ru_surnames = len(RU_SURNAMES)
    stairs = _STAIRS
    titles, n_titles, honorifics, n_honorifics = TITLES, len(TITLES), HONORIFICS, len(HONORIFICS)
    person_tags, n_person_tags = PERSON_TAGS, len(PERSON_TAGS)
    work_domains, second_kinds = WORK_DOMAINS, SECOND_ADDRESS_KINDS
    birth_first, birth_span = BIRTH_FIRST, BIRTH_LAST - BIRTH_FIRST + 1
    fromordinal = date.fromordinal
    rows = []
    append = rows.append
    number = start
    for kind in rng.choices(_KIND_TABLE, k=size):
        number += 1
        middle = title = honorific = gender_code = website = work_email = None
        tags = []
        if kind == "org":
            name, language, label, profile = organisations[int(rand() * n_organisations)]
            email = f"{'info' if rand() < 0.7 else 'toimisto'}@{label}{number}.example.org"
            if rand() < 0.6:
                website = f"https://www.{label}{number}.example.org"
            if rand() < 0.2:
                tags = [ORG_TAGS[int(rand() * 3)]]
        else:
            profile = profiles[kind]
            male, n_male, female, n_female, surnames, n_surnames = profile[:6]
            if rand() < 0.5:
                first = male[int(rand() * n_male)]
                given, n_given, gender = male, n_male, 0
            else:
                first = female[int(rand() * n_female)]
                given, n_given, gender = female, n_female, 1
            if surnames is None:
                last = (_RU_FEMALE_SURNAMES if gender else _RU_MALE_SURNAMES)[int(rand() * n_ru_surnames)]
            else:
                last = surnames[int(rand() * n_surnames)]
            email = (
                f"{ascii_names[first]}.{ascii_names[last]}{number}@{domains[int(rand() * n_domains)]}"
                if rand() < 0.93
                else None
            )
            preferred = None
            shape = rand()
            if shape < 0.3 and kind != "ru":
                second = given[int(rand() * n_given)]
                if second != first:
                    if shape < 0.08:
                        preferred = second
                    first = f"{first} {second}"
            elif shape > 0.94:
                preferred = nicknames.get(first)
            extra = rand()
            if extra < 0.15 and kind != "ru":
                middle = given[int(rand() * n_given)]
            if extra < 0.75:
                gender_code = "female" if gender else "male"
            extra = rand()
            if extra < 0.12:
                title = titles[int(extra * 100) % n_titles]
                if extra < 0.03:
                    honorific = honorifics[int(extra * 1000) % n_honorifics]
            extra = rand()
            if extra < 0.25:
                tags = [person_tags[int(extra * 40)]]
                if extra < 0.06:
                    second_tag = person_tags[int(rand() * n_person_tags)]
                    if second_tag != tags[0]:
                        tags.append(second_tag)
            if email is not None and rand() < 0.2:
                domain = work_domains[int(rand() * 3)]
                work_email = f"{ascii_names[first.split(' ')[0]]}.{ascii_names[last]}{number}@{domain}"
        streets, n_streets, cities, n_cities = profile[6:]
        street = streets[int(rand() * n_streets)]
        house = 1 + int(rand() * rand() * 120)
        shape = rand()
        if shape < 0.5:
            street = f"{street} {house} {stairs[int(shape * 18)]} {1 + int(rand() * 60)}"
        elif shape < 0.6:
            street = f"{street} {house} as {1 + int(rand() * 30)}"
        else:
            street = f"{street} {house}"
        city, codes, n_codes = cities[int(rand() * n_cities)]
        code = codes[int(rand() * n_codes)]
        phone = (
            f"+358{mobiles[int(rand() * n_mobiles)]}{int(rand() * 10_000_000):07d}" if rand() < 0.88 else None
        )
        second_phone = None
        if phone is not None and rand() < 0.15:
            second_phone = f"+358{mobiles[int(rand() * n_mobiles)]}{int(rand() * 10_000_000):07d}"
            if second_phone == phone:
                second_phone = None
        second_address = None
        if rand() < 0.08:
            city2, codes2, n_codes2 = cities[int(rand() * n_cities)]
            street2 = f"{streets[int(rand() * n_streets)]} {1 + int(rand() * 40)}"
            if street2 != street:
                second_address = (
                    second_kinds[int(rand() * 3)],
                    street2,
                    codes2[int(rand() * n_codes2)],
                    city2,
                )
        contact_lists = (
            _email_json(email, work_email),
            _phone_json(phone, second_phone),
            _address_json(street, code, city, "work" if kind == "org" else "home", second_address),
        )
        if kind == "org":
            append(("organisation", None, None, None, name, email, phone,
                    street, code, city, "FI", None, language,
                    None, None, None, None, website, tags, *contact_lists))  # fmt: skip
        else:
            append(("person", first, preferred, last, None, email, phone,
                    street, code, city, "FI",
                    fromordinal(birth_first + int(rand() * birth_span)), kind,
                    middle, title, honorific, gender_code, website, tags, *contact_lists))  # fmt: skip
    return rows


def generate_contacts(count, seed=1):
    """Yield ``count`` contact tuples (``COLUMNS`` order), the same ones for the same seed."""
    if count < 0:
        raise ValueError("count must not be negative")
    rng = random.Random(seed)
    done = 0
    while done < count:
        rows = _block(rng, done, _BLOCK)  # always whole blocks: a shorter run is a prefix of a longer one
        if count - done < _BLOCK:
            rows = rows[: count - done]
        done += len(rows)
        yield from rows


def generate_contact_dicts(count, seed=1):
    """Like ``generate_contacts`` but each contact is a dict of column -> value (lists decoded)."""
    for row in generate_contacts(count, seed):
        contact = dict(zip(COLUMNS, row, strict=True))
        for name in JSON_COLUMNS:
            contact[name] = json.loads(contact[name])
        yield contact
