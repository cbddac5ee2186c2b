#!/usr/bin/env python3
"""Checks the links of the built user's guide (`mdbook build docs` writes docs/book/).

Every link and resource reference of every HTML page must resolve:

- a relative link to a file of the book that exists (a folder means its index.html), and,
  when it names an anchor (`page.html#x`, `#x`), to an element of that page with that id;
- an absolute path (`/charter/...`, as the 404 page uses) under the book's `site-url`;
- a web address (http or https) must be well formed; it is not fetched (CI has no network).

Anything else (a `file:` link, a path that climbs out of the book) is broken. Prints one line per
broken link and a summary `links: N passed, N failed`; exits 1 if any link is broken.

Usage: python3 docs/check-links.py [BOOK_DIR]   (default: docs/book next to this script)
"""

import os
import re
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src", "source": "src"}


class Page(HTMLParser):
    """The ids, the links and the `<base href>` of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.links = []  # (line, url)
        self.base = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key) and (key == "id" or tag == "a"):
                self.ids.add(attrs[key])
        if tag == "base" and attrs.get("href"):
            self.base = attrs["href"]
        wanted = LINK_ATTRIBUTES.get(tag)
        if wanted and attrs.get(wanted) is not None:
            self.links.append((self.getpos()[0], attrs[wanted]))

    handle_startendtag = handle_starttag


def well_formed_web(url):
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        return False
    if not (("." in host and not host.startswith(".") and not host.endswith(".")) or host == "localhost"):
        return False
    if not re.fullmatch(r"[A-Za-z0-9.-]+", host):
        return False
    return not re.search(r"[\s<>\"]", url)


def site_url(book_dir):
    """The `site-url` of docs/book.toml (the path the book is served under), default `/`."""
    toml = os.path.join(os.path.dirname(os.path.abspath(book_dir)), "book.toml")
    try:
        with open(toml, encoding="utf-8") as f:
            match = re.search(r'^site-url\s*=\s*"([^"]*)"', f.read(), re.M)
    except OSError:
        match = None
    url = match.group(1) if match else "/"
    return url if url.endswith("/") else url + "/"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    book = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "book"))
    if not os.path.isfile(os.path.join(book, "index.html")):
        print(f"check-links: no built book at {book}; run `mdbook build docs` first", file=sys.stderr)
        return 2
    site = site_url(book)

    pages = {}
    for folder, _, files in os.walk(book):
        for name in files:
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                parser = Page()
                with open(path, encoding="utf-8") as f:
                    parser.feed(f.read())
                pages[os.path.normpath(path)] = parser

    passed, failed = 0, []
    for path, page in sorted(pages.items()):
        relative = os.path.relpath(path, book)
        for line, url in page.links:
            problem = check(book, site, path, page, url, pages)
            if problem:
                failed.append(f"{relative}:{line}: `{url}`: {problem}")
            else:
                passed += 1
    for line in failed:
        print(line)
    print(f"links: {passed} passed, {len(failed)} failed")
    return 1 if failed else 0


def check(book, site, path, page, url, pages):
    url = url.strip()
    if url.startswith(("mailto:", "javascript:")):
        return None
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        return None if well_formed_web(url) else "not a well-formed web address"
    if parts.scheme or url.startswith("//"):
        return "links may leave the book only for the web (http or https)"
    target_path = unquote(parts.path)
    if target_path.startswith("/"):
        if not target_path.startswith(site):
            return f"an absolute path outside the book's site-url `{site}`"
        target = os.path.join(book, target_path[len(site):])
    elif page.base and page.base.startswith(site) and target_path:
        target = os.path.join(book, page.base[len(site):], target_path)
    elif target_path:
        target = os.path.join(os.path.dirname(path), target_path)
    else:
        target = path
    target = os.path.normpath(target)
    if os.path.commonpath([book, target]) != book:
        return "the link climbs out of the book"
    if os.path.isdir(target):
        target = os.path.join(target, "index.html")
    if not os.path.exists(target):
        return f"`{os.path.relpath(target, book)}` does not exist"
    if parts.fragment:
        linked = pages.get(target)
        if linked is not None and unquote(parts.fragment) not in linked.ids:
            return f"`{os.path.relpath(target, book)}` has no anchor `#{parts.fragment}`"
    return None


if __name__ == "__main__":
    sys.exit(main())
