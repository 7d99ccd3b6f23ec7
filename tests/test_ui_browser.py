"""The Dagster UI, as an operator sees it: dagster-webserver on loopback against the tiny world's
materialised first quarter, opened in Debian's headless Chromium driven by Selenium (through
/usr/bin/chromedriver: nothing is downloaded).

The asset graph shows every asset of every stage (the groups and their assets come from the
Definitions), and one asset's page shows its latest materialisation and its check results as the
event log has them. Screenshots are saved under the test's temporary directory.

Needs `chromium` and `chromium-driver` (Debian; `.ci/run` installs them). Without them the test
fails, unless DTSEN_UI_TEST=optional is set, which turns the failure into a skip.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import TINY_QUARTER
from dtsen_pipeline.resources import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
LOCATION = "dtsen_pipeline.definitions"
ASSET = "padan_dukcapil"
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1600,1200"]


def _browser_missing() -> str | None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    return f"{' and '.join(missing)} not found (apt-get install chromium chromium-driver)" if missing else None


@pytest.fixture(scope="module")
def browser_ok():
    reason = _browser_missing()
    if reason:
        if os.environ.get("DTSEN_UI_TEST") == "optional":
            pytest.skip(f"DTSEN_UI_TEST=optional and {reason}")
        pytest.fail(f"the browser test needs Chromium: {reason}; set DTSEN_UI_TEST=optional to skip it")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def webserver(browser_ok, tiny_run, tiny_world, tmp_path_factory):
    """dagster-webserver on a free loopback port, on a copy of the tiny run's DAGSTER_HOME."""
    db, home = tiny_run
    world, _ = tiny_world
    work = tmp_path_factory.mktemp("ui")
    shutil.copytree(home, work / "dagster_home")
    with (work / "dagster_home" / "dagster.yaml").open("a", encoding="utf-8") as config:
        config.write("nux:\n  enabled: false\n")  # no "Join the Dagster community" dialog over the pages
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(work / "dagster_home"), "DTSEN_DATA": str(world), "DTSEN_DB": str(db),
           "GX_ANALYTICS_ENABLED": "false", "DAGSTER_DISABLE_TELEMETRY": "1"}
    log = (work / "webserver.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "dagster_webserver", "-h", "127.0.0.1", "-p", str(port), "-m", LOCATION],
                            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/server_info", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"dagster-webserver did not start: {(work / 'webserver.log').read_text()[-2000:]}")
            time.sleep(0.5)
        yield base, work
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def driver(webserver):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    _, work = webserver
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={work / 'chromium-profile'}"]:
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    browser.set_page_load_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()


def _body(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.TAG_NAME, "body").text


def _open(driver, url, ready_text: str, timeout: float = 60):
    """Load a page and wait until its body shows ``ready_text``; dismiss the first-visit dialog."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By

    driver.get(url)
    _wait(driver, lambda d: ready_text in _body(d), f"{url} never showed {ready_text!r}", timeout)
    for button in driver.find_elements(By.XPATH, "//button[normalize-space()='Skip']"):  # "Join the Dagster community"
        try:
            button.click()
        except WebDriverException:
            pass


def _wait(driver, condition, message: str, timeout: float = 30):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, timeout, poll_frequency=0.3).until(condition)
    except TimeoutException:
        pytest.fail(f"{message}; the page shows: {_body(driver)[-1500:]!r}")


def _graph_names(driver) -> set[str]:
    """The names on the nodes the asset graph renders (it renders only what is in view; a name
    shortened on a small node is whole in its tooltip)."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    names = set()
    for node in driver.find_elements(By.CSS_SELECTOR, "foreignObject"):
        try:
            text = node.text
            names.update(t.get_attribute("data-tooltip") for t in node.find_elements(By.CSS_SELECTOR, "[data-tooltip]"))
        except StaleElementReferenceException:
            continue
        if text:
            names.add(text.split("\n")[0].strip())
    return names


def _expected_groups(tiny_world, tiny_db) -> dict[str, set[str]]:
    from dtsen_pipeline.definitions import build_definitions

    world, _ = tiny_world
    graph = build_definitions(data_dir=str(world), database=str(tiny_db)).resolve_asset_graph()
    groups: dict[str, set[str]] = {}
    for node in graph.asset_nodes:
        groups.setdefault(node.group_name, set()).add(node.key.to_user_string())
    return groups


def test_asset_graph_shows_every_stage(driver, webserver, tiny_world, tiny_db):
    from selenium.webdriver.common.by import By

    base, work = webserver
    groups = _expected_groups(tiny_world, tiny_db)
    assert {"sources", "standardise", "unify"} <= set(groups)

    # the whole graph: one box per stage
    driver.set_window_size(1600, 1200)
    _open(driver, f"{base}/asset-groups", "Global asset lineage")
    _wait(driver, lambda d: set(groups) <= _graph_names(d), f"the lineage graph does not show every group of {sorted(groups)}")
    driver.save_screenshot(str(work / "lineage.png"))

    # each stage's graph, every asset by name (a window tall enough for the graph to fit)
    for group, assets in sorted(groups.items()):
        driver.set_window_size(1600, min(8000, 1000 + 120 * len(assets)))
        _open(driver, f"{base}/locations/{LOCATION}/asset-groups/{group}", "Asset Group in")
        shown: set[str] = set()
        for _ in range(10):  # zoom out until the whole group is in view
            time.sleep(0.6)
            shown = _graph_names(driver)
            if assets <= shown:
                break
            driver.find_element(By.CSS_SELECTOR, "button:has(div[aria-label='zoom_out'])").click()
        driver.save_screenshot(str(work / f"group_{group}.png"))
        assert assets <= shown, f"group {group}: not shown in the graph: {sorted(assets - shown)}"
    assert (work / "group_unify.png").stat().st_size > 10_000


def test_asset_page_shows_latest_materialisation_and_checks(driver, webserver, tiny_world, tiny_db):
    from dagster import AssetKey, DagsterInstance

    from dtsen_pipeline.definitions import build_definitions

    base, work = webserver
    world, _ = tiny_world
    check_keys = [k for k in build_definitions(data_dir=str(world), database=str(tiny_db)).resolve_asset_graph().asset_check_keys
                  if k.asset_key == AssetKey(ASSET)]
    assert check_keys, f"{ASSET} has no asset check"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(work / "dagster_home"))
        with DagsterInstance.get() as instance:  # what the event log holds, which the page must show
            materialisation = instance.get_latest_materialization_event(AssetKey(ASSET)).asset_materialization
            executions = {k: instance.get_latest_asset_check_evaluation_record(k) for k in check_keys}
    assert materialisation.partition == TINY_QUARTER
    rekaman = str(materialisation.metadata["rekaman"].value)

    driver.set_window_size(1600, 1200)
    _open(driver, f"{base}/assets/{ASSET}", "Latest materialization")
    body = _body(driver)
    assert TINY_QUARTER in body.split("Latest materialization", 1)[1][:200]  # the partition materialised
    assert f"\n{rekaman}\n" in body  # its metadata, as recorded
    assert "Latest check results" in body
    driver.save_screenshot(str(work / "asset_overview.png"))

    _open(driver, f"{base}/assets/{ASSET}?view=checks", "Latest execution")
    _wait(driver, lambda d: all(k.name in _body(d) for k in check_keys), f"the checks of {ASSET} are not listed")
    body = _body(driver)
    for key, execution in executions.items():
        assert execution is not None and execution.status.value == "SUCCEEDED", key.name
        assert f"{key.name}\nSucceeded" in body, key.name  # each check with the status of its last execution
    assert "Evaluation result\nPassed" in body
    driver.save_screenshot(str(work / "asset_checks.png"))
    assert (work / "asset_checks.png").stat().st_size > 10_000
