"""Starting the app: an environment it does not know, or weak keys in production, stop it.

An operator who types ``BIAOGAN_ENV=Production`` must not get a development server with
generated keys; a production ``SECRET_KEY`` or ``AUDIT_KEY`` shorter than 32 bytes must
not sign sessions or seal the trail. Locally both keys are generated once into the
instance folder, readable by the owner only, and reused on every start.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from app import create_app
from app.config import MIN_KEY_BYTES, ConfigError, load

STRONG = "k" * MIN_KEY_BYTES


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("BIAOGAN_ENV", "SECRET_KEY", "AUDIT_KEY", "DATABASE_URL", "UPLOAD_DIR", "AUDIT_CHECKPOINTS",
                     "RATELIMIT_STORAGE_URI", "PROXY_HOPS"):
        monkeypatch.delenv(variable, raising=False)


@pytest.mark.parametrize("name", ["Production", "prod", "PRODUCTION", "staging", "development ", ""])
def test_an_unknown_environment_refuses_to_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                 name: str) -> None:
    monkeypatch.setenv("BIAOGAN_ENV", name)
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.setenv("AUDIT_KEY", STRONG)
    with pytest.raises(ConfigError, match="BIAOGAN_ENV"):
        load(tmp_path)
    with pytest.raises(ConfigError, match="BIAOGAN_ENV"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert not (tmp_path / "secret_key").exists(), "nothing is generated for an environment it does not know"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "AUDIT_KEY"])
def test_production_refuses_to_start_without_each_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                      missing: str) -> None:
    monkeypatch.setenv("BIAOGAN_ENV", "production")
    for variable in {"SECRET_KEY", "AUDIT_KEY"} - {missing}:
        monkeypatch.setenv(variable, STRONG)
    with pytest.raises(ConfigError, match=f"{missing} must be set"):
        load(tmp_path)
    assert list(tmp_path.iterdir()) == [], "production never falls back to a generated key"


@pytest.mark.parametrize("variable", ["SECRET_KEY", "AUDIT_KEY"])
@pytest.mark.parametrize("weak", ["a", "k" * (MIN_KEY_BYTES - 1), "密钥" * 5])  # 5 × 2 characters, 30 bytes
def test_production_refuses_a_key_shorter_than_32_bytes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                        variable: str, weak: str) -> None:
    monkeypatch.setenv("BIAOGAN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.setenv("AUDIT_KEY", STRONG)
    monkeypatch.setenv(variable, weak)
    with pytest.raises(ConfigError, match=f"{variable} must be at least 32 bytes"):
        load(tmp_path)


def test_production_accepts_keys_of_32_bytes_counted_in_bytes(monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    monkeypatch.setenv("BIAOGAN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.setenv("AUDIT_KEY", "密钥" * 6)  # 12 characters, 36 bytes
    settings = load(tmp_path)
    assert settings["SECRET_KEY"] == STRONG and settings["AUDIT_KEY"] == "密钥" * 6
    assert settings["PRODUCTION"] is True and settings["SESSION_COOKIE_SECURE"] is True


def test_development_generates_both_keys_once_readable_by_the_owner_only(tmp_path: Path) -> None:
    first = load(tmp_path)
    assert first["PRODUCTION"] is False and first["SESSION_COOKIE_SECURE"] is False
    for variable in ("SECRET_KEY", "AUDIT_KEY"):
        path = tmp_path / variable.lower()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path.name} is readable by others"
        assert path.read_text().strip() == first[variable]
        assert len(first[variable].encode()) >= MIN_KEY_BYTES
    assert first["SECRET_KEY"] != first["AUDIT_KEY"]
    again = load(tmp_path)
    assert (again["SECRET_KEY"], again["AUDIT_KEY"]) == (first["SECRET_KEY"], first["AUDIT_KEY"])


def test_development_prefers_keys_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BIAOGAN_ENV", "development")
    monkeypatch.setenv("SECRET_KEY", "short-is-fine-locally")
    settings = load(tmp_path)
    assert settings["SECRET_KEY"] == "short-is-fine-locally"
    assert not (tmp_path / "secret_key").exists() and (tmp_path / "audit_key").exists()


def test_a_fresh_instance_folder_gets_the_same_keys_from_workers_starting_together(tmp_path: Path) -> None:
    """Two gunicorn workers starting on a fresh clone must not sign with different keys."""
    from concurrent.futures import ThreadPoolExecutor

    instance = tmp_path / "fresh"
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: load(instance), range(16)))
    keys = {(r["SECRET_KEY"], r["AUDIT_KEY"]) for r in results}
    assert len(keys) == 1
    secret, audit_key = keys.pop()
    assert len(secret) == len(audit_key) == 64


def test_the_app_trusts_no_proxy_unless_told_how_many_stand_in_front(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    assert load(tmp_path)["PROXY_HOPS"] == 0
    monkeypatch.setenv("PROXY_HOPS", "1")
    assert load(tmp_path)["PROXY_HOPS"] == 1


@pytest.mark.parametrize("hops", ["-1", "one", "1.5", "99"])
def test_a_proxy_count_that_is_not_a_small_number_refuses_to_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                        hops: str) -> None:
    monkeypatch.setenv("PROXY_HOPS", hops)
    with pytest.raises(ConfigError, match="PROXY_HOPS"):
        load(tmp_path)
