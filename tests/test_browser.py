"""The built book works in a real browser, with the network cut off.

Every page of ``_build/html`` is opened in headless Chromium twice: over a
web server that this module starts on 127.0.0.1, and straight from the
disk through ``file://``, as the README tells readers to. The browser can
reach nothing else: every other host is unresolvable and every request
that is not local is aborted and reported. On each page:

- no console error, no uncaught exception, no failed request;
- no request leaves the local server or the book's folder;
- every math element Sphinx wrote (``span.math``, ``div.math``) holds a
  typeset ``mjx-container``, MathJax reports no TeX error, and no text
  still shows raw TeX delimiters;
- every internal link points to a file of the book, and every anchor to an
  element of its page;
- every image has alt text that is neither empty nor its file name.

The browser is Chromium (or Chrome) at ``$BOOK_BROWSER``, by default
``/usr/bin/chromium``; without it the tests fail and say how to install it.
``make test`` builds the book first. Screenshots of the intro and of the
first Derivation chapter, light and dark, are saved in ``_build/screenshots``.
"""

import functools
import html.parser
import http.server
import json
import os
import pathlib
import posixpath
import threading
import urllib.parse

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
BROWSER = os.environ.get("BOOK_BROWSER", "/usr/bin/chromium")
INSTALL_HINT = (
    "The browser tests need Chromium. On Debian or Ubuntu install it as "
    "root with `apt-get update && apt-get install -y chromium`, or set "
    "BOOK_BROWSER to the path of a Chromium or Google Chrome binary."
)
# Folders of the build that hold assets, not pages.
ASSET_DIRS = {"_static", "_sources", "_images", "mathjax"}
# Flags for headless Chromium run as root in a container, with nothing in
# the background that would reach for the network; the resolver rule makes
# every host but 127.0.0.1 unreachable.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
VIEWPORT = {"width": 1280, "height": 900}
RAW_TEX = ("$$", "\\[", "\\(")

# Runs in the page once it has loaded: waits for MathJax's first typeset
# pass, then reports what the checks need.
INSPECT_JS = """
async () => {
  const math = [...document.querySelectorAll('span.math, div.math')];
  let mathjax = 'not needed';
  if (math.length) {
    // MathJax loads with `defer`, so by the load event it has either
    // started or failed to load for good.
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      await MathJax.startup.promise;
      mathjax = 'typeset';
    } else {
      mathjax = 'MathJax never started';
    }
  }
  await document.fonts.ready;
  const untypeset = math.filter(e => !e.querySelector('mjx-container'))
    .map(e => e.textContent.trim().slice(0, 80));
  const texErrors = [...document.querySelectorAll('mjx-merror')]
    .map(e => e.getAttribute('data-mjx-error') || e.textContent)
    .map(text => text.slice(0, 80));
  const raw = [];
  const walker = document.createTreeWalker(
    document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    // Code literals may show TeX on purpose (how to write an equation).
    const skip = 'script, style, noscript, template, code, pre';
    if (parent && parent.closest(skip)) {
      continue;
    }
    const text = node.nodeValue;
    if (__RAW_TEX__.some(d => text.includes(d))) {
      raw.push(text.trim().slice(0, 80));
    }
  }
  return {
    url: location.href,
    mathCount: math.length,
    mathjax,
    untypeset,
    texErrors,
    raw,
    links: [...document.querySelectorAll('a[href]')]
      .map(a => a.href),
    images: [...document.querySelectorAll('img')].map(i => ({
      src: i.getAttribute('src') || '',
      alt: i.getAttribute('alt'),
    })),
    ids: [...document.querySelectorAll('[id], a[name]')]
      .map(e => e.id || e.getAttribute('name')),
  };
}
""".replace("__RAW_TEX__", json.dumps(list(RAW_TEX)))


def _pages():
    if not HTML.is_dir():
        return []
    found = []
    for path in HTML.rglob("*.html"):
        rel = path.relative_to(HTML)
        if not ASSET_DIRS & set(rel.parts[:-1]):
            found.append(rel.as_posix())
    return sorted(found)


