/* bench-parse.c FILE - the benchmark's baseline: read FILE and parse it
 * once with libxml2's HTML parser, as xmllint --html --noout --recover
 * would, and nothing else. Built with the same flags as unplanet. */
#include <stdio.h>
#include <stdlib.h>

#include <libxml/HTMLparser.h>

int
main(int argc, char **argv)
{
	FILE *f;
	char *data;
	long n;
	htmlDocPtr doc;

	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL)
		return 2;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (data = malloc((size_t)n + 1)) == NULL || fread(data, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		return 2;
	}
	fclose(f);
	doc = htmlReadMemory(data, (int)n, NULL, "UTF-8", HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT | XML_PARSE_HUGE);
	if (doc == NULL)
		return 1;
	xmlFreeDoc(doc);
	free(data);
	xmlCleanupParser();
	return 0;
}
