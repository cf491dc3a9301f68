"""Write each <script> tag of a page once.

Sphinx 7.4 lists an inline script that an extension adds after the builder
starts (``app.add_js_file(None, body=...)``) twice: once as filename None,
once as filename "". sphinx-thebe adds ``const THEBE_JS_URL = ...`` that
way, and declaring a const twice is a SyntaxError on every page. This
extension drops the second copy of any script just before each page is
written.
"""


def _unique(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        attrs = tuple(sorted(getattr(js, "attributes", {}).items()))
        key = (getattr(js, "filename", js) or "", attrs)
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


def setup(app):
    # Late, so that scripts added to this one page are seen too.
    app.connect("html-page-context", _unique, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
