/*
 * gitinit.c - libgit2's global set-up, without the CA bundle.
 *
 * Debian's libgit2 is built with mbedTLS, and its git_libgit2_init parses
 * the whole system CA bundle (/etc/ssl/certs/ca-certificates.crt, ~220
 * KiB of PEM, ~140 certificates) for an HTTPS transport this engine does
 * not use on its local paths: about 4 ms of every process's start-up, the
 * largest part of it, and there is no libgit2 option that skips it.
 *
 * So the engine defers that one call. libgit2 loads the bundle through
 * mbedtls_x509_crt_parse_file, a function of another shared library; the
 * executable defines the same symbol, and the dynamic linker binds
 * libgit2's call to the executable's definition first (ELF symbol
 * interposition). While yoi_git_init runs libgit2's set-up, that
 * definition records the request (the chain and the path) and returns
 * success with an empty chain; at any other time, and always through
 * yoi_git_tls_ready, it calls the real function (dlsym RTLD_NEXT). A
 * command that is about to talk to a remote over HTTPS calls
 * yoi_git_tls_ready first, which loads the bundle into the chain libgit2
 * holds. With a libgit2 built on OpenSSL the function is never called and
 * nothing is deferred.
 */
#include "git/gitops.h"

#include <dlfcn.h>
#include <git2.h>
#include <stddef.h>

/* mbedtls_x509_crt_parse_file(mbedtls_x509_crt *chain, const char *path) */
typedef int (*parse_file_fn)(void *chain, const char *path);

static struct {
	bool deferring;	  /* inside yoi_git_init's git_libgit2_init */
	void *chain;	  /* the deferred request, or NULL */
	const char *path; /* libgit2's compile-time constant */
	unsigned deferred;
} tls;

int mbedtls_x509_crt_parse_file(void *chain, const char *path);

int mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	if (tls.deferring) {
		tls.chain = chain;
		tls.path = path;
		tls.deferred++;
		return 0;
	}
	parse_file_fn real =
	    (parse_file_fn)dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
	return real ? real(chain, path) : -1;
}

int yoi_git_init(void)
{
	tls.deferring = true;
	int rc = git_libgit2_init();
	tls.deferring = false;
	if (rc < 0)
		return YOI_EIO;
	/*
	 * libgit2 caches trees up to 4 KiB by default, and a tickets
	 * directory's tree is ~40 bytes per ticket: every path looked up
	 * under it would inflate it again (2-3 ms at 10,000 tickets, several
	 * times per ticket that pre-commit or check reads). Cache trees up to
	 * 4 MiB.
	 */
	if (rc == 1) {
		git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT,
				 GIT_OBJECT_TREE, (size_t)4 << 20);
		/*
		 * libgit2 hashes every object it reads to verify its id; git
		 * does not (git fsck does). At 10,000 tickets that is a
		 * seventh of `check`: the two tickets trees are ~400 KiB
		 * each. Objects are read as git reads them.
		 */
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	}
	return 0;
}

void yoi_git_shutdown(void)
{
	if (git_libgit2_shutdown() == 0)
		tls.chain = NULL; /* libgit2 freed it */
}

int yoi_git_tls_ready(yoi_error *err)
{
	if (!tls.chain)
		return 0;
	void *chain = tls.chain;
	tls.chain = NULL;
	if (mbedtls_x509_crt_parse_file(chain, tls.path) < 0)
		return yoi_error_set(err, YOI_EIO, tls.path, 0,
				     "cannot read the CA certificates for "
				     "HTTPS; check that the file is readable");
	return 0;
}

unsigned yoi_git_tls_deferred(void)
{
	return tls.deferred;
}
