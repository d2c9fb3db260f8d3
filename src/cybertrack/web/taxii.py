"""TAXII 2.1 read endpoints serving the STIX export, so OpenCTI or MISP can subscribe.

One API root (``/taxii2/api/``) with one collection holding the whole knowledge base as
``cybertrack export --format stix`` writes it (validated STIX 2.1, claims as relationships
with their confidence and sources). Supported: discovery, API root, collections, a
collection, its objects and its manifest (``added_after``, ``limit``/``next`` paging,
``match[id]``, ``match[type]``, ``match[version]`` and ``match[spec_version]``), one object
(``match[version]``, ``match[spec_version]``, paging) and its versions. ``match[version]`` is
``last`` (the default: each object's newest version), ``first``, ``all``, or timestamps
(versions modified exactly then, compared as times), comma-separated for their union; an
object's version is its ``modified`` time, else its ``created``. Responses are
``application/taxii+json;version=2.1``; a request whose Accept header allows neither that
nor JSON gets 406. Each object's "date added" is its ``modified`` time (the export is
rebuilt from the knowledge base, cached for a short while). Reading needs no token; the
collection cannot be written.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from cybertrack.errors import NotFoundError, WebRequestError
from cybertrack.web.app import WebState, state

TAXII = "application/taxii+json;version=2.1"
STIX = "application/stix+json;version=2.1"
COLLECTION_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "cybertrack:knowledge-base"))
MAX_LIMIT = 1000

router = APIRouter(prefix="/taxii2", tags=["TAXII 2.1"])
St = Annotated[WebState, Depends(state)]


class NotAcceptable(Exception):
    pass


def _accepts(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    if not accept:
        return True
    return any(x in accept for x in ("application/taxii+json", "application/json", "*/*",
                                     "application/*"))


def _reply(request: Request, body: dict[str, Any], headers: dict[str, str] | None = None
           ) -> JSONResponse:
    if not _accepts(request):
        return JSONResponse({"title": "not acceptable", "http_status": "406",
                             "description": f"this server answers {TAXII}"},
                            status_code=406, media_type=TAXII)
    return JSONResponse(body, media_type=TAXII, headers=headers)


def _collection() -> dict[str, Any]:
    return {"id": COLLECTION_ID, "title": "cybertrack knowledge base",
            "description": "Every incident, claim (attribution, self-claim, denial, "
            "response) and source document of this knowledge base, as STIX 2.1.",
            "can_read": True, "can_write": False, "media_types": [STIX]}


def _added(obj: dict[str, Any]) -> str:
    return str(obj.get("modified") or obj.get("created") or "1970-01-01T00:00:00.000Z")


def _objects(ct: WebState) -> list[dict[str, Any]]:
    def build() -> list[dict[str, Any]]:
        from cybertrack.export import select, stix_bundle

        bundle = stix_bundle(select(ct.store))
        return sorted(bundle.get("objects", []), key=lambda o: (_added(o), o["id"]))

    return ct.cache.get(("taxii",), build)


def _check_collection(collection_id: str) -> None:
    if collection_id != COLLECTION_ID:
        raise NotFoundError("TAXII collection", collection_id)


@router.get("/")
def discovery(request: Request) -> JSONResponse:
    """TAXII server discovery."""
    return _reply(request, {"title": "cybertrack TAXII 2.1",
                            "description": "Claims about state cyber operations as STIX 2.1.",
                            "default": "/taxii2/api/", "api_roots": ["/taxii2/api/"]})


@router.get("/api/")
def api_root(request: Request) -> JSONResponse:
    """The API root."""
    return _reply(request, {"title": "cybertrack", "versions": [TAXII],
                            "max_content_length": 0})


@router.get("/api/collections/")
def collections(request: Request) -> JSONResponse:
    """The collections (one: the whole knowledge base)."""
    return _reply(request, {"collections": [_collection()]})


@router.get("/api/collections/{collection_id}/")
def collection(request: Request, collection_id: str) -> JSONResponse:
    _check_collection(collection_id)
    return _reply(request, _collection())


def _version(obj: dict[str, Any]) -> str:
    """An object's version (TAXII 2.1: its ``modified``, else its ``created``, else the date
    it was added; here the date added is that same time)."""
    return _added(obj)


@functools.lru_cache(maxsize=1 << 16)
def _parse(text: str) -> datetime.datetime | None:
    try:
        when = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00")
                                               .replace("z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=datetime.UTC)


def _stamp(value: str, what: str) -> datetime.datetime:
    """A STIX timestamp as an aware datetime, so ``...00Z`` and ``...00.000Z`` compare equal
    (a client need not write the milliseconds the server does); 400 when it is not one.
    Parsed once per distinct text (the objects' own stamps repeat on every request)."""
    when = _parse(value)
    if when is None:
        raise WebRequestError(f"{what} {value[:60]!r} is not a timestamp such as "
                              "2024-01-31T12:00:00.000Z")
    return when


def _versions(objs: list[dict[str, Any]], match: str | None) -> list[dict[str, Any]]:
    """The versions ``match[version]`` selects, in the order given: ``last`` (the default: each
    object's newest version), ``first`` (its oldest), ``all``, or timestamps (the versions
    modified exactly then); several values, comma-separated, select their union."""
    wanted = [w.strip() for w in (match or "last").split(",") if w.strip()] or ["last"]
    if "all" in wanted:
        return objs
    stamps = {_stamp(w, "match[version]") for w in wanted if w not in ("first", "last")}
    by_id: dict[str, list[datetime.datetime]] = {}
    for o in objs:
        by_id.setdefault(o["id"], []).append(_stamp(_version(o), "version"))
    keep: set[tuple[str, datetime.datetime]] = set()
    for oid, when in by_id.items():
        if "first" in wanted:
            keep.add((oid, min(when)))
        if "last" in wanted:
            keep.add((oid, max(when)))
        keep.update((oid, w) for w in stamps.intersection(when))
    return [o for o in objs if (o["id"], _stamp(_version(o), "version")) in keep]


def _filtered(objs: list[dict[str, Any]], added_after: str | None, ids: str | None,
              types: str | None, version: str | None, spec: str | None
              ) -> list[dict[str, Any]]:
    """The objects every given filter keeps (filters AND together, as TAXII 2.1 says);
    ``match[version]`` is applied last, among the versions the other filters kept."""
    out = objs
    if added_after:
        after = _stamp(added_after, "added_after")
        out = [o for o in out if _stamp(_added(o), "date added") > after]
    if ids:
        wanted = set(ids.split(","))
        out = [o for o in out if o["id"] in wanted]
    if types:
        kinds = set(types.split(","))
        out = [o for o in out if o["type"] in kinds]
    if spec:
        specs = set(spec.split(","))
        out = [o for o in out if o.get("spec_version", "2.1") in specs]
    return _versions(out, version)


def _page(objs: list[dict[str, Any]], limit: int | None, next_: str | None
          ) -> tuple[list[dict[str, Any]], str | None]:
    start = int(next_) if next_ and next_.isdigit() else 0
    size = min(limit or 100, MAX_LIMIT)
    chunk = objs[start:start + size]
    more = start + size < len(objs)
    return chunk, str(start + size) if more else None


def _date_headers(chunk: list[dict[str, Any]]) -> dict[str, str]:
    if not chunk:
        return {}
    return {"X-TAXII-Date-Added-First": _added(chunk[0]),
            "X-TAXII-Date-Added-Last": _added(chunk[-1])}


Limit = Annotated[int | None, Query(ge=1, le=MAX_LIMIT)]
Text = Annotated[str | None, Query(max_length=2000)]
MatchId = Annotated[str | None, Query(alias="match[id]", max_length=2000)]
MatchType = Annotated[str | None, Query(alias="match[type]", max_length=500)]
MatchVersion = Annotated[str | None, Query(
    alias="match[version]", max_length=500,
    description="last (the default), first, all, or STIX timestamps, comma-separated")]
MatchSpec = Annotated[str | None, Query(alias="match[spec_version]", max_length=50)]


def _envelope(request: Request, objs: list[dict[str, Any]], limit: int | None,
              next_: str | None) -> JSONResponse:
    chunk, more = _page(objs, limit, next_)
    body: dict[str, Any] = {"more": more is not None, "objects": chunk}
    if more:
        body["next"] = more
    return _reply(request, body, _date_headers(chunk))


@router.get("/api/collections/{collection_id}/objects/")
def objects(
    request: Request, ct: St, collection_id: str, added_after: Text = None, limit: Limit = None,
    next: Text = None, match_id: MatchId = None, match_type: MatchType = None,
    match_version: MatchVersion = None, match_spec_version: MatchSpec = None,
) -> JSONResponse:
    """The collection's STIX objects (an envelope), oldest added first."""
    _check_collection(collection_id)
    objs = _filtered(_objects(ct), added_after, match_id, match_type, match_version,
                     match_spec_version)
    return _envelope(request, objs, limit, next)


def _all_versions(ct: WebState, object_id: str) -> list[dict[str, Any]]:
    found = [o for o in _objects(ct) if o["id"] == object_id]
    if not found:
        raise NotFoundError("STIX object", object_id)
    return found


@router.get("/api/collections/{collection_id}/objects/{object_id}/")
def one_object(
    request: Request, ct: St, collection_id: str, object_id: str, added_after: Text = None,
    limit: Limit = None, next: Text = None, match_version: MatchVersion = None,
    match_spec_version: MatchSpec = None,
) -> JSONResponse:
    """One object (an envelope): its newest version unless ``match[version]`` says otherwise."""
    _check_collection(collection_id)
    objs = _filtered(_all_versions(ct, object_id), added_after, None, None, match_version,
                     match_spec_version)
    return _envelope(request, objs, limit, next)


@router.get("/api/collections/{collection_id}/objects/{object_id}/versions/")
def versions(
    request: Request, ct: St, collection_id: str, object_id: str, added_after: Text = None,
    limit: Limit = None, next: Text = None, match_spec_version: MatchSpec = None,
) -> JSONResponse:
    """Every version of one object, oldest first."""
    _check_collection(collection_id)
    objs = _filtered(_all_versions(ct, object_id), added_after, None, None, "all",
                     match_spec_version)
    chunk, more = _page(objs, limit, next)
    body: dict[str, Any] = {"more": more is not None, "versions": [_version(o) for o in chunk]}
    if more:
        body["next"] = more
    return _reply(request, body, _date_headers(chunk))


@router.get("/api/collections/{collection_id}/manifest/")
def manifest(
    request: Request, ct: St, collection_id: str, added_after: Text = None, limit: Limit = None,
    next: Text = None, match_id: MatchId = None, match_type: MatchType = None,
    match_version: MatchVersion = None, match_spec_version: MatchSpec = None,
) -> JSONResponse:
    """What the collection holds: each object's id, date added, version and media type (the
    same filters as ``objects/``, so a client can list before it fetches)."""
    _check_collection(collection_id)
    objs = _filtered(_objects(ct), added_after, match_id, match_type, match_version,
                     match_spec_version)
    chunk, more = _page(objs, limit, next)
    body: dict[str, Any] = {"more": more is not None, "objects": [
        {"id": o["id"], "date_added": _added(o), "version": _version(o), "media_type": STIX}
        for o in chunk]}
    if more:
        body["next"] = more
    return _reply(request, body, _date_headers(chunk))
