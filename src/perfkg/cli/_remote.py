"""Command-line options shared by commands that talk to a remote SPARQL server."""
from __future__ import annotations

import os


def add_remote_options(p) -> None:
    g = p.add_argument_group("远程服务器 remote server")
    g.add_argument("--endpoint", metavar="URL", help="SPARQL 查询端点 / SPARQL query endpoint, e.g. http://host:8890/sparql")
    g.add_argument("--update-url", metavar="URL", help="SPARQL Update 端点 / update endpoint (Virtuoso: …/sparql-auth)")
    g.add_argument("--graph-store", metavar="URL",
                   help="Graph Store Protocol 端点 / GSP endpoint (Virtuoso: …/sparql-graph-crud-auth)")
    g.add_argument("--user", help="用户名 / user name")
    g.add_argument("--password-env", default="PERFKG_PASSWORD", metavar="VAR",
                   help="存放密码的环境变量 / environment variable holding the password (default PERFKG_PASSWORD)")
    g.add_argument("--auth", choices=("digest", "basic"), default="digest", help="HTTP 认证方式 / HTTP auth (default digest)")
    g.add_argument("--timeout", type=float, default=60.0, help="HTTP 超时秒数 / HTTP timeout in seconds (default 60)")
    g.add_argument("--chunk-triples", type=int, default=50_000, help="每块三元组数 / triples per upload chunk")


def remote_store(args):
    from perfkg.store.remote import RemoteStore

    return RemoteStore(args.endpoint, graph_store_url=args.graph_store, update_url=args.update_url, user=args.user,
                       password=os.environ.get(args.password_env), auth=args.auth if args.user else None,
                       timeout=args.timeout, chunk_triples=args.chunk_triples)
