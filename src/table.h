/* table.h - libxml2's hash tables, filled so that they grow.
 *
 * In libxml2 2.9, xmlHashUpdateEntry never grows a table: filled by it
 * alone, a table keeps the size it was created with, and every lookup
 * walks a chain as long as the entries over that size, which makes
 * reading, grouping and naming quadratic (or worse) in the posts of a
 * page. table_put adds a key with xmlHashAddEntry3, which grows the table
 * as it fills, and replaces the payload of a key already there. Payloads
 * must not be NULL (a lookup could not tell them from none). Returns 0, or
 * -1 when memory runs out.
 */
#ifndef UNPLANET_TABLE_H
#define UNPLANET_TABLE_H

#include <libxml/hash.h>

static inline int
table_put(xmlHashTablePtr table, const char *name, const char *name2, const char *name3, void *payload)
{
	const xmlChar *a = (const xmlChar *)name, *b = (const xmlChar *)name2, *c = (const xmlChar *)name3;

	return xmlHashLookup3(table, a, b, c) != NULL ? xmlHashUpdateEntry3(table, a, b, c, payload, NULL) :
	    xmlHashAddEntry3(table, a, b, c, payload);
}

#endif
