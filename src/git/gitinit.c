/*
 * gitinit.c - libgit2's global set-up, without the TLS set-up it does not
 * need.
 *
 * Debian's libgit2 is built with mbedTLS and libssh2, and its
 * git_libgit2_init sets up the HTTPS and SSH transports this engine never
 * uses on its local paths: it fills mbedTLS's HAVEGE entropy pool and
 * seeds a CTR-DRBG from it (about 0.45 ms spinning on the CPU clock),
 * parses the whole system CA bundle (/etc/ssl/certs/ca-certificates.crt,
 * ~220 KiB of PEM, ~140 certificates: about 4 ms), and starts libssh2,
 * which starts OpenSSL's libcrypto (its error strings and algorithm
 * tables). There is no libgit2 option that skips any of them.
 *
 * So the engine defers those calls: mbedtls_havege_init,
 * mbedtls_ctr_drbg_seed, mbedtls_x509_crt_parse_file and libssh2_init.
 * The executable defines the same symbols and libgit2's (and mbedTLS's
 * own entropy module's) calls bind to them: with libgit2 linked statically
 * (YOI_GIT2_STATIC, the default build) through the linker's --wrap, which sends
 * libgit2's references to __wrap_NAME and leaves __real_NAME for the original;
 * with a shared libgit2 through ELF symbol interposition (the dynamic
 * linker binds libgit2's call to the executable's definition first, the
 * original then found with dlsym RTLD_NEXT). While yoi_git_init runs
 * libgit2's set-up, those definitions record the request (the state, the
 * context, the chain, the path) and return success, leaving the pool
 * empty, the generator unseeded, the chain empty and libssh2 down
 * (libssh2_exit, at libgit2's shutdown, does nothing then); at any other
 * time they call the original. A command that is about to talk to a
 * remote calls yoi_git_tls_ready first, which does all of it as libgit2
 * would have: the pool, the seed, the bundle into the chain libgit2
 * holds, libssh2. With a libgit2 built on OpenSSL the mbedTLS functions
 * are never called and nothing of them is deferred.
 */
#include "git/gitops.h"

#include <dlfcn.h>
#include <git2.h>
#include <stddef.h>

/* mbedtls_x509_crt_parse_file(mbedtls_x509_crt *chain, const char *path) */
typedef int (*parse_file_fn)(void *chain, const char *path);
/* mbedtls_ctr_drbg_seed(ctx, f_entropy, p_entropy, custom, len) */
typedef int (*entropy_fn)(void *, unsigned char *, size_t);
typedef int (*seed_fn)(void *ctx, entropy_fn f, void *p,
		       const unsigned char *custom, size_t len);
/* mbedtls_havege_init(mbedtls_havege_state *hs) */
typedef void (*havege_fn)(void *state);
/* libssh2_init(int flags) */
typedef int (*ssh_init_fn)(int flags);

static struct {
	bool deferring;	  /* inside yoi_git_init's git_libgit2_init */
	void *chain;	  /* the deferred bundle request, or NULL */
	const char *path; /* libgit2's compile-time constant */
	unsigned deferred;
	void *drbg; /* the deferred seeding request, or NULL */
	entropy_fn entropy;
	void *entropy_ctx;
	const unsigned char *custom;
	size_t custom_len;
	unsigned seeds_deferred;
	void *havege; /* the deferred pool, or NULL */
	bool ssh;     /* libssh2_init deferred */
	int ssh_flags;
} tls;

#ifdef YOI_GIT2_STATIC
#define PARSE_FILE  __wrap_mbedtls_x509_crt_parse_file
#define DRBG_SEED   __wrap_mbedtls_ctr_drbg_seed
#define HAVEGE_INIT __wrap_mbedtls_havege_init
#define SSH_INIT    __wrap_libssh2_init
int __real_mbedtls_x509_crt_parse_file(void *chain, const char *path);
int __real_mbedtls_ctr_drbg_seed(void *ctx, entropy_fn f, void *p,
				 const unsigned char *custom, size_t len);
