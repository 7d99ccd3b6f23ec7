"""Welfare: latent consumption, the DTSEN variables it drives, and population-weighted deciles.

Each family has a latent welfare index z (standard normal within its regency, AR(1) over time).
Per-capita consumption = median(regency) * exp(sigma * z + kecamatan effect + elasticity *
log(size / 3)). Housing, assets, livestock and members' education, work and health are drawn
from the standardised log consumption ``s`` through fixed per-family (per-person) noise, so they
move when welfare moves and stay put when it does not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

LOG_CONSUMPTION_CENTRE = np.log(1_200_000.0)
LOG_CONSUMPTION_SCALE = 0.65


def standardised(log_consumption: np.ndarray) -> np.ndarray:
    return (log_consumption - LOG_CONSUMPTION_CENTRE) / LOG_CONSUMPTION_SCALE


def weighted_deciles(value: np.ndarray, weight: np.ndarray, tiebreak: np.ndarray, group: np.ndarray | None = None) -> np.ndarray:
    """Population-weighted deciles: decile 1 holds the poorest ~10 % of individuals.

    Families are sorted by ``value`` (ties by ``tiebreak``) within ``group``; a family's decile is
    where the midpoint of its members falls on the cumulative population share:
    ``floor(10 * (cum_before + weight / 2) / total) + 1``. One huge family therefore lands in the
    decile that holds most of its members, and equal values are ordered deterministically.
    """
    n = len(value)
    group = np.zeros(n, dtype=np.int64) if group is None else pd.factorize(group)[0]
    order = np.lexsort((tiebreak, value, group))
    g, w = group[order], weight[order].astype(float)
    cum = np.cumsum(w)
    starts = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
    base = np.repeat(np.r_[0.0, cum[starts[1:] - 1]], np.diff(np.r_[starts, n]))
    totals = np.repeat(np.add.reduceat(w, starts), np.diff(np.r_[starts, n]))
    position = (cum - base - w / 2) / totals
    out = np.empty(n, dtype=np.int8)
    out[order] = np.clip(np.floor(position * 10).astype(int) + 1, 1, 10)
    return out


# --- family variables -----------------------------------------------------------------------
# Ordinal variables: labels from poorest to richest; the latent s + urban_shift*urban + noise is
# cut at `cuts`. Binary assets: P(yes) = sigmoid(a + b*s + c*urban). Counts: Poisson.
ORDINAL_FAMILY = {
    "status_kepemilikan_rumah": (["BEBAS SEWA", "DINAS", "KONTRAK/SEWA", "MILIK SENDIRI"], [-2.6, -2.2, -1.0], -0.8, 1.2),
    "jenis_lantai": (["TANAH", "BAMBU", "KAYU/PAPAN", "SEMEN/BATA MERAH", "KERAMIK", "MARMER/GRANIT"], [-1.7, -1.55, -1.2, 0.1, 2.4], 0.3, 0.7),
    "jenis_dinding": (["BAMBU", "KAYU/PAPAN", "PLESTERAN ANYAMAN BAMBU", "TEMBOK TANPA PLESTER", "TEMBOK"], [-1.6, -1.1, -0.9, -0.3], 0.4, 0.7),
    "jenis_atap": (["IJUK/RUMBIA", "SENG", "ASBES", "GENTENG", "BETON"], [-2.2, -1.0, -0.4, 1.9], 0.2, 0.7),
    "sumber_air_minum": (["MATA AIR TIDAK TERLINDUNG", "SUMUR TIDAK TERLINDUNG", "AIR HUJAN", "SUMUR TERLINDUNG", "LEDENG", "AIR ISI ULANG", "AIR KEMASAN BERMEREK"], [-2.0, -1.5, -1.2, -0.2, 0.6, 1.5], 0.8, 0.8),
    "sumber_penerangan": (["BUKAN LISTRIK", "LISTRIK NON-PLN", "LISTRIK PLN TANPA METERAN", "LISTRIK PLN DENGAN METERAN"], [-2.8, -2.5, -1.8], 0.6, 0.7),
    "daya_listrik": (["TIDAK ADA", "450 VA", "900 VA", "1300 VA", "2200 VA", "> 2200 VA"], [-1.8, -0.6, 0.4, 1.3, 2.2], 0.4, 0.6),
    "bahan_bakar_memasak": (["KAYU BAKAR", "MINYAK TANAH", "GAS 3 KG", "GAS 5,5 KG ATAU LEBIH", "LISTRIK"], [-1.0, -0.9, 1.5, 2.6], 1.0, 0.7),
    "fasilitas_bab": (["TIDAK ADA", "DI MCK UMUM", "BERSAMA RUMAH TANGGA LAIN", "SENDIRI"], [-2.0, -1.7, -1.2], 0.3, 0.7),
    "jenis_kloset": (["CEMPLUNG/CUBLUK", "PLENGSENGAN", "LEHER ANGSA"], [-1.3, -0.9], 0.4, 0.7),
    "pembuangan_tinja": (["TIDAK ADA/LAINNYA", "LUBANG TANAH", "IPAL", "TANGKI SEPTIK"], [-1.7, -0.9, -0.8], 0.6, 0.7),
}
BINARY_FAMILY = {
    "punya_tabung_gas_5_5kg": (-2.6, 1.6, 0.5),
    "punya_lemari_es": (-0.2, 1.6, 0.6),
    "punya_ac": (-4.2, 1.8, 0.9),
    "punya_pemanas_air": (-4.5, 1.7, 0.7),
    "punya_telepon_rumah": (-4.0, 1.2, 0.8),
    "punya_televisi_datar": (-0.6, 1.4, 0.5),
    "punya_emas_perhiasan": (-1.6, 1.3, 0.0),
    "punya_komputer_laptop": (-2.2, 1.7, 0.6),
    "punya_sepeda_motor": (1.2, 1.3, 0.2),
    "punya_sepeda": (-0.8, 0.3, -0.2),
    "punya_mobil": (-3.0, 1.9, 0.4),
    "punya_perahu": (-4.5, 0.0, -0.5),
    "punya_perahu_motor": (-5.0, 0.6, -0.5),
    "punya_smartphone": (1.4, 1.5, 0.6),
    "punya_lahan_lain": (-1.5, 0.9, -1.0),
    "punya_rumah_lain": (-3.2, 1.5, 0.2),
}
COUNT_FAMILY = {  # name: (rural mean at s=0, slope on s, ntt multiplier)
    "jumlah_sapi": (0.7, 0.25, 0.8),
    "jumlah_kerbau": (0.05, 0.2, 1.5),
    "jumlah_kuda": (0.01, 0.2, 3.0),
    "jumlah_babi": (0.0, 0.2, 1.0),  # only non-zero where pigs are kept (NTT)
    "jumlah_kambing_domba": (1.0, 0.1, 1.0),
}
FAMILY_VARIABLES = [*ORDINAL_FAMILY, "luas_lantai", *BINARY_FAMILY, *COUNT_FAMILY]
N_FAMILY_NOISE = len(FAMILY_VARIABLES)


def _labelled(codes: np.ndarray, labels) -> pd.Categorical:
    """Labels by code (-1: missing), as a categorical: millions of records share a few labels,
    and the writers hand categoricals to Arrow without converting a string per record."""
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int8), categories=pd.Index(labels, dtype=object))


def _ordinal(latent: np.ndarray, labels: list[str], cuts: list[float]) -> pd.Categorical:
    return _labelled(np.searchsorted(np.asarray(cuts), latent), labels)


def family_variables(s: np.ndarray, urban: np.ndarray, ntt: np.ndarray, noise: np.ndarray) -> pd.DataFrame:
    """Housing, asset and livestock variables of families at welfare ``s``.

    ``noise`` is the family's fixed (n, N_FAMILY_NOISE) standard-normal matrix.
    """
    urban = urban.astype(float)
    out: dict[str, np.ndarray] = {}
    col = 0
    for name, (labels, cuts, urban_shift, noise_sd) in ORDINAL_FAMILY.items():
        out[name] = _ordinal(s + urban_shift * urban + noise_sd * noise[:, col], labels, cuts)
        col += 1
    out["luas_lantai"] = np.clip(np.round(np.exp(4.1 + 0.28 * s - 0.25 * urban + 0.35 * noise[:, col])), 9, 900).astype(np.int32)
    col += 1
    for name, (a, b, c) in BINARY_FAMILY.items():
        if name in ("punya_perahu", "punya_perahu_motor"):
            a = a + 2.0 * ntt  # coastal / island regions
        out[name] = (a + b * s + c * urban + 1.6 * noise[:, col]) > 0
        col += 1
    uniform = ndtr(noise[:, col:col + len(COUNT_FAMILY)])
    for k, (name, (mean, slope, ntt_mult)) in enumerate(COUNT_FAMILY.items()):
        lam = mean * (1 - urban) * np.exp(slope * s) * np.where(ntt, ntt_mult, 1.0)
        if name == "jumlah_babi":
            lam = np.where(ntt, 1.2 * (1 - urban), 0.0)
        out[name] = _poisson_quantile(lam, uniform[:, k])
    return pd.DataFrame(out)


def _poisson_quantile(lam: np.ndarray, u: np.ndarray, kmax: int = 40) -> np.ndarray:
    """Poisson draws by inversion of a fixed uniform, so counts move smoothly with lambda."""
    pmf = np.exp(-lam)
    cdf = pmf.copy()
    count = np.zeros(len(lam), dtype=np.int16)
    for k in range(1, kmax + 1):  # a loop over count values, not over families
        count += u > cdf
        pmf = pmf * lam / k
        cdf = cdf + pmf
    return count


# --- person variables -----------------------------------------------------------------------
PARTICIPATION = ["BELUM SEKOLAH", "MASIH SEKOLAH", "TIDAK/BELUM PERNAH SEKOLAH", "TIDAK BERSEKOLAH LAGI"]
CERTIFICATE = ["TIDAK PUNYA IJAZAH", "SD/SEDERAJAT", "SMP/SEDERAJAT", "SMA/SEDERAJAT", "D1-D3", "D4/S1", "S2/S3"]
EMPLOYMENT = ["BERUSAHA DIBANTU BURUH TETAP", "BERUSAHA SENDIRI", "PEKERJA BEBAS", "BURUH/KARYAWAN/PEGAWAI"]
DEPRESSION = ["SERING", "KADANG-KADANG", "TIDAK PERNAH"]
NUTRITION = ["GIZI BURUK", "STUNTING", "NORMAL"]
EDUCATION = ["TIDAK/BELUM SEKOLAH", "SD/SEDERAJAT", "SMP/SEDERAJAT", "SMA/SEDERAJAT", "D1-D3", "D4/S1", "S2/S3"]
WG_DOMAINS = [
    "kesulitan_melihat", "kesulitan_mendengar", "kesulitan_berjalan", "kesulitan_tangan_jari",
    "kesulitan_belajar", "kesulitan_perilaku", "kesulitan_berkomunikasi", "kesulitan_mengurus_diri",
    "kesulitan_mengingat",
]
WG_LEVELS = np.array(["TIDAK KESULITAN", "SEDIKIT KESULITAN", "BANYAK KESULITAN", "TIDAK BISA SAMA SEKALI"], dtype=object)
_WG_OFFSET = np.array([0.0, 0.3, 0.1, 0.6, 0.8, 1.0, 0.9, 0.7, 0.4])
INDUSTRY = np.array(["PERTANIAN", "INDUSTRI PENGOLAHAN", "KONSTRUKSI", "PERDAGANGAN", "TRANSPORTASI", "AKOMODASI DAN MAKAN MINUM", "JASA PENDIDIKAN", "ADMINISTRASI PEMERINTAHAN", "JASA LAINNYA"], dtype=object)
N_PERSON_NOISE = 4  # education, work, health, nutrition/misc
PERSON_VARIABLES = [
    "partisipasi_sekolah", "jenjang_pendidikan", "ijazah_tertinggi", "status_bekerja", "lapangan_usaha",
    "status_kedudukan_kerja", "punya_usaha", "jumlah_usaha", "jumlah_pekerja_usaha", "omzet_usaha_per_bulan",
    *WG_DOMAINS, "disabilitas_berat", "penyakit_kronis", "depresi", "status_gizi_balita",
]
"""Columns of person_variables(), in order."""


def person_variables(age: np.ndarray, sex: np.ndarray, s: np.ndarray, urban: np.ndarray, occupation: np.ndarray, noise: np.ndarray) -> pd.DataFrame:
    """Individual DTSEN variables at an age and family welfare; ``noise`` is (n, N_PERSON_NOISE)."""
    n = len(age)
    age = age.astype(float)
    birth_year_effect = np.clip((age - 20) / 40, -0.5, 1.5)  # older cohorts studied less
    edu_latent = 0.75 * s - 0.9 * birth_year_effect + 0.4 * urban + 0.8 * noise[:, 0]
    adult_level = np.searchsorted(np.array([-2.1, -0.7, 0.0, 1.1, 1.5, 2.7]), edu_latent)
    # children are at the level their age allows
    age_level = np.select([age < 7, age < 13, age < 16, age < 19, age < 22], [0, 1, 2, 3, 4], 6)
    school_done = np.select([age < 13, age < 16, age < 19], [1, 2, 3], 6)
    level = np.where(age < 19, np.minimum(np.maximum(age_level - 1, 0), adult_level), np.minimum(adult_level, np.maximum(school_done, 1)))
    level = np.where(age < 7, 0, level)
    dropout = (age >= 13) & (age < 19) & (0.9 * s + 0.7 * noise[:, 0] < -1.8)
    in_school = ((age >= 7) & (age < 19) & ~dropout) | ((age >= 19) & (age < 24) & (edu_latent > 1.2))
    never = (age >= 7) & (level == 0)
    participation = np.select([age < 5, in_school, never], [0, 1, 2], 3)
    participation = np.where((age >= 5) & (age < 7) & ~in_school, 0, participation)

    working_age = (age >= 15) & ~in_school
    occupation = np.asarray(occupation, dtype=object)
    not_working_occ = np.isin(occupation, ["BELUM/TIDAK BEKERJA", "MENGURUS RUMAH TANGGA", "PELAJAR/MAHASISWA", "PENSIUNAN"])
    works = working_age & ~not_working_occ & (noise[:, 1] > -1.8) & (age < 75)
    industry_idx = np.clip(np.floor((np.clip(0.5 * s + 0.5 * noise[:, 1], -2.5, 2.5) + 2.5) / 5 * len(INDUSTRY)), 0, len(INDUSTRY) - 1).astype(int)
    industry_idx = np.where(np.isin(occupation, ["PETANI/PEKEBUN", "PETERNAK", "NELAYAN/PERIKANAN"]), 0, industry_idx)
    industry_idx = np.where(np.isin(occupation, ["PEGAWAI NEGERI SIPIL", "TENTARA NASIONAL INDONESIA", "KEPOLISIAN RI"]), 7, industry_idx)
    own_business = works & (np.isin(occupation, ["WIRASWASTA", "PERDAGANGAN", "PETANI/PEKEBUN", "PETERNAK", "NELAYAN/PERIKANAN"]))
    employment = np.select([~works, own_business & (noise[:, 1] > 0.8), own_business, occupation == "BURUH HARIAN LEPAS"], [-1, 0, 1, 2], 3)
    n_business = np.where(own_business, 1 + (noise[:, 3] > 1.3), 0).astype(np.int8)
    workers = np.where(own_business, np.clip(np.round(np.exp(0.6 * s + 0.5 * noise[:, 3])) - 1, 0, 50), 0).astype(np.int16)
    turnover = np.where(own_business, np.round(np.exp(15.2 + 0.8 * s + 0.5 * noise[:, 3]), -4), np.nan)

    frailty = noise[:, 2] + 0.045 * np.maximum(age - 45, 0) - 0.25 * s
    out = {
        "partisipasi_sekolah": _labelled(participation, PARTICIPATION),
        "jenjang_pendidikan": _labelled(level, EDUCATION),
        "ijazah_tertinggi": _labelled(np.where(age < 7, -1, np.maximum(level - in_school.astype(int), 0)), CERTIFICATE),
        "status_bekerja": _labelled(np.where(age < 15, -1, np.where(works, 0, 1)), ["BEKERJA", "TIDAK BEKERJA"]),
        "lapangan_usaha": _labelled(np.where(works, industry_idx, -1), INDUSTRY),
        "status_kedudukan_kerja": _labelled(employment, EMPLOYMENT),
        "punya_usaha": pd.arrays.BooleanArray(own_business, age < 15),
        "jumlah_usaha": n_business,
        "jumlah_pekerja_usaha": workers,
        "omzet_usaha_per_bulan": turnover,
    }
    disabled = np.zeros(n, dtype=bool)
    for k, domain in enumerate(WG_DOMAINS):
        severity = frailty - 3.0 - _WG_OFFSET[k] - 0.3 * (age < 5)
        level_wg = np.clip(np.floor(severity / 0.6) + 1, 0, 3).astype(int)
        out[domain] = _labelled(level_wg, WG_LEVELS)
        disabled |= level_wg >= 2
    out["disabilitas_berat"] = disabled
    out["penyakit_kronis"] = frailty + 0.3 * noise[:, 3] > 2.2
    out["depresi"] = _labelled(np.select([age < 15, frailty + 0.6 * noise[:, 3] > 2.8, frailty > 1.8], [-1, 0, 1], 2), DEPRESSION)
    nutrition = -0.9 * s + noise[:, 3]
    out["status_gizi_balita"] = _labelled(np.select([age >= 5, nutrition > 1.7, nutrition > 0.9], [-1, 0, 1], 2), NUTRITION)
    return pd.DataFrame(out)


OCCUPATIONS = np.array([
    "BELUM/TIDAK BEKERJA", "MENGURUS RUMAH TANGGA", "PELAJAR/MAHASISWA", "PENSIUNAN",
    "PEGAWAI NEGERI SIPIL", "TENTARA NASIONAL INDONESIA", "KEPOLISIAN RI", "PERDAGANGAN",
    "PETANI/PEKEBUN", "PETERNAK", "NELAYAN/PERIKANAN", "KARYAWAN SWASTA", "BURUH HARIAN LEPAS",
    "WIRASWASTA", "GURU", "SOPIR",
], dtype=object)
ASN_OCCUPATIONS = ("PEGAWAI NEGERI SIPIL", "TENTARA NASIONAL INDONESIA", "KEPOLISIAN RI")


def occupations(rng: np.random.Generator, age: np.ndarray, sex: np.ndarray, s: np.ndarray, urban: np.ndarray) -> np.ndarray:
    """Occupation as recorded by Dukcapil (KTP), drawn once per person."""
    n = len(age)
    male = sex == "L"
    u = rng.random(n)
    out = np.full(n, "BELUM/TIDAK BEKERJA", dtype=object)
    student = (age >= 6) & (age < 19) | ((age >= 19) & (age < 23) & (s + rng.normal(0, 0.8, n) > 1.0))
    out[student] = "PELAJAR/MAHASISWA"
    adult = (age >= 19) & ~student
    asn_p = 1 / (1 + np.exp(-(-4.0 + 1.1 * s + 0.5 * urban))) * ((age >= 22) & (age <= 58))
    is_asn = adult & (u < asn_p)
    asn_kind = rng.random(n)
    out[is_asn] = np.where(asn_kind[is_asn] < 0.75, "PEGAWAI NEGERI SIPIL", np.where(asn_kind[is_asn] < 0.88, "TENTARA NASIONAL INDONESIA", "KEPOLISIAN RI"))
    rest = adult & ~is_asn
    retired = rest & (age >= 60) & (rng.random(n) < 1 / (1 + np.exp(-(-1.5 + 1.2 * s))))
    out[retired] = "PENSIUNAN"
    rest &= ~retired
    housewife = rest & ~male & (rng.random(n) < 0.45)
    out[housewife] = "MENGURUS RUMAH TANGGA"
    rest &= ~housewife
    idle = rest & (rng.random(n) < np.where(age >= 70, 0.6, 0.06))
    rest &= ~idle
    # remaining workers: poorer and rural -> farming and day labour; richer/urban -> employees, trade
    latent = 0.8 * s + 0.9 * urban + rng.normal(0, 0.9, n)
    choice = np.select(
        [latent < -1.2, latent < -0.6, latent < -0.3, latent < 0.3, latent < 0.8, latent < 1.5, latent < 1.9],
        ["PETANI/PEKEBUN", "BURUH HARIAN LEPAS", "PETERNAK", "WIRASWASTA", "PERDAGANGAN", "KARYAWAN SWASTA", "SOPIR"],
        "GURU",
    )
    out[rest] = choice[rest]
    return out
