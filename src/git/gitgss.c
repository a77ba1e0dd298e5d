/*
 * gitgss.c - GSS-API loaded on first use, for a statically linked
 * libgit2 (YOI_GIT2_STATIC).
 *
 * Debian's libgit2 supports SPNEGO ("Negotiate") authentication to HTTP
 * remotes through the GSS-API of libgssapi_krb5, which is shared only
 * (no .a). Linked as such it loads seven libraries into every process
 * (gssapi_krb5, krb5, k5crypto, com_err, krb5support, keyutils, resolv),
 * about half a millisecond of start-up, for an authentication the engine
 * never does on its local paths. So the executable defines the nine
 * GSS-API symbols libgit2.a refers to; the first call of any of them
 * opens libgssapi_krb5.so.2 (dlopen) and forwards every call to it from
 * then on. Without that library the calls fail with GSS_S_FAILURE, as
 * libgit2 expects of a mechanism that is not available.
 *
 * GSS_C_NT_HOSTBASED_SERVICE is a variable, read by libgit2 before its
 * call: ours points at a placeholder, which gss_import_name replaces with
 * the library's own.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "yoi/gitinit.h"

#ifdef YOI_GIT2_STATIC

#include <dlfcn.h>
#include <pthread.h>

typedef uint32_t om_u32;
#define GSS_FAILURE ((om_u32)13 << 16) /* GSS_S_FAILURE */

/* gss_OID_desc: a length and its bytes. */
typedef struct oid_desc {
	om_u32 length;
	void *elements;
} oid_desc;

static oid_desc placeholder;
oid_desc *GSS_C_NT_HOSTBASED_SERVICE = &placeholder;

static struct {
	pthread_once_t once;
	void *lib;
	oid_desc **hostbased;
	om_u32 (*delete_sec_context)(om_u32 *, void *, void *);
	om_u32 (*display_status)(om_u32 *, om_u32, int, void *, om_u32 *,
				 void *);
	om_u32 (*import_name)(om_u32 *, void *, void *, void *);
	om_u32 (*indicate_mechs)(om_u32 *, void *);
	om_u32 (*init_sec_context)(om_u32 *, void *, void *, void *, void *,
				   om_u32, om_u32, void *, void *, void *,
				   void *, om_u32 *, om_u32 *);
	om_u32 (*release_buffer)(om_u32 *, void *);
	om_u32 (*release_name)(om_u32 *, void *);
	om_u32 (*release_oid_set)(om_u32 *, void *);
} gss = {.once = PTHREAD_ONCE_INIT};

#define BIND(field, name) (*(void **)&gss.field = dlsym(gss.lib, name))

static void load(void)
{
	gss.lib = dlopen("libgssapi_krb5.so.2", RTLD_NOW | RTLD_LOCAL);
	if (!gss.lib)
		return;
	bool ok = (gss.hostbased =
		       dlsym(gss.lib, "GSS_C_NT_HOSTBASED_SERVICE")) != NULL;
	ok &= BIND(delete_sec_context, "gss_delete_sec_context") != NULL;
	ok &= BIND(display_status, "gss_display_status") != NULL;
	ok &= BIND(import_name, "gss_import_name") != NULL;
	ok &= BIND(indicate_mechs, "gss_indicate_mechs") != NULL;
	ok &= BIND(init_sec_context, "gss_init_sec_context") != NULL;
	ok &= BIND(release_buffer, "gss_release_buffer") != NULL;
	ok &= BIND(release_name, "gss_release_name") != NULL;
	ok &= BIND(release_oid_set, "gss_release_oid_set") != NULL;
	if (!ok) {
		dlclose(gss.lib);
		gss.lib = NULL;
	}
}

/* The library, loaded once; false (and *minor 0) without it. */
static bool ready(om_u32 *minor)
{
	pthread_once(&gss.once, load);
	if (!gss.lib && minor)
		*minor = 0;
	return gss.lib != NULL;
}

bool yoi_git_gss_loaded(void)
{
	return gss.lib != NULL;
}

om_u32 gss_delete_sec_context(om_u32 *minor, void *ctx, void *out);
om_u32 gss_delete_sec_context(om_u32 *minor, void *ctx, void *out)
{
	return ready(minor) ? gss.delete_sec_context(minor, ctx, out)
			    : GSS_FAILURE;
}

om_u32 gss_display_status(om_u32 *minor, om_u32 status, int type, void *mech,
			  om_u32 *msg_ctx, void *out);
om_u32 gss_display_status(om_u32 *minor, om_u32 status, int type, void *mech,
			  om_u32 *msg_ctx, void *out)
{
	return ready(minor)
		   ? gss.display_status(minor, status, type, mech, msg_ctx, out)
		   : GSS_FAILURE;
}

om_u32 gss_import_name(om_u32 *minor, void *buf, oid_desc *type, void *out);
om_u32 gss_import_name(om_u32 *minor, void *buf, oid_desc *type, void *out)
{
	if (!ready(minor))
		return GSS_FAILURE;
	if (type == &placeholder)
		type = *gss.hostbased;
	return gss.import_name(minor, buf, type, out);
}

om_u32 gss_indicate_mechs(om_u32 *minor, void *set);
om_u32 gss_indicate_mechs(om_u32 *minor, void *set)
{
	return ready(minor) ? gss.indicate_mechs(minor, set) : GSS_FAILURE;
}

om_u32 gss_init_sec_context(om_u32 *minor, void *cred, void *ctx, void *target,
			    void *mech, om_u32 flags, om_u32 time_req,
			    void *bindings, void *in, void *actual_mech,
			    void *out, om_u32 *ret_flags, om_u32 *time_rec);
om_u32 gss_init_sec_context(om_u32 *minor, void *cred, void *ctx, void *target,
			    void *mech, om_u32 flags, om_u32 time_req,
			    void *bindings, void *in, void *actual_mech,
			    void *out, om_u32 *ret_flags, om_u32 *time_rec)
{
	return ready(minor)
		   ? gss.init_sec_context(minor, cred, ctx, target, mech, flags,
					  time_req, bindings, in, actual_mech,
					  out, ret_flags, time_rec)
		   : GSS_FAILURE;
}

om_u32 gss_release_buffer(om_u32 *minor, void *buf);
om_u32 gss_release_buffer(om_u32 *minor, void *buf)
{
	return ready(minor) ? gss.release_buffer(minor, buf) : GSS_FAILURE;
}

om_u32 gss_release_name(om_u32 *minor, void *name);
om_u32 gss_release_name(om_u32 *minor, void *name)
{
	return ready(minor) ? gss.release_name(minor, name) : GSS_FAILURE;
}

om_u32 gss_release_oid_set(om_u32 *minor, void *set);
om_u32 gss_release_oid_set(om_u32 *minor, void *set)
{
	return ready(minor) ? gss.release_oid_set(minor, set) : GSS_FAILURE;
}

#else

/* A shared libgit2 brings its own GSS-API library: nothing to do here. */
bool yoi_git_gss_loaded(void)
{
	return false;
}

#endif
