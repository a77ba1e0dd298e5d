/*
 * revcache.h - the links cache: which tickets each ticket's relations.json
 * and orchestration-plan.jsonl name, so that the tickets naming one ticket
 * (its incoming relations and the `blocks` that make it wait) are found
 * without reading every ticket's files. Kept in the git directory
 * (<gitdir>/yoi-links-cache: never committed, one per worktree) and
 * validated the way the list cache is: an entry is used only while the
 * ticket's artifacts directory and each of its two links files keep the
 * stat (size, mtime, ctime in ns, inode) they had when the entry was made
 * (a file created or removed changes the directory; an edit in place
 * changes the file); the list of tickets is used only while the tickets
 * root keeps its stat. Entries of files changed within
 * YOI_LISTCACHE_RACY_NS of writing are not stored. A torn, corrupt or
 * foreign cache is ignored and rebuilt. The files stay the only truth:
 * the cache only says which tickets to read; callers read those tickets'
 * own files (routing.h, yoi_routing_load_near).
 *
 * Ownership: yoi_revcache owns its entries and targets;
 * yoi_revcache_free (NULL-safe, safe on a zeroed value).
 */
#ifndef YOI_REVCACHE_H
#define YOI_REVCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "diag.h"
#include "id.h"
#include "listcache.h"
#include "store.h"

/* The cache file's name in the git directory. */
#define YOI_REVCACHE_NAME "yoi-links-cache"

typedef struct yoi_revcache_target {
	char id[YOI_ID_LEN + 1]; /* the ticket named */
	int8_t kind;		 /* yoi_graph_kind, or -1 (not a graph edge) */
} yoi_revcache_target;

#define YOI_REVCACHE_BAD                                                       \
	(1u << 0) /* a links file unreadable or with bad                       \
		     records: its edges may be missing */

typedef struct yoi_revcache_entry {
	char id[YOI_ID_LEN + 1];
	yoi_row_key akey; /* artifacts directory; ino 0: none */
	yoi_row_key rkey; /* relations.json; ino 0: none */
	yoi_row_key pkey; /* orchestration-plan.jsonl; ino 0: none */
	uint32_t flags;	  /* YOI_REVCACHE_* */
	uint32_t first;	  /* its targets: targets[first .. first + n) */
	uint32_t n;
} yoi_revcache_entry;

typedef struct yoi_revcache {
	yoi_revcache_entry *e; /* every ticket of the store, sorted by id */
	size_t n;
	yoi_revcache_target *targets;
	size_t ntargets;
	yoi_row_key root_key; /* the tickets root when the ids were listed */
	size_t misses;	      /* entries read from the files (load) */
	bool ids_listed;      /* the root was listed (its stat changed) */
	char *save_err;	      /* why the cache could not be rewritten */
} yoi_revcache;

/*
 * The links of every ticket of st, each entry checked against the files
 * by stat and re-read from them when stale; the cache file is rewritten
 * when anything was re-read (failing to is not an error: save_err).
 * YOI_ENOMEM, or YOI_EIO when the tickets root cannot be listed.
 */
int yoi_revcache_load(yoi_revcache *c, const yoi_store *st, yoi_error *err);

/* The entry of id, or NULL. */
const yoi_revcache_entry *yoi_revcache_find(const yoi_revcache *c,
					    const char *id);

/*
 * The tickets linked to the seeds: the seeds themselves (when they are
 * in the store) and every ticket they name or that names them (by any
 * record); with waits, instead every ticket a seed waits for, directly
 * or through others (depends_on and plan blocked_by followed forwards,
 * blocks and plan blocks backwards; graph.h); and in both cases every
 * entry marked YOI_REVCACHE_BAD. Sorted, no duplicates, only tickets of
 * the store. YOI_ENOMEM.
 */
int yoi_revcache_near(const yoi_revcache *c, const char *const *seeds,
		      size_t nseeds, bool waits, yoi_strv *out);

/*
 * Doctor's check of the cache file as stored against the files, as the
 * caller has just read them: seen holds, sorted by id, one entry per
 * ticket it is sure of, with the keys taken before its reads (akey, rkey,
 * pkey; ino 0: none), YOI_REVCACHE_BAD when a links file was unreadable
 * or had bad records, and the targets its records name (valid IDs, with
 * their graph kind, relations.json's first, in file order). Every cache
 * entry whose keys match the entry seen must name exactly what was seen
 * (an entry whose files changed is stale, re-read by the next command
 * anyway). Each disagreement is a warning links-cache-stale in d naming
 * the cache and the ticket; the cache is then removed, so the next
 * command rebuilds it. 0, YOI_ENOMEM, or YOI_EIO when it cannot be
 * removed.
 */
int yoi_revcache_check(const yoi_store *st, const yoi_revcache *seen,
		       yoi_diag *d, yoi_error *err);

/* Remove the cache file (it is only a cache). 0 or YOI_EIO. */
int yoi_revcache_drop(const yoi_store *st, yoi_error *err);

void yoi_revcache_free(yoi_revcache *c);

/*
 * The codec, for tests: encode c for root, leaving out entries (and the
 * root key) racily clean at now_ns; decode (0 and an empty cache when the
 * bytes are torn, corrupt or for another root).
 */
int yoi_revcache_encode(yoi_buf *out, const yoi_revcache *c, const char *root,
			int64_t now_ns);
int yoi_revcache_decode(yoi_revcache *c, const char *p, size_t len,
			const char *root);

#endif