PAGES = _pages()
MODES = ["http", "file"]


# --- the browser, the server and the visits ---------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def server():
    """The built book served on 127.0.0.1 at a free port."""
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    if not os.path.isfile(BROWSER) or not os.access(BROWSER, os.X_OK):
        pytest.fail(f"no browser at {BROWSER}. {INSTALL_HINT}", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=BROWSER, headless=True, args=FLAGS
        )
        yield chromium
        chromium.close()


def _base(mode, server):
    return server if mode == "http" else HTML.as_uri() + "/"


def _is_local(url, base):
    return url.startswith(base) or url.startswith(("data:", "blob:"))


def visit(
    browser,
    base,
    page_name,
    color_scheme="light",
    screenshot=None,
    root=HTML,
    context=None,
):
    """Open one page of the site in root; report what it loaded and shows.

    A fresh browser context is made unless one is given.
    """
    own = context is None
    if own:
        context = new_context(browser, color_scheme)
    report = {"console": [], "failed": [], "foreign": []}

    def route(route):
        url = route.request.url
        if _is_local(url, base):
            route.continue_()
        else:
            report["foreign"].append(url)
            route.abort("internetdisconnected")

    def on_request(request):
        url = request.url
        if not _is_local(url, base) and url not in report["foreign"]:
            report["foreign"].append(url)

    def on_console(msg):
        if msg.type == "error":
            where = msg.location.get("url", "")
            report["console"].append(f"{msg.text} [{where}]")

    def on_response(response):
        if response.status >= 400:
            report["failed"].append(f"{response.url}: HTTP {response.status}")

    def on_failed(request):
        if _is_local(request.url, base):
            report["failed"].append(f"{request.url}: {request.failure}")

    page = context.new_page()
    page.route("**/*", route)
    page.on("request", on_request)
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: report["console"].append(str(exc)))
    try:
        page.goto(base + page_name, wait_until="load")
        target = _redirect_target(root, page_name)
        if target:
            page.wait_for_url(base + target)
            page.wait_for_load_state("load")
        report.update(page.evaluate(INSPECT_JS))
        page.wait_for_load_state("networkidle")
        if screenshot:
            page.screenshot(path=str(screenshot), full_page=True)
    finally:
        page.close()
        if own:
            context.close()
    return report


def new_context(browser, color_scheme="light"):
    return browser.new_context(
        viewport=VIEWPORT, color_scheme=color_scheme, service_workers="block"
    )


def _redirect_target(root, page_name):
    """The page a meta-refresh page (index.html) sends the reader to."""
    text = (root / page_name).read_text(encoding="utf-8")
    if 'http-equiv="Refresh"' not in text:
        return None
    target = text.split("url=", 1)[1].split('"', 1)[0]
    return posixpath.join(posixpath.dirname(page_name), target)


@pytest.fixture(scope="session")
def visits(browser, server):
    """Reports of page visits, made once per (mode, page) and reused.

    The pages of one mode share a browser context (as one reader's tabs
    would); each page is opened in a tab of its own.
    """
    cache, contexts = {}, {}

    def get(mode, page_name):
        key = (mode, page_name)
        if key not in cache:
            if mode not in contexts:
                contexts[mode] = new_context(browser)
            cache[key] = visit(
                browser,
                _base(mode, server),
                page_name,
                context=contexts[mode],
            )
        return cache[key]

    yield get
    for context in contexts.values():
        context.close()


# --- static facts about the built files -----------------------------------


class _IdCollector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)


@functools.cache
def ids_in(path):
    parser = _IdCollector()
    parser.feed(path.read_text(encoding="utf-8"))
    return frozenset(parser.ids)


