/*
 * claims.c - claims across clones on a git remote (SPEC 10).
 *
 * The claim is the remote ref refs/yoi/claims/<ID>, created only when it
 * does not exist. Over the network that is a push without force: the smart
 * protocol sends "create" (old id zero), which receive-pack checks under
 * the ref's lock, and a ref that existed when the push connected is refused
 * by libgit2 itself as not a fast-forward (the claim commit has no parent);
 * either refusal is the push_update_reference status of our ref or
 * git_remote_push's error. A remote on a path or file:// is written
 * directly (ref_update: libgit2's local push is not atomic, see there).
 * After a refusal the remote is asked again who holds the claim. So of
 * several clones racing, exactly one wins.
 */
#include "git/claims_int.h"
#include "git/gitint.h"
#include "git/gitops.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/fault.h"

#define fault_fail(name) yoi_fault(name)

/* ---- the claim record, on buffers ---- */

void yoi_claim_clear(yoi_claim *c)
{
	if (!c)
		return;
	free(c->claimer);
	free(c->clone);
	free(c->host);
	free(c->path);
	free(c->since);
	memset(c, 0, sizeof(*c));
}

void yoi_claims_free(yoi_claims *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		yoi_claim_clear(&c->v[i]);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static void put_value(yoi_buf *out, const char *key, const char *v)
{
	if (!v)
		return;
	yoi_buf_printf(out, "%s: ", key);
	size_t n = strlen(v);
	if (n > YOI_CLAIM_VALUE_MAX)
		n = YOI_CLAIM_VALUE_MAX;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];
		yoi_buf_putc(out, ch < 0x20 || ch == 0x7f ? '?' : (char)ch);
	}
	yoi_buf_putc(out, '\n');
}

int yoi_claim_message(yoi_buf *out, const yoi_claim *c)
{
	yoi_buf_printf(out, "yoi-tickets claim %s\n\n", c->id);
	put_value(out, "ticket", c->id);
	put_value(out, "claimer", c->claimer);
	put_value(out, "clone", c->clone);
	put_value(out, "host", c->host);
	put_value(out, "path", c->path);
	put_value(out, "since", c->since);
	return yoi_buf_oom(out) ? YOI_ENOMEM : 0;
}

int yoi_claim_parse(yoi_claim *out, const char *msg, size_t len)
{
	char oid[YOI_GIT_OID_HEX + 1];
	bool mine = out->mine;
	memcpy(oid, out->oid, sizeof(oid));
	yoi_claim_clear(out);
	memcpy(out->oid, oid, sizeof(oid));
	out->mine = mine;
	if (len > YOI_CLAIM_MSG_MAX || (len && memchr(msg, '\0', len)))
		return YOI_ECORRUPT;
	static const char *const keys[] = {"claimer", "clone", "host", "path",
					   "since"};
	char **slots[] = {&out->claimer, &out->clone, &out->host, &out->path,
			  &out->since};
	bool ticket = false;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(msg + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - msg) : len;
		const char *line = msg + i;
		size_t n = end - i;
		if (n && line[n - 1] == '\r')
			n--;
		i = end + 1;
		const char *colon = memchr(line, ':', n);
		if (!colon || (size_t)(colon - line) + 1 >= n ||
		    colon[1] != ' ')
			continue;
		size_t klen = (size_t)(colon - line);
		const char *v = colon + 2;
		size_t vlen = n - klen - 2;
		if (vlen > YOI_CLAIM_VALUE_MAX)
			continue;
		if (klen == 6 && memcmp(line, "ticket", 6) == 0) {
			char id[YOI_ID_LEN + 1];
			if (vlen != YOI_ID_LEN)
				continue;
			memcpy(id, v, YOI_ID_LEN);
			id[YOI_ID_LEN] = '\0';
			if (!yoi_id_valid(id))
				continue;
			memcpy(out->id, id, sizeof(id));
			ticket = true;
			continue;
		}
		for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++)
			if (strlen(keys[k]) == klen &&
			    memcmp(line, keys[k], klen) == 0 && !*slots[k]) {
				*slots[k] = yoi_strndup(v, vlen);
				if (!*slots[k]) {
					yoi_claim_clear(out);
					return YOI_ENOMEM;
				}
			}
	}
	if (!ticket) {
		yoi_claim_clear(out);
		memcpy(out->oid, oid, sizeof(oid));
		out->mine = mine;
		return YOI_ECORRUPT;
	}
	return 0;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool yoi_claim_same_clone(const yoi_claim *a, const yoi_claim *b)
{
	return a->clone && b->clone && *a->clone &&
	       strcmp(a->clone, b->clone) == 0 && same_str(a->host, b->host) &&
	       same_str(a->path, b->path);
}

