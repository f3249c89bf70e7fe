"""What browser tests share: signing in like a person, and the checks every page must pass.

Nothing here injects markup or script into the page: the app's CSP forbids inline script and style,
and a check that needed them would hide the very violations the suite looks for. axe-core goes in
through Playwright's `evaluate`, which runs over the DevTools protocol and is not subject to the
page's CSP, so the page keeps its real policy while axe runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeout

PASSWORD = "demo-password-2015"
# ms. Generous limits for waits on a condition: a passing test never waits for them, and a busy machine is slow.
WAIT = 30_000
DOWNLOAD_WAIT = 120_000  # a report's download starts only once the server has rendered it
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NARROW = 320  # CSS pixels: a 1280-pixel screen at 400% zoom
_axe = Axe()


@dataclass(frozen=True)
class ServerInfo:
    base_url: str
    log: Path


@dataclass
class ConsoleWatch:
    """Console errors, CSP violations and uncaught exceptions from every page of a test."""

    problems: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: uncaught {error}"))

    def _console(self, page: Any, message: Any) -> None:
        text = message.text
        csp = "Content Security Policy" in text or "Refused to" in text
        form_hint = text.startswith("[DOM]")  # Chromium's advice on forms, e.g. a password with no username
        if (message.type == "error" or csp or form_hint) and not any(p.search(text) for p in self.allowed):
            self.problems.append(f"{page.url}: console {message.type}: {text}")

    def allow(self, pattern: str) -> None:
        """An error the test provokes on purpose, such as the 404 of a missing page."""
        self.allowed.append(re.compile(pattern))

    def assert_clean(self) -> None:
        assert not self.problems, "The browser reported:\n" + "\n".join(self.problems)


# --- moving around -----------------------------------------------------------------------------------------


def follow(locator: Any) -> None:
    """Click a link or submit button with the mouse and wait for the new page's load event, by which time
    htmx and GOV.UK Frontend have set it up (a bare click returns as soon as the navigation starts)."""
    with locator.page.expect_navigation():
        locator.click()


# --- people -------------------------------------------------------------------------------------------------


def email_of(who: str) -> str:
    return who if "@" in who else f"{who}@example.org"


def sign_in(page: Any, who: str, password: str = PASSWORD) -> None:
    """Fill in the real login form with the mouse. Stays on the page the login sends you to."""
    if "/login" not in page.url:
        page.goto("/login")
    page.get_by_label("E-mail address").fill(email_of(who))
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert "/login" not in page.url, (
        f"could not sign in as {who}: {page.locator('.govuk-error-summary').all_inner_texts()}"
    )


def focused(page: Any) -> dict[str, str]:
    return page.evaluate(
        """() => { const e = document.activeElement; return {tag: e.tagName.toLowerCase(), id: e.id || '',
        text: (e.innerText || e.value || '').trim().slice(0, 80), name: e.getAttribute('name') || ''}; }"""
    )


def tab_to(page: Any, selector: str, limit: int = 60, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{selector} never received focus after {limit} presses of Tab; focus is on {focused(page)}")


def sign_in_with_keyboard(page: Any, who: str, password: str = PASSWORD) -> None:
    """The login form with the keyboard alone: Tab to each field, type, Enter."""
    if "/login" not in page.url:
        page.goto("/login")
    tab_to(page, "#email")
    page.keyboard.type(email_of(who))
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "password", f"Tab from the e-mail field went to {focused(page)}"
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/login" not in page.url, f"could not sign in as {who} with the keyboard"


# --- what every page must pass ------------------------------------------------------------------------------


def assert_accessible(page: Any, context: str | None = None) -> None:
    """axe-core with the WCAG 2.2 A and AA rules: zero violations."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = _axe.run(page, context=context, options=options)
    violations = results.response["violations"]
    if violations:
        lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
        for v in violations:
            targets = [" ".join(map(str, node["target"])) for node in v["nodes"][:4]]
            more = f" (+{len(v['nodes']) - 4} more)" if len(v["nodes"]) > 4 else ""
            lines.append(f"- {v['id']} [{v['impact']}] {v['help']}: {', '.join(targets)}{more}")
            first = v["nodes"][0]
            lines.append(f"    {first.get('failureSummary', '').replace(chr(10), ' ')}")
        raise AssertionError("\n".join(lines))


