/* watch.c - the store's changes through inotify (watch.h). */
#include "serve/watch.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "yoi/common.h"

enum { W_NONE, W_ROOT, W_TICKET, W_YOI, W_GIT, W_REFS };

#define TICKET_MASK                                                            \
	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE)
#define COALESCE_MS   40 /* quiet time that ends a burst */
#define COALESCE_MAXN 8	 /* at most this many quiet waits per burst */

struct yoi_watch {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t gen;
	bool stopping;
	int ifd, stopfd;
	pthread_t thread;
	bool started;
	char *root;
	FILE *diag;
	unsigned char *kind; /* by watch descriptor */
	size_t nkind;
	bool full_said;
	size_t unwatched;
};

static void note(yoi_watch *w, int wd, int kind)
{
	if (wd < 0)
		return;
	if ((size_t)wd >= w->nkind) {
		size_t n = ((size_t)wd + 1) * 2;
		unsigned char *k = realloc(w->kind, n);
		if (!k)
			return; /* events of this watch count as a change */
		memset(k + w->nkind, W_NONE, n - w->nkind);
		w->kind = k;
		w->nkind = n;
	}
	w->kind[wd] = (unsigned char)kind;
}

static void add(yoi_watch *w, const char *path, uint32_t mask, int kind)
{
	int wd = inotify_add_watch(w->ifd, path, mask | IN_ONLYDIR);
	if (wd >= 0) {
		note(w, wd, kind);
		return;
	}
	if (errno != ENOSPC)
		return; /* gone meanwhile, or not a folder: nothing to see */
	w->unwatched++;
	if (!w->full_said && w->diag) {
		w->full_said = true;
		fprintf(w->diag,
			"yoi-tickets serve: the inotify watch limit is reached "
			"(fs.inotify.max_user_watches): changes inside some "
			"ticket folders show only when a ticket is added or "
			"removed, a commit is made or the page is reloaded; "
			"raise the limit and restart to see them all\n");
		fflush(w->diag);
	}
}

static void add_tickets(yoi_watch *w)
{
	DIR *d = opendir(w->root);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		char *p = yoi_sprintf("%s/%s", w->root, e->d_name);
		if (p)
			add(w, p, TICKET_MASK, W_TICKET);
		free(p);
	}
	closedir(d);
}

static bool ends_with(const char *s, const char *t)
{
	size_t n = strlen(s), m = strlen(t);
	return n >= m && strcmp(s + n - m, t) == 0;
}

/* Whether one event is a change of what the board shows. */
static bool relevant(yoi_watch *w, const struct inotify_event *ev)
{
	if (ev->mask & IN_Q_OVERFLOW) {
		add_tickets(w);
		return true;
	}
	int k = ev->wd >= 0 && (size_t)ev->wd < w->nkind ? w->kind[ev->wd]
							 : W_TICKET;
	if (ev->mask & IN_IGNORED) {
		if (ev->wd >= 0 && (size_t)ev->wd < w->nkind)
			w->kind[ev->wd] = W_NONE;
		return k == W_TICKET; /* a ticket folder went away */
	}
	const char *name = ev->len ? ev->name : "";
	/* Temporary files of the atomic writes, lock files. */
	if (name[0] == '.' || ends_with(name, ".tmp") ||
	    ends_with(name, ".lock"))
		return false;
	switch (k) {
	case W_ROOT:
		if ((ev->mask & IN_ISDIR) &&
		    (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
			char *p = yoi_sprintf("%s/%s", w->root, name);
			if (p)
				add(w, p, TICKET_MASK, W_TICKET);
			free(p);
		}
		return true;
	case W_TICKET:
		/* A new file counts when written (IN_CLOSE_WRITE), not
		 * when created empty. */
		return !(ev->mask & IN_CREATE) || (ev->mask & IN_ISDIR);
	case W_YOI:
		return strcmp(name, "config.yaml") == 0;
	case W_GIT:
		return strcmp(name, "HEAD") == 0 ||
		       strcmp(name, "packed-refs") == 0;
	case W_REFS:
		return !(ev->mask & IN_CREATE) || (ev->mask & IN_ISDIR);
	default:
		return false;
	}
}

/* Read what the inotify fd has; whether any of it was a change. */
static bool read_events(yoi_watch *w)
{
	bool changed = false;
	char buf[16384]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	for (int round = 0; round < 64; round++) {
		ssize_t n = read(w->ifd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const void *)p;
			changed |= relevant(w, ev);
			p += sizeof(*ev) + ev->len;
		}
	}
	return changed;
}