int yoi_claim_holder(yoi_buf *out, const yoi_claim *c)
{
	yoi_buf_puts(out, c->claimer ? c->claimer : "an unknown claimer");
	if (c->clone || c->host || c->path) {
		yoi_buf_printf(out, " (clone %s", c->clone ? c->clone : "?");
		if (c->host || c->path)
			yoi_buf_printf(out, " on %s:%s",
				       c->host ? c->host : "?",
				       c->path ? c->path : "?");
		yoi_buf_putc(out, ')');
	}
	yoi_buf_printf(out, " since %s",
		       c->since ? c->since : "an unknown time");
	return yoi_buf_oom(out) ? YOI_ENOMEM : 0;
}

/* ---- the remote ---- */

static int nomem(yoi_error *err)
{
	return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
}

int yoi_claim_clone_id(git_repository *repo,
		       int (*random)(void *ctx, void *buf, size_t n),
		       void *random_ctx, char **out, yoi_error *err)
{
	int rc = yoi_git_config_get(repo, "yoi.clone", true, false, out, err);
	if (rc < 0 || (*out && **out) || !random)
		return rc;
	free(*out);
	*out = NULL;
	unsigned char raw[8];
	if (random(random_ctx, raw, sizeof(raw)) < 0)
		return yoi_error_set(err, YOI_EIO, NULL, 0,
				     "no randomness for this clone's id; "
				     "set one with 'git config yoi.clone "
				     "<16 hex digits>'");
	char hex[2 * sizeof(raw) + 1];
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	if ((rc = yoi_git_config_set(repo, "yoi.clone", hex, err)) < 0)
		return rc;
	*out = yoi_strdup(hex);
	return *out ? 0 : nomem(err);
}

/* What the callbacks of one remote operation share. */
typedef struct remote_cb {
	const char *ref;   /* the ref whose push status we want */
	char *status;	   /* its status message; NULL: accepted */
	bool seen;	   /* a status for ref came back */
	unsigned attempts; /* credential requests answered */
	bool status_nomem;
} remote_cb;

static int on_push_ref(const char *refname, const char *status, void *payload)
{
	remote_cb *cb = payload;
	if (!cb->ref || strcmp(refname, cb->ref) != 0)
		return 0;
	cb->seen = true;
	if (status) {
		free(cb->status);
		cb->status = yoi_strdup(status);
		cb->status_nomem = !cb->status;
	}
	return 0;
}

/* SSH through the agent, and only a few times: libgit2 asks again after
 * every refusal. */
static int on_credentials(git_credential **out, const char *url,
			  const char *user_from_url, unsigned int allowed,
			  void *payload)
{
	remote_cb *cb = payload;
	(void)url;
	if (cb->attempts++ >= 2)
		return GIT_EUSER;
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		return git_credential_ssh_key_from_agent(
		    out, user_from_url ? user_from_url : "git");
	if (allowed & GIT_CREDENTIAL_DEFAULT)
		return git_credential_default_new(out);
	return GIT_PASSTHROUGH;
}

static void callbacks_init(git_remote_callbacks *cbs, remote_cb *cb)
{
	git_remote_init_callbacks(cbs, GIT_REMOTE_CALLBACKS_VERSION);
	cbs->credentials = on_credentials;
	cbs->push_update_reference = on_push_ref;
	cbs->payload = cb;
}

