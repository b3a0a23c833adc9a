<?xml version="1.0" encoding="UTF-8"?>
<!-- json.xsl - an unplanet feed document (xslt/README.md) as JSON Feed 1.1
     (https://jsonfeed.org/version/1.1). Strings go through up:json-string,
     the escaping function unplanet registers with libxslt. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:up="urn:unplanet:xslt"
    exclude-result-prefixes="up">
  <xsl:output method="text" encoding="UTF-8" media-type="application/feed+json"/>

  <xsl:template match="/">
    <xsl:if test="not(function-available('up:json-string')) or not(function-available('up:uri'))">
      <xsl:message terminate="yes">json.xsl needs unplanet's up:json-string and up:uri functions</xsl:message>
    </xsl:if>
    <xsl:apply-templates select="feed"/>
  </xsl:template>

  <!-- "name": value, for a string that may be empty (then left out). -->
  <xsl:template name="member">
    <xsl:param name="name"/>
    <xsl:param name="value"/>
    <xsl:param name="indent" select="'  '"/>
    <xsl:if test="string($value) != ''">
      <xsl:value-of select="concat($indent, '&quot;', $name, '&quot;: ', up:json-string(string($value)), ',&#10;')"/>
    </xsl:if>
  </xsl:template>

  <xsl:template match="feed">
    <xsl:text>{&#10;  "version": "https://jsonfeed.org/version/1.1",&#10;</xsl:text>
    <xsl:value-of select="concat('  &quot;title&quot;: ', up:json-string(string(title)), ',&#10;')"/>
    <!-- JSON has no base URI: relative URLs are left out. feed_url is the
         feed's identity, and "django.json" would name authors/django.json
         and topics/django.json alike. -->
    <xsl:call-template name="member">
      <xsl:with-param name="name" select="'home_page_url'"/>
      <xsl:with-param name="value">
        <xsl:choose>
          <!-- URLs, where the document holds IRIs: up:uri (see rss.xsl). -->
          <xsl:when test="string(link) != ''"><xsl:value-of select="up:uri(string(link))"/></xsl:when>
          <xsl:when test="contains(card, '://')"><xsl:value-of select="card"/></xsl:when>
        </xsl:choose>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:if test="contains(url, '://')">
      <xsl:value-of select="concat('  &quot;feed_url&quot;: ', up:json-string(concat(url, '.json')), ',&#10;')"/>
    </xsl:if>
    <xsl:call-template name="member">
      <xsl:with-param name="name" select="'description'"/>
      <xsl:with-param name="value" select="description"/>
    </xsl:call-template>
    <xsl:if test="@kind = 'author'">
      <xsl:value-of select="concat('  &quot;authors&quot;: [{&quot;name&quot;: ', up:json-string(string(title)))"/>
      <xsl:if test="string(link) != ''">
        <xsl:value-of select="concat(', &quot;url&quot;: ', up:json-string(up:uri(string(link))))"/>
      </xsl:if>
      <xsl:text>}],&#10;</xsl:text>
    </xsl:if>
    <xsl:text>  "items": [</xsl:text>
    <xsl:apply-templates select="entry"/>
    <xsl:text>&#10;  ]&#10;}&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="entry">
    <xsl:if test="position() != 1">,</xsl:if>
    <xsl:text>&#10;    {&#10;</xsl:text>
    <xsl:value-of select="concat('      &quot;id&quot;: ', up:json-string(string(id)), ',&#10;')"/>
    <xsl:call-template name="member">
      <xsl:with-param name="name" select="'url'"/>
      <xsl:with-param name="value" select="up:uri(string(link))"/>
      <xsl:with-param name="indent" select="'      '"/>
    </xsl:call-template>
    <xsl:call-template name="member">
      <xsl:with-param name="name" select="'title'"/>
      <xsl:with-param name="value" select="title"/>
      <xsl:with-param name="indent" select="'      '"/>
    </xsl:call-template>
    <xsl:call-template name="member">
      <xsl:with-param name="name" select="'summary'"/>
      <xsl:with-param name="value" select="summary"/>
      <xsl:with-param name="indent" select="'      '"/>
    </xsl:call-template>
    <xsl:value-of select="concat('      &quot;date_published&quot;: ', up:json-string(string(published)), ',&#10;')"/>
    <xsl:value-of select="concat('      &quot;date_modified&quot;: ', up:json-string(string(updated)), ',&#10;')"/>
    <xsl:value-of select="concat('      &quot;authors&quot;: [{&quot;name&quot;: ', up:json-string(string(author)))"/>
    <xsl:if test="not(creator) and string(source/link) != ''">
      <xsl:value-of select="concat(', &quot;url&quot;: ', up:json-string(up:uri(string(source/link))))"/>
    </xsl:if>
    <xsl:text>}],&#10;</xsl:text>
    <xsl:value-of select="concat('      &quot;content_html&quot;: ', up:json-string(string(content)), '&#10;    }')"/>
  </xsl:template>
</xsl:stylesheet>