HEADINGS_JS = """() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]'))
  .filter((h) => h.checkVisibility() && !h.closest('[aria-hidden=true]'))
  .map((h) => [h.getAttribute('aria-level') ? Number(h.getAttribute('aria-level')) : Number(h.tagName[1]),
               h.textContent.trim().replace(/\\s+/g, ' ').slice(0, 60)])"""


def headings(page: Any) -> list[tuple[int, str]]:
    return [(int(level), text) for level, text in page.evaluate(HEADINGS_JS)]


def assert_headings_in_order(page: Any) -> None:
    """One h1, and no level skipped on the way down (h2 -> h4). Banners' h2 above the h1 are GOV.UK's pattern."""
    found = headings(page)
    outline = "\n".join(f"{'  ' * (level - 1)}h{level} {text}" for level, text in found)
    h1s = [text for level, text in found if level == 1]
    assert len(h1s) == 1, f"{page.url} has {len(h1s)} h1 elements:\n{outline}"
    previous = 1
    for level, text in found:
        assert level <= previous + 1, f"{page.url}: h{level} '{text}' skips a level after h{previous}:\n{outline}"
        previous = level


OVERFLOW_JS = """(width) => {
  // Inside a table's own scroll region overflow is fine, unless the element is positioned against
  // something outside the region: then the region does not clip it and the page scrolls instead.
  const contained = (el) => {
    const region = el.parentElement && el.parentElement.closest('.app-table-scroll');
    if (!region) return false;
    const position = getComputedStyle(el).position;
    return !['absolute', 'fixed'].includes(position) || (el.offsetParent !== null && region.contains(el.offsetParent));
  };
  return Array.from(document.querySelectorAll('body *'))
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !contained(el))
    .slice(0, 8).map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
      ' "' + el.textContent.trim().slice(0, 30) + '" (right edge ' + Math.round(el.getBoundingClientRect().right) + ')');
}"""


def assert_no_horizontal_scroll(page: Any) -> None:
    """At 320 CSS pixels (400% zoom) the page itself must not scroll sideways; tables may, in their own region."""
    original = page.viewport_size
    page.set_viewport_size({"width": NARROW, "height": original["height"] if original else 800})
    try:
        page.wait_for_function("(w) => window.innerWidth === w", arg=NARROW)
        try:  # resize observers (Chart.js) redraw in the frames after the resize: judge once they have
            page.wait_for_function("(w) => document.documentElement.scrollWidth <= w", arg=NARROW, timeout=WAIT)
        except PlaywrightTimeout:
            width = page.evaluate("document.documentElement.scrollWidth")
            culprits = page.evaluate(OVERFLOW_JS, NARROW)
            raise AssertionError(
                f"{page.url} is {width}px wide at {NARROW}px: it scrolls sideways. Widest elements:\n  "
                + "\n  ".join(culprits)
            ) from None
    finally:
        if original:
            page.set_viewport_size(original)


def assert_page_passes_checks(page: Any) -> None:
    assert_accessible(page)
    assert_headings_in_order(page)
    assert_no_horizontal_scroll(page)


# --- the app's own pieces -------------------------------------------------------------------------------------


def wait_for_charts(page: Any) -> None:
    """Every chart on the page drawn: charts.js marks a chart's block `app-chart--drawn` once Chart.js has."""
    page.locator(".app-chart canvas").first.wait_for()
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.app-chart')).every((c) => c.classList.contains('app-chart--drawn'))"
    )


def table_rows(page: Any, selector: str) -> list[list[str]]:
    """A table's body rows as lists of cell texts, header cell first."""
    return page.locator(f"{selector} tbody tr").evaluate_all(
        "(rows) => rows.map((r) => Array.from(r.cells).map((c) => c.innerText.trim()))"
    )


