/*
 * End-to-end: start-up (issue 15). A process pays only for what its
 * command uses: --version, help and usage errors never set up libgit2;
 * with libgit2 linked statically (the default build) no command loads a
 * shared library but libc at start-up (GSS-API is loaded on first use,
 * which only HTTP Negotiate authentication makes), and no command reads
 * the CA bundle or seeds mbedTLS's generator.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/*
 * Run the binary with args in dir under LD_DEBUG=libs: the libraries the
 * dynamic loader initialised (its "calling init:" lines). Caller frees.
 */
static char *loaded_libs(const char *dir, const char *args)
{
	const char *bin = getenv("YOI_BIN");
	cr_assert_not_null(bin, "YOI_BIN is not set");
	char log[] = "/tmp/yoi-startup-XXXXXX";
	int fd = mkstemp(log);
	cr_assert_geq(fd, 0);
	close(fd);
	e2e_sh(dir, "LD_DEBUG=libs '%s' %s >/dev/null 2>'%s'; true", bin, args,
	       log);
	FILE *f = fopen(log, "r");
	cr_assert_not_null(f);
	size_t cap = 1 << 16, len = 0;
	char *out = calloc(1, cap);
	cr_assert_not_null(out);
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "calling init: ");
		if (!p)
			continue;
		size_t n = strlen(p + 14);
		if (len + n + 1 >= cap)
			break;
		memcpy(out + len, p + 14, n);
		len += n;
	}
	fclose(f);
	unlink(log);
	return out;
}

static void assert_lean(const char *dir, const char *args)
{
	char *libs = loaded_libs(dir, args);
	cr_assert(strstr(libs, "libc.so"),
		  "LD_DEBUG shows no libc for '%s':\n%s", args, libs);
#ifdef YOI_GIT2_STATIC
	static const char *const heavy[] = {
	    "libgit2", "libgssapi", "libkrb5",	"libcrypto", "libssh2",
	    "libmbed", "libyaml",   "libcmark", "libjansson"};
	for (size_t i = 0; i < sizeof(heavy) / sizeof(heavy[0]); i++)
		cr_assert_null(strstr(libs, heavy[i]),
			       "'%s' loads %s at start-up:\n%s", args, heavy[i],
			       libs);
#endif
	free(libs);
}

Test(start_up, version_and_commands_load_only_libc)
{
	char *dir = e2e_store();
	assert_lean(dir, "--version");
	assert_lean(dir, "list");
	assert_lean(dir, "doctor");
	assert_lean(dir, "nosuchcommand");
	e2e_rm(dir);
}

/* A store command opens the repository, yet never reads the CA bundle. */
Test(start_up, no_command_reads_the_ca_bundle)
{
	char *dir = e2e_store();
	const char *bin = getenv("YOI_BIN");
	if (e2e_sh(dir, "command -v strace >/dev/null") != 0)
		cr_skip_test("strace is not installed");
	static const char *const cmds[] = {"--version", "list", "doctor",
					   "create --title T"};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		int st = e2e_sh(dir,
				"strace -f -e trace=openat,open -o trace.log "
				"'%s' %s >/dev/null 2>&1; "
				"! grep -q 'ca-certificates' trace.log",
				bin, cmds[i]);
		cr_assert_eq(st, 0, "'%s' opens the CA bundle", cmds[i]);
	}
	e2e_rm(dir);
}

/*
 * --version, help and usage errors never set up libgit2, whose set-up
 * looks for the CA bundle (a stat, deferred reading aside) and reads
 * $HOME's git configuration on opening a repository.
 */
Test(start_up, version_help_and_usage_errors_skip_libgit2)
{
	char *dir = e2e_store();
	const char *bin = getenv("YOI_BIN");
	if (e2e_sh(dir, "command -v strace >/dev/null") != 0)
		cr_skip_test("strace is not installed");
	static const char *const cmds[] = {"--version", "--help", "help list",
					   "nosuchcommand", "--bogus"};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		int st = e2e_sh(dir,
				"strace -f -e trace=file -o trace.log "
				"'%s' %s >/dev/null 2>&1; "
				"! grep -q 'ca-certificates\\|gitconfig' "
				"trace.log",
				bin, cmds[i]);
		cr_assert_eq(st, 0, "'%s' sets up libgit2", cmds[i]);
	}
	e2e_rm(dir);
}