/* A URL that libgit2's local transport serves: a path or file://. */
static bool url_local(const char *url)
{
	if (strncmp(url, "file://", 7) == 0)
		return true;
	if (strstr(url, "://"))
		return false;
	const char *colon = strchr(url, ':');
	const char *slash = strchr(url, '/');
	return !colon || (slash && slash < colon); /* else scp-like */
}

/* The configured remote name, looked up in this clone. */
static int remote_open(git_remote **out, git_repository *repo, const char *name,
		       yoi_error *err)
{
	*out = NULL;
	int valid = 0;
	if (git_remote_name_is_valid(&valid, name) < 0 || !valid)
		return yoi_error_set(
		    err, YOI_EIO, ".yoi/config.yaml", 0,
		    "claims.remote '%s' is not a valid git remote name; set it "
		    "to a remote of this clone (e.g. origin)",
		    name);
	int grc = git_remote_lookup(out, repo, name);
	if (grc == GIT_ENOTFOUND)
		return yoi_error_set(err, YOI_EIO, NULL, 0,
				     "claims.remote is '%s', but this clone "
				     "has no such remote; add it ('git remote "
				     "add %s URL') or change claims.remote in "
				     ".yoi/config.yaml",
				     name, name);
	if (grc < 0)
		return yoi_error_set(err, YOI_EIO, NULL, 0,
				     "cannot read remote '%s': %s", name,
				     yoi_git_msg());
	/*
	 * git reads a relative path from the top of the work tree (it moves
	 * there before it pushes); libgit2 from the current directory, which
	 * may be any subdirectory: anchor both URLs at the top.
	 */
	const char *base = git_repository_workdir(repo);
	if (!base)
		base = git_repository_path(repo);
	for (int k = 0; k < 2; k++) {
		const char *u =
		    k ? git_remote_pushurl(*out) : git_remote_url(*out);
		if (!u || !url_local(u) || u[0] == '/' ||
		    strncmp(u, "file://", 7) == 0)
			continue;
		char *abs = yoi_sprintf("%s%s", base, u);
		if (!abs) {
			git_remote_free(*out);
			*out = NULL;
			return nomem(err);
		}
		if (k)
			git_remote_set_instance_pushurl(*out, abs);
		else
			git_remote_set_instance_url(*out, abs);
		free(abs);
	}
	const char *url = git_remote_pushurl(*out);
	if (!url)
		url = git_remote_url(*out);
	if (url && !url_local(url)) {
		/* HTTPS and SSH need what yoi_git_init deferred. */
		int rc = yoi_git_tls_ready(err);
		if (rc < 0) {
			git_remote_free(*out);
			*out = NULL;
			return rc;
		}
	}
	return 0;
}

static int unreachable(yoi_error *err, git_remote *r, const char *what)
{
	const char *url = git_remote_url(r);
	return yoi_error_set(err, YOI_EIO, NULL, 0,
			     "cannot %s remote '%s' (%s) for the claims: %s; "
			     "check that it is reachable, or unset "
			     "claims.remote in .yoi/config.yaml to work "
			     "without claims",
			     what, git_remote_name(r), url ? url : "?",
			     yoi_git_msg());
}

/* Whether refname is refs/yoi/claims/<valid ID>; the ID into id. */
static bool claim_ref(const char *refname, char id[YOI_ID_LEN + 1])
{
	size_t pl = strlen(YOI_CLAIMS_PREFIX);
	if (strncmp(refname, YOI_CLAIMS_PREFIX, pl) != 0 ||
	    strlen(refname + pl) != YOI_ID_LEN)
		return false;
	memcpy(id, refname + pl, YOI_ID_LEN + 1);
	return yoi_id_valid(id);
}

/*
 * The remote's claim refs: id (NULL: all) -> their ids and commit ids
 * (into ids and oids, parallel). Connects and disconnects.
 */
