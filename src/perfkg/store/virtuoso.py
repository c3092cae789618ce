"""Run a private Virtuoso Open Source server (loopback only, own data dir, random passwords) for tests and users."""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path

from perfkg.store.virtuoso_ini import INI_TEMPLATE
from perfkg.store.virtuoso_isql import IsqlClient, VirtuosoError

# Verified against Debian's virtuoso-opensource 7.2.5 (Virtuoso 07.20.3229):
# * A new database has dba/dba. We change it (and dav's) right after start, over isql on the loopback SQL port,
#   and write the new credentials to ``perfkg-credentials.json`` (mode 0600) in the data dir so it can be reused.
# * Writes need HTTP Digest on /sparql-auth and /sparql-graph-crud-auth. We create a writer user that has only the
#   SPARQL_UPDATE role (the anonymous ``SPARQL`` user keeps read-only rights). A writer needs SQL login enabled:
#   a user created with SQL_ENABLE=0 gets 401 from the Digest endpoints.
# * ``shutdown;`` over isql checkpoints and exits in under a second.

INSTALL_HINT_ZH = "请安装 Virtuoso：sudo .ci/install-system-deps（或 apt-get install --no-install-recommends virtuoso-opensource）"
INSTALL_HINT_EN = "install Virtuoso: sudo .ci/install-system-deps (or apt-get install --no-install-recommends virtuoso-opensource)"
CREDENTIALS_FILE = "perfkg-credentials.json"
WRITER_USER = "perfkg_writer"

def _find_binary(env: str, names: list[str], extra: list[Path]) -> str | None:
    if os.environ.get(env):
        return os.environ[env]
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    for path in extra:
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    return None


def find_virtuoso() -> str | None:
    """The server binary: $PERFKG_VIRTUOSO_T, `virtuoso-t` on PATH, or Debian's /usr/bin/virtuoso-t."""
    return _find_binary("PERFKG_VIRTUOSO_T", ["virtuoso-t"], [Path("/usr/bin/virtuoso-t")])


def find_isql(server_binary: str | None = None) -> str | None:
    """Virtuoso's isql: $PERFKG_VIRTUOSO_ISQL, `isql-vt` (Debian), or an `isql` beside a non-system virtuoso-t.

    A bare `isql` in /usr/bin is usually unixODBC's, which is a different program.
    """
    extra = [Path("/usr/bin/isql-vt")]
    if server_binary:
        here = Path(server_binary).resolve().parent
        extra.insert(0, here / "isql-vt")
        if str(here) not in ("/usr/bin", "/bin", "/usr/local/bin"):
            extra.append(here / "isql")
    return _find_binary("PERFKG_VIRTUOSO_ISQL", ["isql-vt"], extra)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _missing(what: str) -> VirtuosoError:
    return VirtuosoError(f"找不到 Virtuoso 的 {what}；{INSTALL_HINT_ZH}", f"Virtuoso's {what} was not found; {INSTALL_HINT_EN}")


