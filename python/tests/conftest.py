import os
import pathlib

import pytest


def corpus_dir():
    """$XPRESS_CORPUS, or ../shared/corpus beside the repository."""
    env = os.environ.get("XPRESS_CORPUS")
    path = pathlib.Path(env) if env else pathlib.Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
    return path if path.is_dir() else None


@pytest.fixture
def windows_dir():
    path = corpus_dir()
    if path is None or not (path / "windows").is_dir():
        pytest.skip("no corpus: set XPRESS_CORPUS or provide ../shared/corpus (Windows vectors skipped)")
    return path / "windows"


@pytest.fixture
def containers_dir():
    path = corpus_dir()
    if path is None or not (path / "containers").is_dir():
        pytest.skip("no corpus: set XPRESS_CORPUS or provide ../shared/corpus (container files skipped)")
    return path / "containers"