static int remote_claims(git_remote *r, const char *id, yoi_strv *ids,
			 yoi_strv *oids, yoi_error *err)
{
	remote_cb cb = {0};
	git_remote_callbacks cbs;
	callbacks_init(&cbs, &cb);
	int grc = git_remote_connect(r, GIT_DIRECTION_FETCH, &cbs, NULL, NULL);
	if (grc < 0)
		return unreachable(err, r, "reach");
	const git_remote_head **heads = NULL;
	size_t n = 0;
	int rc = 0;
	if (git_remote_ls(&heads, &n, r) < 0)
		rc = unreachable(err, r, "list the refs of");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char hid[YOI_ID_LEN + 1];
		if (!claim_ref(heads[i]->name, hid) ||
		    (id && strcmp(id, hid) != 0))
			continue;
		char hex[YOI_GIT_OID_HEX + 1];
		git_oid_tostr(hex, sizeof(hex), &heads[i]->oid);
		if (yoi_strv_push(ids, hid) < 0 || yoi_strv_push(oids, hex) < 0)
			rc = nomem(err);
	}
	git_remote_disconnect(r);
	free(cb.status);
	return rc;
}

/* The local mirror of the remote's claims. Caller frees. */
static char *mirror_ref(const char *remote, const char *id)
{
	return yoi_sprintf("refs/yoi/remote-claims/%s/%s", remote,
			   id ? id : "*");
}

/* Fetch the claim commits (one ID, or all with id NULL) to the mirror. */
static int fetch_claims(git_remote *r, const char *id, yoi_error *err)
{
	char *dst = mirror_ref(git_remote_name(r), id);
	char *spec =
	    dst ? yoi_sprintf("+%s%s:%s", YOI_CLAIMS_PREFIX, id ? id : "*", dst)
		: NULL;
	free(dst);
	if (!spec)
		return nomem(err);
	remote_cb cb = {0};
	git_fetch_options fo;
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	callbacks_init(&fo.callbacks, &cb);
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	fo.update_fetchhead = 0;
	fo.prune = GIT_FETCH_NO_PRUNE;
	char *specs[] = {spec};
	git_strarray arr = {specs, 1};
	int grc = git_remote_fetch(r, &arr, &fo, "yoi-tickets: claims");
	free(spec);
	free(cb.status);
	return grc < 0 ? unreachable(err, r, "fetch the claims from") : 0;
}

/* Read the claim commit hex into *out (fields NULL when it is none). */
static int read_claim(git_repository *repo, const char *id, const char *hex,
		      yoi_claim *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", id);
	snprintf(out->oid, sizeof(out->oid), "%s", hex);
	git_oid oid;
	git_commit *c = NULL;
	if (git_oid_fromstr(&oid, hex) < 0 ||
	    git_commit_lookup(&c, repo, &oid) < 0)
		return 0; /* not a commit: an unknown claimer */
	const char *msg = git_commit_message_raw(c);
	int rc = yoi_claim_parse(out, msg, strlen(msg));
	git_commit_free(c);
	snprintf(out->id, sizeof(out->id), "%s", id);
	return rc == YOI_ENOMEM ? rc : 0;
}

/* Who holds id on the remote: *exists, and the claim into *out. */
static int holder_get(git_repository *repo, git_remote *r, const char *id,
		      bool *exists, yoi_claim *out, yoi_error *err)
{
	yoi_strv ids = {0}, oids = {0};
	*exists = false;
	memset(out, 0, sizeof(*out));
	int rc = remote_claims(r, id, &ids, &oids, err);
	if (rc == 0 && ids.n == 1) {
		*exists = true;
		rc = fetch_claims(r, id, err);
		if (rc == 0 && read_claim(repo, id, oids.v[0], out) < 0)
			rc = nomem(err);
	}
	yoi_strv_free(&ids);
	yoi_strv_free(&oids);
	return rc;
}

static int refused(yoi_error *err, const char *remote, const yoi_claim *h)
{
	yoi_buf b = YOI_BUF_INIT;
	if (yoi_claim_holder(&b, h) < 0) {
		yoi_buf_free(&b);
		return nomem(err);
	}
	yoi_error_set(
	    err, YOI_EREFUSED, NULL, 0,
	    "ticket %s is claimed on remote '%s' by %s; work on "
	    "another ticket, or ask the holder to release it "
	    "('yoi-tickets cleanup' or 'close' there, or 'yoi-tickets "
	    "claims release %s' in that clone)",
	    h->id, remote, b.ptr, h->id);
	yoi_buf_free(&b);
	return YOI_EREFUSED;
}