static void *run(void *arg)
{
	yoi_watch *w = arg;
	for (;;) {
		struct pollfd p[2] = {{w->ifd, POLLIN, 0},
				      {w->stopfd, POLLIN, 0}};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		if (!read_events(w))
			continue;
		/* Coalesce: a burst (one command's writes, a checkout)
		 * is one change. */
		for (int i = 0; i < COALESCE_MAXN; i++) {
			struct pollfd q = {w->ifd, POLLIN, 0};
			if (poll(&q, 1, COALESCE_MS) <= 0)
				break;
			read_events(w);
		}
		pthread_mutex_lock(&w->mu);
		w->gen++;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
	return NULL;
}

yoi_watch *yoi_watch_start(const char *root, const char *yoi_dir,
			   const char *gitdir, FILE *diag)
{
	yoi_watch *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	w->diag = diag;
	w->stopfd = eventfd(0, EFD_CLOEXEC);
	w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	w->root = yoi_strdup(root);
	if (!w->root || w->stopfd < 0) {
		yoi_watch_free(w);
		return NULL;
	}
	if (w->ifd < 0) {
		if (diag)
			fprintf(diag,
				"yoi-tickets serve: inotify is not available "
				"(%s): the pages do not update by themselves; "
				"reload them to see changes\n",
				strerror(errno));
		return w; /* no thread: the generation stays 0 */
	}
	add(w, root,
	    IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
		IN_DELETE_SELF,
	    W_ROOT);
	add_tickets(w);
	if (yoi_dir)
		add(w, yoi_dir, IN_CLOSE_WRITE | IN_MOVED_TO, W_YOI);
	if (gitdir) {
		add(w, gitdir, IN_CLOSE_WRITE | IN_MOVED_TO, W_GIT);
		char *refs = yoi_sprintf("%s/refs/heads", gitdir);
		if (refs)
			add(w, refs, IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE,
			    W_REFS);
		free(refs);
	}
	if (pthread_create(&w->thread, NULL, run, w) != 0) {
		yoi_watch_free(w);
		return NULL;
	}
	w->started = true;
	return w;
}

uint64_t yoi_watch_gen(yoi_watch *w)
{
	pthread_mutex_lock(&w->mu);
	uint64_t g = w->gen;
	pthread_mutex_unlock(&w->mu);
	return g;
}

int yoi_watch_wait(yoi_watch *w, uint64_t seen, int timeout_sec, uint64_t *gen)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_sec;
	int rc = 0;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		if (w->stopping) {
			rc = -1;
			break;
		}
		if (w->gen != seen) {
			*gen = w->gen;
			rc = 1;
			break;
		}
		if (pthread_cond_timedwait(&w->cv, &w->mu, &until) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}

void yoi_watch_stopping(yoi_watch *w)
{
	pthread_mutex_lock(&w->mu);
	w->stopping = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void yoi_watch_free(yoi_watch *w)
{
	if (!w)
		return;
	if (w->started) {
		uint64_t one = 1;
		if (write(w->stopfd, &one, sizeof(one)) < 0) {
			/* an eventfd write cannot fail short of overflow */
		}
		pthread_join(w->thread, NULL);
	}
	if (w->ifd >= 0)
		close(w->ifd);
	if (w->stopfd >= 0)
		close(w->stopfd);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w->kind);
	free(w->root);
	free(w);
}
