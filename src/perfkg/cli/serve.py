"""`perfkg serve --store DIR`: the web application (SPARQL endpoint and library) on uvicorn, with its limits."""
from __future__ import annotations

import logging
import socket
import sys

from perfkg.errors import PerfkgError
from perfkg.web import limits


def register(sub) -> None:
    p = sub.add_parser("serve", help="只读 SPARQL 端点 / read-only SPARQL endpoint",
                       description="在嵌入式存储上提供只读 SPARQL 1.1 端点与查询库 / "
                                   "a read-only SPARQL 1.1 endpoint and the query library over the store")
    p.add_argument("--store", required=True, metavar="DIR", help="存储目录 / store directory")
    p.add_argument("--host", default="127.0.0.1", help="监听地址 / address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="端口，0 为任选空闲端口 / port, 0 picks a free one (default 8000)")
    limits.add_arguments(p)
    p.set_defaults(run=run)


def run(args) -> int:
    import uvicorn

    from perfkg.web.app import create_app
    from perfkg.web.workbench import workbench_routes

    try:
        settings = limits.from_args(args)
    except ValueError as e:
        raise PerfkgError(f"限制参数无效：{e}", f"invalid limit: {e}") from None
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
        listener = socket.create_server((args.host, args.port), family=family)
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # inherited: no ~40 ms Nagle stall per answer
    except OSError as e:
        raise PerfkgError(f"无法监听 {args.host}:{args.port}：{e}", f"cannot listen on {args.host}:{args.port}: {e}") from None
    app = create_app(args.store, settings, extra_routes=workbench_routes())
    config = uvicorn.Config(app, http=limits.LimitedH11Protocol, timeout_keep_alive=settings.idle_timeout,
                            limit_concurrency=settings.max_connections, timeout_graceful_shutdown=3,
                            log_level="warning", lifespan="on")
    host, port = listener.getsockname()[:2]
    print(f"perfkg SPARQL 端点已启动 / endpoint running: http://{host}:{port}/sparql  (Ctrl-C 停止 / to stop)",
          file=sys.stderr, flush=True)
    try:
        uvicorn.Server(config).run(sockets=[listener])
    finally:
        app.state.endpoint.close()  # idempotent; also when uvicorn stops before the lifespan ran
    return 0
