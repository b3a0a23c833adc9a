/* main.c - command line, and the pipeline fetch -> read -> group -> write
 * -> publish. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlsave.h>
#include <libxslt/xslt.h>

#include "buf.h"
#include "err.h"
#include "fetch.h"
#include "group.h"
#include "publish.h"
#include "read.h"
#include "state.h"
#include "write.h"

#ifndef VERSION
#define VERSION "0"
#endif
#ifndef XSLTDIR
#define XSLTDIR "/usr/local/share/unplanet/xslt"
#endif

struct options {
	const char *source;
	const char *output;
	const char *base_url;
	const char *xslt_dir;
	const char **stylesheets;
	size_t n_stylesheets;
	long timeout;
	size_t max_size;
	size_t keep;
	int force;
	int wait;
	int dump;
	int quiet;
	int verbose;
};

static const char usage_text[] =
"usage: unplanet [OPTIONS] SOURCE\n"
"\n"
"Split a Planet 2.0 page (Planet Python, ...) into one Atom and one RSS feed\n"
"per author. SOURCE is an http(s) URL, a file, or - for standard input.\n"
"\n"
"  -o, --output DIR       write feeds into DIR (default ./feeds)\n"
"  -b, --base-url URL     where DIR is served; used for self links and ids\n"
"  -s, --stylesheet FILE  also write the format FILE.xsl makes (repeatable)\n"
"      --xslt-dir DIR     where atom.xsl and rss.xsl are\n"
"      --keep N           keep the newest N entries per feed, also after they\n"
"                         leave the page (default 50; 0 keeps all)\n"
"      --force            fetch and write even if the page did not change\n"
"      --wait             wait for another run on DIR instead of exiting 75\n"
"      --dump             print the intermediate XML of every feed, write nothing\n"
"      --timeout SECONDS  give up fetching after SECONDS (default 60)\n"
"      --max-size BYTES   refuse pages larger than BYTES; k, M, G suffixes\n"
"                         (default 32M)\n"
"  -q, --quiet            print nothing but errors\n"
"  -v, --verbose          print one summary line per run\n"
"  -h, --help             show this help\n"
"  -V, --version          show the version\n"
"\n"
"Exit status:\n"
"   0  success, also when the page was not modified\n"
"  64  usage error: a bad option or stylesheet\n"
"  65  the page is not a readable Planet page, or DIR/.unplanet is corrupt\n"
"  66  the input file or a stylesheet is missing or unreadable\n"
"  69  the URL could not be fetched\n"
"  70  internal error, or a stylesheet failed while running\n"
"  73  the output folder cannot be created or written\n"
"  74  writing failed part way\n"
"  75  another run is writing DIR; try again later\n";

static int
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "unplanet: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'unplanet --help' for more information.\n");
	return UP_EUSAGE;
}

static int
parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || errno != 0 || *s == '-')
		return -1;
	if (*end == 'k' || *end == 'K')
		shift = 10;
	else if (*end == 'M')
		shift = 20;
	else if (*end == 'G')
		shift = 30;
	if (shift != 0)
		end++;
	if (*end != '\0' || v == 0 || v > (SIZE_MAX >> shift))
		return -1;
	*out = (size_t)(v << shift);
	return 0;
}

static int
parse_options(int argc, char **argv, struct options *o, int *done)
{
	enum { OPT_XSLT_DIR = 256, OPT_DUMP, OPT_TIMEOUT, OPT_MAX_SIZE, OPT_KEEP, OPT_FORCE, OPT_WAIT };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "stylesheet", required_argument, NULL, 's' },
		{ "xslt-dir", required_argument, NULL, OPT_XSLT_DIR },
		{ "dump", no_argument, NULL, OPT_DUMP },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "keep", required_argument, NULL, OPT_KEEP },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "wait", no_argument, NULL, OPT_WAIT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	*done = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:b:s:qvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->output = optarg;
			break;
		case 'b':
			if (strncmp(optarg, "http://", 7) != 0 && strncmp(optarg, "https://", 8) != 0)
				return usage_error("--base-url must be an http(s) URL: '%s'", optarg);
			o->base_url = optarg;
			break;
		case 's': {
			const char **p = realloc(o->stylesheets, (o->n_stylesheets + 1) * sizeof *p);

			if (p == NULL)
				return UP_ESOFTWARE;
			o->stylesheets = p;
			o->stylesheets[o->n_stylesheets++] = optarg;
			break;
		}
		case OPT_XSLT_DIR:
			o->xslt_dir = optarg;
			break;
		case OPT_DUMP:
			o->dump = 1;
			break;
		case OPT_TIMEOUT: {
			char *end;

			errno = 0;
			o->timeout = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || errno != 0 || o->timeout < 1 || o->timeout > 86400)
				return usage_error("--timeout needs a number of seconds (1 to 86400): '%s'", optarg);
			break;
		}
		case OPT_KEEP: {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (end == optarg || *end != '\0' || errno != 0 || *optarg == '-' || v > 1000000)
				return usage_error("--keep needs a number of entries (0 to 1000000): '%s'", optarg);
			o->keep = (size_t)v;
			break;
		}
		case OPT_FORCE:
			o->force = 1;
			break;
		case OPT_WAIT:
			o->wait = 1;
			break;
		case OPT_MAX_SIZE:
			if (parse_size(optarg, &o->max_size) != 0)
				return usage_error("--max-size needs a size in bytes, such as 32M: '%s'", optarg);
			break;
		case 'q':
			o->quiet = 1;
			o->verbose = 0;
			break;
		case 'v':
			o->verbose = 1;
			o->quiet = 0;
			break;
		case 'h':
			fputs(usage_text, stdout);
			*done = 1;
			return UP_OK;
		case 'V':
			printf("unplanet %s\n", VERSION);
			*done = 1;
			return UP_OK;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return usage_error("%s", optind == argc ? "missing SOURCE (a URL, a file, or -)"
						       : "only one SOURCE may be given");
	o->source = argv[optind];
	return UP_OK;
}

/* The stylesheet folder: --xslt-dir; else, beside the program, xslt/ (a
 * source tree) or ../share/unplanet/xslt (an install under any PREFIX or
 * DESTDIR); else the folder compiled in. */
