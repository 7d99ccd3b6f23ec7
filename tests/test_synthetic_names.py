"""Synthetic names: the vectorised generator and the name-variant (error) functions."""

from __future__ import annotations

import re

import numpy as np
import pytest
from rapidfuzz.distance import DamerauLevenshtein

from dtsen_pipeline.synthetic import names as nm

CLEAN_NAME = re.compile(r"[A-Z]+( [A-Z]+)*")


def _people(n: int, style: str, sex: str | None = None, birth_year: int | None = None, seed: int = 0):
    rng = np.random.default_rng(seed)
    sexes = np.full(n, sex, dtype=object) if sex else rng.choice(np.array(["L", "P"], dtype=object), n)
    years = np.full(n, birth_year) if birth_year else rng.integers(1935, 2025, n)
    return sexes, np.full(n, style, dtype=object), years


def _generate(n: int, style: str, sex: str | None = None, birth_year: int | None = None, seed: int = 1):
    return nm.generate_names(np.random.default_rng(seed), *_people(n, style, sex, birth_year))


def _single_share(names: np.ndarray) -> float:
    return float(np.mean([" " not in x for x in names]))


# --- generate_names ------------------------------------------------------------------------------


def test_same_seed_same_names_and_other_seed_other_names():
    sex, style, year = _people(5000, "jawa")
    style[::3] = "ntt"
    style[1::3] = "umum"
    first = nm.generate_names(np.random.default_rng(42), sex, style, year)
    again = nm.generate_names(np.random.default_rng(42), sex, style, year)
    other = nm.generate_names(np.random.default_rng(43), sex, style, year)
    assert first.tolist() == again.tolist()
    assert np.mean(first != other) > 0.9


def test_returns_object_array_of_python_str():
    out = _generate(100, "umum")
    assert out.dtype == object and out.shape == (100,)
    assert all(type(x) is str for x in out)


@pytest.mark.parametrize("style", nm.STYLES)
def test_names_are_clean_upper_case(style):
    out = _generate(20_000, style)
    bad = [x for x in out if not CLEAN_NAME.fullmatch(x)]
    assert not bad, bad[:10]


@pytest.mark.parametrize("style", nm.STYLES)
def test_pools_use_modern_spelling(style):
    out = _generate(20_000, style)
    old = [x for x in out if re.search("OE|DJ|TJ|SJ|CH", x)]
    assert not old, old[:10]


@pytest.mark.parametrize("style", nm.STYLES)
def test_names_fit_the_sex(style):
    men = _generate(20_000, style, "L")
    women = _generate(20_000, style, "P")
    assert not [x for x in men if x.split()[0] in ("SITI", "NURUL")]
    assert not [x for x in women if x.split()[0] in ("MUHAMMAD", "AHMAD", "ABDUL")]


def test_jawa_names_often_start_with_muhammad_or_siti():
    men = _generate(20_000, "jawa", "L", 1980)
    women = _generate(20_000, "jawa", "P", 1980)
    assert 0.10 < np.mean([x.startswith("MUHAMMAD ") for x in men]) < 0.30
    assert 0.10 < np.mean([x.startswith("SITI ") for x in women]) < 0.30
    assert {"SRI SUMARNI", "AGUS SETIAWAN"} & set(np.concatenate([men, women]).tolist())


@pytest.mark.parametrize(("birth_year", "share"), [(1950, 0.65), (1980, 0.45), (2000, 0.25)])
def test_jawa_single_name_share_by_cohort(birth_year, share):
    assert _single_share(_generate(20_000, "jawa", birth_year=birth_year)) == pytest.approx(share, abs=0.02)


def test_older_javanese_have_more_single_names():
    old = _single_share(_generate(20_000, "jawa", birth_year=1955))
    young = _single_share(_generate(20_000, "jawa", birth_year=1998))
    assert old > young + 0.3


@pytest.mark.parametrize(("style", "share"), [("umum", 0.10), ("ntt", 0.05)])
def test_single_name_share_of_other_styles(style, share):
    assert _single_share(_generate(20_000, style)) == pytest.approx(share, abs=0.015)


def test_ntt_names_end_with_a_marga():
    out = _generate(20_000, "ntt")
    multi = [x for x in out if " " in x]
    assert multi
    assert not [x for x in multi if x.split()[-1] not in nm.NTT_MARGA]
    assert len(nm.NTT_MARGA) >= 35 and {"TANESIB", "BENU", "NUBATONIS"} <= set(nm.NTT_MARGA)


def test_no_word_repeats_within_a_name():
    out = np.concatenate([_generate(20_000, style) for style in nm.STYLES])
    assert not [x for x in out if len(set(x.split())) < len(x.split())]


