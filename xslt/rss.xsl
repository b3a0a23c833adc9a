<?xml version="1.0" encoding="UTF-8"?>
<!-- rss.xsl - an unplanet feed document (xslt/README.md) as RSS 2.0
     (RSS Advisory Board specification, with its best-practice profile). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:str="http://exslt.org/strings"
    xmlns:up="urn:unplanet:xslt"
    exclude-result-prefixes="str up">
  <xsl:output method="xml" encoding="UTF-8" indent="yes" media-type="application/rss+xml"/>

  <!-- RSS takes URLs, where the document holds IRIs (a permalink
       https://bücher.example/café): unplanet's up:uri writes them as URIs,
       the host in its ASCII (IDNA) form, the path caf%C3%A9 (plain
       xsltproc, which lacks it, leaves them as they are). -->
  <xsl:template name="uri">
    <xsl:param name="iri"/>
    <xsl:choose>
      <xsl:when test="function-available('up:uri')"><xsl:value-of select="up:uri(string($iri))"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$iri"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="/feed">
    <rss version="2.0">
      <channel>
        <title><xsl:value-of select="title"/></title>
        <link>
          <xsl:choose>
            <xsl:when test="string(link) != ''">
              <xsl:call-template name="uri"><xsl:with-param name="iri" select="link"/></xsl:call-template>
            </xsl:when>
            <!-- The channel's web page, not the feed file: its card in index.html. -->
            <xsl:otherwise><xsl:value-of select="card"/></xsl:otherwise>
          </xsl:choose>
        </link>
        <!-- Readers take a channel's description for HTML: its text
             is escaped once more, or "<Src>" would read as a tag. -->
        <description>
          <xsl:value-of select="str:replace(str:replace(string(description), '&amp;', '&amp;amp;'), '&lt;', '&amp;lt;')"/>
        </description>
        <atom:link rel="self" type="application/rss+xml" href="{url}.rss"/>
        <lastBuildDate><xsl:value-of select="updated/@rfc822"/></lastBuildDate>
        <generator>unplanet <xsl:value-of select="generator/@version"/></generator>
        <docs>https://www.rssboard.org/rss-specification</docs>
        <xsl:apply-templates select="entry"/>
      </channel>
    </rss>
  </xsl:template>

  <xsl:template match="entry">
    <item>
      <title><xsl:value-of select="title"/></title>
      <!-- As in atom.xsl: a post without a permalink links to its
           source's site, else its feed's card; readers open an item by
           its link, and feedparser finds none in a guid that is no
           permalink. -->
      <link>
        <xsl:choose>
          <xsl:when test="string(link) != ''">
            <xsl:call-template name="uri"><xsl:with-param name="iri" select="link"/></xsl:call-template>
          </xsl:when>
          <xsl:when test="string(source/link) != ''">
            <xsl:call-template name="uri"><xsl:with-param name="iri" select="source/link"/></xsl:call-template>
          </xsl:when>
          <xsl:otherwise><xsl:value-of select="/feed/card"/></xsl:otherwise>
        </xsl:choose>
      </link>
      <!-- A guid is a permalink only when it is the post's permalink now:
           an id kept from a permalink that has moved since may lead to
           a site that is gone, and readers open a permalink guid. Its
           value stays the URI it was (readers know the item by it). -->
      <xsl:choose>
        <xsl:when test="starts-with(id, 'http://') or starts-with(id, 'https://')">
          <guid isPermaLink="{string(id) = string(link)}">
            <xsl:call-template name="uri"><xsl:with-param name="iri" select="id"/></xsl:call-template>
          </guid>
        </xsl:when>
        <xsl:otherwise>
          <guid isPermaLink="false"><xsl:value-of select="id"/></guid>
        </xsl:otherwise>
      </xsl:choose>
      <pubDate><xsl:value-of select="published/@rfc822"/></pubDate>
      <dc:creator><xsl:value-of select="author"/></dc:creator>
      <description><xsl:value-of select="content"/></description>
    </item>
  </xsl:template>
</xsl:stylesheet>
