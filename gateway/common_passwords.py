"""The words and passwords most often guessed first (issue 12 item 7c), bundled with Piiri.

gateway/security.py refuses a password that, after folding (lower case, no spaces, common digit/symbol
substitutions undone, digits and symbols around it removed), is one of these or one of them repeated:
``Salasana2024!``, ``P@ssw0rd1234`` and ``kissakissakissa`` are all refused. Drawn from the published
lists of the most common passwords, with the Finnish words that appear in Finnish leaks.
"""

COMMON_WORDS = frozenset(
    """
    password passwort passe passw pass admin administrator root user login welcome letmein
    qwerty qwertz azerty qwertyuiop asdfgh asdfghjkl zxcvbnm qazwsx qwe asd zxc abc abcd
    iloveyou loveyou love lover loveme hello hellothere secret secrets master masterkey
    dragon monkey shadow sunshine princess football baseball basketball soccer hockey
    superman batman spiderman starwars pokemon minecraft whatever trustno trustnoone
    freedom flower michael jennifer jordan hunter harley ranger buster charlie andrew
    thomas robert daniel george jessica michelle maggie ginger summer winter autumn spring
    computer internet cheese pepper cookie chocolate killer ninja mustang corvette ferrari
    access changeme default guest test tester testing demo sample example temp temporary
    passpass adminadmin rootroot useruser qwertyqwerty
    salasana salis salainen tunnus kayttaja kirjaudu tervetuloa moikka moi terve hei heippa
    kissa koira kisu hauva mummo mummi vaari ukki pappa aiti isi aurinko kuu tahti rakkaus
    rakastan sydan kulta kultaseni muru perkele saatana jumala helvetti suomi suomi100
    finland suomenlinna helsinki espoo tampere vantaa oulu turku jyvaskyla lahti kuopio
    pori joensuu lappeenranta hameenlinna vaasa rovaniemi seinajoki kotka salo porvoo
    kesa talvi syksy kevat juhannus joulu joulupukki sauna sisu leijonat jaakiekko
    jalkapallo salibandy hiihto pesapallo kalle ville jussi mikko matti pekka juha timo
    jari antti sami heikki markku petri janne tuomas anna maria liisa aino emma sofia
    laura sanna minna tiina johanna kukkuu kukkaro piiri yhdistys jasen jasenrekisteri
    seura kerho rekisteri toimisto sihteeri puheenjohtaja rahastonhoitaja
    """.split()
)

# Whole passwords of twelve or more characters that the rules above do not already catch.
COMMON_PASSWORDS = frozenset(
    """
    1qaz2wsx3edc 1q2w3e4r5t6y 1q2w3e4r5t6y7u 1q2w3e4r5t6y7u8i 1qaz2wsx3edc4rfv qazwsxedcrfv
    qwertyuiopasdfgh zaq12wsxcde3 zaq1zaq1zaq1 q1w2e3r4t5y6 a1b2c3d4e5f6 passwordpassword
    iloveyouiloveyou correcthorsebatterystaple hyvaapaivaa hyvaapaivaa1
    mypassword123 mysecretpassword thisismypassword letmeinplease opensesame opensesame123
    """.split()
)
