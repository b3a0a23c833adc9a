<?xml version="1.0" encoding="UTF-8"?>
<!-- index.xsl - unplanet's directory document (xslt/README.md) as the
     folder's index.html: every author and topic feed with its site, number
     of entries, newest post and links to each format, autodiscovery links,
     and a filter box. One self-contained file: no external assets. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:up="urn:unplanet:xslt" exclude-result-prefixes="up">
  <xsl:output method="html" encoding="UTF-8" indent="no" doctype-system="about:legacy-compat"
              media-type="text/html"/>

  <xsl:variable name="planet">
    <xsl:choose>
      <xsl:when test="string(/directory/title) != ''"><xsl:value-of select="/directory/title"/></xsl:when>
      <xsl:otherwise>This Planet</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <!-- A link to another site, as a URI (see rss.xsl): libxml2's HTML
       writer would %-escape a non-ASCII host (https://%E6%98%9F.example/),
       which browsers read, but not every link checker. -->
  <xsl:template name="link">
    <xsl:param name="iri"/>
    <xsl:param name="text"/>
    <a>
      <xsl:attribute name="href">
        <xsl:choose>
          <xsl:when test="function-available('up:uri')"><xsl:value-of select="up:uri(string($iri))"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$iri"/></xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
      <xsl:value-of select="$text"/>
    </a>
  </xsl:template>

  <!-- Selected once: /directory/format walks every child of the directory,
       and each feed's card and links would walk them all again. -->
  <xsl:variable name="formats" select="/directory/format"/>

  <!-- What the page says it lists. -->
  <xsl:variable name="per">
    <xsl:choose>
      <xsl:when test="/directory/feed[@kind = 'topic']">one feed per author and topic</xsl:when>
      <xsl:otherwise>one feed per author</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <!-- A format's name as people write it: "Atom", "RSS", "JSON". -->
  <xsl:template name="shown">
    <xsl:choose>
      <xsl:when test="@name = 'atom'">Atom</xsl:when>
      <xsl:when test="@name = 'rss'">RSS</xsl:when>
      <xsl:when test="@name = 'json'">JSON</xsl:when>
      <xsl:otherwise><xsl:value-of select="@name"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "28 Apr 2026" from a date element's RFC 822 attribute. -->
  <xsl:template name="day">
    <xsl:param name="date"/>
    <time datetime="{$date}"><xsl:value-of select="substring($date/@rfc822, 6, 11)"/></time>
  </xsl:template>

  <xsl:template match="/directory">
    <html lang="en">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$planet"/>, <xsl:value-of select="$per"/></title>
        <!-- Inline: else every first visit asks for /favicon.ico, a 404. -->
        <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%23b0430b'/%3E%3Ccircle cx='4.5' cy='11.5' r='1.5' fill='white'/%3E%3Cpath d='M3 6a7 7 0 0 1 7 7M3 2.5a10.5 10.5 0 0 1 10.5 10.5' stroke='white' stroke-width='2' fill='none'/%3E%3C/svg%3E"/>
        <meta name="description" content="Every source of {$planet} as its own feed, in Atom, RSS and JSON Feed."/>
        <meta name="generator" content="unplanet {generator/@version}"/>
        <xsl:if test="feed and string(base-url) != ''">
          <link rel="alternate" type="text/x-opml" title="All feeds (OPML)" href="feeds.opml"/>
        </xsl:if>
        <xsl:for-each select="feed">
          <xsl:variable name="feed" select="."/>
          <xsl:for-each select="$formats[@type != '']">
            <xsl:variable name="shown"><xsl:call-template name="shown"/></xsl:variable>
            <link rel="alternate" type="{@type}" title="{$feed/title} ({$shown})" href="{$feed/path}.{@name}"/>
          </xsl:for-each>
        </xsl:for-each>
        <style>
:root {
  color-scheme: light dark;
  --bg: #f7f7f5; --card: #ffffff; --text: #1d1f21; --muted: #5c6168; --line: #dfe1e4;
  --accent: #2f5f9e; --atom: #6b3fa0; --rss: #b0430b; --json: #2a6f3b; --focus: #b35900;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #15171a; --card: #1e2125; --text: #e8e9eb; --muted: #a3a8b0; --line: #33373d;
          --accent: #8fb6ee; --atom: #c3a3ef; --rss: #f5a06e; --json: #7cc48c; --focus: #ffbf47; }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }  /* or .feed's display: flex would win */
html { font-size: 100%; }
body { margin: 0; background: var(--bg); color: var(--text);
       font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
a { color: var(--accent); text-underline-offset: 0.15em; }
a:focus-visible, input:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.wrap { max-width: 72rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding: 2.5rem 0 1rem; }
h1 { font-size: clamp(1.6rem, 4vw, 2.4rem); line-height: 1.15; margin: 0 0 0.5rem; letter-spacing: -0.01em; }
h1 span { color: var(--muted); font-weight: 400; }
.lead { color: var(--muted); max-width: 46rem; margin: 0 0 1rem; }
.bulk { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; margin: 0; padding: 0; list-style: none; }
.search { z-index: 1; background: var(--bg); padding: 0.75rem 0;
          display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem; border-bottom: 1px solid var(--line); }
.search label { font-weight: 600; }
.search input { flex: 1 1 16rem; min-width: 0; max-width: 32rem; font: inherit; padding: 0.5rem 0.75rem;
                border: 1px solid var(--muted); border-radius: 0.5rem; background: var(--card); color: var(--text); }
.search input::placeholder { color: var(--muted); opacity: 1; }
.search output { color: var(--muted); font-size: 0.9rem; }
/* Sticky only where it leaves room to read: not on a short or zoomed screen. */
@media (min-height: 30em) { .search { position: sticky; top: 0; } }
h2 { font-size: 1.25rem; margin: 2rem 0 0.75rem; }
h2 small { color: var(--muted); font-weight: 400; font-size: 0.9rem; }
.feeds { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.9rem;
         grid-template-columns: repeat(auto-fill, minmax(min(100%, 20rem), 1fr)); }
.feed { background: var(--card); border: 1px solid var(--line); border-radius: 0.75rem; padding: 1rem 1.1rem;
        display: flex; flex-direction: column; gap: 0.35rem; min-width: 0; }
.feed h3 { font-size: 1.05rem; margin: 0; overflow-wrap: anywhere; }
/* A name that links (to the source's site) looks it, quietly. */
.feed h3 a { color: var(--text); text-decoration-line: underline; text-decoration-color: var(--line); }
.feed h3 a:hover { text-decoration-color: currentColor; }
.feed p { margin: 0; }
.desc, .meta { color: var(--muted); font-size: 0.88rem; }
.latest { font-size: 0.92rem; overflow-wrap: anywhere; }
.latest time { color: var(--muted); white-space: nowrap; }
.formats { display: flex; flex-wrap: wrap; gap: 0.4rem; margin-top: auto !important; padding-top: 0.4rem; }
.formats a { font-size: 0.8rem; font-weight: 600; text-decoration: none; padding: 0.15rem 0.6rem;
             border: 1px solid currentColor; border-radius: 999px; }
.formats a:hover { text-decoration: underline; }
.formats .atom { color: var(--atom); } .formats .rss { color: var(--rss); } .formats .json { color: var(--json); }
.feed:target { border-color: var(--focus); box-shadow: 0 0 0 2px var(--focus); }
#none { color: var(--muted); margin: 2rem 0; }
footer { color: var(--muted); font-size: 0.85rem; padding: 2.5rem 0; }
@media (prefers-reduced-motion: no-preference) { html { scroll-behavior: smooth; } }
        </style>
      </head>
      <body>
        <div class="wrap">
          <header>
            <h1><xsl:value-of select="$planet"/>, <span><xsl:value-of select="$per"/></span></h1>
            <p class="lead">
              <xsl:text>Every source of </xsl:text>
              <xsl:choose>
                <xsl:when test="string(link) != ''"><xsl:call-template name="link"><xsl:with-param name="iri" select="link"/><xsl:with-param name="text" select="$planet"/></xsl:call-template></xsl:when>
                <xsl:otherwise><xsl:value-of select="$planet"/></xsl:otherwise>
              </xsl:choose>
              <xsl:text> as its own feed, so you can follow just the people and topics you care about.</xsl:text>
              <!-- The newest post's date, not the directory's updated: a
                   post edited today has not been posted today. -->
              <xsl:for-each select="feed/newest/published">
                <xsl:sort select="." order="descending"/>
                <xsl:if test="position() = 1">
                  <xsl:text> Newest post: </xsl:text>
                  <xsl:call-template name="day"><xsl:with-param name="date" select="."/></xsl:call-template>
                  <xsl:text>.</xsl:text>
                </xsl:if>
              </xsl:for-each>
            </p>
            <!-- unplanet writes an OPML list only when it has feeds to list;
                 without base-url its xmlUrls are relative, which a reader
                 importing the file cannot resolve: not offered then. -->
            <xsl:if test="feed and string(base-url) != ''">
              <ul class="bulk">
                <li><a href="feeds.opml" type="text/x-opml">All feeds as OPML</a></li>
                <xsl:if test="feed[@kind = 'author']">
                  <li><a href="authors.opml" type="text/x-opml">Authors (OPML)</a></li>
                </xsl:if>
                <xsl:if test="feed[@kind = 'topic']">
                  <li><a href="topics.opml" type="text/x-opml">Topics (OPML)</a></li>
                </xsl:if>
              </ul>
            </xsl:if>
          </header>
          <main>
            <div class="search" role="search" hidden="">
              <label for="q">Filter</label>
              <input id="q" type="search" autocomplete="off" spellcheck="false"
                     placeholder="Name, topic or post title" aria-describedby="count"/>
              <output id="count" for="q" aria-live="polite"></output>
            </div>
            <xsl:if test="feed[@kind = 'topic']">
              <section aria-labelledby="topics">
                <h2 id="topics">Topics <small>(<xsl:value-of select="count(feed[@kind = 'topic'])"/>)</small></h2>
                <ul class="feeds" role="list"><xsl:apply-templates select="feed[@kind = 'topic']"/></ul>
              </section>
            </xsl:if>
            <section aria-labelledby="authors">
              <h2 id="authors">Authors <small>(<xsl:value-of select="count(feed[@kind = 'author'])"/>)</small></h2>
              <xsl:choose>
                <xsl:when test="feed[@kind = 'author']">
                  <ul class="feeds" role="list"><xsl:apply-templates select="feed[@kind = 'author']"/></ul>
                </xsl:when>
                <!-- An empty list says nothing (the only option lets no source in). -->
                <xsl:otherwise><p>No author feeds yet.</p></xsl:otherwise>
              </xsl:choose>
            </section>
            <p id="none" hidden="">No feed matches your filter.</p>
          </main>
          <footer>
            <p>Made with unplanet <xsl:value-of select="generator/@version"/> from
              <xsl:value-of select="$planet"/>'s page. Feeds keep their entries after they leave the Planet.</p>
          </footer>
        </div>
        <script>
(function () {
  "use strict";
  var input = document.getElementById("q");
  var count = document.getElementById("count");
  var none = document.getElementById("none");
  var feeds = Array.prototype.slice.call(document.querySelectorAll(".feed"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("main section"));
  /* Accents and case do not matter: "girao" finds "Girão". */
  function fold(s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  feeds.forEach(function (li) { li.filterText = fold(li.getAttribute("data-filter") || ""); });
  /* A screen reader says the count (aria-live) once typing pauses, not
     at every key. */
  var timer = null;
  function apply(now) {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    feeds.forEach(function (li) {
      li.hidden = !words.every(function (w) { return li.filterText.indexOf(w) !== -1; });
    });
    /* A section's heading counts what it shows of its feeds: "(1 of 19)". */
    sections.forEach(function (s) {
      var all = s.querySelectorAll(".feed").length, kept = s.querySelectorAll(".feed:not([hidden])").length;
      var small = s.querySelector("h2 small");
      s.hidden = words.length ? !kept : false;
      if (small) small.textContent = "(" + (words.length ? kept + " of " : "") + all + ")";
    });
    /* Count what is laid out, not what was asked for: the number says
       what the reader sees. */
    var shown = feeds.filter(function (li) { return li.offsetParent !== null; }).length;
    var said = (words.length ? shown + " of " : "") + feeds.length + (feeds.length === 1 ? " feed" : " feeds");
    clearTimeout(timer);
    if (now) count.textContent = said;
    else timer = setTimeout(function () { count.textContent = said; }, 400);
    /* With nothing typed, nothing was filtered out: an empty directory
       shows its empty sections as it does with scripts off. */
    none.hidden = shown !== 0 || !words.length;
  }
  /* The filter goes in the address, to share it; only once typed, so a
     link to a feed's card (#author-...) keeps its place. */
  function remember() {
    try {
      history.replaceState(null, "", input.value ? "#q=" + encodeURIComponent(input.value) : location.pathname + location.search);
    } catch (e) { /* some file: pages refuse; the filter still works */ }
  }
  var m = /^#q=(.*)$/.exec(location.hash);
  if (m) {
    try { input.value = decodeURIComponent(m[1]); } catch (e) { input.value = m[1]; }
  }
  var bar = document.querySelector(".search");
  var main = document.querySelector("main");
  input.addEventListener("input", function () {
    apply(false);
    remember();
    /* Typed far down a long list: the results start above, out of
       sight; the list is brought up under the box. */
    if (getComputedStyle(bar).position === "sticky" &amp;&amp; main.getBoundingClientRect().top &lt; 0)
      main.scrollIntoView({ block: "start", behavior: "instant" });
  });
  /* Nothing to filter, no box. */
  bar.hidden = feeds.length === 0;
  /* A card scrolled to must not sit under the sticky filter box. */
  function pad() {
    document.documentElement.style.scrollPaddingTop =
      getComputedStyle(bar).position === "sticky" &amp;&amp; !bar.hidden ? bar.offsetHeight + 8 + "px" : "";
  }
  window.addEventListener("resize", pad);
  if (window.ResizeObserver) new ResizeObserver(pad).observe(bar);
  apply(true);
  pad();   /* after apply(): the count it writes may wrap to a second line */
  var target = !m &amp;&amp; location.hash.length > 1 ? document.getElementById(location.hash.slice(1)) : null;
  if (target) target.scrollIntoView({ block: "start", behavior: "instant" });
}());
        </script>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="feed">
    <xsl:variable name="feed" select="."/>
    <!-- An author's generated description repeats its name: show the
         source's own feed title instead, when it says something new. -->
    <xsl:variable name="desc">
      <xsl:choose>
        <xsl:when test="@kind = 'topic' or description != concat(title, ' on ', $planet)">
          <xsl:value-of select="description"/>
        </xsl:when>
        <xsl:when test="string(subtitle) != '' and subtitle != title">
          <xsl:value-of select="subtitle"/>
        </xsl:when>
      </xsl:choose>
    </xsl:variable>
    <!-- The filter finds what the card shows. -->
    <li class="feed" id="{@kind}-{@slug}" data-filter="{title} {@slug} {$desc} {newest/title}">
      <h3 dir="auto">
        <xsl:choose>
          <xsl:when test="string(link) != ''"><xsl:call-template name="link"><xsl:with-param name="iri" select="link"/><xsl:with-param name="text" select="title"/></xsl:call-template></xsl:when>
          <xsl:otherwise><xsl:value-of select="title"/></xsl:otherwise>
        </xsl:choose>
      </h3>
      <xsl:if test="string($desc) != ''">
        <p class="desc" dir="auto"><xsl:value-of select="$desc"/></p>
      </xsl:if>
      <xsl:if test="newest">
        <p class="latest">
          <!-- bdi: a right-to-left title must not carry the date along. -->
          <bdi>
            <xsl:choose>
              <xsl:when test="string(newest/link) != ''"><xsl:call-template name="link"><xsl:with-param name="iri" select="newest/link"/><xsl:with-param name="text" select="newest/title"/></xsl:call-template></xsl:when>
              <xsl:otherwise><xsl:value-of select="newest/title"/></xsl:otherwise>
            </xsl:choose>
          </bdi>
          <xsl:text> </xsl:text>
          <xsl:call-template name="day"><xsl:with-param name="date" select="newest/published"/></xsl:call-template>
        </p>
      </xsl:if>
      <p class="meta">
        <xsl:value-of select="entries"/>
        <xsl:choose>
          <xsl:when test="entries = 1"> entry</xsl:when>
          <xsl:otherwise> entries</xsl:otherwise>
        </xsl:choose>
      </p>
      <p class="formats">
        <xsl:for-each select="$formats">
          <xsl:variable name="shown"><xsl:call-template name="shown"/></xsl:variable>
          <!-- Named as shown, then whose: a screen reader's list of links
               tells the many "Atom" apart. No title: it would say it all
               again. -->
          <a class="{@name}" href="{$feed/path}.{@name}" aria-label="{$shown} feed of {$feed/title}">
            <xsl:if test="@type != ''"><xsl:attribute name="type"><xsl:value-of select="@type"/></xsl:attribute></xsl:if>
            <xsl:value-of select="$shown"/>
          </a>
          <xsl:text> </xsl:text>
        </xsl:for-each>
      </p>
    </li>
  </xsl:template>
</xsl:stylesheet>
