"""The web explorer (Streamlit): ``regimes web``."""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path

from ..._validation import require_extra

APP = Path(__file__).with_name("app.py")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def command(host: str, port: int, results: Path) -> list[str]:
    """The streamlit command line (a list: no shell ever sees user input)."""
    return [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.address", host, "--server.port", str(port), "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            "--global.developmentMode", "false", "--client.toolbarMode", "minimal",
            "--", "--results", str(results)]


def serve(host: str, port: int, results: Path) -> None:
    """Replace this process by the Streamlit server (so signals reach it directly)."""
    require_extra("streamlit", "web")
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    sys.stdout.flush()
    sys.stderr.flush()
    cmd = command(host, port, results)
    os.execve(cmd[0], cmd, env)
