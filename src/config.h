/* config.h - a run's settings, from the command line and an INI file.
 *
 * Every long option has a key of the same name in the file's [unplanet]
 * section (settings_set serves both), so the file can say anything the
 * command line can. The file adds:
 *
 *   [topic NAME]   match = PATTERN (one or more), exclude = PATTERN,
 *                  title, description, slug
 *   [source NAME]  link (which of several sources named NAME), name (a new
 *                  feed title), slug, description; sources given the same
 *                  slug are merged into one feed
 *
 * Settings not given are "unset" (NULL, -1, empty list) until
 * settings_finish fills in defaults; settings_merge lets the command line
 * override the file.
 *
 * Ownership: a settings struct owns everything it points to;
 * settings_free releases it.
 */
#ifndef UNPLANET_CONFIG_H
#define UNPLANET_CONFIG_H

#include <stddef.h>

#include "match.h"

struct topic {
	char *name;
	char *slug;              /* or NULL: from the name */
	char *slug_at;           /* "FILE:LINE" that gave slug, or NULL */
	char *title;             /* or NULL: "PLANET — NAME" */
	char *description;       /* or NULL */
	struct pattern **match;  /* an entry belongs if any matches */
	size_t n_match;
	struct pattern **exclude;  /* ...and none of these does */
	size_t n_exclude;
};

struct source_rule {
	char *name;              /* the channel header's name it applies to */
	char *name_form;         /* ...as names are compared: as patterns see
	                            them (text_match_form), so a name typed as
	                            it shows fits one the page writes with
	                            &nbsp; or a decomposed accent */
	char *link;              /* the site link too, or NULL for any */
	char *title;             /* the feed's title instead of the name, or NULL */
	char *slug;              /* or NULL */
	char *slug_at;           /* "FILE:LINE" that gave slug, or NULL */
	char *description;       /* or NULL */
	char *at;                /* "FILE:LINE" of its section header */
};

struct settings {
	char *source;
	char *source_at;         /* NULL, or "FILE:LINE" that set source */
	char *output;
	char *output_at;         /* NULL, or "FILE:LINE" that set output */
	char *base_url;
	char *xslt_dir;
	char *xslt_dir_at;       /* NULL, or "FILE:LINE" that set xslt_dir */
	char **stylesheets;
	char **stylesheets_at;   /* NULL, or "FILE:LINE" of each (from a config file) */
	size_t n_stylesheets;
	long timeout;            /* -1: unset */
	long long max_size;      /* -1: unset */
	long keep;               /* -1: unset */
	long jobs;               /* threads; -1: unset (pool_threads()) */
	int force, wait, dump, quiet, verbose;   /* -1: unset */
	struct topic *topics;
	size_t n_topics;
	struct pattern **exclude;
	size_t n_exclude;
	struct pattern **only;
	size_t n_only;
	struct source_rule *sources;
	size_t n_sources;
};

void settings_init(struct settings *s);

/* Sets the option called key ("timeout", "topic", "force"...) from its
 * text value. Returns 0, -1 for an unknown key, or -2 for a bad value
 * with *why (malloc'd) saying what is wrong, NULL when memory ran out. A
 * boolean takes yes/no, true/false, on/off or 1/0. */
int settings_set(struct settings *s, const char *key, const char *value, char **why);

/* Reads an INI file into s. Errors are UP_ECONFIG, "FILE:LINE: what", or
 * UP_ESOFTWARE when memory runs out. */
int config_read(const char *path, struct settings *s, char **err);

/* Fills what cmdline left unset from file, moving it out of file. Lists
 * given on the command line replace the file's; topics are merged by name,
 * the command line's winning. 0, or -1 out of memory. */
int settings_merge(struct settings *cmdline, struct settings *file);

/* Fills remaining unset settings with defaults. 0, or -1 out of memory. */
int settings_finish(struct settings *s);

void settings_free(struct settings *s);

#endif
