/* mhd.c - libmicrohttpd through dlopen (mhd.h). */
#include "serve/mhd.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static yoi_mhd table;
static bool loaded;
static char failure[512];

#define BIND(field, name)                                                      \
	(ok = ok && (*(void **)&table.field = dlsym(lib, name)) != NULL)

static void load(void)
{
	void *lib = dlopen(YOI_MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		const char *e = dlerror();
		snprintf(failure, sizeof(failure), "%s",
			 e ? e : YOI_MHD_SONAME);
		return;
	}
	bool ok = true;
	BIND(start_daemon, "MHD_start_daemon");
	BIND(stop_daemon, "MHD_stop_daemon");
	BIND(get_daemon_info, "MHD_get_daemon_info");
	BIND(lookup_connection_value, "MHD_lookup_connection_value");
	BIND(get_connection_values, "MHD_get_connection_values");
	BIND(response_from_buffer, "MHD_create_response_from_buffer");
	BIND(response_from_callback, "MHD_create_response_from_callback");
	BIND(add_response_header, "MHD_add_response_header");
	BIND(queue_response, "MHD_queue_response");
	BIND(destroy_response, "MHD_destroy_response");
	BIND(create_post_processor, "MHD_create_post_processor");
	BIND(post_process, "MHD_post_process");
	BIND(destroy_post_processor, "MHD_destroy_post_processor");
	if (!ok) {
		const char *e = dlerror();
		snprintf(failure, sizeof(failure), "%s", e ? e : "a symbol");
		dlclose(lib);
		return;
	}
	loaded = true; /* the library stays loaded for the process */
}

const yoi_mhd *yoi_mhd_load(char *why, size_t n)
{
	pthread_once(&once, load);
	if (loaded)
		return &table;
	snprintf(why, n,
		 "cannot load %s (%s); install libmicrohttpd12 "
		 "(Debian: apt-get install libmicrohttpd12)",
		 YOI_MHD_SONAME, failure);
	return NULL;
}