/* Write the claim commit of me, and point local ref at it. */
static int claim_commit(git_repository *repo, yoi_claim *me, const char *ref,
			yoi_error *err)
{
	yoi_buf msg = YOI_BUF_INIT;
	git_treebuilder *tb = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_reference *lref = NULL;
	git_oid tid, cid;
	int64_t at = 0;
	int rc = yoi_claim_message(&msg, me);
	if (rc < 0)
		return nomem(err);
	if (me->since)
		(void)yoi_time_parse(me->since, &at);
	/* A signature takes no angle brackets and no line breaks. */
	char name[256];
	snprintf(name, sizeof(name), "%s",
		 me->claimer && *me->claimer ? me->claimer : "unknown");
	for (char *p = name; *p; p++)
		if (*p == '<' || *p == '>' || (unsigned char)*p < 0x20)
			*p = '?';
	int grc = git_treebuilder_new(&tb, repo, NULL);
	if (grc == 0)
		grc = git_treebuilder_write(&tid, tb);
	if (grc == 0)
		grc = git_tree_lookup(&tree, repo, &tid);
	if (grc == 0)
		grc =
		    git_signature_new(&sig, name, me->clone, (git_time_t)at, 0);
	if (grc == 0)
		grc = git_commit_create(&cid, repo, NULL, sig, sig, NULL,
					msg.ptr, tree, 0, NULL);
	if (grc == 0)
		grc = git_reference_create(&lref, repo, ref, &cid, 1,
					   "yoi-tickets: claim");
	if (grc < 0)
		rc = yoi_git_fail(err, grc, "writing the claim commit");
	else
		git_oid_tostr(me->oid, sizeof(me->oid), &cid);
	git_reference_free(lref);
	git_signature_free(sig);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	yoi_buf_free(&msg);
	return rc;
}

/*
 * Push src (a local ref, or "" to delete) to dst on r without force.
 * *status: the remote's refusal (caller frees), NULL when it took it.
 * YOI_EIO when the push failed as a whole (*status then says why when
 * libgit2 refused it itself).
 */
static int push_ref(git_remote *r, const char *src, const char *dst,
		    char **status, yoi_error *err)
{
	*status = NULL;
	char *spec = yoi_sprintf("%s:%s", src, dst);
	if (!spec)
		return nomem(err);
	remote_cb cb = {dst, NULL, false, 0, false};
	git_push_options po;
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	callbacks_init(&po.callbacks, &cb);
	char *specs[] = {spec};
	git_strarray arr = {specs, 1};
	int grc = git_remote_push(r, &arr, &po);
	free(spec);
	if (cb.status_nomem)
		return nomem(err);
	if (grc < 0) {
		free(cb.status);
		*status = yoi_strdup(yoi_git_msg());
		return unreachable(err, r, "push to");
	}
	*status = cb.status;
	return 0;
}

/*
 * A remote that libgit2 would reach through its local transport (a path,
 * or file://): its path (caller frees), else NULL.
 *
 * Such a remote is written here directly, not through git_remote_push:
 * libgit2's local transport creates the ref with git_reference_create
 * (force 0), which looks for an existing ref *before* it takes the ref's
 * lock and writes no old value to check under it - two clones pushing at
 * once can both see no ref and both write it, the second over the first
 * (the race test caught it: both starts won). receive-pack checks the old
 * value (zero: "create") under the lock; so does this, through
 * git_reference_create_matching with a zero current id.
 */
static char *local_path(git_remote *r)
{
	const char *url = git_remote_pushurl(r);
	if (!url)
		url = git_remote_url(r);
	if (!url || !url_local(url))
		return NULL;
	return yoi_strdup(strncmp(url, "file://", 7) == 0 ? url + 7 : url);
}

static int local_open(git_repository **out, git_remote *r, const char *path,
		      yoi_error *err)
{
	if (git_repository_open(out, path) < 0)
		return unreachable(err, r, "open");
	return 0;
}

