/* main.c - command line and configuration, and the pipeline
 * fetch -> read -> group -> write -> publish. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlsave.h>
#include <libxslt/xslt.h>

#include "buf.h"
#include "config.h"
#include "date.h"
#include "err.h"
#include "fetch.h"
#include "group.h"
#include "html.h"
#include "pool.h"
#include "publish.h"
#include "read.h"
#include "state.h"
#include "text.h"
#include "version.h"
#include "write.h"

#ifndef XSLTDIR
#define XSLTDIR "/usr/local/share/unplanet/xslt"
#endif

static const char usage_text[] =
"usage: unplanet [OPTIONS] SOURCE\n"
"       unplanet -c FILE [OPTIONS] [SOURCE]\n"
"\n"
"Split a Planet 2.0 page (Planet Python, ...) into Atom, RSS and JSON feeds,\n"
"one per author and per topic, with an index page and OPML lists. SOURCE is\n"
"an http(s) URL, a file, or - for standard input.\n"
"\n"
"  -o, --output DIR       write feeds into DIR (default ./feeds)\n"
"  -b, --base-url URL     where DIR is served: http or https, with a host, a\n"
"                         port from 1 to 65535 if any, and no query,\n"
"                         fragment, user:password, . or .. folder, space,\n"
"                         non-ASCII or other character a URL may not hold;\n"
"                         used for self links and ids\n"
"  -c, --config FILE      read settings from an INI file; options given here win\n"
"  -t, --topic NAME=PATTERN\n"
"                         also write a feed of the entries whose title, source\n"
"                         or text matches PATTERN (repeatable)\n"
"  -x, --exclude PATTERN  drop matching entries from every feed (repeatable)\n"
"      --only PATTERN     write author feeds only for matching sources\n"
"                         (repeatable)\n"
"  -s, --stylesheet FILE  also write what XSLT stylesheet FILE makes: NAME.xsl\n"
"                         writes SLUG.NAME for every feed (repeatable)\n"
"      --xslt-dir DIR     where the built-in stylesheets are (atom, rss, json,\n"
"                         index and opml .xsl)\n"
"      --keep N           keep the newest N entries per feed, also after they\n"
"                         leave the page (default 50, at most 1000000; 0 keeps\n"
"                         all)\n"
"      --force            fetch without a conditional request, read a page\n"
"                         older than the last one read, read every post\n"
"                         again and transform everything again (files whose\n"
"                         bytes stay the same are kept)\n"
"      --wait             wait for another run on DIR instead of exiting 75\n"
"      --dump             print the intermediate XML of the page's feeds\n"
"                         (as --only leaves them); write nothing\n"
"      --timeout SECONDS  give up fetching after SECONDS (1 to 86400, default\n"
"                         60)\n"
"      --max-size BYTES   refuse pages larger than BYTES; k, M, G suffixes,\n"
"                         in either case (default 32M, at most 1024G)\n"
"  -j, --jobs N           parse posts, apply stylesheets and write files on N\n"
"                         threads (1 to 64; default: the processors it may\n"
"                         use, or its cgroup CPU quota, 8 at most); the\n"
"                         output is the same\n"
"  -q, --quiet            print nothing but errors\n"
"  -v, --verbose          print one summary line per run, after a line saying\n"
"                         why when a file is missing or an older page is read\n"
"  -h, --help             show this help\n"
"  -V, --version          show the version\n"
"\n"
"Patterns are PCRE2 regular expressions, matched without regard to case.\n"
"\n"
"Exit status:\n"
"   0  success, also when the page was not modified or was an older copy\n"
"  64  usage error: a bad option, pattern, stylesheet, or a URL that is\n"
"      not a valid http(s) URL\n"
"  65  the page is not a readable Planet page, or DIR/.unplanet/state.xml\n"
"      or an archive file is corrupt or cannot be read\n"
"  66  the input file or a stylesheet is missing or unreadable\n"
"  69  the URL could not be fetched\n"
"  70  internal error, out of memory or of open files, or a stylesheet\n"
"      failed while running\n"
"  73  the output folder cannot be created or written, or holds a file\n"
"      unplanet did not write where it would write one\n"
"  74  writing failed part way\n"
"  75  another run is writing DIR; try again later\n"
"  78  the configuration file is missing or wrong, or a slug in it\n"
"      would take another feed's files\n"
"Stopped by SIGTERM, SIGINT or SIGHUP, a run undoes what it started and\n"
"ends by that signal; one already renaming its files finishes, and exits 0.\n";

/* The longest message line printed whole: past it, its middle goes. A
 * name from the page or the config file (a source's, of any length) would
 * otherwise flood the cron mail every run; the line's start (where) and
 * end (what to do) are what it is read for. */
#define MESSAGE_LINE_MAX 4096

/* Where to cut line near at: between characters, unless the bytes there
 * are no UTF-8 (a path given that is not), which are cut anywhere. */
static size_t
cut_at(const char *line, size_t at)
{
	size_t start = text_char_start(line, at);

	return at - start < 4 ? start : at;
}

/* Prints "unplanet: " and line, cut in its middle when longer than
 * MESSAGE_LINE_MAX bytes. */
static void
print_message(const char *line)
{
	size_t n = strlen(line), head, tail;

	if (n <= MESSAGE_LINE_MAX) {
		fprintf(stderr, "unplanet: %s\n", line);
	} else {
		head = cut_at(line, MESSAGE_LINE_MAX / 2);
		tail = cut_at(line, n - MESSAGE_LINE_MAX / 2);
		fprintf(stderr, "unplanet: %.*s\xE2\x80\xA6 (%zu bytes left out) \xE2\x80\xA6%s\n", (int)head, line,
		    tail - head, line + tail);
	}
}

/* Prints "unplanet: " and a line made from fmt, on one line: it quotes
 * what others wrote (a file name, a URL, a pattern), and a newline or ESC
 * of theirs must not forge or colour a line of cron's mail. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	va_list ap;
	char *line = NULL;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (line = malloc((size_t)n + 1)) == NULL)
		goto done;   /* a warning is not worth failing a run for */
	va_start(ap, fmt);
	vsnprintf(line, (size_t)n + 1, fmt, ap);
	va_end(ap);
	err_one_line(line);
	print_message(line);
done:
	free(line);
}

static int
usage_error(const char *fmt, const char *arg)
{
	say(fmt, arg);
	fputs("Try 'unplanet --help' for more information.\n", stderr);
	return UP_EUSAGE;
}

/* What settings_set said was wrong (why, freed here): a usage error, or
 * memory running out when it said nothing. Its messages start with the
 * configuration key ("keep needs a number..."); on the command line the
 * user typed an option, so that is what is named. */
static int
setting_error(const char *option, char *why)
{
	size_t len = option != NULL ? strlen(option) : 0;
	int rc;

	if (why == NULL) {
		fputs("unplanet: out of memory\n", stderr);
		rc = UP_ESOFTWARE;
	} else {
		rc = usage_error(len > 0 && strncmp(why, option, len) == 0 && (why[len] == ' ' || why[len] == ':') ?
		    "--%s" : "%s", why);
		free(why);
	}
	return rc;
}

/* Reads the command line into cmd. Every long option is also a key of
 * the configuration file, so both go through settings_set. */
