#!/usr/bin/python3
"""planetgen.py [--size BYTES] [--seed N] [--variant N] - write a synthetic
Planet 2.0 page to stdout, deterministically.

The page uses Planet Python's template (the framing of samples/), sources
named after Planet Python's real subscriptions (tests/data/), and posts of
realistic blog HTML: paragraphs, headings, code blocks, lists, tables,
images with relative links, entities and non-ASCII text. --variant N > 0
gives the same page a little later: the newest N posts are new, the oldest
N are gone, and every 20th post has been edited. --truth FILE also writes
what a reader should see of every post (samples/README.md's format). Used by
the crash test, the benchmark and the truth test of generated pages.
"""
import argparse
import datetime
import html
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from visible import visible_text  # noqa: E402
WORDS = ("python planet release async typing package wheel build test fixture django flask "
         "request response cache thread process memory speed parser compiler interpreter "
         "module import virtual environment dependency version security patch community "
         "conference sprint talk keynote tutorial notebook data frame array vector model "
         "training deploy server client socket stream buffer string bytes unicode café naïve "
         "Zürich Kraków résumé — “quoted” ‘single’ … ✓ 🐍").split()


def sources():
    out = []
    with open(os.path.join(HERE, "data", "planetpython-config-feeds.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or "\t" not in line:
                continue
            url, name = line.rstrip("\n").split("\t", 1)
            host = url.split("/")[2] if "://" in url else "example.org"
            out.append((name, f"https://{host}/"))
    return out


def sentence(r, n):
    words = [r.choice(WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + r.choice([".", ".", ".", "?", "!"])


# What --rough mixes into posts: what real blog HTML holds and breaks naive
# readers (headings and rules like the page's own framing, date lines,
# stray and unclosed tags, references browsers decode without ';', raw
# ampersands, comments and bogus comments, scripts, forms).
ROUGH = [
    '<h2>April 27, 2026</h2>', '<h3 class="post">Not a channel</h3>', '<h4><a href="/x/">Not a title</a></h4>',
    '<hr />', '<hr>', '<p>\n<em><a href="/y/">March 26, 2026 07:40 PM UTC</a></em>\n</p>',
    # A copy of a whole footer and of an untitled post's frame after it.
    '</p>\n<p>\n<em><a href="https://y.example/">March 2, 2026 10:00 AM UTC</a></em>\n</p>\n<p>\nafter the copy',
    '<p>Q&A: fish & chips &copy 2026, I &lt3 it &aposs&nbspdone', '</div></span>', '<b>bold <i>both</b> italic</i>',
    '<!-- a comment </p> -->', '<script>document.write("</p>")</script>', '<p>unclosed <p>twice',
    '<br><br/>', '<ul><li>one<li>two</ul>', '<pre>  keep\n  lines </pre>', '&#8220;curly&#8221; &#x1F40D; &#150;',
    '<form action="/subscribe">Subscribe <input name="e"><button>Go</button></form>', 'a < b, <3',
    '<fieldset><legend>Options</legend><select><option>one<option>two</select></fieldset>',
    '<![CDATA[ not text ]]>', '<![if !IE]>shown<![endif]>', '<dir><li>old list</dir>', '<textarea>typed</textarea>',
    'odd numbers: &#0; &#xD800; &#1; &#abc; &#169x', 'stray</p>end</br>tags</div>here', 'a pasted page ends</body></html>here',
    '<p class="MsoNormal">Word<o:p>&nbsp;</o:p></p>',
    'HTML5 names: &check; &NotEqualTilde; &lang;x&rang; &COPY; &notit; &foo; &Tab;<a href="/q?a=1&check;">q</a>',
    'I </3 Mondays, see <b>this</b>, a</>b, form&#12;feed',
]


def body(r, target, rough=False):
    parts = []
    size = 0
    while size < target:
        kind = r.random()
        if rough and r.random() < 0.3:
            parts.append(r.choice(ROUGH))
            size += len(parts[-1])
            continue
        if kind < 0.55:
            s = " ".join(sentence(r, r.randint(6, 18)) for _ in range(r.randint(2, 6)))
            if r.random() < 0.4:
                s += f' See <a href="/blog/{r.randint(1, 999)}/">this post</a> &amp; <code>{r.choice(WORDS)}()</code>.'
            parts.append(f"<p>{s}</p>")
        elif kind < 0.65:
            parts.append(f"<h2>{sentence(r, r.randint(2, 6))}</h2>")
        elif kind < 0.75:
            code = "\n".join(f"    {r.choice(WORDS)} = {r.choice(WORDS)}({r.randint(0, 99)}) &lt; {r.randint(0, 9)}"
                             for _ in range(r.randint(3, 12)))
            parts.append(f'<pre><code class="language-python">def f():\n{code}\n</code></pre>')
        elif kind < 0.83:
            items = "".join(f"<li>{sentence(r, r.randint(3, 10))}</li>\n" for _ in range(r.randint(2, 6)))
            parts.append(f"<ul>\n{items}</ul>")
        elif kind < 0.88:
            rows = "".join("<tr>" + "".join(f"<td>{r.choice(WORDS)}</td>" for _ in range(3)) + "</tr>\n"
                           for _ in range(r.randint(2, 5)))
            parts.append(f"<table>\n<tr><th>a</th><th>b</th><th>c</th></tr>\n{rows}</table>")
        elif kind < 0.93:
            parts.append(f'<p><img src="images/{r.randint(1, 99)}.png" alt="{r.choice(WORDS)}" /></p>')
        elif kind < 0.97:
            parts.append(f"<blockquote><p>{sentence(r, r.randint(8, 20))}</p></blockquote>")
        else:
            parts.append("<hr />")
        size += len(parts[-1])
    return "\n".join(parts)


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def planet_date(minutes):
    # minutes before 2026-04-29 08:00 UTC
    t = datetime.datetime(2026, 4, 29, 8, 0) - datetime.timedelta(minutes=minutes)
    day = f"{MONTHS[t.month - 1]} {t.day:02d}, {t.year}"
    hour = t.hour % 12 or 12
    return day, f"{day} {hour:02d}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'} UTC"


def page(size, seed, variant, rough=False, truth=None):
    """The page's text; appends each post's truth to the list truth, if given."""
    r = random.Random(seed)
    srcs = sources()
    # Each post: (source, title, body, minutes-ago); generated until the
    # page reaches its size, then shifted by the variant.
    posts = []
    total, minutes, i = 0, 0, 0
    while total < size:
        pr = random.Random(seed * 1000003 + i)
        src = srcs[int(pr.paretovariate(1.2) * 7) % len(srcs)]
        title = sentence(pr, pr.randint(3, 9))[:-1]
        text = body(pr, int(pr.lognormvariate(8.3, 0.8)), rough)
        if rough and pr.random() < 0.2:
            title = pr.choice(["It&amp;#x27;s " + title, "Q&A: " + title, title + " &amp; more", title + " &copy 2026",
                                title + " &check;"])
        minutes += pr.randint(5, 240)
        # Rough pages also have untitled posts and footers naming a creator.
        untitled = rough and pr.random() < 0.12
        creator = pr.choice(["Jane Doe", "Ana &amp; Bo", "Zo\u00eb at Home"]) if rough and pr.random() < 0.1 else None
        posts.append([src, None if untitled else title, text, minutes, i, creator])
        total += len(text) + 400
        i += 1
    if variant:
        fresh = []
        for k in range(variant):
            pr = random.Random(seed * 7919 + variant * 131 + k)
            src = srcs[int(pr.paretovariate(1.2) * 7) % len(srcs)]
            fresh.append([src, f"New post {variant}.{k}", body(pr, 3000), -(k + 1) * 30 * variant, f"v{variant}-{k}", None])
        posts = fresh[::-1] + posts[: len(posts) - variant]
        for p in posts[::20]:
            p[2] = p[2].replace("</p>", f" (edited in version {variant})</p>", 1)
    head = open(os.path.join(HERE, "..", "samples", "planetpython-2026-04-29.html"), encoding="utf-8").read()
    start = head.index("<h2>")
    end = head.index("\n    </div>\n  </div>\n\n  <div id=\"left-hand-navigation\">")
    out = [head[:start]]
    prev_day = prev_src = None
    for src, title, text, mins, ident, creator in posts:
        day, date = planet_date(mins)
        if day != prev_day:
            out.append(f"<h2>{day}</h2>\n\n\n\n\n")
            prev_day, prev_src = day, None
        name, link = src
        if src != prev_src:
            out.append(f'<hr /><h3 class="post"><a href="{link}" title="{name}">{name}</a></h3>\n\n\n')
            prev_src = src
        permalink = f"{link}posts/{ident}/"
        if truth is not None:
            truth.append(truth_entry(src, title, permalink, mins, text, creator))
        if title is not None:
            out.append(f'<h4><a href="{permalink}">{title}</a></h4>\n')
        by = f"by {creator} at " if creator else ""
        out.append(f'<p>\n{text}</p>\n<p>\n<em><a href="{permalink}">{by}{date}</a></em>\n</p>\n\n\n\n\n\n')
    out.append(head[end:])
    return "".join(out)


def once_more(title):
    """A title escaped twice upstream: complete numeric references and the
    five XML ones left in its visible text are decoded once more."""
    return re.sub(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|amp|lt|gt|quot|apos);", lambda m: html.unescape(m.group(0)), title)


def truth_entry(src, title, permalink, mins, text, creator=None):
    """What a reader should see of one post, in samples/README.md's truth
    format, computed with visible.py from the HTML written to the page."""
    t = datetime.datetime(2026, 4, 29, 8, 0) - datetime.timedelta(minutes=mins)
    return {"source_name": visible_text(src[0]), "source_link": html.unescape(src[1]),
            "title": once_more(visible_text(title)) if title is not None else "", "link": permalink,
            "published": t.strftime("%Y-%m-%dT%H:%M:00Z"),
            "creator": visible_text(creator) if creator else None,
            "content_text": visible_text(text)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=float, default=1e6)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--variant", type=int, default=0)
    ap.add_argument("--rough", action="store_true", help="posts full of the HTML that breaks naive readers")
    ap.add_argument("--truth", metavar="FILE", help="also write the page's truth (samples/README.md's format)")
    a = ap.parse_args()
    truth = [] if a.truth else None
    text = page(int(a.size), a.seed, a.variant, a.rough, truth)
    if a.truth:
        with open(a.truth, "w", encoding="utf-8") as f:
            json.dump(truth, f, ensure_ascii=False, indent=1)
    os.write(1, text.encode("utf-8"))


if __name__ == "__main__":
    main()