/* Copy object id (and, for a commit, its tree) into the remote's odb. */
static int copy_objects(git_repository *from, git_repository *to,
			const git_oid *commit)
{
	git_odb *lo = NULL, *ro = NULL;
	git_commit *c = NULL;
	int grc = git_repository_odb(&lo, from);
	if (grc == 0)
		grc = git_repository_odb(&ro, to);
	if (grc == 0)
		grc = git_commit_lookup(&c, from, commit);
	const git_oid *ids[2] = {c ? git_commit_tree_id(c) : NULL, commit};
	for (int i = 0; grc == 0 && i < 2; i++) {
		git_odb_object *o = NULL;
		git_oid w;
		grc = git_odb_read(&o, lo, ids[i]);
		if (grc == 0)
			grc = git_odb_write(&w, ro, git_odb_object_data(o),
					    git_odb_object_size(o),
					    git_odb_object_type(o));
		git_odb_object_free(o);
	}
	git_commit_free(c);
	git_odb_free(ro);
	git_odb_free(lo);
	return grc;
}

/*
 * Create dst at hex on the remote only if it does not exist (hex NULL:
 * delete dst if it is at old). *status: why the remote would not (a
 * claim there, or not the one we looked at); NULL when done.
 */
static int ref_update(git_repository *repo, git_remote *r, const char *src,
		      const char *dst, const char *hex, const char *old,
		      char **status, yoi_error *err)
{
	*status = NULL;
	char *path = local_path(r);
	if (!path) {
		if (hex)
			return push_ref(r, src, dst, status, err);
		return push_ref(r, "", dst, status, err);
	}
	git_repository *rr = NULL;
	int rc = local_open(&rr, r, path, err);
	free(path);
	if (rc < 0)
		return rc;
	git_oid id, zero;
	memset(&zero, 0, sizeof(zero));
	int grc;
	if (hex) {
		git_reference *ref = NULL;
		grc = git_oid_fromstr(&id, hex);
		if (grc == 0)
			grc = copy_objects(repo, rr, &id);
		if (grc < 0) {
			rc = unreachable(err, r, "write the claim to");
			goto out;
		}
		grc = git_reference_create_matching(
		    &ref, rr, dst, &id, 1, &zero, "yoi-tickets: claim");
		git_reference_free(ref);
	} else {
		git_reference *ref = NULL;
		grc = git_reference_lookup(&ref, rr, dst);
		if (grc == 0 && old &&
		    (git_oid_fromstr(&id, old) < 0 ||
		     !git_oid_equal(&id, git_reference_target(ref))))
			grc = GIT_EMODIFIED;
		else if (grc == 0)
			grc = git_reference_delete(ref); /* checks it under
							    the lock */
		git_reference_free(ref);
	}
	if (grc == GIT_EMODIFIED || grc == GIT_EEXISTS || grc == GIT_ELOCKED ||
	    grc == GIT_ENOTFOUND) {
		*status = yoi_strdup(grc == GIT_ENOTFOUND
					 ? "no such claim"
					 : "the claim there changed meanwhile");
		if (!*status)
			rc = nomem(err);
	} else if (grc < 0) {
		rc = unreachable(
		    err, r, hex ? "write the claim to" : "delete the claim on");
	}
out:
	git_repository_free(rr);
	return rc;
}

/*
 * Rounds of a take whose create was refused while the remote showed no
 * claim: another clone holds the ref's lock, writing its claim (or a
 * holder deleting one). Each round waits twice as long as the one before
 * (10 ms, 20 ms, ... about 2.5 s in all) for the ref to show who won.
 */
#define TAKE_ROUNDS 9

static void backoff(int round)
{
	long ms = 10L << (round < 8 ? round : 8);
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0)
		;
}

