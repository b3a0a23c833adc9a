<?xml version="1.0" encoding="UTF-8"?>
<!-- atom.xsl - an unplanet feed document (xslt/README.md) as Atom 1.0 (RFC 4287). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns="http://www.w3.org/2005/Atom">
  <xsl:output method="xml" encoding="UTF-8" indent="yes" media-type="application/atom+xml"/>

  <xsl:template match="/feed">
    <feed>
      <id><xsl:value-of select="id"/></id>
      <title type="text"><xsl:value-of select="title"/></title>
      <xsl:if test="string(description) != ''">
        <subtitle type="text"><xsl:value-of select="description"/></subtitle>
      </xsl:if>
      <updated><xsl:value-of select="updated"/></updated>
      <!-- The web page first: some readers (feed-extractor) take a feed's
           first link for it. A feed with no site points at its card in
           index.html. -->
      <xsl:choose>
        <xsl:when test="string(link) != ''">
          <link rel="alternate" type="text/html" href="{link}"/>
        </xsl:when>
        <xsl:otherwise>
          <link rel="alternate" type="text/html" href="{card}"/>
        </xsl:otherwise>
      </xsl:choose>
      <link rel="self" type="application/atom+xml" href="{url}.atom"/>
      <!-- An author feed speaks for one source; a topic feed, which names
           each entry's author, for the Planet that gathered them (an
           empty one too: the W3C validator wants a feed's author when it
           has no entry to name one). -->
      <xsl:choose>
        <xsl:when test="@kind = 'author'">
          <author>
            <name><xsl:value-of select="title"/></name>
            <xsl:if test="string(link) != ''"><uri><xsl:value-of select="link"/></uri></xsl:if>
          </author>
        </xsl:when>
        <xsl:when test="string(planet/title) != ''">
          <author>
            <name><xsl:value-of select="planet/title"/></name>
            <xsl:if test="string(planet/link) != ''"><uri><xsl:value-of select="planet/link"/></uri></xsl:if>
          </author>
        </xsl:when>
        <xsl:otherwise>
          <author><name><xsl:value-of select="title"/></name></author>
        </xsl:otherwise>
      </xsl:choose>
      <generator version="{generator/@version}">unplanet</generator>
      <xsl:apply-templates select="entry"/>
    </feed>
  </xsl:template>

  <xsl:template match="entry">
    <entry>
      <id><xsl:value-of select="id"/></id>
      <title type="text"><xsl:value-of select="title"/></title>
      <!-- A post without a permalink links to its source's site, else
           its feed's card: feedparser would take its urn: id for its
           link, and sfeed the link of its atom:source. -->
      <xsl:choose>
        <xsl:when test="string(link) != ''">
          <link rel="alternate" type="text/html" href="{link}"/>
        </xsl:when>
        <xsl:when test="string(source/link) != ''">
          <link rel="alternate" type="text/html" href="{source/link}"/>
        </xsl:when>
        <xsl:otherwise>
          <link rel="alternate" type="text/html" href="{/feed/card}"/>
        </xsl:otherwise>
      </xsl:choose>
      <published><xsl:value-of select="published"/></published>
      <updated><xsl:value-of select="updated"/></updated>
      <!-- Always, though RFC 4287 4.2.1 lets an entry inherit the feed's
           author: feedparser, newsboat, sfeed, rss-parser and
           feed-extractor do not inherit it, and show no author. -->
      <author>
        <name><xsl:value-of select="author"/></name>
        <xsl:if test="not(creator) and string(source/link) != ''">
          <uri><xsl:value-of select="source/link"/></uri>
        </xsl:if>
      </author>
      <xsl:if test="/feed/@kind != 'author'">
        <!-- Where the entry came from (RFC 4287 4.2.11). No atom:id: the
             source's own feed id is unknown, and its site's URL is not one. -->
        <source>
          <xsl:if test="string(source/link) != ''">
            <link rel="alternate" type="text/html" href="{source/link}"/>
          </xsl:if>
          <title type="text"><xsl:value-of select="source/name"/></title>
        </source>
      </xsl:if>
      <content type="html"><xsl:value-of select="content"/></content>
    </entry>
  </xsl:template>
</xsl:stylesheet>