static int
parse_options(int argc, char **argv, struct settings *cmd, const char **config, int *done)
{
	enum { OPT_XSLT_DIR = 256, OPT_DUMP, OPT_TIMEOUT, OPT_MAX_SIZE, OPT_KEEP, OPT_FORCE,
	    OPT_WAIT, OPT_ONLY };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "config", required_argument, NULL, 'c' },
		{ "topic", required_argument, NULL, 't' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "only", required_argument, NULL, OPT_ONLY },
		{ "stylesheet", required_argument, NULL, 's' },
		{ "xslt-dir", required_argument, NULL, OPT_XSLT_DIR },
		{ "keep", required_argument, NULL, OPT_KEEP },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "wait", no_argument, NULL, OPT_WAIT },
		{ "dump", no_argument, NULL, OPT_DUMP },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c, index, rc = UP_OK;

	/* getopt_long's own messages name the option exactly (a short one
	 * inside a group, "--force=yes", an ambiguous abbreviation); they
	 * start with argv[0], which nothing else reads: make it "unplanet". */
	static char name[] = "unplanet";

	*done = 0;
	argv[0] = name;
	while ((c = getopt_long(argc, argv, "o:b:c:t:x:s:j:qvhV", longopts, &index)) != -1) {
		const char *key = NULL, *value = optarg;
		char *why = NULL;

		switch (c) {
		case 'c':
			/* Not two read one over the other: which of their keys
			 * would win is no rule a reader of either file sees. */
			if (*config != NULL) {
				rc = usage_error("%s", "--config given twice: one configuration file per run");
				goto done;
			}
			*config = optarg;
			continue;
		case 'h':
		case 'V':
			if (c == 'h')
				fputs(usage_text, stdout);
			else
				printf("unplanet %s\n", VERSION);
			*done = 1;
			if (fflush(stdout) != 0 || ferror(stdout)) {
				fprintf(stderr, "unplanet: cannot write to standard output: %s\n", strerror(errno));
				rc = UP_EIO;
			}
			goto done;
		case 'q':
		case 'v':
			/* The last of -q and -v wins. */
			cmd->quiet = c == 'q';
			cmd->verbose = c == 'v';
			continue;
		case '?':
			/* getopt_long has said what is wrong. */
			fputs("Try 'unplanet --help' for more information.\n", stderr);
			rc = UP_EUSAGE;
			goto done;
		case 'o': key = "output"; break;
		case 'b': key = "base-url"; break;
		case 't': key = "topic"; break;
		case 'x': key = "exclude"; break;
		case 's': key = "stylesheet"; break;
		case 'j': key = "jobs"; break;
		default:
			key = longopts[index].name;
			if (longopts[index].has_arg == no_argument)
				value = "yes";
		}
		if (settings_set(cmd, key, value, &why) != 0) {
			rc = setting_error(key, why);
			goto done;
		}
	}
	if (optind < argc - 1) {
		rc = usage_error("%s", "only one SOURCE may be given");
	} else if (optind == argc - 1) {
		char *why = NULL;

		if (settings_set(cmd, "source", argv[optind], &why) != 0)
			rc = setting_error(NULL, why);
		else
			free(why);
	}
done:
	return rc;
}

/* The stylesheet folder, in *dir: --xslt-dir; else the first of these
 * holding atom.xsl: beside the program, xslt/ (a source tree) or
 * ../share/unplanet/xslt (an install under any PREFIX or DESTDIR), then the
 * folder compiled in. None holding it (a program copied away from its
 * stylesheets) is UP_ENOINPUT, saying where they are looked for. */
static int
find_xslt_dir(const char *given, char **dir, char **err)
{
	static const char *const beside[] = { "/xslt", "/../share/unplanet/xslt" };
	char self[PATH_MAX];
	ssize_t n;
	size_t i;
	char *slash;
	int rc = UP_OK;

	/* A path that fills self may be cut short: then it is not used. */
	if (given == NULL && (n = readlink("/proc/self/exe", self, sizeof self - 1)) > 0 &&
	    (size_t)n < sizeof self - 1) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL)
			*slash = '\0';
		for (i = 0; slash != NULL && i < sizeof beside / sizeof beside[0]; i++) {
			struct buf b = { 0 };

			if (buf_adds(&b, self) == 0 && buf_adds(&b, beside[i]) == 0 &&
			    buf_adds(&b, "/atom.xsl") == 0 && access(b.data, R_OK) == 0) {
				b.len -= strlen("/atom.xsl");
				*dir = buf_take(&b);
				rc = *dir != NULL ? UP_OK : err_nomem(err);
				goto done;
			}
			buf_free(&b);
		}
	}
	if (given == NULL && access(XSLTDIR "/atom.xsl", R_OK) != 0) {
		rc = err_set(err, UP_ENOINPUT, "%s/atom.xsl: cannot read stylesheet: %s (the built-in stylesheets "
		    "are found beside the program, in xslt/ or ../share/unplanet/xslt/, else in %s: run make "
		    "install, or give their folder with --xslt-dir)", XSLTDIR, strerror(errno), XSLTDIR);
		goto done;
	}
	*dir = strdup(given != NULL ? given : XSLTDIR);
	rc = *dir != NULL ? UP_OK : err_nomem(err);
done:
	return rc;
}

static long
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)((now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000);
}

static unsigned long long
hash_string(unsigned long long h, const char *s)
{
	return text_hash(h, s != NULL ? s : "", s != NULL ? strlen(s) + 1 : 1);
}

static unsigned long long
hash_patterns(unsigned long long h, struct pattern *const *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = hash_string(h, pattern_text(p[i]));
	return hash_string(h, "\x01");
}

/* A fingerprint of everything besides the page that shapes the output: the
 * stylesheets, and the settings that reach the feeds. A conditional GET
 * is only sent when it equals the one the validators were stored with, or
 * a new topic would wait for the Planet to change. */
static void
settings_fingerprint(const struct settings *s, const struct writer *w, char out[17])
{
	unsigned long long h = hash_string(TEXT_HASH_INIT, writer_fingerprint(w));
	char keep[32];
	size_t i;

	snprintf(keep, sizeof keep, "%ld", s->keep);
	h = hash_string(hash_string(h, s->base_url), keep);
	for (i = 0; i < s->n_topics; i++) {
		const struct topic *t = &s->topics[i];

		h = hash_string(hash_string(hash_string(hash_string(h, t->name), t->slug), t->title), t->description);
		h = hash_patterns(hash_patterns(h, t->match, t->n_match), t->exclude, t->n_exclude);
	}
	h = hash_patterns(hash_patterns(h, s->exclude, s->n_exclude), s->only, s->n_only);
	for (i = 0; i < s->n_sources; i++) {
		const struct source_rule *r = &s->sources[i];

		h = hash_string(hash_string(hash_string(h, r->name), r->link), r->title);
		h = hash_string(hash_string(h, r->slug), r->description);
	}
	snprintf(out, 17, "%016llx", h);
}

/* libxml2 2.9 and libxslt do not always survive running out of memory:
 * a node or an attribute can go missing with the call still succeeding,
 * and the HTML parser can loop for ever once an allocation failed. Their
 * every allocation goes through these, and the first that fails ends the
 * run at once, with status 70: nothing has been renamed into the output
 * folder yet (that comes after the last transform), the lock goes with
 * the process, and a temporary file or an empty folder left behind is
 * swept or reused by the next run. */