def broken_links(report, base, root=HTML):
    """Internal links whose file or anchor does not exist under root."""
    here = report["url"].split("#", 1)[0]
    broken = []
    for href in report["links"]:
        if not href.startswith(base):
            continue  # another site, mailto: or javascript:
        url, _, fragment = href.partition("#")
        rel = urllib.parse.unquote(url[len(base) :].split("?", 1)[0])
        target = root / rel
        if rel == "" or rel.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{href}: no file {rel}")
            continue
        fragment = urllib.parse.unquote(fragment)
        if fragment and target.suffix == ".html":
            if url == here:
                ids = set(report["ids"])
            else:
                ids = ids_in(target)
            if fragment not in ids:
                broken.append(f"{href}: no element with id {fragment!r}")
    return sorted(set(broken))


def bad_alt_texts(report):
    bad = []
    for image in report["images"]:
        src = image["src"]
        name = urllib.parse.unquote(src.rsplit("/", 1)[-1].split("?", 1)[0])
        stem = name.rsplit(".", 1)[0]
        alt = (image["alt"] or "").strip()
        if not alt or alt in (name, stem, src):
            bad.append(f"{src}: alt text {image['alt']!r}")
    return bad


# --- the tests --------------------------------------------------------------


def test_browser_is_installed():
    assert os.path.isfile(BROWSER) and os.access(BROWSER, os.X_OK), (
        f"no browser at {BROWSER}. {INSTALL_HINT}"
    )


def test_book_is_built_with_pages_to_check():
    assert (HTML / "intro.html").is_file(), (
        f"no built book in {HTML}: run `make book` (`make test` builds it)"
    )
    assert len(PAGES) >= 3, f"only {PAGES} found in {HTML}"


def test_mathjax_is_vendored_with_its_licence():
    mathjax = HTML / "mathjax"
    assert (mathjax / "LICENSE").is_file()
    assert (mathjax / "es5" / "tex-mml-chtml.js").is_file()
    intro = (HTML / "intro.html").read_text(encoding="utf-8")
    assert "mathjax/es5/tex-mml-chtml.js" in intro
    assert "cdn.jsdelivr.net" not in intro


PARAMS = [(mode, page) for mode in MODES for page in PAGES]
IDS = [f"{mode}-{page}" for mode, page in PARAMS]


@pytest.mark.parametrize("mode, page_name", PARAMS, ids=IDS)
def test_page_has_no_console_error(visits, mode, page_name):
    report = visits(mode, page_name)
    assert not report["console"], "\n".join(report["console"])


@pytest.mark.parametrize("mode, page_name", PARAMS, ids=IDS)
def test_page_has_no_failed_request(visits, mode, page_name):
    report = visits(mode, page_name)
    assert not report["failed"], "\n".join(report["failed"])


@pytest.mark.parametrize("mode, page_name", PARAMS, ids=IDS)
def test_page_requests_nothing_from_outside(visits, mode, page_name):
    report = visits(mode, page_name)
    assert not report["foreign"], "\n".join(report["foreign"])


@pytest.mark.parametrize("mode, page_name", PARAMS, ids=IDS)
def test_every_equation_is_typeset_offline(visits, mode, page_name):
    report = visits(mode, page_name)
    if report["mathCount"]:
        assert report["mathjax"] == "typeset", report["mathjax"]
    assert not report["untypeset"], f"not typeset: {report['untypeset']}"
    assert not report["texErrors"], f"TeX errors: {report['texErrors']}"
    assert not report["raw"], f"raw TeX left in the text: {report['raw']}"


@pytest.mark.parametrize("mode, page_name", PARAMS, ids=IDS)
def test_internal_links_and_anchors_resolve(visits, server, mode, page_name):
    report = visits(mode, page_name)
    broken = broken_links(report, _base(mode, server))
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("mode, page_name", PARAMS, ids=IDS)
def test_images_have_real_alt_text(visits, mode, page_name):
    report = visits(mode, page_name)
    bad = bad_alt_texts(report)
    assert not bad, "\n".join(bad)


