"""`lead-scoring dashboard`: serve the dashboard (app.py) with Streamlit, in a child process, over
the published warehouse that --duckdb-path (or LEAD_SCORING_DUCKDB_PATH, or the default) names.

The child gets the warehouse's path in LEAD_SCORING_DUCKDB_PATH; every page load reads the file
published at that moment, read-only (warehouse.py), so the dashboard runs beside scheduled runs
and shows each new build without a restart. The command's exit code is the child's; Ctrl-C stops
both, with 130 like the other commands.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from lead_scoring.arguments import DashboardOptions
from lead_scoring.exit_codes import ExitCode
from lead_scoring.locations import DUCKDB_PATH_ENV, project_dir, published_path

APP = Path(__file__).with_name("app.py")
# how long Streamlit gets to stop after Ctrl-C before it is terminated
STOP_SECONDS = 10
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def is_local(host: str) -> bool:
    """Whether `host` is reachable from this machine only (a loopback address or localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def streamlit_command(options: DashboardOptions) -> list[str]:
    """`streamlit run app.py` on the host and port asked for, headless (it prints the address
    instead of opening a browser), sending no usage statistics, with no file watcher (the app
    is installed code, not a script being edited) and Streamlit's developer menu hidden."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        options.host,
        "--server.port",
        str(options.port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
    ]


@contextlib.contextmanager
def stop_signals_forwarded_to(child: subprocess.Popen[bytes]) -> Iterator[None]:
    """While Streamlit runs, pass SIGTERM and SIGHUP (`kill`, `systemctl stop`, a closed
    terminal) on to it: it then stops, and so does this command, leaving no Streamlit serving
    on its own."""
    previous = {
        stop: signal.signal(stop, lambda number, _frame: child.send_signal(number))
        for stop in STOP_SIGNALS
    }
    try:
        yield
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)


def dashboard_command(options: DashboardOptions) -> int:
    """Serve the dashboard until Ctrl-C; returns Streamlit's exit code (130 on Ctrl-C)."""
    published = published_path(project_dir(options.project_dir), options.duckdb_path)
    if not is_local(options.host):
        print(
            f"Warning: the dashboard listens on {options.host}, beyond this machine. Anyone who "
            "can reach it sees the hand-off list, which holds personal data (emails): serve it "
            "only behind access control, or show such an audience a warehouse built with "
            "--hash-pii.",
            file=sys.stderr,
        )
    print(
        f"Dashboard of {published} (read-only): http://{options.host}:{options.port}/ "
        "(Ctrl-C stops it)",
        flush=True,
    )
    environment = {**os.environ, DUCKDB_PATH_ENV: str(published)}
    child = subprocess.Popen(streamlit_command(options), env=environment)
    with stop_signals_forwarded_to(child):
        try:
            return child.wait()
        except KeyboardInterrupt:
            # Ctrl-C reached Streamlit too (the same process group): give it time to stop
            try:
                child.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                child.terminate()
                child.wait()
            print("\nDashboard stopped (Ctrl-C).", file=sys.stderr)
            return ExitCode.INTERRUPTED