@pytest.mark.parametrize(("sex", "style"), [(["L", "X"], ["jawa", "jawa"]), (["L", "P"], ["jawa", "bali"])])
def test_unknown_codes_are_rejected(sex, style):
    with pytest.raises(ValueError, match="unknown"):
        nm.generate_names(np.random.default_rng(0), np.array(sex), np.array(style), np.array([1980, 1990]))


# --- variants ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("modern", "old"),
    [
        ("SUKARNO", "SOEKARNO"),
        ("CAHYO", "TJAHJO"),
        ("JUMINAH", "DJOEMINAH"),
        ("SURYA", "SOERJA"),
        ("NYOMAN", "NJOMAN"),
        ("SYARIFUDDIN", "SJARIFOEDDIN"),
        ("KHAIRUL", "CHAIROEL"),
        ("SUGIYONO", "SOEGIJONO"),
        ("YUSUF", "JOESOEF"),
        ("SITI JUMILAH", "SITI DJOEMILAH"),
        ("CAHYO KUMOLO", "TJAHJO KOEMOLO"),
        ("HENDY", "HENDY"),
        ("SLAMET", "SLAMET"),
        ("DEWI LESTARI", "DEWI LESTARI"),
    ],
)
def test_old_spelling(modern, old):
    assert nm.old_spelling(np.array([modern], dtype=object)).tolist() == [old]


def test_variants_return_new_arrays_of_same_length_and_pass_missing_values():
    names = np.array(["SITI AMINAH", None, "", "AGUS SETIAWAN"], dtype=object)
    rng = np.random.default_rng(0)
    outputs = [
        nm.old_spelling(names),
        nm.abbreviate(names, rng),
        nm.spelling_variant(names, rng),
        nm.add_title(names, np.array(["P", "L", "L", "L"]), np.array([1960] * 4), rng),
        nm.typo(names, rng),
        nm.case_and_spacing_noise(names, rng),
    ]
    for out in outputs:
        assert out is not names and out.dtype == object and len(out) == len(names)
        assert out[1] is None and out[2] == ""
    assert names.tolist() == ["SITI AMINAH", None, "", "AGUS SETIAWAN"]


@pytest.mark.parametrize(
    "fn",
    [
        nm.abbreviate,
        nm.spelling_variant,
        nm.typo,
        nm.case_and_spacing_noise,
        lambda x, rng: nm.add_title(x, np.full(len(x), "L"), np.full(len(x), 1960), rng),
    ],
)
def test_variants_are_deterministic(fn):
    names = _generate(2000, "jawa")
    assert fn(names, np.random.default_rng(5)).tolist() == fn(names, np.random.default_rng(5)).tolist()


def test_abbreviate_known_words_and_initials():
    rng = np.random.default_rng(0)
    names = np.array(["MUHAMMAD SUPARDI"] * 300 + ["AGUS SETIAWAN", "SITI AMINAH", "ABDUL RAHMAN"] * 100, object)
    out = nm.abbreviate(names, rng).tolist()
    muhammad = out[:300]
    assert set(muhammad) <= {"MOH. SUPARDI", "MUH. SUPARDI", "M. SUPARDI", "MOCH. SUPARDI", "MUHAMMAD S."}
    assert 0.7 < np.mean([not x.startswith("MUHAMMAD") for x in muhammad]) < 0.9
    assert set(out[300::3]) == {"AGUS S."}
    assert set(out[301::3]) == {"ST. AMINAH", "SITI A."}
    assert set(out[302::3]) == {"ABD. RAHMAN", "ABDUL R."}


@pytest.mark.parametrize("name", ["SUPARDI", "SITI", "MUHAMMAD", "SRI"])
def test_abbreviate_leaves_single_names(name):
    assert nm.abbreviate(np.array([name] * 20, dtype=object), np.random.default_rng(0)).tolist() == [name] * 20


def test_abbreviate_keeps_sri():
    out = nm.abbreviate(np.array(["SRI SUMARNI"] * 50, dtype=object), np.random.default_rng(0))
    assert set(out) == {"SRI S."}


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("MUHAMMAD", {"MOCHAMMAD", "MOHAMMAD", "MUHAMAD", "MUHAMAT", "MOKHAMAD", "MOCHAMAD", "MOHAMAD", "MUHAMMAT"}),
        ("AHMAD", {"ACHMAD", "AKHMAD", "AHMAT"}),
        ("YULIANTI", {"YULIYANTI"}),
        ("SUPRIYADI", {"SUPRIADI"}),
        ("SYARIFUDDIN", {"SYARIFUDIN", "SARIFUDDIN"}),
        ("ZAINAL", {"ZAENAL"}),
        ("YUSUF", {"YUSUP"}),
    ],
)
def test_spelling_variant(name, allowed):
    out = nm.spelling_variant(np.array([name] * 200, dtype=object), np.random.default_rng(0))
    assert set(out) <= allowed
    assert len(set(out)) == len(allowed)