def _chapter_sources():
    """(page, source) for every page built from a notebook or markdown."""
    sources = HTML / "_sources"
    pairs = []
    for page in PAGES:
        stem = page[: -len(".html")]
        for suffix in (".ipynb", ".md"):
            if (sources / (stem + suffix)).is_file():
                pairs.append((page, stem + suffix))
    return pairs


@pytest.mark.parametrize(
    "page_name, source", _chapter_sources(), ids=lambda v: str(v)
)
def test_download_button_gives_the_committed_source(
    visits, server, page_name, source
):
    report = visits("http", page_name)
    wanted = server + "_sources/" + source
    assert wanted in report["links"], f"no download link to {source}"
    served = (HTML / "_sources" / source).read_bytes()
    assert served == (ROOT / source).read_bytes()


def test_notebook_chapters_offer_their_notebook():
    notebooks = [s for _, s in _chapter_sources() if s.endswith(".ipynb")]
    committed = sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "chapters").glob("*.ipynb")
    )
    assert sorted(notebooks) == committed


def _first_derivation_page(browser, server):
    """The first page of the Derivation part, else the first chapter."""
    context = new_context(browser)
    page = context.new_page()
    try:
        page.goto(server + "intro.html")
        return page.evaluate(
            """() => {
              const captions = [...document.querySelectorAll(
                '.bd-sidebar .caption')];
              const part = captions.find(
                c => c.textContent.trim() === 'Derivation') || captions[0];
              let list = part.nextElementSibling;
              return list.querySelector('a.reference.internal')
                .getAttribute('href');
            }"""
        )
    finally:
        context.close()


def test_screenshots_of_intro_and_a_derivation_chapter(browser, server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    chapter = _first_derivation_page(browser, server)
    shots = [
        ("intro.html", "light", "intro.png"),
        (chapter, "light", "chapter.png"),
        (chapter, "dark", "chapter-dark.png"),
    ]
    for page_name, scheme, name in shots:
        path = SHOTS / name
        path.unlink(missing_ok=True)
        report = visit(browser, server, page_name, scheme, screenshot=path)
        assert not report["untypeset"] and not report["console"], report
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size > 10_000


def test_the_checks_catch_a_page_that_breaks_every_rule(browser, tmp_path):
    """A bad page fails every check, so a passing page means something."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<html><body>"
        '<span class="math">\\(x^2\\)</span><p>$$ y $$</p>'
        '<img src="plot.png"><img src="plot.png" alt="plot">'
        '<a href="missing.html">gone</a><a href="#nowhere">here</a>'
        '<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/'
        'tex-mml-chtml.js"></script>'
        "<script>console.error('boom')</script>"
        "</body></html>"
    )
    (tmp_path / "plot.png").write_bytes(b"")
    base = tmp_path.as_uri() + "/"
    report = visit(browser, base, "bad.html", root=tmp_path)
    assert any("cdn.jsdelivr.net" in url for url in report["foreign"])
    assert any("boom" in line for line in report["console"])
    assert report["mathjax"] == "MathJax never started"
    assert report["untypeset"] and report["raw"]
    assert len(bad_alt_texts(report)) == 2
    broken = broken_links(report, base, root=tmp_path)
    assert len(broken) == 2, broken


def test_the_checks_catch_a_tex_error(browser, tmp_path):
    """With the vendored MathJax, good TeX is typeset and bad TeX caught."""
    (tmp_path / "mathjax").symlink_to(HTML / "mathjax")
    (tmp_path / "tex.html").write_text(
        "<html><body>"
        '<span class="math">\\(x^2\\)</span>'
        '<div class="math">\\[x^2^3\\]</div>'
        '<script defer src="mathjax/es5/tex-mml-chtml.js"></script>'
        "</body></html>"
    )
    base = tmp_path.as_uri() + "/"
    report = visit(browser, base, "tex.html", root=tmp_path)
    assert report["mathjax"] == "typeset"
    assert not report["untypeset"] and not report["raw"]
    assert len(report["texErrors"]) == 1, report["texErrors"]
