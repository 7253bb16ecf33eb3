"""The model cache (codegen/loading/model_cache.py): a load through it gives
exactly what a cold load gives, the IR with every location and the same
located diagnostics, after edits, errors, deleted and renamed files, changes
that other files' events depend on, and whatever the cache folder holds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from codegen.build import build
from codegen.diagnostics import ModelErrors
from codegen.loader import load_model
from codegen.loading.model_cache import ModelCache
from conftest import MODEL_DIR

FILES = 9  # the bundled model's files


def _result(model: Path, cache: ModelCache | None = None) -> str:
    """The IR's repr (locations included) or every diagnostic, as the CLI shows them."""
    try:
        return repr(load_model(model, cache))
    except ModelErrors as errors:
        return errors.format()


def _cached(model: Path, folder: Path) -> tuple[str, int]:
    cache = ModelCache(folder, "code")
    result = _result(model, cache)
    cache.save()
    return result, cache.hits


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture()
def model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # locations name files relative to it
    shutil.copytree(MODEL_DIR, tmp_path / "model")
    return Path("model")


def test_a_second_load_reads_every_file_from_the_cache(model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    cold = _result(model)
    assert _cached(model, folder) == (cold, 0)
    assert len(list(folder.glob("*.json"))) == FILES
    assert _cached(model, folder) == (cold, FILES)


def test_an_edit_reads_only_the_edited_file_again(model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _cached(model, folder)
    _edit(model / "events/video.yaml", "max_items: 30", "max_items: 29")
    result, hits = _cached(model, folder)
    assert (result, hits) == (_result(model), FILES - 1)
    assert "max_items=29" in result
    assert len(list(folder.glob("*.json"))) == FILES  # the old entry of the file is gone


def test_an_error_made_by_an_edit_is_reported_where_a_cold_load_reports_it(model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _cached(model, folder)
    _edit(model / "events/video.yaml", "type: video_quality", "type: video_qualty")
    _edit(model / "events/app.yaml", "events:\n", "events:\n  broken: {number: 5}\n")
    cold = _result(model)
    assert "model/events/video.yaml:" in cold and "video_qualty" in cold and "model/events/app.yaml:" in cold
    assert _cached(model, folder) == (cold, FILES - 2)
    # Unchanged, the broken files come from the cache, their errors with them.
    assert _cached(model, folder) == (cold, FILES)


def test_what_other_files_events_depend_on_is_read_again(model: Path, tmp_path: Path) -> None:
    """Removing an enum value or an enum changes the events that use them,
    although their files are unchanged."""
    folder = tmp_path / "cache"
    _cached(model, folder)
    enums = (model / "enums.yaml").read_text(encoding="utf-8")
    assert "  video_quality:" in enums
    _edit(model / "enums.yaml", "  video_quality:", "  video_grade:")
    cold = _result(model)
    assert "model/events/video.yaml:37:15: error: type of property 'quality' of event 'video_playback_started': " \
           "unknown type 'video_quality'" in cold
    assert _cached(model, folder)[0] == cold
    assert _cached(model, folder) == (cold, FILES)
    (model / "enums.yaml").write_text(enums, encoding="utf-8")
    assert _cached(model, folder)[0] == _result(model)


def test_a_deleted_and_a_renamed_file(model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _cached(model, folder)
    (model / "events/navigation.yaml").unlink()
    (model / "events/video.yaml").rename(model / "events/zz_video.yaml")
    result, hits = _cached(model, folder)
    assert (result, hits) == (_result(model), FILES - 2)
    assert "model/events/zz_video.yaml" in result and "model/events/video.yaml" not in result
    assert len(list(folder.glob("*.json"))) == FILES - 1


def test_another_codes_or_another_folders_entries_are_not_used(model: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    _cached(model, folder)
    cache = ModelCache(folder, "other code")
    assert _result(model, cache) == _result(model) and cache.hits == 0
    # Another working directory names the files otherwise: their locations differ.
    monkeypatch.chdir(model)
    cache = ModelCache(folder, "code")
    assert _result(Path("."), cache) == _result(Path(".")) and cache.hits == 0


BREAKAGES = {
    "not JSON": lambda entry: b"\x00\xffnot json",
    "truncated": lambda entry: entry[: len(entry) // 2],
    "empty": lambda entry: b"",
    "a list": lambda entry: b"[1, 2, 3]",
    "no events": lambda entry: json.dumps({**json.loads(entry), "events": None}).encode(),
    "broken tree": lambda entry: json.dumps({**json.loads(entry), "tree": [3, 1, "x"]}).encode(),
    "broken event": lambda entry: json.dumps(
        {**json.loads(entry), "events": {name: [[1, 2], []] for name in json.loads(entry)["events"]}}).encode(),
    "event left out": lambda entry: json.dumps({**json.loads(entry), "events": {}}).encode(),
    "wrong tables": lambda entry: json.dumps({**json.loads(entry), "tables": {"types": [[9]]}}).encode(),
    "deep nesting": lambda entry: b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_a_broken_cache_is_ignored(model: Path, tmp_path: Path, breakage: str) -> None:
    folder = tmp_path / "cache"
    _cached(model, folder)
    cold = _result(model)
    for entry in folder.glob("*.json"):
        entry.write_bytes(BREAKAGES[breakage](entry.read_bytes()))
    assert _cached(model, folder)[0] == cold
    assert _cached(model, folder) == (cold, FILES)  # written again, whole


def test_a_cache_that_cannot_be_written_only_costs_time(model: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert _cached(model, blocked / "cache") == (_result(model), 0)


def test_a_build_keeps_its_cache_under_codegen(model: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(model, out)
    folder = out / ".codegen" / "model"
    assert len(list(folder.glob("*.json"))) == FILES
    assert (out / ".codegen" / ".gitignore").read_text(encoding="utf-8") == "*\n"
    _edit(model / "events/video.yaml", "type: video_quality", "type: video_qualty")
    with pytest.raises(ModelErrors) as failed:
        build(model, out)
    assert failed.value.format() == _result(model)
    assert len(list(folder.glob("*.json"))) == FILES  # the broken file cached too, for the next attempt


def test_a_failed_first_build_writes_nothing(model: Path, tmp_path: Path) -> None:
    _edit(model / "events/video.yaml", "type: video_quality", "type: video_qualty")
    with pytest.raises(ModelErrors):
        build(model, tmp_path / "out")
    assert not (tmp_path / "out").exists()
