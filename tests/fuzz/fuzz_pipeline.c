/* fuzz_pipeline.c - libFuzzer target: page bytes -> feed documents ->
 * every output format and site page, all in memory (read.c, group.c,
 * write.c with the real stylesheets from xslt/). Run from the source tree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>

#include "config.h"
#include "group.h"
#include "read.h"
#include "write.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct writer *writer;
static struct settings settings;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *err = NULL;

	(void)argc;
	(void)argv;
	settings_init(&settings);
	/* A topic that takes everything, one with Unicode case folding, an
	 * exclusion and a source rule: every path of the group stage. */
	if (settings_set(&settings, "topic", "All=.", &err) != 0 ||
	    settings_set(&settings, "topic", "Accents=É|ü|straße", &err) != 0 ||
	    settings_set(&settings, "exclude", "^Quiz:", &err) != 0 ||
	    settings_finish(&settings) != 0 ||
	    writer_new("xslt", NULL, NULL, NULL, 0, &writer, &err) != 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct group_options gopt = { "https://feeds.example/", 5, 1777400000, &settings, 0 };
	struct format_info formats[8];
	struct page *page = NULL;
	struct feed_set *set = NULL;
	struct writer_task *task;
	xmlDocPtr doc;
	char *err = NULL, *out, *said;
	size_t i, k, len, n = writer_count(writer);

	if (read_page((const char *)data, size, "fuzz", "https://planet.example/", NULL, NULL, 0, 1, &page, &err) != 0)
		goto done;
	if (group_page(page, NULL, &gopt, &set, &err) != 0)
		goto done;
	for (i = 0; i < set->n_feeds; i++) {
		if ((doc = feed_document(set, i, &gopt)) == NULL)
			abort();
		for (k = 0; k < n; k++) {
			out = said = NULL;
			/* As main.c makes files: a task readied, then run. */
			if (writer_task_new(writer, NULL, k, doc, &task, &err) != 0 ||
			    writer_task_run(task, "fuzz", &out, &len, &said, &err) != 0)
				abort();   /* our stylesheets must take any document we make */
			writer_task_free(task);
			free(out);
			free(said);
		}
		xmlFreeDoc(doc);
	}
	for (k = 0; k < n && k < 8; k++) {
		formats[k].name = writer_name(writer, k);
		formats[k].media_type = writer_media_type(writer, k);
	}
	if ((doc = directory_document(set, &gopt, formats, n < 8 ? n : 8, NULL)) == NULL)
		abort();
	for (k = 0; k < writer_site_count(writer); k++) {
		out = NULL;
		if (writer_apply_site(writer, k, doc, &out, &len, &err) != 0)
			abort();
		free(out);
	}
	xmlFreeDoc(doc);
done:
	feed_set_free(set);
	page_free(page);
	free(err);
	return 0;
}
