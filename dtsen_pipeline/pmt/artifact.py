"""The chosen PMT model as a versioned artifact: ``<versi>.joblib`` (the fitted scikit-learn
pipeline) beside ``<versi>.json`` (features, training period and size, metrics, library versions,
the joblib file's SHA-256). The version is a hash of the training data and the model's settings,
so training again on the same survey gives the same version and an identical model."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import joblib
import pandas as pd
import sklearn
from sklearn.pipeline import Pipeline

from .model import SEED, Comparison


@dataclass
class Artifact:
    versi: str
    model: Pipeline
    meta: dict

    @property
    def categorical(self) -> list[str]:
        return self.meta["fitur_kategori"]

    @property
    def numeric(self) -> list[str]:
        return self.meta["fitur_angka"]


def version_of(comparison: Comparison, periode: str) -> str:
    """``pmt-<periode>-<algorithm>-<12 hex>``: the hex hashes the training rows and the settings."""
    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(comparison.training, index=False).to_numpy().tobytes())
    digest.update(repr(sorted(comparison.models[comparison.chosen].get_params(deep=True).items(), key=lambda kv: kv[0])).encode())
    digest.update(f"{sklearn.__version__}|{SEED}".encode())
    return f"pmt-{periode}-{comparison.chosen}-{digest.hexdigest()[:12]}"


def save(comparison: Comparison, periode: str, directory: Path) -> Artifact:
    directory.mkdir(parents=True, exist_ok=True)
    versi = version_of(comparison, periode)
    model = comparison.models[comparison.chosen]
    path = directory / f"{versi}.joblib"
    joblib.dump(model, path)
    meta = {
        "versi_model": versi,
        "algoritma": comparison.chosen,
        "periode_latih": periode,
        "keluarga_latih": len(comparison.training),
        "target": "log konsumsi per kapita per bulan (rupiah)",
        "bobot": "bobot survei x jumlah anggota",
        "fitur_kategori": comparison.categorical,
        "fitur_angka": comparison.numeric,
        "metrik_validasi_silang": comparison.metrics,
        "seed": SEED,
        "scikit_learn": sklearn.__version__,
        "berkas": path.name,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }
    (directory / f"{versi}.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    return Artifact(versi, model, meta)


def load(directory: Path, versi: str) -> Artifact:
    """Reload an artifact, refusing a model file that is not the one its metadata describes."""
    meta_path = directory / f"{versi}.json"
    if not meta_path.is_file():
        raise FileNotFoundError(f"PMT model {versi}: {meta_path} not found; materialise model_pmt for its quarter again")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    path = directory / meta["berkas"]
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != meta["sha256"]:
        raise ValueError(f"PMT model {versi}: {path} has SHA-256 {actual[:12]}…, its metadata says {meta['sha256'][:12]}…; "
                         "the file was changed or replaced: materialise model_pmt again")
    if meta["scikit_learn"] != sklearn.__version__:
        raise ValueError(f"PMT model {versi} was saved with scikit-learn {meta['scikit_learn']}, this is {sklearn.__version__}: "
                         "materialise model_pmt again to retrain it")
    return Artifact(versi, joblib.load(path), meta)