static void
xml_out_of_memory(void)
{
	static const char msg[] = "unplanet: out of memory\n";

	(void)!write(STDERR_FILENO, msg, sizeof msg - 1);
	_exit(UP_ESOFTWARE);
}

static void *
xml_malloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL)
		xml_out_of_memory();
	return p;
}

static void *
xml_realloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL && n > 0)   /* realloc(p, 0) frees p and may give NULL */
		xml_out_of_memory();
	return q;
}

static char *
xml_strdup(const char *s)
{
	char *copy = strdup(s);

	if (copy == NULL)
		xml_out_of_memory();
	return copy;
}

/* libxml2 reports I/O errors itself; ours already say what failed. */
static void
silent(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

/* Prints each line of lines as a warning. */
static void
warn_lines(const char *lines)
{
	const char *end;

	for (; *lines != '\0'; lines = *end != '\0' ? end + 1 : end) {
		end = strchrnul(lines, '\n');
		say("warning: %.*s", (int)(end - lines), lines);
	}
}

/* libxml2's output callback for --dump: all of buf to standard output, or
 * -1 with the reason in *failed. Each write waits for room first
 * (err_wait), so a stop (Ctrl-C at a pager that stopped reading) ends it
 * wherever it comes, and a non-blocking pipe (a parent's, as Node hands
 * over) is waited on too. */
static int
dump_write(void *failed, const char *buf, int len)
{
	size_t done = 0;

	while (done < (size_t)len) {
		size_t want = (size_t)len - done < PIPE_BUF ? (size_t)len - done : PIPE_BUF;
		ssize_t n = err_wait(STDOUT_FILENO, POLLOUT) == 0 ? write(STDOUT_FILENO, buf + done, want) : -1;

		if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) && err_stop == 0)
			continue;
		if (n < 0) {
			*(int *)failed = errno;
			return -1;
		}
		done += (size_t)n;
	}
	return len;
}