@pytest.mark.parametrize("name", ["BUDI", "SLAMET", "DEWI LESTARI"])
def test_spelling_variant_leaves_names_without_alternatives(name):
    assert nm.spelling_variant(np.array([name], dtype=object), np.random.default_rng(0)).tolist() == [name]


def _titles(titled: str, name: str) -> tuple[list[str], str]:
    """Prefix tokens before the name (dots dropped) and the suffix text after it."""
    before, after = titled.split(name)
    return before.replace(".", " ").split(), after


def test_add_title_keeps_the_name_and_adds_a_fitting_title():
    rng = np.random.default_rng(0)
    n = 2000
    names = np.array(["SITI AMINAH", "AGUS SALIM"] * (n // 2), dtype=object)
    sex = np.array(["P", "L"] * (n // 2))
    year = np.where(np.arange(n) < n // 2, 1950, 1985)
    out = nm.add_title(names, sex, year, rng)
    assert all(t != x and x in t for t, x in zip(out, names))
    prefixes = [_titles(t, x)[0] for t, x in zip(out, names)]
    assert not [p for p, s in zip(prefixes, sex) if ("HJ" in p or "DRA" in p) and s == "L"]
    assert not [p for p, s in zip(prefixes, sex) if ("H" in p or "DRS" in p) and s == "P"]
    hajj = np.array([bool({"H", "HJ"} & set(p)) for p in prefixes])
    assert hajj[: n // 2].mean() > hajj[n // 2 :].mean() + 0.15  # older people are more often hajj
    assert {"H. SITI AMINAH", "HJ. SITI AMINAH"} & set(out) == {"HJ. SITI AMINAH"}
    suffixes = [_titles(t, x)[1] for t, x in zip(out, names)]
    assert any(s.startswith((", S.", ",S.", " S", ", A.", ",A.", " A")) for s in suffixes)
    assert any(p and p[0] in ("DRS", "DRA", "IR") for p in prefixes[: n // 2])


def test_add_title_skips_children_and_hajj_for_christians():
    rng = np.random.default_rng(0)
    men = np.full(200, "L")
    children = nm.add_title(np.array(["AGUS SALIM"] * 200, dtype=object), men, np.full(200, 2015), rng)
    assert set(children) == {"AGUS SALIM"}
    christians = nm.add_title(np.array(["YOHANES TANESIB"] * 200, dtype=object), men, np.full(200, 1955), rng)
    assert not [t for t in christians if {"H", "HJ"} & set(_titles(t, "YOHANES TANESIB")[0])]
    assert all(t != "YOHANES TANESIB" for t in christians)


def test_typo_is_one_keyboard_edit():
    names = np.concatenate([_generate(3000, "jawa"), np.array(["A", "AB", "SRI"] * 100, dtype=object)])
    out = nm.typo(names, np.random.default_rng(0))
    assert all(DamerauLevenshtein.distance(a, b) == 1 for a, b in zip(names, out))
    assert all(b and b == b.upper() and b.strip() == b and "  " not in b for b in out)


def test_typo_leaves_names_without_letters():
    assert nm.typo(np.array(["-", "123"], dtype=object), np.random.default_rng(0)).tolist() == ["-", "123"]


def test_case_and_spacing_noise_changes_only_case_spaces_and_dots():
    names = np.concatenate([_generate(3000, "umum"), np.array(["A", "M. S."] * 100, dtype=object)])
    out = nm.case_and_spacing_noise(names, np.random.default_rng(0))
    assert all(a != b for a, b in zip(names, out))

    def words(x: str) -> list[str]:
        return x.replace(".", " ").upper().split()

    assert all(words(a) == words(b) for a, b in zip(names, out))
    assert any(b == b.lower() for b in out) and any(b[:1].isupper() and b[1:2].islower() for b in out)
    assert any("  " in b for b in out) and any(b.endswith(" ") for b in out) and any("." in b for b in out)


def test_variant_examples_table():
    assert len(nm.VARIANT_EXAMPLES) >= 25
    for typed, standard in nm.VARIANT_EXAMPLES:
        assert isinstance(typed, str) and typed != standard
        assert CLEAN_NAME.fullmatch(standard), standard
