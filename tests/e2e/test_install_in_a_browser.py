"""The install page in a real browser: Debian's Chromium, headless, driven by Selenium through
Debian's ChromeDriver. `make test` installs both where it may (tests/install_chromium.sh)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from storage.db import Database
from storage.models import Installation
from tests.conftest import NOW, TEAM
from tests.e2e.installs import InstallService, install_service
from tests.slack_stand_in.server import InstallChoice, SlackStandIn

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="Chromium and ChromeDriver are not installed: run tests/install_chromium.sh as root "
    "(or apt-get install chromium chromium-driver)",
)
# The machine's network is closed: Chromium's own background calls would only be refused.
QUIET = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@pytest.fixture
async def service(stand_in: SlackStandIn, db: Database) -> AsyncIterator[InstallService]:
    async with install_service(stand_in, db, lambda: NOW) as running:
        yield running


def click_through_the_install(install_url: str) -> tuple[str, str, str]:
    """Opens the install page, clicks "Add to Slack", and waits for the page Slack's redirect
    leads back to; returns the install page's title and the last page's title and text."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in QUIET:
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        browser.get(install_url)
        first_title = browser.title
        browser.find_element(By.LINK_TEXT, "Add to Slack").click()
        WebDriverWait(browser, 20).until(expected_conditions.title_contains("installed"))
        return first_title, browser.title, browser.find_element(By.TAG_NAME, "body").text
    finally:
        browser.quit()


async def test_a_person_installs_from_the_page_in_a_real_browser(service: InstallService) -> None:
    service.stand_in.install_choice = InstallChoice(team_id=TEAM, team_name="Acme")
    # Selenium blocks while the browser works: it runs on a thread, the bot on this loop.
    first, last, text = await asyncio.to_thread(
        click_through_the_install, service.url("/slack/install")
    )

    assert first == "Add decisionbot to Slack"
    assert last == "decisionbot is installed"
    assert "decisionbot is installed in Acme." in text
    assert "/invite @decisionbot" in text
    row = await service.db.read(lambda session: session.get(Installation, TEAM))
    assert row is not None and row.sealed_bot_token is not None