static int
dump(const struct feed_set *set, const struct group_options *gopt, char **err)
{
	xmlDocPtr doc = feed_set_document(set, gopt);
	xmlOutputBufferPtr out;
	int failed = 0, rc = UP_OK;

	xmlSetGenericErrorFunc(NULL, silent);
	if (doc == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	out = xmlOutputBufferCreateIO(dump_write, NULL, &failed, NULL);
	if (out == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	/* (It closes out, and fails when a write did, or memory ran out.) */
	if (xmlSaveFormatFileTo(out, doc, "UTF-8", 1) < 0) {
		/* A reader that stopped reading (--dump | head) ends the
		 * output as it ends any filter's: in silence. */
		if (failed == EPIPE) {
			signal(SIGPIPE, SIG_DFL);
			raise(SIGPIPE);
		}
		if (failed == EINTR && err_stop != 0)
			rc = err_stopped(err);
		else if (failed != 0)
			rc = err_set(err, UP_EIO, "standard output: write failed: %s", strerror(failed));
		else
			rc = err_nomem(err);
	}
	/* A stop asked for as the last bytes went: the run ends by it. */
	rc = err_if_stopped(rc, err);
done:
	xmlFreeDoc(doc);
	return rc;
}

/* Adds site page k, made from the directory document doc. When doc and
 * the stylesheets are what the last run used (reuse), a file that is there
 * is kept without transforming anything. */
static int
add_site_page(struct writer *w, size_t k, xmlDocPtr doc, int reuse, struct publish *pub, char **err)
{
	const char *relpath = writer_site_file(w, k);
	char *data = NULL;
	size_t len;
	int rc = UP_OK;

	if (reuse && publish_keep(pub, relpath))
		goto done;
	if ((rc = writer_apply_site(w, k, doc, &data, &len, err)) != UP_OK)
		goto done;
	rc = publish_add(pub, relpath, data, len, NULL, err);
	data = NULL;   /* publish_add took it, failing or not */
done:
	free(data);
	return rc;
}

/* Feeds recorded and whose files are made at once, on the threads
 * (--jobs): four per thread, enough to share out evenly; at most this
 * many. Their documents are all held meanwhile, not every feed's. */
#define WRITE_BATCH 32

/* One format's file of one feed. */
struct made {
	char *file;            /* its path in DIR; NULL: not to be made */
	struct writer_task *task;  /* readied on the calling thread */
	char *data;            /* its bytes, once made... */
	size_t len;
	char *said;            /* ...and what its stylesheet said, or NULL */
};

/* A feed of the batch: its record and document, made on one thread
 * (record_job), then its files, made on one thread too (make_files), so
 * that the transformations of one document never run at once. */
struct feed_files {
	size_t feed;           /* in the feed set */
	xmlDocPtr doc;
	char *bytes;           /* its record's (libxml2's; NULL: no memory)... */
	size_t len;
	int shrunk;            /* ...cut to fit (feed_record) */
	unsigned list;         /* the list of feeds whose files one thread makes */
	struct made *made;     /* one per format */
	int rc;                /* the first failure making them... */
	char *err;             /* ...and its message */
};

struct writing {
	struct feed_set *set;
	const struct group_options *gopt;
	struct writer *w;
	struct feed_files *batch;
	size_t n;              /* feeds in the batch */
	/* Each list's stylesheets, made the first time a list has files to
	 * make: list 0 uses the writer's own. */
	struct writer_styles *own[POOL_MAX_THREADS];
	int own_failed;        /* one could not be made: not tried again */
};

/* feed_record changes the feed it records (when it cuts its archive to
 * fit) and only reads the rest of the set. */
static int
record_job(void *ctx, void *state, size_t i)
{
	struct writing *wr = ctx;
	struct feed_files *ff = &wr->batch[i];

	(void)state;
	ff->bytes = feed_record(wr->set, ff->feed, wr->gopt, STATE_FILE_MAX, &ff->doc, &ff->len, &ff->shrunk);
	return 0;   /* (no memory: told apart in order, by bytes) */
}

/* Makes the files of list t's feeds, in order, up to the first that
 * fails. Returns 0 even then: every list runs to its end or its own first
 * failure (see write_feeds). */
static int
make_files(void *ctx, void *state, size_t t)
{
	struct writing *wr = ctx;
	size_t i, k;
	int failed = 0;

	(void)state;
	for (i = 0; !failed && i < wr->n; i++) {
		struct feed_files *ff = &wr->batch[i];

		if (ff->list != t)
			continue;   /* another list's, perhaps being made now */
		for (k = 0; ff->rc == UP_OK && k < writer_count(wr->w); k++) {
			struct made *m = &ff->made[k];

			if (m->task != NULL)
				ff->rc = writer_task_run(m->task, m->file, &m->data, &m->len, &m->said, &ff->err);
		}
		failed = ff->rc != UP_OK;
	}
	return 0;
}

/* Shares the batch's feeds out into lists, one per thread, each as long
 * as can be (by the size of their records, largest first, each to the
 * list that has least yet), and readies their transformations there, on
 * the calling thread (writer_task_new): the lists then run on their own,
 * each with its own stylesheets. Returns the number of lists. */
static int
ready_files(struct writing *wr, unsigned threads, unsigned *lists, char **err)
{
	size_t load[POOL_MAX_THREADS] = { 0 }, i, k, *order = NULL;
	unsigned t, n;
	int rc = UP_OK;

	n = threads < wr->n ? threads : (unsigned)wr->n;
	n = n > 0 ? n : 1;
	if ((order = malloc((wr->n + 1) * sizeof *order)) == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	for (i = 0; i < wr->n; i++)
		order[i] = i;
	/* Largest first (insertion sort: a batch is small); ties in order. */
	for (i = 1; i < wr->n; i++)
		for (k = i; k > 0 && wr->batch[order[k - 1]].len < wr->batch[order[k]].len; k--) {
			size_t swap = order[k];

			order[k] = order[k - 1];
			order[k - 1] = swap;
		}
	for (i = 0; i < wr->n; i++) {
		struct feed_files *ff = &wr->batch[order[i]];

		for (ff->list = 0, t = 1; t < n; t++)
			if (load[t] < load[ff->list])
				ff->list = t;
		load[ff->list] += ff->len + 1;
	}
	for (i = 0; rc == UP_OK && i < wr->n; i++) {
		struct feed_files *ff = &wr->batch[i];

		for (k = 0; rc == UP_OK && k < writer_count(wr->w); k++) {
			struct made *m = &ff->made[k];

			if (m->file == NULL)
				continue;
			/* A list whose copies cannot be made goes on the first,
			 * as do all, in this batch and the next, once one could
			 * not be made: the next would fail as it did. */
			if (ff->list > 0 && wr->own[ff->list] == NULL && !wr->own_failed &&
			    (wr->own[ff->list] = writer_styles_new(wr->w)) == NULL)
				wr->own_failed = 1;
			if (ff->list > 0 && wr->own[ff->list] == NULL)
				ff->list = 0;
			rc = writer_task_new(wr->w, wr->own[ff->list], k, ff->doc, &m->task, err);
		}
	}
done:
	*lists = n;
	free(order);
	return rc;
}

static void
feed_files_free(struct feed_files *ff, size_t n_formats)
{
	size_t k;

	/* The transformations first: libxslt's key tables (xsl:key) point
	 * into the document, and go with them. */
	for (k = 0; ff->made != NULL && k < n_formats; k++) {
		free(ff->made[k].file);
		writer_task_free(ff->made[k].task);
		free(ff->made[k].data);
		free(ff->made[k].said);
	}
	free(ff->made);
	xmlFreeDoc(ff->doc);
	xmlFree(ff->bytes);
	free(ff->err);
	memset(ff, 0, sizeof *ff);
}

/* Adds the record feed_record made for ff's feed to the publication, and
 * readies in ff the files its formats make of its document (all but
 * those that are there and would come out the same, when reuse). */
static int
add_record(struct writing *wr, struct feed_files *ff, int reuse, struct publish *pub, char **err)
{
	struct feed *f = &wr->set->feeds[ff->feed];
	int author = strcmp(f->kind, "author") == 0, same = 0, rc;
	char *docpath = buf_concat(author ? ARCHIVE_DIR "/" : CACHE_DIR "/topics/", f->slug, ".xml", NULL);
	size_t k, n_formats = writer_count(wr->w);

	if (ff->shrunk && ff->bytes != NULL && !wr->gopt->settings->quiet) {
		size_t held = feed_held_whole(f);

		if (held > 0)
			say("warning: %s: its archive would pass %u MiB; keeping its newest %zu entr%s "
			    "and %zu more that topics show", f->slug, STATE_FILE_MAX >> 20, f->n_shown,
			    f->n_shown == 1 ? "y" : "ies", held);
		else
			say("warning: %s: its archive would pass %u MiB; keeping its newest %zu entr%s",
			    f->slug, STATE_FILE_MAX >> 20, f->n_shown, f->n_shown == 1 ? "y" : "ies");
	}
	/* An archive this run could not read back would stop every later
	 * run. */
	if (docpath == NULL || ff->bytes == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	rc = publish_add(pub, docpath, ff->bytes, ff->len, &same, err);
	ff->bytes = NULL;   /* publish_add took it, failing or not */
	if (rc != UP_OK)
		goto done;
	if ((ff->made = calloc(n_formats + 1, sizeof *ff->made)) == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	for (k = 0; !f->hidden && k < n_formats; k++) {
		char *file = buf_concat(f->kind, "s/", f->slug, ".", writer_name(wr->w, k), NULL);

		if (file == NULL) {
			rc = err_nomem(err);
			goto done;
		}
		if (reuse && same && publish_keep(pub, file))
			free(file);
		else
			ff->made[k].file = file;
	}
done:
	free(docpath);
	return rc;
}

/* Adds the files made for ff (make_files) to the publication, or its
 * failure. */
static int
add_files(struct writing *wr, struct feed_files *ff, struct publish *pub, char **err)
{
	size_t k;
	int rc = UP_OK;

	if (ff->rc != UP_OK) {
		rc = ff->rc;
		*err = ff->err;
		ff->err = NULL;
	}
	for (k = 0; rc == UP_OK && k < writer_count(wr->w); k++) {
		struct made *m = &ff->made[k];

		if (m->file == NULL)
			continue;
		if (writer_tell(wr->w, k, m->file, m->said) != 0) {
			rc = err_nomem(err);
		} else {
			rc = publish_add(pub, m->file, m->data, m->len, NULL, err);
			m->data = NULL;   /* publish_add took it, failing or not */
		}
	}
	return rc;
}

/* Adds every format of every feed to the publication, with each author
 * feed's archive (also for feeds --only leaves without files). The files
 * are made from the feed's document, which is its archive but for the
 * entries --exclude hides: the same archive under the same settings makes
 * the same files. A batch of feeds at a time is recorded on the threads,
 * its records added in order, its files made on the threads, then added
 * in order: a run says and writes the same whatever their number. */
static int
write_feeds(struct feed_set *set, const struct group_options *gopt, struct writer *w,
    int same_stylesheets, struct publish *pub, char **err)
{
	struct feed_files batch[WRITE_BATCH];
	struct writing wr = { set, gopt, w, batch, 0, { NULL }, 0 };
	unsigned threads = (unsigned)gopt->settings->jobs, lists;
	size_t from, i, most = threads < WRITE_BATCH / 4 ? 4 * threads : WRITE_BATCH;
	int rc = UP_OK;

	memset(batch, 0, sizeof batch);
	for (from = 0; rc == UP_OK && from < set->n_feeds; from += wr.n) {
		wr.n = set->n_feeds - from < most ? set->n_feeds - from : most;
		for (i = 0; i < wr.n; i++)
			batch[i].feed = from + i;
		(void)pool_run(&(struct pool_jobs){ wr.n, &wr, NULL, NULL, record_job }, threads);
		for (i = 0; rc == UP_OK && i < wr.n; i++)
			rc = err_if_stopped(add_record(&wr, &batch[i], same_stylesheets, pub, err), err);
		if (rc == UP_OK)
			rc = ready_files(&wr, threads, &lists, err);
		/* Each list stops at its first failure only: every feed before
		 * the first that failed, in order, was made (by its list, or
		 * another, which failed later if at all), so that failure is
		 * the one a run on one thread meets. */
		if (rc == UP_OK)
			(void)pool_run(&(struct pool_jobs){ lists, &wr, NULL, NULL, make_files }, lists);
		/* Transforms take a while: none more once a stop came (seen
		 * here, as the calling thread takes the signals). */
		rc = err_if_stopped(rc, err);
		for (i = 0; rc == UP_OK && i < wr.n; i++)
			rc = add_files(&wr, &batch[i], pub, err);
		for (i = 0; i < wr.n; i++)
			feed_files_free(&batch[i], writer_count(w));
	}
	for (i = 1; i < POOL_MAX_THREADS; i++)
		writer_styles_free(wr.own[i]);
	return rc;
}

/* How many entries --exclude hid when it hid every one of the author
 * feeds and one of its patterns matches an empty text (as "^Quiz:|", with
 * its stray '|', does: so it matches every entry), else 0. */
static size_t
exclude_hides_all(const struct feed_set *set, const struct settings *s)
{
	size_t i, hidden = 0;
	int empty = 0;

	for (i = 0; i < s->n_exclude && !empty; i++)
		empty = pattern_match(s->exclude[i], "", 0) == 1;
	for (i = 0; empty && i < set->n_feeds; i++) {
		if (strcmp(set->feeds[i].kind, "author") != 0)
			continue;
		if (set->feeds[i].n_members > 0)
			return 0;
		hidden += set->feeds[i].n_excluded_all;
	}
	return hidden;
}

/* How many author feeds there are when --only left out every one, else 0. */
static size_t
only_lets_none(const struct feed_set *set)
{
	size_t i, authors = 0;

	for (i = 0; i < set->n_feeds; i++) {
		if (strcmp(set->feeds[i].kind, "author") != 0)
			continue;
		if (!set->feeds[i].hidden) {
			authors = 0;
			break;
		}
		authors++;
	}
	return authors;
}

/* Warns of each author feed new to DIR that most likely continues an
 * archived one under a new name or at a new site (feeds_renamed_from).
 * Once only, as the next run finds the new feed archived. -1 when memory
 * runs out. */
static int
warn_renamed(const struct feed_set *set)
{
	size_t i, k, *from = NULL;
	int rc = -1;

	if (feeds_renamed_from(set, &from) != 0)
		goto done;
	for (i = 0; i < set->n_feeds; i++) {
		const struct feed *f = &set->feeds[i], *g;
		const struct entry *now, *was;
		int moved;

		if ((k = from[i]) == set->n_feeds)
			continue;
		g = &set->feeds[k];
		now = f->members[0].entry;
		was = g->members[0].entry;
		/* Moved: the same name at another site; else renamed. */
		moved = strcmp(now->source_name, was->source_name) == 0;
		say("warning: source '%s' is new on the page %s%s%s%s%s: if %s, its subscribers stay on authors/%s.*; "
		    "to go on in that feed, give both the same slug: [source %s] with link = %s and slug = %s, "
		    "and [source %s] with link = %s and slug = %s%s%s%s", now->source_name,
		    moved ? "at " : "with the site of '", moved ? now->source_link : was->source_name,
		    moved ? ", and the one of that name at " : "' (", moved ? was->source_link : now->source_link,
		    moved ? " is no longer on it" : "), which is no longer on it",
		    moved ? "it moved" : "the Planet renamed it", g->slug, was->source_name, was->source_link,
		    g->slug, now->source_name, now->source_link, g->slug, f->hidden ? " (and let --only match '" : "",
		    f->hidden ? now->source_name : "", f->hidden ? "' too)" : "");
	}
	rc = 0;
done:
	free(from);
	return rc;
}

/* Adds the site pages (index.html, the OPML lists), made from the
 * directory document. */
static int
write_site(const struct feed_set *set, const struct group_options *gopt, struct writer *w,
    int same_stylesheets, struct state *state, struct publish *pub, char **err)
{
	struct format_info *formats;
	xmlDocPtr doc = NULL;
	size_t i, n = writer_count(w);
	int rc = UP_OK, same = 0;

	formats = calloc(n ? n : 1, sizeof *formats);
	if (formats == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	for (i = 0; i < n; i++) {
		formats[i].name = writer_name(w, i);
		formats[i].media_type = writer_media_type(w, i);
	}
	/* The last list, for the lists' date (a list not there, or damaged,
	 * is none: this run writes one). */
	if ((rc = state_load_listed(publish_dirfd(pub), ".", state, err)) == UP_ESOFTWARE)   /* no memory */
		goto done;
	if (rc != UP_OK)
		state->listed_updated = -1;
	free(*err);
	*err = NULL;
	rc = UP_OK;
	doc = directory_document(set, gopt, formats, n, state);
	if (doc != NULL) {
		size_t len;
		char *bytes = group_document_bytes(doc, &len);

		rc = bytes != NULL ? publish_add(pub, DIRECTORY_FILE, bytes, len, &same, err) : err_nomem(err);
	} else {
		rc = err_nomem(err);
	}
	for (i = 0; rc == UP_OK && i < writer_site_count(w); i++) {
		const char *lists = writer_site_lists(w, i);
		size_t k, listed = 0;

		for (k = 0; lists != NULL && k < set->n_feeds; k++)
			listed += !set->feeds[k].hidden && (lists[0] == '\0' || strcmp(set->feeds[k].kind, lists) == 0);
		/* A list with nothing in it is not made, and one an earlier run
		 * made goes rather than go on naming feeds that went away. */
		if (lists != NULL && listed == 0)
			rc = publish_remove(pub, writer_site_file(w, i), err);
		else
			rc = add_site_page(w, i, doc, same_stylesheets && same, pub, err);
	}
done:
	xmlFreeDoc(doc);
	free(formats);
	return rc;
}

/* What the last run left for readers that is no longer in the folder
 * (deleted, or made a link; an empty file counts as there, as a
 * stylesheet may write nothing): *missing says what (malloc'd), or is
 * NULL when every file is there: each format of each feed its directory
 * document lists, and the site pages it made. A 304 would leave such a
 * file missing until the page changes, so the run asks for the page
 * without validators instead. The directory document damaged or gone
 * counts as missing too: it is made again from the page. */
static int
find_missing(struct publish *pub, const struct writer *w, struct state *state, const char *dir,
    char **missing, char **err)
{
	char *file = NULL;
	size_t i, k;
	int rc;

	*missing = NULL;
	if ((rc = state_load_listed(publish_dirfd(pub), dir, state, err)) == UP_EDATA) {
		/* Not "corrupt, not replaced", as *err says: it will be. */
		free(*err);
		*err = NULL;
		rc = (*missing = buf_concat(dir, "/" DIRECTORY_FILE, " is missing or not as unplanet writes it",
		    NULL)) != NULL ? UP_OK : err_nomem(err);
	}
	for (i = 0; rc == UP_OK && *missing == NULL && i < state->n_listed; i++) {
		for (k = 0; rc == UP_OK && *missing == NULL && k < writer_count(w); k++) {
			if ((file = buf_concat(state->listed[i], ".", writer_name(w, k), NULL)) == NULL ||
			    (!publish_has(pub, file, 1) && (*missing = buf_concat(dir, "/", file, " is missing", NULL)) == NULL))
				rc = err_nomem(err);
			free(file);
		}
	}
	for (i = 0; rc == UP_OK && *missing == NULL && i < writer_site_count(w); i++) {
		const char *lists = writer_site_lists(w, i), *page = writer_site_file(w, i);
		size_t listed = 0;

		/* A list is made when it has a feed to list (write_site). */
		for (k = 0; lists != NULL && k < state->n_listed; k++)
			listed += strncmp(state->listed[k], lists, strlen(lists)) == 0;
		if ((lists == NULL || listed > 0) && !publish_has(pub, page, 1) &&
		    (*missing = buf_concat(dir, "/", page, " is missing", NULL)) == NULL)
			rc = err_nomem(err);
	}
	if (rc != UP_OK) {
		free(*missing);
		*missing = NULL;
	}
	return rc;
}

/* state.xml's bytes: the validators, fingerprints, the page's time,
 * topic slugs: this
 * run's topics, then the slugs of earlier runs' topics that no topic has
 * now (a topic no longer configured, or one a rule moved), whose files are
 * still there and keep them; and the author feeds' slugs, which tell a
 * feed that holds several which it had last. */
static int
save_state(const struct feed_set *set, const struct state *old, time_t page_updated, const char *url,
    const struct fetched *fetched, const char *settings, const char *fingerprint, char **data, size_t *len,
    char **err)
{
	struct state_topic *topics = calloc(set->n_feeds + old->n_topics + 1, sizeof *topics);
	const char **authors = calloc(set->n_feeds + 1, sizeof *authors);
	size_t i, k, n = 0, current, n_authors = 0;
	int rc;

	if (topics == NULL || authors == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	for (i = 0; i < set->n_feeds; i++) {
		if (strcmp(set->feeds[i].kind, "author") == 0)
			authors[n_authors++] = set->feeds[i].slug;
		if (strcmp(set->feeds[i].kind, "topic") != 0)
			continue;
		topics[n].name = set->feeds[i].subtitle;   /* a topic's name */
		topics[n].updated = feed_updated(&set->feeds[i]);
		topics[n++].slug = set->feeds[i].slug;
	}
	for (current = n, i = 0; i < old->n_topics; i++) {
		for (k = 0; k < current && strcmp(topics[k].slug, old->topics[i].slug) != 0; k++)
			;
		if (k == current)
			topics[n++] = old->topics[i];
	}
	rc = state_serialize(url, fetched->etag, fetched->last_modified, settings, fingerprint, set->id_name,
	    page_updated, topics, n, authors, n_authors, data, len, err);
done:
	free(topics);
	free(authors);
	return rc;
}

static int
run(const struct settings *s, char **err)
{
	/* Every folder unplanet writes in: a killed run's leftovers go from
	 * each, even when this run writes nothing there. */
	static const char *const layout[] = { "", "authors", "topics", STATE_DIR, ARCHIVE_DIR, CACHE_DIR,
	    CACHE_DIR "/topics" };
	/* Up to 1024G fits a 64-bit size_t; where size_t is 32 bits, "as
	 * much as memory holds" is the nearest limit, not a wrapped one. */
	struct fetch_options fopt = { s->timeout,
		(unsigned long long)s->max_size > SIZE_MAX ? SIZE_MAX : (size_t)s->max_size, NULL, NULL };
	struct group_options gopt = { s->base_url, (size_t)s->keep, time(NULL), s, 0 };
	struct writer *w = NULL;
	struct fetched *fetched = NULL;
	struct page *page = NULL;
	struct state *state = NULL;
	const struct state *known;   /* the archive read_page takes posts from, or NULL */
	struct feed_set *set = NULL;
	struct publish *pub = NULL;
	struct publish_stats stats = { 0, 0 };
	struct timespec start;
	char *xslt_dir = NULL, *state_bytes = NULL, *url = NULL, *missing = NULL, fingerprint[17] = "";
	size_t state_len = 0, left_out, i;
	const char *name = strcmp(s->source, "-") == 0 ? "<stdin>" : s->source;
	int rc, same_settings, same_stylesheets, same_page;   /* same_page: the state's page is this one */
	int looked = 0, older;   /* find_missing ran; the page is an older copy to pass over */
	time_t page_time;

	clock_gettime(CLOCK_MONOTONIC, &start);
	/* A URL's user:password is for the server alone: messages and the
	 * state name the URL without it. */
	if (fetch_is_url(s->source)) {
		if ((url = fetch_public_url(s->source)) == NULL) {
			rc = err_nomem(err);
			goto done;
		}
		name = url;
	}
	if (!s->dump) {
		/* Stylesheet mistakes show before anything is fetched. */
		rc = find_xslt_dir(s->xslt_dir, &xslt_dir, err);
		if (rc == UP_OK)
			rc = writer_new(xslt_dir, s->xslt_dir_at, (const char *const *)s->stylesheets,
			    (const char *const *)s->stylesheets_at, s->n_stylesheets, &w, err);
		if (rc != UP_OK)
			goto done;
		if (writer_warnings(w) != NULL && !s->quiet)
			warn_lines(writer_warnings(w));
		/* Lock the folder before reading its state, and hold it until the
		 * new state is in place. */
		rc = publish_begin(s->output, s->wait, &pub, err);
		/* A config file's relative path is read from the current
		 * folder, which cron's is not: say which line gave it. */
		if (rc == UP_ECANTCREAT)
			rc = err_at(s->output_at, rc, err);
		for (i = 0; rc == UP_OK && i < sizeof layout / sizeof *layout; i++)
			rc = publish_sweep(pub, layout[i], err);
		if (rc == UP_OK)
			rc = state_load(publish_dirfd(pub), s->output, &state, err);
		if (rc != UP_OK)
			goto done;
		settings_fingerprint(s, w, fingerprint);
		if (!s->force && state->url != NULL && url != NULL && strcmp(state->url, url) == 0 &&
		    state->settings != NULL && strcmp(state->settings, fingerprint) == 0) {
			if ((rc = find_missing(pub, w, state, s->output, &missing, err)) != UP_OK)
				goto done;
			looked = 1;
			if (missing == NULL) {
				fopt.etag = state->etag;
				fopt.last_modified = state->last_modified;
			} else if (s->verbose) {
				say("%s: %s: asking for the page without a conditional request", name, missing);
			}
		}
	} else if ((rc = writer_check_names((const char *const *)s->stylesheets,
	    (const char *const *)s->stylesheets_at, s->n_stylesheets, err)) != UP_OK) {
		goto done;   /* --dump loads no stylesheet, but says what a run would of their names */
	}
	rc = fetch_source(s->source, &fopt, &fetched, err);
	if (rc == UP_ENOINPUT || rc == UP_EUSAGE)   /* as for the output folder */
		rc = err_at(s->source_at, rc, err);
	if (rc != UP_OK)
		goto done;
	if (fetched->not_modified) {
		/* Nothing to write, but a killed run's leftovers still go: the
		 * page may answer 304 for days. */
		rc = publish_commit(pub, (unsigned)s->jobs, &stats, err);
		if (rc != UP_OK)
			goto done;
		if (s->verbose)
			say("%s: not modified, 0 files written, %ld ms", name,
			    elapsed_ms(&start));
		goto done;
	}
	/* The archive is read only now: an unchanged page costs no parsing of
	 * every feed's history. */
	if (!s->dump && (rc = state_load_archive(publish_dirfd(pub), s->output, state, err)) != UP_OK)
		goto done;
	/* What is wrong with the page is wrong where the redirects led.
	 * Posts read before are taken from the archive, but for --force
	 * (which reads everything again) and when a pattern needs a post's
	 * text as reading it gives it. */
	known = s->force || s->n_topics > 0 || s->n_exclude > 0 ? NULL : state;
	rc = read_page(fetched->data, fetched->len, fetched->shown != NULL ? fetched->shown : name, fetched->url,
	    fetched->charset, known, 1, (unsigned)s->jobs, &page, err);
	rc = err_if_stopped(rc, err);   /* parsing a large page takes a while */
	if (rc != UP_OK)
		goto done;
	/* A page older than one already read (a stale cache or mirror, a
	 * backup) would undo its edits, then the next page would make them
	 * again: it is passed over, as not modified, when the same source
	 * under the same settings made the files (else the files wait for
	 * what changed), or a run killed part way may have published some
	 * (its state, written first, has the newer page's time and no
	 * fingerprint). A time read ahead of this machine's clock is no
	 * guide: the Planet's clock was set back. */
	same_page = !s->dump &&   /* --dump reads no state */
	    (url != NULL ? state->url != NULL && strcmp(state->url, url) == 0 : state->url == NULL);
	older = !s->dump && !s->force && page->updated != -1 && state->page_updated != -1 &&
	    page->updated < state->page_updated && state->page_updated <= time(NULL) &&
	    (state->fingerprint == NULL || strcmp(state->fingerprint, fingerprint) == 0) && same_page;
	/* But a file deleted since is made again, from the archive and the
	 * posts it lacks (as below): a stale mirror may serve that copy for
	 * days. */
	if (older && !looked && (rc = find_missing(pub, w, state, s->output, &missing, err)) != UP_OK)
		goto done;
	if (older && missing != NULL && s->verbose)
		say("%s: an older copy of the page, read all the same: %s", name, missing);
	if (older && missing == NULL) {
		rc = publish_commit(pub, (unsigned)s->jobs, &stats, err);
		/* Said but under -q: a page saved by hand and given on purpose
		 * (history filled in from old copies) would be passed over in
		 * silence. */
		if (rc == UP_OK && !s->quiet) {
			char was[DATE_MAX], now[DATE_MAX];

			date_planet(page->updated, now);
			date_planet(state->page_updated, was);
			say("warning: %s: an older copy of the page (last update %s; the last read "
			    "was %s): nothing written; --force reads it", name, now, was);
			if (s->verbose)
				say("%s: an older copy of the page, 0 files written, %ld ms", name,
				    elapsed_ms(&start));
		}
		goto done;
	}
	/* Read all the same (new settings, another source): an older copy
	 * still brings the posts the archive lacks, but no post's older text. */
	gopt.page_older = !s->dump && !s->force && page->updated != -1 && state->page_updated != -1 &&
	    page->updated < state->page_updated && state->page_updated <= time(NULL);
	rc = group_page(page, state, &gopt, &set, err);
	/* A post taken from the archive without its content (kept slim,
	 * past --keep) that a feed shows now (--keep grew, a [source] rule
	 * merged feeds...): the page is read again, such posts whole. */
	if (rc == UP_OK && feed_set_lacks_content(set)) {
		feed_set_free(set);
		set = NULL;
		page_free(page);
		page = NULL;
		rc = read_page(fetched->data, fetched->len, fetched->shown != NULL ? fetched->shown : name,
		    fetched->url, fetched->charset, known, 0, (unsigned)s->jobs, &page, err);
		if (rc == UP_OK)
			rc = group_page(page, state, &gopt, &set, err);
	}
	rc = err_if_stopped(rc, err);   /* so does matching topics */
	if (rc != UP_OK)
		goto done;
	if (page->n_cut > 0 && !s->quiet)
		say("warning: %s:%zu: %zu post%s too large to copy whole: past elements nested "
		    "%d deep, %d elements, %d HTML errors, %d attributes on an element or %d in all, the rest is "
		    "dropped; a post over %u bytes of HTML is replaced by a link to it",
		    fetched->url != NULL ? fetched->url : name, page->first_cut_line, page->n_cut,
		    page->n_cut == 1 ? "" : "s", HTML_MAX_DEPTH, HTML_MAX_ELEMENTS, HTML_MAX_ERRORS,
		    HTML_MAX_ATTRIBUTES, HTML_MAX_ALL_ATTRIBUTES, CONTENT_MAX);
	/* The entries hold all that is needed now: the page's bytes can go
	 * before the outputs pile up. */
	free(fetched->data);
	fetched->data = NULL;
	for (i = 0; i < set->n_unmatched && !s->quiet; i++) {
		const struct unmatched_rule *u = &set->unmatched[i];
		const char *where;

		if (u->shadow != NULL) {
			say("warning: %s: [source %s] applies to no source: the section at %s "
			    "takes them first", u->rule->at, u->rule->name, u->shadow->at);
			continue;
		}
		where = s->dump ? " (--dump reads no archive)" : " or in the archive";
		if (u->link_seen != NULL)
			say("warning: %s: [source %s] matches no source on the page%s: its link is %s, the source of "
			    "that name links to %s", u->rule->at, u->rule->name, where, u->rule->link, u->link_seen);
		else if (u->name_seen != NULL)
			say("warning: %s: [source %s] matches no source on the page%s: names match exactly; did you "
			    "mean [source %s]?", u->rule->at, u->rule->name, where, u->name_seen);
		else
			say("warning: %s: [source %s] matches no source on the page%s: a typo (names match exactly, "
			    "case included), or a name no longer in use, whose section can go", u->rule->at,
			    u->rule->name, where);
	}
	if (!s->dump && !s->quiet && warn_renamed(set) != 0) {
		rc = err_nomem(err);
		goto done;
	}
	if (s->n_only > 0 && !s->quiet && (left_out = only_lets_none(set)) > 0)
		say("warning: --only matches no source (%zu %s): no author feeds are %s", left_out,
		    s->dump ? "on the page; --dump reads no archive" : "on the page and in the archive",
		    s->dump ? "shown" : "written");
	if (s->n_exclude > 0 && !s->quiet && (left_out = exclude_hides_all(set, s)) > 0)
		say("warning: --exclude hides every entry (%zu): a pattern matches an empty text (a stray "
		    "'|'?), so every entry", left_out);
	if (set->match_failures > 0 && !s->quiet)
		say("warning: %zu pattern matches gave up or were not tried (a pattern that gives up 3 times is "
		    "tried no more), first of '%s', for %s; those entries were taken as not matching",
		    set->match_failures, pattern_text(set->gave_up), pattern_failure(set->gave_up));
	if (s->dump) {
		rc = dump(set, &gopt, err);
		goto done;
	}
	/* Files made by the same stylesheets from the same documents are the
	 * same: an unchanged run only compares documents. Under the same
	 * settings too (their fingerprint covers the stylesheets'): a feed
	 * --only left out had its archive updated but no files made from it,
	 * and must get them once it is let in again. */
	same_settings = state->fingerprint != NULL && strcmp(state->fingerprint, fingerprint) == 0;
	same_stylesheets = !s->force && same_settings;
	/* The page's time, kept in every state this run writes: else the one
	 * kept (a page that shows none), and the one kept when later (an
	 * older copy read under new settings: the next copy must still be
	 * newer than the newest read; but not under --force, which takes the
	 * page as it is, a Planet restored from a backup, say). */
	page_time = page->updated != -1 ? page->updated : state->page_updated;
	if (!s->force && same_page && state->page_updated > page_time && state->page_updated <= time(NULL))
		page_time = state->page_updated;
	rc = write_feeds(set, &gopt, w, same_stylesheets, pub, err);
	if (rc == UP_OK)
		rc = write_site(set, &gopt, w, same_stylesheets, state, pub, err);
	/* Files are about to change that the records (archive, caches) will
	 * describe only at the end of the commit: the state stops claiming
	 * that the files match the records first, and stops offering its
	 * validators (a 304 would keep the files). Else a run killed (or
	 * failing) part way, then a switch back to the old page or settings,
	 * would find the old records, take the files for theirs, and keep
	 * them. (A deleted file made again needs none of this: nothing else
	 * changed.) */
	if (rc == UP_OK && state->fingerprint != NULL && (!same_settings || (publish_changes_outputs(pub) &&
	    (publish_changes_under(pub, ARCHIVE_DIR) || publish_changes_under(pub, CACHE_DIR))))) {
		rc = state_serialize(url, NULL, NULL, NULL, NULL, state->planet, page_time, state->topics,
		    state->n_topics, (const char *const *)state->authors, state->n_authors, &state_bytes, &state_len, err);
		if (rc == UP_OK)
			rc = publish_add_first(pub, STATE_FILE, state_bytes, state_len, err);
		state_bytes = NULL;
	}
	/* The state goes last: a run killed before it leaves the old
	 * validators and fingerprint, so the next run redoes what is missing. */
	if (rc == UP_OK)
		rc = save_state(set, state, page_time, url, fetched, fingerprint, fingerprint, &state_bytes,
		    &state_len, err);
	if (rc == UP_OK) {
		rc = publish_add(pub, STATE_FILE, state_bytes, state_len, NULL, err);
		state_bytes = NULL;
	}
	/* A folder never written before may be someone's web site. */
	if (rc == UP_OK)
		rc = publish_refuse_strangers(pub, STATE_DIR, err);
	if (rc == UP_OK)
		rc = publish_commit(pub, (unsigned)s->jobs, &stats, err);
	if (rc != UP_OK)
		goto done;
	if (writer_said(w) != NULL && !s->quiet)
		warn_lines(writer_said(w));
	if (s->verbose) {
		size_t topics = 0;

		for (i = 0; i < set->n_feeds; i++)
			topics += strcmp(set->feeds[i].kind, "topic") == 0;
		say("%s: %zu bytes, %zu entr%s, %zu source%s, %zu topic%s, "
		    "%zu file%s written, %zu unchanged, %ld ms", name, fetched->len,
		    set->page_entries, set->page_entries == 1 ? "y" : "ies",
		    set->n_feeds - topics, set->n_feeds - topics == 1 ? "" : "s", topics, topics == 1 ? "" : "s",
		    stats.written, stats.written == 1 ? "" : "s", stats.unchanged, elapsed_ms(&start));
	}
done:
	publish_free(pub);
	feed_set_free(set);
	state_free(state);
	page_free(page);
	fetched_free(fetched);
	writer_free(w);
	free(state_bytes);
	free(xslt_dir);
	free(url);
	free(missing);
	return rc;
}

/* A standard descriptor the caller closed (cron lines with 2>&-) would be
 * taken by the first file opened, and a message or --dump would land in a
 * feed being written. Each is held by /dev/null opened the wrong way
 * round, so that using it still fails as using a closed one does. */
static void
hold_standard_fds(void)
{
	int fd;

	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF)
			(void)open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
}

/* Notes a stop asked for (err.h's err_stop): the run undoes what it
 * started, then ends by the same signal. */
static void
on_stop(int sig)
{
	/* A second one (Ctrl-C again) ends the run at once, as SIGKILL
	 * would: only complete files, and leftovers for the next run. */
	if (err_stop != 0) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
	err_stop = sig;
}

/* SIGINT, SIGTERM and SIGHUP to on_stop, unless ignored already (nohup,
 * a job started in the background), and with no SA_RESTART, so that a
 * wait (the lock, standard input) ends. */
static void
catch_stops(void)
{
	static const int stops[] = ERR_STOP_SIGNALS;
	struct sigaction was, now;
	size_t i;

	memset(&now, 0, sizeof now);
	now.sa_handler = on_stop;
	sigemptyset(&now.sa_mask);
	for (i = 0; i < sizeof stops / sizeof *stops; i++)
		if (sigaction(stops[i], NULL, &was) == 0 && was.sa_handler != SIG_IGN)
			sigaction(stops[i], &now, NULL);
}

int
main(int argc, char **argv)
{
	struct settings cmd, file;
	const char *config = NULL;
	char *err = NULL;
	int rc, done = 0;

	hold_standard_fds();
	/* A file size limit (ulimit -f) then fails the write that passes it
	 * (EFBIG), which is reported and cleaned up, instead of killing the
	 * run silently with its temporary files left behind. */
	signal(SIGXFSZ, SIG_IGN);
	/* A reader gone from a pipe (a log reader that died under cron)
	 * makes a write fail with EPIPE instead of killing the run in silence
	 * part way: a warning that cannot be said stops nothing. */
	signal(SIGPIPE, SIG_IGN);
	catch_stops();
	/* Before libxml2 allocates anything. */
	xmlMemSetup(free, xml_malloc, xml_realloc, xml_strdup);
	settings_init(&cmd);
	settings_init(&file);
	rc = parse_options(argc, argv, &cmd, &config, &done);
	if (rc != UP_OK || done)
		goto out;
	if (config != NULL) {
		rc = config_read(config, &file, &err);
		if (rc != UP_OK) {
			if (!err_stop_taken)
				print_message(err != NULL ? err : "out of memory");
			goto out;
		}
	}
	if ((config != NULL && settings_merge(&cmd, &file) != 0) || settings_finish(&cmd) != 0) {
		fprintf(stderr, "unplanet: out of memory\n");
		rc = UP_ESOFTWARE;
		goto out;
	}
	if (cmd.source == NULL) {
		rc = usage_error("%s", config != NULL ? "missing SOURCE (on the command line or as 'source' in [unplanet])"
						      : "missing SOURCE (a URL, a file, or -)");
		goto out;
	}
	LIBXML_TEST_VERSION
	if (fetch_init() != 0) {
		fprintf(stderr, "unplanet: cannot initialise libcurl\n");
		rc = UP_ESOFTWARE;
		goto out;
	}
	rc = run(&cmd, &err);
	if (rc != UP_OK && !err_stop_taken)
		print_message(err != NULL ? err : "out of memory");
	fetch_cleanup();
	xsltCleanupGlobals();
	xmlCleanupParser();
out:
	free(err);
	settings_free(&cmd);
	settings_free(&file);
	/* Stopped part way, everything undone: end as the signal would have
	 * ended it, so the shell or systemd sees why. */
	if (rc != UP_OK && err_stop_taken) {
		signal(err_stop, SIG_DFL);
		raise(err_stop);
	}
	return rc;
}
