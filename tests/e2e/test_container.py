"""The image the Dockerfile builds answers its health check, when this machine can run one;
otherwise the test is skipped, saying why."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request
import uuid

import pytest

from tests.e2e.test_several_processes import ROOT, free_port


def container_engine() -> str:
    """The engine's name, or skips the test with what stands in the way."""
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no container engine: `docker` is not installed")
    found = subprocess.run([docker, "info"], capture_output=True, text=True, timeout=30)
    if found.returncode != 0:
        reason = (found.stderr.strip().splitlines() or ["docker info failed"])[-1]
        pytest.skip(f"no container engine running: {reason}")
    return docker


def test_the_image_builds_and_its_health_check_answers() -> None:
    docker = container_engine()
    tag = f"decisionbot-test:{uuid.uuid4().hex[:8]}"
    subprocess.run([docker, "build", "-t", tag, str(ROOT)], check=True, timeout=900)
    port = free_port()
    name = f"decisionbot-test-{uuid.uuid4().hex[:8]}"
    env = {
        "SLACK_BOT_TOKEN": "xoxb-not-checked",  # Slack is out of reach: checked later, not fatal
        "SLACK_SIGNING_SECRET": "a-secret",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
    }
    args = [f"--env={key}={value}" for key, value in env.items()]
    subprocess.run(
        [docker, "run", "-d", "--name", name, "-p", f"127.0.0.1:{port}:3000", *args, tag],
        check=True,
        timeout=60,
    )
    try:
        deadline, status = time.monotonic() + 90, None
        while time.monotonic() < deadline and status != 200:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as got:
                    status = got.status
            except OSError:
                time.sleep(1)
        assert status == 200
        user = subprocess.run(
            [docker, "exec", name, "id", "-u"], capture_output=True, text=True, timeout=30
        )
        assert user.stdout.strip() != "0"  # not root
    finally:
        subprocess.run([docker, "rm", "-f", name], capture_output=True, timeout=60)
        subprocess.run([docker, "rmi", "-f", tag], capture_output=True, timeout=60)
