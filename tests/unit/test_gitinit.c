/*
 * test_gitinit.c - libgit2's set-up without the TLS and SSH set-up the
 * engine does not use (gitinit.c), and GSS-API loaded on first use
 * (gitgss.c).
 */
#include <criterion/criterion.h>
#include <git2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "yoi/gitinit.h"

/* Whether this process maps a library whose path holds name. */
static bool mapped(const char *name)
{
	FILE *f = fopen("/proc/self/maps", "r");
	cr_assert_not_null(f);
	char line[512];
	bool found = false;
	while (fgets(line, sizeof(line), f))
		found |= strstr(line, name) != NULL;
	fclose(f);
	return found;
}

/* libgit2 built with mbedTLS: linked in (the static build) or mapped. */
static bool with_mbedtls(void)
{
#ifdef YOI_GIT2_STATIC
	return true;
#else
	return mapped("libmbedx509");
#endif
}

/* libgit2 down whoever set it up in this process. */
static void libgit2_down(void)
{
	for (int i = 0; i < 64 && git_libgit2_shutdown() > 0; i++)
		;
}

/*
 * The CA bundle and the generator's seed are deferred when libgit2 uses
 * mbedTLS (Debian's build): yoi_git_tls_ready does both later, once.
 */
Test(gitinit, the_tls_set_up_is_deferred_until_asked_for)
{
	libgit2_down();
	unsigned ca0 = yoi_git_tls_deferred();
	unsigned seed0 = yoi_git_tls_seeds_deferred();
	cr_assert_eq(yoi_git_init(), 0);
	if (!with_mbedtls() || !(git_libgit2_features() & GIT_FEATURE_HTTPS)) {
		cr_expect_eq(yoi_git_tls_deferred(), ca0);
		yoi_git_shutdown();
		return;
	}
	cr_assert_eq(yoi_git_tls_deferred(), ca0 + 1,
		     "libgit2 with mbedTLS asked for the bundle %u times",
		     yoi_git_tls_deferred() - ca0);
	cr_assert_eq(yoi_git_tls_seeds_deferred(), seed0 + 1,
		     "libgit2 with mbedTLS seeded its generator %u times",
		     yoi_git_tls_seeds_deferred() - seed0);
	yoi_error err = {0};
	cr_assert_eq(yoi_git_tls_ready(&err), 0, "%s", err.msg);
	cr_assert_eq(yoi_git_tls_ready(&err), 0, "a second call is a no-op");
	/* A second init while libgit2 is up defers nothing more. */
	cr_assert_eq(yoi_git_init(), 0);
	cr_assert_eq(yoi_git_tls_deferred(), ca0 + 1);
	cr_assert_eq(yoi_git_tls_seeds_deferred(), seed0 + 1);
	yoi_git_shutdown();
	yoi_git_shutdown();
	/* Shut down and set up again: deferred again, nothing leaks. */
	cr_assert_eq(yoi_git_init(), 0);
	cr_assert_eq(yoi_git_tls_deferred(), ca0 + 2);
	yoi_git_shutdown();
}

/* Shut down without ever asking for TLS: nothing was set up to free. */
Test(gitinit, shutdown_without_tls_is_clean)
{
	libgit2_down();
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(yoi_git_init(), 0);
		yoi_git_shutdown();
	}
}

typedef uint32_t om_u32;
om_u32 gss_indicate_mechs(om_u32 *minor, void *set);
om_u32 gss_release_oid_set(om_u32 *minor, void *set);

/*
 * With a statically linked libgit2, the GSS-API library is not loaded by
 * libgit2's set-up; its first call loads it and is forwarded to it. (This
 * test binary may have it already: Criterion itself needs a shared
 * libgit2. The e2e suite start_up checks the product's binary.)
 */
Test(gitinit, gss_api_is_loaded_on_first_use)
{
#ifndef YOI_GIT2_STATIC
	cr_skip_test("a shared libgit2 loads GSS-API itself");
#else
	bool already = mapped("libgssapi_krb5");
	cr_assert_not(yoi_git_gss_loaded());
	libgit2_down();
	cr_assert_eq(yoi_git_init(), 0);
	cr_assert_not(yoi_git_gss_loaded());
	if (!already)
		cr_assert_not(mapped("libgssapi_krb5"));
	yoi_git_shutdown();
	om_u32 minor = 0;
	void *set = NULL;
	om_u32 major = gss_indicate_mechs(&minor, &set);
	if (!yoi_git_gss_loaded()) {
		/* No libgssapi_krb5.so.2 here: a failure, as libgit2
		 * expects of a mechanism that is not available. */
		cr_assert_neq(major, 0);
		return;
	}
	cr_assert(mapped("libgssapi_krb5"));
	cr_assert_eq(major, 0, "gss_indicate_mechs: %u/%u", major, minor);
	cr_assert_not_null(set);
	cr_assert_eq(gss_release_oid_set(&minor, &set), 0);
#endif
}