int yoi_claim_take(git_repository *repo, const char *remote, yoi_claim *me,
		   bool *taken, yoi_claim *holder, yoi_error *err)
{
	*taken = false;
	yoi_claim h = {0};
	git_remote *r = NULL;
	char *local = NULL, *dst = NULL, *status = NULL;
	int rc = remote_open(&r, repo, remote, err);
	if (rc < 0)
		return rc;
	local = yoi_sprintf("refs/yoi/own-claims/%s", me->id);
	dst = yoi_sprintf("%s%s", YOI_CLAIMS_PREFIX, me->id);
	if (!local || !dst) {
		rc = nomem(err);
		goto out;
	}
	for (int round = 0; round < TAKE_ROUNDS; round++) {
		bool exists;
		yoi_claim_clear(&h);
		if ((rc = holder_get(repo, r, me->id, &exists, &h, err)) < 0)
			goto out;
		if (exists) {
			if (yoi_claim_same_clone(&h, me)) {
				h.mine = true;
				memcpy(me->oid, h.oid, sizeof(me->oid));
				goto out; /* already ours */
			}
			rc = refused(err, remote, &h);
			goto out;
		}
		if (!me->oid[0] &&
		    (rc = claim_commit(repo, me, local, err)) < 0)
			goto out;
		free(status);
		if (fault_fail("claim-push-refused") ||
		    fault_fail("claim-recheck-fails"))
			status = yoi_strdup("fault injected");
		else
			rc = ref_update(repo, r, local, dst, me->oid, NULL,
					&status, err);
		if (rc == 0 && !status) {
			*taken = true;
			goto out;
		}
		/* Refused or failed: the remote says who, or is down. */
		yoi_error e2;
		bool again;
		yoi_claim_clear(&h);
		int hrc = fault_fail("claim-recheck-fails")
			      ? yoi_error_set(&e2, YOI_EIO, NULL, 0,
					      "fault injected: the remote is "
					      "gone")
			      : holder_get(repo, r, me->id, &again, &h, &e2);
		if (hrc < 0) {
			/* The push's failure when it failed, else this one:
			 * never a claim we do not know we have. */
			if (rc == 0) {
				rc = hrc;
				if (err)
					*err = e2;
			}
			goto out;
		}
		if (!again && rc == 0) {
			rc =
			    yoi_error_set(err, YOI_EBUSY, NULL, 0,
					  "remote '%s' refused the claim of "
					  "ticket %s (%s) and shows no holder; "
					  "another clone may be claiming it "
					  "now: try again, or see 'yoi-tickets "
					  "claims'",
					  remote, me->id, status);
			if (round + 1 < TAKE_ROUNDS) {
				backoff(round);
				continue; /* written or released meanwhile */
			}
			goto out;
		}
		if (!again)
			goto out;
		if (strcmp(h.oid, me->oid) == 0) { /* took it after all */
			rc = 0;
			*taken = true;
			goto out;
		}
		rc = refused(err, remote, &h);
		goto out;
	}
out:
	if (local) {
		git_reference *lr = NULL;
		if (git_reference_lookup(&lr, repo, local) == 0)
			(void)git_reference_delete(lr);
		git_reference_free(lr);
	}
	if (rc == YOI_EREFUSED && holder) {
		*holder = h;
		memset(&h, 0, sizeof(h));
	}
	yoi_claim_clear(&h);
	free(status);
	free(local);
	free(dst);
	git_remote_free(r);
	return rc;
}

static void mirror_drop(git_repository *repo, const char *remote,
			const char *id)
{
	char *name = mirror_ref(remote, id);
	git_reference *ref = NULL;
	if (name && git_reference_lookup(&ref, repo, name) == 0)
		(void)git_reference_delete(ref);
	git_reference_free(ref);
	free(name);
}

