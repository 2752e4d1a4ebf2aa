"""The investigator UI in headless Chromium (Debian's package, driven by Playwright) against the app over a
real Neo4j loaded with the real samples: search, open an entity, verdict and highlighted path, exports,
permalink, recentring, what-if. Screenshots go to test-output/screenshots (kept by CI)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from app.settings import Settings
from tests.serving import serve
from tests.test_api import api_settings  # noqa: F401  (module fixture: samples loaded, generations computed)

SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-output" / "screenshots"
CHROMIUM = os.environ.get("OWNERSHIP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def base_url(api_settings: Settings) -> Iterator[str]:  # noqa: F811
    with serve(api_settings) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"no Chromium at {CHROMIUM}: install Debian's chromium package "
                           "(scripts/test.sh does when it runs as root) or set OWNERSHIP_CHROMIUM")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    opened = context.new_page()
    yield opened
    context.close()


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def ready(page: Page, prefix: str) -> None:
    page.wait_for_function("p => (document.body.dataset.ready || '').startsWith(p) || "
                           "document.body.dataset.ready === 'error'", arg=prefix, timeout=30_000)
    assert page.locator("#error").is_hidden(), page.locator("#error").text_content()


def cy(page: Page, expression: str) -> Any:
    return page.evaluate(f"() => {expression}")


def test_search_open_entity_verdict_path_exports_and_what_if(page: Page, base_url: str, tmp_path: Path) -> None:
    page.goto(base_url + "/")
    ready(page, "#/")
    expect(page.locator("#policies-summary")).to_contain_text("restricted-jurisdictions")

    page.fill("#search-input", "bank saderat")
    page.press("#search-input", "Enter")
    ready(page, "#/search")
    plc = page.locator("#search-results li", has_text="BANK SADERAT PLC").first
    expect(plc.locator(".badge")).to_have_text("RESTRICTED")
    shot(page, "01-search")

    plc.locator("a").click()
    ready(page, "#/entity/")
    expect(page.locator("#entity-name")).to_have_text("BANK SADERAT PLC")
    badge = page.locator("#verdict-badges .badge", has_text="restricted-jurisdictions")
    expect(badge).to_contain_text("RESTRICTED")
    expect(page.locator("#verdict-reason")).to_contain_text("BANK SADERAT IRAN")
    expect(page.locator("#verdict-arithmetic")).to_contain_text("look-through ")
    deciding = cy(page, "state.cy.edges('[deciding = 1]').map(e => [e.source().data('label'), e.data('label')])")
    assert any("BANK SADERAT IRAN" in label for label, _ in deciding), deciding
    assert cy(page, "state.cy.nodes().length") >= 2
    expect(page.locator("#evidence-table tbody tr").first).to_be_visible()
    shot(page, "02-entity-restricted")

    with page.expect_download() as download:
        page.click("#export-json")
    exported = json.loads(Path(download.value.path()).read_text())
    assert exported["verdict"] == "restricted" and exported["evidence"]["holders"]
    with page.expect_download() as download:
        page.click("#export-csv")
    table = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert table[0][:3] == ["part", "holder_id", "holder_name"] and any("BANK SADERAT IRAN" in r for r in table)
    with page.expect_download() as download:
        page.click("#export-png")
    assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    permalink = page.url
    page.goto("about:blank")
    page.goto(permalink)
    ready(page, "#/entity/")
    expect(page.locator("#entity-name")).to_have_text("BANK SADERAT PLC")

    row = page.locator("#evidence-table tbody tr", has_text="BANK SADERAT IRAN").filter(has_text="yes").first
    row.locator("button.whatif-remove").click()
    result = page.locator("#whatif-result .compare")
    expect(result).to_contain_text("now: RESTRICTED")
    expect(result).to_have_attribute("data-changed", "true")
    expect(result.locator(".badge").nth(1)).to_contain_text("what-if: CLEAR")
    shot(page, "03-what-if")

    parent_id = row.get_attribute("data-holder")
    page.evaluate("id => state.cy.getElementById(id).emit('tap')", parent_id)
    ready(page, "#/entity/")
    expect(page.locator("#entity-name")).to_have_text("BANK SADERAT IRAN")
    expect(page.locator("#evidence-table tbody")).to_be_visible()
    assert page.locator("#verdict-badges .badge").count() == 2


def test_policy_and_depth_pickers_and_errors(page: Page, base_url: str) -> None:
    page.goto(base_url + "/#/entity/GB-COH%3A01126618?policy=ofac-50-percent&depth=1")
    ready(page, "#/entity/")
    expect(page.locator("#policy-select")).to_have_value("ofac-50-percent")
    assert cy(page, "state.owners.parties.every(p => p.level <= 1)")
    page.select_option("#policy-select", "restricted-jurisdictions")
    page.fill("#depth-input", "2")
    page.click("#controls button[type=submit]")
    ready(page, "#/entity/")
    assert "policy=restricted-jurisdictions" in page.url and "depth=2" in page.url
    page.goto(base_url + "/#/entity/XX%3ANOPE")
    page.wait_for_function("document.body.dataset.ready === 'error'")
    expect(page.locator("#error")).to_contain_text("no entity with identifier or id 'XX:NOPE'")
    page.set_viewport_size({"width": 1280, "height": 720})  # a laptop screen
    page.goto(base_url + "/#/entity/GB-COH%3A01126618")
    ready(page, "#/entity/")
    assert page.locator("#graph").bounding_box()["width"] > 600  # type: ignore[index]
    shot(page, "04-laptop")


def test_large_graphs_collapse_beyond_200_parties_with_a_visible_count(browser: Browser, settings: Settings,
                                                                       tmp_path: Path) -> None:
    """A holding with 350 subsidiaries: the page draws 200 parties and says how many it left out."""
    from app.db import Graph, create_driver
    from app.engine.compute import compute_generation
    from app.engine.service import active_policies
    from app.schema import reset_graph
    from tests.loading import load

    subsidiaries = "".join(f"S{i},Subsidiary {i} Ltd,GB\n" for i in range(350))
    (tmp_path / "big-entities.csv").write_text("id,name,jurisdiction\nHUB,Hub Holdings Ltd,CN\n" + subsidiaries)
    (tmp_path / "big-relationships.csv").write_text(
        "id,owner,subject,share\n" + "".join(f"R{i},HUB,S{i},{51 + i % 40}\n" for i in range(350)))
    driver = create_driver(settings)
    graph = Graph(driver, settings.neo4j_database)
    try:
        reset_graph(graph)
        load(graph, "csv", tmp_path / "big-entities.csv", tmp_path / "big-relationships.csv", tmp=tmp_path)
        for policy in active_policies(settings).values():
            compute_generation(graph, policy, date.today())
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        page = context.new_page()
        with serve(settings) as url:
            page.goto(url + "/#/entity/CSV%3AHUB?depth=1")
            ready(page, "#/entity/")
            assert cy(page, "state.cy.nodes().length") == 200
            expect(page.locator("#graph-note")).to_contain_text("200 parties shown; 151 more not shown")
            expect(page.locator("#verdict-badges")).to_contain_text("restricted-jurisdictions: RESTRICTED")
            shot(page, "05-collapsed-hub")
        context.close()
    finally:
        driver.close()
