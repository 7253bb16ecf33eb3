"""Symbolic links in a model folder: followed while they stay inside it,
each file read once; the rest are located errors (the corpus case
`symlinks_leaving_and_looping` shows the messages)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from codegen.build import build
from codegen.diagnostics import ModelErrors
from codegen.loader import load_model

MODEL_DIR = Path(__file__).resolve().parents[1] / "event_model"


@pytest.fixture()
def model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "m"
    shutil.copytree(MODEL_DIR, folder)
    return folder


def test_links_inside_are_followed_and_read_once(model: Path) -> None:
    expected = load_model(model)
    shared = model / "shared"
    shared.mkdir()
    (model / "events" / "video.yaml").rename(shared / "video.txt")  # not a model file by its own name
    os.symlink("../shared/video.txt", model / "events" / "video.yaml")
    os.symlink("../events", model / "shared" / "events_again")  # a folder read twice would define twice
    os.symlink("../model.yaml", model / "events" / "model.yml")
    assert load_model(model) == expected  # same events, located at the link's own path


def test_a_model_folder_given_through_a_link(model: Path, tmp_path: Path) -> None:
    os.symlink("m", tmp_path / "linked")
    assert len(load_model(Path("linked")).events) == len(load_model(model).events)


def test_a_link_leaving_the_folder_fails_the_build_too(model: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (model / "events" / "video.yaml").rename(outside / "video.yaml")
    os.symlink("../../elsewhere", model / "events" / "linked")
    with pytest.raises(ModelErrors) as info:
        build(model, tmp_path / "out", ("python",))
    assert [d.format().splitlines()[0] for d in info.value.diagnostics] == [
        "m/events/linked: error: a symbolic link to '../../elsewhere', which is outside the model folder"]
