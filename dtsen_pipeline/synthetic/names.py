"""Synthetic Indonesian person names (vectorised) and realistic name variants.

Name pools
----------
* Faker's ``id_ID`` person provider, read as class attributes (no Faker instance):
  ``first_names_male`` / ``first_names_female`` for given names and ``last_names_male`` /
  ``last_names_female`` (the two halves of ``last_names``) for second words. Faker names written
  with a pre-1972 digraph (OE, DJ, TJ, SJ, CH: e.g. PUDJIASTUTI, CHANDRA) are dropped so that every
  pool is in modern EYD spelling and old spelling only enters through :func:`old_spelling`.
* Curated lists in this module: Javanese single names (SUTARNO, TUKIYEM ...), Javanese leading and
  trailing name parts (SRI, AGUS ... / SETIAWAN, LESTARI ...), Islamic given names, the names
  that follow ABDUL, Christian given names of East Nusa Tenggara (NTT) and NTT marga (clan
  surnames, :data:`NTT_MARGA`).

Every pool is upper case (as Dukcapil stores names) and deduplicated.

Name styles (:data:`STYLES`)
----------------------------
* ``jawa``: many single names (65 % of people born before 1970, 45 % of those born 1970-1989, 25 %
  of younger people), otherwise MUHAMMAD / SITI / NUR + a Javanese name, Javanese two-part names
  (SRI SUMARNI, AGUS SETIAWAN) and Faker names; some three-word names.
* ``umum`` (general Indonesian): 10 % single names, otherwise two or three words mostly from the
  Faker pools.
* ``ntt``: 5 % single names, otherwise a Christian given name (sometimes two) + a marga.

:func:`generate_names` draws index arrays per (style, sex, pattern) group and joins words with
numpy object-array addition, so it has no per-person Python loop. The variant functions
(:func:`old_spelling`, :func:`abbreviate`, :func:`spelling_variant`, :func:`add_title`,
:func:`typo`, :func:`case_and_spacing_noise`) change the small subset of source records that
carry a name error; they work name by name, take a numpy Generator where randomness is needed and
leave names they cannot change unchanged.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable

import numpy as np
from faker.providers.person.id_ID import Provider as _FakerID

__all__ = [
    "NTT_MARGA",
    "STYLES",
    "VARIANT_EXAMPLES",
    "abbreviate",
    "add_title",
    "case_and_spacing_noise",
    "generate_names",
    "old_spelling",
    "spelling_variant",
    "typo",
]

STYLES = ("jawa", "ntt", "umum")
"""Name style of a region: Javanese, East Nusa Tenggara, general Indonesian."""

_SEXES = ("L", "P")

# --- curated lists (modern EYD spelling) ---------------------------------------------------------

_JAWA_L = """
SUTARNO SUKIRMAN PAIJO WAGIMAN SUPARDI TUKIMIN SUGIYONO NGADIMAN SUKARNO SUHARTO SUPARMAN SUMARDI
SUTRISNO SUWARNO SUYATNO SUPRIYADI SUPRIYANTO SUNARTO SUMARNO SUDARMAN SUDIRMAN SUKIMAN SUKIJO
SUKIDI SUMADI SUMARTO SUPANGAT SUPARNO SUPRAPTO SURATMAN SURIPTO SURONO SUTIKNO SUTOYO SUWANDI
SUWITO SUYONO SUJATMIKO SUKAMTO SUKADI SUGENG SUGIMAN SUGIYANTO SUKIRNO SUMANTO SURADI SURAJI
SUYADI PAIMIN PAINO PARIMIN PARJO PARNO PARDIYO PONIMAN PONIRAN PONIJO SARIMIN SARIJO SAMIJO
SAMIDI SAMINO SAIMAN SAKIMAN SARDI TUGIYO TUMIJO TUKIJO TUKIRAN TUKINO TUKIMAN TUMIRAN TARNO
TARMIN TARMUJI KASMIN KASIMIN KARYONO KARJO KARSO KASNO KATIMIN KROMO NGATIMIN NGATIJO NGADINO
NGADIRAN NGATMAN NGATNO NGADIMIN MARIMAN MARJUKI MARTONO MUJIONO MUJIMAN WAGIRAN WAGINO WAGIYO
WARSITO WARIMAN WARNO WIJI JUMINO GIYONO GINO SLAMET TEGUH CIPTO CAHYONO YATIMAN
"""
_JAWA_P = """
TUKIYEM SUMARNI WAGIYEM NGATINI SUPARMI PAINEM SRI SUKINAH SUMIYATI SUPARTI SUPRIYATI SUTINAH
SUTARMI SUWARNI SUYATMI SUKARSIH SUKINEM SUMINAH SUMIRAH SUNARSIH SUNARTI SUPINAH SURATMI
SURATINAH SURTINI SUTIYEM SUWARTI SUPRIHATIN SUYATI SUGIYEM SUTIRAH SULASTRI SUMARSIH SUKESI
SUWARSIH SUPIYAH SUKIYEM SUMIYEM PAINAH PAIRAH PARINEM PARIYEM PARMI PARTINAH PONIYEM PONIRAH
PONINAH SARINAH SARMI SAMINEM SAMINAH TUMINAH TUMINI TUKINAH TUKINEM TUGINEM TUMIYEM TARMI
TARSIH KASMI KASINEM KASIYEM KARSINAH KARTINI KATMI NGATIYEM NGADIYEM NGATMI NGADINAH NGATINAH
MARSINAH MARSIH MARYATI MARIYEM MUJINAH MUJIYEM WAGINAH WAGINI WARSINI WARSIYEM WARTINI WARTI
WASINAH WAKINAH JUMINAH JUMILAH JUMIATI JUMIRAH GINEM GIYEM GIYATI RUKMINI LASMI LASIYEM LEGINAH
MURNI MURTINI YATMI YATINAH
"""
# First words of Javanese two-part names (AGUS SETIAWAN, SRI WAHYUNI) and the words that follow.
_LEAD_L = """
AGUS BUDI EKO DWI TRI JOKO BAMBANG HERU EDI ARIF ANDI BAYU DANANG DIDIK HARI IWAN SIGIT TEGUH
WAHYU YUDI ADI BASUKI DODI HENDRO RUDI SLAMET PURNOMO AHMAD
"""
_LEAD_P = """
SRI DWI TRI ENDANG RETNO EKA DEWI TITIK YULI ENI ERNA NINIK SUSI RINI ANIK TUTIK UMI ATIK NANIK
WIWIK ENDAH ARI DIAN NUR
"""
_TAIL_L = """
SETIAWAN SANTOSO WIBOWO PRASETYO HARTONO SUSILO WAHYUDI HIDAYAT NUGROHO PURNOMO KURNIAWAN
SUPRIYANTO SETIADI SUSANTO PRIYANTO RAHARJO SAPUTRO WIDODO SUGIARTO HARYANTO SULISTYO PRAYITNO
WALUYO HANDOKO SUBAGYO MULYONO SUWARNO PRABOWO UTOMO HERMAWAN FIRMANSYAH RIYANTO SETYAWAN
WIJAYA SANTOSA DARMAWAN SURYANTO ARIFIN SAPUTRA NURCAHYO CAHYONO JATMIKO PAMUNGKAS WICAKSONO
SUSANTYO ISMANTO YULIANTO
"""
_TAIL_P = """
LESTARI WAHYUNI RAHAYU WULANDARI HANDAYANI ASTUTI SUSANTI MULYANI RETNOWATI PURWANTI SULISTYOWATI
SUMARNI SUPRIYATI KUSUMAWATI NINGSIH SETYANINGSIH RAHMAWATI WIDAYATI SUNDARI PRATIWI MARYATI
HARYANTI WIDYASTUTI PURNAMASARI YULIANTI SUSILOWATI KURNIASIH NURHAYATI PUJIASTUTI HARTATI
SUGIYANTI INDRIYANI RUSMIYATI SUMIYATI WINARSIH SUPARTINI WIDIYANTI SETYOWATI MURYANI
"""
_ISLAM_L = """
ABDULLAH HASAN HUSEIN ALI RIDWAN YUSUF IBRAHIM ISMAIL ZAINAL SYARIFUDDIN KHAIRUL FAUZI HIDAYAT
ARIF RAHMAT FAJAR SYAMSUDIN SALEH MUSTOFA ZAKARIA HAMZAH ANWAR MAHFUD SOLEH SYAIFUL KHOIRUL
MUKHLIS AKBAR AMIN BURHAN FIKRI HAFIZ ILHAM IQBAL JAMALUDIN KHOLIL LUTFI NASRUDIN RIZAL RIFAI
ROFIQ SUBHAN SYUKRI TAUFIK UMAR USMAN ZULKIFLI FIRDAUS HABIBI ROSYID YAHYA ZUHRI HUDA NAWAWI
FAHMI HANAFI MUHAJIR ASYARI DAHLAN KHOLID
"""
_ISLAM_P = """
AMINAH FATIMAH KHADIJAH AISYAH ZAINAB HALIMAH MAIMUNAH ROHMAH MARYAM SALAMAH NURHAYATI
KHOIRUNNISA ROKHAYAH MUSLIMAH MASITOH ASIYAH HAFSAH JAMILAH MUNAWAROH NAFISAH NURJANAH ROBIAH
ROFIAH SOFIAH SYARIFAH ZULAIKHA HIDAYAH AINI AZIZAH FAUZIAH HASANAH LATIFAH MUTMAINAH KHASANAH
QOMARIYAH MARFUAH ISTIQOMAH KHOLIFAH MUFIDAH ALFIAH MUAWANAH SHOLIHAH ZAHRA RAHMAH
"""
# Names after ABDUL ("servant of ..."): ABDUL RAHMAN, ABDUL GANI.
_ABDUL_TAIL = """
RAHMAN RAHIM MALIK KARIM AZIZ HAMID MAJID LATIF GANI WAHAB HALIM KADIR JALIL SALAM MUIS ROZAK
RASYID HADI SOMAD GAFUR HAKIM KHOLIK MANAN MUTALIB FATAH BASIR
"""
_KRISTEN_L = """
YOHANES YOHANIS YAKOBUS AGUSTINUS PETRUS PAULUS YOSEF MARKUS MATIUS LUKAS FRANSISKUS ANTONIUS
DOMINIKUS BERNARDUS KORNELIUS YULIUS STEFANUS ALOYSIUS ARNOLDUS BENEDIKTUS GABRIEL MIKAEL DANIEL
SAMUEL YOSUA ELIAS ZAKARIAS SIMON ANDREAS FILIPUS TOMAS BARNABAS NIKOLAUS VINSENSIUS KRISTOFORUS
HENDRIKUS YUSTINUS MARTINUS ROBERTUS LAURENSIUS ADRIANUS ABRAHAM ISAK OKTOVIANUS MELKIANUS
YERMIAS DOMINGGUS FREDERIKUS ALFONSUS
"""
_KRISTEN_P = """
MARIA MARTHA MAGDALENA ELISABETH YOHANA AGUSTINA KATARINA FRANSISKA PETRONELA MARGARETA ANASTASIA
BERNADETA VERONIKA ROSALINA YULIANA KRISTINA FILOMENA ANTONIA REGINA LUSIA SUSANA DEBORA RUT
ESTER SARA LIDIA MARIANA YUSTINA SISILIA KORNELIA MARSELINA FLORA TERESIA YOSEFINA SELFINA
OKTOVINA DORKAS NAOMI RAHEL ADRIANA
"""
_MARGA = """
TANESIB BENU NENO TAEK SELAN NUBATONIS BANUNAEK NATONIS NITBANI NINU NABUASA BOIMAU TEFA TALAN
TAOPAN SANAM SAKAN SABUNA KASE KOLO LOPO NAHAK SERAN BRIA KLAU MANAFE MALELAK NDUN PAH HENUK
RIWU KANA LEDE HABA PARERA SEDA WATU MESAKH LAY FANGGIDAE HAUMENI
"""

_PRE_EYD = re.compile("OE|DJ|TJ|SJ|CH")


def _pool(*sources: str | tuple[str, ...]) -> np.ndarray:
    """Upper-case, deduplicated (first occurrence order) object array of EYD names."""
    words = []
    for source in sources:
        words += source.split() if isinstance(source, str) else list(source)
    upper = (w.upper() for w in words)
    return np.array(list(dict.fromkeys(w for w in upper if not _PRE_EYD.search(w))), dtype=object)


NTT_MARGA = tuple(_pool(_MARGA))
"""NTT marga (clan surnames) that end every multi-word ``ntt`` name."""

_POOLS = {
    "first_l": _pool(_FakerID.first_names_male),
    "first_p": _pool(_FakerID.first_names_female),
    "last_l": _pool(_FakerID.last_names_male),
    "last_p": _pool(_FakerID.last_names_female),
    "jawa_l": _pool(_JAWA_L),
    "jawa_p": _pool(_JAWA_P),
    "lead_l": _pool(_LEAD_L),
    "lead_p": _pool(_LEAD_P),
    "tail_l": _pool(_TAIL_L),
    "tail_p": _pool(_TAIL_P),
    "islam_l": _pool(_ISLAM_L),
    "islam_p": _pool(_ISLAM_P),
    "abdul_tail": _pool(_ABDUL_TAIL),
    "kristen_l": _pool(_KRISTEN_L),
    "kristen_p": _pool(_KRISTEN_P),
    "marga": _pool(_MARGA),
}

# Name patterns per (style, sex): (single-word patterns, multi-word patterns), each a tuple of
# (weight, words). A lower-case word is a key of _POOLS; an upper-case word is written as is.
_Patterns = tuple[tuple[float, tuple[str, ...]], ...]
_PATTERNS: dict[tuple[str, str], tuple[_Patterns, _Patterns]] = {
    ("jawa", "L"): (
        ((0.75, ("jawa_l",)), (0.25, ("first_l",))),
        (
            (0.22, ("MUHAMMAD", "jawa_l")),
            (0.06, ("MUHAMMAD", "islam_l")),
            (0.06, ("AHMAD", "jawa_l")),
            (0.05, ("NUR", "islam_l")),
            (0.05, ("ABDUL", "abdul_tail")),
            (0.20, ("lead_l", "tail_l")),
            (0.10, ("jawa_l", "tail_l")),
            (0.12, ("first_l", "last_l")),
            (0.04, ("islam_l", "last_l")),
            (0.06, ("MUHAMMAD", "first_l", "tail_l")),
            (0.04, ("lead_l", "first_l", "tail_l")),
        ),
    ),
    ("jawa", "P"): (
        ((0.80, ("jawa_p",)), (0.20, ("first_p",))),
        (
            (0.22, ("SITI", "jawa_p")),
            (0.08, ("SITI", "islam_p")),
            (0.06, ("NUR", "islam_p")),
            (0.04, ("NURUL", "islam_p")),
            (0.22, ("lead_p", "tail_p")),
            (0.08, ("lead_p", "jawa_p")),
            (0.14, ("first_p", "last_p")),
            (0.06, ("first_p", "tail_p")),
            (0.05, ("SITI", "NUR", "islam_p")),
            (0.05, ("lead_p", "first_p", "tail_p")),
        ),
    ),
    ("umum", "L"): (
        ((0.80, ("first_l",)), (0.20, ("islam_l",))),
        (
            (0.40, ("first_l", "last_l")),
            (0.15, ("first_l", "first_l", "last_l")),
            (0.10, ("islam_l", "last_l")),
            (0.10, ("MUHAMMAD", "islam_l")),
            (0.08, ("MUHAMMAD", "first_l", "last_l")),
            (0.05, ("AHMAD", "islam_l")),
            (0.05, ("ABDUL", "abdul_tail")),
            (0.07, ("lead_l", "tail_l")),
        ),
    ),
    ("umum", "P"): (
        ((0.85, ("first_p",)), (0.15, ("islam_p",))),
        (
            (0.42, ("first_p", "last_p")),
            (0.15, ("first_p", "first_p", "last_p")),
            (0.10, ("SITI", "islam_p")),
            (0.08, ("NURUL", "islam_p")),
            (0.10, ("islam_p", "last_p")),
            (0.08, ("SITI", "first_p", "last_p")),
            (0.07, ("lead_p", "tail_p")),
        ),
    ),
    ("ntt", "L"): (
        ((1.0, ("kristen_l",)),),
        (
            (0.55, ("kristen_l", "marga")),
            (0.33, ("kristen_l", "kristen_l", "marga")),
            (0.12, ("first_l", "marga")),
        ),
    ),
    ("ntt", "P"): (
        ((1.0, ("kristen_p",)),),
        (
            (0.55, ("kristen_p", "marga")),
            (0.33, ("kristen_p", "kristen_p", "marga")),
            (0.12, ("first_p", "marga")),
        ),
    ),
}

_SINGLE_SHARE = {"umum": 0.10, "ntt": 0.05}
_JAWA_SINGLE_SHARE = ((1970, 0.65), (1990, 0.45))  # (born before, share); 0.25 for younger
_JAWA_SINGLE_SHARE_YOUNG = 0.25


# --- bulk generation -----------------------------------------------------------------------------


def _check_codes(values: np.ndarray, allowed: tuple[str, ...], what: str) -> None:
    unknown = sorted({str(v) for v in values[~np.isin(values, allowed)].tolist()})
    if unknown:
        raise ValueError(f"unknown {what} value(s) {unknown}; expected one of {allowed}")


def _single_share(style: np.ndarray, birth_year: np.ndarray) -> np.ndarray:
    share = np.where(style == "ntt", _SINGLE_SHARE["ntt"], _SINGLE_SHARE["umum"])
    jawa = np.select(
        [birth_year < born_before for born_before, _ in _JAWA_SINGLE_SHARE],
        [s for _, s in _JAWA_SINGLE_SHARE],
        _JAWA_SINGLE_SHARE_YOUNG,
    )
    return np.where(style == "jawa", jawa, share)


def _compose(rng: np.random.Generator, words: tuple[str, ...], size: int) -> np.ndarray:
    """``size`` names of one pattern; no word repeats within a name."""
    drawn: list[np.ndarray] = []
    for word in words:
        if word.isupper():
            drawn.append(np.full(size, word, dtype=object))
            continue
        pool = _POOLS[word]
        idx = rng.integers(len(pool), size=size)
        while True:
            clash = np.zeros(size, dtype=bool)
            for earlier in drawn:
                clash |= pool[idx] == earlier
            if not clash.any():
                break
            idx[clash] = (idx[clash] + 1) % len(pool)
        drawn.append(pool[idx])
    name = drawn[0]
    for part in drawn[1:]:
        name = name + " " + part
    return name


def _draw(rng: np.random.Generator, patterns: _Patterns, size: int) -> np.ndarray:
    weights = np.array([w for w, _ in patterns])
    which = rng.choice(len(patterns), size=size, p=weights / weights.sum())
    out = np.empty(size, dtype=object)
    for k, (_, words) in enumerate(patterns):
        members = np.flatnonzero(which == k)
        if members.size:
            out[members] = _compose(rng, words, members.size)
    return out


def generate_names(
    rng: np.random.Generator, sex: np.ndarray, style: np.ndarray, birth_year: np.ndarray
) -> np.ndarray:
    """Full upper-case names for people of a sex ('L'/'P'), name style and birth year.

    Deterministic for a given ``rng`` state; returns an object array of ``str``.
    """
    sex, style, birth_year = np.asarray(sex), np.asarray(style), np.asarray(birth_year)
    if not len(sex) == len(style) == len(birth_year):
        raise ValueError("sex, style and birth_year must have the same length")
    _check_codes(sex, _SEXES, "sex")
    _check_codes(style, STYLES, "style")
    single = rng.random(len(sex)) < _single_share(style, birth_year)
    out = np.empty(len(sex), dtype=object)
    style_mask = {s: style == s for s in STYLES}
    sex_mask = {s: sex == s for s in _SEXES}
    for (st, sx), (singles, multis) in _PATTERNS.items():
        group = style_mask[st] & sex_mask[sx]
        for patterns, members in ((singles, group & single), (multis, group & ~single)):
            idx = np.flatnonzero(members)
            if idx.size:
                out[idx] = _draw(rng, patterns, idx.size)
    return out


# --- variants ------------------------------------------------------------------------------------


def _map(names, change: Callable[..., str], *columns) -> np.ndarray:
    """New object array: ``change(name, *row)`` for non-empty strings, others as they are."""
    values = np.asarray(names, dtype=object).tolist()
    rows = zip(values, *(np.asarray(c).tolist() for c in columns))
    return np.array([change(v, *rest) if isinstance(v, str) and v else v for v, *rest in rows], dtype=object)


def _python_random(rng: np.random.Generator) -> random.Random:
    """A ``random.Random`` seeded from ``rng``: per-name choices stay deterministic."""
    return random.Random(int(rng.integers(2**63)))


# Pre-1972 (Van Ophuijsen / Soewandi) spelling, applied in this order: J before Y (a new J from Y
# must not become DJ), C before KH (a new CH must not become TJ). Y becomes J where it is a
# consonant (before a vowel: YUSUF, CAHYO, NYOMAN, SYARIF); a final Y (RUDY) stays.
_OLD_SPELLING = tuple(
    (re.compile(pattern), old)
    for pattern, old in (("J", "DJ"), ("C(?!H)", "TJ"), ("Y(?=[AEIOU])", "J"), ("KH", "CH"), ("U", "OE"))
)


def _old_spelling_one(name: str) -> str:
    for pattern, old in _OLD_SPELLING:
        name = pattern.sub(old, name)
    return name


def old_spelling(names) -> np.ndarray:
    """EYD -> pre-1972 spelling: U->OE, J->DJ, C->TJ, Y->J before a vowel (NY->NJ, SY->SJ), KH->CH.

    SUKARNO -> SOEKARNO, JUMINAH -> DJOEMINAH, CAHYO -> TJAHJO, SURYA -> SOERJA.
    """
    return _map(names, _old_spelling_one)


_MUHAMMAD_SHORT = ("MOH.", "MUH.", "M.", "MOCH.")
_ABBREVIATIONS = {
    "MUHAMMAD": _MUHAMMAD_SHORT,
    "MOHAMMAD": _MUHAMMAD_SHORT,
    "MOCHAMMAD": _MUHAMMAD_SHORT,
    "MOCHAMAD": _MUHAMMAD_SHORT,
    "MUHAMAD": _MUHAMMAD_SHORT,
    "SITI": ("ST.",),
    "ABDUL": ("ABD.",),
    "NURUL": ("NUR.",),
}
_KNOWN_ABBREVIATION_SHARE = 0.8  # names with MUHAMMAD/SITI/... mostly get that abbreviation


def _abbreviate_one(name: str, r: random.Random) -> str:
    words = name.split(" ")
    if len(words) < 2:
        return name
    known = [i for i, w in enumerate(words) if w in _ABBREVIATIONS]
    initial = [i for i, w in enumerate(words) if i > 0 and w.isalpha() and len(w) > 1]
    if known and (not initial or r.random() < _KNOWN_ABBREVIATION_SHARE):
        for i in known:
            words[i] = r.choice(_ABBREVIATIONS[words[i]])
    elif initial:
        i = r.choice(initial)
        words[i] = words[i][0] + "."
    return " ".join(words)


def abbreviate(names, rng: np.random.Generator) -> np.ndarray:
    """MUHAMMAD -> MOH./MUH./M./MOCH., SITI -> ST., ABDUL -> ABD., NURUL -> NUR., or a non-first
    word cut to its initial (AGUS SETIAWAN -> AGUS S.). Single names stay as they are."""
    r = _python_random(rng)
    return _map(names, lambda name: _abbreviate_one(name, r))


_SPELLING_ALTERNATIVES = {
    "MUHAMMAD": ("MOCHAMMAD", "MOHAMMAD", "MUHAMAD", "MUHAMAT", "MOKHAMAD", "MOCHAMAD", "MOHAMAD"),
    "AHMAD": ("ACHMAD", "AKHMAD", "AHMAT"),
    "RAHMAT": ("RACHMAT", "ROHMAT"),
    "MUSTOFA": ("MUSTAFA", "MUSTOPA"),
    "KHADIJAH": ("KHODIJAH", "KHOTIJAH", "HADIJAH"),
    "HUSEIN": ("HUSIN", "HUSAIN"),
    "ROHMAH": ("RAHMAH",),
    "FATIMAH": ("FATIMA",),
    "SOLEH": ("SHOLEH", "SALEH"),
}
# Word-level spelling rules, each applied at its first match.
_SPELLING_RULES = tuple(
    (re.compile(pattern), alternative)
    for pattern, alternative in (
        ("(?<=[B-DF-HJ-NP-TV-Z])I(?=[AOU])", "IY"),  # YULIANTI -> YULIYANTI
        ("IY(?=[AOU])", "I"),  # SUPRIYADI -> SUPRIADI, SUGIYONO -> SUGIONO
        (r"([B-DF-HJ-NP-TV-Z])\1", r"\1"),  # SYARIFUDDIN -> SYARIFUDIN
        ("AI", "AE"),  # ZAINAL -> ZAENAL
        ("AE", "AI"),  # ZAENAB -> ZAINAB
        ("(?<=[AEIOU])F$", "P"),  # YUSUF -> YUSUP
        ("^SY", "S"),  # SYARIF -> SARIF
        ("KH", "H"),  # KHAIRUL -> HAIRUL
        ("DH", "D"),  # RAMADHAN -> RAMADAN
        ("TH", "T"),  # FATHONAH -> FATONAH
        ("(?<=[AEIOU])D$", "T"),  # AHMAD -> AHMAT
    )
)


# Names spelling_variant can change: the same rules, matched anywhere in a full name.
SPELLING_CHANGEABLE = re.compile(
    "|".join([r"\b(?:" + "|".join(_SPELLING_ALTERNATIVES) + r")\b"]
             + [pattern.pattern.replace("^", r"\b").replace("$", r"\b") for pattern, _ in _SPELLING_RULES])
)


@functools.lru_cache(maxsize=2**16)
def _word_spellings(word: str) -> tuple[str, ...]:
    """Alternative spellings of one word (with repeats: a listed variant can also come from a rule)."""
    ruled = (pattern.sub(alternative, word, count=1) for pattern, alternative in _SPELLING_RULES)
    return _SPELLING_ALTERNATIVES.get(word, ()) + tuple(w for w in ruled if w != word)


def _spelling_variant_one(name: str, r: random.Random) -> str:
    words = name.split(" ")
    candidates = [(i, alt) for i, word in enumerate(words) for alt in _word_spellings(word)]
    if not candidates:
        return name
    i, alt = r.choice(candidates)
    words[i] = alt
    return " ".join(words)


def spelling_variant(names, rng: np.random.Generator) -> np.ndarray:
    """One common alternative spelling: MUHAMMAD -> MOCHAMMAD/MUHAMAD/..., AHMAD -> ACHMAD,
    YULIANTI <-> YULIYANTI, SUPRIYADI -> SUPRIADI, SYARIFUDDIN -> SYARIFUDIN, ZAINAL -> ZAENAL."""
    r = _python_random(rng)
    return _map(names, lambda name: _spelling_variant_one(name, r))


_HAJJ = {"L": "H.", "P": "HJ."}
_OLD_DEGREE_PREFIX = {"L": ("DRS.", "IR.", "DR."), "P": ("DRA.", "IR.", "DR.")}
_OLD_DEGREE_WEIGHTS = (0.7, 0.2, 0.1)
_BACHELOR = ("S.PD.", "S.E.", "S.H.", "S.KOM.", "A.MD.", "S.SOS.", "S.AG.", "S.T.", "S.IP.", "S.KEP.", "S.PD.I.")
_BACHELOR_WOMEN_ONLY = ("A.MD.KEB.",)  # midwife
_MASTER = ("M.PD.", "M.SI.", "M.M.", "M.AG.", "M.H.")
_OLD_DEGREE_BORN_BEFORE = 1970  # Drs./Dra./Ir. were awarded until the 1990s
_DEGREE_BORN_BY = 2003  # a degree at about 22 in the 2025 world
_HAJJ_BORN_BY = 2007  # hajj titles for adults only
_CHRISTIAN_WORDS = frozenset(w for key in ("kristen_l", "kristen_p", "marga") for w in _POOLS[key])


def _hajj_share(birth_year: int) -> float:
    return 0.7 if birth_year < 1960 else 0.5 if birth_year < 1975 else 0.25


def _prefix(title: str, r: random.Random) -> str:
    return r.choice((title + " ", title.rstrip(".") + " ", title))  # "H. X", "H X", "H.X"


def _suffix(degree: str, r: random.Random) -> str:
    spelled = r.choice((degree, degree.rstrip("."), degree.replace(".", "")))  # S.PD. S.PD SPD
    return r.choice((", ", ",", " ")) + spelled


def _add_title_one(name: str, sex: str, birth_year: int, r: random.Random) -> str:
    can_hajj = birth_year <= _HAJJ_BORN_BY and not _CHRISTIAN_WORDS.intersection(name.split())
    can_degree = birth_year <= _DEGREE_BORN_BY
    if not (can_hajj or can_degree):
        return name
    hajj = can_hajj and (not can_degree or r.random() < _hajj_share(birth_year))
    prefix, suffix = "", ""
    if can_degree and (not hajj or r.random() < 0.5):
        if birth_year < _OLD_DEGREE_BORN_BEFORE and r.random() < 0.6:
            prefix = _prefix(r.choices(_OLD_DEGREE_PREFIX[sex], _OLD_DEGREE_WEIGHTS)[0], r)
            if r.random() < 0.3:
                suffix = _suffix(r.choice(_MASTER), r)
        else:
            suffix = _suffix(r.choice(_BACHELOR + (_BACHELOR_WOMEN_ONLY if sex == "P" else ())), r)
            if r.random() < 0.15:
                suffix += _suffix(r.choice(_MASTER), r)
    if hajj:
        prefix += _prefix(_HAJJ[sex], r)
    return prefix + name + suffix


def add_title(names, sex, birth_year, rng: np.random.Generator) -> np.ndarray:
    """Hajj titles (H./HJ., more often for older people) and degrees (DRS./DRA./IR./DR. for people
    born before 1970, suffixes such as ", S.PD." or ", A.MD." otherwise), with the punctuation and
    spacing variety clerks type: "H. SUPARDI", "HJ SITI AMINAH", "DRS. AGUS SALIM, M.PD".

    Degrees go to people born by 2003 and hajj titles to people born by 2007 whose name has no
    Christian given name or NTT marga; other names (children) stay as they are."""
    r = _python_random(rng)
    return _map(names, lambda name, s, y: _add_title_one(name, s, int(y), r), sex, birth_year)


def _keyboard_neighbours() -> dict[str, str]:
    """QWERTY neighbours: adjacent keys in the row and overlapping keys in the rows above/below."""
    rows, shift = ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"), (0.0, 0.25, 0.75)
    where = {key: (row, col + shift[row]) for row, keys in enumerate(rows) for col, key in enumerate(keys)}

    def near(a: tuple[int, float], b: tuple[int, float]) -> bool:
        (row_a, x_a), (row_b, x_b) = a, b
        return (row_a == row_b and abs(x_a - x_b) == 1) or (abs(row_a - row_b) == 1 and abs(x_a - x_b) <= 0.75)

    return {
        key: "".join(other for other, there in where.items() if other != key and near(here, there))
        for key, here in where.items()
    }


_NEIGHBOURS = _keyboard_neighbours()


def _typo_one(name: str, r: random.Random) -> str:
    n = len(name)
    letters = [i for i, c in enumerate(name) if c in _NEIGHBOURS]
    if not letters:
        return name
    # A letter may go only if a letter stays next to it, so no word (and no name) disappears.
    deletable = [i for i in letters if name[max(i - 1, 0) : i].isalpha() or name[i + 1 : i + 2].isalpha()]
    swappable = [i for i in letters if i + 1 < n and name[i + 1].isalpha() and name[i + 1] != name[i]]
    ops = ["substitute", "duplicate"] + ["delete"] * bool(deletable) + ["swap"] * bool(swappable)
    op = r.choice(ops)
    if op == "substitute":
        i = r.choice(letters)
        return name[:i] + r.choice(_NEIGHBOURS[name[i]]) + name[i + 1 :]
    if op == "duplicate":
        i = r.choice(letters)
        return name[: i + 1] + name[i:]
    if op == "delete":
        i = r.choice(deletable)
        return name[:i] + name[i + 1 :]
    i = r.choice(swappable)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def typo(names, rng: np.random.Generator) -> np.ndarray:
    """One keyboard error per name: a neighbouring key, a dropped or doubled letter, or two
    adjacent letters swapped. Names without an upper-case letter stay as they are."""
    r = _python_random(rng)
    return _map(names, lambda name: _typo_one(name, r))


def _trailing_space(name: str, r: random.Random) -> str:
    return name + " "


def _double_space(name: str, r: random.Random) -> str:
    spaces = [i for i, c in enumerate(name) if c == " "]
    i = r.choice(spaces)
    return name[:i] + " " + name[i:]


def _stray_dot(name: str, r: random.Random) -> str:
    ends = [i for i, c in enumerate(name) if c == " " and name[i - 1] != "."] + [len(name)]
    i = r.choice(ends)
    return name[:i] + "." + name[i:]


def _case_and_spacing_noise_one(name: str, r: random.Random) -> str:
    case = r.choice((None, str.title, str.lower))
    spacing_ops = [_trailing_space, _stray_dot] + ([_double_space] if " " in name else [])
    spacing = r.choice([None, *spacing_ops]) if case else r.choice(spacing_ops)
    noisy = case(name) if case else name
    if spacing:
        noisy = spacing(noisy, r)
    return noisy if noisy != name else name + " "


def case_and_spacing_noise(names, rng: np.random.Generator) -> np.ndarray:
    """What clerks type: title or lower case, a double space, a trailing space or a stray dot."""
    r = _python_random(rng)
    return _map(names, lambda name: _case_and_spacing_noise_one(name, r))


VARIANT_EXAMPLES: list[tuple[str, str]] = [
    # (name as typed in a source record, its standardised form)
    ("Moh. Soekarno", "MUHAMMAD SUKARNO"),
    ("Hj. Siti Aminah", "SITI AMINAH"),
    ("St. Djoemilah", "SITI JUMILAH"),
    ("Drs. Tjahjo Koemolo, M.Pd", "CAHYO KUMOLO"),
    ("NJOMAN", "NYOMAN"),
    ("Sjarifuddin", "SYARIFUDDIN"),
    ("Chairul", "KHAIRUL"),
    ("MOCHAMMAD RIDWAN", "MUHAMMAD RIDWAN"),
    ("ACHMAD FAUZI", "AHMAD FAUZI"),
    ("H. SUPARDI", "SUPARDI"),
    ("HJ SITI AMINAH", "SITI AMINAH"),
    ("SRI SOEMARNI", "SRI SUMARNI"),
    ("M. YUSUF", "MUHAMMAD YUSUF"),
    ("MUH. ARIF HIDAYAT", "MUHAMMAD ARIF HIDAYAT"),
    ("ABD. RAHMAN", "ABDUL RAHMAN"),
    ("NUR. HIDAYAH", "NURUL HIDAYAH"),
    ("SOEGIJONO", "SUGIYONO"),
    ("Djoko Soesilo", "JOKO SUSILO"),
    ("TOEKIJEM", "TUKIYEM"),
    ("Joesoef", "YUSUF"),
    ("AGUS SETIAWAN, S.PD.", "AGUS SETIAWAN"),
    ("Dra. Endang Lestari", "ENDANG LESTARI"),
    ("Ir. Bambang Soedjatmiko", "BAMBANG SUJATMIKO"),
    ("suparmi ", "SUPARMI"),
    ("Tukiyem.", "TUKIYEM"),
    ("SITI  AMINAH", "SITI AMINAH"),
    ("Jacobus Selan", "YAKOBUS SELAN"),
    ("Agustinus Neno, S.Pd", "AGUSTINUS NENO"),
    ("Moch. Choirul Anwar", "MUHAMMAD KHOIRUL ANWAR"),
    ("Ahmad Dahlan,S.Ag", "AHMAD DAHLAN"),
    ("Pudjiastuti", "PUJIASTUTI"),
    ("TJAHJONO", "CAHYONO"),
    ("Wagijem", "WAGIYEM"),
    ("MOCHAMAD SOLEH", "MUHAMMAD SOLEH"),
    ("Drs. H. Soetarno", "SUTARNO"),
    ("H.MUHAMMAD NUR SALIM SE", "MUHAMMAD NUR SALIM"),
]
"""Real-world name variants and the standardised (Dukcapil) form they should map to."""
