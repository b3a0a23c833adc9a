<?xml version="1.0" encoding="UTF-8"?>
<!-- opml.xsl - unplanet's directory document (xslt/README.md) as an OPML 2.0
     subscription list (http://opml.org/spec2.opml). The parameter kind
     limits it to 'author' or 'topic' feeds; empty lists every feed. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:up="urn:unplanet:xslt" exclude-result-prefixes="up">
  <xsl:output method="xml" encoding="UTF-8" indent="yes" media-type="text/x-opml"/>
  <xsl:param name="kind" select="''"/>
  <!-- Selected once, as /directory/base-url walks every child of the
       directory. -->
  <xsl:variable name="base-url" select="string(/directory/base-url)"/>

  <xsl:template match="/directory">
    <opml version="2.0">
      <head>
        <title>
          <xsl:value-of select="title"/>
          <xsl:choose>
            <xsl:when test="$kind = 'author'">, one feed per author</xsl:when>
            <xsl:when test="$kind = 'topic'">, one feed per topic</xsl:when>
            <xsl:otherwise>, split by unplanet</xsl:otherwise>
          </xsl:choose>
        </title>
        <dateModified><xsl:value-of select="updated/@rfc822"/></dateModified>
        <docs>http://opml.org/spec2.opml</docs>
      </head>
      <body>
        <xsl:if test="$kind = '' or $kind = 'topic'">
          <xsl:call-template name="group">
            <xsl:with-param name="feeds" select="feed[@kind = 'topic']"/>
            <xsl:with-param name="label" select="'Topics'"/>
          </xsl:call-template>
        </xsl:if>
        <xsl:if test="$kind = '' or $kind = 'author'">
          <xsl:call-template name="group">
            <xsl:with-param name="feeds" select="feed[@kind = 'author']"/>
            <xsl:with-param name="label" select="'Authors'"/>
          </xsl:call-template>
        </xsl:if>
      </body>
    </opml>
  </xsl:template>

  <!-- One folder per kind in the full list; flat in the per-kind lists. -->
  <xsl:template name="group">
    <xsl:param name="feeds"/>
    <xsl:param name="label"/>
    <xsl:choose>
      <xsl:when test="$kind = '' and $feeds">
        <outline text="{$label}" title="{$label}">
          <xsl:apply-templates select="$feeds"/>
        </outline>
      </xsl:when>
      <xsl:otherwise>
        <xsl:apply-templates select="$feeds"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- htmlUrl is the feed's web page, as its own files name it: the
       source's site, else (a topic) its card in index.html, which
       index.xsl gives the id KIND-SLUG. -->
  <xsl:template match="feed">
    <outline type="rss" text="{title}" title="{title}" description="{description}"
             xmlUrl="{url}.atom">
      <xsl:attribute name="htmlUrl">
        <xsl:choose>
          <!-- A URL, where the document holds an IRI (see rss.xsl). -->
          <xsl:when test="string(link) != '' and function-available('up:uri')">
            <xsl:value-of select="up:uri(string(link))"/>
          </xsl:when>
          <xsl:when test="string(link) != ''"><xsl:value-of select="link"/></xsl:when>
          <xsl:otherwise>
            <xsl:value-of select="concat($base-url, 'index.html#', @kind, '-', @slug)"/>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
    </outline>
  </xsl:template>
</xsl:stylesheet>
