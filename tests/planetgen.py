#!/usr/bin/python3
"""planetgen.py [--size BYTES] [--seed N] [--variant N] - write a synthetic
Planet 2.0 page to stdout, deterministically.

The page uses Planet Python's template (the framing of samples/), sources
named after Planet Python's real subscriptions (tests/data/), and posts of
realistic blog HTML: paragraphs, headings, code blocks, lists, tables,
images with relative links, entities and non-ASCII text. --variant N > 0
gives the same page a little later: the newest N posts are new, the oldest
N are gone, and every 20th post has been edited. Used by the crash test and
the benchmark.
"""
import argparse
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
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


def body(r, target):
    parts = []
    size = 0
    while size < target:
        kind = r.random()
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
    import datetime
    t = datetime.datetime(2026, 4, 29, 8, 0) - datetime.timedelta(minutes=minutes)
    day = f"{MONTHS[t.month - 1]} {t.day:02d}, {t.year}"
    hour = t.hour % 12 or 12
    return day, f"{day} {hour:02d}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'} UTC"


def page(size, seed, variant):
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
        text = body(pr, int(pr.lognormvariate(8.3, 0.8)))
        minutes += pr.randint(5, 240)
        posts.append([src, title, text, minutes, i])
        total += len(text) + 400
        i += 1
    if variant:
        fresh = []
        for k in range(variant):
            pr = random.Random(seed * 7919 + variant * 131 + k)
            src = srcs[int(pr.paretovariate(1.2) * 7) % len(srcs)]
            fresh.append([src, f"New post {variant}.{k}", body(pr, 3000), -(k + 1) * 30 * variant, f"v{variant}-{k}"])
        posts = fresh[::-1] + posts[: len(posts) - variant]
        for p in posts[::20]:
            p[2] = p[2].replace("</p>", f" (edited in version {variant})</p>", 1)
    head = open(os.path.join(HERE, "..", "samples", "planetpython-2026-04-29.html"), encoding="utf-8").read()
    start = head.index("<h2>")
    end = head.index("\n    </div>\n  </div>\n\n  <div id=\"left-hand-navigation\">")
    out = [head[:start]]
    prev_day = prev_src = None
    for src, title, text, mins, ident in posts:
        day, date = planet_date(mins)
        if day != prev_day:
            out.append(f"<h2>{day}</h2>\n\n\n\n\n")
            prev_day, prev_src = day, None
        name, link = src
        if src != prev_src:
            out.append(f'<hr /><h3 class="post"><a href="{link}" title="{name}">{name}</a></h3>\n\n\n')
            prev_src = src
        permalink = f"{link}posts/{ident}/"
        out.append(f'<h4><a href="{permalink}">{title}</a></h4>\n<p>\n{text}</p>\n<p>\n'
                   f'<em><a href="{permalink}">{date}</a></em>\n</p>\n\n\n\n\n\n')
    out.append(head[end:])
    return "".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=float, default=1e6)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--variant", type=int, default=0)
    a = ap.parse_args()
    os.write(1, page(int(a.size), a.seed, a.variant).encode("utf-8"))


if __name__ == "__main__":
    main()
