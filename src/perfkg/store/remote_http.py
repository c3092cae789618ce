"""HTTP for the remote store: SPARQLWrapper through a private urllib opener (Digest or pre-emptive Basic auth), bilingual HTTP errors, retry policy."""
from __future__ import annotations

import base64
import socket
import urllib.error
import urllib.request

from SPARQLWrapper import SPARQLWrapper

from perfkg.store.errors import RemoteStoreError


class Wrapper(SPARQLWrapper):
    """SPARQLWrapper executing through this store's own opener.

    SPARQLWrapper's own Digest support installs a process-wide urllib opener (``install_opener``); we keep
    the credentials in a private opener instead and never hand them to SPARQLWrapper.
    """

    def __init__(self, endpoint: str, opener: urllib.request.OpenerDirector, update_endpoint: str | None = None):
        super().__init__(endpoint, updateEndpoint=update_endpoint, agent="perfkg")
        self._opener = opener

    def _query(self):
        request = self._createRequest()
        return self._opener.open(request, timeout=self.timeout), self.returnFormat


class _PreemptiveBasicAuth(urllib.request.BaseHandler):
    """Send HTTP Basic credentials with every request to our URLs (urllib's handler waits for a challenge
    and fails outright when the challenge is Digest)."""

    def __init__(self, urls: list[str], user: str, password: str):
        self.urls = urls
        self.header = "Basic " + base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")

    def http_request(self, request):
        if request.full_url.startswith(tuple(self.urls)):
            request.add_unredirected_header("Authorization", self.header)
        return request

    https_request = http_request


def opener(urls: list[str], user: str | None, password: str | None, auth: str | None) -> urllib.request.OpenerDirector:
    handlers = []
    if user and password and auth:
        if auth == "digest":
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in urls:
                manager.add_password(None, url, user, password)
            handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
        elif auth == "basic":
            handlers.append(_PreemptiveBasicAuth(urls, user, password))
        else:
            raise RemoteStoreError(f"auth 只能是 'digest'、'basic' 或 None，而不是 {auth!r}",
                                   f"auth must be 'digest', 'basic' or None, not {auth!r}")
    return urllib.request.build_opener(*handlers)


def http_error(e: Exception, what_zh: str, what_en: str) -> RemoteStoreError:
    if isinstance(e, urllib.error.HTTPError):
        body = ""
        try:
            body = e.read().decode("utf-8", "replace").strip()[:600]
        except Exception:
            pass
        if e.code in (401, 403):
            return RemoteStoreError(f"{what_zh}被拒绝（HTTP {e.code}：用户名/密码错误或没有写权限）：{body}",
                                    f"{what_en} was refused (HTTP {e.code}: wrong credentials or no write "
                                    f"permission): {body}")
        return RemoteStoreError(f"{what_zh}失败（HTTP {e.code}）：{body}", f"{what_en} failed (HTTP {e.code}): {body}")
    if isinstance(e, (TimeoutError, socket.timeout)) or "timed out" in str(e):
        return RemoteStoreError(f"{what_zh}超时", f"{what_en} timed out")
    return RemoteStoreError(f"{what_zh}失败：{e}", f"{what_en} failed: {e}")


def retryable(e: Exception, message: str = "") -> bool:
    """Timeouts, refused connections and 5xx are worth a retry; bad data (a parser error) and 4xx are not."""
    if isinstance(e, urllib.error.HTTPError):
        return e.code >= 500 and e.code != 501 and "SP029" not in message and "loader" not in message
    return isinstance(e, (urllib.error.URLError, OSError, TimeoutError))

