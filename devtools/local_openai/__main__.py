"""`python -m devtools.local_openai`: run the local server in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse

from devtools.local_openai import BatchPlan, LocalServer
from devtools.local_openai.faults import ALL_FAULTS, KNOWN_FAULTS, FaultPlan

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
# What `--help` ends with: a user trying recording without a key needs the URL to export.
CLIENT_SETTINGS = f"""\
to record against it (pytest --record-mode once), in the shell that runs pytest:
  export OPENAI_BASE_URL=http://{DEFAULT_HOST}:{DEFAULT_PORT}/v1
  export OPENAI_API_KEY=sk-local
The URL follows --host and --port (http://HOST:PORT/v1, /v1 included). Any key works
but one containing "invalid", which is refused as the API would refuse it.
"""


def _kinds(value: str) -> tuple[str, ...]:
    kinds = tuple(k.strip() for k in value.split(",") if k.strip())
    unknown = [k for k in kinds if k not in KNOWN_FAULTS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"{','.join(unknown)!r} is not a fault kind; "
            f"choose from {', '.join(sorted(KNOWN_FAULTS))}"
        )
    return kinds


def _rate(value: str) -> float:
    try:
        rate = float(value)
    except ValueError:
        rate = -1.0
    if not 0.0 <= rate <= 1.0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a rate between 0 and 1")
    return rate


def _deployment(value: str) -> tuple[str, str]:
    name, sep, model = value.partition("=")
    if not sep or not name or not model:
        raise argparse.ArgumentTypeError(f"{value!r} is not NAME=MODEL")
    return name, model


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.local_openai",
        description="A local OpenAI-compatible server for tests and demos (no network, no key)",
        epilog=CLIENT_SETTINGS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help="Address to bind (default %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help="Port (default %(default)s; 0 for any free one)",
    )
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="Simulated latency per request"
    )
    parser.add_argument(
        "--first-token-ms",
        type=float,
        default=0.0,
        help="Simulated wait before a stream's first event (x the model's latency factor)",
    )
    parser.add_argument(
        "--token-ms",
        type=float,
        default=0.0,
        help="Simulated wait between a stream's events (x the model's latency factor)",
    )
    parser.add_argument("--fault-rate", type=_rate, default=0.0, help="Share of requests faulted")
    parser.add_argument(
        "--fault-kinds", type=_kinds, default=ALL_FAULTS, help="Comma-separated fault kinds"
    )
    parser.add_argument(
        "--retry-after", type=float, default=0.05, help="Seconds a 429 asks to wait"
    )
    parser.add_argument("--seed", type=int, default=0, help="Seed for fault draws and ids")
    parser.add_argument(
        "--batch-seconds",
        type=float,
        default=0.0,
        help="Seconds a batch spends in progress, its lines finishing one by one (default 0)",
    )
    parser.add_argument(
        "--azure-deployment",
        type=_deployment,
        action="append",
        default=[],
        metavar="NAME=MODEL",
        help="Map an Azure deployment to a model (repeatable); unmapped ones serve their name",
    )
    args = parser.parse_args(argv)
    if args.batch_seconds < 0:
        parser.error("--batch-seconds must not be negative")
    plan = FaultPlan(
        rate=args.fault_rate, seed=args.seed, kinds=args.fault_kinds, retry_after_s=args.retry_after
    )
    server = LocalServer(
        latency_ms=args.latency_ms,
        faults=plan,
        seed=args.seed,
        host=args.host,
        port=args.port,
        batches=BatchPlan(in_progress_s=args.batch_seconds),
        azure_deployments=dict(args.azure_deployment),
    )
    server.set_stream_pace(args.first_token_ms, args.token_ms)
    server.start()
    print(f"migrate-check local server on {server.base_url}", flush=True)
    print(
        f"to record against it: export OPENAI_BASE_URL={server.base_url} OPENAI_API_KEY=sk-local",
        flush=True,
    )
    print(f"Azure clients: azure_endpoint={server.azure_endpoint}", flush=True)
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
