"""TAXII 2.1 ``match[version]`` (``last`` by default, ``first``, ``all``, timestamps) on the
objects, one-object, versions and manifest endpoints: on the demo knowledge base (one version
per object) and on a collection holding several versions of an object."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cybertrack.web import taxii
from web_helpers import client, copy_kb

ROOT = f"/taxii2/api/collections/{taxii.COLLECTION_ID}"
IND = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
MAL = "malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc"
SCO = "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"


def _obj(oid: str, modified: str | None, created: str = "2020-01-01T00:00:00.000Z",
         ) -> dict[str, Any]:
    obj: dict[str, Any] = {"type": oid.split("--")[0], "id": oid, "spec_version": "2.1"}
    if oid != SCO:
        obj["created"] = created
    if modified:
        obj["modified"] = modified
    return obj


#: Three versions of an indicator, two of a malware, and an object with no created/modified
#: (its version is the server's date added, here the epoch), sorted as ``_objects`` sorts them.
VERSIONED = sorted([
    _obj(IND, "2021-01-01T00:00:00.000Z"), _obj(IND, "2022-06-01T12:00:00.000Z"),
    _obj(IND, "2023-03-01T00:00:00.000Z"),
    _obj(MAL, "2021-05-05T00:00:00.000Z"), _obj(MAL, "2024-01-01T00:00:00.000Z"),
    _obj(SCO, None),
], key=lambda o: (taxii._added(o), o["id"]))


@pytest.fixture(scope="module")
def web(demo_kb_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    kb = copy_kb(demo_kb_file, tmp_path_factory.mktemp("web-taxii") / "kb.db")
    with client(kb) as c:
        yield c


@pytest.fixture()
def versioned(web: TestClient, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setattr(taxii, "_objects", lambda ct: VERSIONED)
    return web


def _pairs(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(o["id"].split("--")[0], o.get("modified") or o.get("version", "")) for o in
            body["objects"]]


def test_objects_default_to_the_last_version(versioned: TestClient) -> None:
    got = versioned.get(f"{ROOT}/objects/").json()
    assert sorted(_pairs(got)) == [("indicator", "2023-03-01T00:00:00.000Z"), ("ipv4-addr", ""),
                                   ("malware", "2024-01-01T00:00:00.000Z")]
    same = versioned.get(f"{ROOT}/objects/", params={"match[version]": "last"}).json()
    assert same == got


def test_first_all_and_their_union(versioned: TestClient) -> None:
    first = versioned.get(f"{ROOT}/objects/", params={"match[version]": "first"}).json()
    assert sorted(_pairs(first)) == [("indicator", "2021-01-01T00:00:00.000Z"),
                                     ("ipv4-addr", ""), ("malware", "2021-05-05T00:00:00.000Z")]
    every = versioned.get(f"{ROOT}/objects/", params={"match[version]": "all"}).json()
    assert len(every["objects"]) == 6
    both = versioned.get(f"{ROOT}/objects/", params={"match[version]": "first,last",
                                                     "match[type]": "indicator"}).json()
    assert [o["modified"] for o in both["objects"]] == ["2021-01-01T00:00:00.000Z",
                                                       "2023-03-01T00:00:00.000Z"]


def test_timestamps_match_as_times_not_as_text(versioned: TestClient) -> None:
    got = versioned.get(f"{ROOT}/objects/", params={
        "match[version]": "2022-06-01T12:00:00Z,2024-01-01T00:00:00.000Z"}).json()
    assert sorted(_pairs(got)) == [("indicator", "2022-06-01T12:00:00.000Z"),
                                   ("malware", "2024-01-01T00:00:00.000Z")]
    none = versioned.get(f"{ROOT}/objects/", params={"match[version]": "1999-01-01T00:00:00Z"})
    assert none.status_code == 200 and none.json() == {"more": False, "objects": []}


def test_a_bad_version_or_date_is_a_400_in_taxii_form(versioned: TestClient) -> None:
    for params in ({"match[version]": "newest"}, {"added_after": "yesterday"}):
        r = versioned.get(f"{ROOT}/objects/", params=params)
        assert r.status_code == 400, params
        assert r.headers["content-type"] == taxii.TAXII and r.json()["http_status"] == "400"


def test_version_applies_after_the_other_filters(versioned: TestClient) -> None:
    # added after the indicator's second version: its third is both the last and the only one
    got = versioned.get(f"{ROOT}/objects/", params={
        "added_after": "2022-06-01T12:00:00Z", "match[version]": "first",
        "match[type]": "indicator"}).json()
    assert _pairs(got) == [("indicator", "2023-03-01T00:00:00.000Z")]


def test_manifest_one_object_and_versions(versioned: TestClient) -> None:
    man = versioned.get(f"{ROOT}/manifest/").json()["objects"]
    assert {(m["id"], m["version"]) for m in man} == {
        (IND, "2023-03-01T00:00:00.000Z"), (MAL, "2024-01-01T00:00:00.000Z"),
        (SCO, "1970-01-01T00:00:00.000Z")}
    every = versioned.get(f"{ROOT}/manifest/", params={"match[version]": "all",
                                                       "match[id]": IND, "limit": 2})
    assert [m["version"] for m in every.json()["objects"]] == ["2021-01-01T00:00:00.000Z",
                                                               "2022-06-01T12:00:00.000Z"]
    assert every.json()["more"] is True
    assert every.headers["X-TAXII-Date-Added-Last"] == "2022-06-01T12:00:00.000Z"
    one = versioned.get(f"{ROOT}/objects/{IND}/").json()["objects"]
    assert [o["modified"] for o in one] == ["2023-03-01T00:00:00.000Z"]
    old = versioned.get(f"{ROOT}/objects/{IND}/", params={"match[version]": "first"}).json()
    assert [o["modified"] for o in old["objects"]] == ["2021-01-01T00:00:00.000Z"]
    assert len(versioned.get(f"{ROOT}/objects/{IND}/",
                             params={"match[version]": "all"}).json()["objects"]) == 3
    vers = versioned.get(f"{ROOT}/objects/{IND}/versions/").json()
    assert vers["versions"] == ["2021-01-01T00:00:00.000Z", "2022-06-01T12:00:00.000Z",
                                "2023-03-01T00:00:00.000Z"]
    paged = versioned.get(f"{ROOT}/objects/{IND}/versions/",
                          params={"limit": 1, "added_after": "2021-06-01T00:00:00Z"}).json()
    assert paged == {"more": True, "next": "1", "versions": ["2022-06-01T12:00:00.000Z"]}


def test_on_the_demo_kb_every_object_has_one_version(web: TestClient) -> None:
    objs = web.get(f"{ROOT}/objects/", params={"limit": 1000}).json()["objects"]
    assert objs and len({o["id"] for o in objs}) == len(objs)
    for version in ("first", "all"):
        again = web.get(f"{ROOT}/objects/", params={"limit": 1000, "match[version]": version})
        assert again.json()["objects"] == objs
    one = next(o for o in objs if o.get("modified"))
    stamp = one["modified"]
    hit = web.get(f"{ROOT}/manifest/", params={"match[version]": stamp,
                                               "match[id]": one["id"]}).json()["objects"]
    assert [(m["id"], m["version"]) for m in hit] == [(one["id"], stamp)]
