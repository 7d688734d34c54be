"""Finnish texts of the import's English messages (I1): cell errors, row errors and file errors.
Part of the imports contract: the gateway shows a job's stored English messages in Finnish with it.

Messages are stored and sent in English (validation.py, cells.py, reading.py); ``translate`` gives
the Finnish text for the UI and the error report. Each template's {name} parts match any text.
"""

import re

TEMPLATES = (
    # cells
    ("Not a date (give d.m.yyyy or yyyy-mm-dd).", "Ei päivämäärä (anna p.k.vvvv tai vvvv-kk-pp)."),
    ("No such date: {value}.", "Päivämäärää ei ole: {value}."),
    (
        "A year alone is not a date (give d.m.yyyy or yyyy-mm-dd).",
        "Pelkkä vuosi ei ole päivämäärä (anna p.k.vvvv tai vvvv-kk-pp).",
    ),
    (
        "A birth date must be between 1.1.1880 and today.",
        "Syntymäajan on oltava 1.1.1880 ja tämän päivän välillä.",
    ),
    ("Not a number.", "Ei luku."),
    (
        "Not a number (use one decimal separator, e.g. 1234,5).",
        "Ei luku (käytä yhtä desimaalierotinta, esim. 1234,5).",
    ),
    ("Not a number in the allowed range.", "Luku ei ole sallitulla välillä."),
    (
        "Not yes or no (give kyllä/ei, x, 1/0 or true/false).",
        "Ei kyllä tai ei (anna kyllä/ei, x, 1/0 tai true/false).",
    ),
    ("Not a valid e-mail address: {value}.", "Virheellinen sähköpostiosoite: {value}."),
    ("Not a valid phone number: {value}.", "Virheellinen puhelinnumero: {value}."),
    ("A Finnish postal code has five digits.", "Suomalaisessa postinumerossa on viisi numeroa."),
    ("Too long (at most {count} characters).", "Liian pitkä (enintään {count} merkkiä)."),
    (
        "Give the country as a two-letter code (e.g. FI, SE) or its name.",
        "Anna maa kaksikirjaimisena koodina (esim. FI, SE) tai nimenä.",
    ),
    (
        "Not a language Piiri knows (give one of {codes}, or suomi, ruotsi …).",
        "Kieli ei ole Piirin tuntema (anna jokin näistä: {codes}, tai suomi, ruotsi …).",
    ),
    ("Give the gender as nainen/mies/muu (female/male/other).", "Anna sukupuoli: nainen, mies tai muu."),
    (
        "Give the kind as henkilö or organisaatio (person or organisation).",
        "Anna tyypiksi henkilö tai organisaatio.",
    ),
    ("Not a web address (http or https).", "Ei verkko-osoite (http tai https)."),
    ("A tag has at most 40 characters.", "Tunnisteessa on enintään 40 merkkiä."),
    (
        "Not one of the choices: {value} (choices: {choices}).",
        "Ei mikään vaihtoehdoista: {value} (vaihtoehdot: {choices}).",
    ),
    ("Not one of the choices: {value}.", "Ei mikään vaihtoehdoista: {value}."),
    ("Not a contact id.", "Ei yhteystiedon tunniste."),
    # rows and mappings
    ("This field is required.", "Tämä kenttä on pakollinen."),
    ("An organisation needs a name.", "Organisaatiolla on oltava nimi."),
    ("A person needs a first or a last name.", "Henkilöllä on oltava etu- tai sukunimi."),
    ("The required field {field} has no column.", "Pakolliselle kentälle {field} ei ole valittu saraketta."),
    ("No field {field} to import into.", "Kenttää {field} ei ole."),
    (
        "The column {column} is already imported into this field.",
        "Sarake {column} tuodaan jo tähän kenttään.",
    ),
    # files (reading.py)
    ("The file is empty.", "Tiedosto on tyhjä."),
    ("The workbook has no sheets.", "Työkirjassa ei ole taulukoita."),
    ("The sheet '{sheet}' is empty.", "Taulukko '{sheet}' on tyhjä."),
    ("The sheet has column names but no rows below them.", "Taulukossa on sarakeotsikot mutta ei rivejä."),
    ("The file has column names but no rows below them.", "Tiedostossa on sarakeotsikot mutta ei rivejä."),
    (
        "The workbook has no sheet '{sheet}'; its sheets: {sheets}.",
        "Työkirjassa ei ole taulukkoa '{sheet}'; sen taulukot: {sheets}.",
    ),
    (
        "The first row must hold the column names (e.g. Etunimi, Sukunimi, Sähköposti).",
        "Ensimmäisellä rivillä on oltava sarakkeiden nimet (esim. Etunimi, Sukunimi, Sähköposti).",
    ),
    (
        "Each column needs its own name; given more than once: {headers}.",
        "Jokaisella sarakkeella on oltava oma nimensä; useammin kuin kerran: {headers}.",
    ),
    (
        "The column names are in merged cells ({cells}): unmerge them so each column has its own name.",
        "Sarakkeiden nimet ovat yhdistetyissä soluissa ({cells}): pura yhdistäminen, jotta jokaisella "
        "sarakkeella on oma nimensä.",
    ),
    (
        "Cell {cells} has a formula whose value was never computed. Open the file in Excel or LibreOffice "
        "and save it, or paste the values only.",
        "Solussa {cells} on kaava, jonka arvoa ei ole laskettu. Avaa tiedosto Excelissä tai LibreOfficessa "
        "ja tallenna se, tai liitä pelkät arvot.",
    ),
    (
        "The file has {count} rows; one import takes at most {limit}. Split the file.",
        "Tiedostossa on {count} riviä; yhdessä tuonnissa voi olla enintään {limit}. Jaa tiedosto osiin.",
    ),
    (
        "The Excel file is damaged or was not uploaded whole (it cannot be opened).",
        "Excel-tiedosto on vioittunut tai se ei siirtynyt kokonaan (sitä ei voi avata).",
    ),
    (
        "The Excel file is damaged or was not uploaded whole ({reason}).",
        "Excel-tiedosto on vioittunut tai se ei siirtynyt kokonaan ({reason}).",
    ),
    (
        "The Excel file is damaged and cannot be read ({reason}).",
        "Excel-tiedosto on vioittunut eikä sitä voi lukea ({reason}).",
    ),
    (
        "The file is named .xlsx but is not an Excel workbook.",
        "Tiedoston nimi päättyy .xlsx, mutta se ei ole Excel-työkirja.",
    ),
    (
        "This zip file is not an Excel workbook: upload an .xlsx, .csv or .vcf file.",
        "Tämä zip-tiedosto ei ole Excel-työkirja: lataa .xlsx-, .csv- tai .vcf-tiedosto.",
    ),
    (
        "This is an old Excel (.xls) or other Office file: save it as .xlsx (Excel workbook) or CSV.",
        "Tämä on vanha Excel-tiedosto (.xls) tai muu Office-tiedosto: tallenna se muodossa .xlsx tai CSV.",
    ),
    (
        "This is a picture, not a spreadsheet: upload an .xlsx, .csv or .vcf file.",
        "Tämä on kuva eikä taulukko: lataa .xlsx-, .csv- tai .vcf-tiedosto.",
    ),
    (
        "This is a PDF document, not a spreadsheet: upload an .xlsx, .csv or .vcf file.",
        "Tämä on PDF-asiakirja eikä taulukko: lataa .xlsx-, .csv- tai .vcf-tiedosto.",
    ),
    (
        "This is not a spreadsheet: upload an .xlsx, .csv or .vcf file.",
        "Tämä ei ole taulukko: lataa .xlsx-, .csv- tai .vcf-tiedosto.",
    ),
    (
        "This is not a text (CSV) file: upload .xlsx, .csv or .vcf.",
        "Tämä ei ole tekstitiedosto (CSV): lataa .xlsx, .csv tai .vcf.",
    ),
    (
        "The text is not valid {encoding} (line {line}, byte {position}). Save the file as CSV UTF-8.",
        "Teksti ei ole kelvollista {encoding}-merkistöä (rivi {line}, tavu {position}). "
        "Tallenna tiedosto muodossa CSV UTF-8.",
    ),
    (
        "The file mixes character encodings: line {utf8_line} is UTF-8 but line {line} is not. "
        "Save the whole file as CSV UTF-8.",
        "Tiedostossa on sekaisin eri merkistöjä: rivi {utf8_line} on UTF-8-muodossa, mutta rivi {line} "
        "ei ole. Tallenna koko tiedosto muodossa CSV UTF-8.",
    ),
    # the limits of a file (limits.py, issue 12 item 1)
    (
        "The file is larger than {limit} MB, the largest file one import takes.",
        "Tiedosto on suurempi kuin {limit} Mt, suurin yhteen tuontiin sopiva tiedosto.",
    ),
    (
        "The Excel file has {count} parts; at most {limit} are allowed.",
        "Excel-tiedostossa on {count} osaa; enintään {limit} on sallittu.",
    ),
    (
        "The part {part} of the Excel file unpacks to {size} MB; at most {limit} MB is allowed.",
        "Excel-tiedoston osa {part} purkautuu {size} megatavuksi; enintään {limit} Mt on sallittu.",
    ),
    (
        "The Excel file unpacks to {size} MB; at most {limit} MB is allowed.",
        "Excel-tiedosto purkautuu {size} megatavuksi; enintään {limit} Mt on sallittu.",
    ),
    (
        "The part {part} of the Excel file is compressed {ratio} times; at most {limit} is allowed "
        "(this looks like a zip bomb).",
        "Excel-tiedoston osa {part} on pakattu {ratio}-kertaisesti; enintään {limit} on sallittu "
        "(tiedosto näyttää zip-pommilta).",
    ),
    (
        "The Excel file holds a part that no workbook has ({part}).",
        "Excel-tiedostossa on osa, jota työkirjoissa ei ole ({part}).",
    ),
    (
        "The parts of the Excel file overlap each other ({part}): this is a zip bomb or a damaged file.",
        "Excel-tiedoston osat menevät päällekkäin ({part}): tiedosto on zip-pommi tai vioittunut.",
    ),
    (
        "The part {part} of the Excel file declares XML entities (DOCTYPE); workbooks never do, and they "
        "can make a file expand without end.",
        "Excel-tiedoston osa {part} määrittelee XML-entiteettejä (DOCTYPE); työkirjoissa niitä ei ole, ja "
        "niillä tiedoston voi paisuttaa loputtomiin.",
    ),
    (
        "The part {part} of the Excel file has no XML element in its first {size} KB.",
        "Excel-tiedoston osan {part} ensimmäisissä {size} kilotavussa ei ole XML-elementtiä.",
    ),
    (
        "The sheet '{sheet}' claims {rows} rows and {columns} columns; a spreadsheet has at most "
        "{max_rows} rows and {max_columns} columns.",
        "Taulukko '{sheet}' väittää sisältävänsä {rows} riviä ja {columns} saraketta; taulukossa voi olla "
        "enintään {max_rows} riviä ja {max_columns} saraketta.",
    ),
    (
        "Line {line} has {columns} columns; at most {limit} are allowed.",
        "Rivillä {line} on {columns} saraketta; enintään {limit} on sallittu.",
    ),
    (
        "The sheet '{sheet}' has {columns} columns; at most {limit} are allowed.",
        "Taulukossa '{sheet}' on {columns} saraketta; enintään {limit} on sallittu.",
    ),
    (
        "The sheet '{sheet}' has {cells} cells; one import takes at most {limit}. Split the file.",
        "Taulukossa '{sheet}' on {cells} solua; yhdessä tuonnissa voi olla enintään {limit}. "
        "Jaa tiedosto osiin.",
    ),
    (
        "The file has {cells} cells; one import takes at most {limit}. Split the file.",
        "Tiedostossa on {cells} solua; yhdessä tuonnissa voi olla enintään {limit}. Jaa tiedosto osiin.",
    ),
    (
        "Line {line} of the CSV file has {chars} characters; at most {limit} are allowed.",
        "CSV-tiedoston rivillä {line} on {chars} merkkiä; enintään {limit} on sallittu.",
    ),
    (
        "Line {line} of the vCard file has {chars} characters; at most {limit} are allowed.",
        "vCard-tiedoston rivillä {line} on {chars} merkkiä; enintään {limit} on sallittu.",
    ),
    (
        "Line {line} of the file holds a NUL byte, which no text file has: this is not a CSV or vCard file.",
        "Tiedoston rivillä {line} on NUL-tavu, jota tekstitiedostoissa ei ole: tämä ei ole CSV- eikä "
        "vCard-tiedosto.",
    ),
    (
        "The file has more than {limit} contact cards; one import takes at most {count}. Split the file.",
        "Tiedostossa on yli {limit} käyntikorttia; yhdessä tuonnissa voi olla enintään {count}. "
        "Jaa tiedosto osiin.",
    ),
    (
        "The contact card starting on line {line} has more than {limit} lines; at most {count} are allowed.",
        "Rivillä {line} alkavassa käyntikortissa on yli {limit} riviä; enintään {count} on sallittu.",
    ),
    (
        "The file could not be read ({reason}).",
        "Tiedostoa ei voitu lukea ({reason}).",
    ),
    (
        "The CSV file is broken near row {row}: {reason}.",
        "CSV-tiedosto on rikki rivin {row} kohdalla: {reason}.",
    ),
    (
        "The file has no contact cards (BEGIN:VCARD … END:VCARD).",
        "Tiedostossa ei ole käyntikortteja (BEGIN:VCARD … END:VCARD).",
    ),
    (
        "The vCard file is broken: a card starting on line {line} has no END:VCARD.",
        "vCard-tiedosto on rikki: rivillä {line} alkavalla kortilla ei ole END:VCARD-riviä.",
    ),
)


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{\w+\})", template)
    pattern = "".join(f"(?P<{part[1:-1]}>.+?)" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(f"^{pattern}$", re.S)


_COMPILED = [(_compile(english), finnish) for english, finnish in TEMPLATES]
_EXACT = {english: finnish for english, finnish in TEMPLATES if "{" not in english}


def translate(message: str, language: str = "fi") -> str:
    """The message in ``language`` ('fi' or 'en'); an unknown message is returned as it is."""
    if language != "fi" or not message:
        return message
    if message in _EXACT:
        return _EXACT[message]
    for pattern, finnish in _COMPILED:
        match = pattern.match(message)
        if match:
            return finnish.format(**match.groupdict())
    return message