def action_references(page: Any) -> list[str]:
    """The references of the actions in the results table, in order."""
    texts = page.locator("#actions-results tbody th a").evaluate_all("(links) => links.map((a) => a.textContent)")
    return [text.replace("Action", "").strip() for text in texts]


# --- changing the plan: evidence, keyboard steps, figures and read-only crawling ------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STATUS_KEYS = ["completed", "in_progress", "static"]


def upload(name: str, data: bytes, mime: str) -> dict[str, Any]:
    """A file made in memory, for set_input_files (the OS file dialog has no keyboard route to drive)."""
    return {"name": name, "mimeType": mime, "buffer": data}


def press(page: Any, key: str = "Enter") -> None:
    """Press a key on the focused control and wait for the page it loads."""
    with page.expect_navigation():
        page.keyboard.press(key)


def tab_and_press(page: Any, selector: str, key: str = "Enter", limit: int = 80) -> None:
    """Tab to a link or button and activate it from the keyboard; waits for the new page."""
    tab_to(page, selector, limit=limit)
    press(page, key)


def tab_and_type(page: Any, selector: str, text: str, replace: bool = False, limit: int = 80) -> None:
    """Tab to a field and type into it; replace=True selects what is there first (Ctrl+A), as a person would."""
    tab_to(page, selector, limit=limit)
    if replace:
        page.keyboard.press("Control+A")
    page.keyboard.type(text)


def choose_radio_with_keyboard(page: Any, name: str, value: str) -> None:
    """Tab into a radio group and move through it with the arrow keys until `value` is chosen."""
    tab_to(page, f"input[type=radio][name={name}]")
    for _ in range(8):
        if page.evaluate("() => document.activeElement.checked && document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never chose {value} in the {name} radios; focus is on {focused(page)}")


def wait_for_focus_on(page: Any, selector: str) -> None:
    page.wait_for_function("(s) => document.activeElement && document.activeElement.matches(s)", arg=selector)


def banner_text(page: Any) -> str:
    """The notification banner's text (the flash message after a form), or '' if there is none."""
    banner = page.locator(".govuk-notification-banner")
    return banner.first.inner_text() if banner.count() else ""


def api_summary(page: Any, plan_id: int | None = None) -> dict[str, Any]:
    """The figures the app itself states, from GET /api/v1/summary, with the page's session."""
    response = page.request.get("/api/v1/summary" + (f"?plan={plan_id}" if plan_id else ""))
    assert response.ok, f"/api/v1/summary answered {response.status}"
    return response.json()


def actions_headline_for(summary: dict[str, Any]) -> str:
    """The dashboard's headline sentence for these figures, as app.domain.status words it."""
    a = summary["actions"]
    return (
        f"all {a['total']} actions in the Plan, with {a['completed']} COMPLETED, "
        f"{a['in_progress']} IN PROGRESS and {a['static']} STATIC"
    )


def action_url(page: Any, reference: str) -> str:
    """The path of an action of the current plan, read from the plan-wide actions list."""
    page.goto("/actions")
    href = page.get_by_role("link", name=f"Action {reference}", exact=True).get_attribute("href")
    assert href, f"no link to action {reference} on /actions"
    return href


def open_action(page: Any, reference: str) -> None:
    """From the plan-wide actions list, follow the link to action `reference` with the mouse."""
    page.goto("/actions")
    follow(page.get_by_role("link", name=f"Action {reference}", exact=True))
    page.get_by_role("heading", level=1, name=re.compile(rf"^Action {re.escape(reference)}:")).wait_for()


def heat_map(page: Any) -> dict[tuple[int, int], int]:
    """The risk register's heat map as {(likelihood, impact): number of open entries}."""
    rows = page.locator("#heat-map tbody tr").evaluate_all(
        """(rows) => rows.map((r) => [r.cells[0].innerText.replace(/\\D/g, ''),
                                       Array.from(r.cells).slice(1).map((c) => c.innerText.trim().split(/\\s/)[0])])"""
    )
    return {(int(label), i + 1): int(n) for label, cells in rows for i, n in enumerate(cells)}