class VirtuosoServer:
    """A Virtuoso server child process with its own ini and data dir; a context manager.

    ``with VirtuosoServer() as v: store = v.remote_store()``. Listens on 127.0.0.1 only.
    """

    def __init__(self, data_dir: str | Path | None = None, *, http_port: int | None = None,
                 sql_port: int | None = None, max_rows: int = 100_000, max_query_seconds: int = 60,
                 buffers: int = 100_000, keep: bool | None = None, start_timeout: float = 90.0,
                 load_dirs: list[str | Path] = (), max_cost_seconds: int = 400):
        self.binary = find_virtuoso()
        if not self.binary:
            raise _missing("服务器程序 virtuoso-t / server binary virtuoso-t")
        self.isql = find_isql(self.binary)
        if not self.isql:
            raise _missing("命令行客户端 isql-vt / command-line client isql-vt")
        self._own_dir = data_dir is None
        self.data_dir = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="perfkg-virtuoso-"))
        self.keep = (not self._own_dir) if keep is None else keep
        self.http_port = http_port
        self.sql_port = sql_port
        self.max_rows = max_rows
        self.max_query_seconds = max_query_seconds
        self.max_cost_seconds = max_cost_seconds  # [SPARQL] MaxQueryCostEstimationTime: refuse by cost estimate
        self.buffers = buffers
        self.start_timeout = start_timeout
        self.load_dirs = [Path(d).resolve() for d in load_dirs]
        self.process: subprocess.Popen | None = None
        self.dba_password: str | None = None
        self.user = WRITER_USER
        self.password: str | None = None
        self._finalizer = None

    # -- addresses --------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def endpoint(self) -> str:
        return self.base_url + "/sparql"

    @property
    def update_endpoint(self) -> str:
        return self.base_url + "/sparql-auth"

    @property
    def graph_store_endpoint(self) -> str:
        return self.base_url + "/sparql-graph-crud-auth"

    def remote_store(self, *, bulk_dir: str | Path | None = None, **options):
        """A RemoteStore bound to this server, with the writer's credentials; with ``bulk_dir`` (one of the
        ``load_dirs``), loads go through Virtuoso's bulk loader as dba (perfkg.store.virtuoso_bulk)."""
        from perfkg.store.remote import RemoteStore
        from perfkg.store.virtuoso_bulk import VirtuosoBulkLoader

        if bulk_dir is not None:
            options["bulk_loader"] = VirtuosoBulkLoader(self.sql(), bulk_dir)
        return RemoteStore(self.endpoint, update_url=self.update_endpoint, graph_store_url=self.graph_store_endpoint,
                           user=self.user, password=self.password, auth="digest", **options)

    # -- life cycle ------------------------------------------------------------------------------

    def __enter__(self) -> "VirtuosoServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> "VirtuosoServer":
        """Write the ini, start virtuoso-t, wait until /sparql answers, then secure the accounts."""
        if self.running:
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "www").mkdir(exist_ok=True)
        credentials = self._read_credentials()
        fixed_ports = self.http_port is not None and self.sql_port is not None
        for attempt in range(3):  # a free port can be taken between picking and binding: pick again, bounded
            self.http_port = self.http_port or free_port()
            self.sql_port = self.sql_port or free_port()
            self._write_ini()
            self._spawn()
            if self._wait_ready():
                break
            self._kill()
            if fixed_ports or attempt == 2:
                error = VirtuosoError(
                    f"Virtuoso 未能在 {self.start_timeout:.0f} 秒内启动（端口 {self.http_port}/{self.sql_port}）；日志末尾：\n{self.log_tail()}",
                    f"Virtuoso did not start within {self.start_timeout:.0f} s (ports {self.http_port}/{self.sql_port}); "
                    f"end of its log:\n{self.log_tail()}")
                self.stop()
                raise error
            self.http_port = self.sql_port = None
        self._finalizer = weakref.finalize(self, _stop_process, self.process)
        if credentials:
            self.dba_password, self.password = credentials["dba_password"], credentials["writer_password"]
            return self
        try:
            self._secure_new_database()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Shut down cleanly over isql, kill as a fallback, then remove the data dir unless kept."""
        if self.process is not None:
            if self.running and self.dba_password:
                try:
                    self.isql_exec("shutdown;", timeout=timeout, check=False)
                except (VirtuosoError, subprocess.TimeoutExpired):
                    pass
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._kill()
            if self._finalizer:
                self._finalizer.detach()
            self.process = None
        if not self.keep and self.data_dir.exists():
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def _write_ini(self) -> None:
        dirs = [str(self.data_dir.resolve()), "/usr/share/virtuoso-opensource-7/vad", *map(str, self.load_dirs)]
        text = INI_TEMPLATE.format(dir=self.data_dir.resolve(), sql_port=self.sql_port, http_port=self.http_port,
                                   dirs_allowed=", ".join(dirs), buffers=self.buffers,
                                   dirty_buffers=self.buffers * 3 // 4, buffer_mib=self.buffers * 8 // 1024,
                                   max_rows=self.max_rows, max_query_seconds=self.max_query_seconds,
                                   max_cost_seconds=self.max_cost_seconds)
        (self.data_dir / "virtuoso.ini").write_text(text, encoding="utf-8")

    def _spawn(self) -> None:
        log = open(self.data_dir / "server-console.log", "ab")
        try:
            self.process = subprocess.Popen(
                [self.binary, "+configfile", str(self.data_dir / "virtuoso.ini"), "+foreground"],
                cwd=self.data_dir, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)  # Ctrl-C in the parent does not kill it mid-write; we stop it ourselves
        except OSError as e:
            raise VirtuosoError(f"无法启动 {self.binary}：{e}", f"cannot start {self.binary}: {e}") from None
        finally:
            log.close()

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + self.start_timeout
        probe = self.endpoint + "?query=ASK%7B%7D"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(probe, timeout=2) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.25)
        return False

    def _kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            _stop_process(self.process)

    def log_tail(self, lines: int = 15) -> str:
        out = []
        for name in ("virtuoso.log", "server-console.log"):
            path = self.data_dir / name
            if path.exists():
                out += path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
        return "\n".join(out[-lines:])

    # -- accounts --------------------------------------------------------------------------------

    def _secure_new_database(self) -> None:
        """Replace dba/dba and dav/dav with random passwords; create the SPARQL_UPDATE writer."""
        dba, writer, dav = (secrets.token_hex(16) for _ in range(3))  # hex: nothing to quote in SQL
        script = (f"DB.DBA.USER_CREATE('{WRITER_USER}', '{writer}');\n"
                  f"GRANT SPARQL_UPDATE TO \"{WRITER_USER}\";\n"
                  f"DB.DBA.USER_PASSWORD_SET('dav', '{dav}');\n"
                  f"DB.DBA.USER_PASSWORD_SET('dba', '{dba}');\n")
        self.dba_password = "dba"
        self.isql_exec(script)
        self.dba_password, self.password = dba, writer
        path = self.data_dir / CREDENTIALS_FILE
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"dba_password": dba, "writer_user": WRITER_USER, "writer_password": writer}, f)

    def _read_credentials(self) -> dict | None:
        path = self.data_dir / CREDENTIALS_FILE
        if (self.data_dir / "virtuoso.db").exists():
            if not path.exists():
                raise VirtuosoError(f"{self.data_dir} 已有数据库，但没有 {CREDENTIALS_FILE}：不知道 dba 密码",
                                    f"{self.data_dir} holds a database but no {CREDENTIALS_FILE}: the dba password is unknown")
            return json.loads(path.read_text(encoding="utf-8"))
        return None

    def sql(self, user: str = "dba") -> IsqlClient:
        """An isql client for this server (as dba by default)."""
        password = self.dba_password if user == "dba" else self.password
        return IsqlClient(self.isql, f"127.0.0.1:{self.sql_port}", user, password)

    def isql_exec(self, script: str, *, timeout: float = 60.0, check: bool = True) -> str:
        """Run SQL statements as dba over the loopback SQL port; raise on any reported error."""
        return self.sql().run(script, timeout=timeout, check=check)


def _stop_process(process: subprocess.Popen) -> None:
    """Terminate, then kill, a server process (bounded waits); used as the finaliser too."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m perfkg.store.virtuoso",
                                     description="运行一个本机 Virtuoso 服务器 / run a private Virtuoso server (127.0.0.1 only)")
    parser.add_argument("--data-dir", required=True, help="数据目录（保留）/ data directory (kept)")
    parser.add_argument("--http-port", type=int, default=8890)
    parser.add_argument("--sql-port", type=int, default=None, help="默认 HTTP 端口 + 1 / default: HTTP port + 1")
    parser.add_argument("--max-rows", type=int, default=100_000, help="[SPARQL] ResultSetMaxRows")
    parser.add_argument("--max-query-seconds", type=int, default=60, help="[SPARQL] MaxQueryExecutionTime")
    parser.add_argument("--buffers", type=int, default=170_000, help="NumberOfBuffers (8 KiB pages)")
    parser.add_argument("--load-dir", action="append", default=[],
                        help="服务器可读取的批量载入目录（DirsAllowed，可重复）/ a directory the server may bulk-load "
                             "from (DirsAllowed; repeatable)")
    args = parser.parse_args(argv)
    try:
        server = VirtuosoServer(args.data_dir, http_port=args.http_port, sql_port=args.sql_port or args.http_port + 1,
                                max_rows=args.max_rows, max_query_seconds=args.max_query_seconds,
                                buffers=args.buffers, keep=True, load_dirs=args.load_dir)
        server.start()
    except VirtuosoError as e:
        print(e.describe(), file=sys.stderr)
        return 2
    print(f"SPARQL: {server.endpoint}\nupdate (Digest): {server.update_endpoint}\n"
          f"graph store (Digest): {server.graph_store_endpoint}\n"
          f"credentials: {server.data_dir / CREDENTIALS_FILE}\n按 Ctrl-C 停止 / press Ctrl-C to stop", flush=True)
    try:
        while server.running:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
