/* fuzz_read.c - libFuzzer target: page bytes -> entries (read.c).
 * The first byte picks the declared charset and page URL, the rest is the
 * page, so encodings and link resolution get fuzzed too. */
#include <stdint.h>
#include <stdlib.h>

#include <libxml/parser.h>

#include "read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const charsets[] = { NULL, NULL, "utf-8", "iso-8859-1", "utf-16le", "koi8-r" };
	static const char *const urls[] = { NULL, "https://planet.example/", "http://planet.example/a/b" };
	struct page *page = NULL;
	char *err = NULL;
	unsigned pick;

	if (size == 0)
		return 0;
	pick = data[0];
	if (read_page((const char *)data + 1, size - 1, "fuzz", urls[pick % 3], charsets[(pick / 3) % 6],
	    NULL, 0, 1 + (pick / 18) % 2, &page, &err) == 0)
		page_free(page);
	free(err);
	return 0;
}