void __real_mbedtls_havege_init(void *state);
int __real_libssh2_init(int flags);
static void real_havege(void *state)
{
	__real_mbedtls_havege_init(state);
}
static int real_ssh_init(int flags)
{
	return __real_libssh2_init(flags);
}
static int real_parse_file(void *chain, const char *path)
{
	return __real_mbedtls_x509_crt_parse_file(chain, path);
}
static int real_seed(void *ctx, entropy_fn f, void *p,
		     const unsigned char *custom, size_t len)
{
	return __real_mbedtls_ctr_drbg_seed(ctx, f, p, custom, len);
}
#else
#define PARSE_FILE  mbedtls_x509_crt_parse_file
#define DRBG_SEED   mbedtls_ctr_drbg_seed
#define HAVEGE_INIT mbedtls_havege_init
#define SSH_INIT    libssh2_init
static void real_havege(void *state)
{
	havege_fn real = (havege_fn)dlsym(RTLD_NEXT, "mbedtls_havege_init");
	if (real)
		real(state);
}
static int real_ssh_init(int flags)
{
	ssh_init_fn real = (ssh_init_fn)dlsym(RTLD_NEXT, "libssh2_init");
	return real ? real(flags) : -1;
}
static int real_parse_file(void *chain, const char *path)
{
	parse_file_fn real =
	    (parse_file_fn)dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
	return real ? real(chain, path) : -1;
}
static int real_seed(void *ctx, entropy_fn f, void *p,
		     const unsigned char *custom, size_t len)
{
	seed_fn real = (seed_fn)dlsym(RTLD_NEXT, "mbedtls_ctr_drbg_seed");
	return real ? real(ctx, f, p, custom, len) : -1;
}
#endif

int PARSE_FILE(void *chain, const char *path);
int DRBG_SEED(void *ctx, entropy_fn f, void *p, const unsigned char *custom,
	      size_t len);
void HAVEGE_INIT(void *state);
int SSH_INIT(int flags);

void HAVEGE_INIT(void *state)
{
	if (tls.deferring)
		tls.havege = state;
	else
		real_havege(state);
}

int SSH_INIT(int flags)
{
	if (tls.deferring) {
		tls.ssh = true;
		tls.ssh_flags = flags;
		return 0;
	}
	return real_ssh_init(flags);
}

int PARSE_FILE(void *chain, const char *path)
{
	if (tls.deferring) {
		tls.chain = chain;
		tls.path = path;
		tls.deferred++;
		return 0;
	}
	return real_parse_file(chain, path);
}

int DRBG_SEED(void *ctx, entropy_fn f, void *p, const unsigned char *custom,
	      size_t len)
{
	if (tls.deferring) {
		tls.drbg = ctx;
		tls.entropy = f;
		tls.entropy_ctx = p;
		tls.custom = custom;
		tls.custom_len = len;
		tls.seeds_deferred++;
		return 0;
	}
	return real_seed(ctx, f, p, custom, len);
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
	if (git_libgit2_shutdown() == 0) {
		/* libgit2 freed them; libssh2_exit did nothing */
		tls.chain = tls.drbg = tls.havege = NULL;
		tls.ssh = false;
	}
}

int yoi_git_tls_ready(yoi_error *err)
{
	if (tls.havege) {
		real_havege(tls.havege);
		tls.havege = NULL;
	}
	if (tls.ssh) {
		tls.ssh = false;
		if (real_ssh_init(tls.ssh_flags) < 0)
			return yoi_error_set(err, YOI_EIO, NULL, 0,
					     "cannot start libssh2 for SSH");
	}
	if (tls.drbg) {
		void *drbg = tls.drbg;
		tls.drbg = NULL;
		if (real_seed(drbg, tls.entropy, tls.entropy_ctx, tls.custom,
			      tls.custom_len) != 0)
			return yoi_error_set(err, YOI_EIO, NULL, 0,
					     "cannot seed the random number "
					     "generator for HTTPS");
	}
	if (!tls.chain)
		return 0;
	void *chain = tls.chain;
	tls.chain = NULL;
	if (real_parse_file(chain, tls.path) < 0)
		return yoi_error_set(err, YOI_EIO, tls.path, 0,
				     "cannot read the CA certificates for "
				     "HTTPS; check that the file is readable");
	return 0;
}

unsigned yoi_git_tls_deferred(void)
{
	return tls.deferred;
}

unsigned yoi_git_tls_seeds_deferred(void)
{
	return tls.seeds_deferred;
}