static char *
find_xslt_dir(const char *given)
{
	static const char *const beside[] = { "/xslt", "/../share/unplanet/xslt" };
	char self[PATH_MAX];
	ssize_t n;
	size_t i;
	char *slash;

	if (given != NULL)
		return strdup(given);
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL)
			*slash = '\0';
		for (i = 0; slash != NULL && i < sizeof beside / sizeof beside[0]; i++) {
			struct buf b = { 0 };

			if (buf_adds(&b, self) == 0 && buf_adds(&b, beside[i]) == 0 &&
			    buf_adds(&b, "/atom.xsl") == 0 && access(b.data, R_OK) == 0) {
				b.len -= strlen("/atom.xsl");
				return buf_take(&b);
			}
			buf_free(&b);
		}
	}
	return strdup(XSLTDIR);
}

static long
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)((now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000);
}

/* libxml2 reports I/O errors itself; ours already say what failed. */
static void
silent(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

static int
dump(const struct feed_set *set, const struct group_options *gopt, char **err)
{
	xmlDocPtr doc = feed_set_document(set, gopt);
	int rc = UP_OK;

	xmlSetGenericErrorFunc(NULL, silent);
	if (doc == NULL)
		return err_nomem(err);
	if (xmlSaveFormatFileEnc("-", doc, "UTF-8", 1) < 0 || fflush(stdout) != 0 || ferror(stdout))
		rc = err_set(err, UP_EIO, "standard output: write failed: %s", strerror(errno));
	xmlFreeDoc(doc);
	return rc;
}

/* Adds the archive copy of a feed document: .unplanet/archive/SLUG.xml. */
static int
archive_feed(xmlDocPtr doc, const struct feed *f, struct publish *pub, char **err)
{
	struct buf path = { 0 };
	xmlChar *bytes = NULL;
	int n = 0, rc;

	xmlDocDumpFormatMemoryEnc(doc, &bytes, &n, "UTF-8", 1);
	if (bytes == NULL || buf_adds(&path, ARCHIVE_DIR "/") != 0 || buf_adds(&path, f->slug) != 0 ||
	    buf_adds(&path, ".xml") != 0) {
		xmlFree(bytes);
		buf_free(&path);
		return err_nomem(err);
	}
	rc = publish_add(pub, path.data, (char *)bytes, (size_t)n, err);
	buf_free(&path);
	return rc;
}

/* Adds every format of every feed, and its archive copy, to the
 * publication. */
static int
write_feeds(const struct feed_set *set, const struct group_options *gopt, struct writer *w,
    struct publish *pub, char **err)
{
	size_t i, k;
	int rc = UP_OK;

	for (i = 0; rc == UP_OK && i < set->n_feeds; i++) {
		const struct feed *f = &set->feeds[i];
		xmlDocPtr doc = feed_document(set, i, gopt);

		if (doc == NULL)
			return err_nomem(err);
		rc = archive_feed(doc, f, pub, err);
		for (k = 0; rc == UP_OK && k < writer_count(w); k++) {
			struct buf path = { 0 };
			char *data = NULL;
			size_t len;

			if (buf_adds(&path, f->kind) != 0 || buf_adds(&path, "s/") != 0 ||
			    buf_adds(&path, f->slug) != 0 || buf_addc(&path, '.') != 0 ||
			    buf_adds(&path, writer_name(w, k)) != 0) {
				rc = err_nomem(err);
			} else {
				rc = writer_apply(w, k, doc, path.data, &data, &len, err);
				if (rc == UP_OK)
					rc = publish_add(pub, path.data, data, len, err);
				else
					free(data);
			}
			buf_free(&path);
		}
		xmlFreeDoc(doc);
	}
	return rc;
}

static int
run(const struct options *o, char **err)
{
	struct fetch_options fopt = { o->timeout, o->max_size, NULL, NULL };
	struct group_options gopt = { o->base_url, o->keep, time(NULL) };
	struct writer *w = NULL;
	struct fetched *fetched = NULL;
	struct page *page = NULL;
	struct state *state = NULL;
	struct feed_set *set = NULL;
	struct publish *pub = NULL;
	struct publish_stats stats = { 0, 0 };
	struct timespec start;
	char *xslt_dir = NULL, *state_bytes = NULL;
	size_t state_len = 0;
	const char *name = strcmp(o->source, "-") == 0 ? "<stdin>" : o->source;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (!o->dump) {
		/* Stylesheet mistakes show before anything is fetched. */
		if ((xslt_dir = find_xslt_dir(o->xslt_dir)) == NULL) {
			rc = err_nomem(err);
			goto done;
		}
		rc = writer_new(xslt_dir, o->stylesheets, o->n_stylesheets, &w, err);
		if (rc != UP_OK)
			goto done;
		/* Lock the folder before reading its state, and hold it until the
		 * new state is in place. */
		rc = publish_begin(o->output, o->wait, &pub, err);
		if (rc == UP_OK)
			rc = state_load(o->output, &state, err);
		if (rc != UP_OK)
			goto done;
		if (!o->force && state->url != NULL && strcmp(state->url, o->source) == 0) {
			fopt.etag = state->etag;
			fopt.last_modified = state->last_modified;
		}
	}
	rc = fetch_source(o->source, &fopt, &fetched, err);
	if (rc != UP_OK)
		goto done;
	if (fetched->not_modified) {
		if (o->verbose)
			fprintf(stderr, "unplanet: %s: not modified, 0 files written, %ld ms\n", name,
			    elapsed_ms(&start));
		goto done;
	}
	rc = read_page(fetched->data, fetched->len, name, fetched->url, fetched->charset, &page, err);
	if (rc != UP_OK)
		goto done;
	rc = group_page(page, state, &gopt, &set, err);
	if (rc != UP_OK)
		goto done;
	if (o->dump) {
		rc = dump(set, &gopt, err);
		goto done;
	}
	rc = write_feeds(set, &gopt, w, pub, err);
	/* The validators go last: a run killed before them leaves the old
	 * ones, so the next run fetches again and repairs what is missing. */
	if (rc == UP_OK && fetch_is_url(o->source))
		rc = state_serialize(o->source, fetched->etag, fetched->last_modified, &state_bytes,
		    &state_len, err);
	if (rc == UP_OK && state_bytes != NULL) {
		rc = publish_add(pub, STATE_FILE, state_bytes, state_len, err);
		state_bytes = NULL;
	}
	if (rc == UP_OK)
		rc = publish_commit(pub, &stats, err);
	if (rc != UP_OK)
		goto done;
	if (o->verbose)
		fprintf(stderr, "unplanet: %s: %zu bytes, %zu entries, %zu sources, %zu files written, "
		    "%zu unchanged, %ld ms\n", name, fetched->len, page->n_entries, set->n_feeds,
		    stats.written, stats.unchanged, elapsed_ms(&start));
done:
	publish_free(pub);
	feed_set_free(set);
	state_free(state);
	page_free(page);
	fetched_free(fetched);
	writer_free(w);
	free(state_bytes);
	free(xslt_dir);
	return rc;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	char *err = NULL;
	int rc, done;

	o.output = "feeds";
	o.timeout = 60;
	o.max_size = (size_t)32 << 20;
	o.keep = 50;
	rc = parse_options(argc, argv, &o, &done);
	if (rc != UP_OK || done) {
		free(o.stylesheets);
		return rc;
	}
	LIBXML_TEST_VERSION
	if (fetch_init() != 0) {
		fprintf(stderr, "unplanet: cannot initialise libcurl\n");
		free(o.stylesheets);
		return UP_ESOFTWARE;
	}
	rc = run(&o, &err);
	if (rc != UP_OK)
		fprintf(stderr, "unplanet: %s\n", err != NULL ? err : "failed");
	free(err);
	free(o.stylesheets);
	fetch_cleanup();
	xsltCleanupGlobals();
	xmlCleanupParser();
	return rc;
}
