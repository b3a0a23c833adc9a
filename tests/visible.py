"""visible.py - the text a browser shows for an HTML fragment.

An implementation independent of unplanet's (Python's html.parser, which
decodes character references by HTML5 rules), following the rules in
samples/README.md: comments and the contents of script, style, iframe, svg,
math, template, noscript, noembed and noframes (which browsers do not show
either), head, title and object are not text; image alt text is not text;
block element tags separate words; runs of ASCII white space become one
space and the ends are stripped.
"""
import re
from html.parser import HTMLParser

HIDDEN = {"script", "style", "iframe", "svg", "math", "template", "noscript",
          "noembed", "noframes", "head", "title", "object"}
BLOCK = set("""address article aside blockquote br caption center dd details dialog
dir div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header
hgroup hr iframe legend li main menu nav ol p pre section summary table tbody
td tfoot th thead tr ul video audio canvas object embed""".split())


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.hidden = 0

    # Tags inside hidden content separate nothing: it is not text at all
    # ("word<template><div>x</div></template>word" is one word).
    def handle_starttag(self, tag, attrs):
        if tag in BLOCK and not self.hidden:
            self.parts.append(" ")
        if tag in HIDDEN:
            self.hidden += 1

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCK and not self.hidden:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in HIDDEN and self.hidden > 0:
            self.hidden -= 1
        if tag in BLOCK and not self.hidden:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html):
    p = _Text()
    p.feed(html)
    p.close()
    return collapse("".join(p.parts))


def collapse(s):
    return re.sub(r"[ \t\n\f\r]+", " ", s).strip(" ")
