"""The endpoint's limits: one settings object, its `perfkg serve` flags, and the HTTP protocol that enforces them."""
from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, fields
from pathlib import Path

from uvicorn.protocols.http.h11_impl import H11Protocol

MIB = 1 << 20


@dataclass(frozen=True)
class Settings:
    """Every limit of `perfkg serve`, with its default (README "Limits and safety" lists the same)."""

    timeout: float = 30.0  # seconds a query may run; its worker process is killed after that (503)
    max_rows: int = 100_000  # rows (or triples) of an answer; more are cut and flagged X-PerfKG-Truncated
    max_bytes: int = 64 * MIB  # bytes of a serialised answer; cut at a whole row and flagged the same way
    memory_mb: int = 2048  # address space of each query worker (RLIMIT_AS); a query that needs more gets 503
    workers: int = min(4, os.cpu_count() or 1)  # query worker processes (queries running at once)
    queue: int = 8  # queries waiting for a worker; one more gets 503 at once instead of waiting
    max_body: int = MIB  # bytes of a POSTed request body (413 beyond)
    idle_timeout: float = 5.0  # seconds a connection may stay silent (or take to send its request head)
    max_connections: int = 256  # open connections; uvicorn answers 503 beyond (limit_concurrency)
    queries_dir: Path | None = None  # .rq files served as the query library instead of the built-in one

    def __post_init__(self):
        for name in ("timeout", "max_rows", "max_bytes", "memory_mb", "workers", "max_body", "idle_timeout",
                     "max_connections"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        if self.queue < 0:
            raise ValueError("queue must be 0 or more")


# (flag, settings field, type, zh help, en help)
_FLAGS = [
    ("--timeout", "timeout", float, "每个查询的秒数上限，超时杀掉工作进程", "seconds per query; its worker is killed after"),
    ("--max-rows", "max_rows", int, "结果行数（或三元组数）上限", "rows (or triples) per answer, more are cut"),
    ("--max-bytes", "max_bytes", int, "序列化结果的字节上限", "bytes per serialised answer, more are cut"),
    ("--memory-mb", "memory_mb", int, "每个查询工作进程的内存上限（MiB）", "memory cap of each query worker (MiB)"),
    ("--workers", "workers", int, "查询工作进程数", "query worker processes"),
    ("--queue", "queue", int, "等待工作进程的查询数上限", "queries allowed to wait for a worker"),
    ("--max-body", "max_body", int, "POST 请求体字节上限", "bytes of a POSTed request body"),
    ("--idle-timeout", "idle_timeout", float, "空闲连接关闭前的秒数", "seconds before a silent connection is closed"),
    ("--max-connections", "max_connections", int, "同时打开的连接数上限", "open connections at once"),
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The limit flags of `perfkg serve`, defaults taken from Settings."""
    defaults = Settings()
    for flag, name, kind, zh, en in _FLAGS:
        default = getattr(defaults, name)
        shown = f"min(4, CPUs) = {default}" if name == "workers" else default
        parser.add_argument(flag, type=kind, default=default, dest=name, help=f"{zh} / {en} (default {shown})")
    parser.add_argument("--queries", type=Path, default=None, dest="queries_dir", metavar="DIR",
                        help="以此目录的 .rq 文件作为查询库 / serve the .rq files of DIR as the query library")


def from_args(args: argparse.Namespace) -> Settings:
    return Settings(**{f.name: getattr(args, f.name) for f in fields(Settings) if hasattr(args, f.name)})


class LimitedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline on silence, bilingual 400s, and no reset after a refused request.

    uvicorn arms its keep-alive timer only after a response, so a connection that never sends a full request
    head (or nothing at all) stays open for ever; here the same timer (timeout_keep_alive) runs from the moment
    the connection opens until a request head has arrived, whatever trickles in meanwhile. A request that h11
    refuses (a negative or malformed Content-Length, an oversized head) gets a bilingual 400, and the rest of
    what the client sends is read and dropped before the connection closes, so the client sees the answer
    instead of a TCP reset.
    """

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._head_deadline = self.loop.call_later(self.timeout_keep_alive, self._close_silent)
        self._draining = False
        # uvicorn checks limit_concurrency per request (and answers in English); refuse the connection itself here
        if self.limit_concurrency is not None and len(self.connections) >= self.limit_concurrency:
            self._refuse(503, b"Service Unavailable", "连接数已达上限，请稍后重试", "too many open connections; retry later")

    def _close_silent(self) -> None:
        if not self.transport.is_closing() and (self.cycle is None or self.cycle.response_complete):
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._draining:
            return
        cycle = self.cycle
        super().data_received(data)
        if self.cycle is not cycle:  # a request head arrived: the app's own time limits apply now
            self._head_deadline.cancel()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():  # silence until the next request head is bounded again
            self._head_deadline.cancel()
            self._head_deadline = self.loop.call_later(self.timeout_keep_alive, self._close_silent)

    def connection_lost(self, exc) -> None:
        self._head_deadline.cancel()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        self._refuse(400, b"Bad Request", "请求不符合 HTTP 协议（例如 Content-Length 为负数或无效，或请求头过大）",
                     "the request is not valid HTTP (e.g. a negative or invalid Content-Length, or an oversized head)")

    def _refuse(self, status: int, reason: bytes, zh: str, en: str) -> None:
        """Answer and close without a reset: the rest of what the client sends is read and dropped for a moment."""
        body = f"{status} {reason.decode()}\n{zh}\n{en}\n".encode("utf-8")
        head = (f"HTTP/1.1 {status} ".encode() + reason + b"\r\ncontent-type: text/plain; charset=utf-8\r\n"
                b"connection: close\r\ncontent-length: " + str(len(body)).encode() + b"\r\n\r\n")
        self.transport.write(head + body)
        self._draining = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self._head_deadline.cancel()
        self._head_deadline = self.loop.call_later(min(self.timeout_keep_alive, 2.0), self.transport.close)