int yoi_claim_release(git_repository *repo, const char *remote, const char *id,
		      const yoi_claim *me, bool force, yoi_claim *held,
		      yoi_error *err)
{
	yoi_claim h = {0};
	git_remote *r = NULL;
	char *dst = NULL, *status = NULL;
	bool exists = false;
	int rc = remote_open(&r, repo, remote, err);
	if (rc == 0 && !(dst = yoi_sprintf("%s%s", YOI_CLAIMS_PREFIX, id)))
		rc = nomem(err);
	if (rc == 0)
		rc = holder_get(repo, r, id, &exists, &h, err);
	if (rc == 0 && !exists) {
		mirror_drop(repo, remote, id);
		rc = yoi_error_set(err, YOI_ENOTFOUND, NULL, 0,
				   "ticket %s has no claim on remote '%s'", id,
				   remote);
	}
	if (rc == 0)
		h.mine = me && yoi_claim_same_clone(&h, me);
	if (rc == 0 && !h.mine && !force) {
		yoi_buf b = YOI_BUF_INIT;
		rc = yoi_claim_holder(&b, &h) < 0
			 ? nomem(err)
			 : yoi_error_set(
			       err, YOI_EREFUSED, NULL, 0,
			       "the claim of ticket %s on remote '%s' is held "
			       "by %s, not by this clone; release it from "
			       "that clone, or here with 'yoi-tickets claims "
			       "release %s --force'",
			       id, remote, b.ptr, id);
		yoi_buf_free(&b);
	}
	if (rc == 0)
		rc = ref_update(repo, r, NULL, dst, NULL, h.oid, &status, err);
	if (rc == 0 && status)
		rc = yoi_error_set(err, YOI_EIO, NULL, 0,
				   "remote '%s' refused to delete the claim "
				   "of ticket %s: %s",
				   remote, id, status);
	if (rc == 0)
		mirror_drop(repo, remote, id);
	if (held && exists) {
		*held = h;
		memset(&h, 0, sizeof(h));
	}
	yoi_claim_clear(&h);
	free(status);
	free(dst);
	git_remote_free(r);
	return rc;
}

static int cmp_claim(const void *a, const void *b)
{
	return strcmp(((const yoi_claim *)a)->id, ((const yoi_claim *)b)->id);
}

/* Drop mirror refs of claims the remote no longer has (ids sorted). */
static void mirror_prune(git_repository *repo, const char *remote,
			 const yoi_strv *ids)
{
	char *glob = mirror_ref(remote, NULL);
	git_reference_iterator *it = NULL;
	if (!glob || git_reference_iterator_glob_new(&it, repo, glob) < 0) {
		free(glob);
		return;
	}
	size_t pl = strlen(glob) - 1; /* without the '*' */
	git_reference *ref;
	yoi_strv gone = {0};
	while (git_reference_next(&ref, it) == 0) {
		const char *name = git_reference_name(ref);
		if (strlen(name) > pl &&
		    yoi_strv_find_sorted(ids, name + pl) < 0)
			(void)yoi_strv_push(&gone, name);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	for (size_t i = 0; i < gone.n; i++) {
		git_reference *g = NULL;
		if (git_reference_lookup(&g, repo, gone.v[i]) == 0)
			(void)git_reference_delete(g);
		git_reference_free(g);
	}
	yoi_strv_free(&gone);
	free(glob);
}

int yoi_claims_list(git_repository *repo, const char *remote,
		    const yoi_claim *me, yoi_claims *out, yoi_error *err)
{
	memset(out, 0, sizeof(*out));
	git_remote *r = NULL;
	yoi_strv ids = {0}, oids = {0};
	int rc = remote_open(&r, repo, remote, err);
	if (rc == 0)
		rc = remote_claims(r, NULL, &ids, &oids, err);
	if (rc == 0 && ids.n)
		rc = fetch_claims(r, NULL, err);
	for (size_t i = 0; rc == 0 && i < ids.n; i++) {
		if (YOI_GROW(out->v, out->n, out->cap, 8) < 0) {
			rc = nomem(err);
			break;
		}
		yoi_claim *c = &out->v[out->n];
		if (read_claim(repo, ids.v[i], oids.v[i], c) < 0) {
			rc = nomem(err);
			break;
		}
		out->n++;
		c->mine = me && yoi_claim_same_clone(c, me);
	}
	if (rc == 0) {
		if (out->n > 1)
			qsort(out->v, out->n, sizeof(*out->v), cmp_claim);
		yoi_strv_sort(&ids);
		mirror_prune(repo, remote, &ids);
	} else {
		yoi_claims_free(out);
	}
	yoi_strv_free(&ids);
	yoi_strv_free(&oids);
	git_remote_free(r);
	return rc;
}
