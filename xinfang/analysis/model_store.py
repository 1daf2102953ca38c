"""Versioned model files. Pure; no Django (the directory is passed in).

    <model dir>/<capability>/<version>/model.joblib    the fitted scikit-learn object
    <model dir>/<capability>/<version>/manifest.json   version, trained_at, source, samples,
                                                       labels, metrics, library versions

A version id is `<capability>-<UTC time to the microsecond>-<4 random hex>`
(topic-20261122T101500.123456Z-3f2a), so names sort by age and two trainings at the same
moment do not collide. A version is written into a
hidden temporary directory and renamed into place, so a reader (a web process looking for
the newest model) never sees half a model. Old versions lose their model file when pruned
but keep their manifest: a stored suggestion's version can always be looked up.

The files are pickles: anyone who can write this directory can run code in the processes
that load from it. It lives under XINFANG_VAR_DIR, outside anything served or uploaded.
"""

import json
import logging
import os
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import joblib
import sklearn

logger = logging.getLogger(__name__)

MODEL_FILE = "model.joblib"
MANIFEST_FILE = "manifest.json"


@dataclass(frozen=True)
class StoredModel:
    version: str
    path: Path  # the version's directory
    manifest: dict[str, Any]

    def load(self) -> Any:
        return joblib.load(self.path / MODEL_FILE)


def new_version_id(capability: str, now: datetime | None = None) -> str:
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{capability}-{moment:%Y%m%dT%H%M%S.%fZ}-{secrets.token_hex(2)}"


def save_model(root: Path, capability: str, model: Any, manifest: dict[str, Any]) -> StoredModel:
    """Write a new version; `manifest` gets version, capability, trained_at and library versions."""
    now = datetime.now(UTC)
    version = new_version_id(capability, now)
    manifest = {
        "version": version,
        "capability": capability,
        "trained_at": now.astimezone(ZoneInfo("Asia/Shanghai")).isoformat(timespec="seconds"),
        "sklearn": sklearn.__version__,
        **manifest,
    }
    folder = root / capability
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{version}.tmp"
    temporary.mkdir()
    try:
        joblib.dump(model, temporary / MODEL_FILE, compress=3)
        (temporary / MANIFEST_FILE).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        os.replace(temporary, folder / version)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return StoredModel(version, folder / version, manifest)


def read_manifest(path: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((path / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def stored_versions(root: Path, capability: str) -> list[StoredModel]:
    """Every version that still has its model file, oldest first."""
    folder = root / capability
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir(), key=lambda item: item.name):
        if path.name.startswith(".") or not (path / MODEL_FILE).is_file():
            continue
        manifest = read_manifest(path)
        if manifest is not None and manifest.get("version") == path.name:
            found.append(StoredModel(path.name, path, manifest))
    return found


def newest_version_name(root: Path, capability: str) -> str | None:
    """The newest version's name, cheaply (one directory listing): to notice a new model."""
    folder = root / capability
    try:
        names = [entry.name for entry in os.scandir(folder) if not entry.name.startswith(".")]
    except OSError:
        return None
    return max(names, default=None)


def newest_loadable(root: Path, capability: str) -> tuple[StoredModel, Any] | None:
    """The newest version this process can load, and the loaded object.

    A model pickled by another scikit-learn version may load wrong, so it is skipped (and
    logged): the next older one, or no model, is the safe answer."""
    for stored in reversed(stored_versions(root, capability)):
        if stored.manifest.get("sklearn") != sklearn.__version__:
            logger.warning(
                "analysis model %s was trained with scikit-learn %s, this process has %s: skipped",
                stored.version,
                stored.manifest.get("sklearn"),
                sklearn.__version__,
            )
            continue
        try:
            return stored, stored.load()
        except Exception:  # a damaged file must not stop suggestions: fall back, and say why
            logger.exception("analysis model %s could not be loaded: skipped", stored.version)
    return None


def prune(root: Path, capability: str, *, keep: int) -> list[str]:
    """Delete the model files of all but the newest `keep` versions (manifests stay)."""
    removed = []
    versions = stored_versions(root, capability)
    for stored in versions[: max(0, len(versions) - keep)]:
        (stored.path / MODEL_FILE).unlink(missing_ok=True)
        removed.append(stored.version)
    return removed
