"""Finnish and Swedish texts of the import's English messages (I1): cell errors, row errors, file
errors and why a job stopped. Part of the imports contract: the gateway shows a job's stored English
messages in the user's language with it.

Messages are stored and sent in English (validation.py, cells.py, reading.py); ``translate`` gives
the Finnish or Swedish text for the UI and the error report. Each template's {name} parts match any
text. TEMPLATES: (English, Finnish, Swedish).
"""

import re

TEMPLATES = (
    # cells
    (
        "Not a date (give d.m.yyyy or yyyy-mm-dd).",
        "Ei päivämäärä (anna p.k.vvvv tai vvvv-kk-pp).",
        "Inte ett datum (ange d.m.åååå eller åååå-mm-dd).",
    ),
    (
        "No such date: {value}.",
        "Päivämäärää ei ole: {value}.",
        "Datumet finns inte: {value}.",
    ),
    (
        "A year alone is not a date (give d.m.yyyy or yyyy-mm-dd).",
        "Pelkkä vuosi ei ole päivämäärä (anna p.k.vvvv tai vvvv-kk-pp).",
        "Ett år ensamt är inte ett datum (ange d.m.åååå eller åååå-mm-dd).",
    ),
    (
        "A birth date must be between 1.1.1880 and today.",
        "Syntymäajan on oltava 1.1.1880 ja tämän päivän välillä.",
        "Födelsedatumet ska vara mellan 1.1.1880 och i dag.",
    ),
    (
        "Not a number.",
        "Ei luku.",
        "Inte ett tal.",
    ),
    (
        "Not a number (use one decimal separator, e.g. 1234,5).",
        "Ei luku (käytä yhtä desimaalierotinta, esim. 1234,5).",
        "Inte ett tal (använd ett decimaltecken, t.ex. 1234,5).",
    ),
    (
        "Not a number in the allowed range.",
        "Luku ei ole sallitulla välillä.",
        "Talet är inte inom det tillåtna intervallet.",
    ),
    (
        "Not yes or no (give kyllä/ei, x, 1/0 or true/false).",
        "Ei kyllä tai ei (anna kyllä/ei, x, 1/0 tai true/false).",
        "Inte ja eller nej (ange ja/nej, x, 1/0 eller true/false).",
    ),
    (
        "Not a valid e-mail address: {value}.",
        "Virheellinen sähköpostiosoite: {value}.",
        "E-postadressen är inte giltig: {value}.",
    ),
    (
        "Not a valid phone number: {value}.",
        "Virheellinen puhelinnumero: {value}.",
        "Telefonnumret är inte giltigt: {value}.",
    ),
    (
        "A Finnish postal code has five digits.",
        "Suomalaisessa postinumerossa on viisi numeroa.",
        "Ett finländskt postnummer har fem siffror.",
    ),
    (
        "Too long (at most {count} characters).",
        "Liian pitkä (enintään {count} merkkiä).",
        "För lång (högst {count} tecken).",
    ),
    (
        "Give the country as a two-letter code (e.g. FI, SE) or its name.",
        "Anna maa kaksikirjaimisena koodina (esim. FI, SE) tai nimenä.",
        "Ange landet som en kod med två bokstäver (t.ex. FI, SE) eller med dess namn.",
    ),
    (
        "Not a language Piiri knows (give one of {codes}, or suomi, ruotsi …).",
        "Kieli ei ole Piirin tuntema (anna jokin näistä: {codes}, tai suomi, ruotsi …).",
        "Ett språk som Piiri inte känner (ange ett av {codes}, eller finska, svenska …).",
    ),
    (
        "Give the gender as nainen/mies/muu (female/male/other).",
        "Anna sukupuoli: nainen, mies tai muu.",
        "Ange könet som kvinna/man/annat.",
    ),
    (
        "Give the kind as henkilö or organisaatio (person or organisation).",
        "Anna tyypiksi henkilö tai organisaatio.",
        "Ange typen som person eller organisation.",
    ),
    (
        "Not a web address (http or https).",
        "Ei verkko-osoite (http tai https).",
        "Inte en webbadress (http eller https).",
    ),
    (
        "A tag has at most 40 characters.",
        "Tunnisteessa on enintään 40 merkkiä.",
        "En tagg har högst 40 tecken.",
    ),
    (
        "Not one of the choices: {value} (choices: {choices}).",
        "Ei mikään vaihtoehdoista: {value} (vaihtoehdot: {choices}).",
        "Inte ett av alternativen: {value} (alternativ: {choices}).",
    ),
    (
        "Not one of the choices: {value}.",
        "Ei mikään vaihtoehdoista: {value}.",
        "Inte ett av alternativen: {value}.",
    ),
    (
        "Not a contact id.",
        "Ei yhteystiedon tunniste.",
        "Inte ett id för en kontakt.",
    ),
    # rows and mappings
    (
        "This field is required.",
        "Tämä kenttä on pakollinen.",
        "Detta fält är obligatoriskt.",
    ),
    (
        "An organisation needs a name.",
        "Organisaatiolla on oltava nimi.",
        "En organisation måste ha ett namn.",
    ),
    (
        "A person needs a first or a last name.",
        "Henkilöllä on oltava etu- tai sukunimi.",
        "En person måste ha ett för- eller efternamn.",
    ),
    (
        "The required field {field} has no column.",
        "Pakolliselle kentälle {field} ei ole valittu saraketta.",
        "Det obligatoriska fältet {field} har ingen kolumn.",
    ),
    (
        "No field {field} to import into.",
        "Kenttää {field} ei ole.",
        "Fältet {field} finns inte.",
    ),
    (
        "The column {column} is already imported into this field.",
        "Sarake {column} tuodaan jo tähän kenttään.",
        "Kolumnen {column} importeras redan till det här fältet.",
    ),
    # files (reading.py)
    (
        "The file is empty.",
        "Tiedosto on tyhjä.",
        "Filen är tom.",
    ),
    (
        "The workbook has no sheets.",
        "Työkirjassa ei ole taulukoita.",
        "Arbetsboken har inga blad.",
    ),
    (
        "The sheet '{sheet}' is empty.",
        "Taulukko '{sheet}' on tyhjä.",
        "Bladet '{sheet}' är tomt.",
    ),
    (
        "The sheet has column names but no rows below them.",
        "Taulukossa on sarakeotsikot mutta ei rivejä.",
        "Bladet har kolumnnamn men inga rader under dem.",
    ),
    (
        "The file has column names but no rows below them.",
        "Tiedostossa on sarakeotsikot mutta ei rivejä.",
        "Filen har kolumnnamn men inga rader under dem.",
    ),
    (
        "The workbook has no sheet '{sheet}'; its sheets: {sheets}.",
        "Työkirjassa ei ole taulukkoa '{sheet}'; sen taulukot: {sheets}.",
        "Arbetsboken har inget blad '{sheet}'; dess blad: {sheets}.",
    ),
    (
        "The first row must hold the column names (e.g. Etunimi, Sukunimi, Sähköposti).",
        "Ensimmäisellä rivillä on oltava sarakkeiden nimet (esim. Etunimi, Sukunimi, Sähköposti).",
        "Den första raden ska innehålla kolumnernas namn (t.ex. Förnamn, Efternamn, E-post).",
    ),
    (
        "Each column needs its own name; given more than once: {headers}.",
        "Jokaisella sarakkeella on oltava oma nimensä; useammin kuin kerran: {headers}.",
        "Varje kolumn behöver ett eget namn; angivna mer än en gång: {headers}.",
    ),
    (
        ("The column names are in merged cells ({cells}): unmerge them so each column has its own name."),
        (
            "Sarakkeiden nimet ovat yhdistetyissä soluissa ({cells}): pura yhdistäminen, jotta "
            "jokaisella sarakkeella on oma nimensä."
        ),
        (
            "Kolumnnamnen finns i sammanslagna celler ({cells}): dela upp dem så att varje kolumn "
            "har ett eget namn."
        ),
    ),
    (
        (
            "Cell {cells} has a formula whose value was never computed. Open the file in Excel or "
            "LibreOffice and save it, or paste the values only."
        ),
        (
            "Solussa {cells} on kaava, jonka arvoa ei ole laskettu. Avaa tiedosto Excelissä tai "
            "LibreOfficessa ja tallenna se, tai liitä pelkät arvot."
        ),
        (
            "Cellen {cells} har en formel vars värde aldrig har beräknats. Öppna filen i Excel "
            "eller LibreOffice och spara den, eller klistra in enbart värdena."
        ),
    ),
    (
        "The file has {count} rows; one import takes at most {limit}. Split the file.",
        ("Tiedostossa on {count} riviä; yhdessä tuonnissa voi olla enintään {limit}. Jaa tiedosto osiin."),
        "Filen har {count} rader; en import får ha högst {limit}. Dela upp filen.",
    ),
    (
        "The Excel file is damaged or was not uploaded whole (it cannot be opened).",
        "Excel-tiedosto on vioittunut tai se ei siirtynyt kokonaan (sitä ei voi avata).",
        "Excel-filen är skadad eller laddades inte upp helt (den kan inte öppnas).",
    ),
    (
        "The Excel file is damaged or was not uploaded whole ({reason}).",
        "Excel-tiedosto on vioittunut tai se ei siirtynyt kokonaan ({reason}).",
        "Excel-filen är skadad eller laddades inte upp helt ({reason}).",
    ),
    (
        "The Excel file is damaged and cannot be read ({reason}).",
        "Excel-tiedosto on vioittunut eikä sitä voi lukea ({reason}).",
        "Excel-filen är skadad och kan inte läsas ({reason}).",
    ),
    (
        "The file is named .xlsx but is not an Excel workbook.",
        "Tiedoston nimi päättyy .xlsx, mutta se ei ole Excel-työkirja.",
        "Filen heter .xlsx men är inte en Excel-arbetsbok.",
    ),
    (
        "This zip file is not an Excel workbook: upload an .xlsx, .csv or .vcf file.",
        "Tämä zip-tiedosto ei ole Excel-työkirja: lataa .xlsx-, .csv- tai .vcf-tiedosto.",
        "Den här zip-filen är inte en Excel-arbetsbok: ladda upp en .xlsx-, .csv- eller .vcf-fil.",
    ),
    (
        ("This is an old Excel (.xls) or other Office file: save it as .xlsx (Excel workbook) or CSV."),
        ("Tämä on vanha Excel-tiedosto (.xls) tai muu Office-tiedosto: tallenna se muodossa .xlsx tai CSV."),
        (
            "Det här är en gammal Excel-fil (.xls) eller en annan Office-fil: spara den som .xlsx "
            "(Excel-arbetsbok) eller CSV."
        ),
    ),
    (
        "This is a picture, not a spreadsheet: upload an .xlsx, .csv or .vcf file.",
        "Tämä on kuva eikä taulukko: lataa .xlsx-, .csv- tai .vcf-tiedosto.",
        "Det här är en bild, inte ett kalkylblad: ladda upp en .xlsx-, .csv- eller .vcf-fil.",
    ),
    (
        "This is a PDF document, not a spreadsheet: upload an .xlsx, .csv or .vcf file.",
        "Tämä on PDF-asiakirja eikä taulukko: lataa .xlsx-, .csv- tai .vcf-tiedosto.",
        ("Det här är ett PDF-dokument, inte ett kalkylblad: ladda upp en .xlsx-, .csv- eller .vcf-fil."),
    ),
    (
        "This is not a spreadsheet: upload an .xlsx, .csv or .vcf file.",
        "Tämä ei ole taulukko: lataa .xlsx-, .csv- tai .vcf-tiedosto.",
        "Det här är inte ett kalkylblad: ladda upp en .xlsx-, .csv- eller .vcf-fil.",
    ),
    (
        "This is not a text (CSV) file: upload .xlsx, .csv or .vcf.",
        "Tämä ei ole tekstitiedosto (CSV): lataa .xlsx, .csv tai .vcf.",
        "Det här är inte en textfil (CSV): ladda upp .xlsx, .csv eller .vcf.",
    ),
    (
        ("The text is not valid {encoding} (line {line}, byte {position}). Save the file as CSV UTF-8."),
        (
            "Teksti ei ole kelvollista {encoding}-merkistöä (rivi {line}, tavu {position}). "
            "Tallenna tiedosto muodossa CSV UTF-8."
        ),
        ("Texten är inte giltig {encoding} (rad {line}, byte {position}). Spara filen som CSV UTF-8."),
    ),
    (
        (
            "The file mixes character encodings: line {utf8_line} is UTF-8 but line {line} is not. "
            "Save the whole file as CSV UTF-8."
        ),
        (
            "Tiedostossa on sekaisin eri merkistöjä: rivi {utf8_line} on UTF-8-muodossa, mutta rivi "
            "{line} ei ole. Tallenna koko tiedosto muodossa CSV UTF-8."
        ),
        (
            "Filen blandar teckenkodningar: rad {utf8_line} är UTF-8 men rad {line} är det inte. "
            "Spara hela filen som CSV UTF-8."
        ),
    ),
    # the limits of a file (limits.py, issue 12 item 1)
    (
        "The file is larger than {limit} MB, the largest file one import takes.",
        "Tiedosto on suurempi kuin {limit} Mt, suurin yhteen tuontiin sopiva tiedosto.",
        "Filen är större än {limit} MB, den största fil en import tar emot.",
    ),
    (
        "The Excel file has {count} parts; at most {limit} are allowed.",
        "Excel-tiedostossa on {count} osaa; enintään {limit} on sallittu.",
        "Excel-filen har {count} delar; högst {limit} är tillåtna.",
    ),
    (
        "The part {part} of the Excel file unpacks to {size} MB; at most {limit} MB is allowed.",
        ("Excel-tiedoston osa {part} purkautuu {size} megatavuksi; enintään {limit} Mt on sallittu."),
        "Delen {part} i Excel-filen packas upp till {size} MB; högst {limit} MB är tillåtet.",
    ),
    (
        "The Excel file unpacks to {size} MB; at most {limit} MB is allowed.",
        "Excel-tiedosto purkautuu {size} megatavuksi; enintään {limit} Mt on sallittu.",
        "Excel-filen packas upp till {size} MB; högst {limit} MB är tillåtet.",
    ),
    (
        (
            "The part {part} of the Excel file is compressed {ratio} times; at most {limit} is "
            "allowed (this looks like a zip bomb)."
        ),
        (
            "Excel-tiedoston osa {part} on pakattu {ratio}-kertaisesti; enintään {limit} on "
            "sallittu (tiedosto näyttää zip-pommilta)."
        ),
        (
            "Delen {part} i Excel-filen är komprimerad {ratio} gånger; högst {limit} är tillåtet "
            "(det här ser ut som en zip-bomb)."
        ),
    ),
    (
        "The Excel file holds a part that no workbook has ({part}).",
        "Excel-tiedostossa on osa, jota työkirjoissa ei ole ({part}).",
        "Excel-filen innehåller en del som ingen arbetsbok har ({part}).",
    ),
    (
        ("The parts of the Excel file overlap each other ({part}): this is a zip bomb or a damaged file."),
        "Excel-tiedoston osat menevät päällekkäin ({part}): tiedosto on zip-pommi tai vioittunut.",
        ("Delarna i Excel-filen överlappar varandra ({part}): det här är en zip-bomb eller en skadad fil."),
    ),
    (
        (
            "The part {part} of the Excel file declares XML entities (DOCTYPE); workbooks never do, "
            "and they can make a file expand without end."
        ),
        (
            "Excel-tiedoston osa {part} määrittelee XML-entiteettejä (DOCTYPE); työkirjoissa niitä "
            "ei ole, ja niillä tiedoston voi paisuttaa loputtomiin."
        ),
        (
            "Delen {part} i Excel-filen definierar XML-entiteter (DOCTYPE); arbetsböcker gör aldrig "
            "det, och de kan få en fil att växa utan slut."
        ),
    ),
    (
        "The part {part} of the Excel file has no XML element in its first {size} KB.",
        "Excel-tiedoston osan {part} ensimmäisissä {size} kilotavussa ei ole XML-elementtiä.",
        "Delen {part} i Excel-filen har inget XML-element i sina första {size} KB.",
    ),
    (
        (
            "The sheet '{sheet}' claims {rows} rows and {columns} columns; a spreadsheet has at "
            "most {max_rows} rows and {max_columns} columns."
        ),
        (
            "Taulukko '{sheet}' väittää sisältävänsä {rows} riviä ja {columns} saraketta; "
            "taulukossa voi olla enintään {max_rows} riviä ja {max_columns} saraketta."
        ),
        (
            "Bladet '{sheet}' uppger {rows} rader och {columns} kolumner; ett kalkylblad har högst "
            "{max_rows} rader och {max_columns} kolumner."
        ),
    ),
    (
        "Line {line} has {columns} columns; at most {limit} are allowed.",
        "Rivillä {line} on {columns} saraketta; enintään {limit} on sallittu.",
        "Rad {line} har {columns} kolumner; högst {limit} är tillåtna.",
    ),
    (
        "The sheet '{sheet}' has {columns} columns; at most {limit} are allowed.",
        "Taulukossa '{sheet}' on {columns} saraketta; enintään {limit} on sallittu.",
        "Bladet '{sheet}' har {columns} kolumner; högst {limit} är tillåtna.",
    ),
    (
        "The sheet '{sheet}' has {cells} cells; one import takes at most {limit}. Split the file.",
        (
            "Taulukossa '{sheet}' on {cells} solua; yhdessä tuonnissa voi olla enintään {limit}. "
            "Jaa tiedosto osiin."
        ),
        "Bladet '{sheet}' har {cells} celler; en import får ha högst {limit}. Dela upp filen.",
    ),
    (
        "The file has {cells} cells; one import takes at most {limit}. Split the file.",
        ("Tiedostossa on {cells} solua; yhdessä tuonnissa voi olla enintään {limit}. Jaa tiedosto osiin."),
        "Filen har {cells} celler; en import får ha högst {limit}. Dela upp filen.",
    ),
    (
        "Line {line} of the CSV file has {chars} characters; at most {limit} are allowed.",
        "CSV-tiedoston rivillä {line} on {chars} merkkiä; enintään {limit} on sallittu.",
        "Rad {line} i CSV-filen har {chars} tecken; högst {limit} är tillåtna.",
    ),
    (
        "Line {line} of the vCard file has {chars} characters; at most {limit} are allowed.",
        "vCard-tiedoston rivillä {line} on {chars} merkkiä; enintään {limit} on sallittu.",
        "Rad {line} i vCard-filen har {chars} tecken; högst {limit} är tillåtna.",
    ),
    (
        (
            "Line {line} of the file holds a NUL byte, which no text file has: this is not a CSV or "
            "vCard file."
        ),
        (
            "Tiedoston rivillä {line} on NUL-tavu, jota tekstitiedostoissa ei ole: tämä ei ole CSV- "
            "eikä vCard-tiedosto."
        ),
        (
            "Rad {line} i filen innehåller en NUL-byte, som ingen textfil har: det här är inte en "
            "CSV- eller vCard-fil."
        ),
    ),
    (
        ("The file has more than {limit} contact cards; one import takes at most {count}. Split the file."),
        (
            "Tiedostossa on yli {limit} käyntikorttia; yhdessä tuonnissa voi olla enintään {count}. "
            "Jaa tiedosto osiin."
        ),
        "Filen har fler än {limit} visitkort; en import får ha högst {count}. Dela upp filen.",
    ),
    (
        (
            "The contact card starting on line {line} has more than {limit} lines; at most {count} "
            "are allowed."
        ),
        ("Rivillä {line} alkavassa käyntikortissa on yli {limit} riviä; enintään {count} on sallittu."),
        ("Visitkortet som börjar på rad {line} har fler än {limit} rader; högst {count} är tillåtna."),
    ),
    (
        "The file could not be read ({reason}).",
        "Tiedostoa ei voitu lukea ({reason}).",
        "Filen kunde inte läsas ({reason}).",
    ),
    (
        "The CSV file is broken near row {row}: {reason}.",
        "CSV-tiedosto on rikki rivin {row} kohdalla: {reason}.",
        "CSV-filen är trasig nära rad {row}: {reason}.",
    ),
    # a job that failed (worker.py) or was refused by the contacts service (issue 13 item 7: the page
    # says in the user's language why an import stopped)
    (
        "The import failed unexpectedly; the error is in the worker's log.",
        "Tuonti epäonnistui odottamatta; virhe on kirjattu tuontipalvelun lokiin.",
        "Importen misslyckades oväntat; felet finns i importtjänstens logg.",
    ),
    (
        "{count} rows have errors; nothing was imported.",
        "{count} rivillä on virheitä; mitään ei tuotu.",
        "{count} rader har fel; inget importerades.",
    ),
    (
        "{count} rows are not valid; nothing was imported.",
        "{count} rivillä on virheitä; mitään ei tuotu.",
        "{count} rader har fel; inget importerades.",
    ),
    (
        "Some rows cannot be imported; nothing was imported.",
        "Joitakin rivejä ei voi tuoda; mitään ei tuotu.",
        "Vissa rader kan inte importeras; inget importerades.",
    ),
    (
        "Row {row}: some custom fields are not valid; nothing was imported.",
        "Rivi {row}: joidenkin lisäkenttien arvot eivät kelpaa; mitään ei tuotu.",
        "Rad {row}: några extrafält är inte giltiga; inget importerades.",
    ),
    (
        "This import was undone; no more of its rows are taken.",
        "Tuonti on kumottu; sen rivejä ei enää oteta vastaan.",
        "Importen har ångrats; inga fler av dess rader tas emot.",
    ),
    (
        "No such group to add the imported contacts to.",
        "Ryhmää, johon tuodut yhteystiedot lisättäisiin, ei ole.",
        "Gruppen som de importerade kontakterna skulle läggas till i finns inte.",
    ),
    (
        "Chunk {done} of this import is not committed; {next} waits for it.",
        "Tuonnin osa {done} ei ole valmis; osa {next} odottaa sitä.",
        "Del {done} av importen är inte klar; del {next} väntar på den.",
    ),
    (
        "The file has no contact cards (BEGIN:VCARD … END:VCARD).",
        "Tiedostossa ei ole käyntikortteja (BEGIN:VCARD … END:VCARD).",
        "Filen har inga visitkort (BEGIN:VCARD … END:VCARD).",
    ),
    (
        "The vCard file is broken: a card starting on line {line} has no END:VCARD.",
        "vCard-tiedosto on rikki: rivillä {line} alkavalla kortilla ei ole END:VCARD-riviä.",
        "vCard-filen är trasig: ett kort som börjar på rad {line} har ingen END:VCARD.",
    ),
)


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{\w+\})", template)
    pattern = "".join(f"(?P<{part[1:-1]}>.+?)" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(f"^{pattern}$", re.S)


LANGUAGE_COLUMN = {"fi": 1, "sv": 2}
_COMPILED = [(_compile(template[0]), template) for template in TEMPLATES]
_EXACT = {template[0]: template for template in TEMPLATES if "{" not in template[0]}


def translate(message: str, language: str = "fi") -> str:
    """The message in ``language`` ('fi', 'sv' or 'en'); an unknown message is returned as it is."""
    column = LANGUAGE_COLUMN.get(language)
    if column is None or not message:
        return message
    if message in _EXACT:
        return _EXACT[message][column]
    for pattern, template in _COMPILED:
        match = pattern.match(message)
        if match:
            return template[column].format(**match.groupdict())
    return message