# A committee member's only write: a question about an action or a risk register entry (it changes nothing in the plan).
ASK_PAGE = re.compile(r"^/(actions|risks)/\d+/questions/new$")
# What a read-only person may still post, changing nothing in the plan: signing out, and (once they have been told
# something, such as their question's answer being published) marking their own notifications read.
SIGN_OUT = ["/logout", "Sign out"]
READ_ONLY_POSTS = ([], [SIGN_OUT], [SIGN_OUT, ["/notifications/read", "Mark all as read"]])


def assert_only_the_question_form(page: Any, posts: list[list[str]]) -> None:
    """On an ASK_PAGE: Sign out, and the question's own form with its one textarea; nothing else writes."""
    from urllib.parse import urlsplit

    here = urlsplit(page.url).path
    assert [action for action, _ in posts] == ["/logout", here], f"{page.url} offers: {posts}"
    assert page.locator("textarea").evaluate_all("(ts) => ts.map((t) => t.name)") == ["text"]
    assert page.locator("input[type=file], [contenteditable=true], [hx-post], [data-hx-post]").count() == 0


def crawl_read_only(page: Any, start: list[str], base_url: str, per_shape: int = 3) -> list[str]:
    """Visit every page reachable from `start` by links in the main content and navigation (at most
    `per_shape` pages per URL shape such as /actions/N), asserting that none offers a control that
    changes anything: no form that posts except Sign out, no htmx verb that writes, no file input,
    textarea or editable content. The one write a councillor has, asking a question (`ASK_PAGE`), is
    allowed there alone: its form holds one textarea, the question. Returns the paths visited; downloads
    (reports) are not pages."""
    from urllib.parse import urlsplit

    from playwright.sync_api import Error as PlaywrightError

    queue, seen, shapes, visited = list(start), set(), {}, []
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url if "://" in url else base_url + url)
        if f"{parts.scheme}://{parts.netloc}" != base_url or parts.path in seen:
            continue
        if re.search(r"\.(pdf|docx|xlsx|csv)$", parts.path):  # a download, not a page: nothing to press in it
            continue
        seen.add(parts.path)
        shape = re.sub(r"\d+", "N", parts.path)
        if shapes.get(shape, 0) >= per_shape:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        try:
            response = page.goto(parts.path + (f"?{parts.query}" if parts.query else ""))
        except PlaywrightError as error:  # a file to download, such as a report
            if "Download is starting" in str(error):
                continue
            raise
        assert response is not None and response.status == 200, f"{url} answered {response and response.status}"
        visited.append(parts.path)
        posts = page.locator("form").evaluate_all(
            """(forms) => forms.filter((f) => (f.getAttribute('method') || 'get').toLowerCase() !== 'get')
                .map((f) => [f.getAttribute('action'), f.innerText.trim()])"""
        )
        if ASK_PAGE.match(parts.path):
            assert_only_the_question_form(page, posts)
            continue
        assert posts in READ_ONLY_POSTS, f"{parts.path} offers: {posts}"
        writes = page.locator(
            "[hx-post], [hx-put], [hx-patch], [hx-delete], [data-hx-post], [data-hx-put], [data-hx-patch], [data-hx-delete]"
        )
        assert writes.count() == 0, f"{parts.path} has htmx controls that write"
        editable = page.locator("input[type=file], textarea, [contenteditable=true], [contenteditable='']")
        assert editable.count() == 0, f"{parts.path} has {editable.count()} editable fields"
        links = page.locator("main a[href], nav a[href], body > nav a[href]").evaluate_all(
            "(as) => as.filter((a) => !a.hasAttribute('download')).map((a) => a.href.split('#')[0])"
        )
        queue.extend(link for link in links if urlsplit(link).path not in seen)
    return visited
